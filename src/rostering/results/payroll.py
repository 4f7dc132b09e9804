"""Payroll per agent for a run: what each person is paid over the horizon, by component.

The solution's cost lines price the roster; the payroll adds what the instance
does not know, the kind of each agent's leave, for the deductions (personal
leave the day's pay, sick leave 40 %). One row per agent, in yuan (not rounded:
the components add up to ``total``).
"""

from __future__ import annotations

import pandas as pd

from rostering.results.run import RunResult
from rostering.roster.compile import leave_days
from rostering.roster.pay import cost_lines
from rostering.roster.solution import CostLine

PAYROLL_COLUMNS: tuple[str, ...] = (
    "agent",
    "agent_name",
    "pattern",
    "daily_rate",
    "days_worked",
    "base",
    "paid_holiday_days",
    "paid_holidays",
    "holiday_premium",
    "overtime",
    "standby",
    "personal_leave_days",
    "sick_leave_days",
    "deductions",
    "total",
    "marginal_cost",
)
"""Columns of :func:`payroll_table` (``payroll.csv``).

``base``: the daily rate for each day worked; ``paid_holidays``: the daily rate
for each statutory holiday off (five-two staff); ``holiday_premium``: holiday
pay above the daily rate for statutory holidays worked (3 x the rate for the
paid time, meal excluded); ``overtime``; ``standby``: allowances;
``deductions``: leave, subtracted; ``total`` = base + paid_holidays +
holiday_premium + overtime + standby - deductions. ``marginal_cost``: the
roster's marginal labour cost, the figure the objective prices (the total
less what no roster changes: paid holidays off, leave deductions).
"""


def payroll_lines(result: RunResult) -> list[CostLine]:
    """The run's cost lines with the agents' leave deducted."""
    schedule = {(a.agent, a.day): a.shift for a in result.solution.assignments}
    return cost_lines(
        result.instance, schedule, result.solution.standby, leave_days(result.scenario)
    )


def payroll_table(result: RunResult) -> pd.DataFrame:
    """Payroll per agent over the run's horizon, in yuan: one row per agent."""
    inst = result.instance
    rows = []
    for line in payroll_lines(result):
        agent = inst.agent(line.agent)
        rows.append(
            {
                "agent": str(line.agent),
                "agent_name": agent.name,
                "pattern": str(agent.pattern),
                "daily_rate": agent.daily_rate,
                **{
                    k: getattr(line, k)
                    for k in PAYROLL_COLUMNS[4:-2]  # days_worked .. deductions
                },
                "total": line.total,
                "marginal_cost": line.marginal,
            }
        )
    return pd.DataFrame(rows, columns=list(PAYROLL_COLUMNS))


__all__ = ["PAYROLL_COLUMNS", "payroll_lines", "payroll_table"]
