"""Helpers of the API tests: uploads, submissions, polling, in-process solving."""

from __future__ import annotations

import contextlib
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, func, make_url, select, text
from starlette.exceptions import StarletteDeprecationWarning

from api.crud import create_api_key
from api.db import Store
from api.models import RunRecord, ScenarioRecord, utcnow
from api.run_status import RunStatus
from api.worker import execute_run

with warnings.catch_warnings():
    # The test client prefers httpx2; httpx works the same for these tests.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

REFERENCE = Path(__file__).resolve().parents[2] / "scenarios" / "reference-online"
SCENARIO_FILES = ("scenario.yaml", "agents.csv", "daily.csv", "profile.csv")

#: A what-if asking for a short solve (the reference roster is optimal in well under 1 s).
QUICK = {"time_limit_s": 5}


def reference_files() -> list[tuple[str, tuple[str, bytes]]]:
    """The reference scenario folder as multipart ``files`` fields."""
    # The scenario file and the CSVs it names (the folder also holds an ACD export).
    return [("files", (name, (REFERENCE / name).read_bytes())) for name in SCENARIO_FILES]


@contextlib.contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the PostgreSQL server of ``server_url``: its URL, and
    the database dropped afterwards (connections still open to it are ended)."""
    server = make_url(server_url)
    name = f"rostering_test_{uuid.uuid4().hex}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def headers(key: str) -> dict[str, str]:
    """Request headers carrying an API key."""
    return {"X-API-Key": key}


def new_key(app: FastAPI, tenant: str) -> str:
    """A fresh API key of a tenant, made directly in the app's database."""
    store: Store = app.state.store
    with store.session() as session:
        _, key = create_api_key(session, tenant)
        session.commit()
    return key


SITE_M = Path(__file__).resolve().parents[2] / "scenarios" / "site-m"


def upload_folder(client: TestClient, key: str, folder: Path) -> str:
    """Store a scenario folder (its YAML and CSV files) for a tenant; returns its id."""
    files = [
        ("files", (p.name, p.read_bytes()))
        for p in sorted(folder.iterdir())
        if p.suffix in (".yaml", ".csv")
    ]
    response = client.post("/v1/scenarios/upload", files=files, headers=headers(key))
    assert response.status_code == 201, response.text
    scenario_id: str = response.json()["id"]
    return scenario_id


def upload_reference(client: TestClient, key: str) -> str:
    """Store the reference scenario for a tenant; returns its id."""
    response = client.post("/v1/scenarios/upload", files=reference_files(), headers=headers(key))
    assert response.status_code == 201, response.text
    scenario_id: str = response.json()["id"]
    return scenario_id


def submit(
    client: TestClient, key: str, scenario_id: str, whatif: dict[str, Any] | None = None
) -> dict[str, Any]:
    """POST a run and return its body (asserting 202)."""
    body = {"scenario_id": scenario_id, "whatif": {**QUICK, **(whatif or {})}}
    response = client.post("/v1/runs", json=body, headers=headers(key))
    assert response.status_code == 202, response.text
    data: dict[str, Any] = response.json()
    return data


def wait_for(
    client: TestClient,
    key: str,
    run_id: str,
    done: Callable[[dict[str, Any]], bool],
    *,
    timeout_s: float = 90.0,
) -> dict[str, Any]:
    """Poll a run until ``done(run)``; fail after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        run: dict[str, Any] = client.get(f"/v1/runs/{run_id}", headers=headers(key)).json()
        if done(run):
            return run
        if time.monotonic() > deadline:
            pytest.fail(f"run {run_id} still {run['status']} after {timeout_s} s: {run}")
        time.sleep(0.2)


def finished(run: dict[str, Any]) -> bool:
    """True once a run has left the queue and the solver."""
    return run["status"] not in ("queued", "running")


def scenario_count(app: FastAPI) -> int:
    """How many scenarios the app's database holds, over every tenant."""
    with app.state.store.session() as s:
        return int(s.scalar(select(func.count()).select_from(ScenarioRecord)) or 0)


def solve_in_process(app: FastAPI, run_id: str) -> str:
    """Claim a queued run and solve it with the worker function, in this process."""
    store: Store = app.state.store
    with store.session() as session:
        run = session.get(RunRecord, run_id)
        assert run is not None and run.status == RunStatus.QUEUED.value
        run.status = RunStatus.RUNNING.value
        run.started_at = utcnow()
        session.commit()
    return execute_run(store.url, run_id, progress_interval_s=0.1)


__all__ = [
    "QUICK",
    "REFERENCE",
    "TestClient",
    "finished",
    "headers",
    "new_key",
    "reference_files",
    "scenario_count",
    "solve_in_process",
    "submit",
    "upload_reference",
    "wait_for",
]
