"""A fast constructive roster: rotation days by demand, then shifts by the coverage left.

:func:`greedy_roster` builds a roster in two passes, in well under a second at
site scale, without the solver:

1. **Working days.** One-on-one-off agents work their rota days (the parity the
   history fixes, else the one whose days need people more); five-two agents
   work the days their pattern forces, then take the rest of each week's days
   one per agent per round: a day that still needs people first, then the
   cheapest (public holidays, paid at the holiday multiple, last). Leave,
   holidays off, closed days and pre-assigned days are honoured.
2. **Shifts.** Day by day, each agent working takes the eligible shift that
   covers the most of the requirement still uncovered (weighted by channel
   priority), respecting the minimum rest after yesterday's shift and the
   shift types that may not follow it; the coverage it brings is then taken
   off the requirement.

3. **Extra shifts where they pay.** Flexible agents (part-timers among them),
   and five-two agents on the statutory holidays their week leaves free, are
   added on the days with the most requirement left, each where the coverage
   it brings, priced at the shortfall weight, outweighs its pay.

The roster keeps the rotations and the rest rules, but contract limits
that need look-ahead (weekly or period hours, minimum runs) are not
guaranteed: :func:`rostering.roster.model.solve` completes the roster with
CP-SAT and falls back to a plain hint when the completion is infeasible.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from rostering.domain.patterns import PatternKind
from rostering.domain.shifts import DayType
from rostering.roster.cover import deferred_window, requirements
from rostering.roster.facts import (
    MINUTES_PER_DAY,
    can_work,
    coverage_agents,
    excused_days,
    five_two_targets,
    follows_pattern,
    history_run,
    meal_slots,
    one_on_one_off_rota,
    serves,
    shift_slots,
)
from rostering.roster.instance import AgentSpec, RosterInstance, ShiftType
from rostering.roster.pay import shift_pay
from rostering.roster.solution import Roster
from rostering.types import AgentId, ChannelId, ShiftId

log = logging.getLogger(__name__)


def _daily_demand(instance: RosterInstance) -> list[float]:
    """Required agent-slots per day, over all channels (deferred work where it arrives)."""
    out = [0.0] * instance.n_days
    for (t, _), req in requirements(instance).items():
        out[t // instance.slots_per_day] += req
    return out


def _open_days(instance: RosterInstance, agent: AgentSpec) -> set[int]:
    """Days the agent may work: not excused and not fixed off."""
    excused = excused_days(instance, agent)
    return {
        d
        for d in range(instance.n_days)
        if d not in excused and not (d in agent.fixed and agent.fixed[d] is None)
    }


def _floor_slots(instance: RosterInstance) -> float:
    """Average slots an agent spends on the floor in one shift (meal off)."""
    sizes = [len(shift_slots(instance, s, 0)) - meal_slots(instance, s) for s in instance.shifts]
    return max(1.0, sum(sizes) / max(1, len(sizes)))


PEAK_FACTOR = 1.15
"""Agents needed per agent-day of requirement: shifts cannot all sit on the peaks."""


def day_wishes(instance: RosterInstance) -> dict[tuple[AgentId, int], int]:
    """Per agent and day, the weight of requests to work it less those to have it off."""
    out: dict[tuple[AgentId, int], int] = defaultdict(int)
    for r in instance.requests:
        if r.want:
            out[(r.agent, r.day)] += r.weight
        elif r.shift is None:
            out[(r.agent, r.day)] -= r.weight
    return dict(out)


def shift_wishes(instance: RosterInstance) -> dict[tuple[AgentId, int, ShiftId], int]:
    """Per agent, day and shift, the weight of requests for that shift less those against."""
    out: dict[tuple[AgentId, int, ShiftId], int] = defaultdict(int)
    for r in instance.requests:
        if r.shift is not None:
            out[(r.agent, r.day, r.shift)] += r.weight if r.want else -r.weight
    return dict(out)


def working_days(instance: RosterInstance) -> dict[AgentId, set[int]]:
    """Days each rotation agent works, chosen to follow the demand and the pay (pass 1).

    A day the agent asked to work comes first and a day it asked off last;
    then a day that still needs people, the neediest first; once the demand
    is met, days are taken where they cost least (public holidays, paid at the
    holiday multiple, last).
    """
    wishes = day_wishes(instance)
    per_shift = _floor_slots(instance)
    demand = [PEAK_FACTOR * x / per_shift for x in _daily_demand(instance)]
    supply = [0.0] * instance.n_days
    extra = instance.pay.holiday_multiplier - 1

    def need(d: int) -> float:
        return demand[d] - supply[d]

    def preference(agent: AgentSpec, d: int) -> tuple[int, int, float, float]:
        day_pay = agent.daily_rate or agent.hourly_rate * agent.contract_minutes / 60
        premium = extra * day_pay if instance.day_types[d] is DayType.HOLIDAY else 0.0
        return (wishes.get((agent.id, d), 0), int(need(d) >= 0.5), -premium, need(d))

    out: dict[AgentId, set[int]] = {}
    rotating = [a for a in instance.agents if follows_pattern(a)]
    # One-on-one-off first: their days are the least free.
    for agent in rotating:
        if agent.pattern is not PatternKind.ONE_ON_ONE_OFF:
            continue
        open_days = _open_days(instance, agent)
        forced = {d for d, s in agent.fixed.items() if s is not None and 0 <= d < instance.n_days}
        parity = one_on_one_off_rota(agent.history)
        best: set[int] | None = None
        best_score = 0.0
        for off_first in [parity] if parity is not None else [0, 1]:
            candidate = {
                d for d in range(instance.n_days) if (d + off_first) % 2 == 0 and d in open_days
            }
            score = sum(need(d) for d in candidate)
            if best is None or score > best_score:
                best, best_score = candidate, score
        out[agent.id] = (best or set()) | forced
        for d in out[agent.id]:
            supply[d] += 1
    # Five-two: per week, the forced days, then one free day per agent per round, so
    # that the days that need people (and the cheap days) are shared out evenly.
    todo: dict[tuple[int, AgentId], tuple[list[int], int]] = {}
    for agent in rotating:
        if agent.pattern is PatternKind.ONE_ON_ONE_OFF:
            continue
        out[agent.id] = set()
        open_days = _open_days(instance, agent)
        forced = {d for d, s in agent.fixed.items() if s is not None and 0 <= d < instance.n_days}
        allowed = set(agent.days_off_allowed) if agent.days_off_allowed is not None else None
        for i, target in enumerate(five_two_targets(instance, agent)):
            week = [d for d in target.counted if d in open_days or d in forced]
            must = {
                d
                for d in week
                if d in forced
                or (allowed is not None and instance.date(d).weekday() not in allowed)
            }
            out[agent.id] |= must
            for d in must:
                supply[d] += 1
            count = max(target.least, min(target.most, len(week))) - len(must)
            if count > 0:
                todo[(i, agent.id)] = ([d for d in week if d not in must], count)
    by_week: dict[int, list[AgentId]] = defaultdict(list)
    for i, agent_id in todo:
        by_week[i].append(agent_id)
    for i, members in sorted(by_week.items()):
        rounds = max(todo[(i, a)][1] for a in members)
        for r in range(rounds):
            for agent_id in members:
                free, count = todo[(i, agent_id)]
                if r >= count:
                    continue
                agent = instance.agent(agent_id)
                still = [d for d in free if d not in out[agent_id]]
                rest = [d for d in still if _run_ok(instance, agent, out[agent_id], d)] or still
                if not rest:
                    continue
                pick = max(rest, key=lambda d: (preference(agent, d), -d))
                out[agent_id].add(pick)
                supply[pick] += 1
    return out


def _run_ok(instance: RosterInstance, agent: AgentSpec, days: set[int], day: int) -> bool:
    """Whether working ``day`` too keeps the run of working days within the contract."""
    limit = agent.contract.max_consecutive_days
    if limit is None:
        return True
    before = day
    while before - 1 in days:
        before -= 1
    after = day
    while after + 1 in days:
        after += 1
    run = after - before + 1
    if before == 0:
        run += history_run(instance, agent, worked=True) or 0
    return run <= limit


def _rest_ok(
    instance: RosterInstance, agent: AgentSpec, yesterday: ShiftType | None, shift: ShiftType
) -> bool:
    """Whether ``shift`` today respects rest and succession after ``yesterday``'s shift."""
    if yesterday is None:
        return True
    if shift.id in yesterday.cannot_follow:
        return False
    rest = agent.contract.min_rest_minutes
    if rest is None:
        return True
    gap = MINUTES_PER_DAY + shift.start_minute - (yesterday.start_minute + yesterday.length_minutes)
    return gap >= rest


