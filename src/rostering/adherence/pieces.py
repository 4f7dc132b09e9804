"""Each agent's time cut into pieces over which nothing changes.

Every boundary of every scheduled segment, logged-in segment and grace window
of an agent is put on one sorted axis; between two neighbouring boundaries
nothing changes, so each such *piece* has one scheduled activity, one actual
activity and one length. :func:`cut_pieces` makes the pieces; the rest of
the measurement is sums and runs over them.

This module also holds the shift table as arrays, the scheduled work, meal
and short-break segments, runs of neighbouring pieces, and the roster day each
piece counts on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from rostering.adherence.arrays import I64, Mask
from rostering.adherence.packed_keys import KeyPacking, lookup, sorted_unique
from rostering.adherence.schedule import Schedule
from rostering.adherence.states import OFFLINE_CODE, SCHEDULED_CODES, ScheduledActivity
from rostering.adherence.timeline import Timeline
from rostering.adherence.timestamps import local_wall_seconds
from rostering.errors import InputError

WORK_CODE = SCHEDULED_CODES.index(ScheduledActivity.WORK)
"""Scheduled-activity code of work."""
MEAL_CODE = SCHEDULED_CODES.index(ScheduledActivity.MEAL)
"""Scheduled-activity code of a meal."""
BREAK_CODE = SCHEDULED_CODES.index(ScheduledActivity.BREAK)
"""Scheduled-activity code of a short break."""
UNSCHEDULED = -1
"""Scheduled-activity code (and shift index) of time outside every shift."""


def _take(values: I64, idx: I64, fill: int) -> I64:
    """``values[idx]``, with ``fill`` where ``idx`` is -1."""
    if len(values) == 0:
        return np.full(len(idx), fill, dtype=np.int64)
    out: I64 = np.where(idx >= 0, values[np.clip(idx, 0, None)], fill).astype(np.int64)
    return out


# ----------------------------------------------------------------------------- the roster


@dataclass(frozen=True)
class ShiftArrays:
    """The roster's worked shifts and short breaks as arrays.

    Shifts are in the schedule's order (agent, then start). Times are epoch
    seconds; ``meal_start``/``meal_end`` are -1 for a shift without a meal;
    ``day`` is the shift's roster day (days since 1970-01-01). The short
    breaks are sorted by agent then start: ``break_shift`` is the position of
    each break's shift, ``break_start``/``break_end`` its times.
    """

    agent: I64
    start: I64
    end: I64
    meal_start: I64
    meal_end: I64
    day: I64
    break_shift: I64
    break_start: I64
    break_end: I64

    @classmethod
    def of(cls, schedule: Schedule) -> ShiftArrays:
        """The arrays of ``schedule.shifts`` and ``schedule.breaks``."""
        shifts, breaks = schedule.shifts, schedule.breaks
        return cls(
            agent=shifts["agent_code"].to_numpy(dtype=np.int64),
            start=shifts["start"].to_numpy(dtype=np.int64),
            end=shifts["end"].to_numpy(dtype=np.int64),
            meal_start=shifts["meal_start"].to_numpy(dtype=np.int64),
            meal_end=shifts["meal_end"].to_numpy(dtype=np.int64),
            day=shifts["day"].to_numpy(dtype=np.int64),
            break_shift=breaks["shift_idx"].to_numpy(dtype=np.int64),
            break_start=breaks["start"].to_numpy(dtype=np.int64),
            break_end=breaks["end"].to_numpy(dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self.agent)

    @property
    def has_meal(self) -> Mask:
        """Which shifts have a meal."""
        out: Mask = self.meal_start >= 0
        return out

    @property
    def break_agent(self) -> I64:
        """The agent of each short break."""
        out: I64 = self.agent[self.break_shift]
        return out


@dataclass(frozen=True)
class ScheduledSegments:
    """Scheduled work, meal and short-break segments, sorted by agent then start.

    A shift is cut at its meal and its short breaks: a shift with a meal and
    two breaks is seven segments (work, break, work, meal, work, break, work),
    one with neither is one; empty segments are left out. ``kind`` is a
    scheduled-activity code, ``shift`` the position of the segment's shift in
    the schedule.
    """

    agent: I64
    start: I64
    end: I64
    kind: I64
    shift: I64


def scheduled_segments(shifts: ShiftArrays) -> ScheduledSegments:
    """The work, meal and short-break segments of the shifts.

    The meal and the breaks of a shift (its time away) never overlap (see
    :func:`~rostering.adherence.schedule.read_roster`); work fills the time
    between them.
    """
    sh = shifts
    n = len(sh)
    hm = sh.has_meal
    idx = np.arange(n, dtype=np.int64)
    # time away: meals and short breaks, sorted by shift then start
    a_shift = np.concatenate([idx[hm], sh.break_shift])
    a_start = np.concatenate([sh.meal_start[hm], sh.break_start])
    a_end = np.concatenate([sh.meal_end[hm], sh.break_end])
    a_kind = np.concatenate(
        [np.full(int(hm.sum()), MEAL_CODE), np.full(len(sh.break_shift), BREAK_CODE)]
    ).astype(np.int64)
    order = np.lexsort((a_start, a_shift))
    a_shift, a_start, a_end, a_kind = a_shift[order], a_start[order], a_end[order], a_kind[order]
    first = np.ones(len(a_shift), dtype=bool)
    first[1:] = a_shift[1:] != a_shift[:-1]
    last = np.ones(len(a_shift), dtype=bool)
    last[:-1] = a_shift[1:] != a_shift[:-1]
    # work before each time away starts at the shift's start or at the previous time away's end
    prev_end = np.empty(len(a_shift), dtype=np.int64)
    prev_end[1:] = a_end[:-1]
    before_start = np.where(first, sh.start[a_shift], prev_end)
    # work after the last time away (or the whole shift) runs to the shift's end
    tail_start = sh.start.copy()
    tail_start[a_shift[last]] = a_end[last]
    s_shift = np.concatenate([a_shift, a_shift, idx])
    s_start = np.concatenate([before_start, a_start, tail_start])
    s_end = np.concatenate([a_start, a_end, sh.end])
    s_kind = np.concatenate([np.full(len(a_shift), WORK_CODE), a_kind, np.full(n, WORK_CODE)])
    s_agent = sh.agent[s_shift]
    keep = s_end > s_start
    order = np.lexsort((s_start[keep], s_agent[keep]))
    return ScheduledSegments(
        agent=s_agent[keep][order],
        start=s_start[keep][order],
        end=s_end[keep][order],
        kind=s_kind[keep][order].astype(np.int64),
        shift=s_shift[keep][order],
    )


# ----------------------------------------------------------------------------- pieces


@dataclass(frozen=True)
class Pieces:
    """Stretches of one agent's time over which nothing changes, sorted by agent then start.

    Only pieces inside a shift or logged in are kept.
    """

    agent: I64
    """Agent code."""
    start: I64
    """Epoch seconds."""
    end: I64
    """Epoch seconds."""
    scheduled: I64
    """Scheduled-activity code, or :data:`UNSCHEDULED`."""
    shift: I64
    """Position of the piece's shift in the schedule, or :data:`UNSCHEDULED`."""
    activity: I64
    """Activity code; :data:`~rostering.adherence.states.OFFLINE_CODE` when logged out."""
    state: I64
    """State code into ``EventData.states``, or -1 when logged out."""
    neutral: Mask
    """The state counts as in adherence whatever is scheduled."""

    @classmethod
    def none(cls) -> Pieces:
        """No pieces at all."""
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, z, z, z, z, z, np.zeros(0, dtype=bool))

    @cached_property
    def seconds(self) -> I64:
        """Length of each piece."""
        out: I64 = self.end - self.start
        return out

    @cached_property
    def in_shift(self) -> Mask:
        """Which pieces are scheduled time."""
        out: Mask = self.scheduled >= 0
        return out

    @cached_property
    def logged_in(self) -> Mask:
        """Which pieces the agent is logged in."""
        out: Mask = self.activity != OFFLINE_CODE
        return out

    def select(self, index: I64) -> Pieces:
        """The pieces at ``index`` (repeats allowed), with their own start and end kept."""
        return Pieces(
            agent=self.agent[index],
            start=self.start[index],
            end=self.end[index],
            scheduled=self.scheduled[index],
            shift=self.shift[index],
            activity=self.activity[index],
            state=self.state[index],
            neutral=self.neutral[index],
        )


