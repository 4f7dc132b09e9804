"""Request and response bodies of the API: ``*Create`` in, ``*Public`` out.

The scenario itself is the body that creates a scenario (the same fields as
``scenario.yaml``, with agents and demand as inline lists); a what-if is a
:class:`rostering.whatif.WhatIf`. Every error answers :class:`ErrorBody`.

These are plain pydantic models, free of the database: the routes build them
from stored rows (:mod:`api.models` is not imported here).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.run_status import RunStatus
from rostering.adherence import AdherenceConfig, AdherenceSummary
from rostering.domain.scenario import Scenario
from rostering.errors import Problem
from rostering.results import RunKpis
from rostering.roster.solution import Violation
from rostering.whatif import WhatIf

MAX_SEED = 2**31 - 1


class ProblemOut(BaseModel):
    """One fault in a request: the file or request part, the field path, why, the value."""

    file: str = Field(description="'request body', 'query', a file name, or 'whatif'.")
    location: str = Field(description="Field path (e.g. 'agents.2.shifts') or CSV row/column.")
    message: str
    value: str | None = None

    @classmethod
    def of(cls, problem: Problem) -> ProblemOut:
        """From the package's Problem."""
        return cls(
            file=problem.file,
            location=problem.location,
            message=problem.message,
            value=problem.value,
        )


class ErrorBody(BaseModel):
    """What every 4xx (and 503) answers."""

    detail: str
    problems: list[ProblemOut] = Field(default_factory=list)


# ---------------------------------------------------------------------------
# scenarios


class ScenarioSummary(BaseModel):
    """A stored scenario, without its contents."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    source: str = Field(description="'json' or 'upload'.")
    agents: int
    channels: int
    days: int
    start: dt.date
    created_at: dt.datetime


class ScenarioPublic(ScenarioSummary):
    """A stored scenario with its validated contents."""

    scenario: Scenario
    warnings: list[str] = Field(
        default_factory=list,
        description="What the scenario holds that runs ignore, e.g. demand rows outside the "
        "horizon.",
    )


# ---------------------------------------------------------------------------
# runs


class RunCreate(BaseModel):
    """A run of a stored scenario with what-if overrides, from scratch or from a baseline run."""

    model_config = ConfigDict(extra="forbid")

    scenario_id: str = Field(min_length=1, max_length=64)
    whatif: WhatIf = Field(default_factory=WhatIf)
    baseline_run: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        description="A succeeded run of the same scenario to start from: its roster is kept "
        "except where the what-if needs a change (each changed person-day costs "
        "whatif.change_weight, at most whatif.max_changes of them). Without it the run is "
        "solved from scratch.",
    )
    seed: int = Field(0, ge=0, le=MAX_SEED, description="Solver random seed.")
    label: str = Field("", max_length=200)


class RunProgress(BaseModel):
    """The solver's latest word while a run solves."""

    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    elapsed_s: float = 0.0
    solutions: int = 0
    stage: str = Field("", description="'sizing', 'solving' or 'saving'.")
    updated_at: dt.datetime | None = None


class RunError(BaseModel):
    """Why a run has no roster."""

    message: str
    problems: list[ProblemOut] = Field(default_factory=list)
    conflicts: list[str] = Field(
        default_factory=list, description="Hard rules that cannot hold together."
    )


class RunPublic(BaseModel):
    """A run: what was asked, where it is, and its headline numbers once done."""

    id: str
    scenario_id: str | None
    scenario_name: str
    label: str
    status: RunStatus
    seed: int
    time_limit_s: float
    solver_threads: int
    whatif: WhatIf
    baseline_run: str | None = Field(None, description="The run this run starts from.")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    cancel_requested: bool
    queue_position: int | None = Field(None, description="1 = next to start; queued runs only.")
    progress: RunProgress | None
    error: RunError | None
    kpis: RunKpis | None