def greedy_roster(instance: RosterInstance) -> Roster:
    """A roster that keeps the rotations and spreads shifts over the uncovered demand."""
    days = working_days(instance)
    residual: dict[tuple[int, ChannelId], float] = defaultdict(float)
    deferred = {c.id for c in instance.channels if deferred_window(instance, c.id)}
    for (t, c), req in requirements(instance).items():
        if c in deferred:
            # Deferred work may be done later: spread it over its window.
            window = deferred_window(instance, c)
            for k in range(window):
                if t + k < instance.n_slots:
                    residual[(t + k, c)] += req / window
        else:
            residual[(t, c)] += req
    priority = {c.id: c.priority for c in instance.channels}
    # A wish for a shift is worth what granting it saves, in agent-slots of shortfall.
    wished = shift_wishes(instance)
    w = instance.weights
    wish_slots = w.request_unit / w.shortfall_per_agent_slot if w.shortfall_per_agent_slot else 0
    roster: Roster = {}
    agents = [a for a in instance.agents if a.id in days]
    for d in range(instance.n_days):
        today = [a for a in agents if d in days[a.id]]
        # The agents with the fewest shift options choose first.
        today.sort(key=lambda a: (len(a.shifts), a.id))
        for agent in today:
            fixed = agent.fixed.get(d)
            if fixed is not None:
                roster[(agent.id, d)] = fixed
                _take(instance, agent, instance.shift(fixed), d, residual)
                continue
            previous = roster.get((agent.id, d - 1))
            yesterday = instance.shift(previous) if previous is not None else None
            best: tuple[float, int, ShiftType] | None = None
            for i, shift_id in enumerate(agent.shifts):
                shift = instance.shift(shift_id)
                if not can_work(instance, shift, d) or not _rest_ok(
                    instance, agent, yesterday, shift
                ):
                    continue
                gain = _gain(instance, agent, shift, d, residual, priority)
                gain += wished.get((agent.id, d, shift.id), 0) * wish_slots
                key = (gain, -((i + d) % len(agent.shifts)), shift)
                if best is None or key[:2] > best[:2]:
                    best = key
            if best is None:
                # No shift fits after yesterday's: keep the rotation with the first open one.
                open_shifts = [s for s in agent.shifts if can_work(instance, instance.shift(s), d)]
                if not open_shifts:
                    continue
                best = (0.0, 0, instance.shift(open_shifts[0]))
            shift = best[2]
            roster[(agent.id, d)] = shift.id
            _take(instance, agent, shift, d, residual)
    added = _fill(instance, roster, residual, priority)
    log.info(
        "greedy roster for %s: %d shifts (%d added where they pay)",
        instance.name,
        len(roster),
        added,
    )
    return roster


