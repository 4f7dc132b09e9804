"""The exceptions list: every deviation from the roster, one row each.

Inside a shift, a run of out-of-adherence time is one exception; its kind
(:class:`DeviationCategory`) says whether the agent logged in late, logged
out early, overran the meal or a short break, or was otherwise out of
adherence. A shift
without any login is one ``absent`` exception. Logged-in time outside every
shift is ``unscheduled_work`` (or ``standby_call_in`` on a standby day) when
a run lasts at least ``unscheduled_min_minutes``.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

import numpy as np
import numpy.typing as npt
import pandas as pd

from rostering.adherence.arrays import I64, Mask
from rostering.adherence.packed_keys import KeyPacking
from rostering.adherence.pieces import (
    BREAK_CODE,
    MEAL_CODE,
    WORK_CODE,
    Pieces,
    Runs,
    ShiftArrays,
)
from rostering.adherence.readers import EventData
from rostering.adherence.schedule import Schedule
from rostering.adherence.timestamps import day_to_date, to_local_timestamps


class ExceptionKind(StrEnum):
    """Kinds of deviation from the roster."""

    LATE_LOGIN = "late_login"
    EARLY_LOGOUT = "early_logout"
    ABSENT = "absent"
    EXTENDED_BREAK = "extended_break"
    OUT_OF_ADHERENCE = "out_of_adherence"
    """Any other out-of-adherence run inside a shift (not ready, a break mid-shift...)."""
    UNSCHEDULED_WORK = "unscheduled_work"
    STANDBY_CALL_IN = "standby_call_in"
    """A standby person logged in: informational, not a deviation."""


ADHERENCE_KINDS = frozenset(
    {
        ExceptionKind.LATE_LOGIN,
        ExceptionKind.EARLY_LOGOUT,
        ExceptionKind.ABSENT,
        ExceptionKind.EXTENDED_BREAK,
        ExceptionKind.OUT_OF_ADHERENCE,
    }
)
"""Kinds whose minutes are the out-of-adherence minutes (they sum to scheduled - in adherence)."""


class DeviationCategory(IntEnum):
    """Which kind of exception a piece of out-of-adherence shift time belongs to.

    Neighbouring pieces of one shift in the same category make one exception.
    """

    LATE_LOGIN = 0
    """Logged out during work, before the agent's first login of the shift."""
    EARLY_LOGOUT = 1
    """Logged out during work, after the agent's last logout of the shift."""
    EXTENDED_BREAK = 2
    """During work, doing what counts for a meal or a short break (by default a break, a meal
    or logged out).

    Listed as an extended break only when the run starts as the meal or a short
    break ends (see :func:`run_categories`), else as out of adherence.
    """
    OUT_OF_ADHERENCE = 3
    """Anything else: not ready or other work during work time, any deviation during the meal
    or a short break."""

    @property
    def kind(self) -> ExceptionKind:
        """The exception kind listed for a run of this category."""
        return _KIND_OF[self]


_KIND_OF = {
    DeviationCategory.LATE_LOGIN: ExceptionKind.LATE_LOGIN,
    DeviationCategory.EARLY_LOGOUT: ExceptionKind.EARLY_LOGOUT,
    DeviationCategory.EXTENDED_BREAK: ExceptionKind.EXTENDED_BREAK,
    DeviationCategory.OUT_OF_ADHERENCE: ExceptionKind.OUT_OF_ADHERENCE,
}
_KIND_NAMES = np.asarray([c.kind.value for c in DeviationCategory], dtype=object)
"""Exception kind names indexed by category code."""

EXCEPTION_COLUMNS: tuple[str, ...] = (
    "agent",
    "agent_name",
    "date",
    "shift",
    "kind",
    "start",
    "end",
    "minutes",
    "detail",
    "informational",
)
"""Columns of the exceptions list."""


