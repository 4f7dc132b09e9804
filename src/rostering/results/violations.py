"""Violations a planner can read: the detail rows summed by rule, channel and day.

A run lists its violations one per interval, day or request (``violations.csv``
keeps them all, with a free-text ``where``). This module sums them into
groups, one per rule and channel, each with the days it falls on, the total
amount in the rule's own unit and the total cost, largest cost first. It reads
only the violations and the run's channel ids, never the solver.

The ``where`` texts are parsed defensively: the dates are the ISO dates
(``2026-09-28``) in the text, or ``day N`` counted from the horizon's first
day when that is known; the channel is the last word when it is a channel or
pool id of the run (``chat+inbound``), otherwise ``-``. A text that matches
neither still counts, with no day and channel ``-``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from rostering.roster import rule_names as rn
from rostering.roster.solution import Violation

if TYPE_CHECKING:
    from rostering.results.run import RunResult

NO_CHANNEL = "-"
"""The channel of a group whose violations name no channel of the run."""

_REQUESTS = "requests not granted"

RULE_UNITS: dict[str, str] = {
    rn.SHORTFALL: "agent-intervals short",
    rn.SURPLUS: "agent-intervals over",
    rn.SURPLUS_BEYOND_MARGIN: "agent-intervals over, beyond a tenth of the requirement",
    rn.SURPLUS_IDLE: "agent-intervals over, beyond a quarter of the requirement",
    rn.SHORTFALL_DEEP: "agent-intervals short, beyond a tenth of the requirement",
    rn.LATE: "agent-intervals of work late",
    rn.FLOOR: "percentage points below the floor",
    rn.PRESENCE: "intervals with nobody able",
    rn.SECONDARY: "agent-intervals of help",
    rn.BACKUP_POOL: "backups short",
    rn.MANAGEMENT_RATIO: "supervisors short",
    rn.FLOOR_SUPPORT: "lead-intervals short on the floor",
    rn.FAIRNESS: "days of gap, most vs least",
    rn.SHIFT_ON_REQUEST: _REQUESTS,
    rn.SHIFT_OFF_REQUEST: _REQUESTS,
    rn.SHIFT_REQUESTS: _REQUESTS,
}
"""What ``amount`` counts, per rule, in a planner's words."""

HARD_UNIT = "breaches"
"""The unit of a hard rule the validator found broken."""

_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DAY_INDEX = re.compile(r"\bday (\d{1,4})\b")


class ViolationGroup(BaseModel):
    """The violations of one rule on one channel, summed over the days they fall on."""

    rule: str
    channel: str = Field(
        NO_CHANNEL, description="Channel or pool id, or '-' when the rule names none."
    )
    days: list[dt.date] = Field(
        default_factory=list, description="The distinct days, in order (empty: none named)."
    )
    amount: float = Field(description="Total amount, in `unit`.")
    cost: float = Field(description="Total cost in the objective, yuan.")
    unit: str = Field("", description="What `amount` counts, in a planner's words.")
    count: int = Field(0, description="How many violation rows the group sums.")
    hard: bool = Field(False, description="A hard rule (found by the validator).")


def unit_of(rule: str, *, hard: bool = False) -> str:
    """The unit ``amount`` is counted in for ``rule`` (empty when unknown).

    Parameters
    ----------
    rule : str
        A rule name (see :mod:`rostering.roster.rule_names`).
    hard : bool, optional
        Whether the violation is of a hard rule, counted in breaches.

    Returns
    -------
    str
        The unit, e.g. ``"agent-intervals short"``.
    """
    if hard:
        return HARD_UNIT
    return RULE_UNITS.get(rule, "")


def parse_where(
    where: str, channel_ids: Iterable[str] = (), *, start: dt.date | None = None
) -> tuple[list[dt.date], str]:
    """The days and the channel a violation's ``where`` names.

    Parameters
    ----------
    where : str
        The violation's ``where`` text, in any of the rules' formats.
    channel_ids : Iterable of str, optional
        The channel and pool ids of the run; the last word is the channel when
        it is one of them.
    start : datetime.date, optional
        The horizon's first day, to read ``day N`` as a date when the text
        holds no ISO date.

    Returns
    -------
    tuple of (list of datetime.date, str)
        The distinct dates in order of appearance, and the channel (``"-"``
        when none is named). Never raises.
    """
    text = str(where)
    days: list[dt.date] = []
    for match in _ISO_DATE.finditer(text):
        try:
            day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
        if day not in days:
            days.append(day)
    if not days and start is not None:
        for match in _DAY_INDEX.finditer(text):
            try:
                day = start + dt.timedelta(days=int(match[1]))
            except OverflowError:
                continue
            if day not in days:
                days.append(day)
    words = text.split()
    known = set(channel_ids)
    channel = words[-1] if words and words[-1] in known else NO_CHANNEL
    return days, channel


