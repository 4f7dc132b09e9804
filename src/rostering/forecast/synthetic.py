"""Synthetic contact histories with a known truth, for tests, notebooks and benchmarks.

Every interval's expected volume is the product of a channel's level (with a
yearly trend), a weekday factor, the China calendar (holidays low, adjusted
working days like a workday), a smooth intraday profile inside opening hours
and a day-level effect that no model can know in advance (gamma, mean 1).
Volumes are Poisson around it. A history then loses whole days and suffers
outages (hours at zero), as real exports do.

The irreducible error of a forecast is that of the expected volume without
the day effect (``mean``): :func:`irreducible_wape`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rostering.domain.calendar import Calendar, CalendarSpec


@dataclass(frozen=True)
class SyntheticChannel:
    """One channel of a synthetic history."""

    name: str
    daily: float
    aht_s: float
    peaks: tuple[float, ...] = (10.5, 15.0)
    weekday: tuple[float, ...] = (1.15, 1.05, 1.0, 1.0, 0.95, 0.7, 0.6)
    opens: float = 8.0
    closes: float = 22.0
    holiday: float = 0.55
    growth: float = 0.10


DEFAULT_CHANNELS = (
    SyntheticChannel("inbound", 2400.0, 240.0),
    SyntheticChannel("chat", 1200.0, 420.0, peaks=(11.0, 20.0), growth=0.25),
    SyntheticChannel(
        "email", 500.0, 600.0, peaks=(9.5,), weekday=(1.3, 1.1, 1.0, 1.0, 0.9, 0.4, 0.3), growth=0.0
    ),
)


@dataclass(frozen=True)
class SyntheticSpec:
    """How a synthetic history is made."""

    start: dt.date
    days: int
    grain: int = 15
    channels: tuple[SyntheticChannel, ...] = DEFAULT_CHANNELS
    day_cv: float = 0.05
    missing_days: float = 0.01
    outages: float = 0.01
    seed: int = 0
    gaps_before: dt.date | None = None
    calendar: CalendarSpec = field(default_factory=CalendarSpec)


def _profile(channel: SyntheticChannel, grain: int) -> np.ndarray:
    hours = (np.arange(1440 // grain) + 0.5) * grain / 60
    shape = sum(np.exp(-0.5 * ((hours - p) / 2.0) ** 2) for p in channel.peaks) + 0.15
    shape = np.where((hours >= channel.opens) & (hours < channel.closes), shape, 0.0)
    return np.asarray(shape / shape.sum())


def synthetic_history(spec: SyntheticSpec, *, drop_empty: bool = True) -> pd.DataFrame:
    """Rows ``interval_start, channel, volume, aht_s, mean`` with days absent as in exports.

    ``mean`` is the truth: the expected volume without the day effect. Absent
    days and outages happen only before ``spec.gaps_before`` (all days if None).
    Intervals without contacts are left out, as exports do, unless
    ``drop_empty`` is false.
    """
    rng = np.random.default_rng(spec.seed)
    cal = Calendar(spec.calendar)
    dates = [spec.start + dt.timedelta(days=i) for i in range(spec.days)]
    slots = 1440 // spec.grain
    frames = []
    for channel in spec.channels:
        profile = _profile(channel, spec.grain)
        level = np.empty(len(dates))
        for i, d in enumerate(dates):
            trend = (1 + channel.growth) ** (i / 365)
            name = cal.holiday_name(d)
            if name is not None:
                factor = channel.holiday * channel.weekday[6]
            elif cal.is_adjusted_working_day(d):
                factor = float(np.mean(channel.weekday[:5]))
            else:
                factor = channel.weekday[d.weekday()]
            level[i] = channel.daily * trend * factor
        mean = level[:, None] * profile[None, :]
        effect = rng.gamma(1 / spec.day_cv**2, spec.day_cv**2, size=len(dates))
        volume = rng.poisson(mean * effect[:, None]).astype(float)
        hours = (np.arange(slots) + 0.5) * spec.grain / 60
        aht_shape = 1 + 0.08 * np.sin((hours - 9) / 24 * 2 * np.pi)
        aht = np.clip(
            channel.aht_s * aht_shape[None, :] * rng.normal(1, 0.05, mean.shape), 30, None
        )
        keep = np.ones(len(dates), dtype=bool)
        gap = np.array([spec.gaps_before is None or d < spec.gaps_before for d in dates])
        keep &= ~(gap & (rng.random(len(dates)) < spec.missing_days))
        outage = gap & (rng.random(len(dates)) < spec.outages)
        for day in np.flatnonzero(outage):
            begin = int(rng.integers(0, slots - 8))
            volume[day, begin : begin + int(rng.integers(2, 8))] = 0.0
        starts = pd.date_range(
            pd.Timestamp(spec.start), periods=len(dates) * slots, freq=f"{spec.grain}min"
        )
        frame = pd.DataFrame(
            {
                "interval_start": starts,
                "channel": channel.name,
                "volume": volume.ravel(),
                "aht_s": np.round(aht.ravel(), 1),
                "mean": mean.ravel(),
            }
        )
        rows = np.repeat(keep, slots) & ((frame["volume"] > 0).to_numpy() | (not drop_empty))
        frames.append(frame.loc[rows])
    out = pd.concat(frames, ignore_index=True)
    out["interval_start"] = out["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    return out


def irreducible_wape(truth: pd.DataFrame) -> tuple[float, float]:
    """Interval and daily WAPE of the true expected volume against what happened.

    ``truth`` holds every interval of one period (``drop_empty=False``) with
    ``mean`` and ``volume``, at the grain they are judged at.
    """
    err = np.abs(truth["volume"] - truth["mean"]).sum() / truth["volume"].sum()
    day = pd.to_datetime(truth["interval_start"]).dt.date
    per = truth.assign(day=day).groupby(["channel", "day"])[["volume", "mean"]].sum()
    daily = np.abs(per["volume"] - per["mean"]).sum() / per["volume"].sum()
    return float(err), float(daily)
