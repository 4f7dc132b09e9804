"""Interval demand: a day of the horizon with no rows is an error, as for daily demand.

Unless ``demand.closed_days`` names it, a day left out of the interval CSV for a
channel that has interval rows would silently get zero demand.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from typer.testing import CliRunner

from rostering.cli import app as cli
from rostering.domain.scenario import demand_faults
from rostering.io import load_scenario

runner = CliRunner()

REFERENCE = Path(__file__).resolve().parents[2] / "scenarios" / "reference-online"
START = dt.date(2026, 9, 28)  # the reference horizon: 14 days from here
CHANNELS = ("inbound", "chat")


def _interval_folder(tmp_path: Path, *, skip: set[tuple[str, str]], closed: str = "") -> Path:
    """The reference scenario with interval demand, two rows a day and channel, minus ``skip``."""
    folder = tmp_path / "scenario"
    shutil.copytree(REFERENCE, folder)
    rows = ["interval_start,channel,volume,aht_s"]
    for n in range(14):
        day = (START + dt.timedelta(days=n)).isoformat()
        for channel in CHANNELS:
            if (day, channel) not in skip:
                rows += [f"{day}T10:00,{channel},5,180", f"{day}T10:30,{channel},6,180"]
    (folder / "intervals.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    path = folder / "scenario.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  daily: daily.csv\n  profile: profile.csv\n" in text
    text = text.replace(
        "  daily: daily.csv\n  profile: profile.csv\n", f"{closed}  intervals: intervals.csv\n"
    )
    path.write_text(text, encoding="utf-8")
    return folder


def _validate(folder: Path) -> tuple[int, str]:
    result = runner.invoke(cli, ["validate", str(folder)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.output


def test_complete_interval_demand_is_accepted(tmp_path: Path) -> None:
    code, output = _validate(_interval_folder(tmp_path, skip=set()))
    assert code == 0, output


def test_missing_interval_days_are_an_error(tmp_path: Path) -> None:
    skip = {("2026-09-30", "chat"), ("2026-10-02", "chat"), ("2026-10-01", "inbound")}
    code, output = _validate(_interval_folder(tmp_path, skip=skip))
    assert code == 2, output
    lines = [line for line in output.splitlines() if "no interval demand" in line]
    assert len(lines) == 2, output
    chat = next(line for line in lines if " chat " in line)
    inbound = next(line for line in lines if " inbound " in line)
    assert "intervals.csv" in chat and "2026-09-30" in chat and "2026-10-02" in chat
    assert "2026-10-01" not in chat and "closed_days" in chat
    assert "intervals.csv" in inbound and "2026-10-01" in inbound and "2026-09-30" not in inbound


def test_missing_interval_day_marked_closed_is_accepted(tmp_path: Path) -> None:
    skip = {("2026-09-30", "chat"), ("2026-09-30", "inbound")}
    closed = "  closed_days: [2026-09-30]\n"
    folder = _interval_folder(tmp_path, skip=skip, closed=closed)
    code, output = _validate(folder)
    assert code == 0, output
    assert demand_faults(load_scenario(folder)) == []


def test_missing_interval_day_in_a_scenario_sent_whole(tmp_path: Path) -> None:
    """The check is on the scenario model, so the API's JSON scenarios get it too."""
    scenario = load_scenario(_interval_folder(tmp_path, skip=set()))
    kept = [r for r in scenario.demand.intervals if r.interval_start.date() != dt.date(2026, 10, 5)]
    data = scenario.model_dump(mode="json")
    data["demand"]["intervals"] = [r.model_dump(mode="json") for r in kept]
    faults = demand_faults(type(scenario).model_validate(data))
    assert [(f.field, f.rows) for f in faults] == [("intervals", ()), ("intervals", ())]
    assert all("2026-10-05" in f.message for f in faults)
