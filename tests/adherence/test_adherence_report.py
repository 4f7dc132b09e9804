"""Output files, the summary model, atomic writing, the figures and the public surface."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from adherence_factories import TZ

import rostering.adherence as adherence
from rostering import pipeline
from rostering.adherence import (
    AdherenceSummary,
    SimulationConfig,
    run_adherence,
    simulate_events,
    synthetic_roster,
)
from rostering.adherence.report import OUTPUT_FILES
from rostering.adherence.simulate import write_events_csv
from rostering.pipeline import check_adherence
from rostering.reports.adherence import adherence_gantt, adherence_heatmap


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("run")
    r = synthetic_roster(6, 9, start=dt.date(2026, 9, 1), timezone=TZ)
    r.to_csv(folder / "roster.csv", index=False)
    sim = simulate_events(r, timezone=TZ, seed=2, config=SimulationConfig(duplicate_rate=0.01))
    write_events_csv(sim.events, folder / "events.csv")
    return folder / "roster.csv", folder / "events.csv"


def test_writes_every_file_and_a_valid_summary(files: tuple[Path, Path], tmp_path: Path) -> None:
    roster_path, events_path = files
    res = check_adherence(roster_path, events_path, out_dir=tmp_path, timezone=TZ)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(OUTPUT_FILES)
    summary = AdherenceSummary.model_validate_json((tmp_path / "summary.json").read_text())
    assert summary == res.summary
    assert summary.read_report.rows_read == len(pd.read_csv(events_path))
    assert summary.schedule_adherence_rate.target == 0.99
    assert summary.productive_utilisation.comparison == ">="
    assert summary.not_ready_break_share.comparison == "<"
    per_day = pd.read_csv(tmp_path / "adherence.csv")
    assert len(per_day) == len(res.by_agent_day)
    assert {"agent", "date", "adherence", "conformance", "kept_schedule"} <= set(per_day.columns)
    ex = pd.read_csv(tmp_path / "exceptions.csv")
    assert list(ex.columns)[:6] == ["agent", "agent_name", "date", "shift", "kind", "start"]
    assert ex["start"].str.contains("T").all()
    issues = pd.read_csv(tmp_path / "event_issues.csv")
    assert len(issues) == summary.read_report.rows_flagged
    page = (tmp_path / "adherence.html").read_text()
    assert page.count("Plotly.newPlot") == 2 and "Schedule adherence" in page
    json.loads((tmp_path / "summary.json").read_text())


def test_a_failed_write_leaves_the_folder_untouched(
    files: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "roster.csv").write_text("kept")

    def boom(_: object) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr(pipeline, "adherence_html", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        check_adherence(*files, out_dir=tmp_path, timezone=TZ)
    assert [p.name for p in tmp_path.iterdir()] == ["roster.csv"]


def test_figures_have_planned_and_actual_rows(files: tuple[Path, Path]) -> None:
    res = run_adherence(*files, timezone=TZ)
    gantt = adherence_gantt(res.measures.planned, res.measures.actual)
    names = {t.name for t in gantt.data}
    assert {"planned: work", "planned: meal", "actual: productive"} <= names
    offsets = {t.offset for t in gantt.data}
    assert offsets == {-0.4, 0.0}
    heat = adherence_heatmap(res.by_interval)
    z = heat.data[0].z
    assert z.shape[0] == res.by_interval["date"].nunique()
    with pytest.raises(ValueError, match="expected columns"):
        adherence_gantt(pd.DataFrame({"agent": []}), res.measures.actual)


def test_public_surface_is_sorted() -> None:
    # isort style, as ruff keeps it: CONSTANTS, then Classes, then functions.
    def style(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert adherence.__all__ == sorted(adherence.__all__, key=style)
    for name in adherence.__all__:
        assert hasattr(adherence, name)