def time_line_packing(
    shifts: ShiftArrays, timeline: Timeline, *, n_agents: int
) -> KeyPacking | None:
    """A packing of (agent, time) that holds every shift and logged-in time; None if none.

    Raises :class:`InputError` when the period is too long for the keys.
    """
    ts = timeline.segments
    all_t = np.concatenate(
        [
            shifts.start,
            shifts.end,
            ts["start"].to_numpy(dtype=np.int64),
            ts["end"].to_numpy(dtype=np.int64),
        ]
    )
    if len(all_t) == 0:
        return None
    base = int(all_t.min()) - 1
    keys = KeyPacking(base=base, span=int(all_t.max()) - base + 2)
    if not keys.fits(max(n_agents, 1)):
        raise InputError("the events span too long a period to measure at once")
    return keys


def cut_pieces(
    segments: ScheduledSegments,
    timeline: Timeline,
    *,
    keys: KeyPacking,
    cuts: Iterable[tuple[I64, I64]],
) -> Pieces:
    """Cut every agent's time at each scheduled and logged-in boundary, and at ``cuts``.

    ``cuts`` are further (agent, time) points to cut at, such as where a grace
    window ends. Each piece takes the scheduled activity and the actual state
    holding at its start; pieces that are neither scheduled nor logged in are
    dropped.
    """
    ts = timeline.segments
    t_agent = ts["agent_code"].to_numpy(dtype=np.int64)
    t_start = ts["start"].to_numpy(dtype=np.int64)
    t_end = ts["end"].to_numpy(dtype=np.int64)
    seg_start = keys.pack(segments.agent, segments.start)
    seg_end = keys.pack(segments.agent, segments.end)
    log_start = keys.pack(t_agent, t_start)
    log_end = keys.pack(t_agent, t_end)
    bounds = sorted_unique(
        np.concatenate(
            [seg_start, seg_end, log_start, log_end, *(keys.pack(a, t) for a, t in cuts)]
        )
    )
    ka, kb = bounds[:-1], bounds[1:]
    same = keys.agent_of(ka) == keys.agent_of(kb)
    ka, kb = ka[same], kb[same]
    si = lookup(seg_start, seg_end, ka)
    ai = lookup(log_start, log_end, ka)
    rel = (si >= 0) | (ai >= 0)
    ka, kb, si, ai = ka[rel], kb[rel], si[rel], ai[rel]
    agent, start = keys.unpack(ka)
    _, end = keys.unpack(kb)
    return Pieces(
        agent=agent,
        start=start,
        end=end,
        scheduled=_take(segments.kind, si, UNSCHEDULED),
        shift=_take(segments.shift, si, UNSCHEDULED),
        activity=_take(ts["activity"].to_numpy(dtype=np.int64), ai, OFFLINE_CODE),
        state=_take(ts["state"].to_numpy(dtype=np.int64), ai, -1),
        neutral=_take(ts["neutral"].to_numpy(dtype=np.int64), ai, 0).astype(bool),
    )


