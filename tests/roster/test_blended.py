"""Blended staffing in the roster: pools as coverage units, presence and secondary help."""

from __future__ import annotations

from pathlib import Path

import pytest

from rostering.io import load_scenario
from rostering.pipeline import size_scenario
from rostering.roster.compile import compile_instance
from rostering.roster.config import SolverConfig
from rostering.roster.instance import RosterInstance
from rostering.roster.solution import RosterSolution
from rostering.roster.solver import solve
from rostering.roster.validation import validate
from rostering.types import ChannelId

REFERENCE = Path(__file__).resolve().parents[2] / "scenarios" / "reference-online"
POOL = ChannelId("chat+inbound")


@pytest.fixture(scope="module")
def solved() -> tuple[RosterInstance, RosterSolution]:
    scenario = load_scenario(REFERENCE)
    instance = compile_instance(scenario, size_scenario(scenario))
    return instance, solve(instance, SolverConfig(time_limit_s=20, workers=2))


def test_inbound_and_chat_compile_to_one_pool_with_presence_needs(
    solved: tuple[RosterInstance, RosterSolution],
) -> None:
    instance, _ = solved
    pool = instance.channel(POOL)
    assert sorted(pool.members) == ["chat", "inbound"]
    assert instance.unit_of(ChannelId("inbound")) == POOL
    assert instance.unit_of(ChannelId("outbound")) == "outbound"
    units = {n.channel for n in instance.needs}
    assert POOL in units and "inbound" not in units and "chat" not in units
    present = {(n.slot, n.channel) for n in instance.presence}
    # Presence needs sit exactly where the pooled channels have contacts: 09:00-21:00.
    per_day = instance.slots_per_day
    hours = {(slot % per_day) // 2 for slot, _ in present}
    assert hours == set(range(9, 21))
    assert {c for _, c in present} == {"inbound", "chat"}


def test_an_open_channel_is_never_left_with_everyone_able_at_a_meal(
    solved: tuple[RosterInstance, RosterSolution],
) -> None:
    """Two A agents a day: their meals are staggered, so inbound and chat always have someone."""
    instance, solution = solved
    assert not [v for v in solution.violations if v.rule == "channel presence"]
    for day in range(instance.n_days):
        meals = [a.meal_start for a in solution.assignments if a.day == day and a.shift == "A"]
        assert len(meals) == 2 and meals[0] != meals[1]


def test_shift_b_covers_pool_only_as_secondary_help_on_working_days(
    solved: tuple[RosterInstance, RosterSolution],
) -> None:
    instance, solution = solved
    helped = [a for a in solution.assignments if a.secondary]
    assert helped and all(a.shift == "B" for a in helped)
    for a in helped:
        assert a.channels == ["outbound"]  # B's own work
        for stretch in a.secondary:
            assert sorted(stretch.channels) == ["chat", "inbound"]
            assert a.start <= stretch.start < stretch.end <= a.end
    # Help is priced and the validator recomputes the same objective without the solver.
    assert any(v.rule == "secondary channel" for v in solution.violations)
    report = validate(instance, solution)
    assert report.ok, report.hard
    assert report.objective == pytest.approx(solution.objective)


def test_without_pooling_each_channel_is_its_own_unit() -> None:
    scenario = load_scenario(REFERENCE).model_copy(update={"pooled_sizing": False})
    instance = compile_instance(scenario, size_scenario(scenario))
    assert not any(c.members for c in instance.channels)
    assert not instance.presence
    assert {n.channel for n in instance.needs} >= {"inbound", "chat"}


def test_pooled_staffing_needs_fewer_agent_hours_than_channel_by_channel() -> None:
    scenario = load_scenario(REFERENCE)
    pooled = size_scenario(scenario)
    alone = size_scenario(scenario.model_copy(update={"pooled_sizing": False}))
    queued = pooled["channel"].isin(["inbound", "chat"])
    per_interval_pool = pooled[queued].groupby("interval_start")["pool_required_staff"].max()
    per_interval_sum = alone[queued].groupby("interval_start")["required_staff"].sum()
    assert per_interval_pool.sum() < per_interval_sum.sum()
    assert (per_interval_pool <= per_interval_sum).all()
