"""Health: is the server up, and (with an API key) how busy is it for the key's tenant."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Security
from sqlalchemy import func, select

from api.config import VERSION
from api.deps import RunnerDep, SessionDep, SettingsDep, api_key_header, get_tenant
from api.errors import errors
from api.models import RunRecord
from api.run_status import RunStatus
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", responses=errors(401), summary="Server health")
def health(
    session: SessionDep,
    settings: SettingsDep,
    runner: RunnerDep,
    key: Annotated[str | None, Security(api_key_header)] = None,
) -> Health:
    """Up, and the version. No API key is needed.

    With a key, also the key's tenant's runs queued and running, how many it
    may have before 429 (the smaller of its own limit and the server's), and
    the solve slots of the dask cluster (what it offers now, or the configured
    local workers before it is connected). Other tenants' runs are never
    counted here; an invalid key answers 401.
    """
    if not key:
        return Health(status="ok", version=VERSION)
    tenant = get_tenant(session, key)
    rows = session.execute(
        select(RunRecord.status, func.count())
        .where(RunRecord.tenant_id == tenant.id)
        .where(RunRecord.status.in_([RunStatus.QUEUED.value, RunStatus.RUNNING.value]))
        .group_by(RunRecord.status)
    )
    counts = {status: int(count) for status, count in rows}
    return Health(
        status="ok",
        version=VERSION,
        workers=runner.solve_slots() or settings.workers,
        queued=counts.get(RunStatus.QUEUED.value, 0),
        running=counts.get(RunStatus.RUNNING.value, 0),
        capacity=min(settings.max_queue, settings.max_queue_per_tenant),
    )