def _week_of(instance: RosterInstance, day: int) -> tuple[int, int]:
    iso = instance.date(day).isocalendar()
    return iso.year, iso.week


def _fits(
    instance: RosterInstance,
    agent: AgentSpec,
    mine: dict[int, ShiftId],
    day: int,
    shift: ShiftType,
) -> bool:
    """Whether ``agent``, working ``mine`` (day -> shift), may also work ``shift`` on ``day``.

    Hours are counted as the contract rules count them: shift lengths.
    """
    c = agent.contract
    before = mine.get(day - 1)
    after = mine.get(day + 1)
    if not _rest_ok(instance, agent, instance.shift(before) if before else None, shift):
        return False
    if after is not None and not _rest_ok(instance, agent, shift, instance.shift(after)):
        return False
    if not _run_ok(instance, agent, set(mine), day):
        return False
    shifts = [(d, instance.shift(s)) for d, s in mine.items()]
    if c.max_minutes_per_week is not None:
        week = _week_of(instance, day)
        used = sum(x.length_minutes for d, x in shifts if _week_of(instance, d) == week)
        if used + shift.length_minutes > c.max_minutes_per_week:
            return False
    total = sum(x.length_minutes for _, x in shifts) + shift.length_minutes
    if c.max_total_minutes is not None and total > c.max_total_minutes:
        return False
    limit = c.max_shifts.get(shift.id)
    return limit is None or sum(1 for _, x in shifts if x.id == shift.id) < limit


