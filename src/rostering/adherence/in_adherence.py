"""Which scheduled time counts as in adherence.

Scheduled time is in adherence when the agent's activity is one the
:class:`~rostering.adherence.states.StateMapping` counts for what was scheduled,
or the state is neutral. Then, in order:

* *grace*: offline time in the first ``late_login_grace_minutes`` and in the
  last ``early_logout_grace_minutes`` of a shift, meal-equivalent work time in
  the first ``break_overrun_grace_minutes`` after the meal ends, and
  break-equivalent work time in as long after each short break ends, counts
  as in adherence;
* *absence*: a shift without any logged-in time is wholly out of adherence
  (its meal and breaks are not credited);
* *minimum exception*: a run of out-of-adherence time shorter than
  ``min_exception_minutes`` counts as in adherence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rostering.adherence.arrays import I64, Mask
from rostering.adherence.config import AdherenceConfig
from rostering.adherence.packed_keys import KeyPacking, lookup
from rostering.adherence.pieces import BREAK_CODE, MEAL_CODE, WORK_CODE, Pieces, Runs, ShiftArrays


@dataclass(frozen=True)
class Window:
    """Windows of time, sorted by agent then start and not overlapping: agent code, start, end
    (epoch s)."""

    agent: I64
    start: I64
    end: I64

    def holds(self, pieces: Pieces, *, keys: KeyPacking) -> Mask:
        """Which pieces start inside a window of their agent."""
        found = lookup(
            keys.pack(self.agent, self.start),
            keys.pack(self.agent, self.end),
            keys.pack(pieces.agent, pieces.start),
        )
        out: Mask = found >= 0
        return out


@dataclass(frozen=True)
class GraceWindows:
    """Where grace applies: a shift's first and last minutes, just after its meal and just
    after each of its short breaks."""

    late_login: Window
    early_logout: Window
    meal_overrun: Window
    break_overrun: Window

    def inner_edges(self) -> list[tuple[I64, I64]]:
        """The (agent, time) edges of the windows that are not a shift, meal or break boundary."""
        return [
            (self.late_login.agent, self.late_login.end),
            (self.early_logout.agent, self.early_logout.start),
            (self.meal_overrun.agent, self.meal_overrun.end),
            (self.break_overrun.agent, self.break_overrun.end),
        ]


def whole_seconds(minutes: float) -> int:
    """A grace or a threshold given in minutes, as whole seconds."""
    return round(minutes * 60)


def grace_windows(shifts: ShiftArrays, *, config: AdherenceConfig) -> GraceWindows:
    """The grace windows of every shift, each cut short where the shift ends.

    A window after a short break is also cut short where the shift's next
    short break starts, so that those windows never overlap.
    """
    g_late = whole_seconds(config.late_login_grace_minutes)
    g_early = whole_seconds(config.early_logout_grace_minutes)
    g_break = whole_seconds(config.break_overrun_grace_minutes)
    hm = shifts.has_meal
    b_shift, b_end = shifts.break_shift, shifts.break_end
    b_limit = shifts.end[b_shift]
    same_next = np.zeros(len(b_shift), dtype=bool)
    same_next[:-1] = b_shift[1:] == b_shift[:-1]
    next_start = np.empty(len(b_shift), dtype=np.int64)
    next_start[:-1] = shifts.break_start[1:]
    b_limit = np.where(same_next, np.minimum(b_limit, next_start), b_limit)
    return GraceWindows(
        late_login=Window(
            shifts.agent, shifts.start, np.minimum(shifts.start + g_late, shifts.end)
        ),
        early_logout=Window(
            shifts.agent, np.maximum(shifts.end - g_early, shifts.start), shifts.end
        ),
        meal_overrun=Window(
            shifts.agent[hm],
            shifts.meal_end[hm],
            np.minimum(shifts.meal_end[hm] + g_break, shifts.end[hm]),
        ),
        break_overrun=Window(shifts.break_agent, b_end, np.minimum(b_end + g_break, b_limit)),
    )


def matches_schedule(pieces: Pieces, *, equivalence: Mask) -> Mask:
    """Scheduled time where what the agent did counts for what was scheduled, or is neutral.

    ``equivalence`` is :meth:`StateMapping.equivalence_matrix`.
    """
    scheduled = np.clip(pieces.scheduled, 0, None)
    out: Mask = pieces.in_shift & (pieces.neutral | equivalence[scheduled, pieces.activity])
    return out


def forgiven_by_grace(
    pieces: Pieces, windows: GraceWindows, *, equivalence: Mask, keys: KeyPacking
) -> Mask:
    """Scheduled time forgiven by grace.

    Logged out in a late-login or early-logout window; at work doing what
    counts for a meal in the window right after the meal, or what counts for
    a short break in the window right after a short break.
    """
    in_late = windows.late_login.holds(pieces, keys=keys)
    in_early = windows.early_logout.holds(pieces, keys=keys)
    after_meal = windows.meal_overrun.holds(pieces, keys=keys)
    after_break = windows.break_overrun.holds(pieces, keys=keys)
    offline = ~pieces.logged_in
    overrun = (after_meal & equivalence[MEAL_CODE, pieces.activity]) | (
        after_break & equivalence[BREAK_CODE, pieces.activity]
    )
    out: Mask = pieces.in_shift & (
        ((in_late | in_early) & offline) | (overrun & (pieces.scheduled == WORK_CODE))
    )
    return out


def absent_shifts(pieces: Pieces, *, n_shifts: int) -> Mask:
    """Shifts (one flag per shift) in which the agent was never logged in."""
    worked = pieces.in_shift & pieces.logged_in
    logged = np.bincount(
        pieces.shift[worked], weights=pieces.seconds[worked], minlength=max(n_shifts, 1)
    )
    out: Mask = (logged <= 0)[:n_shifts]
    return out


def in_absent_shift(pieces: Pieces, absent: Mask) -> Mask:
    """Which pieces lie in a shift the agent was absent from."""
    if len(absent) == 0:
        return np.zeros(len(pieces.start), dtype=bool)
    out: Mask = pieces.in_shift & absent[np.clip(pieces.shift, 0, None)]
    return out


def forgive_short_runs(in_adherence: Mask, runs: Runs, *, min_seconds: int) -> tuple[Mask, Mask]:
    """Count runs shorter than ``min_seconds`` as in adherence.

    Returns the new in-adherence flags (one per piece) and which runs were short.
    """
    short: Mask = runs.seconds < min_seconds
    out = in_adherence.copy()
    out[runs.pos[short[runs.run_id]]] = True
    return out, short


__all__ = [
    "GraceWindows",
    "Window",
    "absent_shifts",
    "forgive_short_runs",
    "forgiven_by_grace",
    "grace_windows",
    "in_absent_shift",
    "matches_schedule",
    "whole_seconds",
]
