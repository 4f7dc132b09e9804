"""Queries shared by the routes, the dependencies, the runner, its tasks and the CLI.

Tenants and API keys (``rostering keys`` uses these), lookups of a tenant's
scenario or run, the run-queue queries, and the attempts of a run on the
cluster. Nothing here commits: the caller decides when a change is written.
Lookups return ``None`` when nothing matches; turning that into an HTTP
answer is :mod:`api.deps`'s job.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, func, select, update
from sqlalchemy.orm import Session, undefer

from api.models import ApiKey, RunAttempt, RunRecord, ScenarioRecord, Tenant, new_id, utcnow
from api.run_status import ACTIVE, RunStatus
from api.security import generate_key, secret_matches, split_key

# ---------------------------------------------------------------------------
# tenants and keys


def get_or_create_tenant(session: Session, name: str) -> Tenant:
    """The tenant called ``name``, created if new (the caller commits)."""
    tenant = session.scalar(select(Tenant).where(Tenant.name == name))
    if tenant is None:
        tenant = Tenant(name=name)
        session.add(tenant)
        session.flush()
    return tenant


def create_api_key(session: Session, tenant_name: str, *, label: str = "") -> tuple[ApiKey, str]:
    """A new key for a tenant (created if new). Returns the row and the key text.

    The key text is not stored; show it once.
    """
    tenant = get_or_create_tenant(session, tenant_name)
    key = generate_key()
    row = ApiKey(id=key.key_id, tenant_id=tenant.id, label=label, salt=key.salt, digest=key.digest)
    session.add(row)
    session.flush()
    return row, key.text


def authenticate(session: Session, presented: str) -> Tenant | None:
    """The tenant whose live key this is, or None (a NUL byte never reaches the database)."""
    parts = split_key(presented) if "\x00" not in presented else None
    if parts is None:
        return None
    key_id, secret = parts
    row = session.get(ApiKey, key_id)
    if row is None or row.revoked_at is not None:
        return None
    if not secret_matches(secret, salt=row.salt, digest=row.digest):
        return None
    return row.tenant


def list_api_keys(session: Session, tenant_name: str | None = None) -> list[ApiKey]:
    """Keys, oldest first, of one tenant or of all."""
    query = select(ApiKey).join(Tenant).order_by(ApiKey.created_at, ApiKey.id)
    if tenant_name is not None:
        query = query.where(Tenant.name == tenant_name)
    return list(session.scalars(query))


def revoke_api_key(session: Session, key_id: str) -> bool:
    """Revoke a key by id; False when no live key has that id."""
    row = session.get(ApiKey, key_id)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    return True


# ---------------------------------------------------------------------------
# a tenant's scenarios and runs


def get_scenario(session: Session, scenario_id: str, *, tenant: Tenant) -> ScenarioRecord | None:
    """The tenant's scenario, or None (also when another tenant owns it)."""
    return session.scalar(
        select(ScenarioRecord).where(
            ScenarioRecord.id == scenario_id, ScenarioRecord.tenant_id == tenant.id
        )
    )


def get_run(
    session: Session, run_id: str, *, tenant: Tenant, load: tuple[str, ...] = ()
) -> RunRecord | None:
    """The tenant's run with the named deferred columns loaded, or None."""
    query = select(RunRecord).where(RunRecord.id == run_id, RunRecord.tenant_id == tenant.id)
    for column in load:
        query = query.options(undefer(getattr(RunRecord, column)))
    return session.scalar(query)


# ---------------------------------------------------------------------------
# the run queue, over every tenant


def count_active(session: Session, *, tenant_id: str | None = None) -> int:
    """Runs queued or running, of one tenant or (without ``tenant_id``) of every tenant."""
    query = select(func.count()).where(RunRecord.status.in_(ACTIVE))
    if tenant_id is not None:
        query = query.where(RunRecord.tenant_id == tenant_id)
    return int(session.scalar(query) or 0)


def cancel_requested(session: Session, run_id: str) -> bool:
    """True once someone asked to cancel the run."""
    return bool(session.scalar(select(RunRecord.cancel_requested).where(RunRecord.id == run_id)))


