"""Forecast a history: backtest the candidates per channel, keep the best, forecast ahead.

For each channel the history is cut at ``origins`` points, each ``days``
before the next (rolling origin); every candidate is fitted on what came
before a cut and scored on the days after it. The candidate with the lowest
interval WAPE over all cuts forecasts the requested days, with prediction
intervals from its own backtest errors (:mod:`rostering.forecast.bands`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from rostering.domain.calendar import Calendar, CalendarSpec
from rostering.domain.forecast import ChannelForecastRecord, ForecastCheck
from rostering.errors import Problem, ScenarioError
from rostering.forecast.bands import Bands
from rostering.forecast.days import DayKind, Prepared, day_kinds, prepare, week_of
from rostering.forecast.history import History, day_matrix
from rostering.forecast.models import BASELINES, CANDIDATES, Candidate

log = logging.getLogger(__name__)

MIN_FIT_DAYS = 28
"""Days of history a model is fitted on at the least: four of each weekday."""
FORECAST_COLUMNS = (
    "interval_start", "channel", "volume", "aht_s",
    "volume_lo80", "volume_hi80", "volume_lo95", "volume_hi95",
)  # fmt: skip
"""Columns of a forecast ``demand.csv``."""

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ForecastSettings:
    """What to forecast and how to choose the model."""

    interval: int = 30
    origins: int = 3
    calendar: CalendarSpec = field(default_factory=CalendarSpec)
    closed_days: frozenset[dt.date] = frozenset()
    models: tuple[str, ...] = tuple(CANDIDATES)
    aht_s: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Score:
    """One candidate's accuracy over every backtest window of a channel."""

    model: str
    baseline: bool
    interval_wape: float
    daily_wape: float
    bias: float


@dataclass
class ChannelBacktest:
    """Every candidate's forecasts of the backtest windows of one channel."""

    channel: str
    frame: pd.DataFrame  # model, origin, date, slot, actual, forecast
    scores: list[Score]
    origins: int
    days: int
    dates: list[dt.date]
    grain: int
    chosen_from: tuple[str, ...] = ()  # the candidates asked for (default: every one scored)

    @property
    def best(self) -> Score:
        """The candidate asked for with the lowest interval WAPE."""
        eligible = [s for s in self.scores if not self.chosen_from or s.model in self.chosen_from]
        return min(eligible, key=lambda s: s.interval_wape)

    @property
    def best_baseline(self) -> Score:
        """The better of the simple baselines."""
        return min((s for s in self.scores if s.baseline), key=lambda s: s.interval_wape)


@dataclass
class ForecastResult:
    """A forecast: the demand rows, one record per channel and the backtest behind it."""

    demand: pd.DataFrame
    records: list[ChannelForecastRecord]
    backtests: list[ChannelBacktest]


