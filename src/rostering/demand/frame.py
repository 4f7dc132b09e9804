"""Forecast input to the long demand frame the sizing stage reads.

The demand frame has one row per interval and channel:

==================  ==========================================================
column              meaning
==================  ==========================================================
``interval_start``  start of the interval, tz-aware in the site's time zone
``channel``         channel id
``volume``          contacts arriving (or work items due) in the interval
``aht_s``           average handling time in seconds
==================  ==========================================================

Every interval of the horizon and every channel appears, with zero volume
where nothing is forecast, so later stages can rely on a full grid. Volume
forecast while a channel is closed (``Channel.opens``/``closes``) is set to
zero with a warning that says how much.

Demand that would be silently wrong is refused: a row repeating the day (or
interval) and channel of another, and a day of the horizon with no daily row
unless ``demand.closed_days`` lists it. Rows outside the horizon are ignored
with a warning.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from rostering.domain.calendar import Calendar
from rostering.domain.scenario import Scenario, demand_faults, demand_warnings
from rostering.errors import Problem, ScenarioError

log = logging.getLogger(__name__)

DEMAND_COLUMNS = ("interval_start", "channel", "volume", "aht_s")


def interval_grid(scenario: Scenario) -> pd.DatetimeIndex:
    """Every interval start of the horizon, tz-aware (wall-clock steps in the site zone)."""
    h = scenario.horizon
    start = pd.Timestamp(dt.datetime.combine(h.start, dt.time()))
    naive = pd.date_range(
        start, periods=h.days * 24 * 60 // h.interval_minutes, freq=f"{h.interval_minutes}min"
    )
    return naive.tz_localize(
        ZoneInfo(scenario.site.timezone), nonexistent="shift_forward", ambiguous=False
    )


def _from_intervals(scenario: Scenario) -> pd.DataFrame:
    rows = scenario.demand.intervals
    tz = ZoneInfo(scenario.site.timezone)
    frame = pd.DataFrame(
        {
            "interval_start": [
                r.interval_start if r.interval_start.tzinfo else r.interval_start.replace(tzinfo=tz)
                for r in rows
            ],
            "channel": [str(r.channel) for r in rows],
            "volume": [r.volume for r in rows],
            "aht_s": [r.aht_s for r in rows],
        }
    )
    frame["interval_start"] = pd.to_datetime(frame["interval_start"], utc=True).dt.tz_convert(tz)
    return frame


def _from_daily(scenario: Scenario) -> pd.DataFrame:
    cal = Calendar(scenario.calendar)
    step = scenario.horizon.interval_minutes
    problems: list[Problem] = []
    for i, p in enumerate(scenario.demand.profile):
        if (p.time.hour * 60 + p.time.minute) % step:
            problems.append(
                Problem(
                    "scenario.yaml",
                    f"demand.profile.{i}.time",
                    f"not on the {step}-minute interval grid",
                    str(p.time),
                )
            )
    if problems:
        raise ScenarioError(problems)
    tz = ZoneInfo(scenario.site.timezone)
    out: list[dict[str, object]] = []
    for day in scenario.demand.daily:
        day_type = cal.day_type(day.date).value
        points = [
            p
            for p in scenario.demand.profile
            if p.channel == day.channel and p.day_type in ("any", day_type)
        ]
        specific = [p for p in points if p.day_type == day_type]
        points = specific or points
        total = sum(p.weight for p in points)
        if total <= 0:
            if day.volume > 0:
                raise ScenarioError(
                    [
                        Problem(
                            "scenario.yaml",
                            "demand.profile",
                            f"no profile weight for channel {day.channel!r} on a {day_type}",
                            str(day.date),
                        )
                    ]
                )
            continue
        for p in points:
            start = dt.datetime.combine(day.date, p.time, tzinfo=tz)
            out.append(
                {
                    "interval_start": pd.Timestamp(start),
                    "channel": str(day.channel),
                    "volume": day.volume * p.weight / total,
                    "aht_s": day.aht_s,
                }
            )
    return pd.DataFrame(out, columns=list(DEMAND_COLUMNS))


def open_mask(frame: pd.DataFrame, scenario: Scenario) -> pd.Series:
    """True for rows whose interval starts while its channel is open (local time)."""
    starts = frame["interval_start"].dt
    minute = (starts.hour * 60 + starts.minute).to_numpy()
    channel_of = frame["channel"].astype(str).to_numpy()
    is_open = np.ones(len(frame), dtype=bool)
    for channel in scenario.channels:
        opens = channel.opens.hour * 60 + channel.opens.minute
        closes = channel.closes.hour * 60 + channel.closes.minute
        if opens == closes:
            continue  # open around the clock
        inside = (
            (minute >= opens) & (minute < closes)
            if opens < closes
            else ((minute >= opens) | (minute < closes))
        )
        rows = channel_of == str(channel.id)
        is_open[rows] = inside[rows]
    return pd.Series(is_open, index=frame.index)


def _close_outside_hours(frame: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Zero the volume forecast while a channel is closed, saying how much there was."""
    closed = ~open_mask(frame, scenario) & (frame["volume"] > 0)
    if closed.any():
        lost = frame.loc[closed].groupby("channel")["volume"].sum()
        log.warning(
            "demand outside opening hours set to zero: %s",
            ", ".join(f"{c} {v:.1f} contacts" for c, v in lost.items()),
        )
        frame.loc[closed, "volume"] = 0.0
    return frame


