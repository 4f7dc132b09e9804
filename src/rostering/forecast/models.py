"""The candidate forecasters, each from statsforecast.

Every candidate forecasts the next ``h`` open-weekday days of a prepared
channel as an ``h x slots`` volume matrix:

- **seasonal naive** (baseline): each interval as it was on the same weekday
  a week before (``SeasonalNaive`` over the interval series);
- **mean of 4 weekdays** (baseline): each interval as the mean of the last four
  same weekdays (``SeasonalWindowAverage``);
- **ETS x profile**: daily totals by ``AutoETS`` with a weekly season, spread
  over the day by the weekday's intraday profile;
- **Theta x profile**: the same with ``AutoTheta``;
- **ARIMA x profile**: the same with ``AutoARIMA`` (the last 26 weeks).

Daily-total models with an intraday profile are the standard top-down method
for contact centres: the day's level carries the trend and the weekly cycle,
and the profile, averaged over recent same weekdays, the shape of the day.
"""

from __future__ import annotations

import logging
import os
from abc import ABC, abstractmethod
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from rostering.forecast.days import Prepared

log = logging.getLogger(__name__)

os.environ.setdefault("NIXTLA_ID_AS_COL", "1")

ARIMA_WEEKS = 26
"""Weeks of daily totals an ARIMA is fitted on (its fit time grows fast with length)."""


def _statsforecast(model: Any, values: np.ndarray, h: int) -> np.ndarray:
    """Point forecast of one series with one statsforecast model."""
    from statsforecast import StatsForecast

    frame = pd.DataFrame(
        {"unique_id": "s", "ds": np.arange(len(values)), "y": values.astype(float)}
    )
    out = StatsForecast(models=[model], freq=1).forecast(h=h, df=frame)
    alias = str(model.alias) if hasattr(model, "alias") else str(model)
    return np.asarray(out[alias].to_numpy(), dtype=float)


class Candidate(ABC):
    """One way to forecast a channel."""

    name: ClassVar[str]
    baseline: ClassVar[bool] = False

    @abstractmethod
    def forecast(self, prepared: Prepared, h: int) -> np.ndarray:
        """Volumes of the next ``h`` open-weekday days (``h x slots``)."""


class SeasonalNaiveCandidate(Candidate):
    """Each interval as it was on the same weekday one week before."""

    name = "seasonal naive"
    baseline = True

    def forecast(self, prepared: Prepared, h: int) -> np.ndarray:
        from statsforecast.models import SeasonalNaive

        season = prepared.season * prepared.slots
        flat = _statsforecast(
            SeasonalNaive(season_length=season), prepared.clean.ravel(), h * prepared.slots
        )
        return np.asarray(np.clip(flat.reshape(h, prepared.slots), 0, None), dtype=float)


class WeekdayMeanCandidate(Candidate):
    """Each interval as the mean of the last four same weekdays."""

    name = "mean of 4 weekdays"
    baseline = True

    def forecast(self, prepared: Prepared, h: int) -> np.ndarray:
        from statsforecast.models import SeasonalWindowAverage

        season = prepared.season * prepared.slots
        weeks = min(4, len(prepared.clean) // prepared.season)
        model = SeasonalWindowAverage(season_length=season, window_size=max(1, weeks))
        flat = _statsforecast(model, prepared.clean.ravel(), h * prepared.slots)
        return np.asarray(np.clip(flat.reshape(h, prepared.slots), 0, None), dtype=float)


class _DailyTimesProfile(Candidate):
    """A daily-total model spread over the day by the weekday's profile."""

    weeks: ClassVar[int | None] = None

    @abstractmethod
    def model(self, season: int) -> Any:
        """The statsforecast model of the daily totals."""

    def forecast(self, prepared: Prepared, h: int) -> np.ndarray:
        totals = prepared.totals
        if self.weeks is not None:
            totals = totals[-self.weeks * prepared.season :]
        season = prepared.season if len(totals) >= 2 * prepared.season else 1
        daily = np.clip(_statsforecast(self.model(season), totals, h), 0, None)
        last = prepared.positions[-1].weekday()
        following = _following_weekdays(prepared.open_weekdays, last, h)
        return np.vstack([daily[k] * prepared.profiles[w] for k, w in enumerate(following)])


class EtsCandidate(_DailyTimesProfile):
    """Daily totals by exponential smoothing (AutoETS, weekly season) x profile."""

    name = "ETS x profile"

    def model(self, season: int) -> Any:
        from statsforecast.models import AutoETS

        return AutoETS(season_length=season)


class ThetaCandidate(_DailyTimesProfile):
    """Daily totals by the Theta method (AutoTheta, weekly season) x profile."""

    name = "Theta x profile"

    def model(self, season: int) -> Any:
        from statsforecast.models import AutoTheta

        return AutoTheta(season_length=season)


class ArimaCandidate(_DailyTimesProfile):
    """Daily totals by AutoARIMA over the last 26 weeks (weekly season) x profile."""

    name = "ARIMA x profile"
    weeks = ARIMA_WEEKS

    def model(self, season: int) -> Any:
        from statsforecast.models import AutoARIMA

        return AutoARIMA(season_length=season)


def _following_weekdays(open_weekdays: list[int], last: int, h: int) -> list[int]:
    """The weekdays of the ``h`` open days after a day of weekday ``last``."""
    out: list[int] = []
    w = last
    while len(out) < h:
        w = (w + 1) % 7
        if w in open_weekdays:
            out.append(w)
    return out


CANDIDATES: dict[str, type[Candidate]] = {
    c.name: c
    for c in (
        SeasonalNaiveCandidate,
        WeekdayMeanCandidate,
        EtsCandidate,
        ThetaCandidate,
        ArimaCandidate,
    )
}
"""Every candidate by name, baselines first."""
BASELINES = [name for name, c in CANDIDATES.items() if c.baseline]
