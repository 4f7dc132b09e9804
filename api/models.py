"""The tables of the API, as SQLAlchemy 2.0 ORM models.

::

    tenants 1──* api_keys        a key belongs to one tenant (a client project)
    tenants 1──* scenarios       the scenario as validated JSON (CSV rows inlined)
    tenants 1──* runs *──0..1 scenarios
                                 a run keeps its exact inputs (the scenario after
                                 its what-if), the what-if, seed and solver settings,
                                 so it can be reproduced after its scenario is gone
    runs 1──0..1 run_baselines *──1 runs
                                 a what-if run started from another run's roster
                                 (a table of its own: databases made before it get
                                 it from create_all, with no change to ``runs``)
    runs 1──0..1 run_attempts    the current attempt of a run on the dask cluster:
                                 a token its task must present to claim the run and
                                 store its progress and results, and the worker it
                                 runs on (a table of its own, for the same reason)

Only the mapping lives here: the engine and sessions are in :mod:`api.db`,
the queries in :mod:`api.crud`, and key hashing in :mod:`api.security`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, DateTime, Dialect, Float, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from api.run_status import RunStatus

NAME_WIDTH = 200
"""Characters of a name or label column (tenant, key label, scenario, run); the API
refuses wider text with 422 rather than let PostgreSQL refuse it with an error."""


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


class Base(DeclarativeBase):
    """Declarative base of every table."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, dt.datetime: UTCDateTime}


class Tenant(Base):
    """A client project; owns keys, scenarios and runs."""

    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(NAME_WIDTH), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    keys: Mapped[list[ApiKey]] = relationship(back_populates="tenant")


class ApiKey(Base):
    """A hashed API key of a tenant (see :mod:`api.security`)."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(NAME_WIDTH), default="")
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
    name: Mapped[str] = mapped_column(String(NAME_WIDTH))
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
    scenario_name: Mapped[str] = mapped_column(String(NAME_WIDTH))
    label: Mapped[str] = mapped_column(String(NAME_WIDTH), default="")
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

    baseline: Mapped[RunBaseline | None] = relationship(
        foreign_keys="RunBaseline.run_id", lazy="selectin", cascade="all, delete-orphan"
    )

    @property
    def baseline_run_id(self) -> str | None:
        """The run whose roster this run starts from, if any."""
        return self.baseline.baseline_run_id if self.baseline is not None else None


class RunBaseline(Base):
    """The run a what-if run starts from: its roster is kept where the what-if allows."""

    __tablename__ = "run_baselines"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    baseline_run_id: Mapped[str] = mapped_column(
        ForeignKey("runs.id", ondelete="CASCADE"), index=True
    )


class RunAttempt(Base):
    """The current attempt of a run: the task on the cluster allowed to write it.

    The runner draws a new ``token`` each time it hands the run to the cluster.
    A task claims the run, writes its progress and stores its ending only while
    its token is the run's, so a task left over from an earlier attempt (a
    server that stopped, a worker that was restarted) changes nothing.
    """

    __tablename__ = "run_attempts"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    worker: Mapped[str | None] = mapped_column(String(200), default=None)
    """The address of the dask worker the run is solving on, once it started."""
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


__all__ = [
    "NAME_WIDTH",
    "ApiKey",
    "Base",
    "RunAttempt",
    "RunBaseline",
    "RunRecord",
    "ScenarioRecord",
    "Tenant",
    "UTCDateTime",
    "new_id",
    "utcnow",
]
