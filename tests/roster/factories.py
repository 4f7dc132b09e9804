"""Tiny roster instances built directly, for the engine's tests.

``reference_instance`` is the seed project in engine terms: shift A
09:00-21:00 (one-on-one-off, inbound and chat on workdays, plus outbound on
weekends and public holidays), shift B 09:00-18:00 (five-two with weekends
off, outbound on workdays, nothing on holidays) and a supervisor on 7x24
standby.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from rostering.domain.agents import Role
from rostering.domain.channels import ChannelKind
from rostering.domain.patterns import PatternKind
from rostering.domain.pay import PayRules
from rostering.domain.shifts import DayType
from rostering.domain.standby import StandbyRules
from rostering.roster.instance import (
    AgentSpec,
    ChannelSpec,
    IntervalNeed,
    RosterInstance,
    ShiftType,
    Weights,
)
from rostering.types import AgentId, ChannelId, ShiftId

MONDAY = dt.date(2024, 9, 23)
"""A Monday: day indices 5 and 6 are the weekend."""

INBOUND = ChannelId("inbound")
CHAT = ChannelId("chat")
OUTBOUND = ChannelId("outbound")
PAY = PayRules()


def day_types(
    n_days: int, *, start: dt.date = MONDAY, holidays: Iterable[int] = ()
) -> list[DayType]:
    """Workday / weekend by weekday, with the given day indices made public holidays."""
    out: list[DayType] = []
    hols = set(holidays)
    for d in range(n_days):
        date = start + dt.timedelta(days=d)
        if d in hols:
            out.append(DayType.HOLIDAY)
        elif date.weekday() >= 5:
            out.append(DayType.WEEKEND)
        else:
            out.append(DayType.WORKDAY)
    return out


def shift_a() -> ShiftType:
    """09:00-21:00 with a one-hour meal starting 11:30-13:30."""
    return ShiftType(
        id=ShiftId("A"),
        start_minute=9 * 60,
        length_minutes=12 * 60,
        paid_minutes=11 * 60,
        meal_minutes=60,
        meal_earliest=150,
        meal_latest=270,
        channels={
            DayType.WORKDAY: [INBOUND, CHAT],
            DayType.WEEKEND: [INBOUND, CHAT, OUTBOUND],
            DayType.HOLIDAY: [INBOUND, CHAT, OUTBOUND],
        },
    )


def shift_b() -> ShiftType:
    """09:00-18:00 with a one-hour meal starting 12:00-13:00; outbound on workdays only."""
    return ShiftType(
        id=ShiftId("B"),
        start_minute=9 * 60,
        length_minutes=9 * 60,
        paid_minutes=8 * 60,
        meal_minutes=60,
        meal_earliest=180,
        meal_latest=240,
        channels={DayType.WORKDAY: [OUTBOUND], DayType.WEEKEND: [], DayType.HOLIDAY: []},
    )


def agent(
    agent_id: str,
    *,
    pattern: PatternKind = PatternKind.FLEXIBLE,
    shifts: Iterable[str] = ("A",),
    skills: Iterable[str] = (INBOUND, CHAT, OUTBOUND),
    role: Role = Role.AGENT,
    base_pay: float = 2800.0,
    **extra: object,
) -> AgentSpec:
    """An agent with pay derived from the pattern like the compile step does."""
    kind = pattern
    fields: dict[str, object] = {
        "id": AgentId(agent_id),
        "role": role,
        "pattern": kind,
        "skills": [ChannelId(s) for s in skills],
        "shifts": [ShiftId(s) for s in shifts],
        "base_pay": base_pay,
        "daily_rate": round(PAY.daily_rate(base_pay, kind), 2),
        "overtime_hourly": round(PAY.overtime_hourly(base_pay, kind), 2),
        "contract_minutes": round(PAY.contract_hours(kind) * 60),
    }
    fields.update(extra)
    return AgentSpec.model_validate(fields)


def needs_between(
    n_days: int,
    channel: ChannelId,
    *,
    first_minute: int,
    last_minute: int,
    required: int = 1,
    interval: int = 60,
    days: Iterable[int] | None = None,
) -> list[IntervalNeed]:
    """``required`` staff on ``channel`` in every slot from first to last minute (exclusive)."""
    per_day = 24 * 60 // interval
    chosen = range(n_days) if days is None else days
    return [
        IntervalNeed(slot=d * per_day + m // interval, channel=channel, required=required)
        for d in chosen
        for m in range(first_minute, last_minute, interval)
    ]


def reference_instance(
    *,
    n_days: int = 7,
    holidays: Iterable[int] = (),
    history: dict[str, str] | None = None,
    standby: StandbyRules | None = None,
    weights: Weights | None = None,
) -> RosterInstance:
    """The seed project: two A agents one-on-one-off, one B agent five-two, a supervisor."""
    history = history or {}
    hol = list(holidays)
    types = day_types(n_days, holidays=hol)
    outbound_days_a = [d for d in range(n_days) if types[d] is not DayType.WORKDAY]
    outbound_days_b = [d for d in range(n_days) if types[d] is DayType.WORKDAY]
    needs = [
        *needs_between(n_days, INBOUND, first_minute=9 * 60, last_minute=21 * 60),
        *needs_between(
            n_days, OUTBOUND, first_minute=10 * 60, last_minute=17 * 60, days=outbound_days_b
        ),
        *needs_between(
            n_days, OUTBOUND, first_minute=14 * 60, last_minute=16 * 60, days=outbound_days_a
        ),
    ]
    return RosterInstance(
        name="reference",
        start=MONDAY,
        n_days=n_days,
        interval_minutes=60,
        day_types=types,
        holiday_names=dict.fromkeys(hol, "National Day"),
        channels=[
            ChannelSpec(id=INBOUND, kind=ChannelKind.INBOUND, priority=2.0),
            ChannelSpec(id=CHAT, kind=ChannelKind.CHAT),
            ChannelSpec(id=OUTBOUND, kind=ChannelKind.OUTBOUND),
        ],
        shifts=[shift_a(), shift_b()],
        agents=[
            agent("A1", pattern=PatternKind.ONE_ON_ONE_OFF, history=history.get("A1", "")),
            agent("A2", pattern=PatternKind.ONE_ON_ONE_OFF, history=history.get("A2", "")),
            agent(
                "B1",
                pattern=PatternKind.FIVE_ON_TWO_OFF,
                shifts=("B",),
                skills=(OUTBOUND,),
                days_off_allowed=[5, 6],
                off_on_holidays=True,
                history=history.get("B1", ""),
            ),
            agent("S1", role=Role.SUPERVISOR, shifts=(), skills=()),
        ],
        needs=needs,
        weights=weights or Weights(fairness_per_day=5.0),
        standby=standby or StandbyRules(),
    )


def tiny_instance(
    *,
    n_days: int = 3,
    agents: list[AgentSpec] | None = None,
    shifts: list[ShiftType] | None = None,
    needs: list[IntervalNeed] | None = None,
    channels: list[ChannelSpec] | None = None,
    holidays: Iterable[int] = (),
    standby: StandbyRules | None = None,
    weights: Weights | None = None,
    start: dt.date = MONDAY,
) -> RosterInstance:
    """A small instance on a 60-minute grid with shift A and whatever else is given."""
    hol = list(holidays)
    return RosterInstance(
        name="tiny",
        start=start,
        n_days=n_days,
        interval_minutes=60,
        day_types=day_types(n_days, start=start, holidays=hol),
        holiday_names=dict.fromkeys(hol, "National Day"),
        channels=channels
        or [
            ChannelSpec(id=INBOUND, kind=ChannelKind.INBOUND),
            ChannelSpec(id=CHAT, kind=ChannelKind.CHAT),
            ChannelSpec(id=OUTBOUND, kind=ChannelKind.OUTBOUND),
        ],
        shifts=shifts or [shift_a()],
        agents=agents or [agent("A1")],
        needs=needs or [],
        weights=weights or Weights(),
        standby=standby,
    )
