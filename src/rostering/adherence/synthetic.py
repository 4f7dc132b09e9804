"""A synthetic roster in the ``roster.csv`` contract, for tests and benchmarks.

:func:`synthetic_roster` writes the same columns the roster stage writes
(:data:`~rostering.roster.solution.ROSTER_COLUMNS`), with fixed shifts, meals
and (when asked) two short breaks, so the adherence stage and the event
generator (:mod:`~rostering.adherence.simulate`) can be tried on any size of
site without solving a roster.
"""

from __future__ import annotations

import datetime as dt
from functools import reduce

import numpy as np
import numpy.typing as npt
import pandas as pd

from rostering.errors import InputError
from rostering.roster.solution import ROSTER_COLUMNS

BREAK_HOURS: tuple[tuple[float, float], ...] = ((2.0, 2.25), (6.5, 6.75))
"""Short breaks of a synthetic shift, in hours from its start (15 minutes each)."""


def synthetic_roster(
    n_agents: int,
    days: int,
    *,
    start: dt.date,
    timezone: str,
    night_share: float = 0.2,
    breaks: bool = False,
) -> pd.DataFrame:
    """A roster in the ``roster.csv`` contract for tests and benchmarks.

    Agents work five days on, two off (staggered by agent). Day agents work
    shift ``D`` 09:00-18:00 with a meal 13:00-14:00; the first
    ``night_share`` of them work ``N`` 22:00-07:00 (crossing midnight) with a
    meal 02:00-03:00. With ``breaks``, every shift also has two 15-minute
    breaks, 2 h and 6 h 30 after its start (11:00 and 15:30 for ``D``);
    without, the ``breaks`` column is empty. One supervisor is on standby every
    day (a standby-only row with empty shift and times).
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
    break_text: pd.Series | str = ""
    if breaks:
        intervals = [at(h0 + lo) + "/" + at(h0 + hi) for lo, hi in BREAK_HOURS]
        break_text = reduce(lambda left, right: left + "|" + right, intervals)
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
            "breaks": break_text,
            "channels": "inbound|chat",
            "standby": "",
        }
    )
    all_dates = (pd.Timestamp(start) + pd.to_timedelta(np.arange(days), unit="D")).strftime(
        "%Y-%m-%d"
    )
    sup = pd.DataFrame(dict.fromkeys(ROSTER_COLUMNS, ""), index=range(days))
    sup = sup.assign(
        agent="S0001",
        agent_name="Supervisor",
        role="supervisor",
        date=all_dates,
        standby="supervisor",
    )
    return pd.concat([frame, sup], ignore_index=True).loc[:, list(ROSTER_COLUMNS)]


__all__ = ["BREAK_HOURS", "synthetic_roster"]
