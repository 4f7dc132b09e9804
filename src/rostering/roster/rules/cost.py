"""Labour cost: every shift and standby day priced in yuan with the pay rules."""

from __future__ import annotations

from rostering.roster.facts import day_label
from rostering.roster.instance import RosterInstance
from rostering.roster.pay import shift_pay
from rostering.roster.rule_names import LABOUR
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm
from rostering.roster.rules.standby import SupervisorStandby


class LabourCost(Rule):
    """Every roster costs what its people are paid, and the roster should cost little.

    Each shift costs the agent's daily rate (base / 21.75 on five-two, base /
    15.5 on one-on-one-off), plus overtime at 1.5 x the hourly rate for paid
    time past the normal day, and 3 x the daily rate on a public holiday; each
    supervisor standby day costs the standby allowance. The labour-cost weight
    turns yuan into objective units (0 ignores cost).
    """

    name = LABOUR

    def __init__(self, standby: SupervisorStandby | None = None) -> None:
        self.standby = standby

    def applies(self, instance: RosterInstance) -> bool:
        return instance.weights.labour_cost > 0

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst = ctx.instance
        weight = inst.weights.labour_cost
        terms: list[SoftTerm] = []
        # hard: none
        # soft
        for (agent, day, shift), var in ctx.vars.items():
            pay = shift_pay(inst, agent, day, shift).total
            if pay > 0:
                where = f"{agent} {shift} {day_label(inst, day)}"
                terms.append(SoftTerm(LABOUR, where, var, weight * pay))
        allowance = inst.pay.standby_daily_allowance
        if self.standby is not None and allowance > 0:
            for (agent, day), var in self.standby.duty.items():
                where = f"{agent} standby {day_label(inst, day)}"
                terms.append(SoftTerm(LABOUR, where, var, weight * allowance))
        return terms


__all__ = [
    "LabourCost",
]