def _check_rows(scenario: Scenario) -> None:
    """Refuse repeated rows and missing days; warn of rows outside the horizon."""
    problems = []
    for fault in demand_faults(scenario):
        field = f"demand.{fault.field}"
        if fault.rows:
            at, first = fault.rows
            where = f"{field}.{at}.{fault.column}"
            message = f"{fault.message} (also {field}.{first})"
        else:
            where, message = field, fault.message
        problems.append(Problem("scenario.yaml", where, message))
    if problems:
        raise ScenarioError(problems)
    for warning in demand_warnings(scenario):
        log.warning("%s", warning)


def build_demand(scenario: Scenario) -> pd.DataFrame:
    """The full demand frame of a scenario (see the module docstring for columns)."""
    _check_rows(scenario)
    frame = _from_intervals(scenario) if scenario.demand.intervals else _from_daily(scenario)
    grid = interval_grid(scenario)
    channels = [str(c.id) for c in scenario.channels]
    full = pd.MultiIndex.from_product([grid, channels], names=["interval_start", "channel"])
    outside = ~frame["interval_start"].isin(grid)
    if outside.any():
        first = frame.loc[outside, "interval_start"].iloc[0]
        log.warning(
            "%d demand rows outside the horizon or off the interval grid ignored (first: %s)",
            int(outside.sum()),
            first,
        )
        frame = frame.loc[~outside]
    # Volume-weighted AHT when rows repeat an interval and channel.
    frame = frame.assign(work=frame["volume"] * frame["aht_s"])
    agg = frame.groupby(["interval_start", "channel"]).agg(
        volume=("volume", "sum"), work=("work", "sum"), aht_s=("aht_s", "mean")
    )
    agg["aht_s"] = np.where(
        agg["volume"] > 0, agg["work"] / agg["volume"].where(agg["volume"] > 0, 1), agg["aht_s"]
    )
    agg = agg.drop(columns="work").reindex(full)
    default_aht = frame.groupby("channel")["aht_s"].median().to_dict()
    agg["volume"] = agg["volume"].fillna(0.0)
    fallback = [default_aht.get(c, 180.0) for c in agg.index.get_level_values("channel")]
    agg["aht_s"] = agg["aht_s"].fillna(pd.Series(fallback, index=agg.index))
    result = _close_outside_hours(agg.reset_index(), scenario)
    log.info(
        "demand: %d intervals x %d channels, %.0f contacts",
        len(grid),
        len(channels),
        result["volume"].sum(),
    )
    return result[list(DEMAND_COLUMNS)]
