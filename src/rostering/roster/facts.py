"""Facts about an instance that the model, the validator and the reports all read.

These are plain functions of a :class:`RosterInstance` (no solver): which
slots a shift covers, where its meal may fall, which channels an agent can
serve on a day, which days excuse an agent from work, and the integer
scaling of objective weights. The model and the validator call the same
functions, so they cannot disagree on what a rule means.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from rostering.domain.agents import Role
from rostering.domain.patterns import PatternKind
from rostering.domain.shifts import DayType
from rostering.roster.instance import AgentSpec, RosterInstance, ShiftRequest, ShiftType
from rostering.types import AgentId, ChannelId, ShiftId

SCALE = 100
"""Objective units per cost unit: weights in yuan become integer fen in CP-SAT."""

MINUTES_PER_DAY = 24 * 60
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def int_weight(weight: float) -> int:
    """A weight in cost units as the integer coefficient the model uses."""
    return round(weight * SCALE)


def day_label(instance: RosterInstance, day: int) -> str:
    """``Tue 2024-10-01`` for a day index."""
    date = instance.date(day)
    return f"{WEEKDAY_NAMES[date.weekday()]} {date.isoformat()}"


def slot_label(instance: RosterInstance, slot: int) -> str:
    """``2024-10-01 09:30`` for a slot index."""
    minute = (slot % instance.slots_per_day) * instance.interval_minutes
    date = instance.date(slot // instance.slots_per_day)
    return f"{date.isoformat()} {minute // 60:02d}:{minute % 60:02d}"


def local_time(instance: RosterInstance, day: int, minute: int) -> dt.datetime:
    """Time-zone aware local time ``minute`` minutes after midnight of ``day``."""
    naive = dt.datetime.combine(instance.start, dt.time()) + dt.timedelta(days=day, minutes=minute)
    return naive.replace(tzinfo=ZoneInfo(instance.timezone))


# --------------------------------------------------------------------------- shifts


def day_channels(instance: RosterInstance, shift: ShiftType, day: int) -> list[ChannelId] | None:
    """Channels ``shift`` carries on ``day``; None when the shift names none (any skill)."""
    if not shift.channels:
        return None
    return list(shift.channels.get(instance.day_types[day], []))


def can_work(instance: RosterInstance, shift: ShiftType, day: int) -> bool:
    """Whether ``shift`` may be worked on ``day`` (it carries something that day)."""
    carried = day_channels(instance, shift, day)
    return carried is None or bool(carried)


def shift_slots(instance: RosterInstance, shift: ShiftType, day: int) -> range:
    """Absolute slots fully inside the shift worked on ``day``, cut at the horizon end."""
    step = instance.interval_minutes
    begin = day * MINUTES_PER_DAY + shift.start_minute
    end = begin + shift.length_minutes
    first = -(-begin // step)
    last = end // step
    return range(max(0, first), min(instance.n_slots, last))


def meal_slots(instance: RosterInstance, shift: ShiftType) -> int:
    """Slots a meal takes off the floor (0 when the shift has no meal)."""
    if shift.meal_minutes <= 0:
        return 0
    return -(-shift.meal_minutes // instance.interval_minutes)


def meal_offsets(instance: RosterInstance, shift: ShiftType) -> list[int]:
    """Possible meal starts, in minutes after midnight of the shift's day, on the slot grid.

    Every grid point inside the template's window; when the window holds none,
    the grid point nearest its earliest start. Empty when the shift has no meal.
    """
    if shift.meal_minutes <= 0:
        return []
    step = instance.interval_minutes
    lo = shift.start_minute + (shift.meal_earliest or 0)
    latest = shift.meal_latest if shift.meal_latest is not None else shift.meal_earliest or 0
    hi = shift.start_minute + max(latest, shift.meal_earliest or 0)
    first = -(-lo // step) * step
    options = list(range(first, hi + 1, step))
    if not options:
        options = [lo // step * step]
    # Keep the meal inside the shift.
    end = shift.start_minute + shift.length_minutes
    fitting = [m for m in options if m >= shift.start_minute and m + shift.meal_minutes <= end]
    return fitting or options[:1]


def break_grid(instance: RosterInstance, minutes: int) -> int:
    """Minutes between possible break starts: the interval, or finer for short breaks.

    A 15-minute break on a 30-minute grid may start on the hour or at a
    quarter past, so two breaks share one interval.
    """
    return math.gcd(instance.interval_minutes, minutes)


def break_offsets(instance: RosterInstance, shift: ShiftType, index: int) -> list[int]:
    """Possible starts of the shift's break ``index``, minutes after midnight of its day."""
    window = shift.breaks[index]
    grid = break_grid(instance, window.minutes)
    lo = shift.start_minute + window.earliest
    hi = shift.start_minute + max(window.latest, window.earliest)
    first = -(-lo // grid) * grid
    options = list(range(first, hi + 1, grid)) or [lo // grid * grid]
    end = shift.start_minute + shift.length_minutes
    fitting = [m for m in options if m >= shift.start_minute and m + window.minutes <= end]
    return fitting or options[:1]


def overlap_minutes(instance: RosterInstance, day: int, start: int, minutes: int) -> dict[int, int]:
    """Slots a stretch of ``minutes`` from ``start`` (minutes after midnight of ``day``)
    touches, with the minutes it spends in each."""
    step = instance.interval_minutes
    origin = day * instance.slots_per_day
    out: dict[int, int] = {}
    t = start
    while t < start + minutes:
        slot = t // step
        upto = min((slot + 1) * step, start + minutes)
        out[origin + slot] = out.get(origin + slot, 0) + upto - t
        t = upto
    return out


def heads_on_break(
    instance: RosterInstance,
    schedule: Mapping[tuple[AgentId, int], ShiftId],
    breaks: Mapping[tuple[AgentId, int], Sequence[int]],
) -> dict[int, list[AgentId]]:
    """Per slot, the front-line agents counted away at a short break.

    Within each crew on a shift and day (as the model counts them), the break
    minutes taken in a slot, rounded up to whole agents; those with the most
    break minutes in the slot are the ones counted away. ``breaks``: break
    starts (minutes after midnight of the day) per agent-day.
    """
    front = {a.id for a in coverage_agents(instance)}
    minutes: dict[tuple[int, int, ShiftId, frozenset[ChannelId]], dict[AgentId, int]] = defaultdict(
        dict
    )
    for (agent, day), starts in breaks.items():
        if agent not in front or (agent, day) not in schedule:
            continue
        shift = instance.shift(schedule[(agent, day)])
        crew = skill_set(instance, instance.agent(agent))
        for start, window in zip(starts, shift.breaks, strict=False):
            for t, mins in overlap_minutes(instance, day, start, window.minutes).items():
                have = minutes[(t, day, shift.id, crew)]
                have[agent] = have.get(agent, 0) + mins
    step = instance.interval_minutes
    out: dict[int, list[AgentId]] = defaultdict(list)
    for (t, *_), who in sorted(minutes.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])):
        heads = -(-sum(who.values()) // step)
        out[t] += sorted(who, key=lambda a: (-who[a], a))[:heads]
    return dict(out)


# --------------------------------------------------------------------------- agents


def coverage_agents(instance: RosterInstance) -> list[AgentSpec]:
    """Front-line agents, the only people counted in coverage."""
    return [a for a in instance.agents if a.role is Role.AGENT]


def skill_set(instance: RosterInstance, agent: AgentSpec) -> frozenset[ChannelId]:
    """Channels an agent is skilled for (every channel when none are listed)."""
    if agent.skills:
        return frozenset(agent.skills)
    return frozenset(c.id for c in instance.real_channels)


def crews(instance: RosterInstance) -> dict[frozenset[ChannelId], list[AgentSpec]]:
    """Front-line agents by skill set: a crew on one shift serves the same channels."""
    out: dict[frozenset[ChannelId], list[AgentSpec]] = defaultdict(list)
    for agent in coverage_agents(instance):
        out[skill_set(instance, agent)].append(agent)
    return dict(out)


def works_count(instance: RosterInstance) -> int:
    """``works`` variables of the model: one per agent, day and eligible shift type."""
    return sum(len(a.shifts) for a in instance.agents) * instance.n_days


def primary_channels(
    instance: RosterInstance, agent: AgentSpec, shift: ShiftType, day: int
) -> frozenset[ChannelId]:
    """Channels ``agent`` carries as its own work on ``shift`` that day (the pre-allocation)."""
    carried = day_channels(instance, shift, day)
    skills = skill_set(instance, agent)
    return skills if carried is None else skills & frozenset(carried)


def serves_channels(
    instance: RosterInstance, agent: AgentSpec, shift: ShiftType, day: int
) -> frozenset[ChannelId]:
    """Channels ``agent`` can take on ``shift`` that day: its own and those it may help with."""
    own = primary_channels(instance, agent, shift, day)
    if not shift.secondary or not can_work(instance, shift, day):
        return own
    helps = frozenset(shift.secondary.get(instance.day_types[day], []))
    return own | (skill_set(instance, agent) & helps)


def primary_units(
    instance: RosterInstance, agent: AgentSpec, shift: ShiftType, day: int
) -> frozenset[ChannelId]:
    """Coverage units the agent serves as its own work on ``shift`` that day."""
    return frozenset(instance.unit_of(c) for c in primary_channels(instance, agent, shift, day))


def serves(
    instance: RosterInstance, agent: AgentSpec, shift: ShiftType, day: int
) -> frozenset[ChannelId]:
    """Coverage units ``agent`` can serve on ``shift`` that day: pools and lone channels.

    An agent who can take any channel of a pool serves the pool (one agent,
    counted once, carrying all of them at once).
    """
    return frozenset(instance.unit_of(c) for c in serves_channels(instance, agent, shift, day))


def excused_days(instance: RosterInstance, agent: AgentSpec) -> set[int]:
    """Days the agent cannot work whatever the rota says.

    Leave and unavailability (``days_off``), public holidays for agents off on
    holidays, and days on which none of the agent's shifts is worked.
    """
    days = {d for d in agent.days_off if 0 <= d < instance.n_days}
    for d in range(instance.n_days):
        if (agent.off_on_holidays and instance.day_types[d] is DayType.HOLIDAY) or not any(
            can_work(instance, instance.shift(s), d) for s in agent.shifts
        ):
            days.add(d)
    return days


def follows_pattern(agent: AgentSpec) -> bool:
    """Whether the rotation rules apply: rostered people with a fixed rotation."""
    return (
        agent.role is not Role.BACKUP
        and bool(agent.shifts)
        and agent.pattern in (PatternKind.ONE_ON_ONE_OFF, PatternKind.FIVE_ON_TWO_OFF)
    )


@dataclass(frozen=True)
class Week:
    """One calendar week (Mon-Sun) as the horizon sees it."""

    year: int
    number: int
    days: tuple[int, ...]
    missing_before: int
    """Days of the week before the horizon start."""
    missing_after: int
    """Days of the week after the horizon end."""


def calendar_weeks(instance: RosterInstance) -> list[Week]:
    """ISO calendar weeks touched by the horizon, with the days cut at either edge."""
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for day in range(instance.n_days):
        iso = instance.date(day).isocalendar()
        groups[(iso.year, iso.week)].append(day)
    weeks: list[Week] = []
    for (year, number), days in sorted(groups.items()):
        first = instance.date(days[0]).weekday()
        last = instance.date(days[-1]).weekday()
        weeks.append(Week(year, number, tuple(days), first, 6 - last))
    return weeks


@dataclass(frozen=True)
class WeekTarget:
    """Working days a five-two agent owes in one week of the horizon."""

    week: Week
    least: int
    most: int
    credited: int
    """Days that count as worked without being worked: leave, statutory holidays and
    closed days that fall where the agent would otherwise work."""
    history_worked: int | None
    """Days worked before the start in this week, when history covers them."""
    counted: tuple[int, ...] = ()
    """The days whose work counts towards the target: the week's days less its
    statutory holidays (a holiday worked is paid at the holiday rate on top)."""


def fixed_rest_weekdays(agent: AgentSpec) -> set[int]:
    """Weekdays a five-two agent is always off: the allowed days when they are no more
    than the days off a week needs (e.g. Saturday and Sunday for office hours)."""
    if agent.days_off_allowed is None:
        return set()
    allowed = set(agent.days_off_allowed)
    return allowed if len(allowed) <= 7 - agent.working_days_per_week else set()


def five_two_targets(instance: RosterInstance, agent: AgentSpec) -> list[WeekTarget]:
    """Bounds on the days worked inside the horizon, per calendar week.

    A full week needs ``working_days_per_week`` days, less the days that count
    as worked the way payroll and labour law count them: each day of leave
    (annual, personal or sick), each statutory public holiday (a paid day off
    for five-two staff; one worked is paid at the holiday rate on top of the
    week, so holidays are left out of the count) and, for patterns with fixed
    days off, each weekday on which none of the agent's shifts runs. Such days
    are credited only where the agent would otherwise work, not on its fixed
    days off. Unavailable days are not credited: they are the agent's rest
    days, and when more are unavailable than the week's rest allows, the agent
    works the days it can.

    An adjusted working day (a Saturday or Sunday the holiday calendar makes a
    working day) on one of the usual days off adds one day, as China's holiday
    schedules move a working day there. The first week continues the history
    when it covers the days before the start; otherwise and at the end edge
    the week is prorated: at most the full count, and at least what the days
    outside the horizon cannot make up.
    """
    allowed = set(agent.days_off_allowed) if agent.days_off_allowed is not None else None
    rest = fixed_rest_weekdays(agent)
    excused = excused_days(instance, agent)
    leave = set(agent.leave)
    out: list[WeekTarget] = []
    for week in calendar_weeks(instance):
        need = agent.working_days_per_week
        credited = 0
        counted: list[int] = []
        for d in week.days:
            weekday = instance.date(d).weekday()
            holiday = instance.day_types[d] is DayType.HOLIDAY
            if not holiday:
                counted.append(d)
            if weekday in rest:
                continue
            if (
                holiday
                or d in leave
                or (d in excused and allowed is not None and weekday not in allowed)
            ):
                credited += 1
        if allowed is not None:
            need += sum(
                1
                for d in week.days
                if instance.date(d).weekday() >= 5
                and instance.date(d).weekday() in allowed
                and instance.day_types[d] is DayType.WORKDAY
                and d not in excused
            )
        history_worked: int | None = None
        outside = week.missing_before + week.missing_after
        if week.missing_before and len(agent.history) >= week.missing_before:
            history_worked = agent.history[-week.missing_before :].upper().count("W")
            outside = week.missing_after
        before = history_worked or 0
        available = sum(1 for d in counted if d not in excused)
        most = max(0, need - before - credited)
        least = min(available, max(0, most - outside))
        most = max(least, most)
        out.append(WeekTarget(week, least, most, credited, history_worked, tuple(counted)))
    return out


SATURDAY = 5


SUNDAY = 6


def weekends(instance: RosterInstance) -> list[list[int]]:
    """Day indices of each calendar weekend in the horizon (Saturday and/or Sunday).

    A weekend cut by the horizon edge keeps only its days inside the horizon.
    """
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for day in range(instance.n_days):
        date = instance.date(day)
        if date.weekday() in (SATURDAY, SUNDAY):
            iso = date.isocalendar()
            groups[(iso.year, iso.week)].append(day)
    return [groups[key] for key in sorted(groups)]


def history_run(instance: RosterInstance, agent: AgentSpec, *, worked: bool) -> int | None:
    """Length of the run of worked (or off) days that ends the agent's history.

    None when the start edge is exempt: nothing is known of the days before (no history).
    0 when the history ends with the other kind of day.
    """
    if not agent.history:
        return None
    mark = "W" if worked else "O"
    history = agent.history.upper()
    return len(history) - len(history.rstrip(mark))


def forbidden_pairs_by_rest(
    instance: RosterInstance, min_rest_minutes: int
) -> list[tuple[int, ShiftId, ShiftId]]:
    """(day gap, first, second) shift pairs that leave less than the rest between them.

    A shift worked on day ``d`` and one worked on day ``d + gap`` leave
    ``gap * 1440 + start(second) - start(first) - length(first)`` minutes
    between them; pairs below ``min_rest_minutes`` are returned.
    """
    pairs: list[tuple[int, ShiftId, ShiftId]] = []
    for gap in (1, 2):
        for first in instance.shifts:
            end = first.start_minute + first.length_minutes
            for second in instance.shifts:
                rest = gap * 24 * 60 + second.start_minute - end
                if rest < min_rest_minutes:
                    pairs.append((gap, first.id, second.id))
    return pairs


def one_on_one_off_rota(history: str) -> int | None:
    """Parity of the rota: 0 when day 0 is a working day, 1 when it is off; None if free."""
    if not history:
        return None
    return 1 if history[-1].upper() == "W" else 0


def request_where(request: ShiftRequest) -> str:
    """Where a shift request's violation is reported: ``a1 day 3 E`` (or ``any shift``)."""
    shown = request.shift if request.shift is not None else "any shift"
    return f"{request.agent} day {request.day} {shown}"


__all__ = [
    "MINUTES_PER_DAY",
    "SATURDAY",
    "SCALE",
    "SUNDAY",
    "WEEKDAY_NAMES",
    "Week",
    "WeekTarget",
    "break_grid",
    "break_offsets",
    "calendar_weeks",
    "can_work",
    "coverage_agents",
    "crews",
    "day_channels",
    "day_label",
    "excused_days",
    "five_two_targets",
    "fixed_rest_weekdays",
    "follows_pattern",
    "forbidden_pairs_by_rest",
    "heads_on_break",
    "history_run",
    "int_weight",
    "local_time",
    "meal_offsets",
    "meal_slots",
    "one_on_one_off_rota",
    "overlap_minutes",
    "primary_channels",
    "primary_units",
    "request_where",
    "serves",
    "serves_channels",
    "shift_slots",
    "skill_set",
    "slot_label",
    "weekends",
    "works_count",
]
