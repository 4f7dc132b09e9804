"""Logged-in time as segments: the agent's day between one event and the next.

:func:`build_timeline` turns the sorted events of :class:`EventData` into a
:class:`Timeline` of non-overlapping logged-in segments. A session that lost
its logout is closed at the end of its shift (or at its own time when past
it) and flagged; a login while already logged in is read as a state change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from rostering.adherence.agent_batches import BATCH_ROWS, agent_groups, row_range
from rostering.adherence.arrays import I64
from rostering.adherence.issues import IssueLog, IssueReason
from rostering.adherence.packed_keys import KeyPacking
from rostering.adherence.readers import EventData
from rostering.adherence.schedule import Schedule
from rostering.adherence.states import OFFLINE_CODE
from rostering.adherence.timestamps import to_local_timestamps


@dataclass(frozen=True)
class Timeline:
    """Logged-in time as non-overlapping segments, sorted by agent code then start.

    ``segments``: ``agent_code``, ``start``, ``end`` (epoch seconds), ``state``
    (code into ``EventData.states``), ``activity`` (code into
    :data:`~rostering.adherence.states.ACTIVITY_CODES`, never offline),
    ``neutral`` (bool). ``issues``: missing logouts and logins while logged in.
    """

    segments: pd.DataFrame
    issues: pd.DataFrame


def _shift_end_near(
    agent_code: I64, t: I64, *, schedule: Schedule, lead_s: int, tail_s: int
) -> I64:
    """End of the agent's shift with ``start - lead_s <= t < end + tail_s``, else -1."""
    sh = schedule.shifts
    out = np.full(len(t), -1, dtype=np.int64)
    if sh.empty or len(t) == 0:
        return out
    s_agent = sh["agent_code"].to_numpy(dtype=np.int64)
    s_start = sh["start"].to_numpy(dtype=np.int64)
    s_end = sh["end"].to_numpy(dtype=np.int64)
    base = min(int(s_start.min()), int(t.min())) - lead_s - 2 * 86400
    span = max(int(s_end.max()), int(t.max())) - base + tail_s + 4 * 86400
    keys = KeyPacking(base=base, span=span)
    key_start = keys.pack(s_agent, s_start - lead_s)
    key_end = keys.pack(s_agent, s_end + tail_s)
    key = keys.pack(agent_code, t)
    # shifts of an agent do not overlap, but a tail may reach the next lead: take the latest
    i = np.searchsorted(key_start, key, side="right") - 1
    ic = np.clip(i, 0, None)
    hit = (i >= 0) & (key < key_end[ic])
    out[hit] = s_end[ic[hit]]
    return out


def build_timeline(
    data: EventData,
    schedule: Schedule,
    *,
    lead_minutes: int = 60,
    tail_minutes: int = 240,
    batch_rows: int = BATCH_ROWS,
) -> Timeline:
    """Turn sorted events into logged-in segments, closing sessions that lost their logout.

    Each event starts its state, which lasts until the agent's next event. The
    shift of an event is the agent's shift running from ``lead_minutes`` before
    its start to ``tail_minutes`` after its end. A logged-in state that lost
    its logout is closed at the end of its shift, or at its own time when it is
    already past that end (or has no shift), and flagged ``missing_logout``.
    A state lost its logout when it is the agent's last event, or when the next
    event is a login after the shift's end, or an event of another shift. A
    login while already logged in within the same shift is flagged
    ``overlapping_session`` and read as a state change.

    Agents are taken in groups of about ``batch_rows`` events (the result does
    not depend on it). States are int16 and activities int8 (memory on large
    exports).
    """
    ev = data.events
    agent = ev["agent_code"].to_numpy()
    counts = np.bincount(agent, minlength=len(data.agents)) if len(agent) else np.zeros(0, int)
    # at most one segment per event: the columns are filled group by group, never copied
    columns = {name: np.empty(len(ev), dtype=dtype) for name, dtype in _SEGMENT_DTYPES.items()}
    filled = 0
    issues: list[pd.DataFrame] = []
    for group in agent_groups(counts, max_rows=batch_rows):
        seg, iss = _timeline_part(
            ev.iloc[row_range(agent, group)],
            data,
            schedule,
            lead_s=lead_minutes * 60,
            tail_s=tail_minutes * 60,
        )
        for name, values in columns.items():
            values[filled : filled + len(seg)] = seg[name].to_numpy()
        filled += len(seg)
        if len(iss):
            issues.append(iss)
    frame = pd.DataFrame({name: values[:filled] for name, values in columns.items()}, copy=False)
    del columns
    all_issues = (
        pd.concat(issues, ignore_index=True).sort_values("row", kind="stable")
        if issues
        else IssueLog().frame()
    )
    return Timeline(segments=frame, issues=all_issues)


