"""What one replication draws before it plays: the contacts of each channel and the agents' windows.

The streams, distributions and not-ready blocks are described with the model
in :mod:`rostering.simulation.engine`; this module only draws them, in bulk.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from rostering.errors import InputError
from rostering.simulation.inputs import FloatArray, HandleTime, SimChannel, SimInput

IntArray = npt.NDArray[np.int64]

ARRIVALS, HANDLE, PATIENCE, NOT_READY = 0, 1, 2, 3
"""Purposes of the random streams derived from a replication's seed."""


@dataclass(frozen=True)
class Contacts:
    """The contacts (items) of one channel in arrival order."""

    time: FloatArray  # arrival (release) time
    interval: IntArray
    handle: FloatArray
    limit: FloatArray  # queued: when patience runs out (inf: never); backlog: due time


def stream(seed: np.random.SeedSequence, purpose: int, index: int) -> np.random.Generator:
    """An independent generator for ``(purpose, index)``, derived without mutating ``seed``."""
    child = np.random.SeedSequence(
        seed.entropy, spawn_key=(*seed.spawn_key, purpose, index), pool_size=seed.pool_size
    )
    return np.random.default_rng(child)


def _unit_handles(rng: np.random.Generator, channel: SimChannel, n: int) -> FloatArray:
    """``n`` handling-time factors of mean one."""
    if channel.handle is HandleTime.LOGNORMAL:
        sigma2 = math.log1p(channel.handle_cv**2)
        return np.exp(math.sqrt(sigma2) * rng.standard_normal(n) - sigma2 / 2)
    return rng.standard_exponential(n)


