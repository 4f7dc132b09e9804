"""A seeded generator of ACD agent-state events for a roster, with known deviations.

For every worked shift of ``roster.csv`` it draws a login (a few minutes early,
or late by a known amount), cycles of ``available`` / ``on_call`` /
``after_call_work`` (``not_ready`` now and then), the meal (in the ``meal``
state, or logged out), and a logout (a few minutes late, or early by a known
amount). Absences, long meals, duplicate rows, rows out of file order and a
missing logout are injected at the rates asked for, and every injected
deviation is listed with its size in :attr:`SimulatedEvents.injected`, so a
test can check that the measurement finds exactly what was put in.

The events come back as the CSV export would hold them: ``agent``,
``timestamp`` (ISO 8601 with the site's UTC offset) and ``state``, in time
order as a phone system writes them.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from rostering.adherence.arrays import I64
from rostering.adherence.schedule import read_roster
from rostering.adherence.timestamps import day_to_date, local_wall_seconds
from rostering.errors import InputError

logger = logging.getLogger(__name__)


STATES: tuple[str, ...] = (
    "login",
    "logout",
    "available",
    "not_ready",
    "on_call",
    "after_call_work",
    "meal",
)
"""States the generator writes."""
_LOGIN, _LOGOUT, _AVAILABLE, _NOT_READY, _ON_CALL, _WRAP, _MEAL = range(len(STATES))


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
    (1-based file row of a row-level fault, else 0).
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
    """Write ``agent,timestamp,state`` rows quickly (plain text, no quoting needed)."""
    agent = events["agent"].astype(str).tolist()
    stamp = events["timestamp"].astype(str).tolist()
    state = events["state"].astype(str).tolist()
    with path.open("w", encoding="utf-8") as fh:
        fh.write("agent,timestamp,state\n")
        fh.write("\n".join(map(",".join, zip(agent, stamp, state, strict=True))))
        fh.write("\n")


def synthetic_roster(
    n_agents: int,
    days: int,
    *,
    start: dt.date,
    timezone: str,
    night_share: float = 0.2,
) -> pd.DataFrame:
    """A roster in the ``roster.csv`` contract for tests and benchmarks.

    Agents work five days on, two off (staggered by agent). Day agents work
    shift ``D`` 09:00-18:00 with a meal 12:00-13:00; the first
    ``night_share`` of them work ``N`` 22:00-07:00 (crossing midnight) with a
    meal 02:00-03:00. One supervisor is on standby every day (a standby-only
    row with empty shift and times).
    """
    if n_agents < 1 or days < 1:
        raise InputError(f"need at least one agent and one day, got {n_agents} x {days}")
    a = np.repeat(np.arange(n_agents), days)
    d = np.tile(np.arange(days), n_agents)
    on = (a + d) % 7 < 5
    a, d = a[on], d[on]
    night = a < round(n_agents * night_share)
    dates = pd.Timestamp(start) + pd.to_timedelta(d, unit="D")

    def at(hours: npt.NDArray[np.float64]) -> pd.Series:
        wall = dates + pd.to_timedelta(hours, unit="h")
        local = pd.DatetimeIndex(wall).tz_localize(
            timezone, ambiguous=True, nonexistent="shift_forward"
        )
        return pd.Series(local.strftime("%Y-%m-%dT%H:%M:%S%z")).str.replace(
            r"([+-]\d{2})(\d{2})$", r"\1:\2", regex=True
        )

    h0 = np.where(night, 22.0, 9.0)
    ids = np.array([f"A{i:04d}" for i in range(n_agents)], dtype=object)
    frame = pd.DataFrame(
        {
            "agent": ids[a],
            "agent_name": np.array([f"Agent {i}" for i in range(n_agents)], dtype=object)[a],
            "role": "agent",
            "date": dates.strftime("%Y-%m-%d"),
            "shift": np.where(night, "N", "D"),
            "start": at(h0),
            "end": at(h0 + 9.0),
            "meal_start": at(h0 + 4.0),
            "meal_end": at(h0 + 5.0),
            "channels": "inbound|chat",
            "standby": "",
        }
    )
    all_dates = (pd.Timestamp(start) + pd.to_timedelta(np.arange(days), unit="D")).strftime(
        "%Y-%m-%d"
    )
    sup = pd.DataFrame(
        {
            "agent": "S0001",
            "agent_name": "Supervisor",
            "role": "supervisor",
            "date": all_dates,
            "shift": "",
            "start": "",
            "end": "",
            "meal_start": "",
            "meal_end": "",
            "channels": "",
            "standby": "supervisor",
        }
    )
    return pd.concat([frame, sup], ignore_index=True)


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

    absent = rng.random(n) < cfg.absence_rate
    # the latest a login may be and the earliest a logout may be, keeping the meal whole
    first_gap = np.where(has_meal, ms, end) - start
    long_meal = has_meal & ~absent & (rng.random(n) < cfg.long_meal_rate)
    meal_extra = np.where(long_meal, _draw_minutes(rng, cfg.long_meal_minutes, n) * 60, 0)
    back = np.where(has_meal, me + meal_extra, start)
    last_gap = end - np.where(has_meal, back, start)
    late = ~absent & (rng.random(n) < cfg.late_login_rate)
    late_s = np.where(late, _draw_minutes(rng, cfg.late_login_minutes, n) * 60, 0)
    late &= late_s <= first_gap - 600
    late_s = np.where(late, late_s, 0)
    early = ~absent & (rng.random(n) < cfg.early_logout_rate)
    early_s = np.where(early, _draw_minutes(rng, cfg.early_logout_minutes, n) * 60, 0)
    early &= early_s <= last_gap - 600 - np.where(has_meal, 0, late_s)
    early_s = np.where(early, early_s, 0)
    login = np.where(late, start + late_s, start - rng.integers(0, cfg.early_arrival_max_s + 1, n))
    logout = np.where(early, end - early_s, end + rng.integers(0, cfg.late_departure_max_s + 1, n))
    meal_go = ms - rng.integers(0, 60, n)  # under a minute early: below any exception length
    meal_back = np.where(long_meal, back, me - rng.integers(0, 60, n))
    meal_out = rng.random(n) < cfg.meal_logout_rate

    w = ~absent
    win_start = np.concatenate([login[w], meal_back[w & has_meal]])
    win_end = np.concatenate([np.where(has_meal, meal_go, logout)[w], logout[w & has_meal]])
    win_shift = np.concatenate([np.flatnonzero(w), np.flatnonzero(w & has_meal)])

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
    parts_t = [
        login[w],
        t_cycle,
        meal_go[wm],
        meal_back[wmo],
        logout[w],
    ]
    parts_s = [
        np.full(int(w.sum()), _LOGIN),
        names,
        np.where(meal_out[wm], _LOGOUT, _MEAL),
        np.full(int(wmo.sum()), _LOGIN),
        np.full(int(w.sum()), _LOGOUT),
    ]
    parts_shift = [
        np.flatnonzero(w),
        win_shift[ew],
        np.flatnonzero(wm),
        np.flatnonzero(wmo),
        np.flatnonzero(w),
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
    rows = np.arange(1, len(t) + 1)
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