def deviation_categories(pieces: Pieces, *, equivalence: Mask, n_shifts: int) -> I64:
    """The :class:`DeviationCategory` each piece would fall in if out of adherence.

    Logged-out work time before the shift's first login is a late login, after
    its last logout an early logout; other meal-like or break-like time during
    work is an extended break; everything else is out of adherence.
    """
    big = np.iinfo(np.int64).max
    first_login = np.full(max(n_shifts, 1), big, dtype=np.int64)
    last_logout = np.full(max(n_shifts, 1), -big, dtype=np.int64)
    worked = pieces.in_shift & pieces.logged_in
    np.minimum.at(first_login, pieces.shift[worked], pieces.start[worked])
    np.maximum.at(last_logout, pieces.shift[worked], pieces.end[worked])
    shift = np.clip(pieces.shift, 0, None)
    at_work = pieces.scheduled == WORK_CODE
    work_off = at_work & ~pieces.logged_in
    breakish = at_work & (
        equivalence[MEAL_CODE, pieces.activity] | equivalence[BREAK_CODE, pieces.activity]
    )
    out = np.full(len(pieces.start), DeviationCategory.OUT_OF_ADHERENCE, dtype=np.int64)
    out[breakish] = DeviationCategory.EXTENDED_BREAK
    out[work_off & (pieces.start >= last_logout[shift])] = DeviationCategory.EARLY_LOGOUT
    out[work_off & (pieces.end <= first_login[shift])] = DeviationCategory.LATE_LOGIN
    return out


def run_categories(
    runs: Runs,
    categories: I64,
    *,
    shifts: ShiftArrays,
    pieces: Pieces,
    break_grace_s: int,
    equivalence: Mask,
    keys: KeyPacking,
) -> I64:
    """The category of each run: its first piece's, but only the meal or a break overruns.

    A run of meal-like time is an extended break only when it starts between
    the end of the shift's meal and the end of the break-overrun grace; a run
    of break-like time likewise after one of the shift's short breaks;
    elsewhere such a run is out of adherence.
    """
    start = runs.start(pieces)
    shift = runs.at_first(pieces.shift)
    activity = runs.at_first(pieces.activity)
    meal_end = shifts.meal_end[shift]
    after_meal = (meal_end >= 0) & (start >= meal_end) & (start <= meal_end + break_grace_s)
    after_meal &= equivalence[MEAL_CODE, activity]
    after_break = np.zeros(len(start), dtype=bool)
    b_end = shifts.break_end
    if len(b_end):
        # the agent's last short break to end at or before the run starts (ends sort by key)
        key = keys.pack(runs.at_first(pieces.agent), start)
        i = np.searchsorted(keys.pack(shifts.break_agent, b_end), key, side="right") - 1
        ib = np.clip(i, 0, None)
        after_break = (
            (i >= 0)
            & (shifts.break_shift[ib] == shift)
            & (start <= b_end[ib] + break_grace_s)
            & equivalence[BREAK_CODE, activity]
        )
    first = runs.at_first(categories)
    out: I64 = np.where(
        (first == DeviationCategory.EXTENDED_BREAK) & ~(after_meal | after_break),
        DeviationCategory.OUT_OF_ADHERENCE,
        first,
    )
    return out


def shift_exceptions(
    runs: Runs,
    categories: I64,
    *,
    listed: Mask,
    pieces: Pieces,
    shifts: ShiftArrays,
    data: EventData,
) -> pd.DataFrame | None:
    """One row per ``listed`` out-of-adherence run inside a shift; None without runs.

    ``categories`` are the runs' categories (:func:`run_categories`); the
    detail names the state the run started in.
    """
    if len(runs) == 0:
        return None
    shift = runs.at_first(pieces.shift)[listed]
    detail = _state_detail(
        data, runs.at_first(pieces.state), scheduled=runs.at_first(pieces.scheduled)
    )
    return pd.DataFrame(
        {
            "agent_code": shifts.agent[shift],
            "day": shifts.day[shift],
            "shift_idx": shift,
            "kind": _KIND_NAMES[categories[listed]],
            "start_s": runs.start(pieces)[listed],
            "end_s": runs.end(pieces)[listed],
            "seconds": runs.seconds[listed],
            "detail": detail[listed],
            "informational": False,
        }
    )


def absence_exceptions(shifts: ShiftArrays, absent: Mask) -> pd.DataFrame | None:
    """One ``absent`` row per shift without any login; None when nobody was absent."""
    if not absent.any():
        return None
    idx = np.flatnonzero(absent)
    return pd.DataFrame(
        {
            "agent_code": shifts.agent[idx],
            "day": shifts.day[idx],
            "shift_idx": idx,
            "kind": ExceptionKind.ABSENT.value,
            "start_s": shifts.start[idx],
            "end_s": shifts.end[idx],
            "seconds": shifts.end[idx] - shifts.start[idx],
            "detail": "no login during the shift",
            "informational": False,
        }
    )


