"""Per-agent day items, how they may contradict each other, and how they reach the agents.

A day item is one statement about one agent's day (a wish to work or not, leave,
an unavailable day, a fixed shift or day off) with the file and row it was
written in. :mod:`rostering.io_requests` reads them from CSV;
:func:`apply_day_items` checks them against the scenario's shifts, the agent's
eligible shifts and each other, and writes those that stand onto the raw agent
mappings before the scenario is validated.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import TypeAdapter, ValidationError

from rostering.domain.agents import Leave, LeaveKind, Request
from rostering.errors import Problem
from rostering.types import AgentId, ShiftId

log = logging.getLogger(__name__)

_DATE = TypeAdapter(dt.date)
TWICE = "is given twice"
"""The fault of an item stated twice (its weight or leave would count twice)."""


class ItemType(StrEnum):
    """What a day item says about an agent's day."""

    WANT = "want"
    """Wants to work the shift that day, or any shift when none is named."""
    AVOID = "avoid"
    """Does not want the shift that day, or wants the day off when none is named."""
    LEAVE = "leave"
    """Away on leave of a kind (annual, personal, sick)."""
    UNAVAILABLE = "unavailable"
    """Cannot work that day."""
    FIXED = "fixed"
    """Preassigned: works the shift, or is off when none is named."""


WISHES = (ItemType.WANT, ItemType.AVOID)
"""The item types that are soft wishes (the rest fix the day)."""


@dataclass(frozen=True)
class Source:
    """Where an item was written: a CSV row and column, or a YAML field path."""

    file: str
    row: int | None
    """CSV row as a spreadsheet shows it (header row 1); None for a YAML path."""
    column: str
    """The CSV column the item came from, or the YAML field path."""
    one_column_per_field: bool = False
    """True when each field has its own column (requests CSV), so faults name it."""

    def at(self, column: str | None = None) -> str:
        """Location text: ``row 7, column shift`` (or the YAML path)."""
        if self.row is None:
            return self.column
        shown = column if column and self.one_column_per_field else self.column
        return f"row {self.row}, column {shown}"

    def __str__(self) -> str:
        return f"{self.file} {self.at()}"


@dataclass(frozen=True)
class DayItem:
    """One statement about one agent's day, with where it was written."""

    agent: AgentId
    date: dt.date
    type: ItemType
    source: Source
    shift: ShiftId | None = None
    weight: int = 1
    kind: LeaveKind = LeaveKind.ANNUAL

    def describe(self) -> str:
        """The item in a planner's words: ``a fixed shift 'E'``, ``sick leave``."""
        shift = f" {self.shift!r}" if self.shift is not None else ""
        if self.type is ItemType.WANT:
            return f"a wish to work shift{shift}" if shift else "a wish to work (any shift)"
        if self.type is ItemType.AVOID:
            return f"a wish not to work shift{shift}" if shift else "a wish for the day off"
        if self.type is ItemType.LEAVE:
            return f"{self.kind.value} leave"
        if self.type is ItemType.UNAVAILABLE:
            return "an unavailable day"
        return f"a fixed shift{shift}" if shift else "a fixed day off"

    @property
    def works(self) -> bool | None:
        """True: the item has the agent work; False: off; None: says nothing either way."""
        if self.type in (ItemType.LEAVE, ItemType.UNAVAILABLE):
            return False
        if self.type is ItemType.FIXED:
            return self.shift is not None
        return None


# --- checks --------------------------------------------------------------------------


