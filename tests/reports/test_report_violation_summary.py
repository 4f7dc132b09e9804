"""The report's violation summary: one row per rule and channel, escaped, near the top."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rostering.io import load_scenario
from rostering.reports.html import VIOLATION_SUMMARY, run_report_html, violation_summary_block
from rostering.results import ChannelKpis, RunKpis, RunResult
from rostering.roster.instance import RosterInstance
from rostering.roster.solution import RosterSolution, Violation
from rostering.roster.validation import ValidationReport


def _result(
    reference_dir: Path,
    instance: RosterInstance,
    solution: RosterSolution,
    requirements: pd.DataFrame,
    *,
    violations: list[Violation],
) -> RunResult:
    solved = solution.model_copy(update={"violations": violations})
    kpis = RunKpis(
        scenario="tiny",
        status=solved.status,
        objective=solved.objective,
        best_bound=solved.best_bound,
        gap=solved.gap,
        wall_time_s=solved.wall_time_s,
        labour_cost=solved.labour_cost,
        valid=True,
        hard_violations=0,
        soft_violations=len(violations),
        channels=[
            ChannelKpis(
                channel="inbound",
                volume=1,
                required_agent_hours=1,
                scheduled_agent_hours=1,
                coverage=1,
                service_level=None,
            )
        ],
    )
    return RunResult(
        scenario=load_scenario(reference_dir),
        demand=pd.DataFrame(),
        requirements=requirements,
        instance=instance,
        solution=solved,
        validation=ValidationReport(ok=True),
        kpis=kpis,
    )


def test_the_summary_groups_the_rows(
    reference_dir: Path,
    instance: RosterInstance,
    solution: RosterSolution,
    requirements: pd.DataFrame,
) -> None:
    violations = [
        Violation(rule="coverage shortfall", where="2026-09-30 09:00 inbound", amount=2, cost=60),
        Violation(rule="coverage shortfall", where="2026-10-01 09:30 inbound", amount=1, cost=30),
        Violation(rule="<b>odd</b>", where="nowhere", amount=1, cost=1),
    ]
    result = _result(reference_dir, instance, solution, requirements, violations=violations)
    block = violation_summary_block(result)
    assert f"<h2>{VIOLATION_SUMMARY}</h2>" in block
    assert "<td>coverage shortfall</td><td>inbound</td><td>30 Sep-1 Oct</td><td>3</td>" in block
    assert "<td>agent-intervals short</td><td>90.00</td><td>2</td>" in block
    assert "&lt;b&gt;odd&lt;/b&gt;" in block and "<b>odd</b>" not in block
    page = run_report_html(result)
    assert page.index("<h2>Predicted service per channel</h2>") < page.index(VIOLATION_SUMMARY)


def test_a_clean_roster_says_so(
    reference_dir: Path,
    instance: RosterInstance,
    solution: RosterSolution,
    requirements: pd.DataFrame,
) -> None:
    result = _result(reference_dir, instance, solution, requirements, violations=[])
    assert "No rule is violated." in violation_summary_block(result)