def wape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Weighted absolute percentage error: sum |a - f| / sum a."""
    total = float(np.sum(actual))
    return float(np.sum(np.abs(actual - forecast)) / total) if total > 0 else float("nan")


def bias(actual: np.ndarray, forecast: np.ndarray) -> float:
    """(sum f - sum a) / sum a: above zero the forecast runs high."""
    total = float(np.sum(actual))
    return float((np.sum(forecast) - total) / total) if total > 0 else float("nan")


def project(
    prepared: Prepared,
    candidate: Candidate,
    targets: list[dt.date],
    kinds: list[DayKind],
) -> np.ndarray:
    """Volumes of the target dates (``len(targets) x slots``) by one candidate."""
    last = prepared.dates[-1]
    end = week_of(max(targets)) + dt.timedelta(days=6)
    ahead = [last + dt.timedelta(days=i) for i in range(1, (end - last).days + 1)]
    open_ahead = [d for d in ahead if d.weekday() in prepared.open_weekdays]
    out = np.zeros((len(targets), prepared.slots))
    if not open_ahead:
        return out
    volumes = candidate.forecast(prepared, len(open_ahead))
    row = {d: k for k, d in enumerate(open_ahead)}
    week_level: dict[dt.date, list[float]] = {}
    for d, k in row.items():
        week_level.setdefault(week_of(d), []).append(float(volumes[k].sum()))
    for i, (d, kind) in enumerate(zip(targets, kinds, strict=True)):
        if kind is DayKind.CLOSED:
            continue
        if kind is DayKind.REGULAR:
            if d in row:
                out[i] = volumes[row[d]]
            continue
        special = prepared.specials[kind]
        if special.seen == 0 and kind is DayKind.HOLIDAY:
            if d in row:
                out[i] = volumes[row[d]]
            continue
        level = week_level.get(week_of(d))
        if level:
            out[i] = float(np.mean(level)) * special.ratio * special.profile
    return out


def _aht_rows(
    prepared: Prepared, targets: list[dt.date], kinds: list[DayKind], fixed: float | None
) -> np.ndarray:
    slots = prepared.slots
    if fixed is not None:
        return np.full((len(targets), slots), fixed)
    fallback = float(np.nanmean(list(prepared.aht.values()))) if prepared.aht else np.nan
    rows = []
    for d, kind in zip(targets, kinds, strict=True):
        if kind in (DayKind.HOLIDAY, DayKind.ADJUSTED) and prepared.specials[kind].seen:
            rows.append(prepared.specials[kind].aht)
        elif d.weekday() in prepared.aht:
            rows.append(prepared.aht[d.weekday()])
        else:
            rows.append(np.full(slots, fallback))
    return np.vstack(rows)


class _Channel:
    """One channel of a history at the forecast grain."""

    def __init__(self, history: History, channel: str, settings: ForecastSettings) -> None:
        self.name = channel
        self.grain = settings.interval
        self.source_grain = history.grain[channel]
        if self.source_grain > self.grain:
            log.warning(
                "%s: history of %s is %d-minute; each interval is spread evenly over %d-minute "
                "ones",
                history.file,
                channel,
                self.source_grain,
                self.grain,
            )
        self.dates, self.volume, self.work = day_matrix(history, channel, self.grain)
        self.calendar = Calendar(settings.calendar)
        self.closed = set(settings.closed_days)
        self.kinds = day_kinds(self.calendar, self.dates, self.closed)

    def keep_before(self, day: dt.date) -> None:
        """Drop the history from ``day`` on."""
        keep = sum(d < day for d in self.dates)
        self.dates = self.dates[:keep]
        self.volume = self.volume[:keep]
        self.work = self.work[:keep]
        self.kinds = self.kinds[:keep]

    def prepared(self, upto: int) -> Prepared:
        return prepare(self.dates[:upto], self.volume[:upto], self.work[:upto], self.kinds[:upto])

    def kinds_of(self, dates: list[dt.date]) -> list[DayKind]:
        return day_kinds(self.calendar, dates, self.closed)


def _need(channel: _Channel, days: int, origins: int, file: str) -> int:
    """Backtest origins the history allows; an error if not even one."""
    have = len(channel.dates)
    possible = (have - MIN_FIT_DAYS) // days
    if possible < 1:
        raise ScenarioError(
            [
                Problem(
                    file,
                    f"channel {channel.name}",
                    f"too little history: {have} day(s) ({channel.dates[0]} to "
                    f"{channel.dates[-1]}); forecasting {days} day(s) needs at least "
                    f"{MIN_FIT_DAYS + days}: {MIN_FIT_DAYS} to fit the models on and {days} "
                    "to test them on",
                )
            ]
        )
    if possible < origins:
        log.warning(
            "%s: %s has history for %d backtest origin(s) of %d days, not %d",
            file,
            channel.name,
            possible,
            days,
            origins,
        )
    return min(origins, possible)


def _backtest(
    channel: _Channel, days: int, origins: int, models: Sequence[str], progress: Progress | None
) -> ChannelBacktest:
    """Score the models, and the baselines beside them even where not asked for."""
    scored = list(dict.fromkeys([*models, *BASELINES]))
    frames = []
    n = len(channel.dates)
    for o in range(origins, 0, -1):
        cut = n - o * days
        test = list(range(cut, cut + days))
        dates = [channel.dates[i] for i in test]
        kinds = [channel.kinds[i] for i in test]
        prepared = channel.prepared(cut)
        actual = channel.volume[test]
        present = ~np.isnan(actual).all(axis=1)
        for name in scored:
            if progress:
                progress(f"{channel.name}: origin {origins - o + 1}/{origins}, {name}")
            forecast = project(prepared, CANDIDATES[name](), dates, kinds)
            slots = actual.shape[1]
            frames.append(
                pd.DataFrame(
                    {
                        "model": name,
                        "origin": origins - o + 1,
                        "date": np.repeat(np.array(dates, dtype=object)[present], slots),
                        "slot": np.tile(np.arange(slots), int(present.sum())),
                        "actual": actual[present].ravel(),
                        "forecast": forecast[present].ravel(),
                    }
                )
            )
    frame = pd.concat(frames, ignore_index=True)
    scores = []
    for model, rows in frame.groupby("model", sort=False):
        name = str(model)
        per_day = rows.groupby(["origin", "date"])[["actual", "forecast"]].sum()
        scores.append(
            Score(
                model=name,
                baseline=name in BASELINES,
                interval_wape=wape(rows["actual"].to_numpy(), rows["forecast"].to_numpy()),
                daily_wape=wape(per_day["actual"].to_numpy(), per_day["forecast"].to_numpy()),
                bias=bias(rows["actual"].to_numpy(), rows["forecast"].to_numpy()),
            )
        )
    return ChannelBacktest(
        channel.name,
        frame,
        scores,
        origins,
        days,
        channel.dates,
        channel.grain,
        tuple(dict.fromkeys(models)),
    )


def _channels(history: History, settings: ForecastSettings, upto: dt.date | None) -> list[_Channel]:
    out = []
    for name in history.channels:
        channel = _Channel(history, name, settings)
        if upto is not None and channel.dates[-1] >= upto:
            log.warning(
                "%s: %s history from %s on is not used (the forecast starts then)",
                history.file,
                name,
                upto,
            )
            channel.keep_before(upto)
            if not channel.dates:
                raise ScenarioError(
                    [Problem(history.file, f"channel {name}", f"no history before {upto}")]
                )
        out.append(channel)
    return out


def backtest_history(
    history: History,
    *,
    days: int = 14,
    settings: ForecastSettings | None = None,
    progress: Progress | None = None,
) -> list[ChannelBacktest]:
    """Rolling-origin backtest of every candidate on every channel of a history."""
    settings = settings or ForecastSettings()
    _check_models(settings.models, history.file)
    channels = _channels(history, settings, None)
    origins = {c.name: _need(c, days, settings.origins, history.file) for c in channels}
    return [_backtest(c, days, origins[c.name], settings.models, progress) for c in channels]


def _check_models(models: Sequence[str], file: str) -> None:
    unknown = [m for m in models if m not in CANDIDATES]
    if unknown or not models:
        raise ScenarioError(
            [Problem(file, "models", f"unknown model(s) {unknown}: choose from {list(CANDIDATES)}")]
        )


def _local_index(dates: list[dt.date], grain: int, timezone: str) -> pd.DatetimeIndex:
    start = pd.Timestamp(dt.datetime.combine(dates[0], dt.time()))
    naive = pd.date_range(start, periods=len(dates) * 1440 // grain, freq=f"{grain}min")
    return naive.tz_localize(ZoneInfo(timezone), nonexistent="shift_forward", ambiguous=False)


def _check_series(backtest: ChannelBacktest, model: str, bands: Bands) -> ForecastCheck:
    """The last backtest window of the chosen model, with its intervals."""
    last = backtest.frame.loc[
        (backtest.frame["model"] == model) & (backtest.frame["origin"] == backtest.origins)
    ]
    slots = 1440 // backtest.grain
    first = backtest.dates[-backtest.days]
    full = pd.MultiIndex.from_product(
        [[first + dt.timedelta(days=i) for i in range(backtest.days)], range(slots)]
    )
    series = last.set_index(["date", "slot"])[["actual", "forecast"]].reindex(full)
    forecast = series["forecast"].fillna(0.0).to_numpy()
    around = bands.around(forecast)

    def rounded(values: np.ndarray) -> list[float]:
        return [round(float(v), 1) for v in values]

    return ForecastCheck(
        start=dt.datetime.combine(first, dt.time()),
        interval_minutes=backtest.grain,
        actual=[None if np.isnan(v) else round(float(v), 1) for v in series["actual"]],
        forecast=rounded(forecast),
        lo80=rounded(around["volume_lo80"]),
        hi80=rounded(around["volume_hi80"]),
        lo95=rounded(around["volume_lo95"]),
        hi95=rounded(around["volume_hi95"]),
    )


def forecast_history(
    history: History,
    *,
    start: dt.date,
    days: int,
    settings: ForecastSettings | None = None,
    progress: Progress | None = None,
) -> ForecastResult:
    """Forecast ``days`` days from ``start`` for every channel of a history.

    Each channel's model is chosen by a rolling-origin backtest over windows as
    long as the forecast (at most 28 days). History from ``start`` on is not used.
    """
    settings = settings or ForecastSettings()
    _check_models(settings.models, history.file)
    aht_given = dict(settings.aht_s)
    if not history.has_aht:
        missing = [c for c in history.channels if c not in aht_given]
        if missing:
            raise ScenarioError(
                [
                    Problem(
                        history.file,
                        "row 1",
                        f"no aht_s column, and no handling time given for {missing}: add the "
                        "column, or give aht_s per channel",
                    )
                ]
            )
    window = min(days, 28)
    channels = _channels(history, settings, start)
    origins = {c.name: _need(c, window, settings.origins, history.file) for c in channels}
    targets = [start + dt.timedelta(days=i) for i in range(days)]
    index = _local_index(targets, settings.interval, history.timezone)
    demand, records, backtests = [], [], []
    for channel in channels:
        backtest = _backtest(channel, window, origins[channel.name], settings.models, progress)
        best = backtest.best
        model = best.model
        chosen = backtest.frame.loc[backtest.frame["model"] == model]
        bands = Bands.fit(chosen["forecast"].to_numpy(), chosen["actual"].to_numpy())
        prepared = channel.prepared(len(channel.dates))
        kinds = channel.kinds_of(targets)
        unseen = [d for d, k in zip(targets, kinds, strict=True) if k is DayKind.HOLIDAY]
        if unseen and not prepared.specials[DayKind.HOLIDAY].seen:
            log.warning(
                "%s: no public holiday in the history of %s; %s forecast as ordinary days of "
                "their weekdays (name them closed days if the site closes)",
                history.file,
                channel.name,
                ", ".join(str(d) for d in unseen),
            )
        if progress:
            progress(f"{channel.name}: forecasting {days} days with {model}")
        volume = project(prepared, CANDIDATES[model](), targets, kinds)
        aht = _aht_rows(prepared, targets, kinds, aht_given.get(channel.name))
        flat = volume.ravel()
        rows = pd.DataFrame(
            {
                "interval_start": index,
                "channel": channel.name,
                "volume": flat,
                "aht_s": aht.ravel(),
                **bands.around(flat),
            }
        )
        demand.append(rows)
        base = backtest.best_baseline
        records.append(
            ChannelForecastRecord(
                channel=channel.name,
                model=model,
                interval_wape=best.interval_wape,
                daily_wape=best.daily_wape,
                bias=best.bias,
                baseline=base.model,
                baseline_interval_wape=base.interval_wape,
                baseline_daily_wape=base.daily_wape,
                origins=backtest.origins,
                days_per_origin=window,
                history_start=channel.dates[0],
                history_end=channel.dates[-1],
                grain_minutes=channel.source_grain,
                days_filled=prepared.filled,
                check=_check_series(backtest, model, bands),
            )
        )
        backtests.append(backtest)
        log.info(
            "%s: %s chosen (backtest interval WAPE %.1f %%, daily %.1f %%)",
            channel.name,
            model,
            100 * records[-1].interval_wape,
            100 * records[-1].daily_wape,
        )
    frame = pd.concat(demand, ignore_index=True)
    frame["aht_s"] = frame["aht_s"].fillna(frame.groupby("channel")["aht_s"].transform("mean"))
    return ForecastResult(frame[list(FORECAST_COLUMNS)], records, backtests)
