"""Which scheduled time counts as in adherence.

Scheduled time is in adherence when the agent's activity is one the
:class:`~rostering.adherence.states.StateMapping` counts for what was scheduled,
or the state is neutral. Then, in order:

* *grace*: offline time in the first ``late_login_grace_minutes`` and in the
  last ``early_logout_grace_minutes`` of a shift, and meal-equivalent time in
  the first ``break_overrun_grace_minutes`` after the meal ends, counts as in
  adherence;
* *absence*: a shift without any logged-in time is wholly out of adherence
  (its meal is not credited);
* *minimum exception*: a run of out-of-adherence time shorter than
  ``min_exception_minutes`` counts as in adherence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rostering.adherence.arrays import I64, Mask
from rostering.adherence.config import AdherenceConfig
from rostering.adherence.packed_keys import KeyPacking, lookup
from rostering.adherence.pieces import MEAL_CODE, Pieces, Runs, ShiftArrays


@dataclass(frozen=True)
class Window:
    """One window per shift (or per shift with a meal): agent code, start, end (epoch s)."""

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
    """Where grace applies: a shift's first and last minutes, and just after its meal."""

    late_login: Window
    early_logout: Window
    break_overrun: Window

    def inner_edges(self) -> list[tuple[I64, I64]]:
        """The (agent, time) edges of the windows that are not a shift or meal boundary."""
        return [
            (self.late_login.agent, self.late_login.end),
            (self.early_logout.agent, self.early_logout.start),
            (self.break_overrun.agent, self.break_overrun.end),
        ]


def whole_seconds(minutes: float) -> int:
    """A grace or a threshold given in minutes, as whole seconds."""
    return round(minutes * 60)


def grace_windows(shifts: ShiftArrays, *, config: AdherenceConfig) -> GraceWindows:
    """The grace windows of every shift, each cut short where the shift ends."""
    g_late = whole_seconds(config.late_login_grace_minutes)
    g_early = whole_seconds(config.early_logout_grace_minutes)
    g_break = whole_seconds(config.break_overrun_grace_minutes)
    hm = shifts.has_meal
    return GraceWindows(
        late_login=Window(
            shifts.agent, shifts.start, np.minimum(shifts.start + g_late, shifts.end)
        ),
        early_logout=Window(
            shifts.agent, np.maximum(shifts.end - g_early, shifts.start), shifts.end
        ),
        break_overrun=Window(
            shifts.agent[hm],
            shifts.meal_end[hm],
            np.minimum(shifts.meal_end[hm] + g_break, shifts.end[hm]),
        ),
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

    Logged out in a late-login or early-logout window, or doing what counts
    for a meal in the break-overrun window right after the meal.
    """
    in_late = windows.late_login.holds(pieces, keys=keys)
    in_early = windows.early_logout.holds(pieces, keys=keys)
    in_break = windows.break_overrun.holds(pieces, keys=keys)
    offline = ~pieces.logged_in
    out: Mask = pieces.in_shift & (
        ((in_late | in_early) & offline) | (in_break & equivalence[MEAL_CODE, pieces.activity])
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
