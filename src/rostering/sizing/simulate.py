"""Discrete-event simulation of M/M/N, M/M/N+M and chat queues, to check the formulas.

The simulator is independent of the formulas (:mod:`rostering.sizing.erlang_c`,
:mod:`rostering.sizing.erlang_a`): it draws Poisson arrivals, exponential
handling times and exponential patience with a seeded
``numpy.random.Generator`` and serves contacts first come, first served.

Method
------
Under FCFS a contact starts service at
``start = max(arrival, earliest time a server is free)``, computed after every
earlier contact has either started or abandoned, so one pass in arrival order
with a heap of server free times is an exact event simulation. A contact whose
patience is shorter than ``start - arrival`` abandons at ``arrival + patience``
and leaves the servers untouched.

Chat: ``concurrency = k`` gives each of ``agents`` agents ``k`` slots; a chat
takes the slot that frees first, on whichever agent holds it. The chat
duration does not depend on the agent's other chats: this is the assumption
of :mod:`rostering.sizing.chat`, simulated at agent level.

Confidence intervals use batch means: after a warm-up, the contacts are split
into ``batches`` consecutive batches of equal size, each batch gives one
estimate, and the interval is ``mean ± t(0.995, batches - 1) · sd / sqrt(batches)``.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.stats import t as student_t

from rostering.errors import InputError


@dataclass(frozen=True)
class Estimate:
    """A simulated mean with its two-sided confidence interval."""

    mean: float
    low: float
    high: float

    def covers(self, value: float) -> bool:
        """True when ``value`` lies inside ``[low, high]``."""
        return self.low <= value <= self.high


@dataclass(frozen=True)
class SimulationResult:
    """Batch-means estimates of one simulated queue.

    Attributes
    ----------
    service_level
        Share of offered contacts answered within ``threshold_s``.
    asa_s
        Mean wait of answered contacts, seconds.
    abandon_rate
        Share of offered contacts that abandoned.
    wait_probability
        Share of contacts that waited at all.
    contacts
        Contacts counted (after warm-up).
    """

    service_level: Estimate
    asa_s: Estimate
    abandon_rate: Estimate
    wait_probability: Estimate
    contacts: int


def _serve(
    arrivals: list[float],
    services: list[float],
    patience: list[float],
    servers: int,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Waits and answered flags of each contact under FCFS with ``servers`` servers."""
    free = [0.0] * servers  # a heap of the times servers become free
    waits = [0.0] * len(arrivals)
    answered = [True] * len(arrivals)
    for i, arrival in enumerate(arrivals):
        earliest = free[0]
        if earliest <= arrival:
            heapq.heapreplace(free, arrival + services[i])
            continue
        wait = earliest - arrival
        if wait > patience[i]:
            waits[i] = patience[i]
            answered[i] = False
        else:
            waits[i] = wait
            heapq.heapreplace(free, earliest + services[i])
    return np.asarray(waits), np.asarray(answered)


def _estimate(values: npt.NDArray[np.float64], confidence: float) -> Estimate:
    batches = values.size
    mean = float(values.mean())
    half = float(
        student_t.ppf(0.5 + confidence / 2, batches - 1) * values.std(ddof=1) / math.sqrt(batches)
    )
    return Estimate(mean=mean, low=mean - half, high=mean + half)


def simulate_queue(
    agents: int,
    load: float,
    *,
    aht_s: float,
    threshold_s: float,
    patience_s: float | None = None,
    concurrency: int = 1,
    contacts: int = 200_000,
    warmup: int = 10_000,
    batches: int = 20,
    confidence: float = 0.99,
    seed: int = 0,
) -> SimulationResult:
    """Simulate a queue and estimate SL, ASA, abandonment and P(wait) with confidence intervals.

    Parameters
    ----------
    agents : int
        Agents, >= 1 (each holding ``concurrency`` slots).
    load : float
        Offered load in erlangs (arrival rate x ``aht_s``), > 0.
    aht_s : float
        Mean handling time (chat duration), seconds, > 0.
    threshold_s : float
        Service-level answer time, seconds, >= 0.
    patience_s : float, optional
        Mean exponential patience; ``None``: nobody abandons (M/M/N).
    concurrency : int, default 1
        Slots per agent (chat).
    contacts : int, default 200_000
        Contacts counted after the warm-up.
    warmup : int, default 10_000
        Contacts simulated first and discarded (the queue starts empty).
    batches : int, default 20
        Number of batches for the batch-means confidence intervals, >= 2.
    confidence : float, default 0.99
        Two-sided confidence level of the intervals.
    seed : int, default 0
        Seed of the random generator: the same seed gives the same result.

    Returns
    -------
    SimulationResult
    """
    if agents < 1:
        raise InputError(f"agents must be >= 1, got {agents}")
    if concurrency < 1:
        raise InputError(f"concurrency must be >= 1, got {concurrency}")
    if not load > 0:
        raise InputError(f"load must be positive, got {load}")
    if not aht_s > 0:
        raise InputError(f"aht_s must be positive, got {aht_s}")
    if threshold_s < 0:
        raise InputError(f"threshold_s must be >= 0, got {threshold_s}")
    if patience_s is not None and not patience_s > 0:
        raise InputError(f"patience_s must be positive, got {patience_s}")
    if batches < 2 or contacts < batches:
        raise InputError(f"batches must be >= 2 and <= contacts, got {batches}")
    if not 0 < confidence < 1:
        raise InputError(f"confidence must be in (0, 1), got {confidence}")
    rng = np.random.default_rng(seed)
    total = contacts + warmup
    arrivals = np.cumsum(rng.exponential(aht_s / load, size=total))
    services = rng.exponential(aht_s, size=total)
    patience = (
        rng.exponential(patience_s, size=total)
        if patience_s is not None
        else np.full(total, np.inf)
    )
    waits, answered = _serve(
        arrivals.tolist(), services.tolist(), patience.tolist(), agents * concurrency
    )
    waits, answered = waits[warmup:], answered[warmup:]
    per = contacts // batches
    waits = waits[: per * batches].reshape(batches, per)
    answered = answered[: per * batches].reshape(batches, per)
    in_time = answered & (waits <= threshold_s)
    answered_count = np.maximum(answered.sum(axis=1), 1)
    return SimulationResult(
        service_level=_estimate(in_time.mean(axis=1), confidence),
        asa_s=_estimate(np.where(answered, waits, 0.0).sum(axis=1) / answered_count, confidence),
        abandon_rate=_estimate(1.0 - answered.mean(axis=1), confidence),
        wait_probability=_estimate((waits > 0).mean(axis=1), confidence),
        contacts=per * batches,
    )


__all__ = ["Estimate", "SimulationResult", "simulate_queue"]
