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
    """When agents can take work: ``(start, end, agent, channel set)``, segments less blocks."""
    dt, n_iv, lost = sim.interval_s, sim.n_intervals, sim.unavailable
    draws = None
    if (lost > 0).any():
        draws = stream(seed, NOT_READY, 0).random((len(sim.agents), n_iv))
    starts, ends, agents, sets = [], [], [], []
    for seg, s in zip(sim.segments, set_of, strict=True):
        w0, w1 = np.array([seg.start_s]), np.array([seg.end_s])
        lo, hi = max(seg.start_s, 0.0), min(seg.end_s, sim.horizon_s)
        if draws is not None and lo < hi:
            idx = np.arange(int(lo // dt), min(math.ceil(hi / dt), n_iv))
            p0, p1 = np.maximum(idx * dt, lo), np.minimum((idx + 1) * dt, hi)
            block = lost[idx] * np.maximum(p1 - p0, 0.0)
            keep = block > 0
            b0 = (p0 + draws[seg.agent, idx] * (p1 - p0 - block))[keep]
            w0 = np.concatenate((w0, b0 + block[keep]))
            w1 = np.concatenate((b0, w1))
        good = w1 > w0
        starts.append(w0[good])
        ends.append(w1[good])
        agents.append(np.full(int(good.sum()), seg.agent, dtype=np.int64))
        sets.append(np.full(int(good.sum()), s, dtype=np.int64))
    if not starts:
        empty = np.zeros(0)
        return empty, empty, np.zeros(0, np.int64), np.zeros(0, np.int64)
    return (
        np.concatenate(starts),
        np.concatenate(ends),
        np.concatenate(agents),
        np.concatenate(sets),
    )


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
