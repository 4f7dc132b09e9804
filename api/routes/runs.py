"""Runs: submit a what-if run (202), poll it, cancel it, read its results."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response, status
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from api.deps import (
    OutcomeDep,
    RunDep,
    RunnerDep,
    SessionDep,
    SettingsDep,
    TenantDep,
    require_outcome,
    require_run,
    require_scenario,
)
from api.errors import ProblemsError, errors
from api.models import RunBaseline, RunRecord, Tenant, utcnow
from api.run_status import RunStatus
from api.schemas import (
    CostLineOut,
    CostReport,
    Figure,
    ProblemOut,
    RunCreate,
    RunError,
    RunInputs,
    RunProgress,
    RunPublic,
    ViolationsReport,
)
from rostering.domain.scenario import Scenario
from rostering.errors import InputError, Problem, ScenarioError
from rostering.results import RequirementRow, RosterRow, RunKpis
from rostering.results.csv_output import XLSX_MEDIA_TYPE, csv_rows_text, rows_xlsx_bytes
from rostering.roster.solution import ROSTER_COLUMNS
from rostering.whatif import WHATIF_FILE, WhatIf, apply_whatif, baseline_from_roster

router = APIRouter(prefix="/runs", tags=["runs"])

BODY = "request body"


def run_public(session: Session, run: RunRecord) -> RunPublic:
    """The public view of a run."""
    position = None
    if run.status == RunStatus.QUEUED.value:
        ahead = session.scalar(
            select(func.count()).where(
                RunRecord.status == RunStatus.QUEUED.value,
                (RunRecord.created_at < run.created_at)
                | ((RunRecord.created_at == run.created_at) & (RunRecord.id < run.id)),
            )
        )
        position = int(ahead or 0) + 1
    error = None
    if run.error:
        error = RunError(
            message=str(run.error.get("message", "")),
            problems=[ProblemOut.model_validate(p) for p in run.error.get("problems", [])],
            conflicts=[str(c) for c in run.error.get("conflicts", [])],
        )
    return RunPublic(
        id=run.id,
        scenario_id=run.scenario_id,
        scenario_name=run.scenario_name,
        label=run.label,
        status=RunStatus(run.status),
        seed=run.seed,
        time_limit_s=run.time_limit_s,
        solver_threads=run.solver_threads,
        whatif=WhatIf.model_validate(run.whatif),
        baseline_run=run.baseline_run_id,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        cancel_requested=run.cancel_requested,
        queue_position=position,
        progress=RunProgress.model_validate(run.progress) if run.progress else None,
        error=error,
        kpis=RunKpis.model_validate(run.kpis) if run.kpis else None,
    )


def _whatif_problem(p: Problem) -> Problem:
    """A what-if problem located in the request body."""
    if p.file == WHATIF_FILE:
        return Problem(BODY, f"whatif.{p.location}", p.message, p.value)
    return p


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    responses=errors(401, 404, 409, 413, 422, 429),
    summary="Submit a what-if run",
)
def create_run(
    body: RunCreate,
    response: Response,
    *,
    session: SessionDep,
    tenant: TenantDep,
    settings: SettingsDep,
    runner: RunnerDep,
) -> RunPublic:
    """Apply the what-if to a stored scenario and queue the run; answers 202 at once.

    Poll ``GET /v1/runs/{id}`` for status and progress. The run stores the
    scenario after the what-if, the seed and the solver settings, so it can be
    reproduced (``GET /v1/runs/{id}/inputs``). With ``baseline_run`` (a
    succeeded run of the same scenario) the run starts from that run's roster
    and changes only the person-days the what-if needs; ``GET /v1/compare``
    then counts and lists them.
    """
    # Looked up here, not as a dependency, so an invalid body answers 422 before any 404.
    record = require_scenario(session, body.scenario_id, tenant=tenant)
    time_limit = body.whatif.time_limit_s or settings.default_time_limit_s
    if time_limit > settings.max_time_limit_s:
        raise ProblemsError(
            [
                Problem(
                    BODY,
                    "whatif.time_limit_s",
                    f"at most {settings.max_time_limit_s:g} s on this server",
                    str(time_limit),
                )
            ]
        )
    scenario = Scenario.model_validate(record.data)
    try:
        changed = apply_whatif(scenario, body.whatif)
    except ScenarioError as exc:
        raise ProblemsError(
            [_whatif_problem(p) for p in exc.problems], detail="the what-if cannot be applied"
        ) from None
    baseline_id = None
    if body.baseline_run is not None:
        baseline_id = _check_baseline(
            session,
            body.baseline_run,
            tenant=tenant,
            scenario_id=record.id,
            scenario=scenario,
            changed=changed,
        ).id
    else:
        for name in ("change_weight", "max_changes"):
            if getattr(body.whatif, name) is not None:
                raise ProblemsError(
                    [Problem(BODY, f"whatif.{name}", "applies only with a baseline_run")]
                )
    with runner.admission:
        refusal = runner.queue_full_reason(session, tenant_id=tenant.id)
        if refusal is not None:
            raise HTTPException(
                status_code=status.HTTP_429_TOO_MANY_REQUESTS,
                detail=refusal,
                headers={"Retry-After": str(settings.retry_after_s)},
            )
        run = RunRecord(
            tenant_id=tenant.id,
            scenario_id=record.id,
            scenario_name=record.name,
            label=body.label or body.whatif.label,
            status=RunStatus.QUEUED.value,
            seed=body.seed,
            time_limit_s=time_limit,
            solver_threads=settings.solver_threads,
            whatif=body.whatif.model_dump(mode="json"),
            inputs=changed.model_dump(mode="json"),
        )
        session.add(run)
        session.flush()
        if baseline_id is not None:
            session.add(RunBaseline(run_id=run.id, baseline_run_id=baseline_id))
        session.commit()
    runner.wake()
    response.headers["Location"] = f"/v1/runs/{run.id}"
    return run_public(session, run)


def _check_baseline(
    session: Session,
    run_id: str,
    *,
    tenant: Tenant,
    scenario_id: str,
    scenario: Scenario,
    changed: Scenario,
) -> RunRecord:
    """The tenant's succeeded run of this scenario that a what-if may start from.

    404 when the tenant has no such run, 409 while it has no roster, 422 when
    it is of another scenario or its roster does not fit the scenario.
    """
    base = require_run(session, run_id, tenant=tenant, load=("inputs",))
    if base.scenario_id != scenario_id:
        raise ProblemsError(
            [
                Problem(
                    BODY,
                    "baseline_run",
                    f"run {run_id} is a run of scenario {base.scenario_id or base.scenario_name!r}"
                    f", not of {scenario_id}",
                    run_id,
                )
            ],
            detail="the baseline run is of another scenario",
        )
    outcome = require_outcome(session, run_id, tenant=tenant)
    ran = Scenario.model_validate(base.inputs)
    try:
        baseline_from_roster(
            outcome.roster,
            ran=ran,
            scenario=scenario,
            changed=changed,
            source=f"roster of run {run_id}",
        )
    except InputError as exc:
        raise ProblemsError(
            [Problem(BODY, "baseline_run", str(exc), run_id)],
            detail="the baseline run's roster does not fit the scenario",
        ) from None
    return base


@router.get("", responses=errors(401, 422), summary="List runs")
def list_runs(
    session: SessionDep,
    tenant: TenantDep,
    *,
    scenario_id: Annotated[str | None, Query(max_length=64)] = None,
    run_status: Annotated[RunStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[RunPublic]:
    """The tenant's runs, newest first, optionally of one scenario or in one status."""
    query = select(RunRecord).where(RunRecord.tenant_id == tenant.id)
    if scenario_id is not None:
        query = query.where(RunRecord.scenario_id == scenario_id)
    if run_status is not None:
        query = query.where(RunRecord.status == run_status.value)
    query = query.order_by(RunRecord.created_at.desc(), RunRecord.id).limit(limit).offset(offset)
    return [run_public(session, r) for r in session.scalars(query)]


