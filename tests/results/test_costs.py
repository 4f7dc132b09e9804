"""costs.csv: the roster's cost per person, written in full and read back exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from rostering.errors import InputError
from rostering.results.costs import COST_COLUMNS, read_costs, write_costs
from rostering.roster.solution import CostLine
from rostering.types import AgentId


def test_cost_lines_read_back_exactly(tmp_path: Path) -> None:
    lines = [
        CostLine(
            agent=AgentId("A1"),
            days_worked=7,
            base=1264.5161290322583,
            holiday_premium=316.1290322580645,
            paid_holidays=0.1 + 0.2,
        ),
        CostLine(agent=AgentId("S1"), standby=1400.0),
    ]
    path = tmp_path / "costs.csv"
    write_costs(lines, path)
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(COST_COLUMNS)
    back = read_costs(path)
    assert [(c.agent, c.days_worked, c.total) for c in back] == [
        (c.agent, c.days_worked, c.total) for c in lines
    ]
    assert back[0].paid_holidays == 0.1 + 0.2


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("A1,x,1,0,0,0,0,1", "row 3, days_worked: not a number: 'x'"),
        ("A1,1.5,1,0,0,0,0,1", "row 3, days_worked: not a whole number"),
        ("A1,1,-1,0,0,0,0,-1", "row 3, base: must be a number >= 0"),
        ("A1,1,100,0,0,0,0,90", "row 3, total: 90 is not the sum of the other columns (100.00)"),
        (",1,100,0,0,0,0,100", "row 3, agent: empty"),
    ],
)
def test_a_bad_row_is_named(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "costs.csv"
    path.write_text(f"{','.join(COST_COLUMNS)}\nB1,0,0,0,0,0,0,0\n{row}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"costs\.csv") as caught:
        read_costs(path)
    assert message in str(caught.value)
