"""Planned and actual bars of the planned vs actual Gantt view, in local times."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rostering.adherence.pieces import ShiftArrays, scheduled_segments
from rostering.adherence.schedule import Schedule
from rostering.adherence.states import ACTIVITY_CODES, SCHEDULED_CODES
from rostering.adherence.timeline import Timeline
from rostering.adherence.timestamps import to_local_timestamps


def planned_segments(schedule: Schedule, *, timezone: str) -> pd.DataFrame:
    """Scheduled work, meal and break segments: ``agent``, ``start``, ``end`` (local),
    ``activity``."""
    seg = scheduled_segments(ShiftArrays.of(schedule))
    ids = schedule.agents["agent"].to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "agent": ids[seg.agent] if len(seg.agent) else np.zeros(0, dtype=object),
            "start": to_local_timestamps(seg.start, timezone),
            "end": to_local_timestamps(seg.end, timezone),
            "activity": np.asarray([s.value for s in SCHEDULED_CODES], dtype=object)[seg.kind],
        }
    )


def actual_segments(timeline: Timeline, schedule: Schedule, *, timezone: str) -> pd.DataFrame:
    """Logged-in segments merged by activity: ``agent``, ``start``, ``end`` (local), ``activity``.

    Neighbouring segments of one agent with the same activity (say on_call then
    after_call_work, both productive) become one bar.
    """
    ts = timeline.segments
    agent = ts["agent_code"].to_numpy(dtype=np.int64)
    start = ts["start"].to_numpy(dtype=np.int64)
    end = ts["end"].to_numpy(dtype=np.int64)
    act = ts["activity"].to_numpy(dtype=np.int64)
    new = np.ones(len(start), dtype=bool)
    if len(start) > 1:
        new[1:] = (agent[1:] != agent[:-1]) | (act[1:] != act[:-1]) | (start[1:] != end[:-1])
    first = np.flatnonzero(new)
    last = np.r_[first[1:] - 1, len(start) - 1] if len(first) else first
    ids = schedule.agents["agent"].to_numpy(dtype=object)
    names = np.asarray([a.value for a in ACTIVITY_CODES], dtype=object)
    return pd.DataFrame(
        {
            "agent": ids[agent[first]] if len(first) else np.zeros(0, dtype=object),
            "start": to_local_timestamps(start[first], timezone),
            "end": to_local_timestamps(end[last], timezone),
            "activity": names[act[first]] if len(first) else np.zeros(0, dtype=object),
        }
    )


__all__ = ["actual_segments", "planned_segments"]
