"""``rostering forecast`` and ``rostering backtest``: what they write, print and refuse."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rostering.cli import app
from rostering.forecast import (
    BASELINES,
    CANDIDATES,
    FORECAST_COLUMNS,
    ForecastSettings,
    backtest_history,
    forecast_history,
    read_history,
)
from rostering.io import load_scenario
from tests.conftest import SCENARIOS
from tests.forecast.factories import CHAT, EMAIL, INBOUND, past_only, spec, write

runner = CliRunner()

START = dt.date(2025, 3, 3)
WEEKS = 10


@pytest.fixture(scope="module")
def history_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten weeks of inbound and chat at 30 minutes, 3 March to 11 May 2025."""
    folder = tmp_path_factory.mktemp("history")
    return write(past_only(spec(START, WEEKS, channels=(INBOUND, CHAT))), folder / "history.csv")


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def table_rows(shown: str) -> list[list[str]]:
    """The body rows of a printed table, cells whose text wrapped onto more lines joined."""
    rows: list[list[str]] = []
    for line in shown.splitlines():
        if not line.startswith("│"):
            continue
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if cells[0] or not rows:
            rows.append(cells)
        else:
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells, strict=True)]
    return rows


def test_forecast_writes_demand_with_intervals_and_prints_the_models(
    history_csv: Path, tmp_path: Path
) -> None:
    out = tmp_path / "demand.csv"
    shown = invoke("forecast", str(history_csv), "--days", "7", "--out", str(out))
    demand = pd.read_csv(out)
    assert tuple(demand.columns) == FORECAST_COLUMNS
    assert demand.columns.tolist() == [
        "interval_start", "channel", "volume", "aht_s",
        "volume_lo80", "volume_hi80", "volume_lo95", "volume_hi95",
    ]  # fmt: skip
    assert len(demand) == 2 * 7 * 48
    assert demand["interval_start"].iloc[0] == "2025-05-12T00:00:00+08:00"
    assert demand["interval_start"].iloc[-1] == "2025-05-18T23:30:00+08:00"
    assert set(demand["channel"]) == {"inbound", "chat"}
    assert (demand["aht_s"] > 0).all()
    assert (demand["volume_lo95"] <= demand["volume"]).all()
    assert (demand["volume"] <= demand["volume_hi95"]).all()
    # the table names the model the library chooses for each channel
    expected = forecast_history(
        read_history(history_csv), start=dt.date(2025, 5, 12), days=7, settings=ForecastSettings()
    )
    for header in ("channel", "model", "baseline", "WAPE int. %", "accuracy"):
        assert header in shown
    rows = {row[0]: row for row in table_rows(shown)}
    for record in expected.records:
        assert rows[record.channel][1] == record.model
        assert rows[record.channel][7] == record.baseline
    assert f"wrote {out} ({len(demand)} rows" in shown
    total = expected.demand.groupby("channel")["volume"].sum()
    assert demand.groupby("channel")["volume"].sum().to_dict() == pytest.approx(
        total.to_dict(), abs=0.5
    )


def test_start_inside_the_history_uses_only_the_days_before_it(
    history_csv: Path, tmp_path: Path
) -> None:
    start = START + dt.timedelta(weeks=WEEKS - 2)
    early = tmp_path / "early.csv"
    quick = ("--model", "mean of 4 weekdays", "--model", "Theta x profile")
    invoke("forecast", str(history_csv), "--start", start.isoformat(), "--days", "7",
           "--out", str(early), *quick)  # fmt: skip
    frame = pd.read_csv(history_csv, dtype=str)
    cut = write(frame.loc[frame["interval_start"] < start.isoformat()], tmp_path / "cut.csv")
    same = tmp_path / "same.csv"
    invoke("forecast", str(cut), "--days", "7", "--out", str(same), *quick)
    a, b = pd.read_csv(early), pd.read_csv(same)
    assert a["interval_start"].iloc[0] == f"{start.isoformat()}T00:00:00+08:00"
    pd.testing.assert_frame_equal(a, b)


