"""Secondary channels: help outside a shift's own work is allowed, at a preference cost."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from rostering.roster.facts import slot_label
from rostering.roster.instance import RosterInstance
from rostering.roster.rule_names import SECONDARY
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm
from rostering.roster.rules.coverage import IntervalCoverage
from rostering.types import ChannelId


class SecondaryChannels(Rule):
    """A shift's channels are its pre-allocated work; help elsewhere costs a little.

    A shift may list secondary channels per kind of day (seed 000's
    工作量预分配 is a pre-allocation, not a ban): an agent with the skills may
    serve them, for example shift B covering A's meal hour on inbound and
    chat. Each interval, the agents serving a channel (or pool) beyond those
    whose own work it is cost ``Weights.secondary_per_agent_slot`` each, so
    help is planned where it buys coverage and nowhere else.
    """

    name = SECONDARY

    def __init__(self, cover: IntervalCoverage) -> None:
        self.cover = cover

    def requires(self) -> tuple[Rule, ...]:
        return (self.cover,)

    def applies(self, instance: RosterInstance) -> bool:
        return self.cover.applies(instance) and any(s.secondary for s in instance.shifts)

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, m = ctx.instance, ctx.model
        floor = self.cover.floor
        helping_at: set[tuple[int, ChannelId]] = set()
        most: dict[tuple[int, ChannelId], int] = defaultdict(int)
        for unit in floor.units.values():
            for t in unit.slots:
                for u in unit.serves:
                    most[(t, u)] += len(unit.agents)
                    if u not in unit.primary:
                        helping_at.add((t, u))
        primary = floor.by_slot(key="primary")
        terms: list[SoftTerm] = []
        for t, u in sorted(helping_at):
            serving = self.cover.serving.get((t, u))
            if serving is None:
                continue
            own = [e for g, group in primary.get(t, {}).items() if u in g for e in group]
            helping = ctx.vars.new_int(0, most[(t, u)], f"secondary(slot={t}, unit={u})", slot=t)
            # Exactly the agents serving u beyond those whose own work u is, never negative.
            beyond = cp_model.LinearExpr.sum([serving, *(-1 * e for e in own)])
            m.add_max_equality(helping, [beyond, 0])
            where = f"{slot_label(inst, t)} {u}"
            terms.append(SoftTerm(SECONDARY, where, helping, inst.weights.secondary_per_agent_slot))
        return terms


__all__ = ["SecondaryChannels"]
