"""One channel's history made ready to fit: day kinds, gaps, outliers and profiles.

A contact history is read as days x intervals. Each day is one of:

- **regular**: an ordinary day of a weekday the site works;
- **holiday**: a public holiday or a bridging day off of the calendar;
- **adjusted**: a weekend day declared a working day (China's 调休);
- **closed**: a date the planner names closed, or a weekday the history
  shows the site never works (absent or empty on at least half of them).

Models are fitted to the sequence of days of the open weekdays, one value
per day. Where that day was special, absent, or far from the same weekdays
around it (an outage, a one-off campaign), its value is filled in with the
median of the nearest same weekdays, so the weekly rhythm stays aligned.
Special days are forecast from the week around them: the mean forecast of the
week's open weekdays times the ratio such days had to their weeks in the
history, spread by their own intraday profile. A holiday the history never
saw is forecast as an ordinary day of its weekday (mark the site's closed
days closed); an adjusted working day never seen, as an average workday.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from rostering.domain.calendar import Calendar

log = logging.getLogger(__name__)

PROFILE_DAYS = 12
"""Same-weekday days that make an intraday profile (the most recent usable ones)."""
NEIGHBOURS = 4
"""Nearest same weekdays whose median stands in for a day."""
OUTLIER_FLOOR = 0.35
"""Smallest |log(actual / expected)| of a day total counted as an outlier (~ x1.4)."""
OPEN_SHARE = 0.5
"""A weekday is open when at least this share of its regular days carry contacts."""


class DayKind(StrEnum):
    """How a day is forecast."""

    REGULAR = "regular"
    HOLIDAY = "holiday"
    ADJUSTED = "adjusted"
    CLOSED = "closed"


def day_kinds(calendar: Calendar, dates: list[dt.date], closed: set[dt.date]) -> list[DayKind]:
    """The kind of each date from the calendar and the planner's closed days."""
    kinds = []
    for d in dates:
        if d in closed:
            kinds.append(DayKind.CLOSED)
        elif calendar.holiday_name(d) is not None:
            kinds.append(DayKind.HOLIDAY)
        elif calendar.is_adjusted_working_day(d):
            kinds.append(DayKind.ADJUSTED)
        else:
            kinds.append(DayKind.REGULAR)
    return kinds


@dataclass
class Special:
    """How one kind of special day relates to its week."""

    ratio: float
    profile: np.ndarray
    aht: np.ndarray
    seen: int


@dataclass
class Prepared:
    """One channel's history ready to fit.

    ``totals`` and ``clean`` hold one row per open-weekday date (``positions``),
    gaps and special days filled in. ``profiles`` and ``aht`` are keyed by
    weekday; ``specials`` by day kind.
    """

    dates: list[dt.date]
    open_weekdays: list[int]
    positions: list[dt.date]
    totals: np.ndarray
    clean: np.ndarray
    profiles: dict[int, np.ndarray]
    aht: dict[int, np.ndarray]
    specials: dict[DayKind, Special]
    filled: dict[str, int] = field(default_factory=dict)

    @property
    def season(self) -> int:
        """Open weekdays per week: the length of the weekly season."""
        return len(self.open_weekdays)

    @property
    def slots(self) -> int:
        """Intervals per day."""
        return int(self.clean.shape[1])


