"""The reserve against the absences a roster can expect (binomial, day by day)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rostering.io import load_scenario
from rostering.pipeline import size_scenario
from rostering.roster.compile import compile_instance
from rostering.roster.reserve import reserve_cover

REFERENCE = Path(__file__).resolve().parents[2] / "scenarios" / "reference-online"


def test_a_pool_of_one_covers_two_agents_on_duty_unless_both_are_absent() -> None:
    scenario = load_scenario(REFERENCE)
    standby = scenario.standby.model_copy(update={"backup_pool_size": 1, "absenteeism_rate": 0.05})
    scenario = scenario.model_copy(update={"standby": standby})
    instance = compile_instance(scenario, size_scenario(scenario))
    # Two agents on duty every day of the horizon, nobody else.
    schedule = {("A1", d): "A" for d in range(instance.n_days)} | {
        ("A2", d): "A" for d in range(instance.n_days)
    }
    cover = reserve_cover(instance, schedule)
    assert cover is not None
    day = 1 - 0.05**2  # P(at most one of two absent)
    assert cover.pool_size == 1 and cover.backup_people == 0
    assert cover.worst_day_probability == pytest.approx(day)
    assert cover.horizon_probability == pytest.approx(day**instance.n_days)
    assert cover.expected_absences_per_day == pytest.approx(0.1)


def test_without_a_pool_the_scenario_backups_are_the_reserve() -> None:
    scenario = load_scenario(REFERENCE)
    instance = compile_instance(scenario, size_scenario(scenario))
    cover = reserve_cover(instance, {})
    assert cover is not None and cover.pool_size == 0
    assert cover.horizon_probability == 1.0  # nobody on duty, nobody to be absent
