"""Run B against run A: the deltas a what-if comparison reports.

:func:`rostering.whatif.compare_runs` fills these; the comparison figure
(:mod:`rostering.reports.compare`) and the HTTP API show them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class KpiDelta(BaseModel):
    """One number in run A and run B, and B minus A."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="e.g. 'labour_cost', 'service_level'.")
    channel: str | None = Field(None, description="The channel, for per-channel KPIs.")
    a: float | None
    b: float | None
    delta: float | None = Field(description="b - a; None when either is missing.")


class CostDelta(BaseModel):
    """One person's pay in run A and run B (0 where absent from a run)."""

    model_config = ConfigDict(extra="forbid")

    agent: str
    a: float
    b: float
    delta: float


class CoverageDelta(BaseModel):
    """Required, scheduled and short agent-hours of one channel on one day, A and B."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    channel: str
    required_a: float
    required_b: float
    scheduled_a: float
    scheduled_b: float
    shortfall_a: float
    shortfall_b: float
    shortfall_delta: float = Field(description="shortfall_b - shortfall_a, agent-hours.")


class AssignmentChange(BaseModel):
    """A person's day that differs between the runs (meal times are not compared)."""

    model_config = ConfigDict(extra="forbid")

    agent: str
    date: dt.date
    change: Literal["added", "removed", "changed"] = Field(
        description="added: works only in B; removed: only in A; changed: both, differently."
    )
    before: str = Field(description="A's duty, e.g. 'A 09:00-21:00 inbound|chat', or ''.")
    after: str = Field(description="B's duty, or ''.")
    fields: list[str] = Field(description="Roster columns that differ.")


class Comparison(BaseModel):
    """Run B against run A: headline and per-channel KPIs, cost, coverage, assignments.

    ``assignments`` lists every person-day that differs; ``agent_days_changed``
    of ``agent_days`` counts those of the people both runs share, the measure of
    how much a what-if moved the roster it started from.
    """

    model_config = ConfigDict(extra="forbid")

    label_a: str = "A"
    label_b: str = "B"
    kpis: list[KpiDelta]
    costs: list[CostDelta] = Field(description="Per person, then a row with agent 'TOTAL'.")
    coverage: list[CoverageDelta] = Field(description="Per day and channel, agent-hours.")
    assignments: list[AssignmentChange]
    assignments_changed: int = Field(description="len(assignments).")
    agent_days: int = Field(
        0,
        description="Person-days compared: the people in both runs times the days of the "
        "horizon (days off included).",
    )
    agent_days_changed: int = Field(
        0,
        description="Of those, the person-days whose duty differs: the changes made to the "
        "people both runs share (days of people added or removed are not counted).",
    )
    people_added: list[str] = Field(default_factory=list, description="People in run B only.")
    people_removed: list[str] = Field(default_factory=list, description="People in run A only.")

    @property
    def changed_share(self) -> float | None:
        """``agent_days_changed / agent_days``; None when no person-day was compared."""
        return self.agent_days_changed / self.agent_days if self.agent_days else None


__all__ = ["AssignmentChange", "Comparison", "CostDelta", "CoverageDelta", "KpiDelta"]
