"""Adherence, conformance, attendance and the exceptions, by interval arithmetic.

Every boundary of every scheduled segment, logged-in segment and grace window
of an agent is put on one sorted axis; between two neighbouring boundaries
nothing changes, so each such *piece* has one scheduled activity, one actual
activity and one length. Every measure is then a sum of piece lengths, and
exceptions are runs of neighbouring pieces. No minute-by-minute loop is needed.

Definitions (per agent and day; sums of minutes over days, agents or the period):

* **scheduled** = shift length, meal included; **scheduled work** = shift minus meal.
* **in adherence**: scheduled time where the actual activity is one the
  :class:`~rostering.adherence.events.StateMapping` counts as equivalent to the
  scheduled one, or the state is neutral. Then, in order:

  - *grace*: offline time in the first ``late_login_grace_minutes`` and in the
    last ``early_logout_grace_minutes`` of a shift, and meal-equivalent time in
    the first ``break_overrun_grace_minutes`` after the meal ends, counts as in
    adherence (7 min late with a 2-min grace loses 5 min: 535/540 over a
    540-min shift);
  - *minimum exception*: a run of out-of-adherence time shorter than
    ``min_exception_minutes`` counts as in adherence and is not listed;
  - *absence*: a shift without any logged-in time is wholly out of adherence
    (its meal is not credited) and is one ``absent`` exception.

* **adherence** = in adherence / scheduled.
* **worked** = logged-in time in a productive, not-ready or other activity,
  in or out of the shift; **conformance** = worked / scheduled work (may pass 1).
* **paid logged-in** = logged-in time minus meals (meals are unpaid);
  **productive utilisation** = productive / paid logged-in;
  **not-ready + break share** = (not ready + break) / paid logged-in.
* **attendance rate** = shifts attended / shifts planned (agents who worked /
  agents planned, per day); **schedule adherence rate** = agents whose
  adherence reaches ``adherence_threshold`` / agents scheduled.

Logged-in time outside every shift is attributed to the nearest shift of the
agent within ``attribution_window_minutes``, else to its local calendar date,
and is listed as ``unscheduled_work`` (or ``standby_call_in`` on a standby day)
when a run lasts at least ``unscheduled_min_minutes``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Self

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from rostering.adherence.events import (
    ACTIVITY_CODES,
    OFFLINE_CODE,
    SCHEDULED_CODES,
    Activity,
    EventData,
    Schedule,
    ScheduledActivity,
    StateMapping,
    Timeline,
    day_to_date,
    local_wall_seconds,
    to_local_timestamps,
)
from rostering.errors import InputError

logger = logging.getLogger(__name__)

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]

_WORK = SCHEDULED_CODES.index(ScheduledActivity.WORK)
_MEAL = SCHEDULED_CODES.index(ScheduledActivity.MEAL)
_CODE = {a: ACTIVITY_CODES.index(a) for a in Activity}


class AdherenceConfig(BaseModel):
    """Grace, thresholds and targets of the adherence measurement."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    late_login_grace_minutes: float = Field(
        2.0, ge=0, description="Offline time forgiven at the start of a shift."
    )
    early_logout_grace_minutes: float = Field(
        2.0, ge=0, description="Offline time forgiven at the end of a shift."
    )
    break_overrun_grace_minutes: float = Field(
        2.0, ge=0, description="Meal-equivalent time forgiven right after the meal ends."
    )
    min_exception_minutes: float = Field(
        1.0, ge=0, description="Out-of-adherence runs shorter than this are ignored."
    )
    unscheduled_min_minutes: float = Field(
        15.0, ge=0, description="Logged-in runs outside shifts shorter than this are not listed."
    )
    attribution_window_minutes: int = Field(
        240, ge=0, description="Unscheduled time this close to a shift belongs to its day."
    )
    adherence_threshold: float = Field(
        0.95, ge=0, le=1, description="An agent kept to the schedule when adherence >= this."
    )
    schedule_adherence_target: float = Field(
        0.99, ge=0, le=1, description="Target share of agents who kept to the schedule."
    )
    productive_utilisation_target: float = Field(
        0.70, ge=0, le=1, description="Target productive / paid logged-in time (at least)."
    )
    not_ready_break_share_target: float = Field(
        0.06, ge=0, le=1, description="Target (not ready + break) / paid logged-in (below)."
    )
    interval_minutes: int = Field(
        30,
        gt=0,
        le=1440,
        description="Interval length of the team heatmap; must divide a day. Intervals keep "
        "to the local clock across a DST change when they divide 60.",
    )

    @model_validator(mode="after")
    def _divides_day(self) -> Self:
        if 1440 % self.interval_minutes:
            raise ValueError(f"interval_minutes must divide 1440, got {self.interval_minutes}")
        return self


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

