"""Standby, management ratio and the backup pool."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class StandbyRules(BaseModel):
    """Who covers surges and absence, and how many must be ready."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    supervisor_standby_24x7: bool = Field(
        True, description="A supervisor is on standby every day, around the clock."
    )
    standby_per_day: int = Field(
        1,
        ge=1,
        le=50,
        description="Supervisors on standby each day: a rota, not a state everyone can be in "
        "(the others lead from the floor or are off).",
    )
    floor_support_ratio: int | None = Field(
        None,
        ge=1,
        le=200,
        description="Agents on the floor per lead on the floor, every interval the site is "
        "open (seed 001: 1:20 walking floor support); None: not checked.",
    )
    management_ratio: int = Field(
        5, ge=1, le=1000, description="Agents on duty per supervisor on duty or standby (1:5)."
    )
    absenteeism_rate: float = Field(
        0.05, ge=0, lt=1, description="Chance that a rostered agent is absent on a day."
    )
    backup_risk: float = Field(
        0.05, gt=0, lt=1, description="Accepted chance that absences exceed backups on call."
    )
    min_backups: int = Field(0, ge=0, le=10_000, description="Floor on backups on call per day.")
    call_in_max_hours: float = Field(
        4.0,
        gt=0,
        le=12,
        description="Most hours a person on standby or on call is called in for in one day.",
    )
    call_in_max_hours_per_week: float = Field(
        16.0,
        gt=0,
        le=60,
        description="Most hours one person is called in for in a calendar week.",
    )
    call_in_min_rest_hours: float = Field(
        11.0,
        ge=0,
        le=24,
        description="Least rest between the end of one call-in and the start of the next.",
    )
    backup_pool_size: int | None = Field(
        None,
        ge=0,
        description="People kept in reserve for absence (seed 003 keeps at least 10), "
        "reported with the chance that they cover the absences the absenteeism rate "
        "predicts; None: the pool is the scenario's backup people.",
    )
