"""Rotation patterns: which days an agent works, continued across periods."""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class PatternKind(StrEnum):
    """The rotations used on the floor."""

    ONE_ON_ONE_OFF = "one_on_one_off"
    """Work one day, rest one day, strictly alternating (做一休一)."""
    FIVE_ON_TWO_OFF = "five_on_two_off"
    """Five working days in every calendar week, two days off (做五休二)."""
    FLEXIBLE = "flexible"
    """No fixed rotation; only the labour limits apply (弹性排班)."""


class PayBasis(StrEnum):
    """How a contract pays for time worked."""

    DAILY = "daily"
    """Full-time: the daily rate of the pattern per day worked (base / 21.75 or / 15.5)."""
    HOURLY = "hourly"
    """Part-time: an hourly rate per paid hour of the shift worked."""


class Weekday(IntEnum):
    """ISO weekday numbers counted from 0, as ``date.weekday()`` gives them."""

    MON = 0
    TUE = 1
    WED = 2
    THU = 3
    FRI = 4
    SAT = 5
    SUN = 6


class Pattern(BaseModel):
    """A rotation and the labour limits that go with it."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    id: str
    kind: PatternKind
    days_off_allowed: list[Weekday] | None = Field(
        None,
        description="Five-two: weekdays on which the two days off may fall (None: any day).",
    )
    working_days_per_week: int = Field(5, ge=1, le=7, description="Five-two: days per week.")
    max_consecutive_days: int = Field(6, ge=1, le=366, description="Longest run of working days.")
    min_rest_hours: float = Field(
        11.0,
        ge=0,
        le=168,
        description="Rest between the end of one shift and the start of the next.",
    )
    max_hours_per_week: float | None = Field(
        None, gt=0, le=168, description="Paid hours per week cap."
    )
    max_hours_per_period: float | None = Field(
        None, gt=0, le=366 * 24, description="Paid hours cap."
    )
    min_hours_per_period: float | None = Field(
        None, gt=0, le=366 * 24, description="Hours each agent works at least over the horizon."
    )
    min_consecutive_days: int | None = Field(
        None, ge=1, description="Shortest run of working days (runs at the horizon's end exempt)."
    )
    min_consecutive_days_off: int | None = Field(
        None, ge=1, description="Shortest run of days off (runs at the horizon's end exempt)."
    )
    max_weekends: int | None = Field(
        None, ge=0, description="Most calendar weekends (Saturday or Sunday) worked in the horizon."
    )
    max_shifts: dict[str, int] = Field(
        default_factory=dict,
        description="Most shifts of each named shift over the horizon, e.g. {A: 12}.",
    )
    pay_basis: PayBasis = Field(
        PayBasis.DAILY,
        description="daily: the pattern's daily rate per day worked (full time); hourly: the "
        "agent's hourly rate per paid hour (part time).",
    )
    off_on_public_holidays: bool = Field(
        False, description="Agents on this pattern are off on statutory public holidays."
    )

    @model_validator(mode="after")
    def _check(self) -> Self:
        if any(n < 0 for n in self.max_shifts.values()):
            raise ValueError("max_shifts: a shift's limit cannot be negative")
        if self.days_off_allowed is not None and self.kind is PatternKind.FIVE_ON_TWO_OFF:
            free = len(set(self.days_off_allowed))
            if free < 7 - self.working_days_per_week:
                raise ValueError(
                    f"days_off_allowed lists {free} weekday(s) but "
                    f"{7 - self.working_days_per_week} days off are needed each week"
                )
        return self
