"""Contract rules: the labour limits written into each agent's contract.

One class per rule family. Every rule reads only the :class:`RosterInstance`
and the :class:`RosterVars` container. Minutes are worked minutes
(``ShiftType.length_minutes``): a contract limits the time spent at work,
meals included, which is also how the public benchmarks count it.

Edges of the horizon: the days in ``AgentSpec.history`` (oldest first, ``W``
worked or ``O`` off) continue a run of days worked or days off at the start
edge; the end edge is exempt from minimum lengths, because the next period
will continue that run. An empty history means nothing is known about the
days before, and the start edge is then exempt too (the benchmark rule: its
instances carry no history).

Weekends and calendar weeks follow the calendar dates (Saturday and Sunday,
ISO weeks), not the day types, so a weekend day turned into a working day by
a holiday schedule still counts as a weekend worked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ortools.sat.python import cp_model

from rostering.roster.facts import (
    calendar_weeks,
    forbidden_pairs_by_rest,
    history_run,
    request_where,
    weekends,
)
from rostering.roster.instance import AgentSpec, RosterInstance
from rostering.roster.rule_names import (
    CONSECUTIVE_DAYS_OFF,
    CONSECUTIVE_WORKING_DAYS,
    DAYS_OFF,
    FORBIDDEN_SUCCESSION,
    MAX_SHIFTS_PER_TYPE,
    MAX_WEEKENDS,
    MIN_REST,
    SHIFT_OFF_REQUEST,
    SHIFT_ON_REQUEST,
    SHIFT_REQUESTS,
    WORKLOAD,
)
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm, enforce
from rostering.types import ShiftId

# --------------------------------------------------------------------------- helpers


def _clause(
    ctx: RuleContext, literals: list[cp_model.LiteralT], guard: list[cp_model.IntVar]
) -> None:
    """Add ``OR(literals)``, switched off when the guard literal is false."""
    ctx.model.add_bool_or([*literals, *(g.Not() for g in guard)])


def _minutes(
    ctx: RuleContext, agent: AgentSpec, days: Iterable[int], lengths: dict[ShiftId, int]
) -> cp_model.LinearExpr:
    """Worked minutes of ``agent`` over ``days``."""
    variables: list[cp_model.IntVar] = []
    coefficients: list[int] = []
    for d in days:
        for s, x in ctx.vars.shifts_on(agent.id, d).items():
            variables.append(x)
            coefficients.append(lengths[s])
    return cp_model.LinearExpr.weighted_sum(variables, coefficients)


def _forbid_followers(
    ctx: RuleContext,
    agent: AgentSpec,
    followers: dict[tuple[int, ShiftId], list[ShiftId]],
    guard: list[cp_model.IntVar],
) -> None:
    """No follower shift ``gap`` days after each first shift: (gap, first) -> followers.

    One constraint per agent, day and first shift: the first shift plus every
    forbidden follower on the later day sum to at most 1. The followers of
    one day are exclusive anyway (one shift a day), so this says the same as
    a clause per pair, in far fewer constraints and with a tighter linear
    relaxation.
    """
    inst, v = ctx.instance, ctx.vars
    for (gap, first), after in followers.items():
        for d in range(inst.n_days - gap):
            a = v.works(agent.id, d, first)
            if a is None:
                continue
            later = [b for f in after if (b := v.works(agent.id, d + gap, f)) is not None]
            if not later:
                continue
            if len(later) == 1:
                _clause(ctx, [a.Not(), later[0].Not()], guard)
            else:
                enforce(ctx.model.add(a + sum(later) <= 1), guard)


def _forbid_short_runs(
    ctx: RuleContext,
    seq: list[cp_model.BoolVarT],
    minimum: int,
    guard: list[cp_model.IntVar],
    *,
    history: int | None,
) -> None:
    """Every run of true literals in ``seq`` is at least ``minimum`` long.

    For each start ``s`` and each length ``k < minimum`` the pattern
    (false, true x k, false) is forbidden by one clause. Runs touching the end
    are exempt; runs touching the start are exempt when ``history`` is None,
    else they continue ``history`` true days before day 0.
    """
    n = len(seq)
    for start in range(1, n):
        for k in range(1, minimum):
            closing = start + k
            if closing >= n:
                break
            _clause(
                ctx,
                [seq[start - 1], *(lit.Not() for lit in seq[start:closing]), seq[closing]],
                guard,
            )
    if history is None:
        return
    # A run starting on day 0 continues the `history` days before it.
    for k in range(1, minimum - history):
        if k >= n:
            break
        _clause(ctx, [*(lit.Not() for lit in seq[0:k]), seq[k]], guard)
    if 0 < history < minimum:
        # The run from history would end before day 0 too short.
        _clause(ctx, [seq[0]], guard)


# --------------------------------------------------------------------------- rules


class ShiftTypeLimits(Rule):
    """An agent works each shift type at most as often as the contract allows.

    "No more than 14 early shifts this month; Zhang never works nights."
    """

    name = MAX_SHIFTS_PER_TYPE

    def applies(self, instance: RosterInstance) -> bool:
        return any(a.contract.max_shifts for a in instance.agents)

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, v = ctx.instance, ctx.vars
        # hard
        for agent in inst.agents:
            for shift_id, limit in agent.contract.max_shifts.items():
                if shift_id not in agent.shifts:
                    continue  # never worked: no variable
                worked = [
                    x
                    for d in range(inst.n_days)
                    if (x := v.works(agent.id, d, shift_id)) is not None
                ]
                if not worked or limit >= len(worked):
                    continue
                guard = ctx.guard(f"{agent.id} works shift {shift_id} at most {limit} times")
                if limit == 0:
                    for x in worked:
                        _clause(ctx, [x.Not()], guard)
                else:
                    enforce(ctx.model.add(sum(worked) <= limit), guard)
        # soft: none
        return []


class WorkloadLimits(Rule):
    """The minutes an agent works stay within the contract: over the horizon and per week.

    "Between 3360 and 4320 minutes over the four weeks, and no more than 2400 in
    any calendar week." Minutes are worked minutes (the shift's length).
    """

    name = WORKLOAD

    def applies(self, instance: RosterInstance) -> bool:
        return any(
            a.contract.min_total_minutes is not None
            or a.contract.max_total_minutes is not None
            or a.contract.max_minutes_per_week is not None
            for a in instance.agents
        )

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, v = ctx.instance, ctx.vars
        # hard
        for agent in inst.agents:
            c = agent.contract
            lengths = {s: inst.shift(s).length_minutes for s in agent.shifts}
            if not lengths:
                continue
            shortest, longest = min(lengths.values()), max(lengths.values())

            all_days = range(inst.n_days)
            days_worked = sum(v.on_day(agent.id, d) for d in all_days)
            if c.min_total_minutes is not None and c.min_total_minutes > 0:
                guard = ctx.guard(f"{agent.id} works at least {c.min_total_minutes} minutes")
                enforce(
                    ctx.model.add(_minutes(ctx, agent, all_days, lengths) >= c.min_total_minutes),
                    guard,
                )
                # Redundant: that many minutes need at least this many days.
                least = -(-c.min_total_minutes // longest)
                enforce(ctx.model.add(days_worked >= least), guard)
            if c.max_total_minutes is not None:
                guard = ctx.guard(f"{agent.id} works at most {c.max_total_minutes} minutes")
                enforce(
                    ctx.model.add(_minutes(ctx, agent, all_days, lengths) <= c.max_total_minutes),
                    guard,
                )
                enforce(ctx.model.add(days_worked <= c.max_total_minutes // shortest), guard)
            if c.max_minutes_per_week is not None:
                guard = ctx.guard(
                    f"{agent.id} works at most {c.max_minutes_per_week} minutes a calendar week"
                )
                for week in (w.days for w in calendar_weeks(inst)):
                    if len(week) * longest > c.max_minutes_per_week:
                        enforce(
                            ctx.model.add(
                                _minutes(ctx, agent, week, lengths) <= c.max_minutes_per_week
                            ),
                            guard,
                        )
        # soft: none
        return []


class ConsecutiveWorkingDays(Rule):
    """Runs of days worked are neither too long nor too short.

    "No more than five days in a row; once started, at least two days in a row."
    """

    name = CONSECUTIVE_WORKING_DAYS

    def applies(self, instance: RosterInstance) -> bool:
        return any(
            a.contract.max_consecutive_days is not None
            or (a.contract.min_consecutive_days or 0) > 1
            for a in instance.agents
        )

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, v = ctx.instance, ctx.vars
        n = inst.n_days
        # hard
        for agent in inst.agents:
            c = agent.contract
            on: list[cp_model.BoolVarT] = [v.on_day(agent.id, d) for d in range(n)]
            history = history_run(inst, agent, worked=True)
            if c.max_consecutive_days is not None:
                most = c.max_consecutive_days
                guard = ctx.guard(f"{agent.id} works at most {most} days in a row")
                for start in range(n - most):
                    enforce(ctx.model.add(sum(on[start : start + most + 1]) <= most), guard)
                rest = c.min_consecutive_days_off or 0
                if rest > 1 and not ctx.explain:
                    # Implied by the rule and the days-off minimum: a window of
                    # most + rest days holding more than `most` worked days would
                    # need a block of days off shorter than `rest` inside it.
                    for start in range(n - most - rest + 1):
                        ctx.model.add(sum(on[start : start + most + rest]) <= most)
                if history:
                    # The run carried in from the previous period counts.
                    room = max(0, most - history)
                    window = on[: min(n, room + 1)]
                    if len(window) > room:
                        enforce(ctx.model.add(sum(window) <= room), guard)
            least = c.min_consecutive_days or 0
            if least > 1:
                guard = ctx.guard(f"{agent.id} works at least {least} days in a row")
                _forbid_short_runs(ctx, on, least, guard, history=history)
        # soft: none
        return []


class ConsecutiveDaysOff(Rule):
    """Days off come in blocks of at least the contract's minimum.

    "Once off, at least two days off in a row."
    """

    name = CONSECUTIVE_DAYS_OFF

    def applies(self, instance: RosterInstance) -> bool:
        return any((a.contract.min_consecutive_days_off or 0) > 1 for a in instance.agents)

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, v = ctx.instance, ctx.vars
        # hard
        for agent in inst.agents:
            least = agent.contract.min_consecutive_days_off or 0
            if least <= 1:
                continue
            off: list[cp_model.BoolVarT] = [v.on_day(agent.id, d).Not() for d in range(inst.n_days)]
            guard = ctx.guard(f"{agent.id} has at least {least} days off in a row")
            _forbid_short_runs(
                ctx, off, least, guard, history=history_run(inst, agent, worked=False)
            )
        # soft: none
        return []


class WeekendLimit(Rule):
    """An agent works at most the contract's number of weekends.

    "At most two weekends in the month." A weekend counts as worked when the
    agent works the Saturday, the Sunday or both.
    """

    name = MAX_WEEKENDS

    def applies(self, instance: RosterInstance) -> bool:
        return any(a.contract.max_weekends is not None for a in instance.agents)

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, v, m = ctx.instance, ctx.vars, ctx.model
        groups = weekends(inst)
        # hard
        for agent in inst.agents:
            most = agent.contract.max_weekends
            if most is None or most >= len(groups):
                continue
            worked: list[cp_model.IntVar] = []
            for days in groups:
                w = v.new_bool(f"weekend_worked(agent={agent.id}, day={days[0]})", day=days[0])
                ons = [v.on_day(agent.id, d) for d in days]
                for o in ons:
                    m.add_implication(o, w)
                m.add_bool_or([w.Not(), *ons])
                worked.append(w)
            guard = ctx.guard(f"{agent.id} works at most {most} weekends")
            enforce(m.add(sum(worked) <= most), guard)
        # soft: none
        return []


class RestBetweenShifts(Rule):
    """Enough rest between the end of one shift and the start of the next.

    "At least 11 hours between two shifts": pairs of shifts on following days
    that leave less rest are never worked one after the other.
    """

    name = MIN_REST

    def applies(self, instance: RosterInstance) -> bool:
        return any(a.contract.min_rest_minutes is not None for a in instance.agents)

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst = ctx.instance
        cache: dict[int, dict[tuple[int, ShiftId], list[ShiftId]]] = {}
        # hard
        for agent in inst.agents:
            rest = agent.contract.min_rest_minutes
            if rest is None:
                continue
            if rest not in cache:
                grouped: dict[tuple[int, ShiftId], list[ShiftId]] = defaultdict(list)
                for gap, first, second in forbidden_pairs_by_rest(inst, rest):
                    grouped[(gap, first)].append(second)
                cache[rest] = dict(grouped)
            guard = ctx.guard(f"{agent.id} rests at least {rest} minutes between shifts")
            _forbid_followers(ctx, agent, cache[rest], guard)
        # soft: none
        return []


class ForbiddenSuccessions(Rule):
    """Some shifts may not be worked the day after others ("no early after a late")."""

    name = FORBIDDEN_SUCCESSION

    def applies(self, instance: RosterInstance) -> bool:
        return any(s.cannot_follow for s in instance.shifts)

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst = ctx.instance
        # hard
        for shift in inst.shifts:
            if not shift.cannot_follow:
                continue
            shown = "/".join(shift.cannot_follow)
            guard = ctx.guard(f"no {shown} shift the day after a {shift.id} shift")
            for agent_id in ctx.vars.eligible(shift.id):
                agent = inst.agent(agent_id)
                after = [f for f in shift.cannot_follow if f in agent.shifts]
                if after:
                    _forbid_followers(ctx, agent, {(1, shift.id): after}, guard)
        # soft: none
        return []


class DaysOff(Rule):
    """No work on an agent's days off: leave, unavailability, fixed days off."""

    name = DAYS_OFF

    def applies(self, instance: RosterInstance) -> bool:
        return any(a.days_off for a in instance.agents)

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, v = ctx.instance, ctx.vars
        # hard
        for agent in inst.agents:
            days = sorted({d for d in agent.days_off if 0 <= d < inst.n_days})
            if not days:
                continue
            guard = ctx.guard(f"{agent.id} does not work on days off {days}")
            for d in days:
                _clause(ctx, [v.on_day(agent.id, d).Not()], guard)
        # soft: none
        return []