@router.get("/{run_id}", responses=errors(401, 404), summary="Status and progress of a run")
def read_run(run: RunDep, session: SessionDep) -> RunPublic:
    """Status, live progress (objective, bound, gap, elapsed) and, once done, the KPIs."""
    return run_public(session, run)


@router.delete(
    "/{run_id}",
    status_code=status.HTTP_202_ACCEPTED,
    responses=errors(401, 404, 409),
    summary="Cancel a run",
)
def cancel_run(run_id: str, run: RunDep, session: SessionDep, *, runner: RunnerDep) -> RunPublic:
    """Cancel a queued run at once, or ask a running one to stop (202).

    A running run stops at its next solver report, or is stopped within a few
    seconds; poll until its status is ``cancelled``. 409 once it has finished.
    """
    if not RunStatus(run.status).active:
        raise HTTPException(
            status_code=status.HTTP_409_CONFLICT,
            detail=f"run {run_id} has already finished ({run.status})",
        )
    dequeued = session.execute(
        update(RunRecord)
        .where(RunRecord.id == run.id, RunRecord.status == RunStatus.QUEUED.value)
        .values(
            status=RunStatus.CANCELLED.value,
            cancel_requested=True,
            finished_at=utcnow(),
            error={"message": "cancelled before it started"},
        )
        .returning(RunRecord.id)
    ).scalar_one_or_none()
    if not dequeued:
        session.execute(
            update(RunRecord).where(RunRecord.id == run.id).values(cancel_requested=True)
        )
    session.commit()
    session.refresh(run)
    runner.wake()
    return run_public(session, run)


