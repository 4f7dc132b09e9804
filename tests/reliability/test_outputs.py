"""Outputs that are safe to open, and crashes that leave nothing behind (issue #24).

Agent names and ids that a spreadsheet would run as formulas come out of every
CSV as text (OWASP: a leading ``'``) and out of ``roster.xlsx`` as typed cells;
``--out`` naming a file is refused before the solve; the output folder is
switched in one rename, so a crash keeps the previous run whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import time
from pathlib import Path

import openpyxl
import pytest
from api_helpers import QUICK, TestClient, headers, solve_in_process, upload_folder
from fastapi import FastAPI
from typer.testing import CliRunner

from rostering.cli import app as cli_app
from rostering.results import staging
from rostering.results.csv_output import neutralise, neutralise_frame, restore
from rostering.results.folder import read_run_outcome

REFERENCE = Path(__file__).resolve().parents[2] / "scenarios" / "reference-online"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

NAMES = {
    "A1": '=HYPERLINK("http://x")',
    "A2": "+1",
    "A3": "-cmd",
    "A4": "@SUM(A1)",
    "B1": "\tx",
    "S1": "\rx",
}
IDS = {"A1": "=A1", "A2": "+A2", "A3": "-A3", "A4": "@A4"}
runner = CliRunner()


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """The reference scenario with formula-like agent names and ids."""
    folder = tmp_path / "hostile"
    shutil.copytree(REFERENCE, folder)
    path = folder / "agents.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["name"] = NAMES[row["id"]]
        row["id"] = IDS.get(row["id"], row["id"])
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder


def solve(scenario: Path, out: Path) -> tuple[int, str]:
    result = runner.invoke(
        cli_app,
        [
            "solve",
            str(scenario),
            "--out",
            str(out),
            "--time-limit",
            "3",
            "--workers",
            "1",
            "--no-simulate",
        ],
    )
    return result.exit_code, result.output


def unsafe_cells(text: str) -> list[str]:
    """Cells of a CSV text that a spreadsheet would read as a formula."""
    bad = []
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:
            if cell.startswith(FORMULA_STARTS):
                try:
                    float(cell)
                except ValueError:
                    bad.append(cell)
    return bad


def test_the_neutraliser_quotes_text_and_keeps_numbers() -> None:
    for value in (*NAMES.values(), *IDS.values()):
        assert neutralise(value) == "'" + value
        assert restore(neutralise(value)) == value
    assert neutralise("-5") == "-5"
    assert neutralise("-1.25") == "-1.25"
    assert neutralise("Chen Jing") == "Chen Jing"
    assert neutralise("'quoted") == "'quoted"
    import pandas as pd

    frame = pd.DataFrame({"n": [-5, 3], "x": [-1.5, 2.0], "t": ["=1+1", "ok"]})
    out = neutralise_frame(frame)
    assert out["n"].tolist() == [-5, 3] and out["x"].tolist() == [-1.5, 2.0]
    assert out["t"].tolist() == ["'=1+1", "ok"]


def test_cli_outputs_are_safe_to_open(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    code, output = solve(hostile, out)
    assert code == 0, output
    roster = (out / "roster.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in roster and "'=A1" in roster
    for path in sorted(out.glob("*.csv")):
        assert unsafe_cells(path.read_text(encoding="utf-8")) == [], path.name
    # the folder reads back with the names as the scenario spells them
    outcome = read_run_outcome(out)
    # tabs and carriage returns around a name are trimmed as the scenario loads
    assert {r.agent_name for r in outcome.roster} <= {*NAMES.values(), "x"}
    assert {"=A1", "+A2"} & {r.agent for r in outcome.roster}

    book = openpyxl.load_workbook(out / "roster.xlsx")
    sheet = book.active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["agent", "agent_name", "role", "date"]
    cells = list(sheet.iter_rows(min_row=2))
    assert cells
    texts = {c.value for row in cells for c in row if c.data_type == "s"}
    assert '=HYPERLINK("http://x")' in texts and "=A1" in texts
    for row in cells:
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
        assert isinstance(row[3].value, dt.datetime | dt.date), row[3].value
        if row[4].value is not None:  # a shift: its start is a date-time, not text
            assert isinstance(row[5].value, dt.datetime), row[5].value


def test_api_roster_csv_and_xlsx_are_safe(
    app: FastAPI, client: TestClient, key: str, hostile: Path
) -> None:
    scenario_id = upload_folder(client, key, hostile)
    body = {"scenario_id": scenario_id, "whatif": QUICK}
    run = client.post("/v1/runs", json=body, headers=headers(key)).json()
    assert solve_in_process(app, run["id"]) == "succeeded"
    response = client.get(f"/v1/runs/{run['id']}/roster.csv", headers=headers(key))
    assert response.status_code == 200
    assert "'=HYPERLINK" in response.text
    assert unsafe_cells(response.text) == []
    response = client.get(f"/v1/runs/{run['id']}/roster.xlsx", headers=headers(key))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet is not None
    values = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in values)
    assert any(c.value == '=HYPERLINK("http://x")' and c.data_type == "s" for c in values)


def test_out_naming_a_file_is_refused_at_once(tmp_path: Path) -> None:
    target = tmp_path / "taken.txt"
    target.write_text("keep me\n", encoding="utf-8")
    whatif = tmp_path / "whatif.yaml"
    whatif.write_text("time_limit_s: 2\n", encoding="utf-8")
    commands = {
        "solve": ["solve", str(REFERENCE), "--time-limit", "3", "--no-simulate"],
        "whatif": ["whatif", str(REFERENCE), str(whatif), "--no-simulate"],
        "adherence": ["adherence", str(tmp_path / "roster.csv"), str(tmp_path / "events.csv")],
    }
    for name, args in commands.items():
        started = time.monotonic()
        result = runner.invoke(cli_app, [*args, "--out", str(target)])
        assert result.exit_code == 2, (name, result.output)
        shown = re.sub(r"[\s│]", "", result.output)  # the message as rich wraps it in a box
        assert f"{target.name}isafile,notafolder" in shown, (name, result.output)
        assert time.monotonic() - started < 2.0, name  # refused before any solve
    assert target.read_text(encoding="utf-8") == "keep me\n"


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def side_folders(parent: Path, name: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


def test_a_failed_switch_keeps_the_previous_run_whole(
    hostile: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "run"
    code, output = solve(REFERENCE, out)
    assert code == 0, output
    before = folder_bytes(out)
    assert "roster.xlsx" in before
    real_replace = os.replace

    def fail_into_place(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == out and ".staging-" in Path(src).name:
            raise OSError("disk gone between the renames")
        real_replace(src, dst)

    monkeypatch.setattr(staging.os, "replace", fail_into_place)
    result = runner.invoke(
        cli_app,
        ["solve", str(hostile), "--out", str(out), "--time-limit", "3", "--no-simulate"],
    )
    assert isinstance(result.exception, OSError), result.output
    monkeypatch.undo()
    assert folder_bytes(out) == before  # the previous run, whole: nothing new mixed in
    assert side_folders(tmp_path, "run") == []


def test_a_kill_between_the_renames_is_undone_by_the_next_run(
    hostile: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    code, output = solve(REFERENCE, out)
    assert code == 0, output
    before = folder_bytes(out)
    # what a process killed between the two renames leaves: the previous run
    # renamed aside, the new one complete in its staging folder, no ``run``
    aside = tmp_path / ".run.previous-1-abc"
    os.replace(out, aside)
    staged = tmp_path / ".run.staging-1-def"
    staged.mkdir()
    (staged / "roster.csv").write_text("agent\nnew\n", encoding="utf-8")
    for path in (aside, staged):
        os.utime(path, (0, 0))
    staging.recover_target(out)
    assert folder_bytes(out) == before
    assert side_folders(tmp_path, "run") == []
    # and a next run over the same leftovers switches cleanly
    os.replace(out, aside)
    os.utime(aside, (0, 0))
    code, output = solve(hostile, out)
    assert code == 0, output
    after = folder_bytes(out)
    assert after.keys() == before.keys() and after["roster.csv"] != before["roster.csv"]
    assert side_folders(tmp_path, "run") == []


def test_stale_staging_folders_of_the_target_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "run"
    stale = tmp_path / ".run.staging-1-abc"
    stale.mkdir()
    (stale / "roster.csv").write_text("half\n", encoding="utf-8")
    os.utime(stale, (0, 0))
    other = tmp_path / ".run2.staging-1-abc"
    other.mkdir()
    os.utime(other, (0, 0))
    fresh = tmp_path / f".run.staging-{os.getpid()}-xyz"
    fresh.mkdir()
    legacy = tmp_path / ".run-k3j9x_2a"  # an earlier version's staging folder
    legacy.mkdir()
    os.utime(legacy, (0, 0))
    code, output = solve(REFERENCE, out)
    assert code == 0, output
    assert not stale.exists() and not legacy.exists()
    assert other.exists() and fresh.exists()
    assert (out / "roster.csv").is_file() and (out / "roster.xlsx").is_file()
    assert side_folders(tmp_path, "run") == [fresh.name]


def test_adherence_reads_the_quoted_roster_back_and_quotes_its_own_files(
    hostile: Path, tmp_path: Path
) -> None:
    run = tmp_path / "run"
    code, output = solve(hostile, run)
    assert code == 0, output
    events = tmp_path / "events.csv"
    result = runner.invoke(cli_app, ["simulate-events", str(run), "--out", str(events)])
    assert result.exit_code == 0, result.output
    assert unsafe_cells(events.read_text(encoding="utf-8")) == []
    out = tmp_path / "adherence"
    stale = out / ".adherence-old"
    stale.mkdir(parents=True)
    os.utime(stale, (0, 0))
    result = runner.invoke(cli_app, ["adherence", str(run), str(events), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not stale.exists()
    by_day = (out / "adherence.csv").read_text(encoding="utf-8")
    assert "'=A1" in by_day and "''=A1" not in by_day
    for path in sorted(out.glob("*.csv")):
        assert unsafe_cells(path.read_text(encoding="utf-8")) == [], path.name
    # every agent's events are matched to the roster: none is "not on roster"
    assert "agent_not_on_roster" not in (out / "event_issues.csv").read_text(encoding="utf-8")