def _local_median(values: np.ndarray, valid: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Median of the nearest valid entries to each index (itself excluded)."""
    good = np.flatnonzero(valid)
    out = np.full(len(idx), np.nan)
    if len(good) == 0:
        return out
    for k, i in enumerate(idx):
        order = np.argsort(np.abs(good - i) + (good == i) * 10**9, kind="stable")
        near = good[order[:NEIGHBOURS]]
        near = near[near != i]
        if len(near):
            out[k] = float(np.median(values[near]))
    return out


def _expected(totals: np.ndarray, valid: np.ndarray, weekday: np.ndarray) -> np.ndarray:
    """For every day, the median of the nearest valid days of its weekday."""
    out = np.full(len(totals), np.nan)
    for w in range(7):
        idx = np.flatnonzero(weekday == w)
        if len(idx):
            out[idx] = _local_median(totals[idx], valid[idx], np.arange(len(idx)))
    return out


def _profile(volume: np.ndarray, rows: np.ndarray) -> np.ndarray | None:
    """Share of the day in each interval over the given rows (None if they hold nothing)."""
    if len(rows) == 0:
        return None
    summed = np.nansum(volume[rows], axis=0)
    total = summed.sum()
    return summed / total if total > 0 else None


def _aht(volume: np.ndarray, work: np.ndarray, rows: np.ndarray, fallback: float) -> np.ndarray:
    """Volume-weighted AHT per interval over the rows; ``fallback`` where none arrived."""
    vol = np.nansum(volume[rows], axis=0) if len(rows) else np.zeros(volume.shape[1])
    wrk = np.nansum(work[rows], axis=0) if len(rows) else np.zeros(volume.shape[1])
    with np.errstate(invalid="ignore", divide="ignore"):
        aht = np.where(vol > 0, wrk / np.where(vol > 0, vol, 1.0), fallback)
    return aht


def prepare(
    dates: list[dt.date],
    volume: np.ndarray,
    work: np.ndarray,
    kinds: list[DayKind],
) -> Prepared:
    """Fill gaps, set outliers aside and learn profiles and special-day ratios."""
    weekday = np.array([d.weekday() for d in dates])
    kind = np.array([k.value for k in kinds])
    present = ~np.isnan(volume).all(axis=1)
    totals = np.where(present, np.nansum(volume, axis=1), np.nan)
    regular = kind == DayKind.REGULAR.value
    open_weekdays = []
    for w in range(7):
        days = regular & (weekday == w)
        if days.any() and (present & days & (totals > 0)).sum() >= OPEN_SHARE * days.sum():
            open_weekdays.append(w)
    is_open = np.isin(weekday, open_weekdays)
    valid = regular & is_open & present & (np.nan_to_num(totals) > 0)
    expected = _expected(np.nan_to_num(totals), valid, weekday)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.log(totals / expected)
    usable = valid & np.isfinite(ratio)
    spread = float(np.median(np.abs(ratio[usable]))) * 1.4826 if usable.any() else 0.0
    outlier = usable & (np.abs(ratio) > max(OUTLIER_FLOOR, 5 * spread))
    valid &= ~outlier
    expected = _expected(np.nan_to_num(totals), valid, weekday)
    fallback_total = {
        w: float(np.median(totals[valid & (weekday == w)]))
        if (valid & (weekday == w)).any()
        else 0.0
        for w in range(7)
    }
    expected = np.where(np.isnan(expected), [fallback_total[w] for w in weekday], expected)
    rows_of = {w: np.flatnonzero(valid & (weekday == w))[-PROFILE_DAYS:] for w in open_weekdays}
    all_valid = np.flatnonzero(valid)
    flat = _profile(volume, all_valid[-PROFILE_DAYS * 7 :])
    slots = volume.shape[1]
    even = np.full(slots, 1.0 / slots)
    profiles = {
        w: _p
        if (_p := _profile(volume, rows_of[w])) is not None
        else (flat if flat is not None else even)
        for w in open_weekdays
    }
    recent = all_valid[-PROFILE_DAYS * 7 :]
    vol_sum = np.nansum(volume[recent])
    mean_aht = float(np.nansum(work[recent]) / vol_sum) if vol_sum > 0 else float("nan")
    aht = {w: _aht(volume, work, rows_of[w], mean_aht) for w in open_weekdays}
    pos = np.flatnonzero(is_open)
    clean = np.empty((len(pos), slots))
    seq_totals = np.empty(len(pos))
    for k, i in enumerate(pos):
        if valid[i]:
            clean[k] = np.nan_to_num(volume[i])
            seq_totals[k] = totals[i]
        else:
            seq_totals[k] = expected[i]
            clean[k] = expected[i] * profiles[int(weekday[i])]
    specials = _specials(
        dates,
        volume,
        work,
        kind,
        present,
        totals,
        expected,
        is_open,
        weekday,
        profiles,
        aht,
        mean_aht,
    )
    filled = {
        "absent": int((is_open & ~present & regular).sum()),
        "outlier": int(outlier.sum()),
        "special": int((is_open & ~regular).sum()),
    }
    if filled["outlier"]:
        odd = [dates[i].isoformat() for i in np.flatnonzero(outlier)[:5]]
        log.info("%d day(s) far from their weekdays set aside (%s)", filled["outlier"], odd)
    return Prepared(
        dates,
        open_weekdays,
        [dates[i] for i in pos],
        seq_totals,
        clean,
        profiles,
        aht,
        specials,
        filled,
    )


def week_of(d: dt.date) -> dt.date:
    """The Monday of the week of ``d``."""
    return d - dt.timedelta(days=d.weekday())


def _mean_of(table: dict[int, np.ndarray], days: list[int]) -> np.ndarray:
    return np.asarray(np.mean([table[w] for w in days], axis=0), dtype=float)


def _specials(
    dates: list[dt.date],
    volume: np.ndarray,
    work: np.ndarray,
    kind: np.ndarray,
    present: np.ndarray,
    totals: np.ndarray,
    expected: np.ndarray,
    is_open: np.ndarray,
    weekday: np.ndarray,
    profiles: dict[int, np.ndarray],
    aht: dict[int, np.ndarray],
    mean_aht: float,
) -> dict[DayKind, Special]:
    weeks = np.array([week_of(d).toordinal() for d in dates])
    week_base = {}
    for wk in np.unique(weeks):
        rows = (weeks == wk) & is_open
        week_base[int(wk)] = float(np.mean(expected[rows])) if rows.any() else 0.0
    open_days = sorted(profiles)
    workdays = [w for w in open_days if w < 5] or open_days
    level = {w: float(np.mean(expected[is_open & (weekday == w)])) for w in open_days}
    overall = float(np.mean(list(level.values()))) if level else 0.0
    specials: dict[DayKind, Special] = {}
    for k in (DayKind.HOLIDAY, DayKind.ADJUSTED):
        rows = np.flatnonzero((kind == k.value) & np.array([week_base[int(w)] > 0 for w in weeks]))
        if len(rows):
            seen = present[rows]
            ratios = np.where(seen, np.nan_to_num(totals[rows]), 0.0) / np.array(
                [week_base[int(weeks[i])] for i in rows]
            )
            observed = rows[seen & (np.nan_to_num(totals[rows]) > 0)]
            profile = _profile(volume, observed)
            if profile is None:
                profile = _mean_of(profiles, open_days) if open_days else np.zeros(volume.shape[1])
            specials[k] = Special(
                float(np.median(ratios)), profile, _aht(volume, work, observed, mean_aht), len(rows)
            )
            continue
        if not open_days or overall <= 0:
            specials[k] = Special(0.0, np.zeros(volume.shape[1]), np.zeros(volume.shape[1]), 0)
        elif k is DayKind.HOLIDAY:
            # No holiday in the history: nothing says how one differs, so it is forecast
            # as an ordinary day of its weekday (``seen == 0``; see engine.project).
            specials[k] = Special(1.0, _mean_of(profiles, open_days), _mean_of(aht, open_days), 0)
        else:
            # No adjusted working day in the history: it is taken for an average workday.
            specials[k] = Special(
                float(np.mean([level[w] for w in workdays])) / overall,
                _mean_of(profiles, workdays),
                _mean_of(aht, workdays),
                0,
            )
    return specials
