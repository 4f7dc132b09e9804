"""Channel presence: a pooled channel with contacts always has someone on the floor to take them."""

from __future__ import annotations

from ortools.sat.python import cp_model

from rostering.roster.facts import slot_label
from rostering.roster.instance import RosterInstance
from rostering.roster.rule_names import PRESENCE
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm
from rostering.roster.rules.floor import Floor


class ChannelPresence(Rule):
    """A channel that shares its agents with others is never left with nobody to take it.

    Channels sized together in a pool (inbound and chat on a blended shift)
    are covered by the pool's requirement, which counts heads, not who can
    take what. Each interval in which such a channel has contacts, at least
    one agent able to take it must be on the floor (not at a meal, not off);
    an interval without one costs the shortfall weight times the channel's
    priority. This is what staggers the meals of two agents carrying the same
    channels: one eats while the other stays on.
    """

    name = PRESENCE

    def __init__(self, floor: Floor) -> None:
        self.floor = floor

    def applies(self, instance: RosterInstance) -> bool:
        return bool(instance.presence)

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, m = ctx.instance, ctx.model
        by_slot = self.floor.by_slot(key="channels")
        terms: list[SoftTerm] = []
        for need in sorted(inst.presence, key=lambda n: (n.slot, n.channel)):
            t, c = need.slot, need.channel
            weight = inst.weights.shortfall_per_agent_slot * inst.channel(c).priority
            where = f"{slot_label(inst, t)} {c}"
            able = [
                e for served, terms_ in by_slot.get(t, {}).items() if c in served for e in terms_
            ]
            if not able:
                terms.append(SoftTerm(PRESENCE, where, 1, weight))
                continue
            present = ctx.vars.new_bool(f"present(slot={t}, channel={c})", slot=t)
            on_floor: cp_model.LinearExprT = sum(able)
            # present exactly when someone able is on the floor: the figure is exact
            # in every roster the search finds, not only at the optimum.
            m.add(on_floor >= 1).only_enforce_if(present)
            m.add(on_floor == 0).only_enforce_if(present.Not())
            terms.append(SoftTerm(PRESENCE, where, 1 - present, weight))
        return terms


__all__ = ["ChannelPresence"]
