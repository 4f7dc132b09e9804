"""Scenarios: create (JSON, or a multipart upload of scenario.yaml + CSVs), list, get, delete."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path, PurePath
from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Query, Response, UploadFile, status
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.deps import ScenarioDep, SessionDep, TenantDep
from api.errors import ProblemsError, errors
from api.inputs import BODY, text_problems
from api.models import NAME_WIDTH, RunRecord, ScenarioRecord, Tenant
from api.run_status import ACTIVE
from api.schemas import ScenarioPublic, ScenarioSummary
from rostering.demand import build_demand
from rostering.domain.scenario import Scenario, demand_warnings
from rostering.errors import Problem, RosteringError, ScenarioError
from rostering.io import SCENARIO_FILE, load_scenario

router = APIRouter(prefix="/scenarios", tags=["scenarios"])

#: A plain file name: letters (any script) or digits first, then letters, digits, ``_.- ``.
_FILE_NAME = re.compile(r"^[^\W_][\w.\- ]{0,99}\.(yaml|yml|csv)\Z")
_CHUNK = 64 * 1024


def _summary(record: ScenarioRecord) -> ScenarioSummary:
    return ScenarioSummary.model_validate(record)


def _public(record: ScenarioRecord) -> ScenarioPublic:
    scenario = Scenario.model_validate(record.data)
    return ScenarioPublic(
        **_summary(record).model_dump(), scenario=scenario, warnings=demand_warnings(scenario)
    )


def _check_demand(scenario: Scenario) -> None:
    """Build the demand grid once, so a scenario that cannot be run is refused now."""
    try:
        build_demand(scenario)
    except ScenarioError as exc:
        raise ProblemsError(exc.problems, detail="the scenario's demand cannot be used") from None
    except RosteringError as exc:
        raise ProblemsError(
            [Problem(SCENARIO_FILE, "demand", str(exc))],
            detail="the scenario's demand cannot be used",
        ) from None


def _save(session: Session, scenario: Scenario, *, tenant: Tenant, source: str) -> ScenarioPublic:
    problems = text_problems(
        scenario.name,
        file=SCENARIO_FILE if source == "upload" else BODY,
        location="name",
        width=NAME_WIDTH,
    )
    if problems:
        raise ProblemsError(problems, detail="the scenario name cannot be stored")
    record = ScenarioRecord(
        tenant_id=tenant.id,
        name=scenario.name,
        source=source,
        agents=len(scenario.agents),
        channels=len(scenario.channels),
        days=scenario.horizon.days,
        start=scenario.horizon.start,
        data=scenario.model_dump(mode="json"),
    )
    session.add(record)
    session.commit()
    return _public(record)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=errors(401, 413, 422),
    summary="Create a scenario from JSON",
)
def create_scenario(
    scenario: Scenario, session: SessionDep, *, tenant: TenantDep
) -> ScenarioPublic:
    """Store a scenario given as JSON: the fields of ``scenario.yaml`` with agents and
    demand as inline lists. It is validated and its demand grid built before it is stored."""
    _check_demand(scenario)
    return _save(session, scenario, tenant=tenant, source="json")


@router.post(
    "/upload",
    status_code=status.HTTP_201_CREATED,
    responses=errors(401, 413, 422),
    summary="Create a scenario from scenario.yaml and its CSV files",
)
def upload_scenario(
    files: Annotated[
        list[UploadFile],
        File(description="scenario.yaml and the CSV files it names, each under its own name."),
    ],
    session: SessionDep,
    *,
    tenant: TenantDep,
) -> ScenarioPublic:
    """Store a scenario folder sent as a multipart upload (field ``files``, repeated).

    Problems name the uploaded file and the field path or CSV row and column.
    Nothing is stored unless every file is valid.
    """
    problems: list[Problem] = []
    names: set[str] = set()
    for upload in files:
        raw = upload.filename or ""
        name = PurePath(raw.replace("\\", "/")).name
        if not _FILE_NAME.match(name):
            problems.append(
                Problem(
                    raw or "(unnamed)",
                    "files",
                    "file names must be plain names ending .yaml, .yml or .csv",
                    raw,
                )
            )
        elif name in names:
            problems.append(Problem(name, "files", "file sent twice", name))
        names.add(name)
    if SCENARIO_FILE not in names:
        problems.append(Problem(SCENARIO_FILE, "files", "scenario.yaml is missing from the upload"))
    if problems:
        raise ProblemsError(problems, detail="the upload is not a scenario folder")
    with tempfile.TemporaryDirectory(prefix="rostering-upload-") as tmp:
        folder = Path(tmp)
        for upload in files:
            name = PurePath((upload.filename or "").replace("\\", "/")).name
            with (folder / name).open("wb") as out:
                while chunk := upload.file.read(_CHUNK):
                    out.write(chunk)
        try:
            scenario = load_scenario(folder)
        except ScenarioError as exc:
            raise ProblemsError(exc.problems, detail="invalid scenario") from None
    _check_demand(scenario)
    return _save(session, scenario, tenant=tenant, source="upload")


@router.get("", responses=errors(401, 422), summary="List scenarios")
def list_scenarios(
    session: SessionDep,
    tenant: TenantDep,
    *,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[ScenarioSummary]:
    """The tenant's scenarios, newest first."""
    rows = session.scalars(
        select(ScenarioRecord)
        .where(ScenarioRecord.tenant_id == tenant.id)
        .order_by(ScenarioRecord.created_at.desc(), ScenarioRecord.id)
        .limit(limit)
        .offset(offset)
    )
    return [_summary(r) for r in rows]


@router.get("/{scenario_id}", responses=errors(401, 404), summary="Get a scenario")
def get_scenario(record: ScenarioDep) -> ScenarioPublic:
    """A scenario with its validated contents."""
    return _public(record)


@router.delete(
    "/{scenario_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(401, 404, 409),
    summary="Delete a scenario",
)
def delete_scenario(record: ScenarioDep, session: SessionDep) -> None:
    """Delete a scenario. Its finished runs stay (they keep their own inputs);
    refused with 409 while one of its runs is queued or running."""
    active = session.scalar(
        select(func.count()).where(RunRecord.scenario_id == record.id, RunRecord.status.in_(ACTIVE))
    )
    if active:
        raise HTTPException(
            status_code=status.HTTP_409_CONFLICT,
            detail=f"{active} run(s) of this scenario are queued or running; cancel them first",
        )
    session.delete(record)
    session.commit()
