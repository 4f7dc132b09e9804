"""Coverage: agents on the floor per interval and channel against required staff."""

from __future__ import annotations

from itertools import combinations

from ortools.sat.python import cp_model

from rostering.roster.instance import RosterInstance
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm
from rostering.roster.rules.common import slot_label
from rostering.roster.rules.floor import Floor
from rostering.types import ChannelId

SHORTFALL = "coverage shortfall"
SURPLUS = "coverage surplus"
LATE = "deferred work late"


def deferred_window(instance: RosterInstance, channel: ChannelId) -> int:
    """Slots within which a channel's work may be done; 0 when it is due in its slot."""
    window = instance.channel(channel).window_slots
    return window if window > 1 else 0


def requirements(instance: RosterInstance) -> dict[tuple[int, ChannelId], int]:
    """Required staff by (slot, channel); the largest when a need is listed twice."""
    out: dict[tuple[int, ChannelId], int] = {}
    for need in instance.needs:
        key = (need.slot, need.channel)
        out[key] = max(out.get(key, 0), need.required)
    return out


def subsets(channels: list[ChannelId]) -> list[tuple[ChannelId, ...]]:
    """Every non-empty subset of ``channels`` (sorted input gives a stable order)."""
    return [c for k in range(1, len(channels) + 1) for c in combinations(channels, k)]


class Coverage(Rule):
    """Every interval, each channel is staffed as the sizing stage requires.

    Soft: each agent-slot short costs the shortfall weight times the channel's
    priority, each agent-slot beyond the requirement costs the surplus weight.
    An agent on the floor serves one channel at a time, any channel that both
    their skills and their shift (on that kind of day) allow; the model chooses
    how many serve each channel, and every agent on the floor serves one.

    Deferred work (a channel with a completion window) may be done in any slot
    from its arrival until the window closes (or the horizon ends), first come
    first served: work still undone when its window closes counts as late, and
    agents serving the channel with nothing waiting count as surplus.
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
            m.add_max_equality(over, [served - req, 0])
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
        for c in sorted(deferred):
            terms += self._deferred(ctx, c)
        return terms

    def _deferred(self, ctx: RuleContext, channel: ChannelId) -> list[SoftTerm]:
        """Work done first come first served; late work and idle agents are penalised."""
        inst, m = ctx.instance, ctx.model
        w = inst.weights
        window = deferred_window(inst, channel)
        priority = inst.channel(channel).priority
        arrived = 0
        cumulative: list[int] = []
        done: list[cp_model.LinearExpr | int] = []
        previous: cp_model.LinearExpr | int = 0
        terms: list[SoftTerm] = []
        for t in range(inst.n_slots):
            arrived += self.required.get((t, channel), 0)
            cumulative.append(arrived)
            served = self.serving.get((t, channel))
            if served is not None:
                now = m.new_int_var(0, arrived, f"deferred_done(slot={t}, channel={channel})")
                m.add_min_equality(now, [arrived, previous + served])
                terms.append(
                    SoftTerm(
                        SURPLUS,
                        f"{slot_label(inst, t)} {channel}",
                        served - now + previous,
                        w.surplus_per_agent_slot,
                    )
                )
                previous = now
            done.append(previous)
        for a in range(inst.n_slots):
            work = self.required.get((a, channel), 0)
            if work <= 0:
                continue
            due = min(a + window - 1, inst.n_slots - 1)
            finished = done[due]
            where = f"{slot_label(inst, a)} {channel}"
            if isinstance(finished, int):
                late_const = min(work, max(0, cumulative[a] - finished))
                if late_const:
                    terms.append(
                        SoftTerm(LATE, where, late_const, w.shortfall_per_agent_slot * priority)
                    )
                continue
            overdue = m.new_int_var(0, cumulative[a], f"overdue(slot={a}, channel={channel})")
            m.add_max_equality(overdue, [cumulative[a] - finished, 0])
            late = m.new_int_var(0, work, f"late(slot={a}, channel={channel})")
            m.add_min_equality(late, [work, overdue])
            terms.append(SoftTerm(LATE, where, late, w.shortfall_per_agent_slot * priority))
        return terms


__all__ = ["LATE", "SHORTFALL", "SURPLUS", "Coverage", "deferred_window", "requirements", "subsets"]
