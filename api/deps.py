"""Dependencies of the routes, as ``Annotated`` aliases.

``SessionDep`` opens a database session per request (nothing is written
unless the handler commits); ``TenantDep`` is the tenant of the API key in
the ``X-API-Key`` header (401 without a live key).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session

from api.config import Settings
from api.runner import Runner
from api.store import Store, Tenant, authenticate

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
    """The app's run dispatcher."""
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
    tenant = authenticate(session, key) if key else None
    if tenant is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="missing or invalid API key" if key else f"send an API key in {API_KEY_HEADER}",
            headers={"WWW-Authenticate": API_KEY_HEADER},
        )
    return tenant


TenantDep = Annotated[Tenant, Depends(get_tenant)]

__all__ = [
    "API_KEY_HEADER",
    "RunnerDep",
    "SessionDep",
    "SettingsDep",
    "StoreDep",
    "TenantDep",
    "get_runner",
    "get_session",
    "get_settings",
    "get_store",
    "get_tenant",
]
