"""Persistence of tenants, API keys, scenarios and runs (SQLAlchemy 2.0 ORM).

::

    tenants 1──* api_keys        a key belongs to one tenant (a client project)
    tenants 1──* scenarios       the scenario as validated JSON (CSV rows inlined)
    tenants 1──* runs *──0..1 scenarios
                                 a run keeps its exact inputs (the scenario after
                                 its what-if), the what-if, seed and solver settings,
                                 so it can be reproduced after its scenario is gone

API keys are shown once, when created, and stored as a salted SHA-256 of
their secret part (keys are 256-bit random tokens, so a slow hash adds
nothing). A key reads ``rk_<key id>_<secret>``; the key id finds the row and
the secret is compared in constant time.

Works on SQLite (the default; WAL journal so worker processes can write
progress while the web process reads) and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Integer,
    String,
    create_engine,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    sessionmaker,
)
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)

KEY_PREFIX = "rk"


def utcnow() -> dt.datetime:
    """The current time in UTC, time-zone aware."""
    return dt.datetime.now(dt.UTC)


def new_id() -> str:
    """A fresh random id (32 hex digits)."""
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A UTC timestamp that reads back time-zone aware on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class RunStatus(StrEnum):
    """Where a run is in its life."""

    QUEUED = "queued"
    """Accepted, waiting for a worker."""
    RUNNING = "running"
    """A worker is sizing and solving it."""
    SUCCEEDED = "succeeded"
    """Finished; results are stored (the roster may still miss coverage)."""
    FAILED = "failed"
    """Finished without a roster: bad input, hard rules that cannot hold, or a crash."""
    CANCELLED = "cancelled"
    """Stopped on request; the best roster found before the stop is kept, if any."""
    INTERRUPTED = "interrupted"
    """The server stopped while it ran; submit it again to rerun."""

    @property
    def active(self) -> bool:
        """True while the run waits or runs."""
        return self in (RunStatus.QUEUED, RunStatus.RUNNING)


ACTIVE = (RunStatus.QUEUED.value, RunStatus.RUNNING.value)


class Base(DeclarativeBase):
    """Declarative base of every table."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, dt.datetime: UTCDateTime}


class Tenant(Base):
    """A client project; owns keys, scenarios and runs."""

    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    keys: Mapped[list[ApiKey]] = relationship(back_populates="tenant")


class ApiKey(Base):
    """A hashed API key of a tenant."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    salt: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    tenant: Mapped[Tenant] = relationship(back_populates="keys")


class ScenarioRecord(Base):
    """A validated scenario of a tenant."""

    __tablename__ = "scenarios"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(16), default="json")
    agents: Mapped[int] = mapped_column(Integer)
    channels: Mapped[int] = mapped_column(Integer)
    days: Mapped[int] = mapped_column(Integer)
    start: Mapped[dt.date] = mapped_column()
    data: Mapped[dict[str, Any]] = mapped_column(deferred=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class RunRecord(Base):
    """A run: its exact inputs, its state while it runs, and its results."""

    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    scenario_id: Mapped[str | None] = mapped_column(
        ForeignKey("scenarios.id", ondelete="SET NULL"), index=True
    )
    scenario_name: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), index=True, default=RunStatus.QUEUED.value)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    time_limit_s: Mapped[float] = mapped_column(Float)
    solver_threads: Mapped[int] = mapped_column(Integer, default=1)
    whatif: Mapped[dict[str, Any]] = mapped_column()
    inputs: Mapped[dict[str, Any]] = mapped_column(deferred=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    finished_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    progress: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    worker_pid: Mapped[int | None] = mapped_column(Integer, default=None)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    kpis: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None, deferred=True)
    gantt: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None, deferred=True)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a long busy timeout.

    ``sqlite://`` (in memory) suits a single process only: worker processes
    cannot see it.
    """
    if url.startswith("sqlite"):
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            # An in-memory database lives in one connection, shared by every session.
            pool_pre_ping=not in_memory,
            # SQLite connections are cheap; a request holds one while it runs.
            **({"poolclass": StaticPool} if in_memory else {"pool_size": 20, "max_overflow": 40}),
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class Store:
    """The database of one app (or one worker process)."""

    def __init__(self, url: str) -> None:
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def create_all(self) -> None:
        """Create the tables that do not exist yet."""
        Base.metadata.create_all(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session; nothing is written unless the caller commits."""
        with self.sessions() as session:
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


# ---------------------------------------------------------------------------
# tenants and keys


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode("utf-8")).hexdigest()


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
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    row = ApiKey(
        id=key_id, tenant_id=tenant.id, label=label, salt=salt, digest=_digest(salt, secret)
    )
    session.add(row)
    session.flush()
    return row, f"{KEY_PREFIX}_{key_id}_{secret}"


def authenticate(session: Session, presented: str) -> Tenant | None:
    """The tenant whose live key this is, or None."""
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    row = session.get(ApiKey, parts[1])
    if row is None or row.revoked_at is not None:
        return None
    if not hmac.compare_digest(row.digest, _digest(row.salt, parts[2])):
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
# runs


def count_active(session: Session) -> int:
    """Runs queued or running, over every tenant."""
    return int(session.scalar(select(func.count()).where(RunRecord.status.in_(ACTIVE))) or 0)


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
    "ACTIVE",
    "ApiKey",
    "Base",
    "RunRecord",
    "RunStatus",
    "ScenarioRecord",
    "Store",
    "Tenant",
    "authenticate",
    "count_active",
    "create_api_key",
    "get_or_create_tenant",
    "list_api_keys",
    "make_engine",
    "new_id",
    "recover_after_restart",
    "revoke_api_key",
    "utcnow",
]
