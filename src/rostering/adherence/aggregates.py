"""The measures summed up: by agent and day, by agent, by day, by interval, for the period.

Every measure is a sum of piece lengths (see :mod:`rostering.adherence.metrics`
for the definitions); the ratios are taken of the sums, never averaged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from rostering.adherence.arrays import F64, I64, Mask
from rostering.adherence.config import AdherenceConfig
from rostering.adherence.packed_keys import KeyPacking, unique_inverse
from rostering.adherence.pieces import BREAK_CODE, WORK_CODE, Pieces
from rostering.adherence.schedule import Schedule
from rostering.adherence.states import ACTIVITY_CODES, OFFLINE_CODE, SCHEDULED_CODES, Activity
from rostering.adherence.timestamps import day_to_date, local_wall_seconds, to_local_timestamps

MINUTE_COLUMNS: tuple[str, ...] = (
    "scheduled_minutes",
    "scheduled_work_minutes",
    "scheduled_break_minutes",
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

_CODE = {a: ACTIVITY_CODES.index(a) for a in Activity}
_N_ACT = len(ACTIVITY_CODES)
_N_SCHEDULED = 1 + len(SCHEDULED_CODES)
"""Scheduled axis of the sums table: outside shifts, then each scheduled activity."""
_N_ADHERENCE = 2
"""Adherence axis of the sums table: out of adherence (or unscheduled), in adherence."""
_N_CELLS = _N_SCHEDULED * _N_ADHERENCE * _N_ACT


def ratio(num: pd.Series | F64, den: pd.Series | F64) -> F64:
    """``num / den`` element by element, NaN where ``den`` is not positive."""
    n = np.asarray(num, dtype=float)
    d = np.asarray(den, dtype=float)
    out: F64 = np.divide(n, d, out=np.full(n.shape, np.nan), where=d > 0)
    return out


def category_sums(pieces: Pieces, *, in_adherence: Mask) -> Callable[[I64, int], dict[str, F64]]:
    """Minute sums of every measure per group, from one weighted count per group.

    Each piece falls in one of 4 x 2 x 6 cells (scheduled none/work/meal/break,
    in adherence or not, actual activity); the measures are sums over sets of
    cells, so one ``bincount`` per grouping serves them all. The function
    returned takes each piece's group number and the number of groups.
    """
    table = cell_seconds(pieces, in_adherence=in_adherence)

    def sums(group: I64, n_groups: int) -> dict[str, F64]:
        return sums_of_cells(table(group, n_groups))

    return sums


def cell_seconds(pieces: Pieces, *, in_adherence: Mask) -> Callable[[I64, int], F64]:
    """Seconds per group and cell (see :func:`category_sums`), one row per group.

    The seconds are whole numbers, so tables of groups of pieces add up exactly.
    """
    p = pieces
    cell = ((p.scheduled + 1) * _N_ADHERENCE + (in_adherence & p.in_shift)) * _N_ACT + p.activity
    seconds = p.seconds

    def table(group: I64, n_groups: int) -> F64:
        flat = np.bincount(group * _N_CELLS + cell, weights=seconds, minlength=n_groups * _N_CELLS)
        out: F64 = flat.astype(np.float64, copy=False).reshape(n_groups, _N_CELLS)
        return out

    return table


def sums_of_cells(table: F64) -> dict[str, F64]:
    """The minute columns of a :func:`cell_seconds` table, one value per row."""
    t = table.reshape(len(table), _N_SCHEDULED, _N_ADHERENCE, _N_ACT) / 60.0
    by_act = t.sum(axis=(1, 2))
    logged_cols = [i for i in range(_N_ACT) if i != OFFLINE_CODE]
    worked_cols = [_CODE[Activity.PRODUCTIVE], _CODE[Activity.NOT_READY], _CODE[Activity.OTHER]]
    return {
        "scheduled_minutes": t[:, 1:].sum(axis=(1, 2, 3)),
        "scheduled_work_minutes": t[:, 1 + WORK_CODE].sum(axis=(1, 2)),
        "scheduled_break_minutes": t[:, 1 + BREAK_CODE].sum(axis=(1, 2)),
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


def by_agent_day(
    pieces: Pieces,
    *,
    day: I64,
    in_adherence: Mask,
    schedule: Schedule,
    absent: Mask,
    config: AdherenceConfig,
) -> pd.DataFrame:
    """One row per agent and roster day with scheduled or logged-in time, and its ratios.

    ``day`` is the roster day of each piece; ``absent`` flags the shifts
    without any login.
    """
    sums = category_sums(pieces, in_adherence=in_adherence)
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
    agent_days = KeyPacking(base=dmin, span=ndays)
    uk, inv = unique_inverse(agent_days.pack(pieces.agent, day))
    u_agent, u_day = agent_days.unpack(uk)
    frame = pd.DataFrame({"agent_code": u_agent, "day": u_day})
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
    frame = derive_ratios(frame, config=config)
    return frame.drop(columns=["agent_code", "day"])


def derive_ratios(frame: pd.DataFrame, *, config: AdherenceConfig) -> pd.DataFrame:
    """Ratios of the summed minute columns (NaN where the denominator is zero)."""
    f = frame
    f["out_of_adherence_minutes"] = f["scheduled_minutes"] - f["in_adherence_minutes"]
    f["adherence"] = ratio(f["in_adherence_minutes"], f["scheduled_minutes"])
    f["conformance"] = ratio(f["worked_minutes"], f["scheduled_work_minutes"])
    paid = f["logged_in_minutes"] - f["meal_minutes"]
    f["productive_utilisation"] = ratio(f["productive_minutes"], paid)
    f["not_ready_break_share"] = ratio(f["not_ready_minutes"] + f["break_minutes"], paid)
    planned_paid = f["scheduled_work_minutes"] + f["scheduled_break_minutes"]
    f["planned_break_share"] = ratio(f["scheduled_break_minutes"], planned_paid)
    f["shifts_attended"] = f["shifts_planned"] - f["shifts_absent"]
    kept = f["adherence"].to_numpy() >= config.adherence_threshold - 1e-12
    kept_arr = pd.array(kept, dtype="boolean")
    kept_arr[f["scheduled_minutes"].to_numpy() <= 0] = pd.NA
    f["kept_schedule"] = kept_arr
    return f


def by_agent(agent_day: pd.DataFrame, *, config: AdherenceConfig) -> pd.DataFrame:
    """One row per agent for the whole period: the agent-day sums, their ratios, attendance."""
    cols = [*MINUTE_COLUMNS, "shifts_planned", "shifts_absent"]
    g = agent_day.groupby(["agent", "agent_name", "role"], sort=False, as_index=False)[cols].sum()
    g = derive_ratios(g, config=config)
    g["attendance_rate"] = ratio(g["shifts_attended"], g["shifts_planned"])
    return g.reset_index(drop=True)


def by_day(agent_day: pd.DataFrame, *, config: AdherenceConfig) -> pd.DataFrame:
    """One row per date for the team: sums, ratios, attendance and schedule adherence rates."""
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
    g = derive_ratios(g, config=config).drop(columns=["kept_schedule"])
    g["attendance_rate"] = ratio(g["agents_attended"], g["agents_planned"])
    g["schedule_adherence_rate"] = ratio(g["agents_kept"], g["agents_planned"])
    return g


_INTERVAL_COLUMNS = (
    "scheduled_minutes",
    "in_adherence_minutes",
    "logged_in_minutes",
    "productive_minutes",
)


def by_interval(
    pieces: Pieces,
    *,
    in_adherence: Mask,
    config: AdherenceConfig,
    timezone: str,
) -> pd.DataFrame:
    """The team per interval of the local day: scheduled and logged-in agents, adherence.

    Intervals are ``interval_minutes`` long, counted from the local midnight
    before the first piece; pieces that cross an interval edge are split.
    """
    if len(pieces.start) == 0:
        return interval_frame(None, config=config, timezone=timezone)
    origin = interval_origin(int(pieces.start.min()), timezone)
    table = interval_seconds(pieces, in_adherence=in_adherence, origin=origin, config=config)
    return interval_frame(table, config=config, timezone=timezone)


@dataclass(frozen=True)
class IntervalSeconds:
    """Seconds per interval and cell (see :func:`cell_seconds`) on one grid of intervals.

    ``interval`` numbers the intervals from ``origin`` (epoch seconds), sorted;
    ``table`` has one row per interval. Tables of groups of agents on the same
    grid add up exactly (:meth:`add`).
    """

    origin: int
    interval: I64
    table: F64

    @staticmethod
    def add(parts: list[IntervalSeconds]) -> IntervalSeconds | None:
        """The sum of tables on one grid; None when there are none."""
        if not parts:
            return None
        iv = np.concatenate([p.interval for p in parts])
        uiv, inv = unique_inverse(iv)
        table = np.zeros((len(uiv), _N_CELLS), dtype=np.float64)
        np.add.at(table, inv, np.concatenate([p.table for p in parts]))
        return IntervalSeconds(origin=parts[0].origin, interval=uiv, table=table)


def interval_origin(first_start: int, timezone: str) -> int:
    """Epoch seconds of the local midnight before ``first_start``: where intervals start."""
    first_wall = int(local_wall_seconds(np.array([first_start], dtype=np.int64), timezone)[0])
    midnight = pd.Timestamp(first_wall // 86400 * 86400, unit="s").tz_localize(
        timezone, nonexistent="shift_forward", ambiguous=False
    )
    return int(midnight.timestamp())


def interval_seconds(
    pieces: Pieces, *, in_adherence: Mask, origin: int, config: AdherenceConfig
) -> IntervalSeconds:
    """The pieces split at interval edges counted from ``origin``, summed per interval."""
    length = config.interval_minutes * 60
    p = pieces
    i0 = (p.start - origin) // length
    i1 = (p.end - 1 - origin) // length
    cnt = i1 - i0 + 1
    rep = np.repeat(np.arange(len(p.start)), cnt)
    offs = np.arange(len(rep)) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    iv = i0[rep] + offs
    lo = np.maximum(p.start[rep], origin + iv * length)
    hi = np.minimum(p.end[rep], origin + (iv + 1) * length)
    sub = replace(p.select(rep), start=lo, end=hi)
    uiv, inv = unique_inverse(iv)
    table = cell_seconds(sub, in_adherence=in_adherence[rep])(inv, len(uiv))
    return IntervalSeconds(origin=origin, interval=uiv, table=table)


def interval_frame(
    seconds: IntervalSeconds | None, *, config: AdherenceConfig, timezone: str
) -> pd.DataFrame:
    """The :func:`by_interval` frame of summed interval seconds (empty for None)."""
    cols = _INTERVAL_COLUMNS
    if seconds is None or len(seconds.interval) == 0:
        return pd.DataFrame(columns=["interval_start", "date", "time", *cols, "adherence"])
    length = config.interval_minutes * 60
    uiv = seconds.interval
    frame = pd.DataFrame({"iv": uiv})
    all_sums = sums_of_cells(seconds.table)
    for name in cols:
        frame[name] = all_sums[name]
    starts = to_local_timestamps(seconds.origin + uiv * length, timezone)
    frame.insert(0, "interval_start", starts)
    frame.insert(1, "date", [ts.date() for ts in starts])
    frame.insert(2, "time", starts.strftime("%H:%M"))
    frame["scheduled_agents"] = frame["scheduled_minutes"] / config.interval_minutes
    frame["logged_in_agents"] = frame["logged_in_minutes"] / config.interval_minutes
    frame["adherence"] = ratio(frame["in_adherence_minutes"], frame["scheduled_minutes"])
    return frame.drop(columns=["iv"]).reset_index(drop=True)


def totals_of(
    agent_day: pd.DataFrame, agents: pd.DataFrame, *, config: AdherenceConfig
) -> dict[str, float | int | None]:
    """The whole period in one record: minute sums, ratios, attendance, schedule adherence.

    ``agents`` is :func:`by_agent` of ``agent_day``.
    """
    sums = {c: float(agent_day[c].sum()) for c in MINUTE_COLUMNS}

    def r(num: float, den: float) -> float | None:
        return num / den if den > 0 else None

    planned = int(agent_day["shifts_planned"].sum())
    absent = int(agent_day["shifts_absent"].sum())
    scheduled_agents = agents.loc[agents["shifts_planned"] > 0]
    kept = int(scheduled_agents["kept_schedule"].fillna(False).sum())
    paid = sums["logged_in_minutes"] - sums["meal_minutes"]
    planned_paid = sums["scheduled_work_minutes"] + sums["scheduled_break_minutes"]
    out: dict[str, float | int | None] = dict(sums)
    out.update(
        {
            "out_of_adherence_minutes": sums["scheduled_minutes"] - sums["in_adherence_minutes"],
            "adherence": r(sums["in_adherence_minutes"], sums["scheduled_minutes"]),
            "conformance": r(sums["worked_minutes"], sums["scheduled_work_minutes"]),
            "productive_utilisation": r(sums["productive_minutes"], paid),
            "not_ready_break_share": r(sums["not_ready_minutes"] + sums["break_minutes"], paid),
            "planned_break_share": r(sums["scheduled_break_minutes"], planned_paid),
            "shifts_planned": planned,
            "shifts_attended": planned - absent,
            "attendance_rate": r(planned - absent, planned),
            "agents_scheduled": len(scheduled_agents),
            "agents_kept_schedule": kept,
            "schedule_adherence_rate": r(kept, len(scheduled_agents)),
        }
    )
    return out


__all__ = [
    "MINUTE_COLUMNS",
    "IntervalSeconds",
    "by_agent",
    "by_agent_day",
    "by_day",
    "by_interval",
    "category_sums",
    "cell_seconds",
    "derive_ratios",
    "interval_frame",
    "interval_origin",
    "interval_seconds",
    "ratio",
    "sums_of_cells",
    "totals_of",
]