@router.get("/{run_id}/inputs", responses=errors(401, 404), summary="Exact inputs of a run")
def read_inputs(run: RunDep) -> RunInputs:
    """The scenario after the what-if, the what-if, seed and solver settings."""
    # ``inputs`` is a deferred column: reading it loads it in the request's session.
    return RunInputs(
        scenario=Scenario.model_validate(run.inputs),
        whatif=WhatIf.model_validate(run.whatif),
        baseline_run=run.baseline_run_id,
        seed=run.seed,
        time_limit_s=run.time_limit_s,
        solver_threads=run.solver_threads,
    )


@router.get("/{run_id}/roster", responses=errors(401, 404, 409), summary="Roster as JSON")
def read_roster(outcome: OutcomeDep) -> list[RosterRow]:
    """One row per person and day worked or on standby (the ``roster.csv`` columns)."""
    return outcome.roster


@router.get(
    "/{run_id}/roster.csv",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV"},
        **errors(401, 404, 409),
    },
    summary="Roster as CSV",
)
def read_roster_csv(run_id: str, outcome: OutcomeDep) -> Response:
    """The roster as ``roster.csv`` (text a spreadsheet would run as a formula is quoted)."""
    rows = [row.model_dump(mode="json") for row in outcome.roster]
    return Response(
        csv_rows_text(rows, ROSTER_COLUMNS),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="roster-{run_id}.csv"'},
    )


@router.get(
    "/{run_id}/roster.xlsx",
    response_class=Response,
    responses={
        200: {
            "content": {XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            "description": "Excel workbook",
        },
        **errors(401, 404, 409),
    },
    summary="Roster as an Excel workbook",
)
def read_roster_xlsx(run_id: str, outcome: OutcomeDep) -> Response:
    """The roster as ``roster.xlsx``: dates as dates, text as text, never a formula."""
    rows = [row.model_dump(mode="json") for row in outcome.roster]
    return Response(
        rows_xlsx_bytes(rows, ROSTER_COLUMNS),
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="roster-{run_id}.xlsx"'},
    )


@router.get(
    "/{run_id}/requirements",
    responses=errors(401, 404, 409, 422),
    summary="Required and scheduled staff per interval",
)
def read_requirements(
    run_id: str,
    session: SessionDep,
    *,
    tenant: TenantDep,
    channel: Annotated[str | None, Query(max_length=100)] = None,
) -> list[RequirementRow]:
    """Per interval and channel: volume, AHT, required and scheduled staff, predicted service."""
    # Looked up here, not as a dependency, so an invalid query answers 422 before any 404.
    rows = require_outcome(session, run_id, tenant=tenant).requirements
    return [r for r in rows if channel is None or r.channel == channel]


@router.get("/{run_id}/kpis", responses=errors(401, 404, 409), summary="KPIs of a run")
def read_kpis(outcome: OutcomeDep) -> RunKpis:
    """Service per channel, labour cost and the solver's outcome."""
    return outcome.kpis


@router.get("/{run_id}/cost", responses=errors(401, 404, 409), summary="Labour cost")
def read_cost(outcome: OutcomeDep) -> CostReport:
    """Pay per person by component (base, overtime, holiday premium, standby), and in total."""
    lines = [
        CostLineOut(
            agent=str(c.agent),
            days_worked=c.days_worked,
            base=c.base,
            overtime=c.overtime,
            holiday_premium=c.holiday_premium,
            standby=c.standby,
            total=c.total,
        )
        for c in outcome.costs
    ]
    return CostReport(total=sum(line.total for line in lines), lines=lines)


@router.get("/{run_id}/violations", responses=errors(401, 404, 409), summary="Rule violations")
def read_violations(outcome: OutcomeDep) -> ViolationsReport:
    """Soft rules the roster does not meet, with where, how much and what it costs."""
    return ViolationsReport(
        valid=outcome.kpis.valid,
        hard_violations=outcome.kpis.hard_violations,
        violations=outcome.violations,
        conflicts=outcome.conflicts,
    )


@router.get("/{run_id}/gantt", responses=errors(401, 404, 409), summary="Roster Gantt figure")
def read_gantt(
    run_id: str, _outcome: OutcomeDep, session: SessionDep, *, tenant: TenantDep
) -> Figure:
    """The roster Gantt chart as plotly JSON: ``Plotly.newPlot(el, fig.data, fig.layout)``."""
    # The outcome dependency answers 404 or 409 first; the figure is a column of its own.
    run = require_run(session, run_id, tenant=tenant, load=("gantt",))
    if run.gantt is None:
        raise HTTPException(
            status_code=status.HTTP_404_NOT_FOUND,
            detail=f"run {run_id} has no Gantt figure (the chart module was not available "
            "when it ran)",
        )
    figure: dict[str, Any] = run.gantt
    return Figure.model_validate(figure)