_RUN_KIND = (
    ExceptionKind.LATE_LOGIN,
    ExceptionKind.EARLY_LOGOUT,
    ExceptionKind.EXTENDED_BREAK,
    ExceptionKind.OUT_OF_ADHERENCE,
)

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

MINUTE_COLUMNS: tuple[str, ...] = (
    "scheduled_minutes",
    "scheduled_work_minutes",
    "in_adherence_minutes",
    "logged_in_minutes",
    "worked_minutes",
    "productive_minutes",
    "not_ready_minutes",
    "break_minutes",
    "meal_minutes",
    "other_minutes",
    "unscheduled_minutes",
)
"""Summable minute columns of the agent-day, agent, day and period results."""


@dataclass(frozen=True)
class Measures:
    """The measured results as long frames.

    ``by_agent_day`` (one row per agent and date with scheduled or logged-in
    time), ``by_agent``, ``by_day``, ``by_interval`` (team, one row per
    interval with scheduled or logged-in time), ``exceptions``
    (:data:`EXCEPTION_COLUMNS`), ``planned`` and ``actual`` segments (``agent``,
    ``start``, ``end`` local aware times, ``activity``) for the Gantt view, and
    ``totals`` for the whole period.
    """

    by_agent_day: pd.DataFrame
    by_agent: pd.DataFrame
    by_day: pd.DataFrame
    by_interval: pd.DataFrame
    exceptions: pd.DataFrame
    planned: pd.DataFrame
    actual: pd.DataFrame
    totals: dict[str, float | int | None]


# ----------------------------------------------------------------------------- helpers


def _lookup(start_key: I64, end_key: I64, x: I64) -> I64:
    """Index of the sorted, non-overlapping ``[start, end)`` holding each ``x``, else -1."""
    if len(start_key) == 0:
        return np.full(len(x), -1, dtype=np.int64)
    i = np.searchsorted(start_key, x, side="right") - 1
    ic = np.clip(i, 0, None)
    hit = (i >= 0) & (x < end_key[ic])
    out: I64 = np.where(hit, ic, -1).astype(np.int64)
    return out


def _take(values: I64, idx: I64, fill: int) -> I64:
    """``values[idx]``, with ``fill`` where ``idx`` is -1."""
    if len(values) == 0:
        return np.full(len(idx), fill, dtype=np.int64)
    out: I64 = np.where(idx >= 0, values[np.clip(idx, 0, None)], fill).astype(np.int64)
    return out


def _sorted_unique(x: I64) -> I64:
    """Sorted distinct values (a sort, faster here than a hash for millions of keys)."""
    s = np.sort(x)
    out: I64 = s[np.r_[True, s[1:] != s[:-1]]] if len(s) else s
    return out


def _unique_inverse(x: I64) -> tuple[I64, I64]:
    """Sorted distinct values and the position of each value among them."""
    u = _sorted_unique(x)
    inv: I64 = np.searchsorted(u, x).astype(np.int64)
    return u, inv


def _ratio(num: pd.Series | F64, den: pd.Series | F64) -> F64:
    n = np.asarray(num, dtype=float)
    d = np.asarray(den, dtype=float)
    out: F64 = np.divide(n, d, out=np.full(n.shape, np.nan), where=d > 0)
    return out


def _runs(keep: Mask, a: I64, b: I64, group: I64) -> tuple[I64, I64]:
    """Run ids of the pieces in ``keep`` (contiguous, same ``group``) and their positions."""
    pos = np.flatnonzero(keep)
    if len(pos) == 0:
        return np.zeros(0, dtype=np.int64), pos
    new = np.ones(len(pos), dtype=bool)
    new[1:] = (a[pos[1:]] != b[pos[:-1]]) | (group[pos[1:]] != group[pos[:-1]])
    run_id: I64 = (np.cumsum(new) - 1).astype(np.int64)
    return run_id, pos


@dataclass(frozen=True)
class _Pieces:
    agent: I64
    a: I64
    b: I64
    sk: I64
    shift: I64
    act: I64
    state: I64
    neutral: Mask