# ----------------------------------------------------------------------------- runs


@dataclass(frozen=True)
class Runs:
    """Runs of neighbouring pieces: contiguous in time and in the same group.

    ``pos`` are the positions of the pieces taken, in order, and ``run_id``
    the run of each; ``first``/``last`` index ``pos`` at each run's first and
    last piece; ``seconds`` is each run's length.
    """

    run_id: I64
    pos: I64
    first: I64
    last: I64
    seconds: I64

    def __len__(self) -> int:
        return len(self.first)

    def start(self, pieces: Pieces) -> I64:
        """When each run starts."""
        out: I64 = pieces.start[self.pos[self.first]]
        return out

    def end(self, pieces: Pieces) -> I64:
        """When each run ends."""
        out: I64 = pieces.end[self.pos[self.last]]
        return out

    def at_first(self, values: I64) -> I64:
        """``values`` (one per piece) at each run's first piece."""
        out: I64 = values[self.pos[self.first]]
        return out


def find_runs(pieces: Pieces, keep: Mask, *, group: I64) -> Runs:
    """The runs of the pieces in ``keep`` that touch each other and share a ``group``."""
    pos = np.flatnonzero(keep)
    if len(pos) == 0:
        z = np.zeros(0, dtype=np.int64)
        return Runs(run_id=z, pos=pos, first=z, last=z, seconds=z)
    a, b = pieces.start, pieces.end
    new = np.ones(len(pos), dtype=bool)
    new[1:] = (a[pos[1:]] != b[pos[:-1]]) | (group[pos[1:]] != group[pos[:-1]])
    run_id: I64 = (np.cumsum(new) - 1).astype(np.int64)
    first = np.flatnonzero(np.r_[True, np.diff(run_id) > 0])
    last = np.r_[first[1:] - 1, len(pos) - 1]
    seconds = np.bincount(run_id, weights=pieces.seconds[pos]).astype(np.int64)
    return Runs(run_id=run_id, pos=pos, first=first, last=last, seconds=seconds)


