"""Coverage: agents on the floor per interval and channel against required staff."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from itertools import accumulate

from ortools.sat.python import cp_model

from rostering.roster.cover import (
    FLOOR,
    LATE,
    SHORTFALL,
    SURPLUS,
    deferred_amounts,
    deferred_window,
    floor_groups,
    floor_where,
    requirements,
    subsets,
    worst_floor_gap,
)
from rostering.roster.facts import (
    slot_label,
)
from rostering.roster.instance import RosterInstance
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm
from rostering.roster.rules.floor import Floor
from rostering.types import ChannelId


class Coverage(Rule):
    """Every interval, each channel is staffed as the sizing stage requires.

    Soft: each agent-slot short costs the shortfall weight times the channel's
    priority, each agent-slot beyond the requirement costs the surplus weight.

    Scarce agents are shared, so that no channel is left empty while another
    is served: each day, every channel due in its slot is held to a coverage
    floor (``Weights.coverage_floor_percent`` of the agent-slots it needs that
    day, 50 % by default, counting only slots someone could serve). The
    worst-covered channel's distance below the floor, in whole percentage
    points, costs ``Weights.coverage_floor_per_point`` per point. The planner
    gets: where agents cannot cover everything, their time is split so that
    the channels' daily coverage ratios are lifted together, worst first, up to
    the floor; above the floor the channel priorities decide as before. For
    example one agent carrying inbound (priority 3) and chat (priority 2) all
    day serves both in turns instead of leaving chat at 0 %. The penalty is a
    maximum of linear terms, hence convex, and is recomputed exactly by the
    validator.
    An agent on the floor serves one channel at a time, any channel that both
    their skills and their shift (on that kind of day) allow; the model chooses
    how many serve each channel, and every agent on the floor serves one.

    Deferred work (a channel with a completion window) may be done in any slot
    from its arrival until its window closes (or the horizon ends). Each
    agent-slot of work not done by then is late once, at the shortfall weight
    times the channel's priority, and is dropped: it does not hold up work that
    arrives later, so a backlog from an understaffed day never makes the next
    day's work late too. Agents serving the channel with nothing waiting count
    as surplus. The model picks how the agents serving each slot are spread
    over the work waiting in it; the validator recomputes the same figures by
    always serving the waiting work due first (earliest deadline first), which
    does as much work on time as any other order.
    """

    name = "coverage"

    def __init__(self, floor: Floor) -> None:
        self.floor = floor
        self.serving: dict[tuple[int, ChannelId], cp_model.IntVar] = {}
        """Agents serving each channel in each slot."""
        self.required: dict[tuple[int, ChannelId], int] = {}

    def applies(self, instance: RosterInstance) -> bool:
        return bool(instance.needs) or bool(self.floor.units)

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, m = ctx.instance, ctx.model
        w = inst.weights
        self.required = requirements(inst)
        floor = self.floor.by_slot()
        bounds = self.floor.upper_bounds()
        most_by_key: dict[tuple[int, ChannelId], int] = {}
        # hard: the split of on-floor agents across channels is a feasible assignment
        for t in sorted(floor):
            groups = floor[t]
            channels = sorted({c for served in groups for c in served})
            for c in channels:
                most = sum(b for served, b in bounds[t].items() if c in served)
                most_by_key[(t, c)] = most
                self.serving[(t, c)] = m.new_int_var(0, most, f"serving(slot={t}, channel={c})")
            for subset in subsets(channels):
                chosen = set(subset)
                able = [e for served, terms in groups.items() if served & chosen for e in terms]
                assigned = sum(self.serving[(t, c)] for c in subset)
                if len(subset) == len(channels):
                    m.add(assigned == sum(able))
                else:
                    m.add(assigned <= sum(able))
        # soft
        terms: list[SoftTerm] = []
        deferred = {c.id for c in inst.channels if deferred_window(inst, c.id)}
        covered: dict[tuple[int, ChannelId], cp_model.LinearExprT] = {}
        for (t, c), served in sorted(self.serving.items()):
            if c in deferred:
                continue
            req = self.required.get((t, c), 0)
            where = f"{slot_label(inst, t)} {c}"
            if req == 0:
                terms.append(SoftTerm(SURPLUS, where, served, w.surplus_per_agent_slot))
                continue
            over = m.new_int_var(
                0, max(0, most_by_key[(t, c)] - req), f"over(slot={t}, channel={c})"
            )
            # over >= served - req: the objective prices it, so it settles at the surplus
            # max(served - req, 0); extraction recomputes the exact figures.
            m.add(over >= served - req)
            covered[(t, c)] = served - over
            terms.append(SoftTerm(SURPLUS, where, over, w.surplus_per_agent_slot))
            priority = inst.channel(c).priority
            terms.append(
                SoftTerm(
                    SHORTFALL, where, over - served + req, w.shortfall_per_agent_slot * priority
                )
            )
        for (t, c), req in sorted(self.required.items()):
            if req > 0 and c not in deferred and (t, c) not in self.serving:
                priority = inst.channel(c).priority
                where = f"{slot_label(inst, t)} {c}"
                terms.append(SoftTerm(SHORTFALL, where, req, w.shortfall_per_agent_slot * priority))
        terms += self._floor(ctx, covered)
        for c in sorted(deferred):
            terms += self._deferred(ctx, c)
        return terms

    def exact_amounts(
        self, instance: RosterInstance, serving: Mapping[tuple[int, ChannelId], int]
    ) -> dict[tuple[str, str], int]:
        """Exact shortfall, surplus, floor and late amounts for the agents serving each slot.

        The model bounds these terms from one side only (the objective pulls them
        to their exact value); a roster read back before optimality is priced with
        these figures instead, keyed by ``(rule, where)``.
        """
        deferred = {c.id for c in instance.channels if deferred_window(instance, c.id)}
        out: dict[tuple[str, str], int] = {}
        for t, c in self.serving:
            if c in deferred:
                continue
            n, req = serving.get((t, c), 0), self.required.get((t, c), 0)
            where = f"{slot_label(instance, t)} {c}"
            out[(SURPLUS, where)] = max(0, n - req)
            if req > 0:
                out[(SHORTFALL, where)] = max(0, req - n)
        covered = {key: min(req, serving.get(key, 0)) for key, req in self.required.items()}
        for d, groups in floor_groups(instance).items():
            out[(FLOOR, floor_where(instance, d))] = worst_floor_gap(instance, groups, covered)
        for c in sorted(deferred):
            served = {t: serving.get((t, c), 0) for t, ch in self.serving if ch == c}
            late, idle = deferred_amounts(instance, c, served)
            for t, amount in idle.items():
                out[(SURPLUS, f"{slot_label(instance, t)} {c}")] = amount
            for a, amount in late.items():
                out[(LATE, f"{slot_label(instance, a)} {c}")] = amount
        return out

    def _floor(
        self, ctx: RuleContext, covered: dict[tuple[int, ChannelId], cp_model.LinearExprT]
    ) -> list[SoftTerm]:
        """Per day, the worst-covered channel's gap below the coverage floor."""
        inst, m = ctx.instance, ctx.model
        percent = inst.weights.coverage_floor_percent
        terms: list[SoftTerm] = []
        for d, groups in sorted(floor_groups(inst).items()):
            worst = m.new_int_var(0, percent, f"floor_worst(day={d})")
            for c, slots in sorted(groups.items()):
                need = sum(slots.values())
                done = sum(covered[(t, c)] for t in slots)
                # worst >= ceil(percent - 100 * done / need) for every channel; minimising
                # makes it the largest of them (extraction recomputes it exactly).
                m.add(need * worst >= percent * need - 100 * done)
            terms.append(
                SoftTerm(FLOOR, floor_where(inst, d), worst, inst.weights.coverage_floor_per_point)
            )
        return terms

    def _deferred(self, ctx: RuleContext, channel: ChannelId) -> list[SoftTerm]:
        """Work done within its window; late work and idle agents are penalised.

        Every arrival's window starts at its arrival and its deadline moves with
        it, so work arriving earlier is never due later: some split of the
        served agent-slots over the arrivals keeps every arrival's done work
        inside its window exactly when the done work, in arrival order, could
        be served first come first served. With ``done(t)`` the agent-slots
        used up to slot ``t`` and ``taken(a)`` the work from arrivals up to
        ``a`` that is done, that is: ``done(t) <= taken(t)`` (nothing is done
        before it arrives) and ``done(due(a)) >= taken(a)`` (what is taken is
        done by its deadline). Both are running totals, so the model stays
        linear with one variable per served slot and one per arrival.
        """
        inst, m = ctx.instance, ctx.model
        w = inst.weights
        window = deferred_window(inst, channel)
        late_weight = w.shortfall_per_agent_slot * inst.channel(channel).priority
        served_slots = sorted(t for t, c in self.serving if c == channel)
        arrivals = [
            (a, work)
            for a in range(inst.n_slots)
            if (work := self.required.get((a, channel), 0)) > 0
        ]
        arrival_slots = [a for a, _ in arrivals]
        cumulative = list(accumulate(work for _, work in arrivals))
        terms: list[SoftTerm] = []
        # done[t]: agent-slots of the channel's work done in the served slots up to t
        done: dict[int, cp_model.IntVar] = {}
        before: cp_model.LinearExpr | int = 0
        for t in served_slots:
            k = bisect_right(arrival_slots, t)
            now = m.new_int_var(
                0, cumulative[k - 1] if k else 0, f"deferred_done(slot={t}, channel={channel})"
            )
            served = self.serving[(t, channel)]
            m.add(now >= before)
            m.add(now - before <= served)
            where = f"{slot_label(inst, t)} {channel}"
            terms.append(SoftTerm(SURPLUS, where, served - now + before, w.surplus_per_agent_slot))
            done[t] = now
            before = now
        # taken[k]: work from the first k + 1 arrivals that is done within its window
        taken: list[cp_model.LinearExpr | int] = []
        previous: cp_model.LinearExpr | int = 0
        for k, (a, work) in enumerate(arrivals):
            due = min(a + window - 1, inst.n_slots - 1)
            where = f"{slot_label(inst, a)} {channel}"
            last = bisect_right(served_slots, due) - 1
            if last < 0 or served_slots[last] < a:
                # nobody serves the channel between the arrival and the deadline
                terms.append(SoftTerm(LATE, where, work, late_weight))
                taken.append(previous)
                continue
            now_taken = m.new_int_var(
                0, cumulative[k], f"deferred_taken(slot={a}, channel={channel})"
            )
            m.add(now_taken >= previous)
            m.add(now_taken - previous <= work)
            # what is taken is done by its deadline
            m.add(done[served_slots[last]] >= now_taken)
            terms.append(SoftTerm(LATE, where, work - now_taken + previous, late_weight))
            taken.append(now_taken)
            previous = now_taken
        # nothing is done before it arrives
        for t, now in done.items():
            k = bisect_right(arrival_slots, t)
            if k:
                m.add(now <= taken[k - 1])
        return terms


__all__ = [
    "Coverage",
]
