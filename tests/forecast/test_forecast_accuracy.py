"""Known answers: forecasts of synthetic histories against the truth they were made from.

A synthetic history's ``mean`` is the expected volume without the day effect
no model can know in advance, so its error against what happened
(:func:`irreducible_wape`) is the best a forecast can do. The future days are
made complete (``gaps_before``) and with every interval (``drop_empty=False``),
so they can be judged interval by interval.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from rostering.domain.calendar import Calendar, CalendarSpec
from rostering.forecast import (
    BASELINES,
    CANDIDATES,
    ForecastResult,
    ForecastSettings,
    forecast_history,
)
from rostering.forecast.synthetic import SyntheticChannel, irreducible_wape
from tests.forecast.factories import (
    CHAT,
    INBOUND,
    as_history,
    interval_wape,
    joined,
    past_only,
    spec,
    split,
)

AHEAD = 14


@dataclass(frozen=True)
class Judged:
    """A forecast of a synthetic history and the truth of the days it forecast."""

    result: ForecastResult
    both: pd.DataFrame  # truth (volume, mean) beside the forecast, every interval


def judged(
    start: dt.date,
    weeks: int,
    *,
    channels: tuple[SyntheticChannel, ...],
    ahead: int = AHEAD,
    seed: int = 0,
    settings: ForecastSettings | None = None,
) -> Judged:
    made = spec(start, weeks, ahead=ahead, channels=channels, seed=seed)
    first = start + dt.timedelta(weeks=weeks)
    past, future = split(made, first)
    result = forecast_history(as_history(past), start=first, days=ahead, settings=settings)
    return Judged(result, joined(result.demand, future))


@pytest.fixture(scope="module")
def regular() -> Judged:
    """24 weeks of inbound and chat at 30 minutes, then two ordinary weeks (18-31 Aug 2025)."""
    return judged(dt.date(2025, 3, 3), 24, channels=(INBOUND, CHAT))


# --- accuracy against the irreducible error -------------------------------------------


@pytest.mark.parametrize("channel", ["inbound", "chat"])
def test_forecast_is_within_10_percent_of_the_irreducible_error(
    regular: Judged, channel: str
) -> None:
    both = regular.both.loc[regular.both["channel"] == channel]
    best_possible, _ = irreducible_wape(both)
    got = interval_wape(both["volume"], both["forecast"])
    assert got <= 1.10 * best_possible, (
        f"{channel}: forecast interval WAPE {got:.4f} is {got / best_possible:.3f} x the "
        f"irreducible {best_possible:.4f}"
    )


def test_chosen_model_is_no_worse_than_the_better_baseline_in_the_backtest(
    regular: Judged,
) -> None:
    for record, backtest in zip(regular.result.records, regular.result.backtests, strict=True):
        assert record.channel == backtest.channel
        assert record.model in CANDIDATES
        assert record.baseline in BASELINES
        assert record.interval_wape <= record.baseline_interval_wape
        scores = {s.model: s.interval_wape for s in backtest.scores}
        assert set(scores) == set(CANDIDATES)
        assert record.interval_wape == min(scores.values())
        assert record.baseline_interval_wape == min(scores[b] for b in BASELINES)
        assert record.origins == 3
        assert record.days_per_origin == AHEAD


# --- prediction intervals -------------------------------------------------------------

BANDS = ["volume_lo95", "volume_lo80", "forecast", "volume_hi80", "volume_hi95"]


def test_prediction_intervals_are_nested_around_the_forecast(regular: Judged) -> None:
    both = regular.both
    values = both[BANDS].to_numpy()
    assert (values >= 0).all()
    assert (np.diff(values, axis=1) >= 0).all(), "expected lo95 <= lo80 <= volume <= hi80 <= hi95"
    closed = both["forecast"] == 0
    assert closed.any(), "the synthetic site is closed at night"
    assert (both.loc[closed, BANDS] == 0).all().all()
    open_ = ~closed
    assert (both.loc[open_, "volume_hi95"] > both.loc[open_, "volume_hi80"]).mean() > 0.9


@pytest.mark.parametrize("channel", ["inbound", "chat"])
def test_80_percent_intervals_cover_about_80_percent_of_the_future(
    regular: Judged, channel: str
) -> None:
    both = regular.both.loc[(regular.both["channel"] == channel) & (regular.both["forecast"] > 0)]
    inside = (both["volume"] >= both["volume_lo80"]) & (both["volume"] <= both["volume_hi80"])
    inside95 = (both["volume"] >= both["volume_lo95"]) & (both["volume"] <= both["volume_hi95"])
    assert 0.65 <= inside.mean() <= 0.95, f"80 % interval covers {inside.mean():.1%}"
    assert inside95.mean() >= inside.mean()


# --- determinism ----------------------------------------------------------------------


def test_same_history_gives_the_same_forecast() -> None:
    start = dt.date(2025, 3, 3)
    history = as_history(past_only(spec(start, 10, channels=(CHAT,))))
    first = start + dt.timedelta(weeks=10)
    a = forecast_history(history, start=first, days=AHEAD)
    b = forecast_history(history, start=first, days=AHEAD)
    pd.testing.assert_frame_equal(a.demand, b.demand, check_exact=True)
    assert [r.model_dump() for r in a.records] == [r.model_dump() for r in b.records]


# --- a site that does not open at weekends --------------------------------------------

WEEKDAYS_ONLY = SyntheticChannel(
    "inbound", 2400.0, 240.0, weekday=(1.15, 1.05, 1.0, 1.0, 0.95, 0.0, 0.0)
)


def test_weekday_only_site_beats_the_baselines_and_meets_the_daily_target() -> None:
    start, weeks = dt.date(2025, 3, 3), 22  # five months; forecast 4-17 August 2025
    chosen = judged(start, weeks, channels=(WEEKDAYS_ONLY,))
    record = chosen.result.records[0]
    assert record.model not in BASELINES
    got = interval_wape(chosen.both["volume"], chosen.both["forecast"])
    baselines = {}
    for name in BASELINES:
        only = judged(start, weeks, channels=(WEEKDAYS_ONLY,), settings=_only(name))
        assert only.result.records[0].model == name
        baselines[name] = interval_wape(only.both["volume"], only.both["forecast"])
    assert got < min(baselines.values()), f"chosen {record.model} {got:.4f}, baselines {baselines}"
    day = chosen.both.groupby(chosen.both["interval_start"].str[:10])[["volume", "forecast"]].sum()
    weekend = pd.to_datetime(day.index).weekday >= 5
    assert (day.loc[weekend, "forecast"] == 0).all()
    assert interval_wape(day["volume"], day["forecast"]) <= 0.10


def _only(model: str) -> ForecastSettings:
    return ForecastSettings(models=(model,))


# --- holidays and adjusted working days -----------------------------------------------


@pytest.fixture(scope="module")
def national_day() -> tuple[ForecastResult, pd.DataFrame]:
    """Inbound from August 2025 (so last year's National Day is seen) to 27 September
    2026, forecast 28 September to 18 October 2026; the forecast's and the truth's day
    totals."""
    start = dt.date(2025, 8, 4)
    judged_days = judged(start, 60, channels=(INBOUND,), ahead=21)
    assert judged_days.both["interval_start"].iloc[0] == "2026-09-28T00:00:00"
    day = judged_days.both.groupby(judged_days.both["interval_start"].str[:10])
    totals = day[["forecast", "mean"]].sum()
    totals.index = pd.to_datetime(totals.index).date
    return judged_days.result, totals


def _kinds(dates: list[dt.date]) -> dict[str, list[dt.date]]:
    calendar = Calendar(CalendarSpec())
    out: dict[str, list[dt.date]] = {"holiday": [], "adjusted": [], "weekday": [], "weekend": []}
    for d in dates:
        if calendar.holiday_name(d) is not None:
            out["holiday"].append(d)
        elif calendar.is_adjusted_working_day(d):
            out["adjusted"].append(d)
        else:
            out["weekday" if d.weekday() < 5 else "weekend"].append(d)
    return out


def test_national_day_is_forecast_lower_than_the_weekdays_around_it(
    national_day: tuple[ForecastResult, pd.DataFrame],
) -> None:
    _, totals = national_day
    kinds = _kinds(list(totals.index))
    holidays = [d for d in kinds["holiday"] if d.month == 10 and d.day <= 7]
    assert len(holidays) >= 5
    weekdays = kinds["weekday"]
    assert dt.date(2026, 9, 30) in weekdays and dt.date(2026, 10, 8) in weekdays
    lowest_weekday = totals.loc[weekdays, "forecast"].min()
    for d in holidays:
        assert totals.loc[d, "forecast"] < 0.6 * lowest_weekday, d
        truth = totals.loc[d, "mean"]
        assert totals.loc[d, "forecast"] == pytest.approx(truth, rel=0.25), d
    assert totals.loc[holidays, "forecast"].gt(0).all()


def test_adjusted_working_day_is_forecast_like_a_workday(
    national_day: tuple[ForecastResult, pd.DataFrame],
) -> None:
    _, totals = national_day
    kinds = _kinds(list(totals.index))
    saturday = dt.date(2026, 10, 10)
    assert Calendar(CalendarSpec()).is_adjusted_working_day(saturday)
    assert kinds["adjusted"] == [saturday]
    adjusted = totals.loc[saturday, "forecast"]
    workday = totals.loc[kinds["weekday"], "forecast"].mean()
    weekend = totals.loc[kinds["weekend"], "forecast"].max()
    assert adjusted == pytest.approx(workday, rel=0.15)
    assert adjusted > 1.3 * weekend
    assert adjusted == pytest.approx(totals.loc[saturday, "mean"], rel=0.15)


def test_the_history_holidays_were_set_aside_from_the_fit(
    national_day: tuple[ForecastResult, pd.DataFrame],
) -> None:
    result, _ = national_day
    record = result.records[0]
    assert record.history_start == dt.date(2025, 8, 4)
    assert record.history_end == dt.date(2026, 9, 27)
    # National Day and Mid-Autumn 2025, New Year, Spring Festival, Qingming, Labour Day,
    # Dragon Boat and Mid-Autumn 2026, with their adjusted working days
    assert record.days_filled["special"] >= 25


# --- a one-off campaign ---------------------------------------------------------------


def test_a_one_off_campaign_day_barely_moves_the_forecast() -> None:
    start, weeks = dt.date(2025, 3, 3), 16
    frame = past_only(spec(start, weeks))
    first = start + dt.timedelta(weeks=weeks)
    campaign = (first - dt.timedelta(days=10)).isoformat()  # a Friday in the last fortnight
    boosted = frame.copy()
    on = boosted["interval_start"].str.startswith(campaign)
    assert on.sum() > 20
    boosted.loc[on, "volume"] *= 5
    plain = forecast_history(as_history(frame), start=first, days=AHEAD)
    odd = forecast_history(as_history(boosted), start=first, days=AHEAD)
    assert odd.records[0].days_filled["outlier"] == plain.records[0].days_filled["outlier"] + 1
    a, b = plain.demand["volume"], odd.demand["volume"]
    assert b.sum() == pytest.approx(a.sum(), rel=0.02)
    assert interval_wape(a, b) <= 0.03
    day_a = a.groupby(plain.demand["interval_start"].dt.date).sum()
    day_b = b.groupby(odd.demand["interval_start"].dt.date).sum()
    assert (day_b / day_a - 1).abs().max() <= 0.05
