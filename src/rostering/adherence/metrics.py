"""Adherence, conformance, attendance and the exceptions, by interval arithmetic.

Every boundary of every scheduled segment, logged-in segment and grace window
of an agent is put on one sorted axis; between two neighbouring boundaries
nothing changes, so each such *piece* has one scheduled activity, one actual
activity and one length. Every measure is then a sum of piece lengths, and
exceptions are runs of neighbouring pieces. No minute-by-minute loop is needed.

:func:`measure` runs the steps in order: cut the pieces
(:mod:`~rostering.adherence.pieces`), judge which are in adherence
(:mod:`~rostering.adherence.in_adherence`), list the exceptions
(:mod:`~rostering.adherence.exceptions`) and sum up
(:mod:`~rostering.adherence.aggregates`).

Definitions (per agent and day; sums of minutes over days, agents or the period):

* **scheduled** = shift length, meal and short breaks included; **scheduled
  work** = shift minus meal and short breaks; **scheduled break** = the short
  breaks of the roster's ``breaks`` column.
* **in adherence**: scheduled time where the actual activity is one the
  :class:`~rostering.adherence.states.StateMapping` counts as equivalent to the
  scheduled one, or the state is neutral. Then, in order:

  - *grace*: offline time in the first ``late_login_grace_minutes`` and in the
    last ``early_logout_grace_minutes`` of a shift, and meal-equivalent (or
    break-equivalent) work time in the first ``break_overrun_grace_minutes``
    after the meal (or a short break) ends, counts as in adherence (7 min late
    with a 2-min grace loses 5 min: 535/540 over a 540-min shift);
  - *minimum exception*: a run of out-of-adherence time shorter than
    ``min_exception_minutes`` counts as in adherence and is not listed;
  - *absence*: a shift without any logged-in time is wholly out of adherence
    (its meal and breaks are not credited) and is one ``absent`` exception.

  A scheduled short break is judged as the meal is: by default a break, a
  meal or being logged out counts for it, and working through it does not.

* **adherence** = in adherence / scheduled.
* **worked** = logged-in time in a productive, not-ready or other activity,
  in or out of the shift; **conformance** = worked / scheduled work (may pass 1).
* **paid logged-in** = logged-in time minus meals (meals are unpaid);
  **productive utilisation** = productive / paid logged-in;
  **not-ready + break share** = (not ready + break) / paid logged-in;
  **planned break share** = scheduled break / (scheduled work + scheduled
  break), the share of the same budget the roster spends before the day.
* **attendance rate** = shifts attended / shifts planned (agents who worked /
  agents planned, per day); **schedule adherence rate** = agents whose
  adherence reaches ``adherence_threshold`` / agents scheduled.

Logged-in time outside every shift is attributed to the nearest shift of the
agent within ``attribution_window_minutes``, else to its local calendar date,
and is listed as ``unscheduled_work`` (or ``standby_call_in`` on a standby day)
when a run lasts at least ``unscheduled_min_minutes``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from rostering.adherence.agent_batches import BATCH_ROWS, agent_groups, row_range, schedule_part
from rostering.adherence.aggregates import (
    IntervalSeconds,
    by_agent,
    by_agent_day,
    by_day,
    by_interval,
    interval_frame,
    interval_origin,
    interval_seconds,
    totals_of,
)
from rostering.adherence.arrays import Mask
from rostering.adherence.config import AdherenceConfig
from rostering.adherence.exceptions import (
    DeviationCategory,
    absence_exceptions,
    deviation_categories,
    exceptions_frame,
    run_categories,
    shift_exceptions,
    unscheduled_exceptions,
)
from rostering.adherence.gantt import actual_segments, planned_segments
from rostering.adherence.in_adherence import (
    GraceWindows,
    absent_shifts,
    forgive_short_runs,
    forgiven_by_grace,
    grace_windows,
    in_absent_shift,
    matches_schedule,
    whole_seconds,
)
from rostering.adherence.packed_keys import KeyPacking
from rostering.adherence.pieces import (
    Pieces,
    ShiftArrays,
    attribute_days,
    cut_pieces,
    find_runs,
    scheduled_segments,
    time_line_packing,
)
from rostering.adherence.readers import EventData
from rostering.adherence.schedule import Schedule
from rostering.adherence.states import StateMapping
from rostering.adherence.timeline import Timeline
from rostering.errors import InputError


@dataclass(frozen=True)
class Measures:
    """The measured results as long frames.

    ``by_agent_day`` (one row per agent and date with scheduled or logged-in
    time), ``by_agent``, ``by_day``, ``by_interval`` (team, one row per
    interval with scheduled or logged-in time), ``exceptions``
    (:data:`~rostering.adherence.exceptions.EXCEPTION_COLUMNS`), ``planned``
    and ``actual`` segments (``agent``, ``start``, ``end`` local aware times,
    ``activity``) for the Gantt view, and ``totals`` for the whole period.
    """

    by_agent_day: pd.DataFrame
    by_agent: pd.DataFrame
    by_day: pd.DataFrame
    by_interval: pd.DataFrame
    exceptions: pd.DataFrame
    planned: pd.DataFrame
    actual: pd.DataFrame
    totals: dict[str, float | int | None]


@dataclass(frozen=True)
class Judgement:
    """Which pieces are in adherence, and which shifts were missed."""

    in_adherence: Mask
    """Per piece, before short runs are forgiven."""
    out_of_adherence: Mask
    """Per piece: scheduled, not in adherence, in a shift the agent attended."""
    absent: Mask
    """Per shift: the agent never logged in."""


def judge_pieces(
    pieces: Pieces,
    shifts: ShiftArrays,
    *,
    windows: GraceWindows,
    keys: KeyPacking,
    equivalence: Mask,
) -> Judgement:
    """Decide which scheduled time was kept: right activity or grace, and nobody absent.

    A shift with no login at all is wholly out of adherence, grace and meal
    included, and is listed once as an absence rather than run by run.
    ``equivalence`` is :meth:`StateMapping.equivalence_matrix`.
    """
    absent = absent_shifts(pieces, n_shifts=len(shifts))
    missed = in_absent_shift(pieces, absent)
    kept = matches_schedule(pieces, equivalence=equivalence) | forgiven_by_grace(
        pieces, windows, equivalence=equivalence, keys=keys
    )
    in_adherence = kept & ~missed
    return Judgement(
        in_adherence=in_adherence,
        out_of_adherence=pieces.in_shift & ~in_adherence & ~missed,
        absent=absent,
    )


def list_exceptions(
    pieces: Pieces,
    shifts: ShiftArrays,
    *,
    keys: KeyPacking,
    judgement: Judgement,
    day: npt.NDArray[np.int64],
    schedule: Schedule,
    data: EventData,
    config: AdherenceConfig,
    equivalence: Mask,
    timezone: str,
) -> tuple[pd.DataFrame, Mask]:
    """List every deviation, and forgive the out-of-adherence runs too short to list.

    Runs of out-of-adherence shift time of one kind are one exception each,
    unless shorter than ``min_exception_minutes``: those count as in adherence.
    Absences follow, then logged-in runs outside shifts. Returns the
    exceptions list and the in-adherence flags with short runs forgiven.
    """
    categories = deviation_categories(pieces, equivalence=equivalence, n_shifts=len(shifts))
    runs = find_runs(
        pieces,
        judgement.out_of_adherence,
        group=pieces.shift * len(DeviationCategory) + categories,
    )
    in_adherence, short = forgive_short_runs(
        judgement.in_adherence, runs, min_seconds=whole_seconds(config.min_exception_minutes)
    )
    kinds = run_categories(
        runs,
        categories,
        shifts=shifts,
        pieces=pieces,
        break_grace_s=whole_seconds(config.break_overrun_grace_minutes),
        equivalence=equivalence,
        keys=keys,
    )
    outside = find_runs(pieces, ~pieces.in_shift & pieces.logged_in, group=pieces.agent)
    parts = [
        shift_exceptions(runs, kinds, listed=~short, pieces=pieces, shifts=shifts, data=data),
        absence_exceptions(shifts, judgement.absent),
        unscheduled_exceptions(
            outside,
            pieces=pieces,
            day=day,
            standby=schedule.standby,
            min_seconds=whole_seconds(config.unscheduled_min_minutes),
        ),
    ]
    frame = exceptions_frame(
        [p for p in parts if p is not None], schedule=schedule, timezone=timezone
    )
    return frame, in_adherence


def measure(
    schedule: Schedule,
    timeline: Timeline,
    data: EventData,
    *,
    config: AdherenceConfig,
    mapping: StateMapping,
    timezone: str,
    batch_rows: int = BATCH_ROWS,
) -> Measures:
    """Measure the timeline against the schedule (see the module docstring).

    ``data`` supplies the state names and agent ids the timeline's codes refer
    to; its agent codes must be the schedule's (read the events with the
    roster's ids). Agents are measured in groups of about ``batch_rows``
    logged-in segments and shifts (see :mod:`rostering.adherence.agent_batches`);
    the results do not depend on it.
    """
    if data.agents != schedule.agent_ids:
        raise InputError("events must be read with the roster's agent ids (agents=...)")
    n_agents = len(schedule.agents)
    ts = timeline.segments
    t_agent = ts["agent_code"].to_numpy()
    s_agent = schedule.shifts["agent_code"].to_numpy(dtype=np.int64)
    counts = np.bincount(t_agent, minlength=n_agents) + np.bincount(s_agent, minlength=n_agents)
    if counts.sum() == 0:
        return _empty_measures(schedule, config=config)
    seg_starts = scheduled_segments(ShiftArrays.of(schedule)).start
    firsts = [int(seg_starts.min())] if len(seg_starts) else []
    if len(ts):
        firsts.append(int(ts["start"].min()))
    origin = interval_origin(min(firsts), timezone)
    parts: list[_Part] = []
    for group in agent_groups(counts, max_rows=batch_rows):
        rows = row_range(t_agent, group)
        part = Timeline(segments=ts.iloc[rows], issues=timeline.issues.iloc[:0])
        parts.append(
            _measure_part(
                schedule_part(schedule, group),
                part,
                data,
                config=config,
                mapping=mapping,
                timezone=timezone,
                origin=origin,
            )
        )
    # counts.sum() > 0, so there is a group; frames without rows are left out of the
    # concatenation (their column types differ), unless every group's is empty
    agent_day = _concat([p.agent_day for p in parts], empty=parts[0].agent_day)
    exceptions = _concat([p.exceptions for p in parts], empty=parts[0].exceptions)
    actual = _concat([p.actual for p in parts], empty=parts[0].actual)
    agents = by_agent(agent_day, config=config)
    totals = totals_of(agent_day, agents, config=config)
    totals["exceptions"] = int((~exceptions["informational"]).sum()) if len(exceptions) else 0
    intervals = IntervalSeconds.add([p.intervals for p in parts])
    return Measures(
        by_agent_day=agent_day,
        by_agent=agents,
        by_day=by_day(agent_day, config=config),
        by_interval=interval_frame(intervals, config=config, timezone=timezone),
        exceptions=exceptions,
        planned=planned_segments(schedule, timezone=timezone),
        actual=actual,
        totals=totals,
    )


def _concat(frames: list[pd.DataFrame], *, empty: pd.DataFrame) -> pd.DataFrame:
    """The rows of the frames one after another; ``empty`` when there are none."""
    full = [f for f in frames if len(f)]
    if not full:
        return empty
    if len(full) == 1:
        return full[0]
    return pd.concat(full, ignore_index=True)


@dataclass(frozen=True)
class _Part:
    """The measures of one group of agents, before they are put together."""

    agent_day: pd.DataFrame
    exceptions: pd.DataFrame
    actual: pd.DataFrame
    intervals: IntervalSeconds


def _measure_part(
    schedule: Schedule,
    timeline: Timeline,
    data: EventData,
    *,
    config: AdherenceConfig,
    mapping: StateMapping,
    timezone: str,
    origin: int,
) -> _Part:
    """Measure one group of agents: ``schedule`` and ``timeline`` hold theirs only."""
    shifts = ShiftArrays.of(schedule)
    keys = time_line_packing(shifts, timeline, n_agents=len(schedule.agents))
    if keys is None:
        raise InputError("a group of agents to measure has neither shifts nor logged-in time")
    windows = grace_windows(shifts, config=config)
    pieces = cut_pieces(scheduled_segments(shifts), timeline, keys=keys, cuts=windows.inner_edges())
    equivalence = mapping.equivalence_matrix()
    judgement = judge_pieces(pieces, shifts, windows=windows, keys=keys, equivalence=equivalence)
    day = attribute_days(
        pieces,
        shifts,
        keys=keys,
        window_s=config.attribution_window_minutes * 60,
        timezone=timezone,
    )
    exceptions, in_adherence = list_exceptions(
        pieces,
        shifts,
        keys=keys,
        judgement=judgement,
        day=day,
        schedule=schedule,
        data=data,
        config=config,
        equivalence=equivalence,
        timezone=timezone,
    )
    agent_day = by_agent_day(
        pieces,
        day=day,
        in_adherence=in_adherence,
        schedule=schedule,
        absent=judgement.absent,
        config=config,
    )
    return _Part(
        agent_day=agent_day,
        exceptions=exceptions,
        actual=actual_segments(timeline, schedule, timezone=timezone),
        intervals=interval_seconds(pieces, in_adherence=in_adherence, origin=origin, config=config),
    )


def _empty_measures(schedule: Schedule, *, config: AdherenceConfig) -> Measures:
    """The measures when there is neither a shift nor any logged-in time."""
    none = Pieces.none()
    zb = np.zeros(0, dtype=bool)
    agent_day = by_agent_day(
        none,
        day=np.zeros(0, dtype=np.int64),
        in_adherence=zb,
        schedule=schedule,
        absent=zb,
        config=config,
    )
    agents = by_agent(agent_day, config=config)
    return Measures(
        by_agent_day=agent_day,
        by_agent=agents,
        by_day=by_day(agent_day, config=config),
        by_interval=by_interval(none, in_adherence=zb, config=config, timezone="UTC"),
        exceptions=exceptions_frame([], schedule=schedule, timezone="UTC"),
        planned=pd.DataFrame(columns=["agent", "start", "end", "activity"]),
        actual=pd.DataFrame(columns=["agent", "start", "end", "activity"]),
        totals={**totals_of(agent_day, agents, config=config), "exceptions": 0},
    )


__all__ = ["Judgement", "Measures", "judge_pieces", "list_exceptions", "measure"]
