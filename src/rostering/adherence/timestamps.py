"""Placing clock readings on one time line, and reading them back as local times.

Internally every instant is an ``int64`` count of whole seconds since
1970-01-01 UTC (sub-second parts are dropped). Timestamps with a UTC offset
are read as such; timestamps without one are wall-clock times of the site's
zone. A wall-clock time that falls twice (clocks going back) or never (clocks
going forward) cannot be placed and is reported with its :class:`TimeStatus`.
"""

from __future__ import annotations

from enum import IntEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt
import pandas as pd

from rostering.adherence.arrays import I64
from rostering.errors import InputError


def check_timezone(timezone: str) -> ZoneInfo:
    """The zone named, or :class:`InputError`."""
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"unknown time zone {timezone!r}") from exc


_OFFSET_RE = r"(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$"
_NS = 1_000_000_000
_FAST_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


class TimeStatus(IntEnum):
    """Whether a timestamp could be placed, and if not, why."""

    OK = 0
    BAD = 1
    """Not a readable time."""
    AMBIGUOUS = 2
    """A wall-clock time that occurs twice in the zone (clocks going back)."""
    NONEXISTENT = 3
    """A wall-clock time that never occurs in the zone (clocks going forward)."""


def _seconds(values: pd.Series) -> I64:
    """Whole seconds since the epoch of an aware datetime Series (NaT -> 0)."""
    idx = pd.DatetimeIndex(values).as_unit("ns")
    out: I64 = np.where(idx.isna(), 0, idx.asi8 // _NS).astype(np.int64)
    return out


def parse_timestamps(values: pd.Series, timezone: str) -> tuple[I64, npt.NDArray[np.int8]]:
    """Seconds since the epoch (UTC) of ISO 8601 strings, and a status per value.

    Status 0 ok, 1 unreadable, 2 ambiguous wall-clock time, 3 wall-clock time
    that does not exist in ``timezone`` (see :class:`TimeStatus`). Strings with
    a UTC offset keep it; naive ones are wall-clock times of ``timezone``. The
    common form ``YYYY-MM-DDTHH:MM:SS+HH:MM`` takes a fast path; anything else
    is parsed as general ISO 8601.
    """
    n = len(values)
    if isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(values):
        stamps = values if isinstance(values.dtype, pd.DatetimeTZDtype) else None
        if stamps is None:
            stamps = values.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
        good_dt = stamps.notna().to_numpy()
        secs = np.zeros(n, dtype=np.int64)
        secs[good_dt] = _seconds(stamps[good_dt])
        return secs, np.where(good_dt, TimeStatus.OK, TimeStatus.BAD).astype(np.int8)
    text = pd.Series(values.to_numpy(dtype=object), dtype=object).fillna("")
    out = np.zeros(n, dtype=np.int64)
    status = np.zeros(n, dtype=np.int8)
    fast = pd.to_datetime(text, format=_FAST_FORMAT, utc=True, errors="coerce")
    ok = fast.notna().to_numpy()
    out[ok] = _seconds(fast[ok])
    rest = ~ok
    if not rest.any():
        return out, status
    sub = text[rest].astype(str).str.strip()
    pos = np.flatnonzero(rest)
    has_offset = sub.str.contains(_OFFSET_RE, regex=True).to_numpy(dtype=bool)
    if has_offset.any():
        aware = pd.to_datetime(sub[has_offset], format="ISO8601", utc=True, errors="coerce")
        good = aware.notna().to_numpy()
        out[pos[has_offset][good]] = _seconds(aware[good])
        status[pos[has_offset][~good]] = TimeStatus.BAD
    naive_mask = ~has_offset
    if naive_mask.any():
        naive = pd.to_datetime(sub[naive_mask], format="ISO8601", errors="coerce")
        if getattr(naive.dt, "tz", None) is not None:  # pragma: no cover - defensive
            naive = naive.dt.tz_localize(None)
        readable = naive.notna().to_numpy()
        local = naive.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
        placed = local.notna().to_numpy()
        npos = pos[naive_mask]
        out[npos[placed]] = _seconds(local[placed])
        status[npos[~readable]] = TimeStatus.BAD
        unplaced = readable & ~placed
        if unplaced.any():
            try_amb = naive[unplaced].dt.tz_localize(
                timezone, ambiguous=np.ones(int(unplaced.sum()), dtype=bool), nonexistent="NaT"
            )
            amb = try_amb.notna().to_numpy()
            status[npos[unplaced][amb]] = TimeStatus.AMBIGUOUS
            status[npos[unplaced][~amb]] = TimeStatus.NONEXISTENT
    return out, status


def local_wall_seconds(t: I64, timezone: str) -> I64:
    """Wall-clock seconds (as if UTC) in ``timezone`` of instants ``t`` (epoch seconds)."""
    idx = pd.DatetimeIndex(t.astype("datetime64[s]")).tz_localize("UTC").tz_convert(timezone)
    wall: I64 = idx.tz_localize(None).as_unit("ns").asi8 // _NS
    return wall


def to_local_timestamps(t: I64, timezone: str) -> pd.DatetimeIndex:
    """Aware timestamps in ``timezone`` of instants ``t`` (epoch seconds)."""
    return pd.DatetimeIndex(t.astype("datetime64[s]")).tz_localize("UTC").tz_convert(timezone)


def day_to_date(days: npt.ArrayLike) -> list[object]:
    """Python dates of day numbers (days since 1970-01-01)."""
    arr = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    return list(arr.astype(object))


__all__ = [
    "TimeStatus",
    "check_timezone",
    "day_to_date",
    "local_wall_seconds",
    "parse_timestamps",
    "to_local_timestamps",
]
