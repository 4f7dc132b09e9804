"""The demand forecast in the run report: its accuracy table and figures, only when forecast.

The forecast scenario is ``scenarios/regional-site`` with its demand forecast
from twelve weeks of synthetic 30-minute history of inbound, chat and e-mail
ending the day before the horizon, and a horizon cut to its first week
(Labour Day, 1-2 May, inside it) so that forecasting and rostering stay quick.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from rostering.domain.forecast import ChannelForecastRecord, ForecastCheck
from rostering.domain.scenario import Scenario
from rostering.errors import FrameContractError
from rostering.forecast import ChannelBacktest, Score
from rostering.forecast.synthetic import SyntheticSpec, synthetic_history
from rostering.io import load_scenario
from rostering.pipeline import run_scenario
from rostering.reports.forecast import (
    accuracy_text,
    backtest_table,
    check_figure,
    forecast_blocks,
    forecast_figure,
    forecast_table,
    intervals_frame,
)
from rostering.reports.html import run_report_html, write_run_report
from rostering.reports.page import PACKED_TYPE, unpack
from rostering.results import RunKpis, RunResult
from rostering.roster.config import SolverConfig
from rostering.roster.instance import RosterInstance
from rostering.roster.solution import RosterSolution
from rostering.roster.validation import ValidationReport

ROOT = Path(__file__).resolve().parents[2]
CHANNELS = ("inbound", "chat", "email")
HISTORY_WEEKS = 12
HORIZON_DAYS = 7


@pytest.fixture(scope="module")
def forecast_scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """regional-site with ``demand: {history: history.csv}``, loaded (so forecast)."""
    folder = tmp_path_factory.mktemp("forecast") / "regional-site"
    shutil.copytree(ROOT / "scenarios" / "regional-site", folder)
    data = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    start: dt.date = data["horizon"]["start"]
    days = 7 * HISTORY_WEEKS
    spec = SyntheticSpec(start=start - dt.timedelta(days=days), days=days, grain=30, seed=3)
    history = synthetic_history(spec).drop(columns="mean")
    assert set(history["channel"]) == set(CHANNELS)
    history.to_csv(folder / "history.csv", index=False)
    data["horizon"]["days"] = HORIZON_DAYS
    data["demand"] = {"history": "history.csv"}
    (folder / "scenario.yaml").write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return load_scenario(folder)


@pytest.fixture(scope="module")
def records(forecast_scenario: Scenario) -> list[ChannelForecastRecord]:
    assert forecast_scenario.demand.forecast is not None
    return forecast_scenario.demand.forecast.channels


def packed_figures(page: str) -> list[dict[str, Any]]:
    """The figures of a page, unpacked (plotly.js left out)."""
    found = re.findall(rf'<script type="{PACKED_TYPE}" id="(fig-[^"]+)">([^<]*)</script>', page)
    return [json.loads(unpack(body)) for _, body in found]


def headings(page: str) -> list[str]:
    return re.findall(r"<h2>([^<]*)</h2>", page)


def one_decimal(values: list[float | None]) -> bool:
    return all(v is None or round(v, 1) == v for v in values)


def _hand_made_result(
    scenario: Scenario,
    instance: RosterInstance,
    solution: RosterSolution,
    requirements: pd.DataFrame,
) -> RunResult:
    kpis = RunKpis(
        scenario=scenario.name,
        status=solution.status,
        objective=solution.objective,
        best_bound=solution.best_bound,
        gap=solution.gap,
        wall_time_s=solution.wall_time_s,
        labour_cost=solution.labour_cost,
        valid=True,
        hard_violations=0,
        soft_violations=len(solution.violations),
        channels=[],
    )
    return RunResult(
        scenario=scenario,
        demand=pd.DataFrame(),
        requirements=requirements,
        instance=instance,
        solution=solution,
        validation=ValidationReport(ok=True, hard=[]),
        kpis=kpis,
    )


def test_solved_forecast_scenario_reports_its_forecast(
    forecast_scenario: Scenario, records: list[ChannelForecastRecord], tmp_path: Path
) -> None:
    result = run_scenario(
        forecast_scenario, solver=SolverConfig(time_limit_s=2, workers=1), simulate=False
    )
    page = write_run_report(result, tmp_path / "report.html").read_text(encoding="utf-8")
    found = headings(page)
    section = found.index("Demand forecast")
    assert found[section : section + 4] == [
        "Demand forecast",
        "Forecast accuracy per channel (backtest)",
        "Forecast vs actual, last backtest window",
        "Forecast demand of the horizon",
    ]
    # after the roster, before the staffing it sized
    assert found.index("Required vs scheduled staff") == section + 4
    assert "Demand forecast from history.csv" in page
    assert f"over 3 backtest window(s) of {HORIZON_DAYS} days" in page
    for record in records:
        assert f"<td>{record.model}</td>" in page
    figures = packed_figures(page)
    names = {str(t["name"]) for f in figures for t in f["data"]}
    for channel in CHANNELS:
        for trace in ("95% band", "80% band", "forecast", "actual"):
            assert f"{channel} {trace}" in names


def test_report_without_a_forecast_has_no_forecast_section(
    reference_dir: Path,
    instance: RosterInstance,
    solution: RosterSolution,
    requirements: pd.DataFrame,
) -> None:
    scenario = load_scenario(reference_dir)
    assert scenario.demand.forecast is None
    assert forecast_blocks(scenario) == []
    page = run_report_html(_hand_made_result(scenario, instance, solution, requirements))
    assert "Demand forecast" not in page
    assert "backtest" not in page
    names = {str(t["name"]) for f in packed_figures(page) for t in f["data"]}
    assert not any(n.endswith(("% band", " actual")) for n in names)


def test_check_figure_draws_the_window_with_its_bands(
    records: list[ChannelForecastRecord],
) -> None:
    fig = check_figure(records, channels=CHANNELS, names={"chat": "Online chat"})
    by_name = {t.name: t for t in fig.data}
    # channels in the order asked for, each: bands (widest first), forecast, actual
    assert [t.name for t in fig.data][:6] == [
        "inbound 95% low",
        "inbound 95% band",
        "inbound 80% low",
        "inbound 80% band",
        "inbound forecast",
        "inbound actual",
    ]
    for record in records:
        check = record.check
        assert check is not None
        c = record.channel
        for level in (95, 80):
            band = by_name[f"{c} {level}% band"]
            assert band.fill == "tonexty" and band.fillcolor.startswith("rgba(")
            assert by_name[f"{c} {level}% low"].showlegend is False
        assert list(by_name[f"{c} 95% band"].y) == check.hi95
        assert list(by_name[f"{c} 80% low"].y) == check.lo80
        assert list(by_name[f"{c} actual"].y) == check.actual
        # local time on an even grid: a start and a step, not every time
        forecast = by_name[f"{c} forecast"]
        assert forecast.x is None
        assert forecast.x0 == check.start.strftime("%Y-%m-%d %H:%M:%S")
        assert forecast.dx == check.interval_minutes * 60_000
        assert len(forecast.y) == len(check.forecast) == record.days_per_origin * 48
        assert all(
            lo95 <= lo80 <= f <= hi80 <= hi95
            for lo95, lo80, f, hi80, hi95 in zip(
                check.lo95, check.lo80, check.forecast, check.hi80, check.hi95, strict=True
            )
        )
    # a subplot per channel, its title the model, its WAPEs and its accuracy against the target
    titles = [a.text for a in fig.layout.annotations]
    by_channel = {str(r.channel): r for r in records}
    labels = {"inbound": "inbound", "chat": "Online chat", "email": "email"}
    assert titles == [f"{labels[c]}: {accuracy_text(by_channel[c])}" for c in CHANNELS]
    assert all("(target 90 %)" in t for t in titles)
    for trace in fig.data:
        assert one_decimal(list(trace.y))


def test_accuracy_text_names_model_wapes_and_the_target() -> None:
    record = _record(interval_wape=0.18349, daily_wape=0.1234)
    assert accuracy_text(record) == (
        "Theta x profile · WAPE 18.3 % per interval, 12.3 % per day · accuracy 87.7 % "
        "(target 90 %): not met"
    )


def _record(**changes: object) -> ChannelForecastRecord:
    base: dict[str, object] = {
        "channel": "chat",
        "model": "Theta x profile",
        "interval_wape": 0.15,
        "daily_wape": 0.05,
        "bias": 0.0123,
        "baseline": "seasonal naive",
        "baseline_interval_wape": 0.2,
        "baseline_daily_wape": 0.0833,
        "origins": 3,
        "days_per_origin": 14,
        "history_start": dt.date(2025, 1, 1),
        "history_end": dt.date(2025, 12, 31),
        "grain_minutes": 15,
    }
    return ChannelForecastRecord.model_validate({**base, **changes})


def test_forecast_table_rounds_and_judges_the_target() -> None:
    table = forecast_table(
        [
            _record(channel="email", daily_wape=0.1049, bias=-0.0461),
            _record(),
            _record(channel="inbound", daily_wape=float("nan")),
        ],
        channels=["chat", "email"],
        names={"chat": "Online chat"},
    )
    assert list(table["channel"]) == ["Online chat", "email", "inbound"]
    chat, email, inbound = (table.iloc[i] for i in range(3))
    assert (chat["WAPE per interval"], chat["WAPE per day"], chat["bias"]) == (
        "15.0 %",
        "5.0 %",
        "+1.2 %",
    )
    assert (chat["baseline"], chat["baseline WAPE per day"]) == ("seasonal naive", "8.3 %")
    assert (chat["accuracy"], chat["target 90 %"]) == ("95.0 %", "met")
    assert (email["accuracy"], email["bias"], email["target 90 %"]) == (
        "89.5 %",
        "-4.6 %",
        "not met",
    )
    assert (inbound["WAPE per day"], inbound["accuracy"], inbound["target 90 %"]) == ("-",) * 3
    assert chat["backtest"] == "3 x 14 days"


def test_check_figure_leaves_out_channels_without_a_check() -> None:
    check = ForecastCheck(
        start=dt.datetime(2026, 4, 13),
        interval_minutes=60,
        actual=[None] * 24 + [1.0] * 24,
        forecast=[1.04] * 48,
        lo80=[0.5] * 48,
        hi80=[1.5] * 48,
        lo95=[0.25] * 48,
        hi95=[2.0] * 48,
    )
    fig = check_figure([_record(check=check), _record(channel="email")])
    assert {t.name.split()[0] for t in fig.data} == {"chat"}
    assert list(fig.data[-1].y)[:24] == [None] * 24  # an absent day is a gap
    assert fig.layout.xaxis.title.text == "Mon 13 Apr 2026 to Tue 14 Apr 2026"
    single = check_figure(_record(check=check))
    assert [t.name for t in single.data] == [t.name for t in fig.data]


def test_forecast_figure_of_the_scenario_intervals(
    forecast_scenario: Scenario, records: list[ChannelForecastRecord]
) -> None:
    frame = intervals_frame(forecast_scenario.demand.intervals, forecast_scenario.site.timezone)
    assert str(frame["interval_start"].dt.tz) == "Asia/Shanghai"
    fig = forecast_figure(frame, records, timezone="Asia/Shanghai", channels=CHANNELS)
    by_name = {t.name: t for t in fig.data}
    assert set(by_name) == {
        f"{c} {kind}"
        for c in CHANNELS
        for kind in ("95% low", "95% band", "80% low", "80% band", "forecast")
    }
    slots = HORIZON_DAYS * 48
    for channel in CHANNELS:
        part = frame[frame["channel"] == channel]
        forecast = by_name[f"{channel} forecast"]
        assert forecast.x0 == "2026-04-27 00:00:00" and forecast.dx == 30 * 60_000
        assert len(forecast.y) == slots
        assert list(forecast.y) == [round(v, 1) for v in part["volume"]]
        assert list(by_name[f"{channel} 95% band"].y) == [round(v, 1) for v in part["volume_hi95"]]
        for kind in ("95% low", "95% band", "80% low", "80% band", "forecast"):
            assert one_decimal(list(by_name[f"{channel} {kind}"].y))
    titles = [a.text for a in fig.layout.annotations]
    model = {str(r.channel): r.model for r in records}
    assert titles == [f"{c} · {model[c]}" for c in CHANNELS]


def test_forecast_figure_without_bands_or_columns() -> None:
    times = pd.date_range("2026-05-01 09:00", periods=4, freq="15min", tz="Asia/Shanghai")
    frame = pd.DataFrame({"interval_start": times, "channel": "chat", "volume": [1.26, 2, 3, 4]})
    fig = forecast_figure(frame)
    assert [t.name for t in fig.data] == ["chat forecast"]
    assert list(fig.data[0].y) == [1.3, 2.0, 3.0, 4.0]
    assert fig.data[0].x0 == "2026-05-01 09:00:00"
    uneven = frame.drop(index=1)
    assert len(forecast_figure(uneven).data[0].x) == 3
    with pytest.raises(FrameContractError, match="missing \\['volume'\\]"):
        forecast_figure(frame.drop(columns="volume"))


def test_backtest_table_marks_the_chosen_model_and_the_baselines() -> None:
    scores = [
        Score("seasonal naive", True, 0.20, 0.12, 0.01),
        Score("mean of 4 weekdays", True, 0.16, 0.08, -0.02),
        Score("ETS x profile", False, 0.12, 0.0649, 0.0351),
    ]
    backtest = ChannelBacktest(
        "inbound", pd.DataFrame(), scores, 3, 14, [dt.date(2026, 1, 1)], 15, {}
    )
    table = backtest_table([backtest]).set_index("model")
    assert list(table["role"]) == ["baseline", "baseline", "chosen"]
    ets = table.loc["ETS x profile"]
    assert (ets["WAPE per interval"], ets["WAPE per day"], ets["bias"]) == (
        "12.0 %",
        "6.5 %",
        "+3.5 %",
    )
    assert (ets["accuracy"], ets["target 90 %"], ets["vs best baseline"]) == (
        "93.5 %",
        "met",
        "-25.0 %",
    )
    naive = table.loc["seasonal naive"]
    assert (naive["target 90 %"], naive["vs best baseline"]) == ("not met", "+25.0 %")
    assert table.loc["mean of 4 weekdays", "vs best baseline"] == "-"
    assert set(table["backtest"]) == {"3 x 14 days"}
