"""Pay: what a shift worked and a standby day cost, in yuan, by the pay rules.

Solver-free: the labour-cost rule, the validator and the reports price a
roster with the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rostering.domain.shifts import DayType
from rostering.roster.instance import RosterInstance
from rostering.roster.solution import CostLine, StandbyDuty
from rostering.types import AgentId, ShiftId


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


__all__ = [
    "DayPay",
    "cost_lines",
    "shift_pay",
]