def _scheduled_segments(sh: pd.DataFrame) -> tuple[I64, I64, I64, I64, I64]:
    n = len(sh)
    agent = sh["agent_code"].to_numpy(dtype=np.int64)
    start = sh["start"].to_numpy(dtype=np.int64)
    end = sh["end"].to_numpy(dtype=np.int64)
    ms = sh["meal_start"].to_numpy(dtype=np.int64)
    me = sh["meal_end"].to_numpy(dtype=np.int64)
    hm = ms >= 0
    idx = np.arange(n, dtype=np.int64)
    s_agent = np.concatenate([agent, agent[hm], agent[hm]])
    s_start = np.concatenate([start, ms[hm], me[hm]])
    s_end = np.concatenate([np.where(hm, ms, end), me[hm], end[hm]])
    s_kind = np.concatenate(
        [np.full(n, _WORK), np.full(int(hm.sum()), _MEAL), np.full(int(hm.sum()), _WORK)]
    ).astype(np.int64)
    s_shift = np.concatenate([idx, idx[hm], idx[hm]])
    keep = s_end > s_start
    order = np.lexsort((s_start[keep], s_agent[keep]))
    return (
        s_agent[keep][order],
        s_start[keep][order],
        s_end[keep][order],
        s_kind[keep][order],
        s_shift[keep][order],
    )


# ----------------------------------------------------------------------------- measure


