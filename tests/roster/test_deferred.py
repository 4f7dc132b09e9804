"""Deferred work: done within its window, late once when not, never blocking newer work."""

from __future__ import annotations

import random

import pytest
from ortools.sat.python import cp_model

from rostering.roster.config import SolverConfig
from rostering.roster.cover import deferred_amounts
from rostering.roster.extract import extract_solution
from rostering.roster.facts import SCALE
from rostering.roster.instance import ChannelSpec, IntervalNeed, RosterInstance, Weights
from rostering.roster.model import build_model
from rostering.roster.rule_names import LATE, SURPLUS
from rostering.roster.solution import RosterSolution, SolveStatus
from rostering.roster.solver import solve
from rostering.roster.validation import validate
from rostering.types import ChannelId, ShiftId

from .factories import INBOUND, MONDAY, OUTBOUND, agent, needs_between, shift_a, tiny_instance

FAST = SolverConfig(time_limit_s=10, workers=2)
WEIGHTS = Weights(labour_cost=0.0, shortfall_per_agent_slot=10, surplus_per_agent_slot=1)
EMAIL = ChannelId("email")


def deferred_only(
    *, n_days: int, window: int, needs: list[IntervalNeed], working: dict[str, list[int]]
) -> RosterInstance:
    """Agents on shift A (09:00-21:00, no meal) on the given days, serving outbound only."""
    return tiny_instance(
        n_days=n_days,
        agents=[
            agent(
                name,
                skills=(OUTBOUND,),
                fixed={d: ShiftId("A") if d in days else None for d in range(n_days)},
            )
            for name, days in working.items()
        ],
        channels=[ChannelSpec(id=OUTBOUND, kind="deferred", window_slots=window)],
        shifts=[shift_a().model_copy(update={"meal_minutes": 0, "channels": {}})],
        needs=needs,
        weights=WEIGHTS,
    )


def run(instance: RosterInstance) -> RosterSolution:
    solution = solve(instance, FAST)
    assert solution.status is SolveStatus.OPTIMAL
    report = validate(instance, solution)
    assert report.ok, report.hard
    assert report.objective == pytest.approx(solution.objective, abs=1e-6)
    # The validator names the same late work and idle agents as the roster.
    found = sorted((v.rule, v.where, v.amount) for v in solution.violations)
    assert sorted((v.rule, v.where, v.amount) for v in report.soft) == found
    return solution


def late_by_day(solution: RosterSolution) -> dict[int, int]:
    out: dict[int, int] = {}
    for v in solution.violations:
        if v.rule == LATE:
            day = 0 if v.where.startswith(MONDAY.isoformat()) else 1
            out[day] = out.get(day, 0) + round(v.amount)
    return out


def test_backlog_from_an_understaffed_day_does_not_make_the_next_day_late() -> None:
    # Monday: three agent-hours of work arrive each hour 09:00-21:00 for one agent;
    # Tuesday: one per hour, which the one agent keeps up with.
    needs = [
        *needs_between(2, OUTBOUND, first_minute=9 * 60, last_minute=21 * 60, days=[0], required=3),
        *needs_between(2, OUTBOUND, first_minute=9 * 60, last_minute=21 * 60, days=[1]),
    ]
    inst = deferred_only(n_days=2, window=6, needs=needs, working={"A1": [0, 1]})
    solution = run(inst)
    # Monday's 36 agent-hours: 12 done on time, 24 late; Tuesday's all on time.
    assert late_by_day(solution) == {0: 24}
    assert not [v for v in solution.violations if v.rule == SURPLUS]
    assert solution.objective == pytest.approx(24 * 10)


@pytest.mark.parametrize(("window", "late"), [(3, 0), (2, 1)])
def test_work_done_by_its_deadline_is_on_time_and_after_it_late(window: int, late: int) -> None:
    # One agent-hour arrives at 07:00; the only agent starts at 09:00, the third slot.
    needs = needs_between(1, OUTBOUND, first_minute=7 * 60, last_minute=8 * 60)
    solution = run(deferred_only(n_days=1, window=window, needs=needs, working={"A1": [0]}))
    assert sum(v.amount for v in solution.violations if v.rule == LATE) == late
    # Late work is dropped: the agent then has nothing to do all day.
    assert sum(v.amount for v in solution.violations if v.rule == SURPLUS) == 11 + late


