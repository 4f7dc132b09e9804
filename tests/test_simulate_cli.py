"""`rostering solve` simulates its roster; `rostering simulate` replays a solve folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rostering.cli import EXIT_INPUT, app
from rostering.results.simulated import SIMULATION_COLUMNS

runner = CliRunner()
REFERENCE = Path(__file__).resolve().parents[1] / "scenarios" / "reference-online"


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("solved") / "run"
    result = runner.invoke(
        app,
        [
            "solve",
            str(REFERENCE),
            "--out",
            str(out),
            "--time-limit",
            "20",
            "--replications",
            "4",
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def test_solve_prints_and_writes_simulated_beside_predicted(solved: Path) -> None:
    kpis = json.loads((solved / "kpis.json").read_text(encoding="utf-8"))
    inbound = next(c for c in kpis["channels"] if c["channel"] == "inbound")
    assert inbound["pool"] == "chat+inbound"
    sim = inbound["simulated"]
    for name in ("service_level", "asa_s", "abandon_rate", "occupancy"):
        low, high = sim[name]["ci95"]
        assert low <= sim[name]["value"] <= high
    assert kpis["simulation"]["replications"] == 4
    assert kpis["simulation"]["rounds"][0]["round"] == 0
    table = pd.read_csv(solved / "simulation.csv")
    assert tuple(table.columns) == SIMULATION_COLUMNS
    assert set(table["channel"]) == {"inbound", "chat", "outbound"}
    report = (solved / "report.html").read_text(encoding="utf-8")
    assert "Predicted vs simulated service" in report


def test_simulate_replays_a_folder_reproducibly(solved: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(solved, run)
    tables = []
    for _ in range(2):
        result = runner.invoke(app, ["simulate", str(run), "--replications", "3", "--seed", "7"])
        assert result.exit_code == 0, result.output
        assert "inbound" in result.output
        tables.append((run / "simulation.csv").read_text(encoding="utf-8"))
    assert tables[0] == tables[1]
    kpis = json.loads((run / "kpis.json").read_text(encoding="utf-8"))
    assert kpis["simulation"]["seed"] == 7 and kpis["simulation"]["replications"] == 3
    other = runner.invoke(app, ["simulate", str(run), "--replications", "3", "--seed", "8"])
    assert other.exit_code == 0
    assert (run / "simulation.csv").read_text(encoding="utf-8") != tables[0]


@pytest.mark.parametrize("missing", ["roster.csv", "scenario.json", "secondary.csv"])
def test_a_folder_missing_a_file_is_named(solved: Path, tmp_path: Path, missing: str) -> None:
    run = tmp_path / "run"
    shutil.copytree(solved, run)
    (run / missing).unlink()
    before = (run / "kpis.json").read_text(encoding="utf-8")
    result = runner.invoke(app, ["simulate", str(run)])
    assert result.exit_code == EXIT_INPUT
    assert missing in result.output
    assert (run / "kpis.json").read_text(encoding="utf-8") == before  # nothing half-written


def test_a_roster_that_does_not_match_its_scenario_is_named(solved: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(solved, run)
    roster = pd.read_csv(run / "roster.csv", keep_default_na=False, dtype=str)
    roster.loc[0, "agent"] = "Z9"
    roster.to_csv(run / "roster.csv", index=False)
    result = runner.invoke(app, ["simulate", str(run)])
    assert result.exit_code == EXIT_INPUT
    assert "roster.csv row 2, agent" in result.output and "Z9" in result.output


def test_too_few_replications_are_refused(solved: Path) -> None:
    result = runner.invoke(app, ["simulate", str(solved), "--replications", "1"])
    assert result.exit_code == EXIT_INPUT
    assert "--replications" in result.output
    assert "greater than or equal to" in result.output


def test_a_replayed_contact_log_is_what_is_offered(solved: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(solved, run)
    times = [f"2026-09-28T{h:02d}:{m:02d}:00+08:00" for h in range(9, 21) for m in (5, 35)]
    log = tmp_path / "contacts.csv"
    pd.DataFrame(
        {"timestamp": [*times, "2026-09-29T10:00:00"], "channel": ["inbound"] * (len(times) + 1)}
    ).to_csv(log, index=False)
    result = runner.invoke(
        app, ["simulate", str(run), "--replications", "2", "--contacts", str(log)]
    )
    assert result.exit_code == 0, result.output
    days = pd.read_csv(run / "simulation_days.csv")
    offered = days[days["channel"] == "inbound"].set_index("date")["offered"]
    assert offered["2026-09-28"] == len(times)
    assert offered["2026-09-29"] == 1  # naive times are the site's local time
    assert offered["2026-09-30"] == 0  # nothing is drawn for a replayed channel


def test_a_bad_contact_log_row_is_named(solved: Path, tmp_path: Path) -> None:
    log = tmp_path / "contacts.csv"
    log.write_text("timestamp,channel\n2026-09-28T10:00:00,inbound\nyesterday,inbound\n")
    result = runner.invoke(app, ["simulate", str(solved), "--contacts", str(log)])
    assert result.exit_code == EXIT_INPUT
    assert "contacts.csv row 2, timestamp" in result.output
