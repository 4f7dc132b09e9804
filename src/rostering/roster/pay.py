"""Pay: what a shift worked, a standby day and a day away cost, in yuan, by the pay rules.

Solver-free: the labour-cost rule, the validator and the reports price a
roster with the same functions. The objective uses the marginal cost of each
shift (:attr:`DayPay.marginal`); :func:`cost_lines` gives the payroll per agent,
with paid statutory holidays and, given the agents' leave, leave deductions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rostering.domain.agents import LeaveKind
from rostering.domain.patterns import PatternKind
from rostering.domain.shifts import DayType
from rostering.roster.instance import AgentSpec, RosterInstance
from rostering.roster.solution import CostLine, StandbyDuty
from rostering.types import AgentId, ShiftId

LeaveDays = Mapping[AgentId, Mapping[int, LeaveKind]]
"""Agents' leave: agent -> day index -> kind of leave."""


@dataclass(frozen=True)
class DayPay:
    """Pay for one shift worked, in yuan, by component."""

    base: float
    overtime: float
    holiday_premium: float
    forgone: float = 0.0
    """A paid holiday off the shift replaces (five-two agents on a statutory holiday)."""

    @property
    def total(self) -> float:
        """What the agent is paid for the shift: the sum of the components."""
        return self.base + self.overtime + self.holiday_premium

    @property
    def marginal(self) -> float:
        """What the shift adds to the payroll: its pay less the paid holiday it replaces."""
        return self.total - self.forgone


def paid_holidays_off(agent: AgentSpec) -> bool:
    """Whether statutory holidays are paid days off for ``agent`` (five-two staff on a day rate)."""
    return agent.pattern is PatternKind.FIVE_ON_TWO_OFF and not agent.hourly_rate


def hourly_shift_pay(instance: RosterInstance, agent: AgentSpec, day: int, paid: int) -> DayPay:
    """Part-time pay for ``paid`` minutes worked on ``day``: the hourly rate per paid hour.

    Paid minutes beyond the contract's normal day are overtime at the
    overtime multiple of the hourly rate; on a statutory holiday every paid
    hour is paid at the holiday multiple (the premium is the part above the
    plain rate). Meal time is never paid.
    """
    rate = agent.hourly_rate
    normal = min(paid, agent.contract_minutes)
    extra = paid - normal
    base = normal / 60 * rate
    overtime = extra / 60 * rate * instance.pay.overtime_multiplier
    premium = 0.0
    if instance.day_types[day] is DayType.HOLIDAY:
        premium = (instance.pay.holiday_multiplier - 1) * base
    return DayPay(base, overtime, premium)


def shift_pay(instance: RosterInstance, agent_id: AgentId, day: int, shift_id: ShiftId) -> DayPay:
    """What ``agent`` earns for working ``shift`` on ``day``.

    The daily rate of the agent's pattern; overtime at the overtime hourly rate
    for every paid minute beyond the contract's normal day (meal time is unpaid
    and never overtime). On a statutory public holiday the day is paid at the
    holiday multiple of the hourly rate for the paid (non-meal) minutes up to
    the contract's normal day, ``3 x daily rate x min(paid, contract) /
    contract`` (see :meth:`PayRules.holiday_day_pay`); the premium is the part
    above the daily rate. A five-two agent working a statutory holiday gives up
    that day's paid holiday off (``forgone``). An agent on an hourly contract
    is paid by the hour instead (:func:`hourly_shift_pay`).
    """
    agent = instance.agent(agent_id)
    shift = instance.shift(shift_id)
    if agent.hourly_rate:
        return hourly_shift_pay(instance, agent, day, shift.paid_minutes)
    extra = max(0, shift.paid_minutes - agent.contract_minutes)
    overtime = extra / 60 * agent.overtime_hourly
    premium = forgone = 0.0
    if instance.day_types[day] is DayType.HOLIDAY:
        holiday = instance.pay.holiday_day_pay(
            agent.daily_rate, shift.paid_minutes, agent.contract_minutes
        )
        premium = holiday - agent.daily_rate
        if paid_holidays_off(agent):
            forgone = agent.daily_rate
    return DayPay(agent.daily_rate, overtime, premium, forgone)


def cost_lines(
    instance: RosterInstance,
    schedule: Mapping[tuple[AgentId, int], ShiftId],
    duties: Iterable[StandbyDuty],
    leave: LeaveDays | None = None,
) -> list[CostLine]:
    """Payroll per agent over the horizon: shifts worked, standby, paid holidays, leave.

    A five-two agent off on a statutory holiday is paid the daily rate for it
    (and nothing is deducted for leave that falls on it). Each day of ``leave``
    not worked deducts by its kind: personal leave the daily rate, sick leave
    40 % of it, annual leave nothing.
    """
    lines = {a.id: CostLine(agent=a.id) for a in instance.agents}
    for (agent, day), shift in sorted(schedule.items()):
        pay = shift_pay(instance, agent, day, shift)
        line = lines[agent]
        line.days_worked += 1
        line.base += pay.base
        line.overtime += pay.overtime
        line.holiday_premium += pay.holiday_premium
        line.holidays_forgone += pay.forgone
    for duty in duties:
        lines[duty.agent].standby += instance.pay.standby_daily_allowance
    for spec in instance.agents:
        line = lines[spec.id]
        away = (leave or {}).get(spec.id, {})
        for day, kind in enumerate(instance.day_types):
            if (spec.id, day) in schedule:
                continue
            if kind is DayType.HOLIDAY and paid_holidays_off(spec):
                line.paid_holiday_days += 1
                line.paid_holidays += spec.daily_rate
            elif day in away:
                line.personal_leave_days += int(away[day] is LeaveKind.PERSONAL)
                line.sick_leave_days += int(away[day] is LeaveKind.SICK)
                line.deductions += instance.pay.leave_deduction(spec.daily_rate, away[day])
    return [lines[a.id] for a in instance.agents]


__all__ = [
    "DayPay",
    "LeaveDays",
    "cost_lines",
    "hourly_shift_pay",
    "paid_holidays_off",
    "shift_pay",
]
