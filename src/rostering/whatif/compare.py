"""Side-by-side comparison of two runs: every delta is run B minus run A.

:func:`compare_runs` works on :class:`~rostering.results.RunOutcome`, the
serialisable part of a run (KPIs, roster rows, requirement rows, costs,
violations), so runs held in memory (:func:`~rostering.results.outcome_of`),
runs stored by the HTTP API and run folders written by ``rostering solve``
(:func:`compare_folders`) all compare alike. :func:`changes_table` is the
``changes.csv`` a what-if writes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Literal

import pandas as pd

from rostering.results.comparison import (
    AssignmentChange,
    Comparison,
    CostDelta,
    CoverageDelta,
    KpiDelta,
)
from rostering.results.folder import read_run_outcome
from rostering.results.outcome import RosterRow, RunOutcome, finite_or_none
from rostering.results.run import ChannelKpis

_COMPARED_ROSTER_FIELDS = ("shift", "start", "end", "channels", "standby")
_HEADLINE = ("labour_cost", "objective", "hard_violations", "soft_violations", "wall_time_s")
_PER_CHANNEL = (
    "volume",
    "required_agent_hours",
    "scheduled_agent_hours",
    "coverage",
    "service_level",
    "asa_s",
    "abandon_rate",
    "occupancy",
)


_SIMULATED = ("service_level", "asa_s", "abandon_rate", "occupancy")
"""Per-channel figures of the simulation, compared as ``simulated_<name>``."""


def _simulated(kpis: ChannelKpis | None, name: str) -> float | None:
    if kpis is None or kpis.simulated is None:
        return None
    estimate = getattr(kpis.simulated, name)
    return None if estimate is None else estimate.value


def _delta(name: str, a: float | None, *, b: float | None, channel: str | None = None) -> KpiDelta:
    a, b = finite_or_none(a), finite_or_none(b)
    delta = b - a if a is not None and b is not None else None
    return KpiDelta(name=name, channel=channel, a=a, b=b, delta=delta)


def _duty(row: RosterRow | None) -> str:
    if row is None:
        return ""
    parts = []
    if row.shift:
        parts.append(f"{row.shift} {row.start[11:16]}-{row.end[11:16]}")
        if row.channels:
            parts.append(row.channels)
    if row.standby:
        parts.append(f"standby {row.standby}")
    return " ".join(parts)


def _coverage_by_day(outcome: RunOutcome) -> dict[tuple[dt.date, str], tuple[float, float, float]]:
    hours = outcome.interval_minutes / 60
    totals: dict[tuple[dt.date, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for r in outcome.requirements:
        t = totals[(r.interval_start.date(), r.channel)]
        t[0] += r.required * hours
        t[1] += r.scheduled * hours
        t[2] += r.shortfall * hours
    return {k: (v[0], v[1], v[2]) for k, v in totals.items()}


def compare_runs(
    a: RunOutcome, b: RunOutcome, *, label_a: str = "A", label_b: str = "B"
) -> Comparison:
    """Run ``b`` against run ``a``: every delta is B minus A.

    KPIs: the headline numbers, then each channel's service numbers, predicted
    and (as ``simulated_<name>``) simulated, where the runs were simulated (a
    channel present in one run only shows ``None`` on the other side). Costs: per
    person and in total. Coverage: required, scheduled and short agent-hours
    per day and channel. Assignments: every person-day whose shift, times,
    channels or standby differ, sorted by date then person; of the person-days
    of the people in both runs (``agent_days``, days off included), those that
    differ are counted in ``agent_days_changed``, and the people in one run only
    are listed as added or removed.
    """
    kpis = [_delta(n, getattr(a.kpis, n), b=getattr(b.kpis, n)) for n in _HEADLINE]
    chan_a = {c.channel: c for c in a.kpis.channels}
    chan_b = {c.channel: c for c in b.kpis.channels}
    for channel in [*chan_a, *(c for c in chan_b if c not in chan_a)]:
        ca, cb = chan_a.get(channel), chan_b.get(channel)
        for name in _PER_CHANNEL:
            kpis.append(
                _delta(
                    name,
                    getattr(ca, name) if ca else None,
                    b=getattr(cb, name) if cb else None,
                    channel=channel,
                )
            )
        for name in _SIMULATED:
            kpis.append(
                _delta(
                    f"simulated_{name}",
                    _simulated(ca, name),
                    b=_simulated(cb, name),
                    channel=channel,
                )
            )

    pay_a = {str(c.agent): c.total for c in a.costs}
    pay_b = {str(c.agent): c.total for c in b.costs}
    people = sorted(set(pay_a) | set(pay_b))
    costs = [
        CostDelta(
            agent=p,
            a=pay_a.get(p, 0.0),
            b=pay_b.get(p, 0.0),
            delta=pay_b.get(p, 0.0) - pay_a.get(p, 0.0),
        )
        for p in people
    ]
    total_a, total_b = sum(pay_a.values()), sum(pay_b.values())
    costs.append(CostDelta(agent="TOTAL", a=total_a, b=total_b, delta=total_b - total_a))

    cov_a, cov_b = _coverage_by_day(a), _coverage_by_day(b)
    coverage = []
    for key in sorted(set(cov_a) | set(cov_b)):
        ra, sa, fa = cov_a.get(key, (0.0, 0.0, 0.0))
        rb, sb, fb = cov_b.get(key, (0.0, 0.0, 0.0))
        coverage.append(
            CoverageDelta(
                date=key[0],
                channel=key[1],
                required_a=ra,
                required_b=rb,
                scheduled_a=sa,
                scheduled_b=sb,
                shortfall_a=fa,
                shortfall_b=fb,
                shortfall_delta=fb - fa,
            )
        )

    rows_a = {(r.agent, r.date): r for r in a.roster}
    rows_b = {(r.agent, r.date): r for r in b.roster}
    changes: list[AssignmentChange] = []
    for person_day in sorted(set(rows_a) | set(rows_b), key=lambda k: (k[1], k[0])):
        ra_row, rb_row = rows_a.get(person_day), rows_b.get(person_day)
        if ra_row is None or rb_row is None:
            change: Literal["added", "removed", "changed"] = (
                "added" if ra_row is None else "removed"
            )
            fields = list(_COMPARED_ROSTER_FIELDS)
        else:
            fields = [
                f for f in _COMPARED_ROSTER_FIELDS if getattr(ra_row, f) != getattr(rb_row, f)
            ]
            if not fields:
                continue
            change = "changed"
        changes.append(
            AssignmentChange(
                agent=person_day[0],
                date=person_day[1],
                change=change,
                before=_duty(ra_row),
                after=_duty(rb_row),
                fields=fields,
            )
        )
    people_a, people_b = _people(a), _people(b)
    shared = people_a & people_b
    days = _dates(a) | _dates(b)
    return Comparison(
        label_a=label_a,
        label_b=label_b,
        kpis=kpis,
        costs=costs,
        coverage=coverage,
        assignments=changes,
        assignments_changed=len(changes),
        agent_days=len(shared) * len(days),
        agent_days_changed=sum(1 for c in changes if c.agent in shared),
        people_added=sorted(people_b - people_a),
        people_removed=sorted(people_a - people_b),
    )


def _people(outcome: RunOutcome) -> set[str]:
    """Everyone in a run: every person has a cost line, worked or not."""
    return {str(c.agent) for c in outcome.costs} | {r.agent for r in outcome.roster}


def _dates(outcome: RunOutcome) -> set[dt.date]:
    """The days of a run's horizon (every day has requirement rows)."""
    return {r.interval_start.date() for r in outcome.requirements} | {
        r.date for r in outcome.roster
    }


def compare_folders(a: Path, b: Path) -> Comparison:
    """Run folder ``b`` against run folder ``a`` (each written by ``rostering solve``).

    The same comparison as :func:`compare_runs` of the two runs in memory,
    labelled with the folders' names. Raises
    :class:`~rostering.errors.InputError` naming the file (and row and field)
    that is missing or unreadable.
    """
    return compare_runs(read_run_outcome(a), read_run_outcome(b), label_a=a.name, label_b=b.name)


CHANGE_COLUMNS = ("agent", "date", "before", "after")
"""Columns of ``changes.csv``: one row per person-day that differs, duties as text."""


def changes_table(comparison: Comparison) -> pd.DataFrame:
    """The changed person-days of a comparison, by date then person (``changes.csv``).

    ``before`` and ``after`` read like ``M 10:00-19:00 chat|inbound``,
    ``standby supervisor``, or empty for a day off.
    """
    rows = [
        {"agent": c.agent, "date": c.date.isoformat(), "before": c.before, "after": c.after}
        for c in comparison.assignments
    ]
    return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))


__all__ = ["CHANGE_COLUMNS", "changes_table", "compare_folders", "compare_runs"]
