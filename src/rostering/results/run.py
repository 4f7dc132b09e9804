"""One run in memory: the scenario, its demand and requirements, the roster and its KPIs."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from pydantic import BaseModel, Field

from rostering.domain.defaults import DefaultUsed
from rostering.domain.forecast import DemandForecast
from rostering.domain.scenario import Scenario
from rostering.results.breaks import PlannedBreaks
from rostering.results.simulated import SimulatedKpis, SimulationSummary
from rostering.roster.instance import RosterInstance
from rostering.roster.reserve import ReserveCover
from rostering.roster.solution import ModelSize, RosterSolution, SolveStatus
from rostering.roster.validation import ValidationReport
from rostering.simulation.run import SimulationResult

#: Columns of ``requirements.csv`` and of :attr:`RunResult.requirements`.
REQUIREMENT_COLUMNS = (
    "interval_start",
    "channel",
    "pool",
    "volume",
    "aht_s",
    "required_agents",
    "required",
    "scheduled",
    "shortfall",
    "surplus",
    "service_level",
    "asa_s",
    "abandon_rate",
    "occupancy",
)


class ChannelKpis(BaseModel):
    """Predicted service of one channel over the horizon, given the roster."""

    channel: str
    volume: float
    required_agent_hours: float
    scheduled_agent_hours: float
    coverage: float = Field(description="Share of required agent-hours staffed (capped per slot).")
    service_level: float | None = Field(description="Volume-weighted predicted SL (queued).")
    asa_s: float | None = Field(
        None,
        description="Volume-weighted ASA of contacts arriving while the queue is stable; "
        "contacts arriving with no agent (or too few) are counted in unserved_volume_share.",
    )
    abandon_rate: float | None = None
    occupancy: float | None = None
    unserved_volume_share: float | None = Field(
        None,
        description="Queued channels: share of volume arriving in intervals whose staffing "
        "cannot keep the queue stable (no agent, or load above capacity).",
    )
    pool: str | None = Field(
        None,
        description="The pool the channel is staffed in with others (its agent-hours are "
        "the pool's); None when staffed alone.",
    )
    simulated: SimulatedKpis | None = Field(
        None, description="The same service as the simulation of the roster played it."
    )
    simulated_with_call_ins: SimulatedKpis | None = Field(
        None,
        description="The simulated service once the suggested call-ins are on the floor "
        "(None when none is suggested).",
    )


class RunKpis(BaseModel):
    """The headline numbers of a run: service, cost and solver outcome."""

    scenario: str
    status: SolveStatus
    objective: float | None
    best_bound: float | None
    gap: float | None
    wall_time_s: float
    labour_cost: float
    valid: bool
    hard_violations: int
    soft_violations: int
    channels: list[ChannelKpis]
    simulation: SimulationSummary | None = None
    reserve: ReserveCover | None = Field(
        None, description="The backup pool against the absences the roster can expect."
    )
    call_in_cost: float = Field(
        0.0,
        description="Yuan of the suggested call-ins; labour_cost + call_in_cost is the cost "
        "with call-ins.",
    )
    model_size: ModelSize | None = Field(None, description="The roster model's size.")
    planned_breaks: PlannedBreaks | None = Field(
        None, description="Short breaks placed, against the not-ready + break target."
    )
    defaults: list[DefaultUsed] = Field(
        default_factory=list,
        description="Answer-changing values the scenario left to the product's defaults.",
    )
    forecast: DemandForecast | None = Field(
        None,
        description="Where the demand came from when it was forecast from a history: the "
        "model of each channel and its backtest accuracy.",
    )


@dataclass(frozen=True)
class RunResult:
    """Everything one run produced, for writing, plotting or comparing."""

    scenario: Scenario
    demand: pd.DataFrame
    requirements: pd.DataFrame
    instance: RosterInstance
    solution: RosterSolution
    validation: ValidationReport
    kpis: RunKpis
    simulation: SimulationResult | None = None


__all__ = ["REQUIREMENT_COLUMNS", "ChannelKpis", "RunKpis", "RunResult"]
