"""The run report: one self-contained HTML file with every section, escaped text."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from rostering.io import load_scenario
from rostering.reports.html import render_page, table_block, write_run_report
from rostering.results import ChannelKpis, RunKpis, RunResult
from rostering.roster.instance import RosterInstance
from rostering.roster.solution import RosterSolution, Violation
from rostering.roster.validation import ValidationReport


@pytest.fixture
def result(
    reference_dir: Path,
    instance: RosterInstance,
    solution: RosterSolution,
    requirements: pd.DataFrame,
) -> RunResult:
    kpis = RunKpis(
        scenario="reference-online",
        status=solution.status,
        objective=solution.objective,
        best_bound=solution.best_bound,
        gap=solution.gap,
        wall_time_s=solution.wall_time_s,
        labour_cost=solution.labour_cost,
        valid=False,
        hard_violations=1,
        soft_violations=len(solution.violations),
        channels=[
            ChannelKpis(
                channel="inbound",
                volume=120,
                required_agent_hours=12,
                scheduled_agent_hours=10,
                coverage=0.8333,
                service_level=0.78,
            )
        ],
    )
    return RunResult(
        scenario=load_scenario(reference_dir),
        demand=pd.DataFrame(),
        requirements=requirements,
        instance=instance,
        solution=solution,
        validation=ValidationReport(
            ok=False,
            hard=[Violation(rule="rest between shifts", where="A1 Thu", amount=1, hard=True)],
        ),
        kpis=kpis,
    )


def test_report_is_self_contained_with_every_section(result: RunResult, tmp_path: Path) -> None:
    path = write_run_report(result, tmp_path / "report.html")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    # plotly.js is inlined once; nothing is fetched from the network
    assert text.count("plotly.js v") >= 1
    assert not re.search(r"<script[^>]+src=", text)
    assert not re.search(r"<link[^>]+href=", text)
    headings = re.findall(r"<h2>(.*?)</h2>", text)
    for heading in (
        "Summary",
        "Roster",
        "Required vs scheduled staff",
        "Predicted service level",
        "Labour cost",
        "Pay per person (yuan)",
        "Violations",
        "Suggested call-ins",
    ):
        assert heading in headings
    assert text.count('class="plotly-graph-div"') == 4
    assert "1 hard rule violation(s)" in text
    assert "rest between shifts" in text  # the validator's hard violation is listed
    assert "83.3 %" in text and "78.0 %" in text


def test_report_escapes_text(result: RunResult, tmp_path: Path) -> None:
    text = write_run_report(result, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_report_of_an_infeasible_run(result: RunResult, tmp_path: Path) -> None:
    empty = RosterSolution(
        instance="tiny", status="INFEASIBLE", conflicts=["shift A needs two agents every day"]
    )
    infeasible = RunResult(
        scenario=result.scenario,
        demand=result.demand,
        requirements=result.requirements,
        instance=result.instance,
        solution=empty,
        validation=ValidationReport(ok=True),
        kpis=result.kpis,
    )
    text = write_run_report(infeasible, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Why no roster was found" in text
    assert "shift A needs two agents every day" in text
    assert "Suggested call-ins" not in text


def test_page_helpers() -> None:
    block = table_block(pd.DataFrame({"a": [1.5, float("nan")], "b": ["x<y", None]}), "T")
    assert "<td>1.50</td>" in block and "<td>-</td>" in block and "x&lt;y" in block
    assert "none" in table_block(pd.DataFrame(), "Empty")
    page = render_page("Title & co", [block], subtitle="sub")
    assert "<title>Title &amp; co</title>" in page and page.count("<section>") == 1
