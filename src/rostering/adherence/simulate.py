"""A seeded generator of ACD agent-state events for a roster, with known deviations.

For every worked shift of ``roster.csv`` it draws a login (a few minutes early,
or late by a known amount), cycles of ``available`` / ``on_call`` /
``after_call_work`` (``not_ready`` now and then), the meal (in the ``meal``
state, or logged out), each scheduled short break (in the ``break`` state),
and a logout (a few minutes late, or early by a known amount). The meal and
the breaks start and end up to a minute early, below any exception length.
Absences, long meals, long breaks, duplicate rows, rows out of file order and
a missing logout are injected at the rates asked for, and every injected
deviation is listed with its size in :attr:`SimulatedEvents.injected`, so a
test can check that the measurement finds exactly what was put in.

The events come back as the CSV export would hold them: ``agent``,
``timestamp`` (ISO 8601 with the site's UTC offset) and ``state``, in time
order as a phone system writes them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from rostering.adherence.arrays import I64
from rostering.adherence.schedule import read_roster
from rostering.adherence.synthetic import synthetic_roster
from rostering.adherence.timestamps import day_to_date, local_wall_seconds
from rostering.csv_text import neutralise

logger = logging.getLogger(__name__)


STATES: tuple[str, ...] = (
    "login",
    "logout",
    "available",
    "not_ready",
    "on_call",
    "after_call_work",
    "meal",
    "break",
)
"""States the generator writes."""
_LOGIN, _LOGOUT, _AVAILABLE, _NOT_READY, _ON_CALL, _WRAP, _MEAL, _BREAK = range(len(STATES))


class SimulationConfig(BaseModel):
    """Rates and sizes of the behaviour simulated. Minutes are whole minutes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    absence_rate: float = Field(0.03, ge=0, le=1, description="Share of shifts not worked.")
    late_login_rate: float = Field(0.08, ge=0, le=1)
    late_login_minutes: tuple[int, int] = Field((3, 20), description="Range, inclusive.")
    early_logout_rate: float = Field(0.05, ge=0, le=1)
    early_logout_minutes: tuple[int, int] = (5, 40)
    long_meal_rate: float = Field(0.08, ge=0, le=1)
    long_meal_minutes: tuple[int, int] = (5, 25)
    long_break_rate: float = Field(
        0.0, ge=0, le=1, description="Share of short breaks overrun (none unless asked)."
    )
    long_break_minutes: tuple[int, int] = (3, 15)
    early_arrival_max_s: int = Field(300, ge=0, description="On-time logins: up to this early.")
    late_departure_max_s: int = Field(300, ge=0, description="On-time logouts: up to this late.")
    meal_logout_rate: float = Field(
        0.3, ge=0, le=1, description="Share of meals taken logged out rather than in 'meal'."
    )
    not_ready_share: float = Field(
        0.03, ge=0, le=1, description="Chance that an idle spell is 'not_ready'."
    )
    mean_wait_s: float = Field(60.0, gt=0)
    mean_talk_s: float = Field(180.0, gt=0)
    mean_wrap_s: float = Field(20.0, gt=0)
    duplicate_rate: float = Field(0.001, ge=0, le=1, description="Share of rows written twice.")
    out_of_order_rate: float = Field(
        0.001, ge=0, le=0.5, description="Share of rows swapped with the agent's next row."
    )
    missing_logouts: int = Field(1, ge=0, description="Logout rows left out.")


@dataclass(frozen=True)
class SimulatedEvents:
    """Generated events and what was injected into them.

    ``events``: ``agent``, ``timestamp`` (str), ``state``; row order is the
    file order. ``injected``: ``agent``, ``date``, ``shift``, ``kind``
    (late_login, early_logout, extended_break, absent, missing_logout,
    duplicate, out_of_order), ``minutes`` (0 for row-level faults) and ``row``
    (file row of a row-level fault as a spreadsheet shows it, the header
    being row 1; else 0). A long meal and each long
    short break are one ``extended_break`` row each.
    """

    events: pd.DataFrame
    injected: pd.DataFrame


def _draw_minutes(rng: np.random.Generator, rng_range: tuple[int, int], n: int) -> I64:
    lo, hi = rng_range
    return rng.integers(lo, hi + 1, size=n).astype(np.int64)