def summarise_violations(
    violations: Iterable[Violation],
    channel_ids: Iterable[str] = (),
    *,
    start: dt.date | None = None,
) -> list[ViolationGroup]:
    """Sum violations by rule and channel, with their days, largest cost first.

    Labour cost terms are costs, not violations, and are left out.

    Parameters
    ----------
    violations : Iterable of Violation
        The detail rows, e.g. a solution's ``violations``.
    channel_ids : Iterable of str, optional
        The run's channel and pool ids (see :func:`parse_where`).
    start : datetime.date, optional
        The horizon's first day, to date ``day N`` texts.

    Returns
    -------
    list of ViolationGroup
        One group per (rule, channel, hard), hard rules first, then by cost,
        amount and rule descending/ascending so the order is stable.
    """
    ids = frozenset(channel_ids)
    groups: dict[tuple[str, str, bool], ViolationGroup] = {}
    for v in violations:
        if v.rule == rn.LABOUR:
            continue
        days, channel = parse_where(v.where, ids, start=start)
        key = (v.rule, channel, v.hard)
        group = groups.get(key)
        if group is None:
            group = ViolationGroup(
                rule=v.rule,
                channel=channel,
                amount=0.0,
                cost=0.0,
                unit=unit_of(v.rule, hard=v.hard),
                hard=v.hard,
            )
            groups[key] = group
        group.amount += v.amount
        group.cost += v.cost
        group.count += 1
        group.days.extend(days)
    for group in groups.values():
        group.days = sorted(set(group.days))
    return sorted(
        groups.values(),
        key=lambda g: (not g.hard, -g.cost, -g.amount, g.rule, g.channel),
    )


def run_violation_summary(result: RunResult) -> list[ViolationGroup]:
    """The summary of a run: its soft violations and the validator's hard ones.

    Parameters
    ----------
    result : RunResult
        The run; its channel and pool ids and horizon start are used to parse
        the ``where`` texts.

    Returns
    -------
    list of ViolationGroup
        As :func:`summarise_violations`. The soft groups sum exactly the rows
        of ``violations.csv``; hard violations cost nothing.
    """
    listed = [*result.validation.hard, *result.solution.violations]
    ids = [str(c.id) for c in result.instance.channels]
    return summarise_violations(listed, ids, start=result.instance.start)


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b}"


def compact_days(days: Iterable[dt.date], *, limit: int = 6) -> str:
    """Days as runs of consecutive dates: ``28 Sep-3 Oct, 5 Oct`` (``-`` when none).

    Parameters
    ----------
    days : Iterable of datetime.date
        The days, in any order; duplicates are ignored.
    limit : int, optional
        Most runs shown; the rest are summed as ``+N more days``.

    Returns
    -------
    str
        The compact text.
    """
    ordered = sorted(set(days))
    if not ordered:
        return NO_CHANNEL
    runs: list[tuple[dt.date, dt.date]] = []
    for day in ordered:
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    parts = []
    for first, last in runs[:limit]:
        if first == last:
            parts.append(_day(first))
        elif (first.year, first.month) == (last.year, last.month):
            parts.append(f"{first.day}-{_day(last)}")
        else:
            parts.append(f"{_day(first)}-{_day(last)}")
    rest = sum((last - first).days + 1 for first, last in runs[limit:])
    if rest:
        parts.append(f"+{rest} more day{'s' if rest > 1 else ''}")
    return ", ".join(parts)


def format_amount(amount: float) -> str:
    """``336`` for whole amounts, ``12.50`` otherwise, with thousands separators."""
    if float(amount).is_integer():
        return f"{amount:,.0f}"
    return f"{amount:,.2f}"


__all__ = [
    "HARD_UNIT",
    "NO_CHANNEL",
    "RULE_UNITS",
    "ViolationGroup",
    "compact_days",
    "format_amount",
    "parse_where",
    "run_violation_summary",
    "summarise_violations",
    "unit_of",
]
