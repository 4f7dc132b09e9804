"""The Curtois & Qu benchmark reader, its solver-free evaluator and the agent-by-agent start."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from rostering.errors import ScenarioError
from rostering.nrp import strategy as strategy_module
from rostering.nrp.agentwise import (
    agents_instance,
    agentwise_applies,
    agentwise_roster,
    improve_by_agents,
)
from rostering.nrp.curtois import (
    benchmark_objective,
    benchmark_violations,
    load_instance,
    parse_instance,
)
from rostering.nrp.strategy import NRP
from rostering.roster import search as search_module
from rostering.roster.config import SolverConfig
from rostering.roster.facts import SCALE
from rostering.roster.solution import SolveStatus
from rostering.roster.solver import solve
from rostering.types import AgentId, ShiftId

DATA = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "curtois" / "txt"
needs_data = pytest.mark.skipif(
    not (DATA / "Instance1.txt").exists(),
    reason=f"benchmark data not found at {DATA} (the shared benchmark folder is outside the repo)",
)

TINY = """\
# a comment\r
SECTION_HORIZON\r
7\r
\r
SECTION_SHIFTS\r
# ShiftID, Length, CannotFollow\r
E,480,\r
L,600,E\r
\r
SECTION_STAFF\r
A,E=7|L=0,2880,960,3,1,2,1\r
B,E=3|L=7,4800,0,5,2,1,2\r
\r
SECTION_DAYS_OFF\r
A,3\r
B,0,6\r
\r
SECTION_SHIFT_ON_REQUESTS\r
A,1,E,2\r
\r
SECTION_SHIFT_OFF_REQUESTS\r
B,2,L,3\r
\r
SECTION_COVER\r
0,E,1,100,1\r
2,L,1,100,1\r
"""

a, b = AgentId("A"), AgentId("B")
E, L = ShiftId("E"), ShiftId("L")


def test_tiny_text_maps_onto_the_domain() -> None:
    inst = parse_instance(TINY, name="tiny")
    assert inst.n_days == 7 and inst.start.weekday() == 0
    assert [d.value for d in inst.day_types[4:7]] == ["workday", "weekend", "weekend"]
    assert inst.shift("L").cannot_follow == ["E"] and inst.shift("L").length_minutes == 600
    spec = inst.agent("A")
    assert spec.shifts == ["E"]  # L has a maximum of 0
    c = spec.contract
    assert c.max_shifts == {"E": 7, "L": 0}
    assert (c.max_total_minutes, c.min_total_minutes) == (2880, 960)
    assert (c.max_consecutive_days, c.min_consecutive_days) == (3, 1)
    assert (c.min_consecutive_days_off, c.max_weekends) == (2, 1)
    assert inst.agent("B").days_off == [0, 6]
    assert [(r.agent, r.day, r.shift, r.want, r.weight) for r in inst.requests] == [
        ("A", 1, "E", True, 2),
        ("B", 2, "L", False, 3),
    ]
    assert [(c.day, c.shift, c.required) for c in inst.day_cover] == [(0, "E", 1), (2, "L", 1)]
    assert all(a.history == "" for a in inst.agents)  # runs at day 0 are exempt
    assert inst.weights.request_unit == 1 and inst.weights.labour_cost == 0


def test_evaluator_hand_computed_objectives() -> None:
    inst = parse_instance(TINY, name="tiny")
    # Nobody works: A's on-request (2) and both cover rows short (100 + 100).
    assert benchmark_objective(inst, {}) == 202
    # A works E on days 0 and 1 (cover met, request met); B works L on day 2
    # (cover met, off-request broken: 3).
    schedule = {(a, 0): E, (a, 1): E, (b, 2): L}
    assert benchmark_objective(inst, schedule) == 3
    assert [v.rule for v in benchmark_violations(inst, schedule)] == ["consecutive working days"]
    # B works E on day 0 too: cover over by one (1); B's single day at day 0 is a day off.
    schedule |= {(b, 0): E, (b, 3): L, (a, 2): E}
    assert benchmark_objective(inst, schedule) == 4
    assert {v.rule for v in benchmark_violations(inst, schedule)} == {"days off"}


def test_evaluator_flags_forbidden_succession_and_unknown_cells() -> None:
    inst = parse_instance(TINY, name="tiny")
    rules = {v.rule for v in benchmark_violations(inst, {(b, 2): L, (b, 3): E})}
    assert "forbidden succession" in rules
    assert [v.rule for v in benchmark_violations(inst, {(a, 1): ShiftId("X")})] == ["unknown"]
    assert [v.rule for v in benchmark_violations(inst, {(a, 9): E})] == ["horizon"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (TINY.replace("7\r\n\r\nSECTION_SHIFTS", "seven\r\n\r\nSECTION_SHIFTS"), "horizon"),
        (TINY.replace("L,600,E", "L,600,Q"), "cannot-follow names an unknown shift"),
        (TINY.replace("A,E=7|L=0,2880", "A,E=7|L=0|Z=2,2880"), "MaxShifts"),
        (TINY.replace("A,E=7|L=0,2880,960,3,1,2,1", "A,E=7,2880,960,3"), "staff line"),
        (TINY.replace("A,3\r", "A,30\r"), "beyond the horizon"),
        (TINY.replace("A,1,E,2", "C,1,E,2"), "unknown employee"),
        (TINY.replace("2,L,1,100,1", "2,L,one,100,1"), "requirement"),
        (TINY.replace("SECTION_COVER", "SECTION_CUVER"), "unknown section"),
        (TINY.replace("SECTION_STAFF\r\n", ""), "data outside a section"),
        ("SECTION_HORIZON\n7\n", "missing SECTION_SHIFTS"),
    ],
)
def test_malformed_files_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as err:
        parse_instance(text, name="bad", file="bad.txt")
    assert any(message in p.message for p in err.value.problems)
    assert all(p.file == "bad.txt" for p in err.value.problems)
    if "missing" not in message:
        assert any(p.location.startswith("line ") for p in err.value.problems)


def test_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError):
        load_instance(tmp_path / "Instance99.txt")


@needs_data
def test_instance1_reads_with_the_published_sizes() -> None:
    inst = load_instance(DATA / "Instance1.txt")
    assert inst.name == "Instance1"
    assert (inst.n_days, len(inst.agents), len(inst.shifts)) == (14, 8, 1)
    assert sum(len(a.days_off) for a in inst.agents) == 8
    assert sum(r.want for r in inst.requests) == 21
    assert sum(not r.want for r in inst.requests) == 5
    assert len(inst.day_cover) == 14
    assert all(a.contract.max_shifts == {"D": 14} for a in inst.agents)


@needs_data
@pytest.mark.parametrize("n", range(1, 11))
def test_instances_1_to_10_read_with_the_published_sizes(n: int) -> None:
    sizes = {
        1: (14, 8, 1, 14),
        2: (14, 14, 2, 28),
        3: (14, 20, 3, 42),
        4: (28, 10, 2, 56),
        5: (28, 16, 2, 56),
        6: (28, 18, 3, 84),
        7: (28, 20, 3, 84),
        8: (28, 30, 4, 112),
        9: (28, 36, 4, 112),
        10: (28, 40, 5, 140),
    }
    inst = load_instance(DATA / f"Instance{n}.txt")
    assert (inst.n_days, len(inst.agents), len(inst.shifts), len(inst.day_cover)) == sizes[n]


@needs_data
def test_instance1_solves_to_the_proven_optimum() -> None:
    inst = load_instance(DATA / "Instance1.txt")
    solution = solve(inst, SolverConfig(time_limit_s=30, workers=2), strategy=NRP)
    assert solution.status is SolveStatus.OPTIMAL
    schedule = {(x.agent, x.day): x.shift for x in solution.assignments}
    assert benchmark_violations(inst, schedule) == []
    assert benchmark_objective(inst, schedule) == 607
    assert solution.objective == 607


# --------------------------------------------------------------------------- agent by agent


def generated_text(days: int, staff: int, *, seed: int = 3) -> str:
    """A benchmark file with Curtois-like contracts: minimum minutes and runs bind."""
    rng = random.Random(seed)
    lines = ["SECTION_HORIZON", str(days), "", "SECTION_SHIFTS"]
    lines += ["E,480,", "D,600,", "L,480,E|D", ""]
    lines.append("SECTION_STAFF")
    for e in range(staff):
        late = 0 if e % 4 == 0 else days
        lines.append(
            f"P{e},E={days}|D={days // 2}|L={late},{days * 480 * 5 // 7},{days * 480 * 3 // 7},"
            f"5,2,2,{days // 14}"
        )
    lines += ["", "SECTION_DAYS_OFF"]
    lines += [f"P{e},{rng.randrange(days)}" for e in range(staff)]
    lines += ["", "SECTION_SHIFT_ON_REQUESTS"]
    lines += [f"P{e},{rng.randrange(days)},E,2" for e in range(0, staff, 2)]
    lines += ["", "SECTION_SHIFT_OFF_REQUESTS"]
    lines += [f"P{e},{rng.randrange(days)},D,3" for e in range(1, staff, 2)]
    lines += ["", "SECTION_COVER"]
    for d in range(days):
        for s in "EDL":
            lines.append(f"{d},{s},{rng.randint(1, staff // 3)},100,1")
    return "\r\n".join([*lines, ""])


@pytest.mark.parametrize("workers", [1, 2])
def test_agentwise_roster_meets_every_hard_rule(workers: int) -> None:
    inst = parse_instance(generated_text(28, 9), name="generated")
    assert agentwise_applies(inst)
    roster = agentwise_roster(
        inst, SolverConfig(time_limit_s=10, workers=1), time_limit_s=3, workers=workers
    )
    assert roster is not None
    assert benchmark_violations(inst, roster) == []
    # Every agent is rostered, and meets their minimum minutes.
    assert {agent for agent, _ in roster} == {a.id for a in inst.agents}


@pytest.mark.parametrize("workers", [1, 2])
def test_agentwise_roster_is_none_when_one_agent_cannot_meet_their_rules(workers: int) -> None:
    text = generated_text(14, 3).replace(
        "SECTION_DAYS_OFF\r\n", "SECTION_DAYS_OFF\r\nP1," + ",".join(map(str, range(14))) + "\r\n"
    )
    inst = parse_instance(text, name="no-days-left")
    config = SolverConfig(time_limit_s=5, workers=1)
    assert agentwise_roster(inst, config, time_limit_s=2, workers=workers) is None


def test_agents_instance_keeps_only_the_shift_types_of_its_agents() -> None:
    inst = parse_instance(generated_text(14, 6), name="generated")
    agent = inst.agents[0].model_copy(update={"shifts": [ShiftId("E"), ShiftId("L")]})
    sub = agents_instance(inst, [agent], {})
    assert [s.id for s in sub.shifts] == ["E", "L"]
    assert {row.shift for row in sub.day_cover} == {"E", "L"}
    # No D after an L in the file: the succession between the kept types survives.
    assert [s.cannot_follow for s in sub.shifts] == [[], ["E"]]


@pytest.mark.parametrize("agent_lns_from", [1, 10**9], ids=["agent-neighbourhoods", "whole"])
def test_large_search_starts_from_the_agentwise_roster(
    monkeypatch: pytest.MonkeyPatch, agent_lns_from: int
) -> None:
    # Treated as large, the constructive roster (no one works: flexible agents) breaks
    # the minimum minutes; the agent-by-agent roster is the first roster instead. It is
    # then improved by agent neighbourhoods, or by the whole model from it.
    monkeypatch.setattr(search_module, "LNS_MIN_WORKS", 1)
    monkeypatch.setattr(strategy_module, "AGENT_LNS_MIN_WORKS", agent_lns_from)
    calls: list[str] = []
    original = strategy_module.agentwise_roster

    def spy(*args: object, **kwargs: object) -> object:
        calls.append("agentwise")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(strategy_module, "agentwise_roster", spy)
    inst = parse_instance(generated_text(28, 9), name="generated")
    solution = solve(inst, SolverConfig(time_limit_s=8, workers=2), strategy=NRP)
    assert calls == ["agentwise"]
    assert solution.status in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL)
    schedule = {(x.agent, x.day): x.shift for x in solution.assignments}
    assert benchmark_violations(inst, schedule) == []
    assert benchmark_objective(inst, schedule) == solution.objective
    assert solution.best_bound is not None and solution.best_bound <= solution.objective


def test_agent_neighbourhoods_save_exactly_what_they_report() -> None:
    # The saving is measured on small models whose cover excludes the other agents;
    # the evaluator on the whole roster must see the same saving.
    inst = parse_instance(generated_text(28, 9), name="generated")
    config = SolverConfig(time_limit_s=10, workers=1, seed=1)
    start = agentwise_roster(inst, config, time_limit_s=0.5)
    assert start is not None
    seen: list[int] = []
    better, saved = improve_by_agents(
        inst, config, start, deadline=time.perf_counter() + 6, on_better=seen.append
    )
    assert benchmark_violations(inst, better) == []
    assert saved > 0 and seen and seen[-1] == saved
    before, after = benchmark_objective(inst, start), benchmark_objective(inst, better)
    assert before - after == saved // SCALE
