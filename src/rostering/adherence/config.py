"""The settings of the adherence measurement: grace, thresholds, targets, intervals."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

MINUTES_PER_DAY = 24 * 60
"""The longest grace or window a setting may give: one day."""


class AdherenceConfig(BaseModel):
    """Grace, thresholds and targets of the adherence measurement."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    late_login_grace_minutes: float = Field(
        2.0, ge=0, le=MINUTES_PER_DAY, description="Offline time forgiven at the start of a shift."
    )
    early_logout_grace_minutes: float = Field(
        2.0, ge=0, le=MINUTES_PER_DAY, description="Offline time forgiven at the end of a shift."
    )
    break_overrun_grace_minutes: float = Field(
        2.0,
        ge=0,
        le=MINUTES_PER_DAY,
        description="Meal- or break-equivalent time forgiven right after the meal or a "
        "short break ends.",
    )
    min_exception_minutes: float = Field(
        1.0,
        ge=0,
        le=MINUTES_PER_DAY,
        description="Out-of-adherence runs shorter than this are ignored.",
    )
    unscheduled_min_minutes: float = Field(
        15.0,
        ge=0,
        le=MINUTES_PER_DAY,
        description="Logged-in runs outside shifts shorter than this are not listed.",
    )
    attribution_window_minutes: int = Field(
        240,
        ge=0,
        le=MINUTES_PER_DAY,
        description="Unscheduled time this close to a shift belongs to its day.",
    )
    adherence_threshold: float = Field(
        0.95, ge=0, le=1, description="An agent kept to the schedule when adherence >= this."
    )
    schedule_adherence_target: float = Field(
        0.99, ge=0, le=1, description="Target share of agents who kept to the schedule."
    )
    productive_utilisation_target: float = Field(
        0.70, ge=0, le=1, description="Target productive / paid logged-in time (at least)."
    )
    not_ready_break_share_target: float = Field(
        0.06, ge=0, le=1, description="Target (not ready + break) / paid logged-in (below)."
    )
    interval_minutes: int = Field(
        30,
        gt=0,
        le=1440,
        description="Interval length of the team heatmap; must divide a day. Intervals keep "
        "to the local clock across a DST change when they divide 60.",
    )

    @model_validator(mode="after")
    def _divides_day(self) -> Self:
        if 1440 % self.interval_minutes:
            raise ValueError(f"interval_minutes must divide 1440, got {self.interval_minutes}")
        return self


__all__ = [
    "MINUTES_PER_DAY",
    "AdherenceConfig",
]
