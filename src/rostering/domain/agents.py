"""Agents, supervisors and the backup pool, with leave and requests."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rostering.domain.patterns import PayBasis
from rostering.types import AgentId, ChannelId, ShiftId


class Role(StrEnum):
    """What a person does on the roster."""

    AGENT = "agent"
    """Front-line agent counted in coverage."""
    SUPERVISOR = "supervisor"
    """Runs the floor; on standby, not counted in base coverage."""
    BACKUP = "backup"
    """Reserve agent called in on surges and absence."""


class LeaveKind(StrEnum):
    """Kinds of leave, which decide the pay deduction."""

    ANNUAL = "annual"
    PERSONAL = "personal"
    SICK = "sick"


class Leave(BaseModel):
    """A day an agent is away."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    date: dt.date
    kind: LeaveKind = LeaveKind.ANNUAL


class Request(BaseModel):
    """An agent's wish for a day: to work a shift, not to work it, or a day off."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    date: dt.date
    shift: ShiftId | None = Field(None, description="None with want=False: a whole day off.")
    want: bool = Field(description="True: wants this shift; False: wants it (or the day) off.")
    weight: int = Field(1, ge=1, le=1000)


class Agent(BaseModel):
    """A person on the roster."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    id: AgentId
    name: str = ""
    role: Role = Role.AGENT
    team: str = Field("", description="Team the person belongs to (for reports and filters).")
    skills: list[ChannelId] = Field(default_factory=list, description="Channels served.")
    pattern: str = Field(description="Id of the rotation pattern.")
    shifts: list[ShiftId] = Field(
        default_factory=list, description="Shift templates this person may work."
    )
    base_pay: float = Field(2800.0, gt=0, le=1_000_000, description="Monthly base pay, yuan.")
    pay_basis: PayBasis | None = Field(
        None, description="Overrides the pattern's pay basis for this person (None: the pattern's)."
    )
    hourly_rate: float | None = Field(
        None,
        gt=0,
        le=10_000,
        description="Yuan per paid hour on an hourly contract (None: base_pay / 21.75 / 8).",
    )
    proficiency: float = Field(
        1.0, gt=0, le=1, description="Share of an experienced agent's output (new agents < 1)."
    )
    hire_date: dt.date | None = Field(
        None,
        description="First day on the job: sets the agent's ramp-up stage (seed 004) and so "
        "its proficiency, in place of `proficiency`.",
    )
    history: str = Field(
        "",
        pattern=r"^[WO]*$",
        description="Days before the horizon, oldest first: W worked, O off. Continues patterns.",
    )
    leave: list[Leave] = Field(default_factory=list)
    unavailable: list[dt.date] = Field(default_factory=list)
    preassigned: dict[dt.date, ShiftId | None] = Field(
        default_factory=dict, description="Fixed days: a shift id, or null for a fixed day off."
    )
    requests: list[Request] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.role is not Role.SUPERVISOR and not self.shifts:
            raise ValueError("an agent needs at least one eligible shift")
        return self
