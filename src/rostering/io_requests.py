"""Per-agent day items from CSV: wishes, leave, unavailable days and fixed days.

Planners keep these in spreadsheets, so a scenario folder may state them in CSV
two ways, used alone or together (and with items written inline in YAML):

``requests: requests.csv`` in ``scenario.yaml``, one item (or range) a row:

=======  ==========================================================================
agent    the agent's id (required)
date     the day, ``YYYY-MM-DD`` (``YYYY/MM/DD`` is accepted too) (required)
type     ``want`` | ``avoid`` | ``leave`` | ``unavailable`` | ``fixed`` (required)
end      last day of a range, inclusive: one item for every day from ``date``
shift    want: the shift wished for (empty: any shift); avoid: the shift not wanted
         (empty: the whole day off); fixed: the shift (empty or ``off``: a day off)
weight   want and avoid: how much the wish counts, 1-1000 (default 1)
kind     leave: ``annual`` | ``personal`` | ``sick`` (default annual)
note     free text, not read
=======  ==========================================================================

Compact columns of ``agents.csv``, items separated by ``|`` as other list columns:

* ``requests``: ``2026-10-02:E`` wants shift E; ``2026-10-02`` wants to work, any
  shift; ``!2026-10-02:L`` does not want L; ``!2026-10-02`` wants the day off; a
  ``*WEIGHT`` suffix weighs the wish (``!2026-10-02*5``);
* ``preassigned``: ``2026-10-02:E`` a fixed shift, ``2026-10-03:off`` a fixed day off;
* ``unavailable``: ``2026-10-02`` or a range ``2026-10-05..2026-10-07``;
* ``leave``: ``2026-10-02``, ``2026-10-02:sick`` or ``2026-10-05..2026-10-07:personal``.

Each item becomes a field of the agent's model: ``want`` and ``avoid`` a
:class:`~rostering.domain.agents.Request`, ``leave`` a
:class:`~rostering.domain.agents.Leave`, ``unavailable`` a date of
``unavailable`` and ``fixed`` an entry of ``preassigned``. Every fault is a
:class:`~rostering.errors.Problem` naming the file, row and column: an unknown
agent, type, kind or shift, a bad date or weight, a range ending before it
starts, and two items of one agent on one day that contradict each other (a
fixed shift on a day of leave, a wish to work on an unavailable day) or repeat
each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from rostering.domain.agents import LeaveKind
from rostering.errors import Problem
from rostering.io_day_items import WISHES, DayItem, ItemType, Source
from rostering.types import AgentId, ShiftId

#: Columns of a requests CSV: the required ones first.
REQUEST_COLUMNS_REQUIRED = ("agent", "date", "type")
REQUEST_COLUMNS = (*REQUEST_COLUMNS_REQUIRED, "end", "shift", "weight", "kind", "note")
#: Compact item columns of an agents CSV.
AGENT_ITEM_COLUMNS = ("requests", "preassigned", "unavailable", "leave")

MAX_WEIGHT = 1000
"""Largest request weight (as :class:`~rostering.domain.agents.Request` allows)."""
MAX_RANGE_DAYS = 366
"""Longest range one row or item may state."""

_OFF = "off"
_TYPES_TEXT = ", ".join(t.value for t in ItemType)
_KINDS_TEXT = ", ".join(k.value for k in LeaveKind)


def parse_date(text: str) -> dt.date:
    """A date written ``YYYY-MM-DD`` (or ``YYYY/MM/DD``); ValueError with the reason."""
    value = text.strip()
    if len(value) == 10:
        try:
            return dt.date.fromisoformat(value.replace("/", "-"))
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a date (expected YYYY-MM-DD)")


def _expand(first: dt.date, last: dt.date) -> list[dt.date]:
    if last < first:
        raise ValueError(f"the range ends {last} before it starts {first}")
    span = (last - first).days + 1
    if span > MAX_RANGE_DAYS:
        raise ValueError(f"the range {first}..{last} is {span} days, more than a year")
    return [first + dt.timedelta(days=i) for i in range(span)]


def _dates(text: str) -> list[dt.date]:
    """``DATE`` or ``DATE..DATE`` (inclusive)."""
    if ".." in text:
        first, _, last = text.partition("..")
        return _expand(parse_date(first), parse_date(last))
    return [parse_date(text)]


def _weight(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_WEIGHT:
        raise ValueError(f"weight must be a whole number from 1 to {MAX_WEIGHT}, got {text!r}")
    return value


def _kind(text: str) -> LeaveKind:
    try:
        return LeaveKind(text.strip().lower())
    except ValueError:
        raise ValueError(f"unknown leave kind {text!r} (expected {_KINDS_TEXT})") from None


def _split(text: str) -> list[str]:
    return [v.strip() for v in text.split("|") if v.strip()]


def _compact(column: str, text: str) -> list[tuple[dt.date, ItemType, str | None, int, LeaveKind]]:
    """One compact item of an agents CSV column as (date, type, shift, weight, kind) tuples."""
    if column == "leave":
        dates, _, kind = text.partition(":")
        return [
            (d, ItemType.LEAVE, None, 1, _kind(kind) if kind else LeaveKind.ANNUAL)
            for d in _dates(dates)
        ]
    if column == "unavailable":
        return [(d, ItemType.UNAVAILABLE, None, 1, LeaveKind.ANNUAL) for d in _dates(text)]
    if column == "preassigned":
        dates, sep, shift = text.partition(":")
        if not sep or not shift.strip():
            raise ValueError("expected DATE:SHIFT or DATE:off")
        fixed = None if shift.strip().lower() == _OFF else shift.strip()
        return [(d, ItemType.FIXED, fixed, 1, LeaveKind.ANNUAL) for d in _dates(dates)]
    # requests: [!]DATE[:SHIFT][*WEIGHT]
    body, star, weight_text = text.rpartition("*") if "*" in text else (text, "", "")
    weight = _weight(weight_text) if star else 1
    avoid = body.startswith("!")
    dates, sep, shift = body.removeprefix("!").partition(":")
    if sep and not shift.strip():
        raise ValueError("a ':' must be followed by a shift id")
    kind = ItemType.AVOID if avoid else ItemType.WANT
    return [(d, kind, shift.strip() or None, weight, LeaveKind.ANNUAL) for d in _dates(dates)]


def day_items_from_agent_row(
    row: dict[str, Any], *, file: str, line: int, problems: list[Problem]
) -> list[DayItem]:
    """Take the compact item columns out of one agents CSV row and parse them.

    The columns are removed from ``row``; each item that cannot be read adds a
    Problem naming the row, the column and the item.
    """
    agent = AgentId(str(row.get("id", "")))
    items: list[DayItem] = []
    for column in AGENT_ITEM_COLUMNS:
        text = row.pop(column, None)
        if text is None:
            continue
        source = Source(file, line, column)
        for part in _split(str(text)):
            try:
                parsed = _compact(column, part)
            except ValueError as exc:
                problems.append(Problem(file, source.at(), f"item {part!r}: {exc}", part))
                continue
            items += [
                DayItem(
                    agent, d, t, source, shift=None if s is None else ShiftId(s), weight=w, kind=k
                )
                for d, t, s, w, k in parsed
            ]
    return items


def day_items_from_request_rows(
    rows: Sequence[Mapping[str, str]], lines: Sequence[int], *, file: str, problems: list[Problem]
) -> list[DayItem]:
    """The items of a requests CSV (see the module docstring), ranges expanded.

    ``rows`` map column to non-empty text (empty cells left out); ``lines`` are
    their spreadsheet row numbers. A row with faults adds one Problem per
    fault and no item; blank rows are skipped.
    """
    items: list[DayItem] = []
    for row, line in zip(rows, lines, strict=True):
        if any(k in row for k in REQUEST_COLUMNS if k != "note"):
            faults: dict[str, str] = {}
            found = _request_row(row, line, file, faults)
            for column, why in faults.items():
                shown = repr(row[column]) if column in row else None
                problems.append(Problem(file, f"row {line}, column {column}", why, shown))
            items += found
    return items


def _request_row(
    row: Mapping[str, str], line: int, file: str, faults: dict[str, str]
) -> list[DayItem]:
    """One row of a requests CSV; its faults go into ``faults`` by column."""
    for column in REQUEST_COLUMNS_REQUIRED:
        if column not in row:
            faults[column] = f"no {column} given"
    item_type: ItemType | None = None
    if "type" in row:
        try:
            item_type = ItemType(row["type"].lower())
        except ValueError:
            faults["type"] = f"unknown type (expected {_TYPES_TEXT})"
    given: dict[str, dt.date] = {}
    for column in ("date", "end"):
        if column in row:
            try:
                given[column] = parse_date(row[column])
            except ValueError as exc:
                faults[column] = str(exc)
    dates: list[dt.date] = []
    if "date" in given:
        try:
            dates = _expand(given["date"], given.get("end", given["date"]))
        except ValueError as exc:
            faults["end"] = str(exc)
    weight, kind, shift = 1, LeaveKind.ANNUAL, None
    try:
        if "weight" in row:
            if item_type is not None and item_type not in WISHES:
                raise ValueError(f"a weight is for want and avoid only, not {item_type.value}")
            weight = _weight(row["weight"])
    except ValueError as exc:
        faults["weight"] = str(exc)
    try:
        if "kind" in row:
            if item_type is not None and item_type is not ItemType.LEAVE:
                raise ValueError(f"a kind is for leave only, not {item_type.value}")
            kind = _kind(row["kind"])
    except ValueError as exc:
        faults["kind"] = str(exc)
    if "shift" in row:
        if item_type in (ItemType.LEAVE, ItemType.UNAVAILABLE):
            faults["shift"] = f"a shift is for want, avoid and fixed only, not {item_type}"
        elif item_type is not ItemType.FIXED or row["shift"].lower() != _OFF:
            shift = ShiftId(row["shift"])
    if faults or item_type is None:
        return []
    source = Source(file, line, "date", one_column_per_field=True)
    agent = AgentId(row["agent"])
    return [
        DayItem(agent, d, item_type, source, shift=shift, weight=weight, kind=kind) for d in dates
    ]


__all__ = [
    "AGENT_ITEM_COLUMNS",
    "REQUEST_COLUMNS",
    "REQUEST_COLUMNS_REQUIRED",
    "day_items_from_agent_row",
    "day_items_from_request_rows",
    "parse_date",
]
