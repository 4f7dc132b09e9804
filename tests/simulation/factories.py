"""Small simulation inputs for the tests: one queue, or a blend of channels, staffed all day."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rostering.simulation import HandleTime, Segment, SimChannel, SimInput
from rostering.types import AgentId, ChannelId

EXACT = 1e-9
"""A lognormal coefficient of variation so small that handling times equal their mean."""


def channel(
    name: str = "voice",
    *,
    queued: bool = True,
    rank: int = 0,
    threshold_s: float = 20.0,
    patience_s: float | None = None,
    concurrency: int = 1,
    window_s: float = 0.0,
    exact: bool = False,
    target_service_level: float | None = None,
    target_abandon_rate: float | None = None,
) -> SimChannel:
    """A channel; ``exact`` makes handling times deterministic (equal to ``aht_s``)."""
    return SimChannel(
        id=ChannelId(name),
        queued=queued,
        routing_rank=rank,
        threshold_s=threshold_s,
        patience_s=patience_s,
        concurrency=concurrency,
        window_s=window_s,
        handle=HandleTime.LOGNORMAL if exact else HandleTime.EXPONENTIAL,
        handle_cv=EXACT if exact else 1.0,
        target_service_level=target_service_level,
        target_abandon_rate=target_abandon_rate,
    )


def site(
    channels: Sequence[SimChannel],
    *,
    rate_per_s: Sequence[float],
    aht_s: Sequence[float],
    agents: int,
    intervals: int,
    interval_s: float = 3600.0,
    serve: frozenset[int] | None = None,
    segments: Sequence[tuple[int, float, float]] | None = None,
    unavailable: float = 0.0,
    arrivals: dict[int, Sequence[float]] | None = None,
) -> SimInput:
    """A stationary site.

    ``rate_per_s[c]`` arrivals per second of each queued channel (items per
    interval for backlog channels: pass the count), constant; ``agents`` agents
    serving ``serve`` (default every channel), by default present from 0 to
    twice the horizon so the last contacts are served; ``segments`` overrides
    that with ``(agent, start_s, end_s)``.
    """
    n_ch = len(channels)
    volume = np.array(
        [
            np.full(intervals, r * interval_s if ch.queued else r)
            for ch, r in zip(channels, rate_per_s, strict=True)
        ],
        dtype=np.float64,
    ).reshape(n_ch, intervals)
    aht = np.array([np.full(intervals, a) for a in aht_s], dtype=np.float64).reshape(
        n_ch, intervals
    )
    serve = frozenset(range(n_ch)) if serve is None else serve
    horizon = intervals * interval_s
    spans = segments if segments is not None else [(a, 0.0, 2 * horizon) for a in range(agents)]
    return SimInput(
        interval_s=interval_s,
        channels=tuple(channels),
        volume=volume,
        aht_s=aht,
        agents=tuple(AgentId(f"a{i}") for i in range(agents)),
        segments=tuple(Segment(a, s, e, serve) for a, s, e in spans),
        unavailable=np.full(intervals, unavailable),
        arrivals={c: np.asarray(t, dtype=np.float64) for c, t in (arrivals or {}).items()},
    )
