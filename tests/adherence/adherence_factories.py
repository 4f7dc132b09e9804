"""Tiny rosters and event frames written by hand for the adherence tests, and a day cut up."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from rostering.adherence.config import AdherenceConfig
from rostering.adherence.in_adherence import GraceWindows, grace_windows
from rostering.adherence.packed_keys import KeyPacking
from rostering.adherence.pieces import (
    Pieces,
    ShiftArrays,
    cut_pieces,
    scheduled_segments,
    time_line_packing,
)
from rostering.adherence.readers import EventData, read_events
from rostering.adherence.schedule import Schedule, read_roster
from rostering.adherence.states import StateMapping
from rostering.adherence.timeline import build_timeline
from rostering.roster.solution import ROSTER_COLUMNS

TZ = "Asia/Shanghai"


def shift_row(
    agent: str,
    date: str,
    start: str,
    end: str,
    *,
    meal: tuple[str, str] | None = None,
    breaks: str = "",
    shift: str = "B",
    role: str = "agent",
) -> dict[str, str]:
    """One worked roster row; times are full ISO strings with offset, ``breaks`` the cell."""
    return {
        "agent": agent,
        "agent_name": f"name {agent}",
        "role": role,
        "date": date,
        "shift": shift,
        "start": start,
        "end": end,
        "meal_start": meal[0] if meal else "",
        "meal_end": meal[1] if meal else "",
        "breaks": breaks,
        "channels": "inbound",
        "standby": "",
    }


def standby_row(agent: str, date: str, kind: str = "supervisor") -> dict[str, str]:
    """A standby-only roster row."""
    row = dict.fromkeys(ROSTER_COLUMNS, "")
    row.update({"agent": agent, "agent_name": agent, "role": kind, "date": date, "standby": kind})
    return row


def roster(*rows: dict[str, str]) -> pd.DataFrame:
    """A roster frame in the contract's column order."""
    return pd.DataFrame(list(rows), columns=list(ROSTER_COLUMNS))


def events(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """An event frame from (agent, timestamp, state) tuples, in file order."""
    return pd.DataFrame(list(rows), columns=["agent", "timestamp", "state"])


def day_shift(agent: str = "A1", *, meal: bool = False, breaks: str = "") -> dict[str, str]:
    """09:00-18:00 on 2026-09-28 (+08:00), 540 minutes; with ``meal`` 12:00-13:00.

    ``breaks`` is the roster cell as written (see :data:`TWO_BREAKS`).
    """
    return shift_row(
        agent,
        "2026-09-28",
        "2026-09-28T09:00:00+08:00",
        "2026-09-28T18:00:00+08:00",
        meal=("2026-09-28T12:00:00+08:00", "2026-09-28T13:00:00+08:00") if meal else None,
        breaks=breaks,
    )


TWO_BREAKS = (
    "2026-09-28T10:15:00+08:00/2026-09-28T10:30:00+08:00"
    "|2026-09-28T15:30:00+08:00/2026-09-28T15:45:00+08:00"
)
"""Two paid 15-minute breaks of :func:`day_shift`: 10:15-10:30 and 15:30-15:45."""


@dataclass(frozen=True)
class Cut:
    """A measured day taken apart: what the named steps of ``measure`` work on."""

    schedule: Schedule
    data: EventData
    shifts: ShiftArrays
    keys: KeyPacking
    windows: GraceWindows
    pieces: Pieces


def cut(
    roster_frame: pd.DataFrame, event_frame: pd.DataFrame, *, config: AdherenceConfig | None = None
) -> Cut:
    """Read, build the timeline and cut the pieces as ``measure`` does."""
    schedule = read_roster(roster_frame, timezone=TZ)
    data = read_events(event_frame, mapping=StateMapping(), timezone=TZ, agents=schedule.agent_ids)
    timeline = build_timeline(data, schedule)
    shifts = ShiftArrays.of(schedule)
    keys = time_line_packing(shifts, timeline, n_agents=len(schedule.agents))
    assert keys is not None
    windows = grace_windows(shifts, config=config or AdherenceConfig())
    pieces = cut_pieces(scheduled_segments(shifts), timeline, keys=keys, cuts=windows.inner_edges())
    return Cut(schedule, data, shifts, keys, windows, pieces)


def clock(t: npt.ArrayLike) -> list[str]:
    """Epoch seconds as ``HH:MM`` in :data:`TZ`."""
    stamps = pd.to_datetime(np.asarray(t, dtype=np.int64), unit="s", utc=True).tz_convert(TZ)
    return [s.strftime("%H:%M") for s in stamps]
