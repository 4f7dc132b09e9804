"""Reading a contact history: the CSV a telephony or chat platform exports.

A history file has one row per interval and channel::

    interval_start,channel,volume[,aht_s]
    2026-03-02T09:00:00,inbound,41,236
    2026-03-02T09:30:00,inbound,57,241

at a 5, 15, 30 or 60-minute grain. What is checked, and how each finding is
handled:

==========================  ===============================================
finding                     handling
==========================  ===============================================
rows out of time order      sorted (exports often interleave channels)
the same channel and start  an error naming both rows
twice
volume empty, not a         an error naming the row and column
number, negative or
infinite
``aht_s`` missing where     an error naming the row (an interval with no
volume > 0, or not > 0      contacts needs no handling time)
naive and offset times      an error naming the first row of the other kind
mixed
offsets that are neither    an error naming the first such row; one fixed
one fixed offset nor the    offset throughout (a UTC export) is converted
site zone's                 to the site's wall clock
times off the grain         an error naming the first row off it
intervals absent            no contacts (exports leave out empty intervals)
whole days absent           judged later: a closed day, or a gap to fill
==========================  ===============================================

Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from rostering.errors import Problem, ScenarioError

log = logging.getLogger(__name__)

HISTORY_COLUMNS = ("interval_start", "channel", "volume")
"""Columns a history file must have; ``aht_s`` is optional."""
GRAINS = (60, 30, 15, 5)
"""Interval lengths a history may come in, minutes."""
MAX_PROBLEMS_PER_KIND = 10
"""Rows named per kind of fault; the rest are counted."""
_MAX_VOLUME = 1e7
_MAX_AHT_S = 86_400.0


@dataclass(frozen=True)
class History:
    """A checked history: wall-clock rows per channel at the grain they came in.

    ``frame`` has columns ``channel``, ``local`` (naive site wall clock),
    ``volume`` and ``work`` (volume x AHT seconds; NaN without AHT), sorted by
    channel and time. ``grain`` is the interval length of each channel.
    """

    frame: pd.DataFrame
    grain: dict[str, int]
    file: str
    timezone: str
    has_aht: bool

    @property
    def channels(self) -> list[str]:
        """The channels in the file, in first-seen order."""
        return [str(c) for c in dict.fromkeys(self.frame["channel"])]

    def only(self, channels: list[str]) -> History:
        """The same history with only the given channels."""
        keep = self.frame["channel"].isin(channels)
        grain = {c: g for c, g in self.grain.items() if c in channels}
        return History(
            self.frame.loc[keep].reset_index(drop=True),
            grain,
            self.file,
            self.timezone,
            self.has_aht,
        )


class _Faults:
    """Collects problems, naming a few rows per kind and counting the rest."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def rows(
        self, mask: np.ndarray, lines: np.ndarray, column: str, why: str, shown: pd.Series
    ) -> None:
        where = np.flatnonzero(mask)
        for i in where[:MAX_PROBLEMS_PER_KIND]:
            self.problems.append(
                Problem(self.file, f"row {lines[i]}, column {column}", why, repr(shown.iloc[i]))
            )
        if len(where) > MAX_PROBLEMS_PER_KIND:
            extra = len(where) - MAX_PROBLEMS_PER_KIND
            self.problems.append(
                Problem(self.file, f"column {column}", f"{why}: {extra} more row(s) like this")
            )

    def add(self, location: str, why: str, value: str | None = None) -> None:
        self.problems.append(Problem(self.file, location, why, value))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ScenarioError(self.problems)


_STAMP = (
    r"^\s*(?P<wall>\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)"
    r"\s*(?P<off>Z|[+-]\d\d:?\d\d)?\s*$"
)


def _offset_minutes(text: pd.Series) -> pd.Series:
    """Offsets like ``+08:00``, ``-0530`` or ``Z`` in minutes (NaN where absent)."""
    clean = text.str.replace(":", "", regex=False).replace("Z", "+0000")
    sign = np.where(clean.str[0] == "-", -1.0, 1.0)
    hours = pd.to_numeric(clean.str[1:3], errors="coerce")
    minutes = pd.to_numeric(clean.str[3:5], errors="coerce")
    return pd.Series(sign * (hours * 60 + minutes), index=text.index)


def _site_offsets(wall: pd.Series, tz: ZoneInfo) -> np.ndarray:
    """The site zone's UTC offset, minutes, at each wall-clock time."""
    local = pd.DatetimeIndex(wall).tz_localize(tz, nonexistent="shift_forward", ambiguous=True)
    utc = local.tz_convert("UTC").tz_localize(None)
    return np.asarray((pd.DatetimeIndex(wall) - utc) / pd.Timedelta(minutes=1), dtype=float)


