"""Floor support: a lead on the floor for every so many agents, every open interval."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from rostering.roster.duties import floor_support_need, leads, open_slots
from rostering.roster.facts import shift_slots, slot_label
from rostering.roster.instance import RosterInstance
from rostering.roster.rule_names import FLOOR_SUPPORT
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm
from rostering.roster.rules.floor import Floor
from rostering.roster.variables import RosterVars


def leads_on_floor_terms(
    instance: RosterInstance, variables: RosterVars
) -> dict[int, list[cp_model.IntVar]]:
    """Per slot, the model's ``works`` literals of leads whose shift covers it."""
    out: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for agent in leads(instance):
        for d in range(instance.n_days):
            for shift_id in agent.shifts:
                var = variables.works(agent.id, d, shift_id)
                if var is None:
                    continue
                for t in shift_slots(instance, instance.shift(shift_id), d):
                    out[t].append(var)
    return out


class FloorSupport(Rule):
    """While the site is open, a lead walks the floor for every so many agents on it.

    "Floor support 1:20 (walking)" (seed 001): in every interval with contacts
    to serve, the team leads and supervisors working a shift then number at
    least one per ``floor_support_ratio`` front-line agents on the floor, and
    never none. Standby does not count: a lead at home supports no one. Each
    lead missing in an interval costs what an agent-interval short does.
    """

    name = FLOOR_SUPPORT

    def __init__(self, floor: Floor) -> None:
        self.floor = floor
        self.open: list[int] = []

    def applies(self, instance: RosterInstance) -> bool:
        return instance.standby is not None and instance.standby.floor_support_ratio is not None

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, m = ctx.instance, ctx.model
        assert inst.standby is not None and inst.standby.floor_support_ratio is not None
        ratio = inst.standby.floor_support_ratio
        on_floor = self.floor.by_slot()
        bounds = self.floor.upper_bounds()
        on_shift = leads_on_floor_terms(inst, ctx.vars)
        weight = inst.weights.shortfall_per_agent_slot
        terms: list[SoftTerm] = []
        self.open = open_slots(inst)
        # hard: none
        # soft
        for t in self.open:
            agents = [e for group in on_floor.get(t, {}).values() for e in group]
            most = floor_support_need(inst, sum(bounds.get(t, {}).values()))
            need = ctx.vars.new_int(1, max(1, most), f"leads_needed(slot={t})", slot=t)
            if agents:
                m.add(ratio * need >= sum(agents))
            short = ctx.vars.new_int(0, max(1, most), f"leads_short(slot={t})", slot=t)
            present = cp_model.LinearExpr.sum(on_shift.get(t, []))
            m.add(short + present >= need)
            terms.append(SoftTerm(FLOOR_SUPPORT, slot_label(inst, t), short, weight))
        return terms


__all__ = ["FloorSupport"]