# ----------------------------------------------------------------------------- days


def attribute_days(
    pieces: Pieces,
    shifts: ShiftArrays,
    *,
    keys: KeyPacking,
    window_s: int,
    timezone: str,
) -> I64:
    """Roster day of every piece: its shift's, the nearest shift's, or the local date.

    Time outside every shift counts on the day of the agent's nearest shift
    when that shift ends or starts within ``window_s`` of it (the earlier
    shift wins a tie), else on its local calendar date.
    """
    sched = pieces.in_shift
    sh_day = shifts.day
    day = np.where(sched, sh_day[np.clip(pieces.shift, 0, None)] if len(sh_day) else 0, 0)
    u = ~sched
    if not u.any():
        return day.astype(np.int64)
    ua, ub, uagent = pieces.start[u], pieces.end[u], pieces.agent[u]
    local_day = local_wall_seconds(ua, timezone) // 86400
    chosen = local_day.copy()
    n = len(shifts)
    if n:
        s_agent, s_start, s_end = shifts.agent, shifts.start, shifts.end
        # shifts are sorted by agent then start (read_roster), so their keys are too
        i = np.searchsorted(keys.pack(s_agent, s_start), keys.pack(uagent, ua), side="right") - 1
        prev_ok = (i >= 0) & (s_agent[np.clip(i, 0, None)] == uagent)
        ip = np.clip(i, 0, None)
        gap_prev = np.where(prev_ok, ua - s_end[ip], np.iinfo(np.int64).max)
        j = i + 1
        next_ok = (j < n) & (s_agent[np.clip(j, 0, n - 1)] == uagent)
        jn = np.clip(j, 0, n - 1)
        gap_next = np.where(next_ok, s_start[jn] - ub, np.iinfo(np.int64).max)
        use_prev = (gap_prev <= gap_next) & (gap_prev <= window_s)
        use_next = ~use_prev & (gap_next <= window_s)
        chosen = np.where(use_prev, sh_day[ip], np.where(use_next, sh_day[jn], local_day))
    day[u] = chosen
    return day.astype(np.int64)


__all__ = [
    "BREAK_CODE",
    "MEAL_CODE",
    "UNSCHEDULED",
    "WORK_CODE",
    "Pieces",
    "Runs",
    "ScheduledSegments",
    "ShiftArrays",
    "attribute_days",
    "cut_pieces",
    "find_runs",
    "scheduled_segments",
    "time_line_packing",
]
