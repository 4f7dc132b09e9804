"""Demand forecast from a contact history: what a scenario asks for, and what it got.

``HistorySource`` is what ``demand: {history: ...}`` in ``scenario.yaml``
says; loading the folder forecasts the horizon and puts a
``DemandForecast`` beside the forecast intervals, recording the model chosen
for each channel and how it fared in the backtest.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from rostering.types import ChannelId

ACCURACY_TARGET = 0.90
"""The seed's forecast accuracy target (seed 001, 话务预测准确率 >= 90 %), read as
one minus the daily WAPE."""


class HistorySource(BaseModel):
    """A contact history the demand is forecast from."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    file: str = Field(
        description="CSV in the scenario folder: interval_start, channel, volume[, aht_s]."
    )
    origins: int = Field(3, ge=1, le=12, description="Backtest origins the models are chosen on.")
    closed_days: list[dt.date] = Field(
        default_factory=list, description="Dates the site is closed (no demand)."
    )
    aht_s: dict[ChannelId, Annotated[float, Field(gt=0, le=86_400)]] = Field(
        default_factory=dict,
        description="Handling time, seconds, of channels whose history has no aht_s column.",
    )
    models: list[str] | None = Field(
        None, description="Candidate models to choose among (default: all)."
    )


class ForecastCheck(BaseModel):
    """The last backtest window of a channel: the chosen model against what happened."""

    model_config = ConfigDict(extra="forbid")

    start: dt.datetime = Field(description="Local start of the first interval.")
    interval_minutes: int = Field(gt=0)
    actual: list[float | None]
    forecast: list[float]
    lo80: list[float]
    hi80: list[float]
    lo95: list[float]
    hi95: list[float]


class ChannelForecastRecord(BaseModel):
    """The model chosen for one channel and its backtest accuracy."""

    model_config = ConfigDict(extra="forbid")

    channel: ChannelId
    model: str
    interval_wape: float = Field(description="Backtest WAPE over intervals.")
    daily_wape: float = Field(description="Backtest WAPE over day totals.")
    bias: float = Field(description="Backtest (forecast - actual) / actual.")
    baseline: str = Field(description="The better simple baseline.")
    baseline_interval_wape: float
    baseline_daily_wape: float
    origins: int
    days_per_origin: int
    history_start: dt.date
    history_end: dt.date
    grain_minutes: int
    days_filled: dict[str, int] = Field(
        default_factory=dict, description="History days filled in: absent, outlier, special."
    )
    check: ForecastCheck | None = None

    @property
    def accuracy_met(self) -> bool:
        """Daily accuracy (1 - daily WAPE) meets the seed's target."""
        return 1.0 - self.daily_wape >= ACCURACY_TARGET


class DemandForecast(BaseModel):
    """Where a scenario's demand came from."""

    model_config = ConfigDict(extra="forbid")

    history: str
    channels: list[ChannelForecastRecord]
