"""The phone system's export read in chunks into compact columns.

An ACD export can run to millions of rows; read whole as text it takes ten
times its size in memory. :func:`read_export` streams the file a chunk of rows
at a time and keeps, per row, only what the readers need: the agent and state
as categories, each timestamp as epoch seconds with a parse status, and the
text of the few timestamps that could not be read (for their issue detail).
A row whose number of fields differs from the header's is not used and is
reported with its row number; every other row is kept. Rows are numbered as a
spreadsheet shows them (see :data:`~rostering.adherence.issues.ROW_CONVENTION`).
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas.api.types import union_categoricals

from rostering.adherence.arrays import I64
from rostering.adherence.timestamps import TimeStatus, parse_timestamps
from rostering.errors import AdherenceInputError, FrameContractError

EVENT_COLUMNS: tuple[str, ...] = ("agent", "timestamp", "state")
"""Required columns of a state-event export; other columns are ignored."""

SESSION_COLUMNS: tuple[str, ...] = ("agent", "login", "logout")
"""Required columns of a plain session export; other columns are ignored."""

CHUNK_ROWS = 50_000
"""Rows read and converted at a time."""

FIRST_DATA_ROW = 2
"""Row number of the first data row: the header is row 1."""

Kind = Literal["states", "sessions"]


@dataclass(frozen=True)
class TimeColumn:
    """A timestamp column: seconds and status per row, and the text of unreadable ones.

    ``odd_pos`` (ascending) are the positions whose status is not OK and
    ``odd_text`` their cells as written; ``present`` is False where the
    trimmed cell is empty.
    """

    t: I64
    status: npt.NDArray[np.int8]
    present: npt.NDArray[np.bool_]
    odd_pos: I64
    odd_text: npt.NDArray[np.object_]

    def shown(self, mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.object_]:
        """The cells as written of the rows of ``mask`` (all of them not OK)."""
        where = np.searchsorted(self.odd_pos, np.flatnonzero(mask))
        out: npt.NDArray[np.object_] = self.odd_text[where]
        return out


@dataclass(frozen=True)
class Malformed:
    """Rows that could not be split into the header's fields: row, first field, why."""

    rows: I64
    agents: npt.NDArray[np.object_]
    details: npt.NDArray[np.object_]


@dataclass(frozen=True)
class ExportColumns:
    """The usable rows of an export: row numbers, agent and state categories, times."""

    kind: Kind
    rows: I64
    agent: pd.Series
    state: pd.Series | None
    times: dict[str, TimeColumn]
    malformed: Malformed
    rows_read: int


def kind_of(columns: Sequence[object], *, what: str) -> Kind:
    """States or sessions, told by the columns; :class:`FrameContractError` if neither."""
    cols = set(map(str, columns))
    if {"timestamp", "state"} <= cols and "agent" in cols:
        return "states"
    if {"login", "logout"} <= cols and "agent" in cols:
        return "sessions"
    raise FrameContractError(
        f"{what}: expected columns {sorted(EVENT_COLUMNS)} or {sorted(SESSION_COLUMNS)}, "
        f"got {sorted(cols)}"
    )


def trimmed_text(values: pd.Series) -> npt.NDArray[np.object_]:
    """The trimmed text of every cell (``""`` where missing)."""
    missing = pd.isna(values).to_numpy(dtype=bool)
    arr = values.to_numpy(dtype=object)
    out = np.asarray(["" if m else str(v).strip() for v, m in zip(arr, missing, strict=True)])
    return out.astype(object)


def _times(values: pd.Series, timezone: str, *, trim: bool, offset: int) -> TimeColumn:
    """Parse one chunk of a timestamp column (``offset``: position of its first row)."""
    if trim:
        text = trimmed_text(values)
        present = text != ""
        values = pd.Series(text, dtype=object)
    else:
        present = np.ones(len(values), dtype=bool)
    t, status = parse_timestamps(values.reset_index(drop=True), timezone)
    odd = np.flatnonzero(status != TimeStatus.OK)
    return TimeColumn(
        t=t,
        status=status,
        present=present,
        odd_pos=(odd + offset).astype(np.int64),
        odd_text=values.to_numpy(dtype=object)[odd],
    )


def _category(values: pd.Series) -> pd.Categorical:
    if isinstance(values.dtype, pd.CategoricalDtype):
        return pd.Categorical(values)
    return pd.Categorical(values.to_numpy(dtype=object))


@dataclass(frozen=True)
class _Chunk:
    rows: I64
    agent: pd.Categorical
    state: pd.Categorical | None
    times: dict[str, TimeColumn]


def _chunk(frame: pd.DataFrame, rows: I64, *, kind: Kind, timezone: str, offset: int) -> _Chunk:
    """Convert a chunk of rows to compact columns."""
    if kind == "states":
        times = {"timestamp": _times(frame["timestamp"], timezone, trim=False, offset=offset)}
        state = _category(frame["state"])
    else:
        times = {
            "login": _times(frame["login"], timezone, trim=False, offset=offset),
            "logout": _times(frame["logout"], timezone, trim=True, offset=offset),
        }
        state = None
    return _Chunk(rows=rows, agent=_category(frame["agent"]), state=state, times=times)


