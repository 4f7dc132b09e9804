"""Settings of the HTTP API, read from the environment (prefix ``ROSTERING_``).

``DATABASE_URL`` (or ``ROSTERING_DATABASE_URL``) names the database: a
SQLAlchemy URL such as ``postgresql+psycopg://user:pass@host/db``, or a plain
file path for SQLite. The default is the SQLite file ``runs/rostering.sqlite``.
``ROSTERING_DASK_SCHEDULER`` (``tcp://host:8786``) sends runs to a dask
cluster whose workers offer ``--resources solve=N``; unset, the server starts
a local cluster of ``ROSTERING_WORKERS`` processes.
:data:`VERSION` is the version the API reports (the installed package's).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Self

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE = "runs/rostering.sqlite"

try:
    VERSION = version("rostering")
except PackageNotFoundError:  # running from a source tree
    VERSION = "0+source"


class Settings(BaseSettings):
    """Where runs are stored, where they are solved and how many may run at once."""

    model_config = SettingsConfigDict(env_prefix="ROSTERING_", extra="ignore")

    database_url: str = Field(
        DEFAULT_DATABASE,
        validation_alias=AliasChoices("DATABASE_URL", "ROSTERING_DATABASE_URL", "database_url"),
        description="SQLAlchemy URL, or a file path for SQLite.",
    )
    workers: int = Field(
        2,
        ge=1,
        le=64,
        description="Runs solved at the same time: the worker processes of the local cluster.",
    )
    dask_scheduler: str | None = Field(
        None,
        description=(
            "Address of a dask scheduler (tcp://host:8786) whose workers offer "
            "--resources solve=N; unset: a local cluster of `workers` processes."
        ),
    )
    solver_threads: int = Field(1, ge=1, le=64, description="CP-SAT threads per run.")
    max_queue: int = Field(
        32, ge=1, le=10_000, description="Queued plus running runs accepted before 429."
    )
    max_queue_per_tenant: int = Field(
        16,
        ge=1,
        le=10_000,
        description="Queued plus running runs of one tenant accepted before 429, so one "
        "tenant's burst leaves room for the others.",
    )
    retry_after_s: int = Field(15, ge=1, description="Retry-After sent with a 429.")
    max_upload_bytes: int = Field(
        5 * 1024 * 1024, ge=1024, description="Largest request body accepted (413 above)."
    )
    default_time_limit_s: float = Field(30.0, gt=0, description="Solver time limit if none given.")
    max_time_limit_s: float = Field(600.0, gt=0, description="Largest time limit a run may ask.")
    kill_grace_s: float = Field(
        60.0,
        gt=0,
        description="Seconds past its time limit (plus sizing) before a run's worker is stopped.",
    )
    cancel_grace_s: float = Field(
        3.0, gt=0, description="Seconds a cancelled run may take to stop before it is killed."
    )
    poll_interval_s: float = Field(
        0.2, gt=0, description="How often the runner submits queued runs and watches running ones."
    )
    progress_interval_s: float = Field(
        0.5, gt=0, description="Least time between two progress writes of a run."
    )
    start_runner: bool = Field(
        True, description="Connect to (or start) the dask cluster with the app."
    )

    @field_validator("database_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if "://" in value:
            return value
        return f"sqlite:///{Path(value).expanduser().resolve()}"

    @field_validator("dask_scheduler")
    @classmethod
    def _scheduler(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None  # an empty variable means no external cluster
        return value.strip()

    @model_validator(mode="after")
    def _limits(self) -> Self:
        if self.default_time_limit_s > self.max_time_limit_s:
            raise ValueError("default_time_limit_s exceeds max_time_limit_s")
        return self


__all__ = ["DEFAULT_DATABASE", "VERSION", "Settings"]
