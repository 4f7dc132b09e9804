"""What the roster simulation plays: channels, arrivals, and agents on the floor.

Everything is in seconds from the start of the simulated horizon (local
midnight of its first day) and in interval indices ``0 .. n_intervals - 1`` of
``interval_s`` seconds. The engine (:mod:`rostering.simulation.engine`) reads
only these records; :mod:`rostering.simulation.build` makes them from a
scenario's demand and a roster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from rostering.errors import InputError
from rostering.types import AgentId, ChannelId

FloatArray = npt.NDArray[np.float64]


class HandleTime(StrEnum):
    """Distribution of handling times around each interval's mean."""

    EXPONENTIAL = "exponential"
    LOGNORMAL = "lognormal"


@dataclass(frozen=True)
class SimChannel:
    """One channel as the simulation routes it.

    ``queued`` channels (inbound, chat) queue first come, first served and are
    answered by idle agents; the others (outbound, deferred work) are a backlog
    of items released at the start of their interval, due ``window_s`` later,
    that agents take in idle time, earliest due first.
    """

    id: ChannelId
    queued: bool
    routing_rank: int
    """Lower is routed first when an agent frees (voice 0, chat 1, backlog 2 by default)."""
    threshold_s: float = 0.0
    """Service-level answer time (queued channels)."""
    patience_s: float | None = None
    """Mean of an exponential patience; ``None``: nobody hangs up."""
    concurrency: int = 1
    """Contacts one agent holds at once (chat > 1)."""
    window_s: float = 0.0
    """Backlog channels: seconds after release within which an item is on time."""
    handle: HandleTime = HandleTime.EXPONENTIAL
    handle_cv: float = 1.0
    """Coefficient of variation of a lognormal handling time."""
    target_service_level: float | None = None
    """Share to answer within ``threshold_s`` (queued channels); ``None``: no target."""
    target_abandon_rate: float | None = None
    """Largest acceptable share of contacts that hang up; ``None``: no target."""


@dataclass(frozen=True)
class Segment:
    """A stretch of time an agent is on the floor, serving the channels in ``channels``.

    ``channels`` holds indices into :attr:`SimInput.channels`. Contacts still
    in hand at ``end_s`` are finished; no new one is taken after it.
    """

    agent: int
    start_s: float
    end_s: float
    channels: frozenset[int]


@dataclass(frozen=True)
class SimInput:
    """One simulated horizon.

    ``volume[c, i]``: expected arrivals (queued channels: Poisson mean) or
    released items (backlog channels: rounded to a whole count) of channel
    ``c`` in interval ``i``; ``aht_s[c, i]`` their mean handling time.
    ``unavailable[i]``: share of an on-floor agent's time in interval ``i``
    lost to what the roster does not place (the residual shrinkage: not-ready,
    coaching, short absences), taken at random. ``arrivals[c]``, when given,
    replays contact timestamps (seconds) of a queued channel instead of
    drawing Poisson arrivals.
    """

    interval_s: float
    channels: tuple[SimChannel, ...]
    volume: FloatArray
    aht_s: FloatArray
    agents: tuple[AgentId, ...]
    segments: tuple[Segment, ...]
    unavailable: FloatArray
    arrivals: dict[int, FloatArray] = field(default_factory=dict)
    calls_interrupt_chats: bool = False
    """Voice first: a contact of a channel with concurrency 1 may go to an agent holding only
    contacts of a channel with concurrency > 1 (chats), which stay open; while it holds such a
    contact it takes no new chat. False: an agent holds contacts of one channel at a time."""
    speed: FloatArray | None = None
    """Per agent index, its productivity relative to an experienced agent, in (0, 1]: a contact
    it serves takes the drawn handling time divided by ``speed[a]``. ``None``: all 1.0."""

    @property
    def n_intervals(self) -> int:
        """Intervals in the horizon."""
        return int(self.volume.shape[1])

    @property
    def horizon_s(self) -> float:
        """Length of the horizon in seconds."""
        return self.interval_s * self.n_intervals

    def check(self) -> None:
        """Raise :class:`InputError` on shapes or values the engine cannot play."""
        n_channels = len(self.channels)
        if not (np.isfinite(self.interval_s) and self.interval_s > 0):
            raise InputError(f"interval_s must be positive, got {self.interval_s}")
        if self.volume.ndim != 2 or self.volume.shape[0] != n_channels:
            raise InputError(f"volume must have shape ({n_channels}, intervals)")
        if self.aht_s.shape != self.volume.shape:
            raise InputError("aht_s must have the shape of volume")
        if self.unavailable.shape != (self.n_intervals,):
            raise InputError("unavailable must hold one share per interval")
        if not np.isfinite(self.volume).all() or (self.volume < 0).any():
            raise InputError("volume must be finite and >= 0")
        bad = (self.volume > 0) & ~(np.isfinite(self.aht_s) & (self.aht_s > 0))
        if bad.any():
            c, i = (int(x) for x in np.argwhere(bad)[0])
            raise InputError(
                f"channel {self.channels[c].id!r}, interval {i}: aht_s must be positive"
            )
        if ((self.unavailable < 0) | (self.unavailable >= 1)).any():
            raise InputError("unavailable shares must lie in [0, 1)")
        for channel in self.channels:
            if channel.concurrency < 1:
                raise InputError(f"channel {channel.id!r}: concurrency must be >= 1")
            if channel.patience_s is not None and not channel.patience_s > 0:
                raise InputError(f"channel {channel.id!r}: patience_s must be positive")
            if channel.handle is HandleTime.LOGNORMAL and not channel.handle_cv > 0:
                raise InputError(f"channel {channel.id!r}: handle_cv must be positive")
        for seg in self.segments:
            if not 0 <= seg.agent < len(self.agents):
                raise InputError(f"segment agent index {seg.agent} out of range")
            if not seg.start_s < seg.end_s:
                raise InputError(f"agent {self.agents[seg.agent]}: segment ends before it starts")
            if not seg.channels or max(seg.channels) >= n_channels or min(seg.channels) < 0:
                raise InputError(f"agent {self.agents[seg.agent]}: segment channels out of range")
        if self.speed is not None:
            if self.speed.shape != (len(self.agents),):
                raise InputError(f"speed must hold one factor per agent ({len(self.agents)})")
            if not (np.isfinite(self.speed).all() and (self.speed > 0).all()):
                raise InputError("speed factors must be finite and > 0")
            if (self.speed > 1).any():
                raise InputError("speed factors must be <= 1")
        for c, times in self.arrivals.items():
            if not 0 <= c < n_channels or not self.channels[c].queued:
                raise InputError(f"replayed arrivals given for channel index {c}, not a queue")
            if times.ndim != 1 or not np.isfinite(times).all():
                raise InputError(f"channel {self.channels[c].id!r}: arrival times must be finite")


__all__ = ["FloatArray", "HandleTime", "Segment", "SimChannel", "SimInput"]
