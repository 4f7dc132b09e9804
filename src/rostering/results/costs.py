"""``costs.csv``: the roster's cost per person, the table a comparison reads back.

Every solve writes it beside ``payroll.csv``. The two answer different
questions: ``payroll.csv`` is what each person is paid (leave deducted,
rounded to the fen, with the payroll's detail columns); ``costs.csv`` is what
the roster costs per person, the figure ``kpis.json``'s ``labour_cost`` sums,
the API's ``GET /v1/runs/{id}/cost`` reports and a comparison's cost deltas
are made of. Its numbers are written in full, so a comparison read from two
run folders equals the comparison of the same runs in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from rostering.errors import InputError
from rostering.results.csv_input import read_columns
from rostering.results.csv_output import write_csv
from rostering.roster.solution import CostLine
from rostering.types import AgentId

COST_COLUMNS: tuple[str, ...] = (
    "agent",
    "days_worked",
    "base",
    "overtime",
    "holiday_premium",
    "standby",
    "paid_holidays",
    "total",
)
"""Columns of ``costs.csv``, in yuan: one row per person of the run.

``base``: the daily rate for each day worked (hourly pay for part-timers);
``overtime``; ``holiday_premium``: holiday pay above the rate for statutory
holidays worked; ``standby``: allowances; ``paid_holidays``: statutory holidays
off paid to five-two staff; ``total`` is their sum.
"""

TOTAL_TOLERANCE = 0.005
"""Yuan by which a row's ``total`` may differ from the sum of its parts."""


def cost_table(lines: Sequence[CostLine]) -> pd.DataFrame:
    """The cost lines as the ``costs.csv`` table (numbers unrounded)."""
    rows = [
        {
            "agent": str(line.agent),
            "days_worked": line.days_worked,
            "base": line.base,
            "overtime": line.overtime,
            "holiday_premium": line.holiday_premium,
            "standby": line.standby,
            "paid_holidays": line.paid_holidays,
            "total": line.total,
        }
        for line in lines
    ]
    return pd.DataFrame(rows, columns=list(COST_COLUMNS))


def write_costs(lines: Sequence[CostLine], path: Path) -> None:
    """Write ``costs.csv`` (every float as Python writes it, so it reads back exactly)."""
    write_csv(cost_table(lines), path)


def _number(path: Path, row: int, column: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{path} row {row}, {column}: not a number: {text!r}") from None
    if not value >= 0:
        raise InputError(f"{path} row {row}, {column}: must be a number >= 0, got {text!r}")
    return value


def read_costs(path: Path) -> list[CostLine]:
    """The cost lines of a ``costs.csv`` (row 1 is the header).

    Raises :class:`InputError` naming the file, row and column of a missing
    column, a value that is not a number >= 0, or a total that is not the sum
    of its parts.
    """
    frame = read_columns(path, COST_COLUMNS)
    lines: list[CostLine] = []
    for row, record in enumerate(frame.to_dict(orient="records"), start=2):
        if not record["agent"]:
            raise InputError(f"{path} row {row}, agent: empty")
        values = {c: _number(path, row, c, record[c]) for c in COST_COLUMNS[1:]}
        if not values["days_worked"].is_integer():
            raise InputError(
                f"{path} row {row}, days_worked: not a whole number: {record['days_worked']!r}"
            )
        line = CostLine(
            agent=AgentId(record["agent"]),
            days_worked=int(values["days_worked"]),
            base=values["base"],
            overtime=values["overtime"],
            holiday_premium=values["holiday_premium"],
            standby=values["standby"],
            paid_holidays=values["paid_holidays"],
        )
        if abs(line.total - values["total"]) > TOTAL_TOLERANCE:
            raise InputError(
                f"{path} row {row}, total: {record['total']} is not the sum of the other "
                f"columns ({line.total:.2f})"
            )
        lines.append(line)
    return lines


__all__ = ["COST_COLUMNS", "TOTAL_TOLERANCE", "cost_table", "read_costs", "write_costs"]
