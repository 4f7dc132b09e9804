"""`rostering sweep` end to end: a tiny sweep on one local worker, and the refusals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from distributed import Client, LocalCluster
from typer.testing import CliRunner

from rostering.cli import app
from rostering.cli_sweep import EXIT_INPUT, EXIT_TASKS_FAILED
from rostering.sweep import MARKER
from tests.sweep.conftest import FAST, INFEASIBLE, write_sweep

runner = CliRunner()
TINY = {"vol+0_sl80": {}, "vol-10_sl80": {"volume": [{"factor": 0.9}]}}


def test_a_tiny_sweep_on_one_worker(tmp_path: Path) -> None:
    sweep = write_sweep(tmp_path / "sweeps" / "tiny.yaml", variants=TINY)
    out = tmp_path / "out"
    result = runner.invoke(app, ["sweep", str(sweep), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    for name in TINY:
        folder = out / "reference-online" / name
        assert (folder / "roster.csv").is_file() and (folder / MARKER).is_file()
    table = pd.read_csv(out / "sweep.csv")
    assert list(table["status"]) == ["ok", "ok"]
    assert (out / "sweep.html").stat().st_size > 1_000_000  # plotly.js embedded
    assert "2 ok" in result.output and "0 failed" in result.output

    again = runner.invoke(app, ["sweep", str(sweep), "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert "2 finished before, 0 run now" in again.output


def test_a_failed_task_exits_4_and_is_listed(tmp_path: Path) -> None:
    sweep = write_sweep(tmp_path / "sweeps" / "s.yaml", variants=INFEASIBLE)
    out = tmp_path / "out"
    result = runner.invoke(app, ["sweep", str(sweep), "--out", str(out), "--workers", "1"])
    assert result.exit_code == EXIT_TASKS_FAILED, result.output
    assert "s1-away" in result.output and "standby" in result.output
    assert list(pd.read_csv(out / "sweep.csv")["status"]) == ["failed"]


def test_a_schema_error_exits_2_naming_the_path(tmp_path: Path) -> None:
    sweep = write_sweep(tmp_path / "s.yaml", variants=TINY, settings={**FAST, "solver_threads": 0})
    result = runner.invoke(app, ["sweep", str(sweep), "--out", str(tmp_path / "out")])
    assert result.exit_code == EXIT_INPUT
    assert f"{sweep}: settings.solver_threads" in result.output
    assert not (tmp_path / "out").exists()


@pytest.fixture
def cluster_without_solve_workers() -> Iterator[str]:
    with (
        LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=False,
            protocol="tcp://",
            host="127.0.0.1",
            dashboard_address=None,
            scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
        ) as cluster,
        Client(cluster),
    ):
        yield str(cluster.scheduler_address)


def test_a_scheduler_without_solve_workers_is_refused(
    tmp_path: Path, cluster_without_solve_workers: str
) -> None:
    sweep = write_sweep(tmp_path / "sweeps" / "tiny.yaml", variants=TINY)
    result = runner.invoke(
        app,
        [
            "sweep",
            str(sweep),
            "--out",
            str(tmp_path / "out"),
            "--scheduler",
            cluster_without_solve_workers,
            "--connect-timeout",
            "1",
        ],
    )
    assert result.exit_code == EXIT_INPUT, result.output
    assert "has the resource 'solve'" in result.output
    assert "--resources solve=N" in result.output