class ShiftRequests(Rule):
    """Agents' wishes to work, or not to work, a shift or a whole day.

    A wish not granted costs its weight times the request unit.
    """

    name = SHIFT_REQUESTS

    def applies(self, instance: RosterInstance) -> bool:
        return bool(instance.requests)

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, v = ctx.instance, ctx.vars
        unit = inst.weights.request_unit
        terms: list[SoftTerm] = []
        # hard: none
        # soft
        for req in inst.requests:
            if req.weight == 0 or unit == 0 or req.day >= inst.n_days:
                continue
            if req.shift is None:
                lit: cp_model.IntVar | None = v.on_day(req.agent, req.day)
            else:
                lit = v.works(req.agent, req.day, req.shift)
            where = request_where(req)
            expr: cp_model.LinearExprT
            if lit is not None:
                expr = 1 - lit if req.want else lit
            elif req.want:
                expr = 1  # the wished shift is not one the agent can work
            else:
                continue
            terms.append(
                SoftTerm(
                    SHIFT_ON_REQUEST if req.want else SHIFT_OFF_REQUEST,
                    where,
                    expr,
                    req.weight * unit,
                )
            )
        return terms


CONTRACT_RULES: list[type[Rule]] = [
    DaysOff,
    ShiftTypeLimits,
    WorkloadLimits,
    ConsecutiveWorkingDays,
    ConsecutiveDaysOff,
    WeekendLimit,
    RestBetweenShifts,
    ForbiddenSuccessions,
]
"""Every contract rule family that binds one agent alone, in the order the model builds
them (shift requests, also one agent's, are built after a strategy's rules)."""


__all__ = [
    "CONTRACT_RULES",
    "ConsecutiveDaysOff",
    "ConsecutiveWorkingDays",
    "DaysOff",
    "ForbiddenSuccessions",
    "RestBetweenShifts",
    "ShiftRequests",
    "ShiftTypeLimits",
    "WeekendLimit",
    "WorkloadLimits",
]
