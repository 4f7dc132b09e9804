"""How a roster is played through the simulation of its days (see :mod:`rostering.simulation`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rostering.types import ChannelId


class SimulationSettings(BaseModel):
    """Replications, random seed, handling-time shape, routing order and correction rounds."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    enabled: bool = Field(
        True, description="Simulate every roster after solving (false: the formulas only)."
    )
    replications: int = Field(
        10, ge=2, le=1000, description="Independent replications of the horizon (>= 2 for a CI)."
    )
    seed: int = Field(
        0, ge=0, le=2**31 - 1, description="Random seed; the same seed replays the same contacts."
    )
    handle_time: Literal["exponential", "lognormal"] = Field(
        "exponential", description="Distribution of handling times around each interval's mean."
    )
    handle_cv: float = Field(
        1.0, gt=0, le=10, description="Coefficient of variation of lognormal handling times."
    )
    routing: list[ChannelId] = Field(
        default_factory=list,
        description="Channels in the order a free agent takes them (empty: inbound calls, "
        "then chats, then outbound and deferred work).",
    )
    calls_interrupt_chats: bool = Field(
        True,
        description="Voice first: a call may go to an agent holding chats, which stay open; "
        "false: an agent holds one channel's contacts at a time and reaches a waiting call "
        "only once its chats are done.",
    )
    correction_rounds: int = Field(
        3,
        ge=0,
        le=20,
        description="Rounds of re-rostering where the simulation misses a target with "
        "confidence (0: simulate only).",
    )


__all__ = ["SimulationSettings"]