def format_timestamps(t: I64, timezone: str) -> npt.NDArray[np.str_]:
    """``YYYY-MM-DDTHH:MM:SS+HH:MM`` in ``timezone`` for epoch seconds ``t`` (vectorised)."""
    wall = local_wall_seconds(t, timezone)
    off = (wall - t) // 60
    days = wall // 86400
    secs = wall - days * 86400
    ymd = days.astype("datetime64[D]")
    year = ymd.astype("datetime64[Y]").astype(np.int64) + 1970
    month = (ymd.astype("datetime64[M]").astype(np.int64) % 12) + 1
    day = (ymd - ymd.astype("datetime64[M]")).astype(np.int64) + 1
    sign = np.where(off >= 0, ord("+"), ord("-"))
    aoff = np.abs(off)
    fields = [
        (year, 4),
        ("-", 0),
        (month, 2),
        ("-", 0),
        (day, 2),
        ("T", 0),
        (secs // 3600, 2),
        (":", 0),
        (secs // 60 % 60, 2),
        (":", 0),
        (secs % 60, 2),
        (sign, -1),
        (aoff // 60, 2),
        (":", 0),
        (aoff % 60, 2),
    ]
    buf = np.empty((len(t), 25), dtype=np.uint8)
    col = 0
    for value, width in fields:
        if isinstance(value, str):
            buf[:, col] = ord(value)
            col += 1
        elif width == -1:
            buf[:, col] = value
            col += 1
        else:
            for k in range(width):
                buf[:, col + k] = 48 + (value // 10 ** (width - 1 - k)) % 10
            col += width
    out: npt.NDArray[np.str_] = buf.view("S25").ravel().astype("U25")
    return out


def write_events_csv(events: pd.DataFrame, path: Path) -> None:
    """Write ``agent,timestamp,state`` rows quickly (plain text, no quoting needed).

    Agent codes a spreadsheet would run as formulas are quoted
    (:func:`rostering.csv_text.neutralise`).
    """
    agent = [neutralise(a) for a in events["agent"].astype(str).tolist()]
    stamp = events["timestamp"].astype(str).tolist()
    state = events["state"].astype(str).tolist()
    with path.open("w", encoding="utf-8") as fh:
        fh.write("agent,timestamp,state\n")
        fh.write("\n".join(map(",".join, zip(agent, stamp, state, strict=True))))
        fh.write("\n")


@dataclass(frozen=True)
class _TimeAway:
    """The meals and short breaks of the shifts, sorted by shift then start."""

    shift: I64
    start: I64
    end: I64
    meal: npt.NDArray[np.bool_]
    """A meal; else a short break."""
    source: I64
    """The meal's shift, or the break's position in ``Schedule.breaks``."""
    nth: I64
    """Position among the shift's times away."""
    last: npt.NDArray[np.bool_]
    """The shift's last time away."""

    def pick(self, per_meal: I64, per_break: I64) -> I64:
        """Each time away's value: ``per_meal`` (one per shift) or ``per_break`` (one per break)."""
        out = np.zeros(len(self.shift), dtype=np.int64)
        out[self.meal] = per_meal[self.source[self.meal]]
        out[~self.meal] = per_break[self.source[~self.meal]]
        return out


def _time_away(ms: I64, me: I64, *, b_shift: I64, b_start: I64, b_end: I64) -> _TimeAway:
    """The meals (``ms``/``me``, -1 when none) and the short breaks, in one sorted table."""
    idx = np.flatnonzero(ms >= 0)
    shift = np.concatenate([idx, b_shift]).astype(np.int64)
    start = np.concatenate([ms[idx], b_start]).astype(np.int64)
    order = np.lexsort((start, shift))
    shift, start = shift[order], start[order]
    end = np.concatenate([me[idx], b_end]).astype(np.int64)[order]
    meal = np.r_[np.ones(len(idx), dtype=bool), np.zeros(len(b_shift), dtype=bool)][order]
    source = np.concatenate([idx, np.arange(len(b_shift))]).astype(np.int64)[order]
    first = np.ones(len(shift), dtype=bool)
    first[1:] = shift[1:] != shift[:-1]
    last = np.ones(len(shift), dtype=bool)
    last[:-1] = shift[1:] != shift[:-1]
    nth = np.arange(len(shift)) - np.flatnonzero(first)[np.cumsum(first) - 1]
    return _TimeAway(shift, start, end, meal, source, nth.astype(np.int64), last)


def _work_windows(
    away: _TimeAway, worked: npt.NDArray[np.bool_], *, login: I64, logout: I64, go: I64, back: I64
) -> tuple[I64, I64, I64]:
    """(shift, start, end) of the stretches of work of the ``worked`` shifts.

    Work runs from the login to the first time away (left at ``go``), from
    each return (``back``) to the next time away, and from the last return to
    the logout. The windows come in order of their place in the shift, then
    of the shift: all first stretches, then all second ones, and so on.
    """
    keep = worked[away.shift]
    a_shift, a_nth, a_last = away.shift[keep], away.nth[keep], away.last[keep]
    a_go, a_back = go[keep], back[keep]
    prev_back = np.empty(len(a_shift), dtype=np.int64)
    prev_back[1:] = a_back[:-1]
    tail_start = login.copy()
    tail_start[a_shift[a_last]] = a_back[a_last]
    count = np.bincount(away.shift, minlength=len(login))[: len(login)]
    shifts = np.flatnonzero(worked)
    win_shift = np.concatenate([a_shift, shifts]).astype(np.int64)
    head_start = np.where(a_nth == 0, login[a_shift], prev_back)
    win_start = np.concatenate([head_start, tail_start[shifts]])
    win_end = np.concatenate([a_go, logout[shifts]])
    order = np.lexsort((win_shift, np.concatenate([a_nth, count[shifts]])))
    return win_shift[order], win_start[order].astype(np.int64), win_end[order].astype(np.int64)


def simulate_events(
    roster: Path | pd.DataFrame,
    *,
    timezone: str,
    config: SimulationConfig | None = None,
    seed: int = 0,
) -> SimulatedEvents:
    """Generate a day-by-day ACD export for ``roster`` (see the module docstring)."""
    cfg = config or SimulationConfig()
    rng = np.random.default_rng(seed)
    schedule = read_roster(roster, timezone=timezone)
    sh = schedule.shifts
    n = len(sh)
    start = sh["start"].to_numpy(dtype=np.int64)
    end = sh["end"].to_numpy(dtype=np.int64)
    ms = sh["meal_start"].to_numpy(dtype=np.int64)
    me = sh["meal_end"].to_numpy(dtype=np.int64)
    has_meal = ms >= 0
    agent_ids = sh["agent"].to_numpy(dtype=object)
    b_shift = schedule.breaks["shift_idx"].to_numpy(dtype=np.int64)
    b_start = schedule.breaks["start"].to_numpy(dtype=np.int64)
    b_end = schedule.breaks["end"].to_numpy(dtype=np.int64)
    nb = len(b_shift)
    away = _time_away(ms, me, b_shift=b_shift, b_start=b_start, b_end=b_end)
    has_away = np.bincount(away.shift, minlength=n)[:n] > 0
    # the latest a login may be and the earliest a logout may be, keeping meal and breaks whole
    first_away = np.full(n, -1, dtype=np.int64)
    first_away[away.shift[away.nth == 0]] = away.start[away.nth == 0]
    first_gap = np.where(has_away, first_away, end) - start
    next_start = np.empty(len(away.shift), dtype=np.int64)
    next_start[:-1] = away.start[1:]
    room = np.where(away.last, end[away.shift], next_start) - away.end

    absent = rng.random(n) < cfg.absence_rate
    long_meal = has_meal & ~absent & (rng.random(n) < cfg.long_meal_rate)
    meal_extra = np.where(long_meal, _draw_minutes(rng, cfg.long_meal_minutes, n) * 60, 0)
    long_break = ~absent[b_shift] & (rng.random(nb) < cfg.long_break_rate)
    break_extra = np.where(long_break, _draw_minutes(rng, cfg.long_break_minutes, nb) * 60, 0)
    # an overrun leaves at least ten minutes of work before the next meal, break or shift end
    fits = away.pick(meal_extra, break_extra) <= room - 600
    long_meal[away.source[away.meal & ~fits]] = False
    long_break[away.source[~away.meal & ~fits]] = False
    meal_extra = np.where(long_meal, meal_extra, 0)
    break_extra = np.where(long_break, break_extra, 0)
    back = np.where(has_meal, me + meal_extra, start)
    last_back = start.copy()
    last_back[away.shift[away.last]] = (away.end + away.pick(meal_extra, break_extra))[away.last]
    last_gap = end - last_back
    late = ~absent & (rng.random(n) < cfg.late_login_rate)
    late_s = np.where(late, _draw_minutes(rng, cfg.late_login_minutes, n) * 60, 0)
    late &= late_s <= first_gap - 600
    late_s = np.where(late, late_s, 0)
    early = ~absent & (rng.random(n) < cfg.early_logout_rate)
    early_s = np.where(early, _draw_minutes(rng, cfg.early_logout_minutes, n) * 60, 0)
    early &= early_s <= last_gap - 600 - np.where(has_away, 0, late_s)
    early_s = np.where(early, early_s, 0)
    login = np.where(late, start + late_s, start - rng.integers(0, cfg.early_arrival_max_s + 1, n))
    logout = np.where(early, end - early_s, end + rng.integers(0, cfg.late_departure_max_s + 1, n))
    meal_go = ms - rng.integers(0, 60, n)  # under a minute early: below any exception length
    meal_back = np.where(long_meal, back, me - rng.integers(0, 60, n))
    meal_out = rng.random(n) < cfg.meal_logout_rate
    break_go = b_start - rng.integers(0, 60, nb)  # the same noise as the meal's
    break_back = np.where(long_break, b_end + break_extra, b_end - rng.integers(0, 60, nb))

    w = ~absent
    win_shift, win_start, win_end = _work_windows(
        away,
        w,
        login=login,
        logout=logout,
        go=away.pick(meal_go, break_go),
        back=away.pick(meal_back, break_back),
    )

    # call cycles: idle (available or not_ready), talk, wrap; cut at the window end
    cycle = cfg.mean_wait_s + cfg.mean_talk_s + cfg.mean_wrap_s
    length = np.maximum(win_end - win_start, 0)
    cycles = (np.ceil(length / cycle * 1.5) + 3).astype(np.int64)
    cw = np.repeat(np.arange(len(win_start)), cycles)
    nc = len(cw)
    draws = np.stack(
        [
            rng.exponential(cfg.mean_wait_s, nc),
            rng.gamma(4.0, cfg.mean_talk_s / 4.0, nc),
            rng.exponential(cfg.mean_wrap_s, nc),
        ],
        axis=1,
    )
    durs = np.maximum(np.round(draws), 1).astype(np.int64).reshape(-1)
    ew = np.repeat(cw, 3)
    before = np.cumsum(durs) - durs  # time of all earlier entries, across windows
    first_of = np.searchsorted(ew, np.arange(len(win_start)))
    offset = before - before[np.clip(first_of, 0, max(len(ew) - 1, 0))][ew]
    t_cycle = win_start[ew] + offset
    idle = np.where(rng.random(nc) < cfg.not_ready_share, _NOT_READY, _AVAILABLE)
    names = np.stack([idle, np.full(nc, _ON_CALL), np.full(nc, _WRAP)], axis=1).reshape(-1)
    inside = t_cycle < win_end[ew]
    # the first state of each window starts exactly at the window start
    t_cycle, names, ew = t_cycle[inside], names[inside], ew[inside]

    wm = w & has_meal
    wmo = wm & meal_out
    wb = w[b_shift]
    parts_t = [
        login[w],
        t_cycle,
        meal_go[wm],
        meal_back[wmo],
        logout[w],
        break_go[wb],
    ]
    parts_s = [
        np.full(int(w.sum()), _LOGIN),
        names,
        np.where(meal_out[wm], _LOGOUT, _MEAL),
        np.full(int(wmo.sum()), _LOGIN),
        np.full(int(w.sum()), _LOGOUT),
        np.full(int(wb.sum()), _BREAK),
    ]
    parts_shift = [
        np.flatnonzero(w),
        win_shift[ew],
        np.flatnonzero(wm),
        np.flatnonzero(wmo),
        np.flatnonzero(w),
        b_shift[wb],
    ]
    t = np.concatenate(parts_t).astype(np.int64)
    state = np.concatenate(parts_s).astype(np.int64)
    shift_of = np.concatenate(parts_shift).astype(np.int64)
    # order: by time; at equal times a login precedes the states that follow it
    prio = np.where(state == _LOGIN, 0, np.where(state == _LOGOUT, 2, 1))
    order = np.lexsort((prio, t, shift_of))
    t, state, shift_of = t[order], state[order], shift_of[order]

    injected: list[pd.DataFrame] = []

    def add(mask: npt.NDArray[np.bool_], kind: str, minutes: npt.ArrayLike) -> None:
        idx = np.flatnonzero(mask)
        injected.append(
            pd.DataFrame(
                {
                    "agent": agent_ids[idx],
                    "date": day_to_date(sh["day"].to_numpy()[idx]),
                    "shift": sh["shift"].to_numpy(dtype=object)[idx],
                    "kind": kind,
                    "minutes": np.broadcast_to(np.asarray(minutes), (n,))[idx],
                    "row": 0,
                }
            )
        )

    add(absent, "absent", (end - start) / 60)
    add(late, "late_login", late_s / 60)
    add(early, "early_logout", early_s / 60)
    add(long_meal, "extended_break", meal_extra / 60)
    lb = b_shift[long_break]
    injected.append(
        pd.DataFrame(
            {
                "agent": agent_ids[lb],
                "date": day_to_date(sh["day"].to_numpy()[lb]),
                "shift": sh["shift"].to_numpy(dtype=object)[lb],
                "kind": "extended_break",
                "minutes": break_extra[long_break] / 60,
                "row": 0,
            }
        )
    )

    # a missing logout: the final logout of some shifts is left out
    keep = np.ones(len(t), dtype=bool)
    is_last_logout = (state == _LOGOUT) & np.r_[shift_of[1:] != shift_of[:-1], True]
    cand = np.flatnonzero(is_last_logout)
    if cfg.missing_logouts and len(cand):
        drop = rng.choice(cand, size=min(cfg.missing_logouts, len(cand)), replace=False)
        keep[drop] = False
        add(np.isin(np.arange(n), shift_of[drop]), "missing_logout", 0)
    t, state, shift_of = t[keep], state[keep], shift_of[keep]
    agent_code = sh["agent_code"].to_numpy(dtype=np.int64)[shift_of]

    # file order: by time across agents, as an export is written
    pos = np.lexsort((agent_code, t)).argsort().astype(np.float64)
    # out of order: swap a row with the same agent's next row (agent-sorted neighbours)
    by_agent = np.lexsort((t, agent_code))
    m = len(by_agent)
    cand_i = np.arange(0, m - 1, 2)
    ok = (agent_code[by_agent[cand_i]] == agent_code[by_agent[cand_i + 1]]) & (
        t[by_agent[cand_i]] < t[by_agent[cand_i + 1]]
    )
    cand_i = cand_i[ok]
    swap = cand_i[rng.random(len(cand_i)) < cfg.out_of_order_rate * 2]
    i1, i2 = by_agent[swap], by_agent[swap + 1]
    pos[i1], pos[i2] = pos[i2].copy(), pos[i1].copy()
    file_order = np.argsort(pos, kind="stable")
    moved = np.zeros(len(t), dtype=bool)
    moved[i1] = True  # the earlier event, now written after the later one
    t, state, agent_code, moved = (
        t[file_order],
        state[file_order],
        agent_code[file_order],
        moved[file_order],
    )
    # duplicates: some rows written twice, the copy right after the original
    dup = rng.random(len(t)) < cfg.duplicate_rate
    reps = np.where(dup, 2, 1)
    t = np.repeat(t, reps)
    state = np.repeat(state, reps)
    agent_code = np.repeat(agent_code, reps)
    moved = np.repeat(moved, reps)
    is_copy = np.zeros(len(t), dtype=bool)
    is_copy[np.cumsum(reps)[dup] - 1] = True
    rows = np.arange(2, len(t) + 2)  # the header is row 1
    ids = schedule.agents["agent"].to_numpy(dtype=object)
    for mask, kind in ((is_copy, "duplicate"), (moved & ~is_copy, "out_of_order")):
        injected.append(
            pd.DataFrame(
                {
                    "agent": ids[agent_code[mask]],
                    "date": None,
                    "shift": "",
                    "kind": kind,
                    "minutes": 0.0,
                    "row": rows[mask],
                }
            )
        )
    events = pd.DataFrame(
        {
            "agent": pd.Categorical.from_codes(agent_code, categories=pd.Index(list(ids))),
            "timestamp": format_timestamps(t, timezone),
            "state": pd.Categorical.from_codes(state, categories=pd.Index(list(STATES))),
        }
    )
    found = [d for d in injected if len(d)]
    inj = (
        pd.concat(found, ignore_index=True)
        if found
        else pd.DataFrame(columns=["agent", "date", "shift", "kind", "minutes", "row"])
    )
    logger.debug("simulated %d events for %d shifts", len(events), n)
    return SimulatedEvents(events=events, injected=inj)


__all__ = [
    "STATES",
    "SimulatedEvents",
    "SimulationConfig",
    "format_timestamps",
    "simulate_events",
    "synthetic_roster",
    "write_events_csv",
]
