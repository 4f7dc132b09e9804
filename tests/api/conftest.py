"""Fixtures of the API tests: an app on a scratch database, API keys, stored runs.

Every test gets its own SQLite file under ``tmp_path`` and, when
``ROSTERING_TEST_POSTGRES_URL`` names a PostgreSQL server
(``postgresql+psycopg://user@127.0.0.1:5432/db``), runs a second time on a
fresh PostgreSQL database of its own (dropped afterwards). Apps built by
``make_app`` run without worker processes unless asked (``runner=True``);
``solved_run`` runs the worker function in the test process, which stores
exactly what a worker process would.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from api_helpers import (
    TestClient,
    fresh_postgres_database,
    new_key,
    solve_in_process,
    submit,
    upload_reference,
)
from fastapi import FastAPI

from api.config import Settings
from api.main import create_app

POSTGRES_URL = os.environ.get("ROSTERING_TEST_POSTGRES_URL", "")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test (skipped without a server)."""
    if not POSTGRES_URL:
        pytest.skip("ROSTERING_TEST_POSTGRES_URL is not set (no PostgreSQL server to test on)")
    with fresh_postgres_database(POSTGRES_URL) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """This test's database: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "postgres":
        return str(request.getfixturevalue("postgres_url"))
    return str(tmp_path / "api.sqlite")


@pytest.fixture
def make_app(database_url: str) -> Iterator[Callable[..., FastAPI]]:
    """Build an app on this test's database; keyword arguments override settings.

    The apps' database connections are closed when the test ends, before its
    PostgreSQL database is dropped, so none is left for the garbage collector.
    """
    built: list[FastAPI] = []

    def build(*, runner: bool = False, **overrides: Any) -> FastAPI:
        settings = Settings(database_url=database_url, start_runner=runner, **overrides)
        app = create_app(settings)
        built.append(app)
        return app

    yield build
    for app in built:
        app.state.store.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., FastAPI]) -> FastAPI:
    """An app without worker processes (runs stay queued unless solved in-process)."""
    return make_app()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A test client with the app's lifespan running."""
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def key(app: FastAPI) -> str:
    """An API key of tenant 'acme'."""
    return new_key(app, "acme")


@pytest.fixture
def other_key(app: FastAPI) -> str:
    """An API key of another tenant, 'globex'."""
    return new_key(app, "globex")


@pytest.fixture
def scenario_id(client: TestClient, key: str) -> str:
    """The reference scenario stored for 'acme'."""
    return upload_reference(client, key)


@pytest.fixture
def solved_run(app: FastAPI, client: TestClient, key: str, scenario_id: str) -> str:
    """A succeeded run of the reference scenario (solved in-process)."""
    run = submit(client, key, scenario_id)
    assert solve_in_process(app, run["id"]) == "succeeded"
    return str(run["id"])
