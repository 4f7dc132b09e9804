"""A sweep on a local cluster of two worker processes: folders, summary, resume, failures.

The first run holds four good variants of the reference project, one naming an
agent the scenario lacks and one whose roster the hard rules forbid; the good
ones are written, the other two are reported failed with their reasons. A
rerun of the good ones skips them all (it needs no cluster), and ``force``
solves them again, to the same rosters.
"""

from __future__ import annotations

import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from rostering.reports.page import unpack
from rostering.sweep import (
    MARKER,
    ClusterSettings,
    SweepResult,
    load_sweep,
    plan_tasks,
    run_serial,
    run_sweep,
    run_task,
)
from rostering.sweep.task import read_marker
from tests.sweep.conftest import BAD, GOOD, INFEASIBLE, grid_of_four, write_sweep

LOCAL = ClusterSettings(workers=2, threads_per_worker=1, connect_timeout_s=60)
SOLVE_FILES = ("roster.csv", "requirements.csv", "kpis.json", "report.html", "scenario.json")


@dataclass(frozen=True)
class FirstRun:
    out: Path
    folder: Path
    result: SweepResult
    csv: str
    html: str


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> FirstRun:
    base = tmp_path_factory.mktemp("sweep-local")
    sweep = load_sweep(
        write_sweep(base / "sweeps" / "mixed.yaml", variants={**GOOD, **BAD, **INFEASIBLE})
    )
    out = base / "out"
    result = run_sweep(sweep, out, cluster=LOCAL)
    # Later runs into the same folder rewrite sweep.csv and sweep.html: keep these.
    return FirstRun(
        out=out,
        folder=base / "sweeps",
        result=result,
        csv=result.csv.read_text(encoding="utf-8"),
        html=result.html.read_text(encoding="utf-8"),
    )


def test_every_good_task_is_written_and_the_bad_ones_fail(first: FirstRun) -> None:
    result = first.result
    by_name = {s.variant: s for s in result.summaries}
    assert [s.variant for s in result.summaries] == [*GOOD, *BAD, *INFEASIBLE]
    assert result.submitted == 6 and result.skipped == 0
    for name in GOOD:
        s = by_name[name]
        assert s.status == "ok", s.error
        assert s.solver_status == "OPTIMAL" and s.valid
        folder = first.out / "reference-online" / name
        for file in (*SOLVE_FILES, MARKER):
            assert (folder / file).stat().st_size > 0, (name, file)
        marker = read_marker(folder)
        assert marker is not None and marker.content_hash == s.content_hash
        kpis = json.loads((folder / "kpis.json").read_text(encoding="utf-8"))
        assert kpis["labour_cost"] == pytest.approx(s.labour_cost)
    ghost = by_name["ghost-away"]
    assert ghost.status == "failed"
    assert "absences.0.agent" in ghost.error and "unknown agent" in ghost.error
    blocked = by_name["s1-away"]
    assert blocked.status == "failed"
    assert "hard rules cannot all hold" in blocked.error and "standby" in blocked.error
    # A failed task leaves no folder, and no staging folder is left behind.
    names = sorted(p.name for p in (first.out / "reference-online").iterdir())
    assert names == sorted(GOOD)
    # The tasks ran in the two worker processes, not in this one.
    assert all(s.worker.rsplit(":", 1)[1] != str(os.getpid()) for s in result.ok)


