"""Adherence: what agents did (ACD events or login sessions) against a run's roster."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any, Self

import pandas as pd
from fastapi import APIRouter, File, UploadFile, status
from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.deps import SessionDep, TenantDep
from api.routes import ProblemsError, errors
from api.routes.runs import get_outcome, get_run
from rostering.adherence import AdherenceConfig, AdherenceResult, AdherenceSummary, run_adherence
from rostering.errors import Problem, RosteringError
from rostering.roster.solution import ROSTER_COLUMNS

router = APIRouter(prefix="/runs", tags=["adherence"])

_CHUNK = 64 * 1024


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


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(
        frame.to_json(orient="records", date_format="iso", default_handler=str)
    )
    return rows


def _report(result: AdherenceResult) -> AdherenceReport:
    return AdherenceReport(
        summary=result.summary,
        by_agent=_records(result.by_agent),
        by_agent_day=_records(result.by_agent_day),
        exceptions=_records(result.exceptions),
        issues=_records(result.issues),
    )


def _measure(
    session: SessionDep,
    run_id: str,
    events: Path | pd.DataFrame,
    *,
    tenant: TenantDep,
    config: AdherenceConfig | None,
    file: str,
) -> AdherenceReport:
    outcome = get_outcome(session, run_id, tenant=tenant)
    run = get_run(session, run_id, tenant=tenant, load=("inputs",))
    timezone = str(run.inputs["site"]["timezone"])
    roster = pd.DataFrame(
        [row.model_dump(mode="json") for row in outcome.roster], columns=list(ROSTER_COLUMNS)
    ).astype(str)
    try:
        result = run_adherence(roster, events, config=config, timezone=timezone)
    except RosteringError as exc:
        raise ProblemsError(
            [Problem(file, "", str(exc))], detail="the agent activity cannot be read"
        ) from None
    return _report(result)


@router.post(
    "/{run_id}/adherence",
    responses=errors(401, 404, 409, 413, 422),
    summary="Adherence of agent events (JSON) to a run's roster",
)
def adherence_json(
    run_id: str, body: AdherenceCreate, *, session: SessionDep, tenant: TenantDep
) -> AdherenceReport:
    """Measure state events or sessions against the roster of a finished run: adherence,
    conformance, attendance, exceptions (late logins, early logouts, absences, long breaks)."""
    if body.events:
        frame = pd.DataFrame([e.model_dump() for e in body.events])
    else:
        frame = pd.DataFrame([s.model_dump() for s in body.sessions])
    return _measure(session, run_id, frame, tenant=tenant, config=body.config, file="request body")


@router.post(
    "/{run_id}/adherence/upload",
    status_code=status.HTTP_200_OK,
    responses=errors(401, 404, 409, 413, 422),
    summary="Adherence of an ACD export (CSV) to a run's roster",
)
def adherence_upload(
    run_id: str,
    events: Annotated[
        UploadFile,
        File(description="CSV: agent,timestamp,state (state events) or agent,login,logout."),
    ],
    *,
    session: SessionDep,
    tenant: TenantDep,
) -> AdherenceReport:
    """Measure an ACD export, as uploaded, against the roster of a finished run.
    Unreadable rows are reported in ``issues`` with their row number."""
    get_outcome(session, run_id, tenant=tenant)
    name = Path((events.filename or "events.csv").replace("\\", "/")).name or "events.csv"
    with tempfile.TemporaryDirectory(prefix="rostering-events-") as tmp:
        path = Path(tmp) / "events.csv"
        with path.open("wb") as out:
            while chunk := events.file.read(_CHUNK):
                out.write(chunk)
        return _measure(session, run_id, path, tenant=tenant, config=None, file=name)