def _inline_items(agent: Mapping[str, Any], index: int, file: str) -> list[DayItem]:
    """Items written inline on an agent in YAML, for the contradiction check.

    Read leniently: an item that does not validate is left for the scenario's
    own validation to report.
    """
    aid = AgentId(str(agent.get("id", "")))
    out: list[DayItem] = []

    def src(field: str, j: int | str) -> Source:
        return Source(file, None, f"agents.{index}.{field}.{j}")

    for j, raw in enumerate(_as_list(agent.get("leave"))):
        try:
            leave = Leave.model_validate(raw)
        except ValidationError:
            continue
        out.append(DayItem(aid, leave.date, ItemType.LEAVE, src("leave", j), kind=leave.kind))
    for j, raw in enumerate(_as_list(agent.get("unavailable"))):
        try:
            day = _DATE.validate_python(raw)
        except ValidationError:
            continue
        out.append(DayItem(aid, day, ItemType.UNAVAILABLE, src("unavailable", j)))
    fixed = agent.get("preassigned")
    if isinstance(fixed, Mapping):
        for key, shift in fixed.items():
            try:
                day = _DATE.validate_python(key)
            except ValidationError:
                continue
            if shift is None or isinstance(shift, str):
                s = None if shift is None else ShiftId(shift)
                out.append(DayItem(aid, day, ItemType.FIXED, src("preassigned", key), shift=s))
    for j, raw in enumerate(_as_list(agent.get("requests"))):
        try:
            req = Request.model_validate(raw)
        except ValidationError:
            continue
        t = ItemType.WANT if req.want else ItemType.AVOID
        out.append(
            DayItem(aid, req.date, t, src("requests", j), shift=req.shift, weight=req.weight)
        )
    return out


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def contradiction(old: DayItem, new: DayItem) -> str | None:
    """Why two items of one agent on one day cannot both stand, or None when they can.

    At most one of leave, unavailable and fixed a day; a wish may not ask to
    work on a day the agent is off, nor go against its fixed shift or another
    wish; an item stated twice is a fault too (its weight or leave would count
    twice).
    """
    if (old.type, old.shift, old.kind) == (new.type, new.shift, new.kind):
        return TWICE
    status = [x for x in (old, new) if x.type not in WISHES]
    wishes = [x for x in (old, new) if x.type in WISHES]
    if len(status) == 2:
        return "a day takes one of leave, unavailable or fixed"
    if len(status) == 1:
        day, wish = status[0], wishes[0]
        if day.works is False:
            return "a wish to work on a day off" if wish.type is ItemType.WANT else None
        if wish.type is ItemType.WANT:
            clash = wish.shift is not None and wish.shift != day.shift
        else:
            clash = wish.shift is None or wish.shift == day.shift
        return "a wish against the fixed shift" if clash else None
    want = [x for x in wishes if x.type is ItemType.WANT]
    avoid = [x for x in wishes if x.type is ItemType.AVOID]
    if len(want) == 2:
        both = want[0].shift is not None and want[1].shift is not None
        return "two different shifts wished the same day" if both else None
    if len(want) == 1 and len(avoid) == 1:
        if avoid[0].shift is None:
            return "a wish to work and a wish for the day off"
        if avoid[0].shift == want[0].shift:
            return "the same shift wanted and avoided"
    return None


def _eligible(agent: Mapping[str, Any]) -> set[str] | None:
    shifts = agent.get("shifts")
    if isinstance(shifts, list) and all(isinstance(s, str) for s in shifts):
        return set(shifts)
    return None


def _shift_fault(item: DayItem, known: set[str] | None, eligible: set[str] | None) -> str | None:
    if item.shift is None:
        return None
    if known is not None and item.shift not in known:
        return f"unknown shift {item.shift!r} (the scenario's shifts: {', '.join(sorted(known))})"
    if eligible is not None and item.type is not ItemType.AVOID and item.shift not in eligible:
        shown = "|".join(sorted(eligible)) or "none"
        doing = "be given" if item.type is ItemType.FIXED else "work"
        return f"agent {item.agent!r} may not {doing} shift {item.shift!r} (its shifts: {shown})"
    return None


