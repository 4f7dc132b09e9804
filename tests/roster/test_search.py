"""The constructive roster, its completion, and large-neighbourhood search."""

from __future__ import annotations

import re

import pytest

from rostering.domain.patterns import PatternKind
from rostering.roster import incumbent as incumbent_module
from rostering.roster import search as search_module
from rostering.roster.config import Progress, SolverConfig
from rostering.roster.facts import five_two_targets
from rostering.roster.heuristic import greedy_roster, working_days
from rostering.roster.instance import RosterInstance, Weights
from rostering.roster.model import build_model
from rostering.roster.solution import SolveStatus
from rostering.roster.solver import solve
from rostering.roster.validation import validate
from rostering.types import AgentId

from .factories import INBOUND, agent, needs_between, reference_instance, shift_a, tiny_instance


def test_greedy_roster_keeps_the_rotations() -> None:
    inst = reference_instance(n_days=14, holidays=[2], history={"A1": "W", "A2": "O"})
    roster = greedy_roster(inst)
    a1 = sorted(d for (a, d) in roster if a == "A1")
    a2 = sorted(d for (a, d) in roster if a == "A2")
    assert a1 == list(range(1, 14, 2))
    assert a2 == list(range(0, 14, 2))
    b1 = sorted(d for (a, d) in roster if a == "B1")
    # Weekdays only, and not the public holiday (day 2).
    assert b1 == [0, 1, 3, 4, 7, 8, 9, 10, 11]
    assert "S1" not in {a for (a, _) in roster}


def test_greedy_roster_keeps_holidays_free_when_demand_allows() -> None:
    # A week with Wednesday a public holiday and little demand: five-two agents whose
    # days off may fall on any day take the holiday off instead of being paid 3x; the
    # holiday is a paid day off that counts as one of the week's five.
    people = [
        agent(f"B{i}", pattern=PatternKind.FIVE_ON_TWO_OFF, skills=(INBOUND,)) for i in range(3)
    ]
    inst = tiny_instance(
        n_days=7,
        holidays=[2],
        agents=people,
        needs=needs_between(7, INBOUND, first_minute=10 * 60, last_minute=12 * 60),
    )
    days = working_days(inst)
    for person in people:
        assert len(days[person.id]) == 4
        assert 2 not in days[person.id]
        target = five_two_targets(inst, person)[0]
        assert target.least <= len(days[person.id]) <= target.most


def test_time_limit_always_returns_the_constructive_roster() -> None:
    inst = reference_instance(n_days=28)
    seen: list[Progress] = []
    solution = solve(inst, SolverConfig(time_limit_s=0.05, workers=1), progress=seen.append)
    assert solution.status in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL)
    assert seen and seen[0].solutions == 1
    report = validate(inst, solution)
    assert report.ok, report.hard
    assert report.objective == pytest.approx(solution.objective)


def test_variables_are_tied_to_their_days() -> None:
    inst = reference_instance(n_days=3)
    built = build_model(inst)
    days = built.vars.day_of
    for (_, day, _), var in built.vars.items():
        assert days[var.index] == day
    for (t, _), var in built.coverage.serving.items():
        assert days[var.index] == t // inst.slots_per_day
    # every variable named after a day or a slot was recorded on that day, and no other
    named: dict[int, int] = {}
    for index, proto in enumerate(built.model.proto.variables):
        if (m := re.search(r"\bday=(\d+)", proto.name)) is not None:
            named[index] = int(m.group(1))
        elif (m := re.search(r"\bslot=(\d+)", proto.name)) is not None:
            named[index] = int(m.group(1)) // inst.slots_per_day
    assert days == named


def lns_instance() -> RosterInstance:
    people = [
        agent(f"A{i}", pattern=PatternKind.ONE_ON_ONE_OFF, history="W" if i % 2 else "O")
        for i in range(4)
    ] + [
        agent(f"B{i}", pattern=PatternKind.FIVE_ON_TWO_OFF, shifts=("A",), skills=(INBOUND,))
        for i in range(4)
    ]
    return tiny_instance(
        n_days=14,
        agents=people,
        shifts=[shift_a()],
        needs=needs_between(14, INBOUND, first_minute=9 * 60, last_minute=21 * 60, required=3),
        weights=Weights(fairness_per_day=5.0),
    )