def measure(
    schedule: Schedule,
    timeline: Timeline,
    data: EventData,
    *,
    config: AdherenceConfig,
    mapping: StateMapping,
    timezone: str,
) -> Measures:
    """Measure the timeline against the schedule (see the module docstring).

    ``data`` supplies the state names and agent ids the timeline's codes refer
    to; its agent codes must be the schedule's (read the events with the
    roster's ids).
    """
    if data.agents != schedule.agent_ids:
        raise InputError("events must be read with the roster's agent ids (agents=...)")
    sh = schedule.shifts
    ns = len(sh)
    sh_agent = sh["agent_code"].to_numpy(dtype=np.int64)
    sh_start = sh["start"].to_numpy(dtype=np.int64)
    sh_end = sh["end"].to_numpy(dtype=np.int64)
    sh_ms = sh["meal_start"].to_numpy(dtype=np.int64)
    sh_me = sh["meal_end"].to_numpy(dtype=np.int64)
    sh_day = sh["day"].to_numpy(dtype=np.int64)
    seg = _scheduled_segments(sh)
    ts = timeline.segments
    t_agent = ts["agent_code"].to_numpy(dtype=np.int64)
    t_start = ts["start"].to_numpy(dtype=np.int64)
    t_end = ts["end"].to_numpy(dtype=np.int64)

    g_late = round(config.late_login_grace_minutes * 60)
    g_early = round(config.early_logout_grace_minutes * 60)
    g_break = round(config.break_overrun_grace_minutes * 60)
    hm = sh_ms >= 0
    late_w = (sh_agent, sh_start, np.minimum(sh_start + g_late, sh_end))
    early_w = (sh_agent, np.maximum(sh_end - g_early, sh_start), sh_end)
    break_w = (sh_agent[hm], sh_me[hm], np.minimum(sh_me[hm] + g_break, sh_end[hm]))

    all_t = np.concatenate([sh_start, sh_end, t_start, t_end])
    if len(all_t) == 0:
        return _empty_measures(schedule, config=config)
    base = int(all_t.min()) - 1
    span = int(all_t.max()) - base + 2
    n_agents = max(len(schedule.agents), 1)
    if n_agents * span >= 2**62:
        raise InputError("the events span too long a period to measure at once")

    def key(agent: I64, t: I64) -> I64:
        out: I64 = agent * span + (t - base)
        return out

    bounds = _sorted_unique(
        np.concatenate(
            [
                key(seg[0], seg[1]),
                key(seg[0], seg[2]),
                key(t_agent, t_start),
                key(t_agent, t_end),
                key(late_w[0], late_w[2]),
                key(early_w[0], early_w[1]),
                key(break_w[0], break_w[2]),
            ]
        )
    )
    ka, kb = bounds[:-1], bounds[1:]
    same = (ka // span) == (kb // span)
    ka, kb = ka[same], kb[same]
    si = _lookup(key(seg[0], seg[1]), key(seg[0], seg[2]), ka)
    ai = _lookup(key(t_agent, t_start), key(t_agent, t_end), ka)
    rel = (si >= 0) | (ai >= 0)
    ka, kb, si, ai = ka[rel], kb[rel], si[rel], ai[rel]
    p_agent = ka // span
    p = _Pieces(
        agent=p_agent,
        a=ka - p_agent * span + base,
        b=kb - p_agent * span + base,
        sk=_take(seg[3], si, -1),
        shift=_take(seg[4], si, -1),
        act=_take(ts["activity"].to_numpy(dtype=np.int64), ai, OFFLINE_CODE),
        state=_take(ts["state"].to_numpy(dtype=np.int64), ai, -1),
        neutral=_take(ts["neutral"].to_numpy(dtype=np.int64), ai, 0).astype(bool),
    )
    dur = p.b - p.a
    sched = p.sk >= 0
    logged = p.act != OFFLINE_CODE
    shift_c = np.clip(p.shift, 0, None)
    eq = mapping.equivalence_matrix()
    sk_c = np.clip(p.sk, 0, None)
    in_adh = sched & (p.neutral | eq[sk_c, p.act])
    offline = ~logged
    in_late = _lookup(key(*late_w[:2]), key(late_w[0], late_w[2]), ka) >= 0
    in_early = _lookup(key(*early_w[:2]), key(early_w[0], early_w[2]), ka) >= 0
    in_break = _lookup(key(*break_w[:2]), key(break_w[0], break_w[2]), ka) >= 0
    grace = sched & (((in_late | in_early) & offline) | (in_break & eq[_MEAL, p.act]))
    in_adh |= grace

    shift_logged = np.bincount(
        p.shift[sched & logged], weights=dur[sched & logged], minlength=max(ns, 1)
    )
    absent_pad = shift_logged <= 0
    absent = absent_pad[:ns]
    p_absent = sched & absent_pad[shift_c]
    in_adh &= ~p_absent
    out = sched & ~in_adh & ~p_absent

    big = np.iinfo(np.int64).max
    first_in = np.full(max(ns, 1), big, dtype=np.int64)
    last_out = np.full(max(ns, 1), -big, dtype=np.int64)
    m = sched & logged
    np.minimum.at(first_in, p.shift[m], p.a[m])
    np.maximum.at(last_out, p.shift[m], p.b[m])
    cat = np.full(len(dur), 3, dtype=np.int64)
    work_off = (p.sk == _WORK) & offline
    breakish = (p.sk == _WORK) & eq[_MEAL, p.act]
    cat[breakish] = 2
    cat[work_off & (p.a >= last_out[shift_c])] = 1
    cat[work_off & (p.b <= first_in[shift_c])] = 0

    run_id, pos = _runs(out, p.a, p.b, p.shift * 4 + cat)
    exc_parts: list[pd.DataFrame] = []
    if len(pos):
        first = np.flatnonzero(np.r_[True, np.diff(run_id) > 0])
        last = np.r_[first[1:] - 1, len(pos) - 1]
        r_len = np.bincount(run_id, weights=dur[pos]).astype(np.int64)
        r_start = p.a[pos[first]]
        r_end = p.b[pos[last]]
        r_shift = p.shift[pos[first]]
        r_cat = cat[pos[first]]
        me_r = sh_me[r_shift]
        after_meal = (me_r >= 0) & (r_start >= me_r) & (r_start <= me_r + g_break)
        r_cat = np.where((r_cat == 2) & ~after_meal, 3, r_cat)
        short = r_len < round(config.min_exception_minutes * 60)
        in_adh[pos[short[run_id]]] = True
        long_ = ~short
        first_state = p.state[pos[first]]
        first_sk = p.sk[pos[first]]
        detail = _state_detail(data, first_state, first_sk)
        exc_parts.append(
            pd.DataFrame(
                {
                    "agent_code": sh_agent[r_shift[long_]],
                    "day": sh_day[r_shift[long_]],
                    "shift_idx": r_shift[long_],
                    "kind": np.asarray([k.value for k in _RUN_KIND], dtype=object)[r_cat[long_]],
                    "start_s": r_start[long_],
                    "end_s": r_end[long_],
                    "seconds": r_len[long_],
                    "detail": detail[long_],
                    "informational": False,
                }
            )
        )
    if absent.any():
        ai_ = np.flatnonzero(absent)
        exc_parts.append(
            pd.DataFrame(
                {
                    "agent_code": sh_agent[ai_],
                    "day": sh_day[ai_],
                    "shift_idx": ai_,
                    "kind": ExceptionKind.ABSENT.value,
                    "start_s": sh_start[ai_],
                    "end_s": sh_end[ai_],
                    "seconds": sh_end[ai_] - sh_start[ai_],
                    "detail": "no login during the shift",
                    "informational": False,
                }
            )
        )

    day = _attribute_days(
        p,
        sched=sched,
        sh=sh,
        key=key,
        window_s=config.attribution_window_minutes * 60,
        timezone=timezone,
    )
    unsched = ~sched & logged
    u_run, u_pos = _runs(unsched, p.a, p.b, p.agent)
    if len(u_pos):
        first = np.flatnonzero(np.r_[True, np.diff(u_run) > 0])
        last = np.r_[first[1:] - 1, len(u_pos) - 1]
        u_len = np.bincount(u_run, weights=dur[u_pos]).astype(np.int64)
        long_u = u_len >= round(config.unscheduled_min_minutes * 60)
        u_agent = p.agent[u_pos[first]][long_u]
        u_day = day[u_pos[first]][long_u]
        sb = schedule.standby
        on_standby = (
            pd.MultiIndex.from_arrays([u_agent, u_day]).isin(
                pd.MultiIndex.from_arrays(
                    [sb["agent_code"].to_numpy(dtype=np.int64), sb["day"].to_numpy(dtype=np.int64)]
                )
            )
            if len(sb) and len(u_agent)
            else np.zeros(len(u_agent), dtype=bool)
        )
        exc_parts.append(
            pd.DataFrame(
                {
                    "agent_code": u_agent,
                    "day": u_day,
                    "shift_idx": -1,
                    "kind": np.where(
                        on_standby,
                        ExceptionKind.STANDBY_CALL_IN.value,
                        ExceptionKind.UNSCHEDULED_WORK.value,
                    ).astype(object),
                    "start_s": p.a[u_pos[first]][long_u],
                    "end_s": p.b[u_pos[last]][long_u],
                    "seconds": u_len[long_u],
                    "detail": np.where(
                        on_standby, "logged in on a standby day", "logged in outside any shift"
                    ).astype(object),
                    "informational": on_standby,
                }
            )
        )

    by_agent_day = _by_agent_day(
        p,
        dur=dur,
        day=day,
        in_adh=in_adh,
        schedule=schedule,
        absent=absent,
        config=config,
    )
    exceptions = _exceptions_frame(exc_parts, schedule=schedule, timezone=timezone)
    by_agent = _by_agent(by_agent_day, config=config)
    by_day = _by_day(by_agent_day, config=config)
    by_interval = _by_interval(p, dur=dur, in_adh=in_adh, config=config, timezone=timezone)
    totals = _totals(by_agent_day, by_agent, config=config)
    totals["exceptions"] = int((~exceptions["informational"]).sum()) if len(exceptions) else 0
    return Measures(
        by_agent_day=by_agent_day,
        by_agent=by_agent,
        by_day=by_day,
        by_interval=by_interval,
        exceptions=exceptions,
        planned=planned_segments(schedule, timezone=timezone),
        actual=actual_segments(timeline, schedule, timezone=timezone),
        totals=totals,
    )


def _state_detail(data: EventData, state: I64, sk: I64) -> npt.NDArray[np.object_]:
    names = np.asarray([*data.states, "offline"], dtype=object)
    s = names[np.where(state >= 0, state, len(data.states))]
    out: npt.NDArray[np.object_] = np.where(sk == _MEAL, "in state " + s + " during the meal", s)
    return out


def _attribute_days(
    p: _Pieces,
    *,
    sched: Mask,
    sh: pd.DataFrame,
    key: Callable[[I64, I64], I64],
    window_s: int,
    timezone: str,
) -> I64:
    """Roster day of every piece: its shift's, the nearest shift's, or the local date."""
    sh_day = sh["day"].to_numpy(dtype=np.int64)
    day = np.where(sched, sh_day[np.clip(p.shift, 0, None)] if len(sh_day) else 0, 0)
    u = ~sched
    if not u.any():
        return day.astype(np.int64)
    ua, ub, uagent = p.a[u], p.b[u], p.agent[u]
    local_day = local_wall_seconds(ua, timezone) // 86400
    chosen = local_day.copy()
    if len(sh):
        s_agent = sh["agent_code"].to_numpy(dtype=np.int64)
        s_start = sh["start"].to_numpy(dtype=np.int64)
        s_end = sh["end"].to_numpy(dtype=np.int64)
        # shifts are sorted by agent then start (read_roster), so their keys are too
        i = np.searchsorted(key(s_agent, s_start), key(uagent, ua), side="right") - 1
        prev_ok = (i >= 0) & (s_agent[np.clip(i, 0, None)] == uagent)
        ip = np.clip(i, 0, None)
        gap_prev = np.where(prev_ok, ua - s_end[ip], np.iinfo(np.int64).max)
        j = i + 1
        next_ok = (j < len(sh)) & (s_agent[np.clip(j, 0, len(sh) - 1)] == uagent)
        jn = np.clip(j, 0, len(sh) - 1)
        gap_next = np.where(next_ok, s_start[jn] - ub, np.iinfo(np.int64).max)
        use_prev = (gap_prev <= gap_next) & (gap_prev <= window_s)
        use_next = ~use_prev & (gap_next <= window_s)
        chosen = np.where(use_prev, sh_day[ip], np.where(use_next, sh_day[jn], local_day))
    day[u] = chosen
    return day.astype(np.int64)


_N_ACT = len(ACTIVITY_CODES)


def _category_sums(p: _Pieces, *, dur: I64, in_adh: Mask) -> Callable[[I64, int], dict[str, F64]]:
    """Minute sums of every measure per group, from one weighted count per group.

    Each piece falls in one of 3 x 2 x 6 categories (scheduled none/work/meal,
    in adherence or not, actual activity); the measures are sums over sets of
    categories, so one ``bincount`` per grouping serves them all.
    """
    cat = ((p.sk + 1) * 2 + (in_adh & (p.sk >= 0))) * _N_ACT + p.act
    ncat = 3 * 2 * _N_ACT

    def sums(group: I64, n_groups: int) -> dict[str, F64]:
        table = np.bincount(group * ncat + cat, weights=dur, minlength=n_groups * ncat)
        t = table.reshape(n_groups, 3, 2, _N_ACT) / 60.0
        by_act = t.sum(axis=(1, 2))
        logged_cols = [i for i in range(_N_ACT) if i != OFFLINE_CODE]
        worked_cols = [_CODE[Activity.PRODUCTIVE], _CODE[Activity.NOT_READY], _CODE[Activity.OTHER]]
        return {
            "scheduled_minutes": t[:, 1:].sum(axis=(1, 2, 3)),
            "scheduled_work_minutes": t[:, 1 + _WORK].sum(axis=(1, 2)),
            "in_adherence_minutes": t[:, 1:, 1].sum(axis=(1, 2)),
            "logged_in_minutes": by_act[:, logged_cols].sum(axis=1),
            "worked_minutes": by_act[:, worked_cols].sum(axis=1),
            "productive_minutes": by_act[:, _CODE[Activity.PRODUCTIVE]],
            "not_ready_minutes": by_act[:, _CODE[Activity.NOT_READY]],
            "break_minutes": by_act[:, _CODE[Activity.BREAK]],
            "meal_minutes": by_act[:, _CODE[Activity.MEAL]],
            "other_minutes": by_act[:, _CODE[Activity.OTHER]],
            "unscheduled_minutes": t[:, 0][:, :, logged_cols].sum(axis=(1, 2)),
        }

    return sums


def _by_agent_day(
    p: _Pieces,
    *,
    dur: I64,
    day: I64,
    in_adh: Mask,
    schedule: Schedule,
    absent: Mask,
    config: AdherenceConfig,
) -> pd.DataFrame:
    sums = _category_sums(p, dur=dur, in_adh=in_adh)
    sh = schedule.shifts
    shift_days = pd.DataFrame(
        {
            "agent_code": sh["agent_code"].to_numpy(dtype=np.int64),
            "day": sh["day"].to_numpy(dtype=np.int64),
            "shift": sh["shift"].astype(str).to_numpy(dtype=object),
            "shifts_planned": 1,
            "shifts_absent": absent.astype(np.int64),
        }
    )
    all_days = np.concatenate([day, shift_days["day"].to_numpy()])
    dmin = int(all_days.min()) if len(all_days) else 0
    ndays = int(all_days.max()) - dmin + 1 if len(all_days) else 1
    k = p.agent * ndays + (day - dmin)
    uk, inv = _unique_inverse(k)
    frame = pd.DataFrame({"agent_code": uk // ndays, "day": uk % ndays + dmin})
    for name, values in sums(inv, len(uk)).items():
        frame[name] = values
    per_day_shifts = shift_days.groupby(["agent_code", "day"], as_index=False).agg(
        shift=("shift", "|".join),
        shifts_planned=("shifts_planned", "sum"),
        shifts_absent=("shifts_absent", "sum"),
    )
    frame = frame.merge(per_day_shifts, on=["agent_code", "day"], how="outer")
    frame["shift"] = frame["shift"].fillna("")
    for col in ("shifts_planned", "shifts_absent"):
        frame[col] = frame[col].fillna(0).astype(np.int64)
    for col in MINUTE_COLUMNS:
        frame[col] = frame[col].fillna(0.0)
    sb = schedule.standby.drop_duplicates(["agent_code", "day"])
    frame = frame.merge(
        sb.loc[:, ["agent_code", "day", "kind"]].rename(columns={"kind": "standby"}),
        on=["agent_code", "day"],
        how="left",
    )
    frame["standby"] = frame["standby"].fillna("").astype(object)
    agents = schedule.agents
    codes = frame["agent_code"].to_numpy(dtype=np.int64)
    frame.insert(0, "agent", agents["agent"].to_numpy(dtype=object)[codes])
    frame.insert(1, "agent_name", agents["agent_name"].to_numpy(dtype=object)[codes])
    frame.insert(2, "role", agents["role"].to_numpy(dtype=object)[codes])
    frame = frame.sort_values(["agent_code", "day"], kind="stable").reset_index(drop=True)
    frame.insert(3, "date", day_to_date(frame["day"].to_numpy()))
    frame = _derive(frame, config=config)
    return frame.drop(columns=["agent_code", "day"])


def _derive(frame: pd.DataFrame, *, config: AdherenceConfig) -> pd.DataFrame:
    """Ratios of the summed minute columns (NaN where the denominator is zero)."""
    f = frame
    f["out_of_adherence_minutes"] = f["scheduled_minutes"] - f["in_adherence_minutes"]
    f["adherence"] = _ratio(f["in_adherence_minutes"], f["scheduled_minutes"])
    f["conformance"] = _ratio(f["worked_minutes"], f["scheduled_work_minutes"])
    paid = f["logged_in_minutes"] - f["meal_minutes"]
    f["productive_utilisation"] = _ratio(f["productive_minutes"], paid)
    f["not_ready_break_share"] = _ratio(f["not_ready_minutes"] + f["break_minutes"], paid)
    f["shifts_attended"] = f["shifts_planned"] - f["shifts_absent"]
    kept = f["adherence"].to_numpy() >= config.adherence_threshold - 1e-12
    kept_arr = pd.array(kept, dtype="boolean")
    kept_arr[f["scheduled_minutes"].to_numpy() <= 0] = pd.NA
    f["kept_schedule"] = kept_arr
    return f


def _by_agent(agent_day: pd.DataFrame, *, config: AdherenceConfig) -> pd.DataFrame:
    cols = [*MINUTE_COLUMNS, "shifts_planned", "shifts_absent"]
    g = agent_day.groupby(["agent", "agent_name", "role"], sort=False, as_index=False)[cols].sum()
    g = _derive(g, config=config)
    g["attendance_rate"] = _ratio(g["shifts_attended"], g["shifts_planned"])
    return g.reset_index(drop=True)


def _by_day(agent_day: pd.DataFrame, *, config: AdherenceConfig) -> pd.DataFrame:
    cols = [*MINUTE_COLUMNS, "shifts_planned", "shifts_absent"]
    ad = agent_day.assign(
        agents_planned=(agent_day["shifts_planned"] > 0).astype(np.int64),
        agents_attended=(
            (agent_day["shifts_planned"] > 0)
            & (agent_day["shifts_planned"] > agent_day["shifts_absent"])
        ).astype(np.int64),
        agents_kept=agent_day["kept_schedule"].fillna(False).astype(np.int64),
    )
    g = ad.groupby("date", sort=True, as_index=False)[
        [*cols, "agents_planned", "agents_attended", "agents_kept"]
    ].sum()
    g = _derive(g, config=config).drop(columns=["kept_schedule"])
    g["attendance_rate"] = _ratio(g["agents_attended"], g["agents_planned"])
    g["schedule_adherence_rate"] = _ratio(g["agents_kept"], g["agents_planned"])
    return g


def _by_interval(
    p: _Pieces,
    *,
    dur: I64,
    in_adh: Mask,
    config: AdherenceConfig,
    timezone: str,
) -> pd.DataFrame:
    length = config.interval_minutes * 60
    cols = ("scheduled_minutes", "in_adherence_minutes", "logged_in_minutes", "productive_minutes")
    if len(dur) == 0:
        return pd.DataFrame(columns=["interval_start", "date", "time", *cols, "adherence"])
    first_wall = int(local_wall_seconds(np.array([p.a.min()], dtype=np.int64), timezone)[0])
    midnight = pd.Timestamp(first_wall // 86400 * 86400, unit="s").tz_localize(
        timezone, nonexistent="shift_forward", ambiguous=False
    )
    origin = int(midnight.timestamp())
    i0 = (p.a - origin) // length
    i1 = (p.b - 1 - origin) // length
    cnt = i1 - i0 + 1
    rep = np.repeat(np.arange(len(dur)), cnt)
    offs = np.arange(len(rep)) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    iv = i0[rep] + offs
    lo = np.maximum(p.a[rep], origin + iv * length)
    hi = np.minimum(p.b[rep], origin + (iv + 1) * length)
    d = hi - lo
    sub = _Pieces(
        agent=p.agent[rep],
        a=lo,
        b=hi,
        sk=p.sk[rep],
        shift=p.shift[rep],
        act=p.act[rep],
        state=p.state[rep],
        neutral=p.neutral[rep],
    )
    uiv, inv = _unique_inverse(iv)
    frame = pd.DataFrame({"iv": uiv})
    all_sums = _category_sums(sub, dur=d, in_adh=in_adh[rep])(inv, len(uiv))
    for name in cols:
        frame[name] = all_sums[name]
    starts = to_local_timestamps(origin + uiv * length, timezone)
    frame.insert(0, "interval_start", starts)
    frame.insert(1, "date", [ts.date() for ts in starts])
    frame.insert(2, "time", starts.strftime("%H:%M"))
    frame["scheduled_agents"] = frame["scheduled_minutes"] / config.interval_minutes
    frame["logged_in_agents"] = frame["logged_in_minutes"] / config.interval_minutes
    frame["adherence"] = _ratio(frame["in_adherence_minutes"], frame["scheduled_minutes"])
    return frame.drop(columns=["iv"]).reset_index(drop=True)


def _totals(
    agent_day: pd.DataFrame, by_agent: pd.DataFrame, *, config: AdherenceConfig
) -> dict[str, float | int | None]:
    sums = {c: float(agent_day[c].sum()) for c in MINUTE_COLUMNS}

    def r(num: float, den: float) -> float | None:
        return num / den if den > 0 else None

    planned = int(agent_day["shifts_planned"].sum())
    absent = int(agent_day["shifts_absent"].sum())
    scheduled_agents = by_agent.loc[by_agent["shifts_planned"] > 0]
    kept = int(scheduled_agents["kept_schedule"].fillna(False).sum())
    paid = sums["logged_in_minutes"] - sums["meal_minutes"]
    out: dict[str, float | int | None] = dict(sums)
    out.update(
        {
            "out_of_adherence_minutes": sums["scheduled_minutes"] - sums["in_adherence_minutes"],
            "adherence": r(sums["in_adherence_minutes"], sums["scheduled_minutes"]),
            "conformance": r(sums["worked_minutes"], sums["scheduled_work_minutes"]),
            "productive_utilisation": r(sums["productive_minutes"], paid),
            "not_ready_break_share": r(sums["not_ready_minutes"] + sums["break_minutes"], paid),
            "shifts_planned": planned,
            "shifts_attended": planned - absent,
            "attendance_rate": r(planned - absent, planned),
            "agents_scheduled": len(scheduled_agents),
            "agents_kept_schedule": kept,
            "schedule_adherence_rate": r(kept, len(scheduled_agents)),
        }
    )
    return out


def _exceptions_frame(
    parts: list[pd.DataFrame], *, schedule: Schedule, timezone: str
) -> pd.DataFrame:
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


def _empty_measures(schedule: Schedule, *, config: AdherenceConfig) -> Measures:
    z = np.zeros(0, dtype=np.int64)
    empty_p = _Pieces(z, z, z, z, z, z, z, np.zeros(0, dtype=bool))
    zb = np.zeros(0, dtype=bool)
    by_agent_day = _by_agent_day(
        empty_p,
        dur=z,
        day=z,
        in_adh=zb,
        schedule=schedule,
        absent=zb,
        config=config,
    )
    by_agent = _by_agent(by_agent_day, config=config)
    return Measures(
        by_agent_day=by_agent_day,
        by_agent=by_agent,
        by_day=_by_day(by_agent_day, config=config),
        by_interval=_by_interval(empty_p, dur=z, in_adh=zb, config=config, timezone="UTC"),
        exceptions=_exceptions_frame([], schedule=schedule, timezone="UTC"),
        planned=pd.DataFrame(columns=["agent", "start", "end", "activity"]),
        actual=pd.DataFrame(columns=["agent", "start", "end", "activity"]),
        totals={**_totals(by_agent_day, by_agent, config=config), "exceptions": 0},
    )


# ----------------------------------------------------------------------------- Gantt data


def planned_segments(schedule: Schedule, *, timezone: str) -> pd.DataFrame:
    """Scheduled work and meal segments: ``agent``, ``start``, ``end`` (local), ``activity``."""
    agent, start, end, kind, _ = _scheduled_segments(schedule.shifts)
    ids = schedule.agents["agent"].to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "agent": ids[agent] if len(agent) else np.zeros(0, dtype=object),
            "start": to_local_timestamps(start, timezone),
            "end": to_local_timestamps(end, timezone),
            "activity": np.asarray([s.value for s in SCHEDULED_CODES], dtype=object)[kind],
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
    grp = np.cumsum(new) - 1
    first = np.flatnonzero(new)
    last = np.r_[first[1:] - 1, len(start) - 1] if len(first) else first
    ids = schedule.agents["agent"].to_numpy(dtype=object)
    names = np.asarray([a.value for a in ACTIVITY_CODES], dtype=object)
    del grp
    return pd.DataFrame(
        {
            "agent": ids[agent[first]] if len(first) else np.zeros(0, dtype=object),
            "start": to_local_timestamps(start[first], timezone),
            "end": to_local_timestamps(end[last], timezone),
            "activity": names[act[first]] if len(first) else np.zeros(0, dtype=object),
        }
    )


__all__ = [
    "ADHERENCE_KINDS",
    "EXCEPTION_COLUMNS",
    "MINUTE_COLUMNS",
    "AdherenceConfig",
    "ExceptionKind",
    "Measures",
    "actual_segments",
    "measure",
    "planned_segments",
]
