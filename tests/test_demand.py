"""Demand frames: full grid, daily totals spread by the profile, volumes conserved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rostering.demand import DEMAND_COLUMNS, build_demand
from rostering.domain import Scenario
from rostering.errors import ScenarioError
from rostering.io import load_scenario


def test_reference_demand_is_a_full_grid(reference_dir: Path) -> None:
    s = load_scenario(reference_dir)
    frame = build_demand(s)
    assert tuple(frame.columns) == DEMAND_COLUMNS
    assert len(frame) == 14 * 48 * 3
    assert str(frame["interval_start"].dt.tz) == "Asia/Shanghai"
    # Daily totals are conserved by the intraday profile.
    daily = {(r.date, r.channel): r.volume for r in s.demand.daily}
    got = frame.groupby([frame["interval_start"].dt.date, "channel"])["volume"].sum()
    for (day, channel), volume in daily.items():
        assert got[(day, channel)] == pytest.approx(volume)
    # Chat and inbound run with shift A and close at 21:00 (seed 000).
    late = frame[frame["interval_start"].dt.hour == 21]
    assert late.loc[late["channel"] == "chat", "volume"].sum() == 0
    assert late.loc[late["channel"] == "inbound", "volume"].sum() == 0
    assert frame.loc[frame["interval_start"].dt.hour == 20, "volume"].sum() > 0


def test_holiday_outbound_uses_its_own_profile(reference_dir: Path) -> None:
    frame = build_demand(load_scenario(reference_dir))
    holiday = frame[
        (frame["interval_start"].dt.date == dt.date(2026, 10, 1)) & (frame["channel"] == "outbound")
    ]
    hours = holiday.loc[holiday["volume"] > 0, "interval_start"].dt.hour
    assert hours.min() == 9 and hours.max() == 20  # 09:00-21:00 on holidays


def _minimal(**demand: object) -> Scenario:
    return Scenario.model_validate(
        {
            "name": "t",
            "site": {"name": "s"},
            "horizon": {"start": "2026-09-28", "days": 1, "interval_minutes": 30},
            "channels": [{"id": "in", "kind": "inbound"}],
            "shifts": [
                {"id": "A", "start": "09:00", "end": "17:00", "channels": {"workday": ["in"]}}
            ],
            "patterns": [{"id": "p", "kind": "flexible"}],
            "agents": [{"id": "a", "pattern": "p", "shifts": ["A"]}],
            "demand": demand,
        }
    )


def test_repeated_interval_rows_are_refused() -> None:
    s = _minimal(
        intervals=[
            {"interval_start": "2026-09-28T10:00:00", "channel": "in", "volume": 10, "aht_s": 100},
            {"interval_start": "2026-09-28T10:00:00", "channel": "in", "volume": 30, "aht_s": 200},
        ]
    )
    with pytest.raises(ScenarioError) as info:
        build_demand(s)
    (problem,) = info.value.problems
    assert problem.location == "demand.intervals.1.interval_start"
    assert "duplicate" in problem.message and "demand.intervals.0" in problem.message


def test_profile_off_the_grid_is_named() -> None:
    s = _minimal(
        daily=[{"date": "2026-09-28", "channel": "in", "volume": 10, "aht_s": 100}],
        profile=[{"time": "10:10", "channel": "in", "weight": 1}],
    )
    with pytest.raises(ScenarioError) as info:
        build_demand(s)
    assert "demand.profile.0.time" in str(info.value)


def test_volume_outside_opening_hours_is_zeroed(caplog: pytest.LogCaptureFixture) -> None:
    s = _minimal(
        intervals=[
            {"interval_start": "2026-09-28T08:00:00", "channel": "in", "volume": 5, "aht_s": 100},
            {"interval_start": "2026-09-28T10:00:00", "channel": "in", "volume": 7, "aht_s": 100},
        ]
    )
    s.channels[0].opens = dt.time(9, 0)
    s.channels[0].closes = dt.time(18, 0)
    with caplog.at_level("WARNING"):
        frame = build_demand(s)
    assert frame["volume"].sum() == 7
    assert "in 5.0 contacts" in caplog.text