def test_earliest_deadline_first_known_answers() -> None:
    needs = needs_between(1, OUTBOUND, first_minute=7 * 60, last_minute=9 * 60, required=2)
    inst = deferred_only(n_days=1, window=3, needs=needs, working={"A1": [0]})
    # Work of 07:00 is due by 09:00, work of 08:00 by 10:00.
    late, idle = deferred_amounts(inst, OUTBOUND, {9: 3, 10: 1, 11: 4})
    assert late == {7: 0, 8: 0}
    assert idle == {9: 0, 10: 0, 11: 4}
    late, idle = deferred_amounts(inst, OUTBOUND, {9: 1, 10: 1, 11: 1})
    assert late == {7: 1, 8: 1}
    assert idle == {9: 0, 10: 0, 11: 1}
    # The end of the horizon closes every window still open.
    late, idle = deferred_amounts(inst, OUTBOUND, {})
    assert late == {7: 2, 8: 2}
    assert idle == {}


def random_instance(seed: int) -> RosterInstance:
    rng = random.Random(seed)
    n_days = 2
    needs = [
        IntervalNeed(slot=d * 24 + h, channel=OUTBOUND, required=rng.randint(0, 3))
        for d in range(n_days)
        for h in range(6, 23)
    ]
    working = {f"A{i}": [d for d in range(n_days) if rng.random() < 0.6] for i in range(1, 3)}
    return deferred_only(n_days=n_days, window=rng.randint(2, 10), needs=needs, working=working)


@pytest.mark.parametrize("seed", range(6))
def test_model_optimum_equals_the_validator(seed: int) -> None:
    # Shifts are fixed and there is one channel, so who serves is known; the model's
    # own optimum must be what earliest deadline first achieves.
    inst = random_instance(seed)
    built = build_model(inst)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10
    solver.parameters.num_workers = 2
    assert solver.solve(built.model) == cp_model.OPTIMAL
    solution = extract_solution(built, solver, SolveStatus.OPTIMAL)
    report = validate(inst, solution)
    assert report.ok, report.hard
    assert round(solver.objective_value) == round(report.objective * SCALE)
    assert report.objective == pytest.approx(solution.objective, abs=1e-6)


def test_shared_agents_split_between_calls_and_deferred_work() -> None:
    # Two agents carry inbound (due in its slot) and e-mail with a four-hour window.
    inst = tiny_instance(
        n_days=2,
        agents=[
            agent("A1", skills=(INBOUND, EMAIL), fixed={0: ShiftId("A"), 1: ShiftId("A")}),
            agent("A2", skills=(INBOUND, EMAIL), fixed={0: ShiftId("A"), 1: None}),
        ],
        channels=[
            ChannelSpec(id=INBOUND, kind="inbound", priority=2.0),
            ChannelSpec(id=EMAIL, kind="deferred", window_slots=4),
        ],
        shifts=[shift_a().model_copy(update={"meal_minutes": 0, "channels": {}})],
        needs=[
            *needs_between(2, INBOUND, first_minute=10 * 60, last_minute=18 * 60),
            *needs_between(2, EMAIL, first_minute=8 * 60, last_minute=20 * 60, required=2),
        ],
        weights=WEIGHTS,
    )
    solution = run(inst)
    assert solution.best_bound == pytest.approx(solution.objective)
    # Each day 8 agent-hours of calls and 24 of e-mail. Monday two agents work
    # 24 hours, Tuesday one works 12: calls go first, and 8 + 20 e-mail hours are late.
    assert not [v for v in solution.violations if v.rule == "coverage shortfall"]
    assert sum(v.amount for v in solution.violations if v.rule == LATE) == 8 + 20
