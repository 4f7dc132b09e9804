"""Compile a scenario and its staffing requirements into a :class:`RosterInstance`.

The requirements frame comes from the sizing stage, one row per interval and
channel:

================  ==============================================================
column            meaning
================  ==============================================================
``interval_start``  tz-aware start of the interval (site time zone)
``channel``         channel id
``required_staff``  heads needed on the floor (int)
``window_end``      optional: deferred/outbound work may be done until then (NaT: now)
================  ==============================================================

Day types come from the site's holiday calendar (adjusted working days are
workdays, bridging days off count as weekend days); patterns, leave,
pre-assigned days, requests and pay are turned into per-agent terms; weights
per agent-hour become weights per agent-slot.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from zoneinfo import ZoneInfo

import pandas as pd

from rostering.domain.agents import Agent, LeaveKind
from rostering.domain.calendar import Calendar
from rostering.domain.channels import ChannelKind
from rostering.domain.patterns import Pattern, PatternKind, PayBasis
from rostering.domain.pay import PayRules
from rostering.domain.scenario import Scenario
from rostering.domain.shifts import DayType, ShiftTemplate, minutes_of
from rostering.errors import FrameContractError
from rostering.roster.instance import (
    AgentSpec,
    BreakWindow,
    ChannelSpec,
    Contract,
    IntervalNeed,
    RosterInstance,
    ShiftRequest,
    ShiftType,
    Weights,
)
from rostering.sizing.pooled import pool_id
from rostering.types import AgentId, ChannelId, ShiftId

log = logging.getLogger(__name__)

REQUIRED_COLUMNS = frozenset({"interval_start", "channel", "required_staff"})
MINUTES_PER_DAY = 24 * 60


def compile_shift(template: ShiftTemplate) -> ShiftType:
    """A shift template in minutes, with its channels for every day type."""
    start = minutes_of(template.start)
    meal = template.meal
    return ShiftType(
        id=template.id,
        start_minute=start,
        length_minutes=template.length_minutes,
        paid_minutes=template.paid_minutes,
        meal_minutes=meal.minutes if meal else 0,
        meal_earliest=(minutes_of(meal.earliest) - start) % MINUTES_PER_DAY if meal else None,
        meal_latest=(minutes_of(meal.latest) - start) % MINUTES_PER_DAY if meal else None,
        breaks=[
            BreakWindow(
                minutes=b.minutes,
                earliest=(minutes_of(b.earliest) - start) % MINUTES_PER_DAY,
                latest=(minutes_of(b.latest) - start) % MINUTES_PER_DAY,
            )
            for b in template.breaks
        ],
        channels={kind: list(template.channels.get(kind, [])) for kind in DayType},
        secondary={kind: list(v) for kind, v in template.secondary.items() if v},
    )


def _contract(pattern: Pattern) -> Contract:
    return Contract(
        max_consecutive_days=pattern.max_consecutive_days,
        min_rest_minutes=round(pattern.min_rest_hours * 60),
        max_minutes_per_week=None
        if pattern.max_hours_per_week is None
        else round(pattern.max_hours_per_week * 60),
        max_total_minutes=None
        if pattern.max_hours_per_period is None
        else round(pattern.max_hours_per_period * 60),
        min_total_minutes=None
        if pattern.min_hours_per_period is None
        else round(pattern.min_hours_per_period * 60),
        min_consecutive_days=pattern.min_consecutive_days,
        min_consecutive_days_off=pattern.min_consecutive_days_off,
        max_weekends=pattern.max_weekends,
        max_shifts={ShiftId(s): n for s, n in pattern.max_shifts.items()},
    )


def _needs(
    scenario: Scenario, requirements: pd.DataFrame
) -> tuple[list[IntervalNeed], list[IntervalNeed], dict[ChannelId, int]]:
    missing = REQUIRED_COLUMNS - set(requirements.columns)
    if missing:
        raise FrameContractError(
            f"Expected columns {sorted(REQUIRED_COLUMNS)}, got {sorted(requirements.columns)}"
        )
    h = scenario.horizon
    tz = ZoneInfo(scenario.site.timezone)
    step = h.interval_minutes
    n_slots = h.days * MINUTES_PER_DAY // step
    known = {c.id for c in scenario.channels}
    origin = pd.Timestamp(dt.datetime.combine(h.start, dt.time()))
    if requirements.empty:
        return [], [], {}
    starts = pd.to_datetime(requirements["interval_start"])
    if starts.dt.tz is None:
        raise FrameContractError("interval_start must be time-zone aware")
    local = starts.dt.tz_convert(tz).dt.tz_localize(None)
    minutes = (local - origin).dt.total_seconds() / 60
    slots = (minutes // step).astype(int)
    staff = pd.to_numeric(requirements["required_staff"])
    if (staff < 0).any():
        raise FrameContractError("required_staff must be non-negative")
    pooled = "pool" in requirements.columns and "pool_required_staff" in requirements.columns
    units = requirements["pool"].astype(str) if pooled else requirements["channel"]
    unit_staff = pd.to_numeric(requirements["pool_required_staff"]) if pooled else staff
    volume = (
        pd.to_numeric(requirements["volume"])
        if "volume" in requirements.columns
        else pd.Series(1.0, index=requirements.index)
    )
    best: dict[tuple[int, ChannelId], int] = {}
    present: set[tuple[int, ChannelId]] = set()
    rows = zip(slots, requirements["channel"], units, unit_staff, volume, strict=True)
    for slot, channel, unit, value, arriving in rows:
        if channel not in known:
            raise FrameContractError(f"requirements name unknown channel {channel!r}")
        if not 0 <= slot < n_slots:
            continue
        if unit != channel and arriving > 0:
            present.add((int(slot), ChannelId(str(channel))))
        if value <= 0:
            continue
        key = (int(slot), ChannelId(str(unit)))
        best[key] = max(best.get(key, 0), math.ceil(value))
    needs = [IntervalNeed(slot=s, channel=c, required=r) for (s, c), r in sorted(best.items())]
    presence = [IntervalNeed(slot=s, channel=c, required=1) for s, c in sorted(present)]

    windows: dict[ChannelId, int] = {}
    if "window_end" in requirements.columns:
        ends = pd.to_datetime(requirements["window_end"])
        has = ends.notna()
        if has.any():
            span = ends[has].dt.tz_convert(tz) - starts[has].dt.tz_convert(tz)
            span_slots = (span.dt.total_seconds() / 60 / step).apply(math.ceil)
            frame = pd.DataFrame({"channel": requirements["channel"][has], "slots": span_slots})
            for channel, group in frame.groupby("channel"):
                windows[ChannelId(str(channel))] = max(1, int(group["slots"].median()))
    return needs, presence, windows


def hourly_rate(person: Agent, pattern: Pattern, pay: PayRules) -> float:
    """Yuan per paid hour for a person on an hourly (part-time) contract; 0 on a day rate.

    The person's ``hourly_rate``, or else the five-two daily rate of their base
    pay spread over its contract hours (base / 21.75 / 8).
    """
    basis = person.pay_basis or pattern.pay_basis
    if basis is not PayBasis.HOURLY:
        return 0.0
    if person.hourly_rate is not None:
        return person.hourly_rate
    return pay.daily_rate(person.base_pay, PatternKind.FIVE_ON_TWO_OFF) / pay.five_two_hours_per_day


def leave_days(scenario: Scenario) -> dict[AgentId, dict[int, LeaveKind]]:
    """Agents' leave within the horizon, by day index, with its kind (for pay deductions).

    The instance carries leave as days off only (``AgentSpec.days_off``); payroll
    needs the kind (see :func:`rostering.roster.pay.cost_lines`).
    """
    index = {d: i for i, d in enumerate(scenario.horizon.dates)}
    return {
        person.id: {index[x.date]: x.kind for x in person.leave if x.date in index}
        for person in scenario.agents
        if any(x.date in index for x in person.leave)
    }


def compile_instance(scenario: Scenario, requirements: pd.DataFrame) -> RosterInstance:
    """The roster engine's view of ``scenario`` with the staffing ``requirements``."""
    h = scenario.horizon
    calendar = Calendar(scenario.calendar)
    dates = h.dates
    day_types = [calendar.day_type(d) for d in dates]
    holiday_names = {
        i: calendar.holiday_name(d) or "public holiday"
        for i, d in enumerate(dates)
        if day_types[i] is DayType.HOLIDAY
    }
    index = {d: i for i, d in enumerate(dates)}
    needs, presence, windows = _needs(scenario, requirements)

    channels = [
        ChannelSpec(id=c.id, kind=c.kind, priority=c.priority, window_slots=windows.get(c.id, 0))
        for c in scenario.channels
    ]
    by_id = {c.id: c for c in scenario.channels}
    for members in scenario.blended_pools():
        inside = [by_id[c] for c in members]
        voice = [c for c in inside if c.kind is ChannelKind.INBOUND]
        channels.append(
            ChannelSpec(
                id=pool_id(members),
                kind=(voice or inside)[0].kind,
                priority=max(c.priority for c in inside),
                members=list(members),
            )
        )
    agents: list[AgentSpec] = []
    requests: list[ShiftRequest] = []
    pay = scenario.pay
    for person in scenario.agents:
        pattern = scenario.pattern(person.pattern)
        kind = pattern.kind
        days_off = sorted(
            {index[x.date] for x in person.leave if x.date in index}
            | {index[d] for d in person.unavailable if d in index}
        )
        agents.append(
            AgentSpec(
                id=person.id,
                name=person.name,
                role=person.role,
                team=person.team,
                pattern=kind,
                working_days_per_week=pattern.working_days_per_week,
                days_off_allowed=None
                if pattern.days_off_allowed is None
                else sorted(int(w) for w in pattern.days_off_allowed),
                off_on_holidays=pattern.off_on_public_holidays,
                skills=list(person.skills),
                shifts=list(person.shifts),
                proficiency=scenario.proficiency(person),
                base_pay=person.base_pay,
                daily_rate=pay.daily_rate(person.base_pay, kind),
                hourly_rate=hourly_rate(person, pattern, pay),
                overtime_hourly=pay.overtime_hourly(person.base_pay, kind),
                contract_minutes=round(pay.contract_hours(kind) * 60),
                history=person.history,
                contract=_contract(pattern),
                days_off=days_off,
                leave=sorted({index[x.date] for x in person.leave if x.date in index}),
                fixed={index[d]: s for d, s in person.preassigned.items() if d in index},
            )
        )
        for r in person.requests:
            if r.date in index:
                requests.append(
                    ShiftRequest(
                        agent=person.id,
                        day=index[r.date],
                        shift=r.shift,
                        want=r.want,
                        weight=r.weight,
                    )
                )
    w = scenario.weights
    per_slot = h.interval_minutes / 60
    weights = Weights(
        shortfall_per_agent_slot=w.shortfall_per_agent_hour * per_slot,
        surplus_per_agent_slot=w.surplus_per_agent_hour * per_slot,
        request_unit=w.request_unit,
        secondary_per_agent_slot=w.secondary_per_agent_hour * per_slot,
        fairness_per_day=w.fairness_per_day,
        labour_cost=1.0,
    )
    instance = RosterInstance(
        name=scenario.name,
        start=h.start,
        n_days=h.days,
        interval_minutes=h.interval_minutes,
        timezone=scenario.site.timezone,
        day_types=day_types,
        holiday_names=holiday_names,
        channels=channels,
        shifts=[compile_shift(t) for t in scenario.shifts],
        agents=agents,
        needs=needs,
        presence=presence,
        requests=requests,
        weights=weights,
        pay=pay,
        standby=scenario.standby,
    )
    log.info(
        "compiled %s: %d days, %d agents, %d shift types, %d needs",
        scenario.name,
        h.days,
        len(agents),
        len(instance.shifts),
        len(needs),
    )
    return instance


__all__ = ["REQUIRED_COLUMNS", "compile_instance", "compile_shift", "hourly_rate", "leave_days"]
