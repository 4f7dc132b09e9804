"""Dependencies of the routes, as ``Annotated`` aliases.

``SessionDep`` opens a database session per request (nothing is written
unless the handler commits); ``TenantDep`` is the tenant of the API key in
the ``X-API-Key`` header (401 without a live key). ``ScenarioDep``,
``RunDep`` and ``OutcomeDep`` are the tenant's scenario or run named by the
``{scenario_id}`` or ``{run_id}`` path parameter (404 when it has none such;
409 from ``OutcomeDep`` while the run has no results).

FastAPI solves dependencies before it validates a route's own query and body
parameters, so a route that has such parameters looks its run or scenario up
in its body with :func:`require_run`, :func:`require_outcome` or
:func:`require_scenario`: an invalid request then answers 422 before any 404.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session

from api import crud
from api.config import Settings
from api.db import Store
from api.errors import not_found
from api.models import RunRecord, ScenarioRecord, Tenant
from api.runner import Runner
from rostering.results import RunOutcome

API_KEY_HEADER = "X-API-Key"

api_key_header = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,
    description="An API key of the tenant, made with `rostering keys create TENANT`.",
)


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_store(request: Request) -> Store:
    """The app's database."""
    store: Store = request.app.state.store
    return store


def get_runner(request: Request) -> Runner:
    """The app's runner (admission, and runs handed to the dask cluster)."""
    runner: Runner = request.app.state.runner
    return runner


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
RunnerDep = Annotated[Runner, Depends(get_runner)]


def get_session(store: StoreDep) -> Iterator[Session]:
    """A database session for one request."""
    with store.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_tenant(session: SessionDep, key: Annotated[str | None, Security(api_key_header)]) -> Tenant:
    """The tenant owning the presented API key."""
    tenant = crud.authenticate(session, key) if key else None
    if tenant is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="missing or invalid API key" if key else f"send an API key in {API_KEY_HEADER}",
            headers={"WWW-Authenticate": API_KEY_HEADER},
        )
    return tenant


TenantDep = Annotated[Tenant, Depends(get_tenant)]


# ---------------------------------------------------------------------------
# the tenant's scenarios and runs


def require_scenario(session: Session, scenario_id: str, *, tenant: Tenant) -> ScenarioRecord:
    """The tenant's scenario, or 404."""
    record = crud.get_scenario(session, scenario_id, tenant=tenant)
    if record is None:
        raise not_found("scenario", scenario_id)
    return record


def require_run(
    session: Session, run_id: str, *, tenant: Tenant, load: tuple[str, ...] = ()
) -> RunRecord:
    """The tenant's run (with the named deferred columns loaded), or 404."""
    run = crud.get_run(session, run_id, tenant=tenant, load=load)
    if run is None:
        raise not_found("run", run_id)
    return run


def require_outcome(session: Session, run_id: str, *, tenant: Tenant) -> RunOutcome:
    """The stored results of the tenant's run; 404 without the run, 409 while it has none."""
    run = require_run(session, run_id, tenant=tenant, load=("outcome",))
    if run.outcome is None:
        state = "is " + run.status
        if run.error:
            state += f" ({run.error.get('message', '')})"
        raise HTTPException(
            status_code=status.HTTP_409_CONFLICT,
            detail=f"run {run_id} {state}: it has no results",
        )
    return RunOutcome.model_validate(run.outcome)


def get_scenario(scenario_id: str, session: SessionDep, tenant: TenantDep) -> ScenarioRecord:
    """The scenario of the ``{scenario_id}`` path parameter."""
    return require_scenario(session, scenario_id, tenant=tenant)


def get_run(run_id: str, session: SessionDep, tenant: TenantDep) -> RunRecord:
    """The run of the ``{run_id}`` path parameter."""
    return require_run(session, run_id, tenant=tenant)


def get_outcome(run_id: str, session: SessionDep, tenant: TenantDep) -> RunOutcome:
    """The results of the run of the ``{run_id}`` path parameter."""
    return require_outcome(session, run_id, tenant=tenant)


ScenarioDep = Annotated[ScenarioRecord, Depends(get_scenario)]
RunDep = Annotated[RunRecord, Depends(get_run)]
OutcomeDep = Annotated[RunOutcome, Depends(get_outcome)]

__all__ = [
    "API_KEY_HEADER",
    "OutcomeDep",
    "RunDep",
    "RunnerDep",
    "ScenarioDep",
    "SessionDep",
    "SettingsDep",
    "StoreDep",
    "TenantDep",
    "get_outcome",
    "get_run",
    "get_runner",
    "get_scenario",
    "get_session",
    "get_settings",
    "get_store",
    "get_tenant",
    "require_outcome",
    "require_run",
    "require_scenario",
]
