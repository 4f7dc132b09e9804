"""Short breaks: inside their windows, staggered, and counted off the floor."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from rostering.roster.config import SolverConfig
from rostering.roster.facts import heads_on_break
from rostering.roster.instance import BreakWindow, RosterInstance, ShiftType, Weights
from rostering.roster.solution import BREAK, SolveStatus
from rostering.roster.solver import solve
from rostering.roster.validation import validate

from .factories import INBOUND, agent, needs_between, shift_a, tiny_instance

FAST = SolverConfig(time_limit_s=20, workers=2)


def with_breaks() -> ShiftType:
    """Shift A with a 15-minute break 10:00-11:00 and another 15:00-16:00."""
    return shift_a().model_copy(
        update={
            "breaks": [
                BreakWindow(minutes=15, earliest=60, latest=120),
                BreakWindow(minutes=15, earliest=360, latest=420),
            ]
        }
    )


def instance(people: int = 4, need: int = 2) -> RosterInstance:
    needs = [
        n.model_copy(update={"required": need})
        for n in needs_between(1, INBOUND, first_minute=9 * 60, last_minute=21 * 60)
    ]
    return tiny_instance(
        n_days=1,
        agents=[agent(f"A{i}", skills=(INBOUND,)) for i in range(people)],
        shifts=[with_breaks()],
        needs=needs,
        weights=Weights(labour_cost=0.0, surplus_per_agent_slot=0.0),
    )


def test_breaks_are_placed_in_their_windows_and_checked() -> None:
    inst = instance()
    solution = solve(inst, FAST)
    assert solution.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    report = validate(inst, solution)
    assert report.ok, report.hard
    assert report.objective == pytest.approx(solution.objective, abs=1e-6)
    assert len(solution.assignments) == 4
    for a in solution.assignments:
        first, second = a.breaks
        assert dt.time(10, 0) <= first.start.time() <= dt.time(11, 0)
        assert dt.time(15, 0) <= second.start.time() <= dt.time(16, 0)
        assert first.end - first.start == dt.timedelta(minutes=15)


def test_breaks_are_staggered() -> None:
    solution = solve(instance(people=6, need=1), FAST)
    starts = Counter(a.breaks[0].start for a in solution.assignments)
    # Five start times in the window: no more than about twice an even share at once.
    assert max(starts.values()) <= 3
    assert len(starts) >= 2


def test_breaks_take_agents_off_the_floor_in_coverage() -> None:
    inst = instance()
    solution = solve(inst, FAST)
    away = Counter(x.slot for x in solution.activities if x.activity == BREAK)
    schedule = {(a.agent, a.day): a.shift for a in solution.assignments}
    starts = {
        (a.agent, a.day): [(b.start.hour * 60 + b.start.minute) for b in a.breaks]
        for a in solution.assignments
    }
    expected = {t: len(v) for t, v in heads_on_break(inst, schedule, starts).items()}
    assert dict(away) == expected
    # Four quarter-hour breaks in the morning window: at least one agent-hour away.
    morning = [t for t in away if 10 <= t < 12]
    assert sum(away[t] for t in morning) >= 1
    served = Counter(x.slot for x in solution.activities if x.activity not in (BREAK, "meal"))
    for t, n in away.items():
        on_shift = sum(1 for a in solution.assignments)
        meals = sum(1 for x in solution.activities if x.slot == t and x.activity == "meal")
        assert served[t] == on_shift - n - meals
