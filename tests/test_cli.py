"""The command line end to end: validate, solve, schema, and failures that name the field."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from rostering.cli import EXIT_INPUT, app

runner = CliRunner()


def test_validate_ok(reference_dir: Path) -> None:
    result = runner.invoke(app, ["validate", str(reference_dir)])
    assert result.exit_code == 0, result.output
    assert "ok reference-online" in result.output


def test_validate_names_the_broken_field(scenario_copy: Callable[[str], Path]) -> None:
    folder = scenario_copy("reference-online")
    path = folder / "scenario.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("days: 14", "days: 0"), "utf-8")
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == EXIT_INPUT
    assert "scenario.yaml: horizon.days" in result.output


def test_solve_writes_the_outputs(reference_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["solve", str(reference_dir), "--out", str(out), "--time-limit", "20"]
    )
    assert result.exit_code == 0, result.output
    for name in ("roster.csv", "requirements.csv", "kpis.json", "report.html"):
        assert (out / name).stat().st_size > 0, name
    kpis = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert kpis["status"] == "OPTIMAL" and kpis["valid"] is True
    by_channel = {c["channel"]: c for c in kpis["channels"]}
    assert 0 <= by_channel["inbound"]["unserved_volume_share"] <= 1
    assert by_channel["outbound"]["unserved_volume_share"] is None  # workload, not queued
    roster = pd.read_csv(out / "roster.csv", keep_default_na=False)
    worked = roster[roster["shift"] != ""]
    # Two A agents a day (four alternate) and B on ordinary working days only.
    per_day = worked[worked["shift"] == "A"].groupby("date").size()
    assert len(per_day) == 14 and set(per_day) == {2}
    assert set(roster.loc[roster["standby"] == "supervisor", "agent"]) == {"S1"}
    # B works the ordinary working days and the adjusted working day (Saturday 10 October),
    # and is off on the National Day holidays, the days off around them and weekends.
    b_days = set(worked.loc[worked["agent"] == "B1", "date"])
    assert b_days == {
        "2026-09-28",
        "2026-09-29",
        "2026-09-30",
        "2026-10-08",
        "2026-10-09",
        "2026-10-10",
    }

    assert "solution" in result.output or "OPTIMAL" in result.output


def test_solve_on_a_broken_scenario_writes_nothing(
    scenario_copy: Callable[[str], Path], tmp_path: Path
) -> None:
    folder = scenario_copy("reference-online")
    (folder / "agents.csv").write_text("id,name\nA1,x\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["solve", str(folder), "--out", str(out)])
    assert result.exit_code == EXIT_INPUT
    assert "agents.csv: header" in result.output
    assert not out.exists()


def test_schema_is_json() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output)["title"] == "Scenario"


def test_adherence_round_trip(reference_dir: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    solved = runner.invoke(app, ["solve", str(reference_dir), "--out", str(run)])
    assert solved.exit_code == 0, solved.output
    events = tmp_path / "events.csv"
    made = runner.invoke(app, ["simulate-events", str(run), "--out", str(events), "--seed", "3"])
    assert made.exit_code == 0, made.output
    out = tmp_path / "adherence"
    result = runner.invoke(app, ["adherence", str(run), str(events), "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("adherence.csv", "exceptions.csv", "summary.json", "adherence.html"):
        assert (out / name).stat().st_size > 0, name
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["read_report"]["rows_read"] == len(pd.read_csv(events))
    assert 0 < summary["adherence"] <= 1
    assert "schedule adherence rate" in result.output


def test_adherence_missing_file_exits_with_input_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["adherence", str(tmp_path / "r.csv"), str(tmp_path / "e.csv")])
    assert result.exit_code == EXIT_INPUT
    assert "not found" in result.output
