"""Reading the phone system's export: agent state events, or login/logout sessions.

:func:`read_events` reads either form (told apart by its columns) into
:class:`EventData`: the usable events as codes, sorted by agent, time and row,
and every row that was dropped or flagged on the way, with its reason (see
:mod:`rostering.adherence.issues` for how rows are numbered). Sessions become a
login event and a logout event each; overlapping sessions are merged first.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from rostering.adherence.arrays import I64, Codes, narrow
from rostering.adherence.export_columns import (
    EVENT_COLUMNS,
    SESSION_COLUMNS,
    ExportColumns,
    frame_export,
    read_export,
)
from rostering.adherence.issues import IssueLog, IssueReason
from rostering.adherence.packed_keys import KeyPacking
from rostering.adherence.states import ACTIVITY_CODES, Activity, StateMapping, normalise_state
from rostering.adherence.timestamps import TimeStatus, check_timezone
from rostering.csv_text import restore
from rostering.errors import InputError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EventData:
    """Cleaned events and the rows flagged while reading.

    ``events``: ``row`` (int32, see
    :data:`~rostering.adherence.issues.ROW_CONVENTION`), ``agent_code`` (int32,
    position in ``agents``), ``t`` (int64 epoch seconds), ``state`` (int32,
    position in ``states``), sorted by agent code, time, then row. ``issues``: the columns
    of :data:`~rostering.adherence.issues.ISSUE_COLUMNS`.
    """

    events: pd.DataFrame
    issues: pd.DataFrame
    agents: list[str]
    states: list[str]
    state_activity: npt.NDArray[np.int64]
    state_neutral: npt.NDArray[np.bool_]
    state_login: npt.NDArray[np.bool_]
    rows_read: int
    kind: Literal["states", "sessions"]


def read_events(
    source: Path | pd.DataFrame,
    *,
    mapping: StateMapping,
    timezone: str,
    agents: list[str] | None = None,
) -> EventData:
    """Read state events (agent, timestamp, state) or sessions (agent, login, logout).

    The format is told by the columns: ``timestamp`` and ``state`` mean state
    events, ``login`` and ``logout`` mean sessions (each becomes a ``login``
    event and a ``logout`` event of the first login state and the ``logout``
    state). With ``agents`` (the roster's ids), rows of anyone else are flagged
    and not used.

    A CSV is read in chunks of rows (see
    :mod:`rostering.adherence.export_columns`). Dropped and flagged rows are
    listed in ``issues``: a row with more or fewer fields than the header,
    empty agent, unreadable
    or unplaceable timestamp, empty or unknown state, agent not on the roster,
    duplicate (same agent, time and state), out of file order (kept, re-sorted),
    a session whose logout is not after its login, overlapping sessions (merged).

    Raises :class:`AdherenceInputError` when the file cannot be read and
    :class:`FrameContractError` when neither column set is present.
    """
    check_timezone(timezone)
    raw = (
        read_export(source, what="events", timezone=timezone)
        if isinstance(source, Path)
        else frame_export(source, what="events frame", timezone=timezone)
    )
    reader = _read_states if raw.kind == "states" else _read_sessions
    kept = reader(raw, mapping=mapping, timezone=timezone, agents=agents)
    del raw  # large exports: the raw columns go before the final sort
    return _finish(kept, mapping=mapping)


@dataclass(frozen=True)
class _AgentText:
    """The trimmed agent text of each row, made only for the rows asked for.

    An export has millions of rows but few flagged ones: the text is looked up
    from the codes when a row is flagged, not kept per row.
    """

    codes: Codes
    categories: npt.NDArray[np.object_]

    def __getitem__(self, mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.object_]:
        out: npt.NDArray[np.object_] = self.categories[self.codes[mask]]
        return out


def _drop(
    rd: IssueLog,
    keep: npt.NDArray[np.bool_],
    dropped: npt.NDArray[np.bool_],
    rows: I64,
    agents: _AgentText,
    *,
    reason: IssueReason,
    detail: object,
) -> npt.NDArray[np.bool_]:
    """Note the rows of ``dropped`` as not used; ``keep`` without them."""
    rd.flag(rows[dropped], agents[dropped], reason=reason, detail=detail, used=False)
    out: npt.NDArray[np.bool_] = keep & ~dropped
    return out


@dataclass(frozen=True)
class _Kept:
    """The kept events in row order, before duplicates are dropped and they are sorted."""

    rd: IssueLog
    row: Codes
    agent_code: Codes
    t: I64
    state: Codes
    names: list[str]
    ids: list[str]
    rows_read: int
    kind: Literal["states", "sessions"]


def _factor(series: pd.Series) -> tuple[Codes, npt.NDArray[np.object_]]:
    """Codes and trimmed text categories of a column; a missing value is the last, ``""``.

    A category the product quoted so that a spreadsheet does not run it as a
    formula (:func:`rostering.csv_text.neutralise`) is read unquoted.
    """
    cat = (
        series.cat
        if isinstance(series.dtype, pd.CategoricalDtype)
        else pd.Series(pd.Categorical(series.to_numpy(dtype=object))).cat
    )
    # text the product quoted against spreadsheet formulas reads back as written
    cats = [("" if pd.isna(c) else restore(str(c))).strip() for c in cat.categories]
    codes = cat.codes.to_numpy().astype(np.int32)
    codes[codes < 0] = len(cats)
    return codes, np.asarray([*cats, ""], dtype=object)


def _agents_and_times(
    rd: IssueLog,
    raw: ExportColumns,
    *,
    column: str,
    timezone: str,
    roster_agents: list[str] | None,
) -> tuple[npt.NDArray[np.bool_], Codes, I64, _AgentText, list[str]]:
    """Flag malformed rows, empty agents, bad times and agents off the roster.

    Returns the keep mask, agent codes (into the returned id list), times,
    the trimmed agent text of the rows, and the id list.
    """
    bad = raw.malformed
    rd.flag(bad.rows, bad.agents, reason=IssueReason.MALFORMED_ROW, detail=bad.details, used=False)
    row = raw.rows
    a_codes, a_cats = _factor(raw.agent)
    agent_text = _AgentText(codes=a_codes, categories=a_cats)
    ids = (
        list(roster_agents)
        if roster_agents is not None
        else sorted({str(c) for c in a_cats if c != ""})
    )
    code_of = {a: i for i, a in enumerate(ids)}
    cat_to_code = np.asarray([code_of.get(str(c), -1) for c in a_cats], dtype=np.int32)
    agent_code = cat_to_code[a_codes]
    keep = (a_cats != "")[a_codes]
    rd.flag(
        row[~keep],
        agent_text[~keep],
        reason=IssueReason.EMPTY_AGENT,
        detail="agent id is empty",
        used=False,
    )
    stamp = raw.times[column]
    t, status = stamp.t, stamp.status
    for code, reason, text in (
        (TimeStatus.BAD, IssueReason.BAD_TIMESTAMP, "is not an ISO 8601 time"),
        (TimeStatus.AMBIGUOUS, IssueReason.AMBIGUOUS_LOCAL_TIME, "occurs twice in " + timezone),
        (
            TimeStatus.NONEXISTENT,
            IssueReason.NONEXISTENT_LOCAL_TIME,
            "does not exist in " + timezone,
        ),
    ):
        m = keep & (status == code)
        if m.any():
            shown = stamp.shown(m)
            detail = np.array([f"{column} {v!r} {text}" for v in shown], dtype=object)
            keep = _drop(rd, keep, m, row, agent_text, reason=reason, detail=detail)
    off = keep & (agent_code < 0)
    keep = _drop(
        rd,
        keep,
        off,
        row,
        agent_text,
        reason=IssueReason.AGENT_NOT_ON_ROSTER,
        detail="not on roster",
    )
    return keep, agent_code, t, agent_text, ids


def _state_tables(
    mapping: StateMapping, extra: list[str]
) -> tuple[list[str], I64, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Every state name with its activity code, and whether it is neutral or opens a session.

    The names are the mapped states, then those of ``extra`` not among them.
    """
    names = list(mapping.states) + [s for s in extra if s not in mapping.states]
    unknown = mapping.unknown_as or Activity.OTHER
    act = np.array(
        [ACTIVITY_CODES.index(mapping.states.get(s, unknown)) for s in names], dtype=np.int64
    )
    neutral = np.array([s in mapping.neutral for s in names], dtype=bool)
    login = np.array([s in mapping.login_states for s in names], dtype=bool)
    return names, act, neutral, login


def _pack(packing: KeyPacking, agent: Codes, value: npt.NDArray[np.integer[Any]]) -> I64:
    """:meth:`KeyPacking.pack` of narrow columns, computed in one int64 array."""
    key = agent.astype(np.int64)
    key *= packing.span
    key += value
    key -= packing.base
    return key


def _finish(kept: _Kept, *, mapping: StateMapping) -> EventData:
    """Duplicates, the file-order check and the final sort of the kept events.

    The arrays of ``kept`` are sorted in place (memory on large exports).
    """
    rd, names, ids = kept.rd, kept.names, kept.ids
    row, agent_code, t, state = kept.row, kept.agent_code, kept.t, kept.state
    _, act, neutral, login = _state_tables(mapping, names[len(mapping.states) :])
    id_arr = np.asarray(ids, dtype=object)
    if len(t):
        base = int(t.min())
        key = _pack(KeyPacking(base=base, span=int(t.max()) - base + 1), agent_code, t)
    else:
        key = np.zeros(0, dtype=np.int64)
    # rows arrive in row order, so a stable sort by key orders by (agent, time, row)
    order = np.argsort(key, kind="stable")
    for values in (row, agent_code, t, state, key):
        values[:] = values[order]
    del order
    if kept.kind == "states" and len(t):
        tie = np.zeros(len(t), dtype=bool)
        same = key[1:] == key[:-1]
        tie[1:] |= same
        tie[:-1] |= same
        tied = np.flatnonzero(tie)
        dup = np.zeros(len(t), dtype=bool)
        dup[tied] = (
            pd.DataFrame({"k": key[tied], "s": state[tied]}).duplicated(keep="first").to_numpy()
        )
        del key, tie, same, tied
        rd.flag(
            row[dup],
            id_arr[agent_code[dup]],
            reason=IssueReason.DUPLICATE,
            detail="same agent, time and state as an earlier row",
            used=False,
        )
        if dup.any():
            # compacted in place: the arrays keep their buffers
            n_kept = len(dup) - int(dup.sum())
            keep = ~dup
            for values in (row, agent_code, t, state):
                values[:n_kept] = values[keep]
            row, agent_code, t, state = (
                row[:n_kept],
                agent_code[:n_kept],
                t[:n_kept],
                state[:n_kept],
            )
            del keep
        del dup
        # out of file order: a later time of the same agent sits on an earlier row
        by_row = KeyPacking(base=0, span=int(row.max()) + 1 if len(row) else 1)
        tagged = _pack(by_row, agent_code, row)
        later_min = np.minimum.accumulate(tagged[::-1])[::-1]
        late = np.zeros(len(row), dtype=bool)
        late[:-1] = later_min[1:] < tagged[:-1]
        del tagged, later_min  # large exports: free before the next arrays
        rd.flag(
            row[late],
            id_arr[agent_code[late]],
            reason=IssueReason.OUT_OF_ORDER,
            detail="earlier than a previous row of the agent; re-sorted",
            used=True,
        )
    # the arrays are the frame's columns, not copied into it (memory on large exports)
    ev = pd.DataFrame({"row": row, "agent_code": agent_code, "t": t, "state": state}, copy=False)
    logger.debug("read %d event rows, kept %d", kept.rows_read, len(ev))
    return EventData(
        events=ev,
        issues=rd.frame(),
        agents=ids,
        states=names,
        state_activity=act,
        state_neutral=neutral,
        state_login=login,
        rows_read=kept.rows_read,
        kind=kept.kind,
    )


def _read_states(
    raw: ExportColumns, *, mapping: StateMapping, timezone: str, agents: list[str] | None
) -> _Kept:
    """Read an export of state events: flag empty and unknown states."""
    row = raw.rows
    rd = IssueLog()
    keep, agent_code, t, agent_text, ids = _agents_and_times(
        rd, raw, column="timestamp", timezone=timezone, roster_agents=agents
    )
    if raw.state is None:
        raise InputError("a state-event export needs a state column")
    s_codes, s_cats = _factor(raw.state)
    norm = np.asarray([normalise_state(str(c)) for c in s_cats], dtype=object)
    known_names = list(mapping.states)
    extra = sorted({str(c) for c in norm if c and c not in mapping.states})
    names = known_names + extra
    index_of = {name: i for i, name in enumerate(names)}
    cat_to_state = np.asarray([index_of.get(str(c), -1) for c in norm], dtype=np.int32)
    state = cat_to_state[s_codes]
    empty = keep & (state < 0)
    keep = _drop(
        rd, keep, empty, row, agent_text, reason=IssueReason.EMPTY_STATE, detail="state is empty"
    )
    unknown = keep & (state >= len(known_names))
    if unknown.any():
        shown = np.asarray(names, dtype=object)[state[unknown]]
        if mapping.unknown_as is None:
            detail = [f"state {s!r} is not mapped; row dropped" for s in shown]
        else:
            detail = [f"state {s!r} is not mapped; read as {mapping.unknown_as}" for s in shown]
        rd.flag(
            row[unknown],
            agent_text[unknown],
            reason=IssueReason.UNKNOWN_STATE,
            detail=np.asarray(detail, dtype=object),
            used=mapping.unknown_as is not None,
        )
        if mapping.unknown_as is None:
            keep &= ~unknown
    return _Kept(
        rd=rd,
        row=narrow(row[keep]),
        agent_code=agent_code[keep],
        t=t[keep],
        state=state[keep],
        names=names,
        ids=ids,
        rows_read=raw.rows_read,
        kind="states",
    )


def _read_sessions(
    raw: ExportColumns, *, mapping: StateMapping, timezone: str, agents: list[str] | None
) -> _Kept:
    """Read an export of sessions: merge overlapping ones into login and logout events."""
    row = raw.rows
    rd = IssueLog()
    keep, agent_code, t_in, agent_text, ids = _agents_and_times(
        rd, raw, column="login", timezone=timezone, roster_agents=agents
    )
    logout = raw.times["logout"]
    has_out = logout.present
    t_out, status = logout.t, logout.status
    bad_out = keep & has_out & (status != 0)
    keep = _drop(
        rd,
        keep,
        bad_out,
        row,
        agent_text,
        reason=IssueReason.BAD_TIMESTAMP,
        detail=np.array(
            [f"logout {v!r} cannot be placed" for v in logout.shown(bad_out)], dtype=object
        ),
    )
    backwards = keep & has_out & (t_out <= t_in)
    keep = _drop(
        rd,
        keep,
        backwards,
        row,
        agent_text,
        reason=IssueReason.LOGOUT_NOT_AFTER_LOGIN,
        detail="logout is not after login",
    )

    # Merge overlapping closed sessions of an agent into their union.
    s = pd.DataFrame(
        {
            "row": row[keep],
            "agent": agent_code[keep],
            "t_in": t_in[keep],
            "t_out": t_out[keep],
            "closed": has_out[keep],
        }
    ).sort_values(["agent", "t_in", "row"], kind="stable")
    closed = s.loc[s["closed"]].copy()
    run_max = closed.groupby("agent", sort=False)["t_out"].cummax()
    prev_max = run_max.groupby(closed["agent"], sort=False).shift(1)
    overlaps = (closed["t_in"] < prev_max).to_numpy()
    closed["group"] = np.cumsum(~overlaps)
    first_row = closed.groupby("group")["row"].transform("first").to_numpy()
    id_arr = np.asarray(ids, dtype=object)
    rd.flag(
        closed["row"].to_numpy()[overlaps],
        id_arr[closed["agent"].to_numpy()[overlaps]],
        reason=IssueReason.OVERLAPPING_SESSION,
        detail=np.array(
            [f"overlaps the session of row {r}; merged" for r in first_row[overlaps]],
            dtype=object,
        ),
        used=True,
    )
    merged = closed.groupby("group", sort=False).agg(
        row=("row", "first"),
        agent=("agent", "first"),
        t_in=("t_in", "first"),
        t_out=("t_out", "max"),
    )
    open_ = s.loc[~s["closed"]]
    offline_states = [k for k, v in mapping.states.items() if v is Activity.OFFLINE]
    if not offline_states:
        raise InputError("reading sessions needs a state mapped to offline")
    logout_state = "logout" if "logout" in offline_states else offline_states[0]
    names = list(mapping.states)
    login_code = names.index(mapping.login_states[0])
    logout_code = names.index(logout_state)
    m_row, m_agent = merged["row"].to_numpy(), merged["agent"].to_numpy()
    return _Kept(
        rd=rd,
        row=narrow(np.concatenate([m_row, m_row, open_["row"].to_numpy()])),
        agent_code=narrow(np.concatenate([m_agent, m_agent, open_["agent"].to_numpy()])),
        t=np.concatenate(
            [merged["t_in"].to_numpy(), merged["t_out"].to_numpy(), open_["t_in"].to_numpy()]
        ).astype(np.int64),
        state=np.concatenate(
            [
                np.full(len(merged), login_code),
                np.full(len(merged), logout_code),
                np.full(len(open_), login_code),
            ]
        ).astype(np.int32),
        names=names,
        ids=ids,
        rows_read=raw.rows_read,
        kind="sessions",
    )


__all__ = ["EVENT_COLUMNS", "SESSION_COLUMNS", "EventData", "read_events"]