def draw_contacts(sim: SimInput, c: int, seed: np.random.SeedSequence) -> Contacts:
    """Draw (or replay) the contacts of channel ``c``."""
    channel, dt, n_iv = sim.channels[c], sim.interval_s, sim.n_intervals
    if not channel.queued:
        counts = np.floor(sim.volume[c] + 0.5).astype(np.int64)
        interval = np.repeat(np.arange(n_iv, dtype=np.int64), counts)
        time = interval * dt
    elif c in sim.arrivals:
        time = np.sort(np.asarray(sim.arrivals[c], dtype=np.float64))
        time = time[(time >= 0) & (time < sim.horizon_s)]
        interval = np.minimum((time // dt).astype(np.int64), n_iv - 1)
    else:
        rng = stream(seed, ARRIVALS, c)
        counts = rng.poisson(sim.volume[c])
        x = np.repeat(np.arange(n_iv, dtype=np.float64), counts) + rng.random(int(counts.sum()))
        x.sort()
        time = x * dt
        interval = np.minimum(x.astype(np.int64), n_iv - 1)
    aht = sim.aht_s[c, interval]
    if not (aht > 0).all():
        i = int(interval[~(aht > 0)][0])
        raise InputError(f"channel {channel.id!r}, interval {i}: aht_s must be positive")
    handle = aht * _unit_handles(stream(seed, HANDLE, c), channel, time.size)
    if not channel.queued:
        limit = time + channel.window_s if channel.window_s > 0 else (interval + 1) * dt
    elif channel.patience_s is None:
        limit = np.full(time.size, np.inf)
    else:
        patience = stream(seed, PATIENCE, c).standard_exponential(time.size)
        limit = time + channel.patience_s * patience
    return Contacts(
        time=np.asarray(time, dtype=np.float64),
        interval=interval,
        handle=np.asarray(handle, dtype=np.float64),
        limit=np.asarray(limit, dtype=np.float64),
    )


def agent_windows(
    sim: SimInput, set_of: list[int], seed: np.random.SeedSequence
) -> tuple[FloatArray, FloatArray, IntArray, IntArray]:
    """When agents can take work: ``(start, end, agent, channel set)``, segments less blocks.

    Segment by segment, in the order of ``sim.segments``: its stretches
    between the not-ready blocks of the intervals it covers, in time order
    (empty stretches left out).
    """
    dt, n_iv, lost = sim.interval_s, sim.n_intervals, sim.unavailable
    n_seg = len(sim.segments)
    start = np.array([seg.start_s for seg in sim.segments], dtype=np.float64)
    end = np.array([seg.end_s for seg in sim.segments], dtype=np.float64)
    agent = np.array([seg.agent for seg in sim.segments], dtype=np.int64)
    sets = np.array(set_of, dtype=np.int64).reshape(n_seg)
    if not (lost > 0).any():
        good = end > start
        return start[good], end[good], agent[good], sets[good]
    draws = stream(seed, NOT_READY, 0).random((len(sim.agents), n_iv))
    # the intervals each segment covers within the horizon
    lo = np.where(start < 0.0, 0.0, start)  # max(start, 0)
    hi = np.where(sim.horizon_s < end, sim.horizon_s, end)  # min(end, horizon)
    inside = lo < hi
    first = np.where(inside, lo // dt, 0).astype(np.int64)
    stop = np.minimum(np.ceil(np.where(inside, hi, 0.0) / dt).astype(np.int64), n_iv)
    covered = np.where(inside, np.maximum(stop - first, 0), 0)
    seg = np.repeat(np.arange(n_seg), covered)
    idx = first[seg] + np.arange(seg.size) - np.repeat(np.cumsum(covered) - covered, covered)
    p0, p1 = np.maximum(idx * dt, lo[seg]), np.minimum((idx + 1) * dt, hi[seg])
    block = lost[idx] * np.maximum(p1 - p0, 0.0)
    keep = block > 0
    b0 = (p0 + draws[agent[seg], idx] * (p1 - p0 - block))[keep]
    b1 = b0 + block[keep]
    seg = seg[keep]
    # segment s gives stretches (start, b0[0]), (b1[0], b0[1]), ..., (b1[-1], end)
    blocks = np.bincount(seg, minlength=n_seg)
    at = np.arange(n_seg) + np.cumsum(blocks) - blocks  # where the stretches of s begin
    rank = np.arange(seg.size) - (np.cumsum(blocks) - blocks)[seg]
    w0, w1 = np.empty(n_seg + seg.size), np.empty(n_seg + seg.size)
    w0[at], w0[at[seg] + 1 + rank] = start, b1
    w1[at[seg] + rank], w1[at + blocks] = b0, end
    owner = np.repeat(np.arange(n_seg), blocks + 1)
    good = w1 > w0
    return w0[good], w1[good], agent[owner][good], sets[owner][good]


def available_by_set(
    w0: FloatArray, w1: FloatArray, sets: IntArray, n_sets: int, sim: SimInput
) -> FloatArray:
    """Agent-seconds of the windows per (channel set, interval), clipped to the horizon."""
    dt, n_iv = sim.interval_s, sim.n_intervals
    lo, hi = np.clip(w0, 0.0, sim.horizon_s), np.clip(w1, 0.0, sim.horizon_s)
    keep = hi > lo
    lo, hi, sets = lo[keep], hi[keep], sets[keep]
    first = np.minimum((lo // dt).astype(np.int64), n_iv - 1)
    pieces = np.maximum(np.ceil(hi / dt).astype(np.int64) - first, 1)
    owner = np.repeat(np.arange(lo.size), pieces)
    interval = first[owner] + np.arange(owner.size) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    interval = np.minimum(interval, n_iv - 1)
    length = np.minimum(hi[owner], (interval + 1) * dt) - np.maximum(lo[owner], interval * dt)
    total = np.bincount(
        sets[owner] * n_iv + interval,
        weights=np.maximum(length, 0.0),
        minlength=n_sets * n_iv,
    )
    return np.asarray(total, dtype=np.float64).reshape(n_sets, n_iv)


def check_segments(sim: SimInput) -> None:
    """Raise :class:`InputError` when two segments of one agent overlap."""
    order = sorted(sim.segments, key=lambda seg: (seg.agent, seg.start_s))
    for one, two in pairwise(order):
        if one.agent == two.agent and two.start_s < one.end_s:
            raise InputError(f"agent {sim.agents[one.agent]}: segments overlap at {two.start_s}")


__all__ = [
    "ARRIVALS",
    "HANDLE",
    "NOT_READY",
    "PATIENCE",
    "Contacts",
    "IntArray",
    "agent_windows",
    "available_by_set",
    "check_segments",
    "draw_contacts",
    "stream",
]
