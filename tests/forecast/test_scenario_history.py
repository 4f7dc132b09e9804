"""``demand: {history: ...}`` in scenario.yaml: the horizon is forecast when the folder loads."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from rostering.errors import ScenarioError
from rostering.forecast import CANDIDATES
from rostering.io import load_scenario, scenario_from_data
from tests.conftest import SCENARIOS
from tests.forecast.factories import CHAT, EMAIL, INBOUND, past_only, spec, write

HORIZON = dt.date(2026, 4, 27)  # regional-site: 28 days of 30 minutes from 27 April 2026
DAYS = 28
WEEKS = 16
DAILY_DEMAND = "demand:\n  daily: daily.csv\n  profile: profile.csv\n"


@pytest.fixture(scope="module")
def history_rows() -> Any:
    """16 weeks of the site's three channels, ending the day before its horizon."""
    return past_only(
        spec(HORIZON - dt.timedelta(weeks=WEEKS), WEEKS, channels=(INBOUND, CHAT, EMAIL))
    )


def site(tmp_path: Path, demand: str, rows: Any) -> Path:
    """regional-site with its demand block replaced and ``rows`` as history.csv."""
    folder = tmp_path / "regional-site"
    shutil.copytree(SCENARIOS / "regional-site", folder)
    yaml_path = folder / "scenario.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    assert DAILY_DEMAND in text
    yaml_path.write_text(text.replace(DAILY_DEMAND, demand), encoding="utf-8")
    write(rows, folder / "history.csv")
    return folder


