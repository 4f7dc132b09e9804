"""Bad history files are refused naming the row and column; odd but usable ones are handled.

Every refusal is checked twice: through :func:`read_history` (the Problem's
location) and through ``rostering forecast`` (exit code 2, the same words on
screen). Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from rostering.cli import app
from rostering.domain.calendar import Calendar, CalendarSpec
from rostering.errors import Problem, ScenarioError
from rostering.forecast import MIN_FIT_DAYS, ForecastSettings, forecast_history, read_history
from rostering.forecast.history import day_matrix
from rostering.forecast.synthetic import SyntheticChannel
from tests.forecast.factories import CHAT, INBOUND, as_history, past_only, spec, write

runner = CliRunner()

HEADER = "interval_start,channel,volume,aht_s"
GOOD_ROWS = [
    "2026-03-02T09:00:00,inbound,41,236",  # row 2
    "2026-03-02T09:30:00,inbound,57,241",  # row 3
    "2026-03-02T10:00:00,inbound,50,240",  # row 4
    "2026-03-02T09:00:00,chat,12,400",  # row 5
]
QUICK = ForecastSettings(models=("mean of 4 weekdays", "ETS x profile"))
"""Two cheap candidates, for tests about the input rather than the choice of model."""


def csv_file(tmp_path: Path, rows: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "history.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def with_cell(row: int, column: str, value: str) -> list[str]:
    """The good rows with one cell replaced (``row`` numbered as in a spreadsheet)."""
    rows = [line.split(",") for line in GOOD_ROWS]
    rows[row - 2][HEADER.split(",").index(column)] = value
    return [",".join(r) for r in rows]


def refused(path: Path, **kwargs: str) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        read_history(path, **kwargs)
    return caught.value.problems


def cli_refuses(path: Path, *words: str, args: tuple[str, ...] = ()) -> None:
    """``rostering forecast`` exits 2, says each of ``words`` and writes nothing."""
    out = path.parent / "demand.csv"
    result = runner.invoke(app, ["forecast", str(path), "--out", str(out), *args])
    assert result.exit_code == 2, result.output
    assert "cannot forecast" in result.output
    for word in words:
        assert word in result.output
    assert not out.exists()


# --- duplicates -----------------------------------------------------------------------


def test_duplicate_interval_names_both_rows(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS, "2026-03-02T09:30:00,inbound,60,250"]  # row 6 repeats row 3
    path = csv_file(tmp_path, rows)
    [problem] = refused(path)
    assert problem.location == "rows 3, 6"
    assert "same channel and interval start twice" in problem.message
    assert "inbound at 2026-03-02T09:30:00" in problem.message
    cli_refuses(path, "rows 3, 6", "twice")


def test_same_start_on_two_channels_is_no_duplicate(tmp_path: Path) -> None:
    history = read_history(csv_file(tmp_path, GOOD_ROWS))
    assert sorted(history.channels) == ["chat", "inbound"]
    assert len(history.frame) == 4


# --- bad cells ------------------------------------------------------------------------

BAD_CELLS = [
    pytest.param(3, "volume", "-3", "must not be negative", id="negative-volume"),
    pytest.param(3, "volume", "nan", "not a number", id="nan-volume"),
    pytest.param(3, "volume", "", "empty", id="empty-volume"),
    pytest.param(4, "volume", "many", "not a number", id="text-volume"),
    pytest.param(2, "volume", "inf", "not a finite number", id="inf-volume"),
    pytest.param(5, "volume", "-inf", "not a finite number", id="minus-inf-volume"),
    pytest.param(3, "aht_s", "", "empty", id="missing-aht"),
    pytest.param(4, "aht_s", "0", "must be > 0", id="zero-aht"),
    pytest.param(2, "aht_s", "-12", "must be > 0", id="negative-aht"),
    pytest.param(5, "aht_s", "slow", "not a number", id="text-aht"),
]


@pytest.mark.parametrize(("row", "column", "value", "why"), BAD_CELLS)
def test_bad_cell_names_row_and_column(
    tmp_path: Path, row: int, column: str, value: str, why: str
) -> None:
    path = csv_file(tmp_path, with_cell(row, column, value))
    [problem] = refused(path)
    assert problem.file == str(path)
    assert problem.location == f"row {row}, column {column}"
    assert why in problem.message
    cli_refuses(path, f"row {row}, column {column}", why)


def test_every_bad_row_is_named_at_once(tmp_path: Path) -> None:
    rows = with_cell(2, "volume", "-1")
    rows[2] = rows[2].replace(",50,", ",x,")  # row 4
    rows[3] = rows[3].replace(",400", ",0")  # row 5
    locations = {p.location for p in refused(csv_file(tmp_path, rows))}
    assert locations == {"row 2, column volume", "row 4, column volume", "row 5, column aht_s"}


def test_no_aht_needed_where_no_contacts(tmp_path: Path) -> None:
    rows = with_cell(3, "volume", "0")
    rows[1] = rows[1].removesuffix("241")  # row 3: volume 0, aht_s empty
    history = read_history(csv_file(tmp_path, rows))
    row = history.frame.loc[history.frame["local"] == pd.Timestamp("2026-03-02T09:30")]
    assert row["volume"].tolist() == [0.0]
    assert row["work"].tolist() == [0.0]


# --- time stamps ----------------------------------------------------------------------


def test_naive_and_offset_times_mixed_are_refused(tmp_path: Path) -> None:
    rows = list(GOOD_ROWS)
    rows[1] = rows[1].replace("09:30:00", "09:30:00+08:00")  # row 3
    path = csv_file(tmp_path, rows)
    [problem] = refused(path)
    assert problem.location == "row 3, column interval_start"
    assert "UTC offset unlike the other rows" in problem.message
    cli_refuses(path, "row 3, column interval_start", "unlike the other rows")


def test_offsets_differing_and_not_the_site_zone_are_refused(tmp_path: Path) -> None:
    rows = [r.replace(",", "+08:00,", 1) for r in GOOD_ROWS]
    rows[2] = rows[2].replace("+08:00", "+09:00")  # row 4
    path = csv_file(tmp_path, rows)
    [problem] = refused(path)
    assert problem.location == "row 4, column interval_start"
    assert "Asia/Shanghai" in problem.message
    cli_refuses(path, "row 4, column interval_start", "export every row in one zone")


def test_offsets_of_the_site_zone_across_summer_time_are_accepted(tmp_path: Path) -> None:
    rows = [
        "2026-03-29T01:00:00+01:00,inbound,5,200",  # before the clocks go forward
        "2026-03-29T03:00:00+02:00,inbound,6,200",  # after
        "2026-03-29T04:00:00+02:00,inbound,7,200",
    ]
    history = read_history(csv_file(tmp_path, rows), timezone="Europe/Berlin")
    assert history.frame["local"].dt.strftime("%H:%M").tolist() == ["01:00", "03:00", "04:00"]


def test_a_utc_export_is_converted_to_site_wall_clock(tmp_path: Path) -> None:
    rows = [
        "2026-03-01T16:00:00Z,inbound,3,200",  # midnight in Shanghai
        "2026-03-02T01:00:00Z,inbound,41,236",
        "2026-03-02T01:30:00Z,inbound,57,241",
        "2026-03-02T13:30:00Z,inbound,9,230",
    ]
    history = read_history(csv_file(tmp_path, rows))
    assert history.frame["local"].tolist() == [
        pd.Timestamp("2026-03-02T00:00"),
        pd.Timestamp("2026-03-02T09:00"),
        pd.Timestamp("2026-03-02T09:30"),
        pd.Timestamp("2026-03-02T21:30"),
    ]
    assert history.frame["volume"].tolist() == [3, 41, 57, 9]


def test_a_fixed_foreign_offset_is_converted_too(tmp_path: Path) -> None:
    rows = ["2026-03-02T02:00:00+01:00,inbound,4,200", "2026-03-02T02:30:00+01:00,inbound,5,200"]
    history = read_history(csv_file(tmp_path, rows))
    assert history.frame["local"].dt.strftime("%H:%M").tolist() == ["09:00", "09:30"]


@pytest.mark.parametrize(
    "stamp", ["2026-03-02T09:37:00", "2026-03-02T09:30:15"], ids=["minute", "second"]
)
def test_times_off_the_grid_name_the_row(tmp_path: Path, stamp: str) -> None:
    rows = list(GOOD_ROWS)
    rows[1] = rows[1].replace("2026-03-02T09:30:00", stamp)  # row 3
    path = csv_file(tmp_path, rows)
    [problem] = refused(path)
    assert problem.location == "row 3, column interval_start"
    assert "not on a 5, 15, 30 or 60-minute grid" in problem.message
    cli_refuses(path, "row 3, column interval_start", "60-minute grid")


def test_unreadable_time_names_the_row(tmp_path: Path) -> None:
    rows = list(GOOD_ROWS)
    rows[2] = rows[2].replace("2026-03-02T10:00:00", "02/03/2026 10:00")  # row 4
    [problem] = refused(csv_file(tmp_path, rows))
    assert problem.location == "row 4, column interval_start"
    assert "not an ISO date-time" in problem.message


# --- the file as a whole --------------------------------------------------------------


def test_missing_column_is_reported_on_row_1(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, ["2026-03-02T09:00:00,inbound,41"], header="interval_start,queue,calls"
    )
    [problem] = refused(path)
    assert problem.location == "row 1"
    assert "missing ['channel', 'volume']" in problem.message
    cli_refuses(path, "row 1", "missing ['channel', 'volume']")


def test_a_file_not_in_utf8_says_to_save_it_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    text = "interval_start,channel,volume\n2026-03-02T09:00:00,电话,5\n"
    path.write_bytes(text.encode("gbk"))
    [problem] = refused(path)
    assert "save the file as UTF-8" in problem.message
    cli_refuses(path, "row 2", "not utf-8 text", "save the file as UTF-8", "--encoding gbk")


def test_utf8_with_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    text = "interval_start,channel,volume,aht_s\n2026-03-02T09:00:00,电话,5,200\n"
    path.write_bytes(text.encode("utf-8-sig"))
    assert read_history(path).channels == ["电话"]


def test_unsorted_rows_are_sorted_to_the_same_result(tmp_path: Path) -> None:
    frame = past_only(spec(dt.date(2025, 3, 3), 10, channels=(INBOUND, CHAT)))
    shuffled = frame.sample(frac=1.0, random_state=7)
    assert not shuffled.index.equals(frame.index)
    ordered = read_history(write(frame, tmp_path / "sorted.csv"))
    mixed = read_history(write(shuffled, tmp_path / "shuffled.csv"))
    pd.testing.assert_frame_equal(ordered.frame, mixed.frame)
    assert ordered.grain == mixed.grain
    start = dt.date(2025, 3, 3) + dt.timedelta(weeks=10)
    a = forecast_history(ordered, start=start, days=7, settings=QUICK)
    b = forecast_history(mixed, start=start, days=7, settings=QUICK)
    pd.testing.assert_frame_equal(a.demand, b.demand)
    assert [r.model for r in a.records] == [r.model for r in b.records]


# --- too little history ---------------------------------------------------------------


@pytest.mark.parametrize("days", [14, 28])
def test_too_little_history_says_how_much_it_has_and_needs(tmp_path: Path, days: int) -> None:
    start = dt.date(2025, 3, 3)
    frame = past_only(spec(start, 5))  # 35 days
    history = as_history(frame)
    with pytest.raises(ScenarioError) as caught:
        forecast_history(history, start=start + dt.timedelta(days=35), days=days)
    [problem] = caught.value.problems
    assert problem.location == "channel inbound"
    assert "35 day(s)" in problem.message
    assert f"needs at least {MIN_FIT_DAYS + days}" in problem.message
    path = write(frame, tmp_path / "history.csv")
    cli_refuses(path, "35 day(s)", f"at least {MIN_FIT_DAYS + days}", args=("--days", str(days)))


def test_history_long_enough_for_one_window_is_forecast() -> None:
    start = dt.date(2025, 3, 3)
    history = as_history(past_only(spec(start, 6)))  # 42 days = 28 to fit + 14 to test
    result = forecast_history(history, start=start + dt.timedelta(days=42), days=14, settings=QUICK)
    assert result.records[0].origins == 1
    assert result.demand["volume"].sum() > 0


# --- grain ----------------------------------------------------------------------------


def _coarser(frame: pd.DataFrame, minutes: int) -> pd.DataFrame:
    """The same contacts in ``minutes``-long intervals, AHT weighted by volume."""
    start = pd.to_datetime(frame["interval_start"]).dt.floor(f"{minutes}min")
    work = frame["volume"] * frame["aht_s"]
    grouped = (
        frame.assign(interval_start=start, work=work)
        .groupby(["channel", "interval_start"], as_index=False)[["volume", "work"]]
        .sum()
    )
    grouped["aht_s"] = grouped["work"] / grouped["volume"]
    grouped["interval_start"] = grouped["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    return grouped[["interval_start", "channel", "volume", "aht_s"]]


def test_finer_history_is_summed_into_the_forecast_grain() -> None:
    start = dt.date(2025, 3, 3)
    fine = past_only(spec(start, 8, grain=15))
    coarse = _coarser(fine, 30)
    fine_history, coarse_history = as_history(fine), as_history(coarse)
    assert fine_history.grain == {"inbound": 15}
    assert coarse_history.grain == {"inbound": 30}
    dates, volume, _ = day_matrix(fine_history, "inbound", 30)
    raw = fine.groupby(pd.to_datetime(fine["interval_start"]).dt.date)["volume"].sum()
    seen = ~np.isnan(volume).all(axis=1)
    assert volume[seen].sum(axis=1) == pytest.approx(raw.loc[np.array(dates)[seen]].to_numpy())
    assert len(raw) == seen.sum()
    first = start + dt.timedelta(weeks=8)
    a = forecast_history(fine_history, start=first, days=7, settings=QUICK)
    b = forecast_history(coarse_history, start=first, days=7, settings=QUICK)
    pd.testing.assert_frame_equal(a.demand, b.demand, rtol=1e-9)
    assert a.records[0].grain_minutes == 15
    assert a.demand["interval_start"].diff().dropna().eq(pd.Timedelta(minutes=30)).all()


def test_coarser_history_is_spread_evenly_over_the_forecast_grain() -> None:
    start = dt.date(2025, 3, 3)
    hourly = past_only(spec(start, 8, grain=60))
    history = as_history(hourly)
    assert history.grain == {"inbound": 60}
    dates, volume, _ = day_matrix(history, "inbound", 30)
    seen = ~np.isnan(volume).all(axis=1)
    assert np.array_equal(volume[seen][:, 0::2], volume[seen][:, 1::2])
    raw = hourly.groupby(pd.to_datetime(hourly["interval_start"]).dt.date)["volume"].sum()
    assert volume[seen].sum(axis=1) == pytest.approx(raw.loc[np.array(dates)[seen]].to_numpy())
    result = forecast_history(history, start=start + dt.timedelta(weeks=8), days=7, settings=QUICK)
    halves = result.demand["volume"].to_numpy().reshape(-1, 2)
    assert halves[:, 0] == pytest.approx(halves[:, 1])
    assert result.demand["volume"].sum() > 0
    assert result.records[0].grain_minutes == 60


# --- weekday-only sites ---------------------------------------------------------------

WEEKDAYS_ONLY = SyntheticChannel(
    "inbound", 2400.0, 240.0, weekday=(1.15, 1.05, 1.0, 1.0, 0.95, 0.0, 0.0)
)


def test_history_without_weekends_forecasts_closed_weekends() -> None:
    start = dt.date(2025, 5, 12)
    frame = past_only(spec(start, 10, channels=(WEEKDAYS_ONLY,)))
    assert not pd.to_datetime(frame["interval_start"]).dt.weekday.ge(5).any()
    first = start + dt.timedelta(weeks=10)
    result = forecast_history(as_history(frame), start=first, days=14, settings=QUICK)
    totals = result.demand.groupby(result.demand["interval_start"].dt.date)["volume"].sum()
    calendar = Calendar(CalendarSpec())
    assert all(calendar.holiday_name(d) is None for d in totals.index)
    weekend = [d for d in totals.index if d.weekday() >= 5]
    weekdays = [d for d in totals.index if d.weekday() < 5]
    assert len(weekend) == 4
    assert totals.loc[weekend].eq(0).all()
    assert totals.loc[weekdays].gt(1000).all()
    on_weekend = result.demand["interval_start"].dt.weekday >= 5
    for column in ("volume_lo80", "volume_hi80", "volume_lo95", "volume_hi95"):
        assert result.demand.loc[on_weekend, column].eq(0).all()
