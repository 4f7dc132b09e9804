"""`rostering solve` opens with the violations summed by rule and channel, in 20 lines."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rostering.cli import app
from rostering.reports.html import VIOLATION_SUMMARY
from rostering.results import summarise_violations
from rostering.roster.solution import Violation

runner = CliRunner()


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    reference = Path(__file__).resolve().parents[1] / "scenarios" / "reference-online"
    out = tmp_path_factory.mktemp("solved")
    result = runner.invoke(app, ["solve", str(reference), "--out", str(out), "--time-limit", "20"])
    assert result.exit_code == 0, result.output
    return result.stdout, out


def _block(stdout: str) -> list[str]:
    """The lines from the violation summary's title up to the run table's title."""
    lines = stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("violations:"))
    last = next(i for i, line in enumerate(lines) if line.startswith("reference-online:"))
    assert first < last, "the violation summary comes before the run table"
    return lines[first:last]


def test_the_summary_opens_the_output_and_fits_in_20_lines(solved: tuple[str, Path]) -> None:
    stdout, _ = solved
    block = _block(stdout)
    assert 0 < len(block) <= 20
    assert any("coverage shortfall" in line and "agent-intervals short" in line for line in block)


def test_the_summary_totals_are_those_of_violations_csv(solved: tuple[str, Path]) -> None:
    stdout, out = solved
    rows = pd.read_csv(out / "violations.csv")
    title = _block(stdout)[0]
    assert f"{len(rows)} soft" in title
    assert f"{rows['cost'].sum():,.2f} yuan" in title
    violations = [
        Violation(rule=r.rule, where=r.where, amount=r.amount, cost=r.cost, hard=r.hard)
        for r in rows.itertuples()
    ]
    groups = summarise_violations(violations, ["inbound", "chat", "outbound", "chat+inbound"])
    assert sum(g.count for g in groups) == len(rows)
    assert sum(g.cost for g in groups) == pytest.approx(rows["cost"].sum())
    assert sum(g.amount for g in groups) == pytest.approx(rows["amount"].sum())
    # shortfall and surplus rows all name a channel of the run (the floor's name a day only)
    per_channel = ("coverage shortfall", "coverage surplus")
    assert all(g.channel != "-" for g in groups if g.rule in per_channel)


def test_the_report_shows_the_summary_after_the_headline(solved: tuple[str, Path]) -> None:
    _, out = solved
    page = (out / "report.html").read_text(encoding="utf-8")
    heading = f"<h2>{VIOLATION_SUMMARY}</h2>"
    assert heading in page
    assert page.index("<h2>Predicted service per channel</h2>") < page.index(heading)
    assert page.index(heading) < page.index("<h2>Roster</h2>")
