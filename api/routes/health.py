"""Health: is the server up, and how busy is it."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import func, select

from api.config import VERSION
from api.deps import SessionDep, SettingsDep
from api.models import RunRecord
from api.run_status import RunStatus
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", summary="Server health")
def health(session: SessionDep, settings: SettingsDep) -> Health:
    """Up, with the number of runs queued and running (no API key needed)."""
    rows = session.execute(
        select(RunRecord.status, func.count())
        .where(RunRecord.status.in_([RunStatus.QUEUED.value, RunStatus.RUNNING.value]))
        .group_by(RunRecord.status)
    )
    counts = {status: int(count) for status, count in rows}
    return Health(
        status="ok",
        version=VERSION,
        workers=settings.workers,
        queued=counts.get(RunStatus.QUEUED.value, 0),
        running=counts.get(RunStatus.RUNNING.value, 0),
        capacity=settings.max_queue,
    )
