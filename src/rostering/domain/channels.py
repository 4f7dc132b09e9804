"""Channels of contact and the service targets a client sets for them."""

from __future__ import annotations

from datetime import time
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rostering.types import ChannelId


class ChannelKind(StrEnum):
    """How work arrives on a channel, which decides how it is sized."""

    INBOUND = "inbound"
    """Calls that queue: Erlang C, or Erlang A when callers abandon."""
    CHAT = "chat"
    """Online chat: queued, but one agent serves several chats at once."""
    OUTBOUND = "outbound"
    """Calls the centre places: sized by workload, not queued."""
    DEFERRED = "deferred"
    """E-mail, tickets, forum replies: workload with a completion window."""

    @property
    def queued(self) -> bool:
        """True for channels whose contacts wait in a queue for an agent."""
        return self in (ChannelKind.INBOUND, ChannelKind.CHAT)


class ServiceTargets(BaseModel):
    """What the client asks of a channel. Every target set must hold at once."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    service_level: float | None = Field(
        0.8, gt=0, lt=1, description="Share of contacts answered within threshold_s (0.8 = 80 %)."
    )
    threshold_s: float = Field(
        20.0, gt=0, le=3600, description="Service-level answer time T in seconds."
    )
    asa_s: float | None = Field(
        None, gt=0, le=3600, description="Average speed of answer limit, seconds."
    )
    abandon_rate: float | None = Field(
        None, gt=0, lt=1, description="Largest share of contacts abandoning (needs patience_s)."
    )
    max_occupancy: float | None = Field(
        0.85, gt=0, le=1, description="Occupancy cap: busy time / available time."
    )


class Channel(BaseModel):
    """A channel of contact with its targets, sizing parameters and opening hours."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    id: ChannelId = Field(description="Channel id used by demand rows, skills and shifts.")
    kind: ChannelKind
    name: str = ""
    targets: ServiceTargets = Field(default_factory=ServiceTargets)
    patience_s: float | None = Field(
        None,
        gt=0,
        le=86_400,
        description="Mean caller patience in seconds; when set, queued channels use Erlang A.",
    )
    concurrency: int = Field(1, ge=1, le=10, description="Chats one agent serves at once.")
    shrinkage: float = Field(
        0.3,
        ge=0,
        lt=1,
        description="Share of on-shift time lost to what the roster does not place (absence, "
        "meetings, training, not-ready); meals and breaks the roster places are not counted.",
    )
    shrinkage_by_hour: dict[int, float] = Field(
        default_factory=dict,
        description="Optional shrinkage per hour of day (0-23), overriding `shrinkage`.",
    )
    completion_window_h: float | None = Field(
        None,
        gt=0,
        le=24 * 31,
        description="Outbound/deferred: hours within which work must be done (e.g. 24 for e-mail).",
    )
    priority: float = Field(
        1.0, gt=0, le=1000, description="Weight of this channel's shortfall in the roster."
    )
    opens: time = Field(time(0, 0), description="Local time the channel opens.")
    closes: time = Field(
        time(0, 0), description="Local time the channel closes; equal to opens means 24 h."
    )

    @model_validator(mode="after")
    def _check(self) -> Self:
        for hour, value in self.shrinkage_by_hour.items():
            if not 0 <= hour <= 23:
                raise ValueError(f"shrinkage_by_hour: hour must be 0-23, got {hour}")
            if not 0 <= value < 1:
                raise ValueError(f"shrinkage_by_hour[{hour}] must be in [0, 1), got {value}")
        if self.targets.abandon_rate is not None and self.patience_s is None:
            raise ValueError("targets.abandon_rate needs patience_s (Erlang A) to be predicted")
        if self.concurrency > 1 and self.kind is not ChannelKind.CHAT:
            raise ValueError(f"concurrency > 1 is only for chat channels, not {self.kind.value}")
        return self

    def shrinkage_at(self, hour: int) -> float:
        """Shrinkage for a given hour of the day."""
        return self.shrinkage_by_hour.get(hour, self.shrinkage)
