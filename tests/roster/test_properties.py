"""Hypothesis-built small instances: every roster the solver returns passes the validator."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rostering.domain.agents import Role
from rostering.domain.channels import ChannelKind
from rostering.domain.patterns import PatternKind
from rostering.domain.standby import StandbyRules
from rostering.roster.config import SolverConfig
from rostering.roster.instance import ChannelSpec, IntervalNeed, RosterInstance, Weights
from rostering.roster.solution import SolveStatus
from rostering.roster.solver import solve
from rostering.roster.validation import validate
from rostering.types import ChannelId

from .factories import CHAT, INBOUND, MONDAY, OUTBOUND, agent, day_types, shift_a, shift_b

CHANNELS = [INBOUND, CHAT, OUTBOUND]


@st.composite
def instances(draw: st.DrawFn) -> RosterInstance:
    n_days = draw(st.integers(2, 6))
    start = MONDAY + dt.timedelta(days=draw(st.integers(0, 6)))
    holidays = draw(st.sets(st.integers(0, n_days - 1), max_size=1))
    people = []
    for i in range(draw(st.integers(1, 4))):
        pattern = draw(st.sampled_from(list(PatternKind)))
        skills = draw(st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=3, unique=True))
        shifts = draw(st.lists(st.sampled_from(["A", "B"]), min_size=1, max_size=2, unique=True))
        extra: dict[str, object] = {
            "history": draw(st.text(alphabet="WO", max_size=3)),
            "days_off": sorted(draw(st.sets(st.integers(0, n_days - 1), max_size=1))),
            "off_on_holidays": draw(st.booleans()),
        }
        if pattern is PatternKind.FIVE_ON_TWO_OFF:
            extra["working_days_per_week"] = draw(st.integers(3, 5))
        people.append(agent(f"P{i}", pattern=pattern, skills=skills, shifts=shifts, **extra))
    if draw(st.booleans()):
        people.append(agent("S1", role=Role.SUPERVISOR, shifts=(), skills=()))
        people.append(agent("K1", role=Role.BACKUP, shifts=(), skills=(INBOUND,)))
    needs = [
        IntervalNeed(slot=slot, channel=channel, required=required)
        for slot, channel, required in draw(
            st.lists(
                st.tuples(
                    st.integers(0, n_days * 24 - 1), st.sampled_from(CHANNELS), st.integers(1, 3)
                ),
                max_size=25,
                unique_by=lambda x: (x[0], x[1]),
            )
        )
    ]
    window = draw(st.sampled_from([0, 3]))
    return RosterInstance(
        name="drawn",
        start=start,
        n_days=n_days,
        interval_minutes=60,
        day_types=day_types(n_days, start=start, holidays=holidays),
        channels=[
            ChannelSpec(id=INBOUND, kind=ChannelKind.INBOUND, priority=2.0),
            ChannelSpec(id=CHAT, kind=ChannelKind.CHAT),
            ChannelSpec(id=ChannelId(OUTBOUND), kind=ChannelKind.DEFERRED, window_slots=window),
        ],
        shifts=[shift_a(), shift_b()],
        agents=people,
        needs=needs,
        weights=Weights(fairness_per_day=draw(st.sampled_from([0.0, 5.0]))),
        standby=StandbyRules() if draw(st.booleans()) else None,
    )


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(instances())
def test_solver_rosters_pass_the_validator(instance: RosterInstance) -> None:
    solution = solve(instance, SolverConfig(time_limit_s=5, workers=1))
    if solution.status is SolveStatus.INFEASIBLE:
        assert solution.conflicts
        return
    assert solution.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    report = validate(instance, solution)
    assert report.ok, report.hard
    assert report.objective == pytest.approx(solution.objective, abs=1e-6)
    assert report.labour_cost == pytest.approx(solution.labour_cost, abs=1e-6)
    assert sorted((v.rule, v.where) for v in report.soft) == sorted(
        (v.rule, v.where) for v in solution.violations
    )
    for row in solution.allocations:
        served = [
            a for a in solution.activities if a.slot == row.slot and a.activity == row.channel
        ]
        assert len(served) == row.scheduled