def test_lns_path_returns_a_valid_roster_with_an_honest_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inst = lns_instance()
    direct = solve(inst, SolverConfig(time_limit_s=10, workers=2))
    assert direct.status is SolveStatus.OPTIMAL
    monkeypatch.setattr(search_module, "LNS_MIN_WORKS", 0)
    seen: list[Progress] = []
    solution = solve(inst, SolverConfig(time_limit_s=10, workers=2), progress=seen.append)
    report = validate(inst, solution)
    assert report.ok, report.hard
    assert report.objective == pytest.approx(solution.objective)
    assert solution.best_bound is not None and solution.objective is not None
    # The bound is a bound of the full model: never above its optimum.
    assert solution.best_bound <= (direct.objective or 0) + 1e-6
    assert all(p.bound <= (direct.objective or 0) + 1e-6 for p in seen)
    # The full-model thread proves this small instance optimal, which ends the search.
    assert solution.status is SolveStatus.OPTIMAL
    assert solution.objective == pytest.approx(direct.objective)


class CancelledError(Exception):
    """Raised by a progress callback, as the API does for a cancelled run."""


def test_an_exception_from_the_progress_callback_ends_the_lns_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search_module, "LNS_MIN_WORKS", 0)
    calls: list[Progress] = []

    def cancel(p: Progress) -> None:
        calls.append(p)
        if len(calls) >= 2:
            raise CancelledError

    with pytest.raises(CancelledError):
        solve(lns_instance(), SolverConfig(time_limit_s=10, workers=2), progress=cancel)


def test_hint_roster_that_breaks_a_rule_falls_back_to_the_whole_model() -> None:
    inst = reference_instance(n_days=7, history={"A1": "W", "A2": "O"})
    # A1 worked yesterday, so day 0 must be off: this hint cannot be completed.
    bad = {(AgentId("A1"), 0): inst.agent("A1").shifts[0]}
    solution = solve(inst, SolverConfig(time_limit_s=10), hint=bad)
    assert solution.status is SolveStatus.OPTIMAL
    assert validate(inst, solution).ok


def test_small_model_without_a_roster_at_the_give_up_falls_back_to_the_constructive_roster(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The first whole-model search stops with no roster (as it does when none is
    # found within PROBE_SHARE of the limit): the constructive roster is completed,
    # and the whole model searched again from it.
    inst = reference_instance(n_days=7)
    original_whole = search_module._run_whole
    original_complete = search_module.complete
    calls: list[str] = []

    def whole(*args: object, **kwargs: object) -> object:
        calls.append("whole")
        if calls.count("whole") == 1:
            return None
        return original_whole(*args, **kwargs)  # type: ignore[arg-type]

    def complete(*args: object, **kwargs: object) -> object:
        calls.append("complete" + ("(first)" if kwargs.get("first_only") else ""))
        return original_complete(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search_module, "_run_whole", whole)
    monkeypatch.setattr(search_module, "complete", complete)
    solution = solve(inst, SolverConfig(time_limit_s=10, workers=2))
    assert calls == ["whole", "complete(first)", "whole"]
    assert solution.status is SolveStatus.OPTIMAL
    report = validate(inst, solution)
    assert report.ok, report.hard
    assert report.objective == pytest.approx(solution.objective)


def test_a_search_with_a_stall_time_stops_when_it_finds_nothing_better() -> None:
    # Twelve pigeons, eleven holes, pigeons in one hole only if left out: leaving
    # one out is best at once, but proving that no roster places all twelve is a
    # pigeonhole proof CP-SAT does not finish in a second.
    import time

    from ortools.sat.python import cp_model

    holes = 11
    model = cp_model.CpModel()
    hole = [model.new_int_var(0, holes - 1, f"hole {i}") for i in range(holes + 1)]
    placed = [model.new_bool_var(f"placed {i}") for i in range(holes + 1)]
    for i in range(holes + 1):
        for j in range(i + 1, holes + 1):
            model.add(hole[i] != hole[j]).only_enforce_if([placed[i], placed[j]])
    model.minimize(holes + 1 - sum(placed))
    config = SolverConfig(time_limit_s=30, workers=2)
    tracker = incumbent_module.Tracker(None, time.perf_counter())
    unproven = incumbent_module.run_search(model, config, tracker, time_limit_s=1, workers=2)
    assert unproven is not None and unproven.objective == 1 and not unproven.optimal
    started = time.perf_counter()
    found = incumbent_module.run_search(
        model, config, tracker, time_limit_s=30, workers=2, stall_s=0.5
    )
    assert found is not None and found.objective == 1
    assert time.perf_counter() - started < 10  # stopped by the stall, not the 30 s limit