def test_the_summary_files(first: FirstRun) -> None:
    table = pd.read_csv(io.StringIO(first.csv))
    assert list(table["variant"]) == [*GOOD, *BAD, *INFEASIBLE]
    assert list(table["status"]) == ["ok"] * 4 + ["failed"] * 2
    assert table.loc[table["status"] == "ok", "labour_cost"].notna().all()
    for column in ("objective", "gap", "solve_time_s", "wall_time_s", "service_level"):
        assert table.loc[:3, column].notna().all(), column
    assert {
        "inbound.service_level",
        "chat.abandon_rate",
        "inbound.intervals_meeting_target",
    } <= set(table.columns)
    assert table.loc[4:, "error"].str.len().gt(0).all()
    html = first.html
    assert 'id="plotly-js"' in html and "cdn.plot.ly" not in html
    assert "reference-online" in html and "ghost-away" in html and "s1-away" in html
    (packed,) = re.findall(
        r'<script type="application/gzip-base64" id="fig-[0-9a-f]+-data">'
        r"([^<]+)</script>",
        html,
    )
    figure = json.loads(unpack(packed))
    traces = {t["name"]: t for t in figure["data"]}
    assert sorted(traces["variants"]["text"]) == sorted(GOOD)
    # The frontier: rising cost, rising service, every point a variant.
    front = traces["Pareto frontier"]
    assert 1 <= len(front["x"]) <= 4 and set(front["text"]) <= set(GOOD)
    assert front["x"] == sorted(front["x"]) and front["y"] == sorted(front["y"])


def test_a_rerun_skips_every_finished_task(first: FirstRun) -> None:
    # The same four variants written as a grid hash the same: all skipped, and no
    # cluster is needed (the scheduler address answers nothing).
    sweep = load_sweep(write_sweep(first.folder / "grid.yaml", grid=grid_of_four()))
    stamps = {n: (first.out / "reference-online" / n / MARKER).stat().st_mtime_ns for n in GOOD}
    result = run_sweep(
        sweep,
        first.out,
        cluster=ClusterSettings(scheduler="tcp://127.0.0.1:9", connect_timeout_s=1),
    )
    assert result.submitted == 0 and result.skipped == 4
    assert all(s.reused and s.status == "ok" for s in result.summaries)
    assert {
        n: (first.out / "reference-online" / n / MARKER).stat().st_mtime_ns for n in GOOD
    } == stamps


def test_a_finished_task_returns_its_stored_summary(first: FirstRun) -> None:
    sweep = load_sweep(write_sweep(first.folder / "good.yaml", variants=GOOD))
    task = plan_tasks(sweep, first.out)[0]
    marker = read_marker(task.folder)
    assert marker is not None
    stamp = (task.folder / MARKER).stat().st_mtime_ns
    again = run_task(task)
    assert again.reused and again.worker == marker.summary.worker
    # Forced, a marker of another run does not count, but one of the same run does (a
    # retry after the write returns it instead of solving again).
    same_run = task.model_copy(update={"force": True, "run_id": marker.run_id})
    assert run_task(same_run).worker == marker.summary.worker
    assert (task.folder / MARKER).stat().st_mtime_ns == stamp


def test_force_solves_again_to_the_same_rosters(first: FirstRun) -> None:
    sweep = load_sweep(write_sweep(first.folder / "good.yaml", variants=GOOD))
    before = {
        n: (first.out / "reference-online" / n / "roster.csv").read_text(encoding="utf-8")
        for n in GOOD
    }
    old_runs = {n: read_marker(first.out / "reference-online" / n) for n in GOOD}
    result = run_sweep(sweep, first.out, cluster=LOCAL, force=True)
    assert result.submitted == 4 and result.skipped == 0
    assert all(s.status == "ok" and not s.reused for s in result.summaries)
    for n in GOOD:
        marker = read_marker(first.out / "reference-online" / n)
        old = old_runs[n]
        assert marker is not None and old is not None and marker.run_id != old.run_id
        roster = (first.out / "reference-online" / n / "roster.csv").read_text(encoding="utf-8")
        assert roster == before[n], n
    leftovers = [p.name for p in (first.out / "reference-online").iterdir() if p.name[0] == "."]
    assert leftovers == []


def test_an_error_raised_in_a_task_becomes_a_failed_row(tmp_path: Path) -> None:
    sweep = load_sweep(write_sweep(tmp_path / "s.yaml", variants={"vol+0_sl80": {}}))
    blocked = tmp_path / "out"
    blocked.mkdir()
    (blocked / "reference-online").write_text("a file where the scenario's folder goes")
    (summary,) = run_serial(plan_tasks(sweep, blocked))
    assert summary.status == "failed"
    assert "Error" in summary.error and "reference-online" in summary.error