def refused(folder: Path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    return [str(p) for p in caught.value.problems]


def test_history_is_forecast_over_the_horizon(tmp_path: Path, history_rows: Any) -> None:
    folder = site(tmp_path, "demand:\n  history: history.csv\n", history_rows)
    scenario = load_scenario(folder)
    demand = scenario.demand
    assert demand.history is None and not demand.daily and not demand.profile
    starts = [
        dt.datetime.combine(HORIZON, dt.time()) + dt.timedelta(minutes=30 * k)
        for k in range(DAYS * 48)
    ]
    got = {(i.interval_start.replace(tzinfo=None), str(i.channel)) for i in demand.intervals}
    assert got == {(t, c) for t in starts for c in ("inbound", "chat", "email")}
    assert len(demand.intervals) == len(got)
    assert demand.forecast is not None
    assert demand.forecast.history == "history.csv"
    records = {str(r.channel): r for r in demand.forecast.channels}
    assert set(records) == {"inbound", "chat", "email"}
    for record in records.values():
        assert record.model in CANDIDATES
        assert record.history_end == HORIZON - dt.timedelta(days=1)
        assert record.days_per_origin == DAYS
        assert record.origins == 3
        assert record.interval_wape <= record.baseline_interval_wape
    volume = sum(i.volume for i in demand.intervals)
    assert volume > 0


def test_history_settings_as_a_mapping(tmp_path: Path, history_rows: Any) -> None:
    closed = dt.date(2026, 5, 6)  # an ordinary Wednesday after Labour Day
    demand = (
        "demand:\n"
        "  history:\n"
        "    file: history.csv\n"
        "    origins: 2\n"
        f"    closed_days: [{closed.isoformat()}]\n"
        "    models: [mean of 4 weekdays, Theta x profile]\n"
    )
    scenario = load_scenario(site(tmp_path, demand, history_rows))
    assert scenario.demand.forecast is not None
    for record in scenario.demand.forecast.channels:
        assert record.origins == 2
        assert record.model in ("mean of 4 weekdays", "Theta x profile")
    per_day: dict[dt.date, float] = {}
    for i in scenario.demand.intervals:
        day = i.interval_start.date()
        per_day[day] = per_day.get(day, 0.0) + i.volume
    assert per_day[closed] == 0
    assert per_day[closed - dt.timedelta(days=7)] > 1000
    assert per_day[closed + dt.timedelta(days=7)] > 1000
    shut = [i for i in scenario.demand.intervals if i.interval_start.date() == closed]
    assert all(i.volume_hi95 == 0 for i in shut)


def test_history_lacking_a_scenario_channel_names_the_file(
    tmp_path: Path, history_rows: Any
) -> None:
    rows = history_rows.loc[history_rows["channel"] != "email"]
    problems = refused(site(tmp_path, "demand:\n  history: history.csv\n", rows))
    assert problems == ["history.csv: column channel: no history for channel(s) ['email']"]


def test_a_bad_history_row_names_the_file_row_and_column(tmp_path: Path, history_rows: Any) -> None:
    rows = history_rows.head(50).astype(str)
    rows.loc[rows.index[3], "volume"] = "-4"  # row 5 of the file
    problems = refused(site(tmp_path, "demand:\n  history: history.csv\n", rows))
    assert any(
        p.startswith("history.csv: row 5, column volume: must not be negative") for p in problems
    )


@pytest.mark.parametrize("name", ["../x.csv", "sub/../../x.csv", "{outside}"])
def test_a_history_outside_the_folder_is_refused(
    tmp_path: Path, history_rows: Any, name: str
) -> None:
    outside = write(history_rows.head(10), tmp_path / "x.csv")
    name = name.format(outside=outside)
    folder = site(tmp_path, f"demand:\n  history: {name}\n", history_rows.head(10))
    assert (folder / name).resolve() == outside
    problems = refused(folder)
    assert problems == [f"{name}: file must lie inside the scenario folder"]


def test_a_missing_history_file_is_named(tmp_path: Path, history_rows: Any) -> None:
    folder = site(tmp_path, "demand:\n  history: calls.csv\n", history_rows.head(10))
    assert refused(folder) == ["calls.csv: history file not found"]


def test_a_scenario_sent_whole_cannot_forecast_a_history() -> None:
    data = load_scenario(SCENARIOS / "regional-site").model_dump(mode="json")
    data["demand"] = {"history": "history.csv"}
    with pytest.raises(ScenarioError) as caught:
        scenario_from_data(data)
    messages = [p.message for p in caught.value.problems]
    assert any(
        "a history is forecast when the scenario folder is loaded" in m
        and "must give intervals, or daily with profile" in m
        for m in messages
    ), messages
    mixed = {"history": {"file": "history.csv"}, "intervals": data["demand"].get("intervals", [])}
    data["demand"] = {**mixed, "daily": [{"date": "2026-04-27", "channel": "inbound",
                                          "volume": 10, "aht_s": 200}]}  # fmt: skip
    with pytest.raises(ScenarioError) as caught:
        scenario_from_data(data)
    assert any("give either a history" in p.message for p in caught.value.problems)


def test_an_unknown_model_is_named_in_scenario_yaml(tmp_path: Path, history_rows: Any) -> None:
    demand = "demand:\n  history:\n    file: history.csv\n    models: [prophet, ETS x profile]\n"
    [problem] = refused(site(tmp_path, demand, history_rows.head(10)))
    assert problem.startswith(
        "scenario.yaml: demand.history.models: unknown model(s) ['prophet']: choose from"
    )


@pytest.mark.parametrize("seconds", ["-5", "0", "90000"])
def test_a_bad_handling_time_is_named_in_scenario_yaml(
    tmp_path: Path, history_rows: Any, seconds: str
) -> None:
    demand = f"demand:\n  history:\n    file: history.csv\n    aht_s: {{inbound: {seconds}}}\n"
    [problem] = refused(site(tmp_path, demand, history_rows.head(10)))
    assert problem.startswith("scenario.yaml: demand.history.aht_s.inbound: Input should be")


def test_handling_times_stand_in_for_a_missing_column(tmp_path: Path, history_rows: Any) -> None:
    demand = (
        "demand:\n  history:\n    file: history.csv\n    models: [Theta x profile]\n"
        "    aht_s: {inbound: 250, chat: 380, email: 600}\n"
    )
    folder = site(tmp_path, demand, history_rows.drop(columns="aht_s"))
    scenario = load_scenario(folder)
    aht = {(str(i.channel), i.aht_s) for i in scenario.demand.intervals}
    assert aht == {("inbound", 250.0), ("chat", 380.0), ("email", 600.0)}
    missing = "demand:\n  history:\n    file: history.csv\n    aht_s: {inbound: 250}\n"
    shutil.rmtree(folder)
    [problem] = refused(site(tmp_path, missing, history_rows.drop(columns="aht_s")))
    assert problem.startswith("history.csv: row 1: no aht_s column")
    assert "['chat', 'email']" in problem
