"""Groups of agents measured one at a time, so a large export fits in memory.

Everything after reading is per agent: an agent's timeline, pieces,
exceptions and agent-days depend on that agent's events and shifts only.
:func:`agent_groups` cuts the agent codes into contiguous ranges holding about
``max_rows`` events (or segments and shifts) each; :func:`schedule_part` and
:func:`row_range` take one range out of the schedule and out of arrays sorted
by agent code.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rostering.adherence.arrays import I64
from rostering.adherence.schedule import Schedule

BATCH_ROWS = 250_000
"""Events (or logged-in segments and shifts) measured at a time."""


@dataclass(frozen=True)
class AgentRange:
    """Agent codes ``lo`` (included) to ``hi`` (excluded)."""

    lo: int
    hi: int


def agent_groups(counts: I64, *, max_rows: int) -> list[AgentRange]:
    """Contiguous ranges of agent codes with about ``max_rows`` rows each.

    ``counts`` is the number of rows of each agent code. A range holds at
    least one agent, so an agent with more rows than ``max_rows`` is a range
    of its own; agents without rows are left out of every range.
    """
    if max_rows < 1:
        raise ValueError(f"max_rows must be at least 1, got {max_rows}")
    c = np.asarray(counts, dtype=np.int64)
    starts = np.cumsum(c) - c
    group = starts // max_rows
    out: list[AgentRange] = []
    edges = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(c) else c
    bounds = [*edges.tolist(), len(c)]
    for lo, hi in itertools.pairwise(bounds):
        if c[lo:hi].sum() > 0:
            out.append(AgentRange(lo=int(lo), hi=int(hi)))
    return out


def row_range(agent_code: npt.NDArray[np.integer], part: AgentRange) -> slice:
    """The rows of ``part`` in ``agent_code``, which is sorted."""
    lo, hi = np.searchsorted(agent_code, [part.lo, part.hi], side="left")
    return slice(int(lo), int(hi))


def schedule_part(schedule: Schedule, part: AgentRange) -> Schedule:
    """The shifts, breaks and standby days of the agents of ``part``.

    The agent table is kept whole, so agent codes keep their meaning; shift
    positions (``breaks.shift_idx``) count from the part's first shift.
    """
    sh = schedule.shifts
    rows = row_range(sh["agent_code"].to_numpy(dtype=np.int64), part)
    br = schedule.breaks
    b_agent = br["agent_code"].to_numpy(dtype=np.int64)
    breaks = br.loc[(b_agent >= part.lo) & (b_agent < part.hi)].copy()
    breaks["shift_idx"] = breaks["shift_idx"].to_numpy(dtype=np.int64) - rows.start
    sb = schedule.standby
    s_agent = sb["agent_code"].to_numpy(dtype=np.int64)
    return Schedule(
        shifts=sh.iloc[rows].reset_index(drop=True),
        standby=sb.loc[(s_agent >= part.lo) & (s_agent < part.hi)].reset_index(drop=True),
        agents=schedule.agents,
        breaks=breaks.reset_index(drop=True),
    )


__all__ = ["BATCH_ROWS", "AgentRange", "agent_groups", "row_range", "schedule_part"]
