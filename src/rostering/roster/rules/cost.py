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

    The objective prices the roster's marginal labour cost (``CostLine.marginal``),
    not the whole payroll. Each shift costs the agent's daily rate (base / 21.75
    on five-two, base / 15.5 on one-on-one-off), plus overtime at 1.5 x the
    hourly rate for paid time past the normal day; on a statutory holiday the
    day is paid 3 x the rate for its paid time, meal excluded, and a five-two
    agent working it gives up the daily rate of the paid holiday off. Each
    supervisor standby day costs the standby allowance. Paid holidays off and
    leave deductions are in the payroll but not here: no roster changes them.
    The labour-cost weight turns yuan into objective units (0 ignores cost).
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
            pay = shift_pay(inst, agent, day, shift).marginal
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
