"""The site-month scenario: a 300-agent site across National Day loads with the shape it states."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from rostering.domain import PatternKind, Role
from rostering.domain.agents import LeaveKind
from rostering.domain.calendar import Calendar
from rostering.domain.patterns import PayBasis
from rostering.domain.scenario import Scenario
from rostering.domain.shifts import DayType
from rostering.io import load_scenario

FOLDER = Path(__file__).resolve().parents[1] / "scenarios" / "site-month"


@pytest.fixture(scope="module")
def site() -> Scenario:
    return load_scenario(FOLDER)


def _front(site: Scenario) -> list[str]:
    return [a.id for a in site.agents if a.role is Role.AGENT]


def test_horizon_and_calendar(site: Scenario) -> None:
    assert site.horizon.start == dt.date(2026, 9, 21) and site.horizon.start.weekday() == 0
    assert site.horizon.days == 28 and site.horizon.interval_minutes == 30
    calendar = Calendar(site.calendar)
    holidays = [d for d in site.horizon.dates if calendar.day_type(d) is DayType.HOLIDAY]
    assert dt.date(2026, 10, 1) in holidays and dt.date(2026, 10, 3) in holidays
    assert {c.id: c.kind.value for c in site.channels} == {
        "inbound": "inbound",
        "chat": "chat",
        "email": "deferred",
    }
    assert site.channel("inbound").patience_s is not None
    assert site.channel("chat").concurrency == 3
    assert site.channel("email").completion_window_h == 24


def test_people(site: Scenario) -> None:
    roles = Counter(a.role for a in site.agents)
    assert roles == {Role.AGENT: 300, Role.SUPERVISOR: 17, Role.BACKUP: 10}
    part_time = [a for a in site.agents if site.pattern(a.pattern).pay_basis is PayBasis.HOURLY]
    assert len(part_time) == 20
    assert all(a.role is Role.AGENT and a.hourly_rate is not None for a in part_time)
    assert all(22 <= (a.hourly_rate or 0) <= 26 for a in part_time)
    full_time = [
        a
        for a in site.agents
        if a.role is Role.AGENT and site.pattern(a.pattern).kind is PatternKind.FIVE_ON_TWO_OFF
    ]
    assert len(full_time) == 280
    assert len({site.pattern(a.pattern).days_off_allowed is None for a in full_time}) == 2
    assert len({a.pattern for a in full_time}) >= 3


def test_new_hires_ramp_up(site: Scenario) -> None:
    start = site.horizon.start
    hires = [a for a in site.agents if a.hire_date is not None]
    assert len(hires) == 30
    assert all(start - dt.timedelta(days=61) <= a.hire_date < start for a in hires if a.hire_date)
    assert all(site.proficiency(a) < 1 for a in hires)
    assert 0.9 < site.team_proficiency() < 1


def test_teams_and_leads(site: Scenario) -> None:
    leads = [a for a in site.agents if a.role is Role.SUPERVISOR]
    assert sorted(a.team for a in leads) == [f"T{i:02d}" for i in range(1, 18)]
    assert all(
        a.shifts and site.pattern(a.pattern).kind is PatternKind.FIVE_ON_TWO_OFF for a in leads
    )
    teams = Counter(a.team for a in site.agents if a.role is Role.AGENT)
    assert set(teams) == {f"T{i:02d}" for i in range(1, 18)}
    assert max(teams.values()) - min(teams.values()) <= 1


def test_shifts(site: Scenario) -> None:
    assert len(site.shifts) == 16
    nine = [s for s in site.shifts if s.length_minutes == 9 * 60]
    six = [s for s in site.shifts if s.length_minutes == 6 * 60]
    assert len(nine) == 11 and len(six) == 5
    starts = sorted(s.start for s in nine)
    assert starts[0] == dt.time(8) and starts[-1] == dt.time(13)
    assert all(s.paid_minutes == 480 and s.meal and s.meal.minutes == 60 for s in nine)
    assert all(
        len(s.breaks) == 2 and all(b.paid and b.minutes == 15 for b in s.breaks) for s in nine
    )
    assert all(s.meal is None and len(s.breaks) == 1 and s.paid_minutes == 360 for s in six)


def test_leave_and_requests(site: Scenario) -> None:
    leave = [(a.id, x) for a in site.agents for x in a.leave]
    assert 35 <= len(leave) <= 45
    assert {x.kind for _, x in leave} == set(LeaveKind)
    weeks = Counter((agent, x.date.isocalendar()[1]) for agent, x in leave)
    assert max(weeks.values()) >= 3  # three days of leave in one week
    wishes = [r for a in site.agents for r in a.requests]
    assert 12 <= len(wishes) <= 18 and {r.want for r in wishes} == {True, False}
    fixed = {(a.id, d): s for a in site.agents for d, s in a.preassigned.items()}
    assert len(fixed) >= 3 and None in fixed.values()
    assert sum(len(a.unavailable) for a in site.agents) >= 2


def test_demand_peaks_on_national_day(site: Scenario) -> None:
    volume: Counter[dt.date] = Counter()
    for row in site.demand.daily:
        volume[row.date] += row.volume
    ordinary = volume[dt.date(2026, 9, 24)]  # a Thursday
    assert 1.4 < volume[dt.date(2026, 10, 1)] / ordinary < 1.65
    assert 1.15 < volume[dt.date(2026, 10, 5)] / ordinary < 1.4
    weights = {
        p.time: p.weight
        for p in site.demand.profile
        if p.channel == "inbound" and p.day_type == "workday"
    }
    peak = max(weights, key=weights.__getitem__)
    assert dt.time(10) <= peak <= dt.time(11, 30)
    lunch = max(weights[dt.time(12, 30)], weights[dt.time(13)])
    afternoon = max(w for t, w in weights.items() if dt.time(14) <= t <= dt.time(16, 30))
    assert lunch < 0.7 * afternoon and afternoon < weights[peak]
