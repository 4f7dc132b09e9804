"""Shift templates: when a shift starts and ends, its meal, and what it carries."""

from __future__ import annotations

import itertools
from datetime import time
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rostering.types import ChannelId, ShiftId


class DayType(StrEnum):
    """The kind of day a date is, after the public-holiday calendar is applied."""

    WORKDAY = "workday"
    """A normal working day, including a weekend day declared a working day."""
    WEEKEND = "weekend"
    """Saturday or Sunday, or a bridging day off that a holiday schedule moved."""
    HOLIDAY = "holiday"
    """A statutory public holiday (paid at the holiday rate)."""


def minutes_of(t: time) -> int:
    """Minutes since midnight of a clock time."""
    return t.hour * 60 + t.minute


class MealBreak(BaseModel):
    """A meal or break that must start inside a window; time off the floor."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    minutes: int = Field(gt=0, le=120, description="Length in minutes.")
    earliest: time = Field(description="Earliest local start.")
    latest: time = Field(description="Latest local start.")
    paid: bool = Field(False, description="Whether this time is paid (meals are not).")

    @model_validator(mode="after")
    def _window(self) -> Self:
        if minutes_of(self.latest) < minutes_of(self.earliest):
            raise ValueError(f"latest {self.latest} is before earliest {self.earliest}")
        return self


class ShiftTemplate(BaseModel):
    """A shift an agent can be given: clock times, meal, and channels by day type."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    id: ShiftId
    name: str = ""
    start: time
    end: time = Field(description="Local end; an end at or before start runs past midnight.")
    meal: MealBreak | None = None
    breaks: list[MealBreak] = Field(default_factory=list)
    channels: dict[DayType, list[ChannelId]] = Field(
        description="Channels this shift carries on each day type; a day type left out or "
        "given an empty list means the shift is not worked on such days."
    )
    secondary: dict[DayType, list[ChannelId]] = Field(
        default_factory=dict,
        description="Channels the shift may help with beyond its own on each day type (the "
        "channels above are a pre-allocation of work, not a ban): an agent with the skills "
        "covers them where needed, e.g. a colleague's meal hour, at a preference cost.",
    )

    @property
    def length_minutes(self) -> int:
        """Minutes from start to end (crossing midnight when end <= start)."""
        span = minutes_of(self.end) - minutes_of(self.start)
        return span if span > 0 else span + 24 * 60

    @property
    def paid_minutes(self) -> int:
        """Length less unpaid meals and breaks."""
        unpaid = sum(b.minutes for b in self._off_floor() if not b.paid)
        return self.length_minutes - unpaid

    def _off_floor(self) -> list[MealBreak]:
        return ([self.meal] if self.meal else []) + list(self.breaks)

    @model_validator(mode="after")
    def _check(self) -> Self:
        start = minutes_of(self.start)
        spans: list[tuple[int, int, MealBreak]] = []
        for b in self._off_floor():
            lo = (minutes_of(b.earliest) - start) % (24 * 60)
            hi = (minutes_of(b.latest) - start) % (24 * 60)
            if hi + b.minutes > self.length_minutes or lo > hi:
                raise ValueError(
                    f"break window {b.earliest}-{b.latest} (+{b.minutes} min) does not fit "
                    f"inside shift {self.start}-{self.end}"
                )
            spans.append((lo, hi + b.minutes, b))
        spans.sort(key=lambda x: x[0])
        for (_, end_a, a), (lo_b, _, b) in itertools.pairwise(spans):
            if lo_b < end_a:
                raise ValueError(
                    f"the windows of the {a.minutes}-minute break from {a.earliest} and the "
                    f"{b.minutes}-minute break from {b.earliest} overlap: each break and the "
                    "meal need a window of their own, so no one takes two at once"
                )
        return self
