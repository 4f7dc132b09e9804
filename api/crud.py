"""Queries shared by the routes, the dependencies, the run dispatcher and the CLI.

Tenants and API keys (``rostering keys`` uses these), lookups of a tenant's
scenario or run, and the run-queue queries. Nothing here commits: the caller
decides when a change is written. Lookups return ``None`` when nothing
matches; turning that into an HTTP answer is :mod:`api.deps`'s job.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, undefer

from api.models import ApiKey, RunRecord, ScenarioRecord, Tenant, utcnow
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
    """The tenant whose live key this is, or None."""
    parts = split_key(presented)
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


def count_active(session: Session) -> int:
    """Runs queued or running, over every tenant."""
    return int(session.scalar(select(func.count()).where(RunRecord.status.in_(ACTIVE))) or 0)


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


__all__ = [
    "authenticate",
    "cancel_requested",
    "count_active",
    "create_api_key",
    "get_or_create_tenant",
    "get_run",
    "get_scenario",
    "list_api_keys",
    "recover_after_restart",
    "revoke_api_key",
]