_SEGMENT_DTYPES: dict[str, type[np.generic]] = {
    "agent_code": np.int64,
    "start": np.int64,
    "end": np.int64,
    "state": np.int16,
    "activity": np.int8,
    "neutral": np.bool_,
}
"""The columns of :attr:`Timeline.segments` (narrow where values are small)."""


def _segment_frame(
    agent: I64, start: I64, end: I64, state: I64, activity: I64, *, neutral: npt.NDArray[np.bool_]
) -> pd.DataFrame:
    """The segments as a frame of the columns of :data:`_SEGMENT_DTYPES`."""
    values = {
        "agent_code": agent,
        "start": start,
        "end": end,
        "state": state,
        "activity": activity,
        "neutral": neutral,
    }
    return pd.DataFrame({k: v.astype(_SEGMENT_DTYPES[k]) for k, v in values.items()})


def _timeline_part(
    ev: pd.DataFrame, data: EventData, schedule: Schedule, *, lead_s: int, tail_s: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The segments and issues of the events ``ev`` of a group of agents."""
    agent = ev["agent_code"].to_numpy(dtype=np.int64)
    t = ev["t"].to_numpy(dtype=np.int64)
    state = ev["state"].to_numpy(dtype=np.int64)
    row = ev["row"].to_numpy(dtype=np.int64)
    act = data.state_activity[state] if len(state) else np.zeros(0, dtype=np.int64)
    logged = act != OFFLINE_CODE
    n = len(t)
    same_next = np.zeros(n, dtype=bool)
    if n > 1:
        same_next[:-1] = agent[1:] == agent[:-1]
    nxt_t = np.empty(n, dtype=np.int64)
    nxt_login = np.zeros(n, dtype=bool)
    if n:
        nxt_t[:-1] = t[1:]
        nxt_t[-1] = t[-1]
        nxt_login[:-1] = data.state_login[state[1:]]
    nxt_login &= same_next
    shift_end = _shift_end_near(agent, t, schedule=schedule, lead_s=lead_s, tail_s=tail_s)
    ids = np.asarray(data.agents, dtype=object)
    rd = IssueLog()

    nxt_shift_end = np.full(n, -1, dtype=np.int64)
    if n:
        nxt_shift_end[:-1] = shift_end[1:]
    in_shift = shift_end >= 0
    close_at = np.where(in_shift, np.maximum(shift_end, t), t)
    other_shift = same_next & (nxt_shift_end >= 0) & (nxt_shift_end != shift_end)
    last_open = logged & ~same_next
    relog = logged & nxt_login & (nxt_t > t)
    lost = logged & same_next & in_shift & (nxt_t > close_at) & (nxt_login | other_shift)
    lost_no_shift = relog & ~in_shift
    overlapping = relog & ~lost & ~lost_no_shift
    closed = last_open | lost | lost_no_shift
    end = np.where(same_next, nxt_t, t)
    end = np.where(closed, close_at, end)
    at_shift_end = closed & in_shift & (shift_end > t)

    for mask, how in (
        (at_shift_end, "closed at its shift end"),
        (closed & ~at_shift_end, "closed at its last event, past its shift end or outside shifts"),
    ):
        stamps = to_local_timestamps(end[mask], "UTC")
        detail = np.array(
            [f"session has no logout; {how} ({s.isoformat()})" for s in stamps], dtype=object
        )
        rd.flag(
            row[mask], ids[agent[mask]], reason=IssueReason.MISSING_LOGOUT, detail=detail, used=True
        )
    nxt_rows = np.empty(n, dtype=np.int64)
    if n:
        nxt_rows[:-1] = row[1:]
        nxt_rows[-1] = row[-1]
    rd.flag(
        nxt_rows[overlapping],
        ids[agent[overlapping]],
        reason=IssueReason.OVERLAPPING_SESSION,
        detail="login while already logged in; read as a state change",
        used=True,
    )
    seg = logged & (end > t)
    segments = _segment_frame(
        agent[seg],
        t[seg],
        end[seg],
        state[seg],
        act[seg],
        neutral=data.state_neutral[state[seg]] if seg.any() else np.zeros(0, dtype=bool),
    )
    return segments, rd.frame()


__all__ = ["Timeline", "build_timeline"]
