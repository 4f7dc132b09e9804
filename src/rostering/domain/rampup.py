"""New agents and new projects ramp up: a fraction of an experienced agent, a softer target.

Seed 004: a new agent's targets rise over its first three months, in stages
ending at 7 days, 15 days, one, two and three months, with handled volumes of
5, 10, 20, 45 and 50 a day. The last stage is the full target, so an agent in
a stage counts as that stage's volume over the full one: 0.1, 0.2, 0.4, 0.9,
then 1.0. Seed 000: a new project's KPI target is 80 % of the standard in its
first month and 90 % in its second ("break-in").
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, model_validator


class RampStage(BaseModel):
    """An agent counts as ``proficiency`` of an experienced one until ``until_days`` after hire."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    until_days: int = Field(gt=0)
    proficiency: float = Field(gt=0, le=1)


def _seed_stages() -> list[RampStage]:
    volumes = ((7, 5), (15, 10), (30, 20), (60, 45), (90, 50))
    return [RampStage(until_days=d, proficiency=v / 50) for d, v in volumes]


class RampUp(BaseModel):
    """New agents' stages (seed 004) and a new project's target break-in (seed 000)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    stages: list[RampStage] = Field(
        default_factory=_seed_stages,
        description="Stages after hire, in order; an agent past the last is experienced (1.0).",
    )
    project_start: dt.date | None = Field(
        None, description="First day of the project: the service targets break in from it."
    )
    break_in: list[float] = Field(
        default_factory=lambda: [0.8, 0.9],
        description="Share of the KPI standard in the project's first, second... month "
        "(service level times it, answer time and abandonment limits over it); from the "
        "next month on, the full standard.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> RampUp:
        days = [s.until_days for s in self.stages]
        if days != sorted(set(days)):
            raise ValueError("ramp-up stages must end on increasing days")
        if any(not 0 < f <= 1 for f in self.break_in):
            raise ValueError("break-in shares must lie in (0, 1]")
        return self

    def proficiency(self, hired: dt.date, on: dt.date) -> float:
        """The share of an experienced agent's output of an agent hired on ``hired``, on ``on``."""
        days = (on - hired).days
        for stage in self.stages:
            if days < stage.until_days:
                return stage.proficiency
        return 1.0

    def target_share(self, on: dt.date) -> float:
        """Share of the service-level target that holds on ``on`` (1.0 without a project start)."""
        if self.project_start is None or on < self.project_start:
            return 1.0
        month = (on.year - self.project_start.year) * 12 + on.month - self.project_start.month
        if on.day < self.project_start.day:
            month -= 1
        return self.break_in[month] if month < len(self.break_in) else 1.0


__all__ = ["RampStage", "RampUp"]
