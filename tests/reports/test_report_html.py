"""The run report: one self-contained HTML file with every section, escaped text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from rostering.io import load_scenario
from rostering.reports.html import (
    LISTED_VIOLATIONS,
    VIOLATION_SUMMARY,
    render_page,
    table_block,
    write_run_report,
)
from rostering.reports.page import PACKED_TYPE, PLOTLY_ID, SCROLL_ROWS, pack, unpack
from rostering.results import ChannelKpis, RunKpis, RunResult
from rostering.roster.instance import RosterInstance
from rostering.roster.solution import RosterSolution, Violation
from rostering.roster.validation import ValidationReport


def packed_scripts(page: str) -> dict[str, str]:
    """The packed scripts of a page, unpacked, by element id."""
    found = re.findall(rf'<script type="{PACKED_TYPE}" id="([^"]+)">([^<]*)</script>', page)
    return {ident: unpack(body) for ident, body in found}


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
    # plotly.js is stored once, packed; nothing is fetched from the network
    packed = packed_scripts(text)
    assert [i for i, body in packed.items() if "plotly.js v" in body] == [PLOTLY_ID]
    assert packed[PLOTLY_ID].startswith("/**\n* plotly.js v")
    assert sum(body.count("plotly.js v") for body in packed.values()) == 1
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
    # the Gantt, coverage, service level and cost: each figure's JSON packed once
    assert text.count('class="figure plotly-graph-div"') == 4
    figures = [json.loads(body) for i, body in packed.items() if i != PLOTLY_ID]
    assert len(figures) == 4 and all("data" in f and "layout" in f for f in figures)
    assert text.count("Plotly.newPlot") == 3  # the Gantt is drawn by its pager
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
    assert '<div class="scroll">' not in block


def test_long_tables_scroll_with_their_header_in_view() -> None:
    long = table_block(pd.DataFrame({"a": range(SCROLL_ROWS + 1)}), "Long")
    short = table_block(pd.DataFrame({"a": range(SCROLL_ROWS)}), "Short")
    assert '<div class="scroll"><table class="data">' in long
    assert '<div class="scroll">' not in short


def test_pack_round_trips_and_is_repeatable() -> None:
    text = "plotly 图表 " * 1000
    assert unpack(pack(text)) == text
    assert pack(text) == pack(text)  # no time stamp in the gzip header
    assert len(pack(text)) < len(text.encode("utf-8")) / 10


def test_a_long_list_of_violations_is_cut_with_a_note(result: RunResult, tmp_path: Path) -> None:
    many = [
        Violation(rule="coverage shortfall", where=f"slot {i}", amount=1, cost=30)
        for i in range(LISTED_VIOLATIONS + 500)
    ]
    longer = RunResult(
        scenario=result.scenario,
        demand=result.demand,
        requirements=result.requirements,
        instance=result.instance,
        solution=result.solution.model_copy(update={"violations": many}),
        validation=result.validation,
        kpis=result.kpis,
    )
    text = write_run_report(longer, tmp_path / "r.html").read_text(encoding="utf-8")
    listed = text[text.index("<h2>Violations</h2>") :]
    listed = listed[: listed.index("</section>")]
    assert listed.count("<tr>") == 1 + LISTED_VIOLATIONS  # the header and the first 1,000
    assert "rest between shifts" in listed  # hard ones first
    assert "The first 1,000 of 1,501 violations" in text
    assert "slot 1498" not in text
    summary = text[text.index(f"<h2>{VIOLATION_SUMMARY}</h2>") :]
    summary = summary[: summary.index("</section>")]
    assert "<td>1500</td>" in summary  # the summary counts every one