def apply_day_items(
    agents: list[Any],
    own: Mapping[int, list[DayItem]],
    *,
    shared: Sequence[DayItem],
    inline_file: str | None,
    shift_ids: set[str] | None,
    horizon: tuple[dt.date, int] | None,
    problems: list[Problem],
) -> None:
    """Check the CSV items and write them onto the raw agent mappings.

    ``own`` holds each agents-CSV row's items by the agent's index; ``shared``
    the items of a requests CSV, found by agent id. ``inline_file`` names the
    YAML file when the agents are written inline there (their own items then
    take part in the contradiction check), None when they come from a CSV.
    ``shift_ids`` are the scenario's shifts (None when unreadable: the check is
    left out). A faulty item adds a Problem and is dropped.
    """
    index: dict[str, int] = {}
    for i, agent in enumerate(agents):
        if isinstance(agent, Mapping) and isinstance(agent.get("id"), str):
            index.setdefault(agent["id"], i)
    by_agent: dict[int, list[DayItem]] = {i: list(items) for i, items in own.items()}
    found: list[tuple[Source, Problem]] = []
    reported: set[tuple[Source, str]] = set()  # a range repeats its row's fault day by day

    def fault(item: DayItem, column: str, why: str, value: str) -> None:
        if (item.source, why) not in reported:
            reported.add((item.source, why))
            found.append(
                (item.source, Problem(item.source.file, item.source.at(column), why, value))
            )

    for item in shared:
        at = index.get(item.agent)
        if at is None:
            fault(item, "agent", f"unknown agent id {item.agent!r}", repr(item.agent))
        else:
            by_agent.setdefault(at, []).append(item)
    outside = 0
    for i in sorted(by_agent):
        agent = agents[i]
        if not isinstance(agent, dict):
            continue
        kept: dict[dt.date, list[DayItem]] = {}
        if inline_file is not None:
            for item in _inline_items(agent, i, inline_file):
                kept.setdefault(item.date, []).append(item)
        eligible = _eligible(agent)
        added: list[DayItem] = []
        for item in by_agent[i]:
            column, why = "shift", _shift_fault(item, shift_ids, eligible)
            if why is None:
                column, why = "date", _conflict(item, kept.get(item.date, []))
            if why is not None:
                fault(item, column, why, _value(item))
                continue
            kept.setdefault(item.date, []).append(item)
            added.append(item)
            if horizon is not None and not 0 <= (item.date - horizon[0]).days < horizon[1]:
                outside += 1
        _attach(agent, added)
    found.sort(key=lambda f: (f[0].file, f[0].row or 0))
    problems += [p for _, p in found]
    if outside:
        log.info("%d day item(s) fall outside the horizon and are not used", outside)


def _conflict(item: DayItem, earlier: list[DayItem]) -> str | None:
    for old in earlier:
        reason = contradiction(old, item)
        if reason == TWICE:
            return f"agent {item.agent!r} on {item.date}: {item.describe()} {TWICE} ({old.source})"
        if reason is not None:
            return (
                f"agent {item.agent!r} on {item.date}: {item.describe()} contradicts "
                f"{old.describe()} ({old.source}): {reason}"
            )
    return None


def _value(item: DayItem) -> str:
    return repr(item.shift) if item.shift is not None else repr(item.date.isoformat())


def _attach(agent: dict[str, Any], items: list[DayItem]) -> None:
    """Append the items to the agent's fields (left alone when not of the expected shape)."""
    fields: dict[str, list[Any]] = {"leave": [], "unavailable": [], "requests": []}
    fixed: dict[dt.date, ShiftId | None] = {}
    for item in items:
        if item.type is ItemType.LEAVE:
            fields["leave"].append({"date": item.date, "kind": item.kind.value})
        elif item.type is ItemType.UNAVAILABLE:
            fields["unavailable"].append(item.date)
        elif item.type is ItemType.FIXED:
            fixed[item.date] = item.shift
        else:
            fields["requests"].append(
                {
                    "date": item.date,
                    "shift": item.shift,
                    "want": item.type is ItemType.WANT,
                    "weight": item.weight,
                }
            )
    for name, values in fields.items():
        if values:
            current = agent.setdefault(name, [])
            if isinstance(current, list):
                current.extend(values)
    if fixed:
        current_fixed = agent.setdefault("preassigned", {})
        if isinstance(current_fixed, dict):
            current_fixed.update(fixed)


__all__ = [
    "TWICE",
    "WISHES",
    "DayItem",
    "ItemType",
    "Source",
    "apply_day_items",
    "contradiction",
]