def recover_after_restart(session: Session) -> list[str]:
    """Mark runs left running by a stopped server as interrupted; return their ids.

    Queued runs never started, so they stay queued and run again.
    """
    ids = list(
        session.scalars(select(RunRecord.id).where(RunRecord.status == RunStatus.RUNNING.value))
    )
    if ids:
        session.execute(
            update(RunRecord)
            .where(RunRecord.id.in_(ids))
            .values(
                status=RunStatus.INTERRUPTED.value,
                finished_at=utcnow(),
                worker_pid=None,
                error={"message": "the server stopped while this run was solving"},
            )
        )
    return ids


# ---------------------------------------------------------------------------
# attempts: which task on the cluster may write a run


def new_attempt(session: Session, run_id: str) -> str:
    """Give a run a fresh attempt token, replacing any earlier one; returns the token."""
    token = new_id()
    row = session.get(RunAttempt, run_id)
    if row is None:
        session.add(RunAttempt(run_id=run_id, token=token))
    else:
        row.token, row.worker, row.submitted_at = token, None, utcnow()
    session.flush()
    return token


def is_attempt(run_id: str, attempt: str) -> ColumnElement[bool]:
    """SQL condition: ``attempt`` is the run's current attempt."""
    return exists().where(RunAttempt.run_id == run_id, RunAttempt.token == attempt)


def held_by(run_id: str, attempt: str | None) -> ColumnElement[bool]:
    """SQL condition: the run is running, under ``attempt`` when one is given.

    Every write of a running run's task and of the runner is conditioned on
    this, so a run marked interrupted, cancelled or failed stays so.
    """
    running = and_(RunRecord.id == run_id, RunRecord.status == RunStatus.RUNNING.value)
    return running if attempt is None else and_(running, is_attempt(run_id, attempt))


def claim_run(session: Session, run_id: str, attempt: str, *, worker: str | None, pid: int) -> bool:
    """Start a queued run under ``attempt``; False when it is not queued under it."""
    claimed = session.execute(
        update(RunRecord)
        .where(
            RunRecord.id == run_id,
            RunRecord.status == RunStatus.QUEUED.value,
            is_attempt(run_id, attempt),
        )
        .values(status=RunStatus.RUNNING.value, started_at=utcnow(), worker_pid=pid)
        .returning(RunRecord.id)
    ).scalar_one_or_none()
    if claimed is None:
        return False
    session.execute(
        update(RunAttempt)
        .where(RunAttempt.run_id == run_id, RunAttempt.token == attempt)
        .values(worker=worker)
    )
    return True


def end_run(
    session: Session, run_id: str, attempt: str | None, *, status: RunStatus, **values: Any
) -> bool:
    """Store a running run's ending (status, finished_at and ``values``) if ``attempt``
    still holds it; False when it does not (it ended already, or another attempt has it).
    """
    ended = session.execute(
        update(RunRecord)
        .where(held_by(run_id, attempt))
        .values(status=status.value, finished_at=utcnow(), worker_pid=None, **values)
        .returning(RunRecord.id)
    ).scalar_one_or_none()
    return ended is not None


def requeue_run(session: Session, run_id: str, attempt: str) -> bool:
    """End ``attempt`` (its task can write nothing more) and put the run back in the
    queue if the attempt had it running; True if it did. For the runs of a worker that
    is restarted because of another run."""
    back = session.execute(
        update(RunRecord)
        .where(held_by(run_id, attempt))
        .values(status=RunStatus.QUEUED.value, started_at=None, worker_pid=None, progress=None)
        .returning(RunRecord.id)
    ).scalar_one_or_none()
    session.execute(
        delete(RunAttempt).where(RunAttempt.run_id == run_id, RunAttempt.token == attempt)
    )
    return back is not None


__all__ = [
    "authenticate",
    "cancel_requested",
    "claim_run",
    "count_active",
    "create_api_key",
    "end_run",
    "get_or_create_tenant",
    "get_run",
    "get_scenario",
    "held_by",
    "is_attempt",
    "list_api_keys",
    "new_attempt",
    "recover_after_restart",
    "requeue_run",
    "revoke_api_key",
]