def _fill(
    instance: RosterInstance,
    roster: Roster,
    residual: dict[tuple[int, ChannelId], float],
    priority: dict[ChannelId, float],
) -> int:
    """Add shifts the rotations leave free where the coverage they bring pays for them.

    Flexible agents (part-timers among them) on any open day, five-two agents
    on the statutory holidays their week leaves free (a holiday worked is paid
    at the holiday rate on top of the week): a shift is added when the
    requirement it covers, priced at the shortfall weight, is worth more than
    what it adds to the payroll. The days with the most uncovered requirement
    are filled first.
    """
    short = instance.weights.shortfall_per_agent_slot
    candidates = [
        a
        for a in coverage_agents(instance)
        if a.shifts
        and (a.pattern is PatternKind.FLEXIBLE or a.pattern is PatternKind.FIVE_ON_TWO_OFF)
    ]
    open_days = {a.id: _open_days(instance, a) for a in candidates}
    wished = shift_wishes(instance)
    worked: dict[AgentId, dict[int, ShiftId]] = {a.id: {} for a in candidates}
    for (agent_id, day), shift_id in roster.items():
        if agent_id in worked:
            worked[agent_id][day] = shift_id
    per_day = instance.slots_per_day
    uncovered = [0.0] * instance.n_days
    for (t, _), left in residual.items():
        if t // per_day < instance.n_days:
            uncovered[t // per_day] += left
    wishes = day_wishes(instance)
    added = 0
    for d in sorted(range(instance.n_days), key=lambda x: -uncovered[x]):
        holiday = instance.day_types[d] is DayType.HOLIDAY
        for agent in candidates:
            if (agent.id, d) in roster or d not in open_days[agent.id]:
                continue
            if agent.pattern is PatternKind.FIVE_ON_TWO_OFF and not holiday:
                continue
            if wishes.get((agent.id, d), 0) < 0:
                continue
            best: tuple[float, ShiftType] | None = None
            for shift_id in agent.shifts:
                shift = instance.shift(shift_id)
                if not can_work(instance, shift, d) or not _fits(
                    instance, agent, worked[agent.id], d, shift
                ):
                    continue
                worth = _gain(instance, agent, shift, d, residual, priority) * short
                wish = wishes.get((agent.id, d), 0) + wished.get((agent.id, d, shift.id), 0)
                value = (
                    worth
                    + wish * instance.weights.request_unit
                    - shift_pay(instance, agent.id, d, shift.id).marginal
                )
                if value > 0 and (best is None or value > best[0]):
                    best = (value, shift)
            if best is not None:
                roster[(agent.id, d)] = best[1].id
                worked[agent.id][d] = best[1].id
                _take(instance, agent, best[1], d, residual)
                added += 1
    return added


def _gain(
    instance: RosterInstance,
    agent: AgentSpec,
    shift: ShiftType,
    day: int,
    residual: dict[tuple[int, ChannelId], float],
    priority: dict[ChannelId, float],
) -> float:
    """Priority-weighted requirement the agent would cover on ``shift``."""
    able = serves(instance, agent, shift, day)
    if not able:
        return 0.0
    total = 0.0
    for t in shift_slots(instance, shift, day):
        total += max(
            (min(1.0, residual.get((t, c), 0.0)) * priority.get(c, 1.0) for c in able),
            default=0.0,
        )
    return total


def _take(
    instance: RosterInstance,
    agent: AgentSpec,
    shift: ShiftType,
    day: int,
    residual: dict[tuple[int, ChannelId], float],
) -> None:
    """Take the agent's time off the requirement, on the channel that needs it most."""
    able = serves(instance, agent, shift, day)
    if not able:
        return
    for t in shift_slots(instance, shift, day):
        best = max(able, key=lambda c: (residual.get((t, c), 0.0), c))
        if residual.get((t, best), 0.0) > 0:
            residual[(t, best)] = max(0.0, residual[(t, best)] - 1.0)


def pattern_hint(instance: RosterInstance) -> dict[tuple[AgentId, int], ShiftId]:
    """A quick roster that keeps the rotations, to start the search from.

    One-on-one-off agents work their rota days, five-two agents the first
    allowed days of each week up to the weekly count, fixed days as fixed;
    each agent's shifts are taken in turn. It ignores coverage and may break
    contract limits: CP-SAT repairs what it must and improves the rest.
    """
    hint: dict[tuple[AgentId, int], ShiftId] = {}
    for i, agent in enumerate(instance.agents):
        if not follows_pattern(agent):
            continue
        excused = excused_days(instance, agent)
        days: set[int] = set()
        if agent.pattern is PatternKind.ONE_ON_ONE_OFF:
            off_first = one_on_one_off_rota(agent.history) or 0
            days = {
                d for d in range(instance.n_days) if (d + off_first) % 2 == 0 and d not in excused
            }
        else:
            allowed = set(agent.days_off_allowed or [])
            for target in five_two_targets(instance, agent):
                free = [d for d in target.counted if d not in excused]
                free.sort(key=lambda d: (instance.date(d).weekday() in allowed, d))
                days |= set(free[: max(0, target.most)])
        for d, fixed in agent.fixed.items():
            days.discard(d)
            if fixed is not None and fixed in agent.shifts:
                hint[(agent.id, d)] = fixed
        for d in sorted(days):
            open_shifts = [s for s in agent.shifts if can_work(instance, instance.shift(s), d)]
            if open_shifts and (agent.id, d) not in hint:
                hint[(agent.id, d)] = open_shifts[(i + d // 7) % len(open_shifts)]
    return hint


__all__ = [
    "PEAK_FACTOR",
    "greedy_roster",
    "pattern_hint",
    "working_days",
]
