"""Coverage: agents on the floor per interval and channel against required staff.

:class:`IntervalCoverage` owns the agents serving each channel in each slot;
the coverage floor (:mod:`rostering.roster.rules.coverage_floor`) and deferred
work (:mod:`rostering.roster.rules.deferred`) are rules of their own that
build on those variables.
"""

from __future__ import annotations

from collections.abc import Mapping

from ortools.sat.python import cp_model

from rostering.roster.cover import (
    deferred_window,
    requirements,
    subsets,
    tier_caps,
    tier_weights,
    tiered_amounts,
)
from rostering.roster.facts import (
    slot_label,
)
from rostering.roster.instance import RosterInstance
from rostering.roster.rule_names import (
    COVERAGE,
    SHORTFALL,
    SHORTFALL_DEEP,
    SURPLUS,
    SURPLUS_BEYOND_MARGIN,
    SURPLUS_IDLE,
)
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm
from rostering.roster.rules.floor import Floor
from rostering.types import ChannelId


class IntervalCoverage(Rule):
    """Every interval, each channel is staffed as the sizing stage requires.

    Soft: each agent-slot short costs the shortfall weight times the channel's
    priority, each agent-slot beyond the requirement costs the surplus weight;
    both grow in tiers (see :func:`~rostering.roster.cover.tiered_amounts`) so
    staffing follows the requirement curve: spare staff go where they are a
    service margin, and shortages are shared out.
    An agent on the floor serves one channel at a time, any channel that both
    their skills and their shift (on that kind of day) allow; the model chooses
    how many serve each channel, and every agent on the floor serves one.
    Channels of deferred work are staffed here too; what their agents achieve
    is priced by :class:`~rostering.roster.rules.deferred.DeferredWork`.
    """

    name = COVERAGE

    def __init__(self, floor: Floor) -> None:
        self.floor = floor
        self.serving: dict[tuple[int, ChannelId], cp_model.IntVar] = {}
        """Agents serving each channel in each slot."""
        self.required: dict[tuple[int, ChannelId], int] = {}
        self.covered: dict[tuple[int, ChannelId], cp_model.LinearExprT] = {}
        """Agents serving a channel due in its slot, up to its requirement."""

    def applies(self, instance: RosterInstance) -> bool:
        return bool(instance.needs) or bool(self.floor.units)

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, m = ctx.instance, ctx.model
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
                self.serving[(t, c)] = ctx.vars.new_int(
                    0, most, f"serving(slot={t}, channel={c})", slot=t
                )
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
            weight = tier_weights(inst, c)
            if req == 0:
                for rule in (SURPLUS, SURPLUS_BEYOND_MARGIN, SURPLUS_IDLE):
                    if weight[rule] > 0:
                        terms.append(SoftTerm(rule, where, served, weight[rule]))
                continue
            most = most_by_key[(t, c)]
            margin, idle, shallow = tier_caps(req)
            over = ctx.vars.new_int(0, max(0, most - req), f"over(slot={t}, channel={c})", slot=t)
            # over >= served - req: the objective prices it, so it settles at the surplus
            # max(served - req, 0); extraction recomputes the exact figures.
            m.add(over >= served - req)
            covered[(t, c)] = served - over
            terms.append(SoftTerm(SURPLUS, where, over, weight[SURPLUS]))
            terms.append(SoftTerm(SHORTFALL, where, over - served + req, weight[SHORTFALL]))
            for rule, cap in ((SURPLUS_BEYOND_MARGIN, margin), (SURPLUS_IDLE, idle)):
                if most - req > cap and weight[rule] > 0:
                    beyond = ctx.vars.new_int(
                        0, most - req - cap, f"over_tier(slot={t}, channel={c}, cap={cap})", slot=t
                    )
                    m.add(beyond >= over - cap)
                    terms.append(SoftTerm(rule, where, beyond, weight[rule]))
            if req > shallow and weight[SHORTFALL_DEEP] > 0:
                deep = ctx.vars.new_int(
                    0, req - shallow, f"deep_short(slot={t}, channel={c})", slot=t
                )
                m.add(deep >= req - served - shallow)
                terms.append(SoftTerm(SHORTFALL_DEEP, where, deep, weight[SHORTFALL_DEEP]))
        for (t, c), req in sorted(self.required.items()):
            if req > 0 and c not in deferred and (t, c) not in self.serving:
                where = f"{slot_label(inst, t)} {c}"
                amounts = tiered_amounts(req, 0)
                weight = tier_weights(inst, c)
                for rule in (SHORTFALL, SHORTFALL_DEEP):
                    if amounts[rule] and weight[rule] > 0:
                        terms.append(SoftTerm(rule, where, amounts[rule], weight[rule]))
        self.covered = covered
        return terms

    def exact_amounts(
        self, instance: RosterInstance, serving: Mapping[tuple[int, ChannelId], int]
    ) -> dict[tuple[str, str], int]:
        """Exact shortfall and surplus for the agents serving each slot (channels due
        in their slot)."""
        deferred = {c.id for c in instance.channels if deferred_window(instance, c.id)}
        out: dict[tuple[str, str], int] = {}
        for t, c in self.serving:
            if c in deferred:
                continue
            n, req = serving.get((t, c), 0), self.required.get((t, c), 0)
            where = f"{slot_label(instance, t)} {c}"
            for rule, amount in tiered_amounts(req, n).items():
                out[(rule, where)] = amount
        return out


__all__ = ["IntervalCoverage"]