def _timestamps(raw: pd.Series, lines: np.ndarray, tz: ZoneInfo, faults: _Faults) -> pd.Series:
    """Site wall-clock times of the ``interval_start`` column (NaT where unreadable)."""
    parts = raw.str.extract(_STAMP)
    wall = pd.to_datetime(parts["wall"].str.replace(" ", "T"), format="ISO8601", errors="coerce")
    bad = wall.isna().to_numpy()
    faults.rows(bad, lines, "interval_start", "not an ISO date-time (2026-03-02T09:30)", raw)
    offsets = _offset_minutes(parts["off"].fillna(""))
    aware = parts["off"].notna().to_numpy() & ~bad
    naive = ~parts["off"].notna().to_numpy() & ~bad
    if aware.any() and naive.any():
        minority = aware if aware.sum() < naive.sum() else naive
        kind = "a UTC offset" if minority is aware else "no UTC offset"
        faults.rows(
            minority,
            lines,
            "interval_start",
            f"has {kind} unlike the other rows: give every time the same way",
            raw,
        )
        return pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    if not aware.any():
        return wall.astype("datetime64[ns]")
    site = _site_offsets(wall.where(aware, pd.Timestamp("2000-01-01")), tz)
    off = offsets.to_numpy()
    fixed = off[aware][0]
    if not np.all(off[aware] == fixed):
        wrong = aware & (off != site)
        faults.rows(
            wrong,
            lines,
            "interval_start",
            "offset differs from the other rows and from the site's time zone "
            f"({tz.key}): export every row in one zone",
            raw,
        )
        if wrong.any():
            return pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    instant = wall - pd.to_timedelta(off, unit="min")
    converted = pd.DatetimeIndex(instant).tz_localize("UTC").tz_convert(tz).tz_localize(None)
    return pd.Series(converted, index=raw.index).astype("datetime64[ns]")


def _numbers(
    raw: pd.Series,
    lines: np.ndarray,
    column: str,
    faults: _Faults,
    *,
    required: np.ndarray,
    positive: bool,
    upper: float,
) -> np.ndarray:
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    empty = raw.str.strip().eq("").to_numpy()
    faults.rows(required & empty, lines, column, "empty", raw)
    unreadable = ~empty & np.isnan(values)
    faults.rows(unreadable, lines, column, "not a number", raw)
    finite = np.isfinite(values)
    faults.rows(~empty & ~unreadable & ~finite, lines, column, "not a finite number", raw)
    low = finite & ((values <= 0) if positive else (values < 0))
    faults.rows(low, lines, column, "must be > 0" if positive else "must not be negative", raw)
    high = finite & (values > upper)
    faults.rows(high, lines, column, f"implausibly large (over {upper:g})", raw)
    return values


def _utf8(path: Path, name: str) -> str:
    """The text of a UTF-8 file (a byte-order mark skipped); ScenarioError naming the row."""
    if not path.is_file():
        raise ScenarioError([Problem(name, "", "history file not found")])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError([Problem(name, "", f"cannot read CSV: {exc}")]) from None
    body = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        row = body[: exc.start].count(b"\n") + 1
        why = f"not UTF-8 text ({exc.reason}): save the file as UTF-8"
        raise ScenarioError([Problem(name, f"row {row}", why)]) from None


def read_history(
    source: str | Path | io.StringIO | pd.DataFrame,
    *,
    timezone: str = "Asia/Shanghai",
    file: str | None = None,
) -> History:
    """Read and check a history CSV (a path, its decoded text, or a frame of its text cells).

    A path is read as UTF-8; text already decoded (in another encoding, see
    :mod:`rostering.io_history`) is passed as a ``StringIO``, named by ``file``.

    Raises
    ------
    ScenarioError
        With one Problem per fault, each naming the file, row and column.
    """
    name = file or (str(source) if isinstance(source, str | Path) else "history")
    faults = _Faults(name)
    tz = ZoneInfo(timezone)
    if isinstance(source, pd.DataFrame):
        table = source.astype(str)
    else:
        stream = (
            source if isinstance(source, io.StringIO) else io.StringIO(_utf8(Path(source), name))
        )
        try:
            table = pd.read_csv(stream, dtype=str, keep_default_na=False, skipinitialspace=True)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise ScenarioError([Problem(name, "", f"cannot read CSV: {exc}")]) from None
    table.columns = [str(c).strip() for c in table.columns]
    missing = [c for c in HISTORY_COLUMNS if c not in table.columns]
    if missing:
        faults.add("row 1", f"expected columns {list(HISTORY_COLUMNS)}[, aht_s], missing {missing}")
        faults.raise_if_any()
    if table.empty:
        faults.add("", "no rows under the header")
        faults.raise_if_any()
    lines = np.arange(2, len(table) + 2)
    channel = table["channel"].str.strip()
    faults.rows(channel.eq("").to_numpy(), lines, "channel", "empty", channel)
    local = _timestamps(table["interval_start"], lines, tz, faults)
    everywhere = np.ones(len(table), dtype=bool)
    volume = _numbers(
        table["volume"],
        lines,
        "volume",
        faults,
        required=everywhere,
        positive=False,
        upper=_MAX_VOLUME,
    )
    has_aht = "aht_s" in table.columns
    work = np.full(len(table), np.nan)
    if has_aht:
        aht = _numbers(
            table["aht_s"],
            lines,
            "aht_s",
            faults,
            required=np.nan_to_num(volume) > 0,
            positive=True,
            upper=_MAX_AHT_S,
        )
        work = np.where(np.nan_to_num(volume) > 0, volume * aht, 0.0)
    faults.raise_if_any()
    frame = pd.DataFrame(
        {
            "channel": channel.to_numpy(),
            "local": local.to_numpy(),
            "volume": volume,
            "work": work,
            "row": lines,
        }
    )
    _check_duplicates(frame, faults)
    if not frame.sort_values(["channel", "local"], kind="stable").index.equals(frame.index):
        log.info("%s: rows sorted by channel and time", name)
    frame = frame.sort_values(["channel", "local"], kind="stable").reset_index(drop=True)
    grain = {str(c): _grain(g, faults) for c, g in frame.groupby("channel", sort=False)}
    faults.raise_if_any()
    log.info(
        "%s: %d rows, channels %s, %s to %s",
        name,
        len(frame),
        ", ".join(f"{c} ({m} min)" for c, m in grain.items()),
        frame["local"].min(),
        frame["local"].max(),
    )
    return History(frame.drop(columns="row"), grain, name, timezone, has_aht)