class RunInputs(BaseModel):
    """Everything a run was given: rerun it to reproduce it."""

    scenario: Scenario = Field(description="The scenario after the what-if.")
    whatif: WhatIf
    baseline_run: str | None = Field(None, description="The run whose roster it started from.")
    seed: int
    time_limit_s: float
    solver_threads: int


class CostLineOut(BaseModel):
    """One person's pay over the horizon, yuan."""

    agent: str
    days_worked: int
    base: float
    overtime: float
    holiday_premium: float
    standby: float
    total: float


class CostReport(BaseModel):
    """Labour cost of the roster, per person and in total."""

    total: float
    lines: list[CostLineOut]


class ViolationsReport(BaseModel):
    """Soft rules the roster does not meet (and, if any, hard conflicts)."""

    valid: bool
    hard_violations: int
    violations: list[Violation]
    conflicts: list[str]


class Figure(BaseModel):
    """A plotly figure as JSON (``data`` and ``layout``), for ``Plotly.newPlot``."""

    model_config = ConfigDict(extra="allow")

    data: list[dict[str, Any]]
    layout: dict[str, Any]


# ---------------------------------------------------------------------------
# adherence


class StateEvent(BaseModel):
    """One ACD state change: from ``timestamp`` on, ``agent`` is in ``state``."""

    model_config = ConfigDict(extra="forbid")

    agent: str = Field(min_length=1, max_length=100)
    timestamp: str = Field(
        min_length=1,
        max_length=40,
        description="ISO time; without an offset it is the site's wall-clock time.",
    )
    state: str = Field(min_length=1, max_length=60, description="e.g. login, ready, talk, meal.")


class Session(BaseModel):
    """One logged-in session of an agent."""

    model_config = ConfigDict(extra="forbid")

    agent: str = Field(min_length=1, max_length=100)
    login: str = Field(min_length=1, max_length=40)
    logout: str = Field("", max_length=40, description="Empty when the logout is missing.")


class AdherenceCreate(BaseModel):
    """Agent activity to measure: state events or sessions (one of the two)."""

    model_config = ConfigDict(extra="forbid")

    events: list[StateEvent] = Field(default_factory=list, max_length=500_000)
    sessions: list[Session] = Field(default_factory=list, max_length=100_000)
    config: AdherenceConfig | None = None

    @model_validator(mode="after")
    def _one(self) -> Self:
        if bool(self.events) == bool(self.sessions):
            raise ValueError("give either events or sessions, not both and not neither")
        return self


class AdherenceReport(BaseModel):
    """The adherence of a run's roster: the summary and the detail tables as rows."""

    summary: AdherenceSummary
    by_agent: list[dict[str, Any]] = Field(description="One row per agent, the whole period.")
    by_agent_day: list[dict[str, Any]] = Field(description="One row per agent and day.")
    exceptions: list[dict[str, Any]] = Field(description="Deviations and call-ins.")
    issues: list[dict[str, Any]] = Field(description="Event rows flagged while reading.")


# ---------------------------------------------------------------------------
# health


class Health(BaseModel):
    """The server is up; with an API key, how busy it is for the key's tenant."""

    status: str
    version: str
    workers: int | None = Field(None, description="Solve slots of the cluster (with a key).")
    queued: int | None = Field(None, description="The tenant's queued runs (with a key).")
    running: int | None = Field(None, description="The tenant's running runs (with a key).")
    capacity: int | None = Field(
        None,
        description="Queued plus running runs of the tenant accepted before 429 (with a key).",
    )


__all__ = [
    "MAX_SEED",
    "AdherenceCreate",
    "AdherenceReport",
    "CostLineOut",
    "CostReport",
    "ErrorBody",
    "Figure",
    "Health",
    "ProblemOut",
    "RunCreate",
    "RunError",
    "RunInputs",
    "RunProgress",
    "RunPublic",
    "ScenarioPublic",
    "ScenarioSummary",
    "Session",
    "StateEvent",
    "ViolationsReport",
]
