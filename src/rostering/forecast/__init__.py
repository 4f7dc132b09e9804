"""Forecast stage: interval demand from a contact history.

:func:`read_history` checks a history CSV, :func:`forecast_history` chooses a
model per channel by rolling-origin backtest and forecasts ahead with
prediction intervals, :func:`backtest_history` scores every candidate, and
:mod:`rostering.forecast.synthetic` makes histories with a known truth.
"""

from rostering.forecast.engine import (
    FORECAST_COLUMNS,
    MIN_FIT_DAYS,
    ChannelBacktest,
    ForecastResult,
    ForecastSettings,
    Score,
    backtest_history,
    bias,
    forecast_history,
    wape,
)
from rostering.forecast.history import History, read_history
from rostering.forecast.models import BASELINES, CANDIDATES

__all__ = [
    "BASELINES",
    "CANDIDATES",
    "FORECAST_COLUMNS",
    "MIN_FIT_DAYS",
    "ChannelBacktest",
    "ForecastResult",
    "ForecastSettings",
    "History",
    "Score",
    "backtest_history",
    "bias",
    "forecast_history",
    "read_history",
    "wape",
]
