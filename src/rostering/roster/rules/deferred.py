"""Deferred work: contacts with a completion window, done on time or late."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from itertools import accumulate

from ortools.sat.python import cp_model

from rostering.roster.cover import deferred_amounts, deferred_window
from rostering.roster.facts import slot_label
from rostering.roster.instance import RosterInstance
from rostering.roster.rule_names import LATE, SURPLUS
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm
from rostering.roster.rules.coverage import IntervalCoverage
from rostering.types import ChannelId


class DeferredWork(Rule):
    """Deferred work is done within its window; what is not done is late once.

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

    name = LATE

    def __init__(self, cover: IntervalCoverage) -> None:
        self.cover = cover

    def requires(self) -> tuple[Rule, ...]:
        return (self.cover,)

    def applies(self, instance: RosterInstance) -> bool:
        return self.cover.applies(instance) and any(
            deferred_window(instance, c.id) for c in instance.channels
        )

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst = ctx.instance
        terms: list[SoftTerm] = []
        for c in sorted(c.id for c in inst.channels if deferred_window(inst, c.id)):
            terms += self._deferred(ctx, c)
        return terms

    def exact_amounts(
        self, instance: RosterInstance, serving: Mapping[tuple[int, ChannelId], int]
    ) -> dict[tuple[str, str], int]:
        """Exact late work and idle agents, serving the work due first."""
        out: dict[tuple[str, str], int] = {}
        for c in sorted(c.id for c in instance.channels if deferred_window(instance, c.id)):
            served = {t: serving.get((t, c), 0) for t, ch in self.cover.serving if ch == c}
            late, idle = deferred_amounts(instance, c, served)
            for t, amount in idle.items():
                out[(SURPLUS, f"{slot_label(instance, t)} {c}")] = amount
            for a, amount in late.items():
                out[(LATE, f"{slot_label(instance, a)} {c}")] = amount
        return out

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
        served_slots = sorted(t for t, c in self.cover.serving if c == channel)
        arrivals = [
            (a, work)
            for a in range(inst.n_slots)
            if (work := self.cover.required.get((a, channel), 0)) > 0
        ]
        arrival_slots = [a for a, _ in arrivals]
        cumulative = list(accumulate(work for _, work in arrivals))
        terms: list[SoftTerm] = []
        # done[t]: agent-slots of the channel's work done in the served slots up to t
        done: dict[int, cp_model.IntVar] = {}
        before: cp_model.LinearExpr | int = 0
        for t in served_slots:
            k = bisect_right(arrival_slots, t)
            now = ctx.vars.new_int(
                0,
                cumulative[k - 1] if k else 0,
                f"deferred_done(slot={t}, channel={channel})",
                slot=t,
            )
            served = self.cover.serving[(t, channel)]
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
            now_taken = ctx.vars.new_int(
                0, cumulative[k], f"deferred_taken(slot={a}, channel={channel})", slot=a
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


__all__ = ["DeferredWork"]
