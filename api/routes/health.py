"""Health: is the server up, and how busy is it."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import func, select

from api.config import VERSION
from api.deps import RunnerDep, SessionDep, SettingsDep
from api.models import RunRecord
from api.run_status import RunStatus
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", summary="Server health")
def health(session: SessionDep, settings: SettingsDep, runner: RunnerDep) -> Health:
    """Up, with the runs queued and running and the solve slots of the dask cluster.

    No API key is needed. ``workers`` is what the cluster offers now (local or
    external), or the configured local workers before it is connected.
    """
    rows = session.execute(
        select(RunRecord.status, func.count())
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
        capacity=settings.max_queue,
    )
