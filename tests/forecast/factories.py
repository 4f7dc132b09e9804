"""Synthetic histories for the forecast tests: the past as a file, the future as the truth."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from rostering.forecast import History, read_history
from rostering.forecast.synthetic import (
    DEFAULT_CHANNELS,
    SyntheticChannel,
    SyntheticSpec,
    synthetic_history,
)

FILE_COLUMNS = ["interval_start", "channel", "volume", "aht_s"]
"""Columns of a history file as a platform exports it."""

INBOUND, CHAT, EMAIL = DEFAULT_CHANNELS


def spec(
    start: dt.date,
    weeks: int,
    *,
    ahead: int = 0,
    grain: int = 30,
    channels: tuple[SyntheticChannel, ...] = (INBOUND,),
    seed: int = 0,
) -> SyntheticSpec:
    """``weeks`` of history from ``start`` and ``ahead`` complete days after it."""
    days = weeks * 7
    return SyntheticSpec(
        start=start,
        days=days + ahead,
        grain=grain,
        channels=channels,
        seed=seed,
        gaps_before=start + dt.timedelta(days=days),
    )


def split(made: SyntheticSpec, cut: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The history before ``cut`` as exported (empty intervals left out) and every
    interval from ``cut`` on with its truth (``mean``)."""
    full = synthetic_history(made, drop_empty=False)
    stamp = cut.isoformat()
    before = full["interval_start"] < stamp
    past = full.loc[before & (full["volume"] > 0), FILE_COLUMNS].reset_index(drop=True)
    future = full.loc[~before].reset_index(drop=True)
    return past, future


def past_only(made: SyntheticSpec) -> pd.DataFrame:
    """A whole synthetic history as exported."""
    return synthetic_history(replace(made, gaps_before=None))[FILE_COLUMNS]


def as_history(frame: pd.DataFrame) -> History:
    """A history frame read as a file would be (its cells as text)."""
    return read_history(frame.astype(str), file="history.csv")


def write(frame: pd.DataFrame, path: Path) -> Path:
    """Write a history frame as a CSV file."""
    frame.to_csv(path, index=False)
    return path


def local(demand: pd.DataFrame) -> pd.DataFrame:
    """Forecast demand with ``interval_start`` as naive wall-clock text (the history's form)."""
    stamps = demand["interval_start"].dt.tz_localize(None).dt.strftime("%Y-%m-%dT%H:%M:%S")
    return demand.assign(interval_start=stamps)


def joined(demand: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Truth and forecast side by side per interval: ``volume`` happened, ``forecast`` was
    forecast (with its ``volume_lo80`` ... columns)."""
    forecast = local(demand).rename(columns={"volume": "forecast", "aht_s": "forecast_aht_s"})
    both = truth.merge(forecast, on=["interval_start", "channel"], how="inner")
    assert len(both) == len(truth) == len(forecast), "forecast and truth cover other intervals"
    return both


def day_totals(demand: pd.DataFrame, column: str = "volume") -> pd.Series:
    """Volume per (channel, date) of a forecast."""
    day = demand["interval_start"].dt.date
    return demand.groupby([demand["channel"], day])[column].sum()


def interval_wape(actual: pd.Series, forecast: pd.Series) -> float:
    """Sum |a - f| / sum a."""
    return float(np.abs(actual - forecast).sum() / actual.sum())
