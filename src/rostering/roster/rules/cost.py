"""Labour cost: every shift and standby day priced in yuan with the pay rules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rostering.domain.shifts import DayType
from rostering.roster.instance import RosterInstance
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm
from rostering.roster.rules.common import day_label
from rostering.roster.rules.standby import SupervisorStandby
from rostering.roster.solution import CostLine, StandbyDuty
from rostering.types import AgentId, ShiftId

LABOUR = "labour cost"
"""Rule name of the cost terms; they are reported as costs, never as violations."""


@dataclass(frozen=True)
class DayPay:
    """Pay for one shift worked, in yuan, by component."""

    base: float
    overtime: float
    holiday_premium: float

    @property
    def total(self) -> float:
        """Sum of the components."""
        return self.base + self.overtime + self.holiday_premium


def shift_pay(instance: RosterInstance, agent_id: AgentId, day: int, shift_id: ShiftId) -> DayPay:
    """What ``agent`` earns for working ``shift`` on ``day``.

    The daily rate of the agent's pattern; overtime at the overtime hourly rate
    for every paid minute beyond the contract's normal day (meal time is unpaid
    and never overtime); on a statutory public holiday the day is paid at the
    holiday multiple of the daily rate (3x), the premium being the part above
    the normal rate.
    """
    agent = instance.agent(agent_id)
    shift = instance.shift(shift_id)
    extra = max(0, shift.paid_minutes - agent.contract_minutes)
    overtime = extra / 60 * agent.overtime_hourly
    premium = 0.0
    if instance.day_types[day] is DayType.HOLIDAY:
        premium = (instance.pay.holiday_multiplier - 1) * agent.daily_rate
    return DayPay(agent.daily_rate, overtime, premium)


def cost_lines(
    instance: RosterInstance,
    schedule: Mapping[tuple[AgentId, int], ShiftId],
    duties: Iterable[StandbyDuty],
) -> list[CostLine]:
    """Pay per agent over the horizon: shifts worked and standby days."""
    lines = {a.id: CostLine(agent=a.id) for a in instance.agents}
    for (agent, day), shift in sorted(schedule.items()):
        pay = shift_pay(instance, agent, day, shift)
        line = lines[agent]
        line.days_worked += 1
        line.base += pay.base
        line.overtime += pay.overtime
        line.holiday_premium += pay.holiday_premium
    for duty in duties:
        lines[duty.agent].standby += instance.pay.standby_daily_allowance
    return [lines[a.id] for a in instance.agents]


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


__all__ = ["LABOUR", "DayPay", "LabourCost", "cost_lines", "shift_pay"]