def unscheduled_exceptions(
    runs: Runs, *, pieces: Pieces, day: I64, standby: pd.DataFrame, min_seconds: int
) -> pd.DataFrame | None:
    """One row per run of logged-in time outside shifts lasting ``min_seconds`` or more.

    A run on one of the agent's standby days is a call-in, listed as
    informational. None when there is no logged-in time outside shifts.
    """
    if len(runs) == 0:
        return None
    long_ = runs.seconds >= min_seconds
    agent = runs.at_first(pieces.agent)[long_]
    run_day = runs.at_first(day)[long_]
    on_standby = (
        pd.MultiIndex.from_arrays([agent, run_day]).isin(
            pd.MultiIndex.from_arrays(
                [
                    standby["agent_code"].to_numpy(dtype=np.int64),
                    standby["day"].to_numpy(dtype=np.int64),
                ]
            )
        )
        if len(standby) and len(agent)
        else np.zeros(len(agent), dtype=bool)
    )
    return pd.DataFrame(
        {
            "agent_code": agent,
            "day": run_day,
            "shift_idx": -1,
            "kind": np.where(
                on_standby,
                ExceptionKind.STANDBY_CALL_IN.value,
                ExceptionKind.UNSCHEDULED_WORK.value,
            ).astype(object),
            "start_s": runs.start(pieces)[long_],
            "end_s": runs.end(pieces)[long_],
            "seconds": runs.seconds[long_],
            "detail": np.where(
                on_standby, "logged in on a standby day", "logged in outside any shift"
            ).astype(object),
            "informational": on_standby,
        }
    )


def _state_detail(data: EventData, state: I64, *, scheduled: I64) -> npt.NDArray[np.object_]:
    """The state each run started in, said to be during the meal or a break when it was."""
    names = np.asarray([*data.states, "offline"], dtype=object)
    s = names[np.where(state >= 0, state, len(data.states))]
    out: npt.NDArray[np.object_] = np.where(
        scheduled == MEAL_CODE,
        "in state " + s + " during the meal",
        np.where(scheduled == BREAK_CODE, "in state " + s + " during a short break", s),
    )
    return out


def exceptions_frame(
    parts: list[pd.DataFrame], *, schedule: Schedule, timezone: str
) -> pd.DataFrame:
    """The exceptions list (:data:`EXCEPTION_COLUMNS`), by agent then start, local times."""
    if not parts:
        return pd.DataFrame(
            {
                c: pd.Series(dtype=bool if c == "informational" else object)
                for c in EXCEPTION_COLUMNS
            }
        )
    e = pd.concat(parts, ignore_index=True)
    e = e.sort_values(["agent_code", "start_s", "kind"], kind="stable").reset_index(drop=True)
    agents = schedule.agents
    codes = e["agent_code"].to_numpy(dtype=np.int64)
    shift_ids = schedule.shifts["shift"].astype(str).to_numpy(dtype=object)
    idx = e["shift_idx"].to_numpy(dtype=np.int64)
    return pd.DataFrame(
        {
            "agent": agents["agent"].to_numpy(dtype=object)[codes],
            "agent_name": agents["agent_name"].to_numpy(dtype=object)[codes],
            "date": day_to_date(e["day"].to_numpy()),
            "shift": np.where(
                idx >= 0, shift_ids[np.clip(idx, 0, None)] if len(shift_ids) else "", ""
            ),
            "kind": e["kind"].to_numpy(dtype=object),
            "start": to_local_timestamps(e["start_s"].to_numpy(dtype=np.int64), timezone),
            "end": to_local_timestamps(e["end_s"].to_numpy(dtype=np.int64), timezone),
            "minutes": e["seconds"].to_numpy(dtype=np.int64) / 60.0,
            "detail": e["detail"].to_numpy(dtype=object),
            "informational": e["informational"].to_numpy(dtype=bool),
        }
    )


__all__ = [
    "ADHERENCE_KINDS",
    "EXCEPTION_COLUMNS",
    "DeviationCategory",
    "ExceptionKind",
    "absence_exceptions",
    "deviation_categories",
    "exceptions_frame",
    "run_categories",
    "shift_exceptions",
    "unscheduled_exceptions",
]