def _check_duplicates(frame: pd.DataFrame, faults: _Faults) -> None:
    dup = frame.duplicated(["channel", "local"], keep=False)
    if not dup.any():
        return
    rows = frame.loc[dup].sort_values(["channel", "local", "row"], kind="stable")
    groups: dict[tuple[str, pd.Timestamp], list[int]] = {}
    for channel, start, row in zip(rows["channel"], rows["local"], rows["row"], strict=True):
        groups.setdefault((str(channel), pd.Timestamp(start)), []).append(int(row))
    for (channel, start), lines in list(groups.items())[:MAX_PROBLEMS_PER_KIND]:
        faults.add(
            f"rows {', '.join(str(r) for r in lines)}",
            f"the same channel and interval start twice ({channel} at "
            f"{start.isoformat()}): keep one row per interval",
        )
    if len(groups) > MAX_PROBLEMS_PER_KIND:
        faults.add("", f"{len(groups) - MAX_PROBLEMS_PER_KIND} more duplicated intervals")
    faults.raise_if_any()


def _grain(rows: pd.DataFrame, faults: _Faults) -> int:
    """The interval length of one channel: the longest grain every start sits on."""
    minute = rows["local"].dt.hour.to_numpy() * 60 + rows["local"].dt.minute.to_numpy()
    seconds = rows["local"].dt.second.to_numpy()
    gaps = np.diff(rows["local"].to_numpy()).astype("timedelta64[m]").astype(int)
    smallest = int(gaps[gaps > 0].min()) if (gaps > 0).any() else 60
    for g in GRAINS:
        if g <= smallest and not np.any(minute % g) and not np.any(seconds):
            return g
    off = (minute % GRAINS[-1] != 0) | (seconds != 0)
    first = int(np.flatnonzero(off)[0]) if off.any() else 0
    faults.add(
        f"row {int(rows['row'].iloc[first])}, column interval_start",
        f"channel {rows['channel'].iloc[0]!r}: starts are not on a 5, 15, 30 or 60-minute grid",
        str(rows["local"].iloc[first]),
    )
    return GRAINS[-1]


def day_matrix(
    history: History, channel: str, grain: int
) -> tuple[list[dt.date], np.ndarray, np.ndarray]:
    """One channel as days x slots of ``grain`` minutes, from its first to its last day.

    Volumes of finer history are summed into each slot; coarser history is
    spread evenly over the slots it covers. Days without a single row are NaN
    rows; absent intervals of a day that has rows are zero. Returns the dates,
    the volume matrix and the work matrix (volume x AHT seconds).
    """
    rows = history.frame.loc[history.frame["channel"] == channel]
    own = history.grain[channel]
    first = rows["local"].min().date()
    last = rows["local"].max().date()
    n_days = (last - first).days + 1
    dates = [first + dt.timedelta(days=i) for i in range(n_days)]
    slots = 1440 // grain
    day = (rows["local"].dt.normalize() - pd.Timestamp(first)).dt.days.to_numpy()
    minute = rows["local"].dt.hour.to_numpy() * 60 + rows["local"].dt.minute.to_numpy()
    volume = np.zeros((n_days, slots))
    work = np.zeros((n_days, slots))
    vols = rows["volume"].to_numpy()
    works = np.nan_to_num(rows["work"].to_numpy())
    if own <= grain:
        slot = minute // grain
        np.add.at(volume, (day, slot), vols)
        np.add.at(work, (day, slot), works)
    else:
        parts = own // grain
        for k in range(parts):
            slot = (minute + k * grain) // grain
            np.add.at(volume, (day, slot), vols / parts)
            np.add.at(work, (day, slot), works / parts)
    present = np.zeros(n_days, dtype=bool)
    present[np.unique(day)] = True
    volume[~present] = np.nan
    work[~present] = np.nan
    return dates, volume, work
