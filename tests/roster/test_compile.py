"""Compiling a scenario and its requirements frame into the engine's instance."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from rostering.domain.calendar import Calendar
from rostering.domain.patterns import PatternKind
from rostering.domain.scenario import Scenario
from rostering.domain.shifts import DayType
from rostering.errors import FrameContractError
from rostering.io import load_scenario
from rostering.roster.compile import compile_instance


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "reference-online")


def frame(
    scenario: Scenario, rows: list[tuple[dt.datetime, str, int, dt.datetime | None]]
) -> pd.DataFrame:
    tz = ZoneInfo(scenario.site.timezone)
    return pd.DataFrame(
        {
            "interval_start": pd.to_datetime([r[0].replace(tzinfo=tz) for r in rows]),
            "channel": [r[1] for r in rows],
            "volume": [10.0] * len(rows),
            "aht_s": [180.0] * len(rows),
            "required_agents": [r[2] for r in rows],
            "required_staff": [r[2] for r in rows],
            "window_end": pd.to_datetime(
                [r[3].replace(tzinfo=tz) if r[3] else pd.NaT for r in rows]
            ),
        }
    )


def test_day_types_follow_the_holiday_calendar(scenario: Scenario) -> None:
    inst = compile_instance(scenario, frame(scenario, []))
    cal = Calendar(scenario.calendar)
    assert inst.day_types == [cal.day_type(d) for d in scenario.horizon.dates]
    national_day = (dt.date(2026, 10, 1) - scenario.horizon.start).days
    assert inst.day_types[national_day] is DayType.HOLIDAY
    assert national_day in inst.holiday_names


def test_requirements_become_slot_needs_and_windows(scenario: Scenario) -> None:
    start = dt.datetime.combine(scenario.horizon.start, dt.time())
    rows = [
        (start + dt.timedelta(hours=9, minutes=30), "inbound", 2, None),
        (
            start + dt.timedelta(days=1, hours=10),
            "outbound",
            1,
            start + dt.timedelta(days=1, hours=14),
        ),
        (start - dt.timedelta(hours=1), "inbound", 5, None),  # before the horizon: dropped
        (start + dt.timedelta(hours=3), "chat", 0, None),  # nothing needed: dropped
    ]
    inst = compile_instance(scenario, frame(scenario, rows))
    assert [(n.slot, n.channel, n.required) for n in inst.needs] == [
        (19, "inbound", 2),
        (48 + 20, "outbound", 1),
    ]
    assert inst.channel("outbound").window_slots == 8
    assert inst.channel("inbound").window_slots == 0


def test_agents_get_pattern_pay_and_limits(scenario: Scenario) -> None:
    inst = compile_instance(scenario, frame(scenario, []))
    a1 = inst.agent("A1")
    assert a1.pattern is PatternKind.ONE_ON_ONE_OFF
    assert a1.daily_rate == pytest.approx(2800 / 15.5)
    assert a1.overtime_hourly == pytest.approx(2800 / 15.5 / 12 * 1.5)
    assert a1.contract_minutes == 12 * 60
    assert a1.contract.max_consecutive_days == 1
    assert a1.history == "WOWOWO"
    b1 = inst.agent("B1")
    assert b1.daily_rate == pytest.approx(2800 / 21.75)
    assert b1.contract_minutes == 8 * 60
    shift_b = inst.shift("B")
    assert shift_b.channels[DayType.HOLIDAY] == []
    assert shift_b.meal_earliest == 150 and shift_b.meal_latest == 270
    assert inst.weights.shortfall_per_agent_slot == pytest.approx(
        scenario.weights.shortfall_per_agent_hour / 2
    )


def test_missing_columns_are_named(scenario: Scenario) -> None:
    bad = pd.DataFrame({"interval_start": [], "channel": []})
    with pytest.raises(FrameContractError, match="required_staff"):
        compile_instance(scenario, bad)
