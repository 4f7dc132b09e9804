"""A nurse-rostering benchmark instance: a roster instance with a day cover.

:class:`NrpInstance` is a :class:`~rostering.roster.instance.RosterInstance`
that also carries :class:`DayCover` rows, the benchmark's demand.
"""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rostering.roster.instance import RosterInstance
from rostering.types import ShiftId


class DayCover(BaseModel):
    """Preferred number of agents on a shift type on a day (benchmark-style cover)."""

    model_config = ConfigDict(extra="forbid")

    day: int = Field(ge=0)
    shift: ShiftId
    required: int = Field(ge=0)
    weight_under: int = Field(ge=0)
    weight_over: int = Field(ge=0)


class NrpInstance(RosterInstance):
    """A roster instance whose demand is a day cover per shift type (benchmark style)."""

    day_cover: list[DayCover] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_cover(self) -> Self:
        shifts = {s.id for s in self.shifts}
        for c in self.day_cover:
            if c.shift not in shifts or c.day >= self.n_days:
                raise ValueError(f"cover row day {c.day} shift {c.shift!r} is outside the instance")
        return self


__all__ = ["DayCover", "NrpInstance"]