def _join(
    chunks: list[_Chunk], *, kind: Kind, malformed: Malformed, rows_read: int
) -> ExportColumns:
    def cat(parts: list[pd.Categorical]) -> pd.Series:
        if not parts:
            return pd.Series(pd.Categorical([], categories=pd.Index([], dtype=object)))
        return pd.Series(union_categoricals(parts, ignore_order=True))

    times: dict[str, TimeColumn] = {}
    for name in chunks[0].times if chunks else ():
        cols = [c.times[name] for c in chunks]
        times[name] = TimeColumn(
            t=np.concatenate([c.t for c in cols]),
            status=np.concatenate([c.status for c in cols]),
            present=np.concatenate([c.present for c in cols]),
            odd_pos=np.concatenate([c.odd_pos for c in cols]),
            odd_text=np.concatenate([c.odd_text for c in cols]),
        )
    if not chunks:
        empty = TimeColumn(
            t=np.zeros(0, dtype=np.int64),
            status=np.zeros(0, dtype=np.int8),
            present=np.zeros(0, dtype=bool),
            odd_pos=np.zeros(0, dtype=np.int64),
            odd_text=np.zeros(0, dtype=object),
        )
        names = ("timestamp",) if kind == "states" else ("login", "logout")
        times = dict.fromkeys(names, empty)
    states = [c.state for c in chunks if c.state is not None]
    return ExportColumns(
        kind=kind,
        rows=np.concatenate([c.rows for c in chunks]) if chunks else np.zeros(0, dtype=np.int64),
        agent=cat([c.agent for c in chunks]),
        state=cat(states) if kind == "states" else None,
        times=times,
        malformed=malformed,
        rows_read=rows_read,
    )


def frame_export(frame: pd.DataFrame, *, what: str, timezone: str) -> ExportColumns:
    """The columns of an export given as a frame; its first row is row 2, as in a CSV."""
    kind = kind_of(list(frame.columns), what=what)
    frame = frame.reset_index(drop=True)
    rows = np.arange(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame), dtype=np.int64)
    chunk = _chunk(frame, rows, kind=kind, timezone=timezone, offset=0)
    none = Malformed(
        rows=np.zeros(0, dtype=np.int64),
        agents=np.zeros(0, dtype=object),
        details=np.zeros(0, dtype=object),
    )
    return _join([chunk], kind=kind, malformed=none, rows_read=len(frame))


def _unique_names(header: list[str]) -> list[str]:
    """Column names as pandas gives them: a repeated name gets ``.1``, ``.2``, ..."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for name in header:
        n = seen.get(name, 0)
        out.append(name if n == 0 else f"{name}.{n}")
        seen[name] = n + 1
    return out


def read_export(
    path: Path, *, what: str, timezone: str, chunk_rows: int | None = None
) -> ExportColumns:
    """Stream the CSV export ``path`` ``chunk_rows`` rows (default :data:`CHUNK_ROWS`)
    at a time into compact columns.

    Blank lines are skipped (they keep their row number). A row with more or
    fewer fields than the header is reported in ``malformed`` and not used.
    Raises :class:`AdherenceInputError` when the file cannot be read.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return _stream(
                csv.reader(handle),
                path=path,
                what=what,
                timezone=timezone,
                chunk_rows=chunk_rows or CHUNK_ROWS,
            )
    except FileNotFoundError as exc:
        raise AdherenceInputError(f"{what} file not found: {path}") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise AdherenceInputError(f"{what} file {path} cannot be read: {exc}") from exc


def _stream(
    records: Iterator[list[str]], *, path: Path, what: str, timezone: str, chunk_rows: int
) -> ExportColumns:
    """The chunked read of :func:`read_export`, over the CSV records of ``path``."""
    header = next(records, None)
    if not header:
        raise AdherenceInputError(f"{what} file {path} cannot be read: it has no header row")
    kind = kind_of(header, what=f"{what} file {path}")
    width = len(header)
    names = _unique_names(header)
    chunks: list[_Chunk] = []
    bad_rows: list[int] = []
    bad_agents: list[str] = []
    bad_details: list[str] = []
    first = FIRST_DATA_ROW
    kept = 0
    while block := list(itertools.islice(records, chunk_rows)):
        rows = np.arange(first, first + len(block), dtype=np.int64)
        first += len(block)
        widths = np.fromiter(map(len, block), dtype=np.int64, count=len(block))
        ok = widths == width
        if not ok.all():
            for i in np.flatnonzero(~ok & (widths > 0)):
                bad_rows.append(int(rows[i]))
                bad_agents.append(block[i][0].strip())
                bad_details.append(f"expected {width} fields as in the header, found {widths[i]}")
            block = [rec for rec, good in zip(block, ok.tolist(), strict=True) if good]
            rows = rows[ok]
        if block:
            frame = pd.DataFrame(block, columns=names, dtype=object)
            chunks.append(_chunk(frame, rows, kind=kind, timezone=timezone, offset=kept))
            kept += len(block)
    malformed = Malformed(
        rows=np.asarray(bad_rows, dtype=np.int64),
        agents=np.asarray(bad_agents, dtype=object),
        details=np.asarray(bad_details, dtype=object),
    )
    return _join(chunks, kind=kind, malformed=malformed, rows_read=kept + len(bad_rows))


__all__ = [
    "CHUNK_ROWS",
    "EVENT_COLUMNS",
    "FIRST_DATA_ROW",
    "SESSION_COLUMNS",
    "ExportColumns",
    "Malformed",
    "TimeColumn",
    "frame_export",
    "kind_of",
    "read_export",
    "trimmed_text",
]
