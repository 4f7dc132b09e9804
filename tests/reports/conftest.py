"""Hand-made rosters for figure tests: four days, three channels, a supervisor.

Days: Wed 30 Sep 2026 (workday), Thu 1 Oct (public holiday "National Day"),
Fri 2 Oct (weekend: a bridging day off), Sat 3 Oct (adjusted working day).
A1 works shift A on days 0 and 2, A2 on days 1 and 3, B1 shift B on day 0;
S1 is on supervisor standby every day and has a suggested call-in on day 1.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from rostering.domain.channels import Channel, ChannelKind, ServiceTargets
from rostering.domain.patterns import PatternKind
from rostering.domain.shifts import DayType
from rostering.roster.instance import AgentSpec, ChannelSpec, RosterInstance, ShiftType
from rostering.roster.solution import (
    Allocation,
    Assignment,
    CallIn,
    CostLine,
    RosterSolution,
    SlotActivity,
    SolveStatus,
    StandbyDuty,
    Violation,
)
from rostering.types import AgentId, ChannelId, ShiftId

TZ = ZoneInfo("Asia/Shanghai")
START = dt.date(2026, 9, 30)
CHANNELS = ("inbound", "chat", "outbound")


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(START + dt.timedelta(days=day), dt.time(hour, minute), TZ)


def make_instance() -> RosterInstance:
    ch = [ChannelId(c) for c in CHANNELS]
    return RosterInstance(
        name="tiny",
        start=START,
        n_days=4,
        interval_minutes=30,
        timezone="Asia/Shanghai",
        day_types=[DayType.WORKDAY, DayType.HOLIDAY, DayType.WEEKEND, DayType.WORKDAY],
        holiday_names={1: "National Day"},
        channels=[
            ChannelSpec(id=ch[0], kind=ChannelKind.INBOUND),
            ChannelSpec(id=ch[1], kind=ChannelKind.CHAT),
            ChannelSpec(id=ch[2], kind=ChannelKind.OUTBOUND),
        ],
        shifts=[
            ShiftType(
                id=ShiftId("A"),
                start_minute=9 * 60,
                length_minutes=12 * 60,
                paid_minutes=11 * 60,
                meal_minutes=60,
                channels={
                    DayType.WORKDAY: ch[:2],
                    DayType.WEEKEND: ch,
                    DayType.HOLIDAY: ch,
                },
            ),
            ShiftType(
                id=ShiftId("B"),
                start_minute=9 * 60,
                length_minutes=9 * 60,
                paid_minutes=8 * 60,
                meal_minutes=60,
                channels={DayType.WORKDAY: [ch[2]]},
            ),
        ],
        agents=[
            AgentSpec(
                id=AgentId("A1"),
                name="Chen Jing",
                pattern=PatternKind.ONE_ON_ONE_OFF,
                shifts=[ShiftId("A")],
                daily_rate=2800 / 15.5,
                overtime_hourly=2800 / 15.5 / 12 * 1.5,
                contract_minutes=12 * 60,
            ),
            AgentSpec(
                id=AgentId("A2"),
                name="Li Na",
                pattern=PatternKind.ONE_ON_ONE_OFF,
                shifts=[ShiftId("A")],
                daily_rate=2800 / 15.5,
                overtime_hourly=2800 / 15.5 / 12 * 1.5,
                contract_minutes=12 * 60,
            ),
            AgentSpec(
                id=AgentId("B1"),
                name="Wang Fang",
                pattern=PatternKind.FIVE_ON_TWO_OFF,
                shifts=[ShiftId("B")],
                daily_rate=2800 / 21.75,
                overtime_hourly=2800 / 21.75 / 8 * 1.5,
                contract_minutes=8 * 60,
            ),
            AgentSpec(id=AgentId("S1"), name="Zhao Lei", shifts=[]),
        ],
    )


def _activities(agent: str, day: int, plan: list[tuple[int, int, str]]) -> list[SlotActivity]:
    """Slot activities from (start hour, end hour, activity) pieces on a day."""
    out = []
    for h0, h1, activity in plan:
        for half in range(h0 * 2, h1 * 2):
            out.append(SlotActivity(agent=AgentId(agent), slot=day * 48 + half, activity=activity))
    return out


def make_solution() -> RosterSolution:
    a_plan = [(9, 12, "inbound"), (12, 13, "meal"), (13, 17, "chat"), (17, 21, "inbound")]
    holiday_plan = [(9, 12, "outbound"), (12, 13, "meal"), (13, 21, "inbound")]
    assignments = [
        Assignment(
            agent=AgentId(agent),
            day=day,
            date=START + dt.timedelta(days=day),
            shift=ShiftId(shift),
            start=_at(day, 9),
            end=_at(day, end),
            meal_start=_at(day, 12),
            meal_end=_at(day, 13),
            channels=[ChannelId(c) for c in channels],
        )
        for agent, day, shift, end, channels in [
            ("A1", 0, "A", 21, ["inbound", "chat"]),
            ("A2", 1, "A", 21, ["inbound", "outbound"]),
            ("A1", 2, "A", 21, ["inbound", "chat"]),
            ("A2", 3, "A", 21, ["inbound", "chat"]),
            ("B1", 0, "B", 18, ["outbound"]),
        ]
    ]
    activities = (
        _activities("A1", 0, a_plan)
        + _activities("A2", 1, holiday_plan)
        + _activities("A1", 2, a_plan)
        + _activities("A2", 3, a_plan)
        # B1's activities are left out on purpose: the Gantt falls back to the assignment.
    )
    allocations = [
        Allocation(slot=s, channel=ChannelId("inbound"), scheduled=1, required=2)
        for s in range(18, 24)
    ]
    return RosterSolution(
        instance="tiny",
        status=SolveStatus.FEASIBLE,
        objective=1234.0,
        best_bound=1200.0,
        wall_time_s=1.5,
        assignments=assignments,
        allocations=allocations,
        activities=activities,
        standby=[
            StandbyDuty(date=START + dt.timedelta(days=d), agent=AgentId("S1"), kind="supervisor")
            for d in range(4)
        ],
        call_ins=[
            CallIn(
                date=START + dt.timedelta(days=1),
                agent=AgentId("S1"),
                channel=ChannelId("chat"),
                start=_at(1, 10),
                end=_at(1, 12),
                short_agent_minutes=120,
                cost=90.0,
            )
        ],
        costs=[
            CostLine(agent=AgentId("A1"), days_worked=2, base=361.29, overtime=0.0),
            CostLine(agent=AgentId("A2"), days_worked=2, base=361.29, holiday_premium=316.13),
            CostLine(agent=AgentId("B1"), days_worked=1, base=128.74, overtime=24.14),
            CostLine(agent=AgentId("S1"), days_worked=0, standby=200.0),
        ],
        violations=[
            Violation(rule="coverage", where="inbound Wed 30 Sep 09:00-12:00", amount=3, cost=90),
            Violation(rule="<script>alert(1)</script>", where="x", amount=1, cost=0, hard=True),
        ],
    )


def make_requirements() -> pd.DataFrame:
    """Two days of 30-min intervals 09:00-12:00 for inbound and chat, plus outbound."""
    rows = []
    for day in range(2):
        for half in range(18, 24):
            start = _at(day, half // 2, 30 * (half % 2))
            for channel, required, scheduled, level in (
                ("inbound", 2, 1 if half < 20 else 2, 0.6 if half < 20 else 0.85),
                ("chat", 1, 2 if half >= 22 else 1, 0.95),
                ("outbound", 1, 1, float("nan")),
            ):
                rows.append(
                    {
                        "interval_start": pd.Timestamp(start),
                        "channel": channel,
                        "volume": 10.0,
                        "aht_s": 180.0,
                        "required_agents": float(required),
                        "required": required,
                        "scheduled": scheduled,
                        "shortfall": max(0, required - scheduled),
                        "surplus": max(0, scheduled - required),
                        "service_level": level,
                        "asa_s": 10.0,
                        "abandon_rate": 0.02,
                        "occupancy": 0.7,
                    }
                )
    return pd.DataFrame(rows)


def make_channels() -> list[Channel]:
    return [
        Channel(
            id=ChannelId("inbound"),
            kind=ChannelKind.INBOUND,
            name="Inbound calls",
            targets=ServiceTargets(service_level=0.8, threshold_s=30),
        ),
        Channel(
            id=ChannelId("chat"),
            kind=ChannelKind.CHAT,
            name="Online chat",
            targets=ServiceTargets(service_level=0.9, threshold_s=30),
            concurrency=3,
        ),
        Channel(
            id=ChannelId("outbound"),
            kind=ChannelKind.OUTBOUND,
            name="Outbound calls",
            targets=ServiceTargets(service_level=None),
        ),
    ]


@pytest.fixture
def instance() -> RosterInstance:
    return make_instance()


@pytest.fixture
def solution() -> RosterSolution:
    return make_solution()


@pytest.fixture
def requirements() -> pd.DataFrame:
    return make_requirements()


@pytest.fixture
def channels() -> list[Channel]:
    return make_channels()
