"""The demand forecast: how the chosen model fared, and what it forecasts.

A scenario whose demand is forecast from a contact history
(``demand: {history: history.csv}``) carries one
:class:`~rostering.domain.forecast.ChannelForecastRecord` per channel: the
model chosen by backtest, its accuracy beside the better simple baseline, and
its last backtest window (``check``). Three views of it:

- :func:`backtest_table`: every candidate's backtest accuracy per channel;
- :func:`forecast_table`: per channel the model, its backtest WAPE per
  interval and per day, its bias, the baseline and its WAPE, and whether the
  daily accuracy (1 - daily WAPE) meets the target
  (:data:`~rostering.domain.forecast.ACCURACY_TARGET`);
- :func:`check_figure`: the last backtest window per channel, forecast
  against what happened, with the 80 % and 95 % prediction intervals;
- :func:`forecast_figure`: the forecast of the horizon with its intervals,
  from the forecast frame (:data:`rostering.forecast.FORECAST_COLUMNS`) or a
  scenario's ``demand.intervals`` (:func:`intervals_frame`).

:func:`forecast_blocks` puts them into the run report. Volumes are drawn to
one decimal, times as the site's wall clock.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rostering.domain.forecast import ACCURACY_TARGET, ChannelForecastRecord
from rostering.domain.scenario import IntervalDemand, Scenario
from rostering.errors import FrameContractError
from rostering.reports import theme
from rostering.reports.page import figure_block, section, table_block

if TYPE_CHECKING:
    from rostering.forecast import ChannelBacktest

#: Columns :func:`forecast_figure` needs; the band columns are drawn when present.
FORECAST_FIGURE_COLUMNS = frozenset({"interval_start", "channel", "volume"})
#: The prediction intervals, widest first: (level, low column, high column, fill opacity).
BANDS: tuple[tuple[int, str, str, float], ...] = (
    (95, "volume_lo95", "volume_hi95", 0.14),
    (80, "volume_lo80", "volume_hi80", 0.28),
)
ACTUAL_COLOUR = theme.REQUIRED
"""Line colour of what happened."""


def _pct(value: float) -> str:
    return "-" if math.isnan(value) else f"{100 * value:.1f} %"


def _signed_pct(value: float) -> str:
    return "-" if math.isnan(value) else f"{100 * value:+.1f} %"


def _verdict(daily_wape: float) -> str:
    """Whether the daily accuracy (1 - daily WAPE) meets the target."""
    if math.isnan(daily_wape):
        return "-"
    return "met" if 1 - daily_wape >= ACCURACY_TARGET else "not met"


def _round(values: Iterable[float | None]) -> list[float | None]:
    """Volumes to one decimal, gaps (None, NaN) kept as gaps."""
    out: list[float | None] = []
    for v in values:
        out.append(None if v is None or math.isnan(float(v)) else round(float(v), 1))
    return out


def _rgba(colour: str, alpha: float) -> str:
    """``#rrggbb`` as an ``rgba(...)`` fill of the given opacity."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def _x(times: list[dt.datetime] | pd.DatetimeIndex) -> dict[str, Any]:
    """The x of a trace: a start and a step when the times are evenly spaced (compact),
    else every time."""
    index = pd.DatetimeIndex(times)
    if len(index) > 1:
        steps = np.diff(index.asi8)
        if steps[0] > 0 and bool(np.all(steps == steps[0])):
            return {"x0": index[0].strftime("%Y-%m-%d %H:%M:%S"), "dx": int(steps[0]) // 10**6}
    return {"x": list(index.to_pydatetime())}


def _ordered(
    records: Iterable[ChannelForecastRecord], channels: Iterable[str] | None
) -> list[ChannelForecastRecord]:
    by_channel = {str(r.channel): r for r in records}
    if channels is None:
        return list(by_channel.values())
    wanted = [str(c) for c in channels]
    return [by_channel[c] for c in wanted if c in by_channel] + [
        r for c, r in by_channel.items() if c not in wanted
    ]


def _records(
    records: ChannelForecastRecord | Iterable[ChannelForecastRecord],
) -> list[ChannelForecastRecord]:
    return [records] if isinstance(records, ChannelForecastRecord) else list(records)


def accuracy_text(record: ChannelForecastRecord) -> str:
    """The model and its backtest accuracy in one line, against the target.

    >>> from rostering.domain.forecast import ChannelForecastRecord
    >>> import datetime as dt
    >>> r = ChannelForecastRecord(channel="chat", model="ETS x profile", interval_wape=0.1534,
    ...     daily_wape=0.0741, bias=-0.0185, baseline="mean of 4 weekdays",
    ...     baseline_interval_wape=0.16, baseline_daily_wape=0.075, origins=3,
    ...     days_per_origin=28, history_start=dt.date(2026, 1, 5),
    ...     history_end=dt.date(2026, 4, 26), grain_minutes=30)
    >>> accuracy_text(r)
    'ETS x profile · WAPE 15.3 % per interval, 7.4 % per day · accuracy 92.6 % (target 90 %): met'
    """
    return (
        f"{record.model} · WAPE {_pct(record.interval_wape)} per interval, "
        f"{_pct(record.daily_wape)} per day · accuracy {_pct(1 - record.daily_wape)} "
        f"(target {ACCURACY_TARGET * 100:.0f} %): {_verdict(record.daily_wape)}"
    )


def forecast_table(
    records: Iterable[ChannelForecastRecord],
    *,
    channels: Iterable[str] | None = None,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Per channel the chosen model and its backtest accuracy beside the better baseline.

    Percentages are text to one decimal; ``target 90 %`` says whether the
    daily accuracy (1 - daily WAPE) meets :data:`ACCURACY_TARGET` (``-`` when
    the backtest had no volume to judge).
    """
    labels = dict(names or {})
    return pd.DataFrame(
        [
            {
                "channel": labels.get(str(r.channel), str(r.channel)),
                "model": r.model,
                "backtest": f"{r.origins} x {r.days_per_origin} days",
                "history": f"{r.history_start} to {r.history_end}, {r.grain_minutes} min",
                "WAPE per interval": _pct(r.interval_wape),
                "WAPE per day": _pct(r.daily_wape),
                "bias": _signed_pct(r.bias),
                "baseline": r.baseline,
                "baseline WAPE per interval": _pct(r.baseline_interval_wape),
                "baseline WAPE per day": _pct(r.baseline_daily_wape),
                "accuracy": _pct(1 - r.daily_wape),
                f"target {ACCURACY_TARGET * 100:.0f} %": _verdict(r.daily_wape),
            }
            for r in _ordered(records, channels)
        ]
    )


def backtest_table(backtests: Iterable[ChannelBacktest]) -> pd.DataFrame:
    """Every candidate's backtest accuracy per channel, the chosen one and the baselines marked.

    ``role`` is ``chosen`` (the lowest WAPE per interval, which forecasts),
    ``baseline`` or empty; ``vs best baseline`` is how much lower (negative)
    or higher the candidate's WAPE per interval is than the better baseline's.
    """
    rows = []
    for backtest in backtests:
        best, base = backtest.best, backtest.best_baseline
        for score in backtest.scores:
            accuracy = 1 - score.daily_wape
            gain = (
                score.interval_wape / base.interval_wape - 1
                if base.interval_wape > 0
                else float("nan")
            )
            rows.append(
                {
                    "channel": backtest.channel,
                    "model": score.model,
                    "role": "chosen"
                    if score.model == best.model
                    else ("baseline" if score.baseline else ""),
                    "backtest": f"{backtest.origins} x {backtest.days} days",
                    "WAPE per interval": _pct(score.interval_wape),
                    "WAPE per day": _pct(score.daily_wape),
                    "bias": _signed_pct(score.bias),
                    "accuracy": _pct(accuracy),
                    f"target {ACCURACY_TARGET * 100:.0f} %": _verdict(score.daily_wape),
                    "vs best baseline": "-" if score.model == base.model else _signed_pct(gain),
                }
            )
    return pd.DataFrame(rows)


def _add_bands(
    fig: go.Figure,
    *,
    channel: str,
    x: dict[str, Any],
    bands: Mapping[int, tuple[Sequence[float | None], Sequence[float | None]]],
    colour: str,
    row: int,
) -> None:
    """The prediction intervals, widest first: an unseen low edge, then the high edge
    filled down to it."""
    for level, _, _, alpha in BANDS:
        if level not in bands:
            continue
        low, high = bands[level]
        common = {"mode": "lines", "line": {"width": 0}, "legendgroup": channel, **x}
        fig.add_trace(
            go.Scatter(
                name=f"{channel} {level}% low",
                y=_round(low),
                showlegend=False,
                hoverinfo="skip",
                **common,
            ),
            row=row,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                name=f"{channel} {level}% band",
                y=_round(high),
                fill="tonexty",
                fillcolor=_rgba(colour, alpha),
                hoverinfo="skip",
                **common,
            ),
            row=row,
            col=1,
        )


def _layout(fig: go.Figure, *, title: str, rows: int) -> None:
    fig.update_yaxes(title_text="contacts", rangemode="tozero")
    fig.update_annotations(font={"size": 12})
    fig.update_layout(
        template=theme.TEMPLATE,
        font={"family": theme.FONT},
        title=title,
        height=140 + 220 * max(1, rows),
        margin={"l": 10, "r": 10, "t": 70, "b": 40},
        hovermode="x unified",
    )


def check_figure(
    records: ChannelForecastRecord | Iterable[ChannelForecastRecord],
    *,
    channels: Iterable[str] | None = None,
    names: Mapping[str, str] | None = None,
    colours: Mapping[str, str] | None = None,
    title: str = "Forecast vs actual: the last backtest window",
) -> go.Figure:
    """The last backtest window of each channel's chosen model, one subplot per channel.

    Per channel: ``"<channel> 95% band"`` and ``"<channel> 80% band"`` (filled
    down to the unseen ``"<channel> 95% low"`` and ``"<channel> 80% low"``),
    ``"<channel> forecast"`` (line in the channel's colour) and ``"<channel>
    actual"`` (thin dark line; absent days are gaps). Each subplot's title
    names the model and its backtest WAPE per interval and per day, and the
    daily accuracy against the target. Records without a ``check`` are left
    out.
    """
    shown = [r for r in _ordered(_records(records), channels) if r.check is not None]
    labels = dict(names or {})
    palette = dict(colours or theme.channel_colours(str(r.channel) for r in shown))
    starts = {r.check.start for r in shown if r.check is not None}
    fig = make_subplots(
        rows=max(1, len(shown)),
        cols=1,
        shared_xaxes=len(starts) == 1,
        vertical_spacing=0.09,
        subplot_titles=[
            f"{labels.get(str(r.channel), str(r.channel))}: {accuracy_text(r)}" for r in shown
        ]
        or [""],
    )
    for row, record in enumerate(shown, start=1):
        check = record.check
        assert check is not None  # filtered above
        channel = str(record.channel)
        label = labels.get(channel, channel)
        colour = theme.colour_of(channel, palette)
        step = dt.timedelta(minutes=check.interval_minutes)
        x = _x([check.start + k * step for k in range(len(check.forecast))])
        _add_bands(
            fig,
            channel=channel,
            x=x,
            bands={95: (check.lo95, check.hi95), 80: (check.lo80, check.hi80)},
            colour=colour,
            row=row,
        )
        fig.add_trace(
            go.Scatter(
                name=f"{channel} forecast",
                y=_round(check.forecast),
                mode="lines",
                line={"color": colour, "width": 1.5},
                legendgroup=channel,
                hovertemplate=f"{label} forecast %{{y:.1f}}<extra></extra>",
                **x,
            ),
            row=row,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                name=f"{channel} actual",
                y=_round(check.actual),
                mode="lines",
                line={"color": ACTUAL_COLOUR, "width": 0.8},
                connectgaps=False,
                legendgroup=channel,
                hovertemplate=f"{label} actual %{{y:.1f}}<extra></extra>",
                **x,
            ),
            row=row,
            col=1,
        )
        end = check.start + len(check.forecast) * step - dt.timedelta(days=1)
        if len(starts) > 1 or row == len(shown):
            window = f"{check.start:%a %d %b %Y} to {end:%a %d %b %Y}"
            fig.update_xaxes(title_text=window, row=row, col=1)
    _layout(fig, title=title, rows=len(shown))
    return fig


def intervals_frame(intervals: Sequence[IntervalDemand], timezone: str) -> pd.DataFrame:
    """A scenario's ``demand.intervals`` as a forecast frame, starts tz-aware in the site zone.

    Bands a row does not give are NaN.
    """
    tz = ZoneInfo(timezone)
    frame = pd.DataFrame(
        {
            "interval_start": [
                r.interval_start if r.interval_start.tzinfo else r.interval_start.replace(tzinfo=tz)
                for r in intervals
            ],
            "channel": [str(r.channel) for r in intervals],
            "volume": [r.volume for r in intervals],
            "aht_s": [r.aht_s for r in intervals],
            **{
                column: [
                    np.nan if getattr(r, column) is None else getattr(r, column) for r in intervals
                ]
                for _, low, high, _ in BANDS
                for column in (low, high)
            },
        }
    )
    frame["interval_start"] = pd.to_datetime(frame["interval_start"], utc=True).dt.tz_convert(tz)
    return frame


def _local_times(values: pd.Series, timezone: str | None) -> pd.Series:
    """Interval starts as naive wall-clock times (of ``timezone`` when given)."""
    times = pd.to_datetime(values)
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        if timezone is not None:
            times = times.dt.tz_convert(timezone)
        times = times.dt.tz_localize(None)
    return times


def forecast_figure(
    demand: pd.DataFrame,
    records: Iterable[ChannelForecastRecord] = (),
    *,
    timezone: str | None = None,
    channels: Iterable[str] | None = None,
    names: Mapping[str, str] | None = None,
    colours: Mapping[str, str] | None = None,
    title: str = "Forecast demand with 80 % and 95 % prediction intervals",
) -> go.Figure:
    """The forecast volume per interval with its prediction intervals, one subplot per channel.

    ``demand`` has ``interval_start`` (tz-aware, shown as the wall clock of
    ``timezone`` or of its own zone; or naive local), ``channel``, ``volume``
    and, where drawn, ``volume_lo80``, ``volume_hi80``, ``volume_lo95`` and
    ``volume_hi95``. Per channel: ``"<channel> 95% band"`` and ``"<channel>
    80% band"`` (as in :func:`check_figure`, where the frame has the bands)
    and ``"<channel> forecast"``. With ``records``, each subplot's title names
    the channel's model.
    """
    missing = FORECAST_FIGURE_COLUMNS - set(demand.columns)
    if missing:
        raise FrameContractError(
            f"forecast_figure: expected columns {sorted(FORECAST_FIGURE_COLUMNS)}, got "
            f"{sorted(demand.columns)} (missing {sorted(missing)})"
        )
    present = list(dict.fromkeys(str(c) for c in demand["channel"]))
    order = present if channels is None else [str(c) for c in channels if str(c) in present]
    models = {str(r.channel): r.model for r in records}
    labels = dict(names or {})
    palette = dict(colours or theme.channel_colours(order))
    frame = demand.assign(_t=_local_times(demand["interval_start"], timezone))
    fig = make_subplots(
        rows=max(1, len(order)),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06,
        subplot_titles=[
            " · ".join([labels.get(c, c), *([models[c]] if c in models else [])]) for c in order
        ]
        or [""],
    )
    for row, channel in enumerate(order, start=1):
        part = frame[frame["channel"].astype(str) == channel].sort_values("_t")
        colour = theme.colour_of(channel, palette)
        x = _x(pd.DatetimeIndex(part["_t"]))
        bands = {
            level: (list(part[low]), list(part[high]))
            for level, low, high, _ in BANDS
            if {low, high} <= set(part.columns) and part[[low, high]].notna().any().all()
        }
        _add_bands(fig, channel=channel, x=x, bands=bands, colour=colour, row=row)
        fig.add_trace(
            go.Scatter(
                name=f"{channel} forecast",
                y=_round(part["volume"]),
                mode="lines",
                line={"color": colour, "width": 1.5},
                legendgroup=channel,
                hovertemplate=f"{labels.get(channel, channel)} %{{y:.1f}}<extra></extra>",
                **x,
            ),
            row=row,
            col=1,
        )
    _layout(fig, title=title, rows=len(order))
    return fig


def forecast_blocks(
    scenario: Scenario,
    *,
    names: Mapping[str, str] | None = None,
    colours: Mapping[str, str] | None = None,
) -> list[str]:
    """The report's "Demand forecast" sections; none when the demand was not forecast."""
    forecast = scenario.demand.forecast
    if forecast is None:
        return []
    order = [str(c.id) for c in scenario.channels]
    records = _ordered(forecast.channels, order)
    first = records[0] if records else None
    how = (
        f" Each channel's model was chosen among the candidates by its WAPE over "
        f"{first.origins} backtest window(s) of {first.days_per_origin} days at the end of the "
        "history; the prediction intervals come from its own backtest errors."
        if first is not None
        else ""
    )
    note = (
        f"Demand forecast from {forecast.history}.{how} WAPE: the sum of absolute errors over "
        f"the sum of what happened. Accuracy is 1 - daily WAPE, against the target of "
        f"{ACCURACY_TARGET * 100:.0f} %; bias above zero means the forecast ran high."
    )
    blocks = [
        section("Demand forecast", "", note=note),
        table_block(
            forecast_table(records, names=names), "Forecast accuracy per channel (backtest)"
        ),
    ]
    if any(r.check is not None for r in records):
        blocks.append(
            figure_block(
                check_figure(records, names=names, colours=colours),
                "Forecast vs actual, last backtest window",
                note="Dark line: what happened (gaps are days absent from the history); "
                "coloured line: the chosen model's forecast made before the window; shaded: "
                "its 80 % and 95 % prediction intervals.",
            )
        )
    frame = intervals_frame(scenario.demand.intervals, scenario.site.timezone)
    blocks.append(
        figure_block(
            forecast_figure(
                frame,
                records,
                timezone=scenario.site.timezone,
                channels=order,
                names=names,
                colours=colours,
            ),
            "Forecast demand of the horizon",
            note="The volume the roster is sized for, with its 80 % and 95 % prediction intervals.",
        )
    )
    return blocks


__all__ = [
    "ACTUAL_COLOUR",
    "BANDS",
    "FORECAST_FIGURE_COLUMNS",
    "accuracy_text",
    "backtest_table",
    "check_figure",
    "forecast_blocks",
    "forecast_figure",
    "forecast_table",
    "intervals_frame",
]