def test_a_non_baseline_model_alone_is_used(history_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "demand.csv"
    shown = invoke(
        "forecast", str(history_csv), "--days", "7", "--model", "ETS x profile",
        "--out", str(out),
    )  # fmt: skip
    assert "ETS x profile" in shown
    assert len(pd.read_csv(out)) == 2 * 7 * 48
    result = forecast_history(
        read_history(history_csv),
        start=dt.date(2025, 5, 12),
        days=7,
        settings=ForecastSettings(models=("ETS x profile",)),
    )
    for record in result.records:
        assert record.model == "ETS x profile"  # chosen among the models asked for only
        assert record.baseline in BASELINES  # while still compared with the baselines
    shown = invoke("backtest", str(history_csv), "--days", "7", "--model", "ETS x profile")
    assert shown.count("* ETS x profile") == 2
    assert "b mean of 4 weekdays" in shown


def test_the_same_model_twice_is_one_candidate(history_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "demand.csv"
    invoke(
        "forecast", str(history_csv), "--days", "7", "--model", "mean of 4 weekdays",
        "--model", "mean of 4 weekdays", "--out", str(out),
    )  # fmt: skip
    assert len(pd.read_csv(out)) == 2 * 7 * 48


# --- the written demand.csv feeds a scenario ------------------------------------------


def test_forecast_demand_is_read_by_a_scenario(tmp_path: Path) -> None:
    folder = tmp_path / "regional-site"
    shutil.copytree(SCENARIOS / "regional-site", folder)
    horizon = dt.date(2026, 4, 27)  # the scenario's horizon: 28 days of 30 minutes
    weeks = 12
    history = past_only(
        spec(horizon - dt.timedelta(weeks=weeks), weeks, channels=(INBOUND, CHAT, EMAIL))
    )
    path = write(history, tmp_path / "history.csv")
    invoke("forecast", str(path), "--start", horizon.isoformat(), "--days", "28",
           "--out", str(folder / "demand.csv"))  # fmt: skip
    yaml_path = folder / "scenario.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    old = "demand:\n  daily: daily.csv\n  profile: profile.csv\n"
    assert old in text
    yaml_path.write_text(text.replace(old, "demand:\n  intervals: demand.csv\n"), "utf-8")
    (folder / "daily.csv").unlink()
    (folder / "profile.csv").unlink()
    shown = invoke("validate", str(folder))
    assert "ok regional-site" in shown
    scenario = load_scenario(folder)
    intervals = scenario.demand.intervals
    assert len(intervals) == 3 * 28 * 48
    assert {str(i.channel) for i in intervals} == {"inbound", "chat", "email"}
    busy = [i for i in intervals if i.volume > 0]
    assert busy
    assert all(i.volume_lo80 is not None and i.volume_hi95 is not None for i in busy)
    assert all(i.volume_lo80 <= i.volume <= i.volume_hi80 for i in busy)  # type: ignore[operator]


# --- backtest -------------------------------------------------------------------------


def test_backtest_marks_the_chosen_model_and_writes_its_tables(
    history_csv: Path, tmp_path: Path
) -> None:
    out = tmp_path / "bt"
    shown = invoke("backtest", str(history_csv), "--origins", "2", "--days", "7",
                   "--out", str(out))  # fmt: skip
    expected = backtest_history(
        read_history(history_csv), days=7, settings=ForecastSettings(origins=2)
    )
    starred = {m for m in CANDIDATES if f"* {m}" in shown}
    assert starred == {b.best.model for b in expected}, shown
    assert shown.count("│ * ") == len(expected)  # one chosen model per channel
    for name in BASELINES:
        assert f"b {name}" in shown or f"* {name}" in shown
    by_day = pd.read_csv(out / "backtest_by_day.csv")
    assert by_day.columns.tolist() == [
        "channel", "model", "origin", "date", "actual", "forecast", "abs_error",
    ]  # fmt: skip
    assert set(by_day["model"]) == set(CANDIDATES)
    assert set(by_day["channel"]) == {"inbound", "chat"}
    assert set(by_day["origin"]) == {1, 2}
    assert by_day.groupby(["channel", "model"]).size().eq(2 * 7).all()
    assert (by_day["abs_error"] - (by_day["forecast"] - by_day["actual"]).abs()).abs().max() < 0.01
    by_interval = pd.read_csv(out / "backtest_by_interval.csv")
    assert by_interval.columns.tolist() == [
        "channel", "model", "time", "actual", "forecast", "wape", "bias",
    ]  # fmt: skip
    assert by_interval.groupby(["channel", "model"]).size().eq(48).all()
    assert "backtest_by_day.csv" in shown


# --- refused options ------------------------------------------------------------------


@pytest.mark.parametrize("command", ["forecast", "backtest"])
def test_unknown_model_exits_2(history_csv: Path, tmp_path: Path, command: str) -> None:
    result = runner.invoke(
        app, [command, str(history_csv), "--model", "prophet", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 2, result.output
    assert "--model: unknown ['prophet']" in result.output
    assert "ETS x profile" in result.output  # the choices are listed


@pytest.mark.parametrize(
    "value", ["inbound", "inbound=abc", "=240", "inbound=0", "inbound=-5", "inbound=90000"]
)
def test_bad_aht_option_exits_2(history_csv: Path, tmp_path: Path, value: str) -> None:
    out = tmp_path / "demand.csv"
    result = runner.invoke(app, ["forecast", str(history_csv), "--aht-s", value, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert f"--aht-s: expected CHANNEL=SECONDS (0 < s <= 86400), got {value!r}" in result.output
    assert not out.exists()


def test_aht_option_stands_in_for_a_missing_column(history_csv: Path, tmp_path: Path) -> None:
    no_aht = write(pd.read_csv(history_csv).drop(columns="aht_s"), tmp_path / "volumes.csv")
    out = tmp_path / "demand.csv"
    refused = runner.invoke(app, ["forecast", str(no_aht), "--out", str(out)])
    assert refused.exit_code == 2, refused.output
    assert "no aht_s column" in refused.output
    invoke("forecast", str(no_aht), "--days", "7", "--aht-s", "inbound=240", "--aht-s",
           "chat=400", "--model", "Theta x profile", "--out", str(out))  # fmt: skip
    demand = pd.read_csv(out)
    assert demand.groupby("channel")["aht_s"].unique().map(list).to_dict() == {
        "chat": [400.0],
        "inbound": [240.0],
    }


def test_bad_start_date_and_interval_exit_2(history_csv: Path) -> None:
    bad_start = runner.invoke(app, ["forecast", str(history_csv), "--start", "12/05/2025"])
    assert bad_start.exit_code == 2, bad_start.output
    assert "--start: not a date" in bad_start.output
    bad_interval = runner.invoke(app, ["forecast", str(history_csv), "--interval", "20"])
    assert bad_interval.exit_code == 2, bad_interval.output
    assert "--interval: must be 15, 30 or 60 minutes" in bad_interval.output
