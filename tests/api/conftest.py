"""Fixtures of the API tests: an app on a scratch database, API keys, stored runs.

Every test gets its own SQLite file under ``tmp_path``. Apps built by
``make_app`` run without worker processes unless asked (``runner=True``);
``solved_run`` runs the worker function in the test process, which stores
exactly what a worker process would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from api_helpers import TestClient, new_key, solve_in_process, submit, upload_reference
from fastapi import FastAPI

from api.config import Settings
from api.main import create_app


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., FastAPI]:
    """Build an app on this test's database; keyword arguments override settings."""

    def build(*, runner: bool = False, **overrides: Any) -> FastAPI:
        settings = Settings(
            database_url=str(tmp_path / "api.sqlite"), start_runner=runner, **overrides
        )
        return create_app(settings)

    return build


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
