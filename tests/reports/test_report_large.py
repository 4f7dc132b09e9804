"""The run report of a 320-person site over a month stays small and readable."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from rostering.reports.cost import cost_figure
from rostering.reports.html import write_run_report
from rostering.reports.page import PACKED_TYPE, PLOTLY_ID, unpack
from rostering.results import RunResult
from tests.reports.large_roster import large_run

MAX_BYTES = 3_000_000
"""The issue's bound for ~320 people x 28 days x 3 channels at 30-minute intervals."""


@pytest.fixture(scope="module")
def run() -> RunResult:
    return large_run()


@pytest.fixture(scope="module")
def page(run: RunResult, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = write_run_report(run, tmp_path_factory.mktemp("large") / "report.html")
    return path.read_text(encoding="utf-8")


def _packed(page: str) -> dict[str, str]:
    found = re.findall(rf'<script type="{PACKED_TYPE}" id="([^"]+)">([^<]*)</script>', page)
    return {ident: unpack(body) for ident, body in found}


def _gantt(page: str) -> dict[str, Any]:
    specs = [json.loads(b) for i, b in _packed(page).items() if i != PLOTLY_ID]
    (spec,) = [s for s in specs if "rows" in s]
    return spec


def test_the_scenario_is_as_large_as_the_issue(run: RunResult) -> None:
    assert len(run.instance.agents) == 320
    assert run.instance.n_days == 28 and run.instance.interval_minutes == 30
    assert run.requirements["channel"].nunique() == 3
    assert len({a.team for a in run.instance.agents}) == 8
    # more bars than a solved roster of this size has (about 70 a person)
    assert len(run.solution.activities) > 100_000


def test_report_is_under_three_megabytes(page: str) -> None:
    size = len(page.encode("utf-8"))
    assert size < MAX_BYTES, f"report.html is {size:,} bytes"


def test_plotly_js_is_stored_once(page: str) -> None:
    packed = _packed(page)
    holders = [ident for ident, body in packed.items() if "plotly.js v" in body]
    assert holders == [PLOTLY_ID]
    assert sum(body.count("plotly.js v") for body in packed.values()) == 1
    assert page.count(f'id="{PLOTLY_ID}"') == 1
    assert not re.search(r"<script[^>]+src=", page)


def test_gantt_has_every_person_in_few_traces_without_hover_strings(
    page: str, run: RunResult
) -> None:
    spec = _gantt(page)
    assert len(spec["rows"]) == 320
    bars = [t for t in spec["data"] if t["type"] == "bar"]
    # one trace per activity (channels, meal, standby), not one per person
    assert len(bars) <= 8
    assert sum(len(t["y"]) for t in bars) > 30_000
    for trace in bars:
        assert "hovertext" not in trace and "text" not in trace
        assert "%{customdata" in trace["hovertemplate"]
        assert all(len(row) == 3 for row in trace["customdata"])
        assert all(isinstance(ms, int) for ms in trace["x"])
        assert all(len(base) == len("2026-08-31 09:00") for base in trace["base"])
        costs = [row[2] for row in trace["customdata"] if row[2] is not None]
        assert all(isinstance(c, int) for c in costs)


def test_figure_numbers_are_rounded(page: str) -> None:
    for ident, body in _packed(page).items():
        if ident == PLOTLY_ID:
            continue
        for trace in json.loads(body)["data"]:
            for key in ("x", "y", "base"):
                values = trace.get(key)
                if not isinstance(values, list):
                    continue
                long = [v for v in values if isinstance(v, float) and len(repr(v)) > 12]
                assert not long, f"{trace.get('name')} {key}: {long[:3]}"


def test_the_gantt_opens_on_a_page_of_forty(page: str) -> None:
    assert "people 1-40 of 320" in page
    for team in range(1, 9):
        assert f'<option value="team:Team {team}">Team {team} (40)</option>' in page


def test_cost_totals_move_to_the_hover_for_many_people(run: RunResult) -> None:
    fig = cost_figure(run.solution)
    total = next(t for t in fig.data if t.name == "total")
    assert total.text is None and total.mode == "markers"
    assert "total" in total.hovertemplate and fig.layout.hovermode == "x unified"
