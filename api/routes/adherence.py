"""Adherence: what agents did (ACD events or login sessions) against a run's roster.

The run is looked up in each handler rather than as a dependency, so an
invalid body answers 422 before a missing run answers 404.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, File, UploadFile, status
from sqlalchemy.orm import Session

from api.deps import SessionDep, TenantDep, require_outcome, require_run
from api.errors import ProblemsError, errors
from api.models import Tenant
from api.schemas import AdherenceCreate, AdherenceReport
from rostering.adherence import AdherenceConfig, AdherenceResult, run_adherence
from rostering.errors import Problem, RosteringError
from rostering.roster.solution import ROSTER_COLUMNS

router = APIRouter(prefix="/runs", tags=["adherence"])

_CHUNK = 64 * 1024


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
    session: Session,
    run_id: str,
    events: Path | pd.DataFrame,
    *,
    tenant: Tenant,
    config: AdherenceConfig | None,
    file: str,
) -> AdherenceReport:
    outcome = require_outcome(session, run_id, tenant=tenant)
    run = require_run(session, run_id, tenant=tenant, load=("inputs",))
    timezone = str(run.inputs["site"]["timezone"])
    roster = pd.DataFrame(
        [row.model_dump(mode="json") for row in outcome.roster], columns=list(ROSTER_COLUMNS)
    ).astype(str)
    try:
        result = run_adherence(roster, events, config=config, timezone=timezone)
    except RosteringError as exc:
        message = str(exc)
        if isinstance(events, Path):
            # name the file as the client did, never the server's temporary copy
            message = message.replace(str(events), file).replace(str(events.parent), "")
        raise ProblemsError(
            [Problem(file, "", message)], detail="the agent activity cannot be read"
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
    require_outcome(session, run_id, tenant=tenant)
    name = Path((events.filename or "events.csv").replace("\\", "/")).name or "events.csv"
    with tempfile.TemporaryDirectory(prefix="rostering-events-") as tmp:
        path = Path(tmp) / "events.csv"
        with path.open("wb") as out:
            while chunk := events.file.read(_CHUNK):
                out.write(chunk)
        return _measure(session, run_id, path, tenant=tenant, config=None, file=name)
