"""The roster an agent's day is measured against: ``roster.csv`` read into arrays.

:func:`read_roster` reads the roster stage's output (the file or the same
frame) into a :class:`Schedule`: one row per worked shift with its start, end
and meal as instants, one row per scheduled short break, the standby-only
rows, and the agents in code order.
The roster is another stage's output, so a fault in it is an error
(:class:`FrameContractError`), not a flagged row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from rostering.adherence.arrays import I64
from rostering.adherence.sources import read_csv_text, require_columns
from rostering.adherence.timestamps import check_timezone, parse_timestamps
from rostering.errors import FrameContractError
from rostering.roster.solution import ROSTER_COLUMNS

_TIME_WITH_OFFSET = r"\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$"
"""A clock time followed by its UTC offset, at the end of a timestamp."""


@dataclass(frozen=True)
class Schedule:
    """The roster as arrays.

    ``shifts``: one row per worked shift, sorted by agent code then start, with
    ``agent`` (str), ``agent_code`` (int), ``agent_name``, ``role``, ``day``
    (int, days since 1970-01-01 of the shift's start date), ``shift``,
    ``start``/``end``/``meal_start``/``meal_end`` (epoch seconds; meal -1 when
    none) and ``channels``. ``standby``: ``agent``, ``agent_code``, ``day``,
    ``kind`` for standby-only rows. ``agents``: ``agent``, ``agent_name``,
    ``role`` in code order (code = row position). ``breaks``: one row per
    scheduled short break, sorted by agent code then start, with
    ``agent_code``, ``shift_idx`` (position of its shift in ``shifts``) and
    ``start``/``end`` (epoch seconds); every break lies inside its shift and
    overlaps neither the meal nor another break.
    """

    shifts: pd.DataFrame
    standby: pd.DataFrame
    agents: pd.DataFrame
    breaks: pd.DataFrame

    @property
    def agent_ids(self) -> list[str]:
        """Agent ids in code order."""
        return [str(a) for a in self.agents["agent"]]


def read_roster(source: Path | pd.DataFrame, *, timezone: str) -> Schedule:
    """Read ``roster.csv`` (or the same frame) into a :class:`Schedule`.

    The roster is another stage's output, so a fault in it is an error
    (:class:`FrameContractError`), not a flagged row.
    """
    check_timezone(timezone)
    what = str(source) if isinstance(source, Path) else "roster frame"
    raw = read_csv_text(source, "roster") if isinstance(source, Path) else source.copy()
    if "breaks" not in raw.columns:
        raw = raw.assign(breaks="")  # rosters written before breaks were placed
    require_columns(raw, ROSTER_COLUMNS, what=what)
    frame = raw.loc[:, list(ROSTER_COLUMNS)].astype("string").fillna("")
    for col in ROSTER_COLUMNS:
        frame[col] = frame[col].str.strip()
    if (frame["agent"] == "").any():
        row = int(np.flatnonzero((frame["agent"] == "").to_numpy())[0]) + 1
        raise FrameContractError(f"{what}: row {row}: empty agent id")
    dates = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        row = int(np.flatnonzero(dates.isna().to_numpy())[0]) + 1
        raise FrameContractError(
            f"{what}: row {row}: date must be YYYY-MM-DD, got {frame['date'].iloc[row - 1]!r}"
        )
    day = (dates.to_numpy().astype("datetime64[D]").astype(np.int64)).astype(np.int64)

    agents = (
        frame.loc[:, ["agent", "agent_name", "role"]]
        .drop_duplicates("agent", keep="first")
        .sort_values("agent", kind="stable")
        .reset_index(drop=True)
    )
    code_of = {a: i for i, a in enumerate(agents["agent"])}
    codes = frame["agent"].map(code_of).to_numpy(dtype=np.int64)

    worked = (frame["shift"] != "").to_numpy()
    times: dict[str, I64] = {}
    for col in ("start", "end", "meal_start", "meal_end"):
        col_text = frame.loc[worked, col]
        present = (col_text != "").to_numpy()
        secs = np.full(len(col_text), -1, dtype=np.int64)
        if present.any():
            parsed, status = parse_timestamps(col_text[present], timezone)
            if (status != 0).any():
                bad = int(np.flatnonzero(worked)[np.flatnonzero(present)[status != 0][0]]) + 1
                raise FrameContractError(
                    f"{what}: row {bad}: {col} is not an ISO 8601 time, "
                    f"got {frame[col].iloc[bad - 1]!r}"
                )
            secs[present] = parsed
        if col in ("start", "end") and not present.all():
            bad = int(np.flatnonzero(worked)[np.flatnonzero(~present)[0]]) + 1
            raise FrameContractError(f"{what}: row {bad}: a worked shift needs {col}")
        times[col] = secs
    shifts = pd.DataFrame(
        {
            "agent": frame.loc[worked, "agent"].to_numpy(dtype=object),
            "agent_code": codes[worked],
            "agent_name": frame.loc[worked, "agent_name"].to_numpy(dtype=object),
            "role": frame.loc[worked, "role"].to_numpy(dtype=object),
            "day": day[worked],
            "shift": frame.loc[worked, "shift"].to_numpy(dtype=object),
            "start": times["start"],
            "end": times["end"],
            "meal_start": times["meal_start"],
            "meal_end": times["meal_end"],
            "channels": frame.loc[worked, "channels"].to_numpy(dtype=object),
            "source_row": np.flatnonzero(worked) + 1,
        }
    )
    _check_shifts(shifts, what)
    shifts = shifts.sort_values(["agent_code", "start"], kind="stable").reset_index(drop=True)
    breaks = _read_breaks(frame["breaks"], shifts, what=what, timezone=timezone)
    prev_end = shifts.groupby("agent_code")["end"].shift(1)
    overlap = (shifts["start"] < prev_end).to_numpy()
    if overlap.any():
        r = shifts.loc[overlap].iloc[0]
        raise FrameContractError(
            f"{what}: row {r['source_row']}: shift {r['shift']} of {r['agent']} overlaps "
            "the agent's previous shift"
        )
    standby = pd.DataFrame(
        {
            "agent": frame.loc[~worked, "agent"].to_numpy(dtype=object),
            "agent_code": codes[~worked],
            "day": day[~worked],
            "kind": frame.loc[~worked, "standby"].to_numpy(dtype=object),
        }
    )
    return Schedule(
        shifts=shifts, standby=standby.reset_index(drop=True), agents=agents, breaks=breaks
    )


def _check_shifts(shifts: pd.DataFrame, what: str) -> None:
    """Raise on the first shift that ends before it starts or whose meal is out of place."""

    def fail(mask: npt.NDArray[np.bool_], message: str) -> None:
        if mask.any():
            r = shifts.loc[mask].iloc[0]
            raise FrameContractError(f"{what}: row {r['source_row']}: {message}")

    start = shifts["start"].to_numpy()
    end = shifts["end"].to_numpy()
    ms = shifts["meal_start"].to_numpy()
    me = shifts["meal_end"].to_numpy()
    fail(end <= start, "shift end must be after its start")
    fail((ms < 0) != (me < 0), "meal_start and meal_end must both be given or both empty")
    has = ms >= 0
    fail(has & ((ms < start) | (me > end) | (me <= ms)), "meal must lie inside the shift")


def _read_breaks(
    cells: pd.Series, shifts: pd.DataFrame, *, what: str, timezone: str
) -> pd.DataFrame:
    """The ``breaks`` column (one cell per roster row) as one row per break (see :class:`Schedule`).

    A cell holds pipe-separated ISO 8601 intervals ``START/END`` with UTC
    offsets (empty: no breaks). Raises :class:`FrameContractError` naming the
    row of the first break that cannot be read, lies outside its shift, or
    overlaps the meal or another break.
    """
    text = pd.Series(cells.to_numpy(dtype=object), index=np.arange(1, len(cells) + 1))
    text = text[text != ""]
    if text.empty:
        return _no_breaks()
    parts = text.str.split("|").explode().astype(str).str.strip()
    parts = parts[parts != ""]
    if parts.empty:
        return _no_breaks()
    rows = parts.index.to_numpy(dtype=np.int64)
    halves = parts.str.partition("/")
    start_text, end_text = halves[0].str.strip(), halves[2].str.strip()
    start, start_status = parse_timestamps(start_text, timezone)
    end, end_status = parse_timestamps(end_text, timezone)
    readable = (
        (halves[1] == "/").to_numpy()
        & start_text.str.contains(_TIME_WITH_OFFSET, regex=True).to_numpy(dtype=bool)
        & end_text.str.contains(_TIME_WITH_OFFSET, regex=True).to_numpy(dtype=bool)
        & (start_status == 0)
        & (end_status == 0)
    )
    shown = parts.to_numpy(dtype=object)

    def fail(mask: npt.NDArray[np.bool_], message: str) -> None:
        if mask.any():
            i = int(np.flatnonzero(mask)[0])
            raise FrameContractError(f"{what}: row {rows[i]}: breaks: {shown[i]!r} {message}")

    fail(~readable, "is not an ISO 8601 interval START/END with UTC offsets")
    fail(end <= start, "must end after it starts")
    shift_of_row = np.full(len(cells) + 1, -1, dtype=np.int64)
    shift_of_row[shifts["source_row"].to_numpy(dtype=np.int64)] = np.arange(len(shifts))
    shift = shift_of_row[rows]
    fail(shift < 0, "is given on a row without a shift")
    s_start = shifts["start"].to_numpy(dtype=np.int64)[shift]
    s_end = shifts["end"].to_numpy(dtype=np.int64)[shift]
    ms = shifts["meal_start"].to_numpy(dtype=np.int64)[shift]
    me = shifts["meal_end"].to_numpy(dtype=np.int64)[shift]
    fail((start < s_start) | (end > s_end), "must lie inside the shift")
    fail((ms >= 0) & (start < me) & (end > ms), "overlaps the meal")
    order = np.lexsort((start, rows))
    rows_o, start_o, end_o = rows[order], start[order], end[order]
    clash = np.zeros(len(order), dtype=bool)
    clash[1:] = (rows_o[1:] == rows_o[:-1]) & (start_o[1:] < end_o[:-1])
    if clash.any():
        i = int(order[np.flatnonzero(clash)[0]])
        raise FrameContractError(
            f"{what}: row {rows[i]}: breaks: {shown[i]!r} overlaps another break of the shift"
        )
    agent_code = shifts["agent_code"].to_numpy(dtype=np.int64)[shift]
    by_time = np.lexsort((start, agent_code))
    return pd.DataFrame(
        {
            "agent_code": agent_code[by_time],
            "shift_idx": shift[by_time],
            "start": start[by_time],
            "end": end[by_time],
        }
    )


def _no_breaks() -> pd.DataFrame:
    """The breaks of a roster without any."""
    z = np.zeros(0, dtype=np.int64)
    return pd.DataFrame({"agent_code": z, "shift_idx": z, "start": z, "end": z})


__all__ = ["Schedule", "read_roster"]
