"""Schemathesis against a live server: ``rostering serve`` in its own process, over HTTP.

The server runs as a user starts it (uvicorn, a local dask cluster of one worker,
its own scratch database: a SQLite file, then a fresh PostgreSQL database when
``ROSTERING_TEST_POSTGRES_URL`` is set). A tenant key is made in that database,
the reference scenario stored and one run solved to the end, so result routes
answer real bodies. Then generated requests to every operation must find no
server error and nothing that breaks the OpenAPI document: status codes,
content types, headers and bodies. A few examples per operation keep it short;
the server is stopped (SIGTERM, then SIGKILL of its process group) whatever
happens.

Also checked on the live server: ``OPTIONS`` and the ``Allow`` of a 405 (the
same over uvicorn as in ``test_api_options.py`` through the test client).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import schemathesis
from api_helpers import QUICK, fresh_postgres_database, headers, reference_files
from hypothesis import HealthCheck, given, settings
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from api.config import Settings
from api.crud import create_api_key
from api.db import Store
from api.main import create_app

# A server start and a solve per database: slow.
pytestmark = pytest.mark.slow

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
#: Generated requests per operation and generation mode (valid, then invalid input).
EXAMPLES = 10
POSTGRES_URL = os.environ.get("ROSTERING_TEST_POSTGRES_URL", "")
#: Seconds the server may take to answer /v1/health, the first run to finish,
#: and the server to stop after SIGTERM.
START_TIMEOUT_S = 60.0
SOLVE_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class LiveServer:
    """A running server, a tenant key and the ids that exist in its database."""

    base: str
    key: str
    scenario_id: str
    run_id: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _log_tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"


def _wait_until_up(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"server exited with code {server.returncode}:\n{_log_tail(log)}")
        try:
            if httpx.get(f"{base}/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"server not answering /v1/health after {START_TIMEOUT_S} s:\n{_log_tail(log)}")


def _stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server; SIGKILL its whole process group (its dask workers) after a
    bounded wait, or whatever of the group outlived it."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=STOP_TIMEOUT_S)
    # ProcessLookupError: the server and every process it started are gone.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=STOP_TIMEOUT_S)


@pytest.fixture(scope="module")
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this module's server (skipped without a server)."""
    if not POSTGRES_URL:
        pytest.skip("ROSTERING_TEST_POSTGRES_URL is not set (no PostgreSQL server to test on)")
    with fresh_postgres_database(POSTGRES_URL) as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """``rostering serve`` on a free port with one worker, a key, a scenario and a solved run."""
    folder = tmp_path_factory.mktemp("live")
    database = (
        str(request.getfixturevalue("postgres_database"))
        if request.param == "postgres"
        else str(folder / "api.sqlite")
    )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "ROSTERING_DATABASE_URL", "ROSTERING_DASK_SCHEDULER")
    }
    # Generated runs are short (reference-online is optimal in well under 1 s), and
    # never refused for a full queue, which would hide the run routes behind 429.
    env.update(
        ROSTERING_WORKERS="1",
        ROSTERING_MAX_TIME_LIMIT_S="10",
        ROSTERING_DEFAULT_TIME_LIMIT_S="5",
        ROSTERING_MAX_QUEUE="10000",
        ROSTERING_MAX_QUEUE_PER_TENANT="10000",
        ROSTERING_MAX_UPLOAD_BYTES=str(256 * 1024),
    )
    command = [
        str(Path(sys.executable).with_name("rostering")),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--database",
        database,
        "--workers",
        "1",
        "--log-level",
        "warning",
    ]
    log = folder / "server.log"
    with log.open("wb") as out:
        # Its own process group, so its dask workers can be stopped with it.
        server = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_until_up(base, server, log)
        # The server has brought the database to the current schema; the key goes there.
        store = Store(Settings(database_url=database).database_url)
        try:
            with store.session() as session:
                _, key = create_api_key(session, "acme")
                session.commit()
        finally:
            store.dispose()
        with httpx.Client(base_url=base, headers=headers(key), timeout=30) as client:
            response = client.post("/v1/scenarios/upload", files=reference_files())
            assert response.status_code == 201, response.text
            scenario_id = response.json()["id"]
            response = client.post("/v1/runs", json={"scenario_id": scenario_id, "whatif": QUICK})
            assert response.status_code == 202, response.text
            run_id = response.json()["id"]
            deadline = time.monotonic() + SOLVE_TIMEOUT_S
            while (status := client.get(f"/v1/runs/{run_id}").json()["status"]) in (
                "queued",
                "running",
            ):
                if time.monotonic() > deadline:
                    pytest.fail(f"run still {status} after {SOLVE_TIMEOUT_S} s:\n{_log_tail(log)}")
                time.sleep(0.2)
            assert status == "succeeded", _log_tail(log)
        yield LiveServer(base=base, key=key, scenario_id=scenario_id, run_id=run_id)
    finally:
        _stop(server)


@pytest.fixture(scope="module")
def live_schema(live: LiveServer) -> OpenApiSchema:
    """The OpenAPI document as the live server serves it."""
    return schemathesis.openapi.from_url(f"{live.base}/openapi.json", timeout=10)


def _operations() -> list[tuple[str, str]]:
    """Every (method, path) of the OpenAPI document, read from an app in this process to
    name the tests; cases are generated from the live server's document, which
    ``test_live_document_is_the_apps`` checks has the same operations."""
    app = create_app(Settings(database_url="sqlite:///:memory:", start_runner=False))
    return [
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        for method in item
        if method in ("get", "put", "post", "delete", "patch")
    ]


OPERATIONS = _operations()


def _with_known_ids(case: Case, live: LiveServer) -> Case:
    """Ids swapped for ones that exist, so result routes answer bodies, not only 404s."""
    params = case.path_parameters or {}
    if "run_id" in params:
        params["run_id"] = live.run_id
    if "scenario_id" in params and case.method.upper() != "DELETE":
        params["scenario_id"] = live.scenario_id
    if isinstance(case.body, dict) and "scenario_id" in case.body:
        case.body["scenario_id"] = live.scenario_id
    if case.query and {"a", "b"} <= set(case.query):
        case.query["a"] = live.run_id
    return case


def test_live_document_is_the_apps(live_schema: OpenApiSchema) -> None:
    served = [
        (result.ok().method.upper(), result.ok().path)
        for result in live_schema.get_all_operations()
    ]
    assert sorted(served) == sorted(OPERATIONS)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_live_server_has_no_server_error_and_no_schema_violation(
    live: LiveServer, live_schema: OpenApiSchema, method: str, path: str, mode: GenerationMode
) -> None:
    operation = live_schema[path][method]

    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case: Case) -> None:
        _with_known_ids(case, live).call_and_validate(
            base_url=live.base, headers=headers(live.key), checks=CHECKS, timeout=30
        )

    check()


def test_live_server_answers_options_and_405_with_allow(live: LiveServer) -> None:
    expected = {
        "/v1/runs": "GET, HEAD, POST, OPTIONS",
        f"/v1/runs/{live.run_id}": "GET, HEAD, DELETE, OPTIONS",
        f"/v1/runs/{live.run_id}/roster": "GET, HEAD, OPTIONS",
        "/v1/scenarios": "GET, HEAD, POST, OPTIONS",
        "/v1/health": "GET, HEAD, OPTIONS",
    }
    with httpx.Client(base_url=live.base, timeout=10) as client:
        for path, allow in expected.items():
            response = client.options(path)
            assert (response.status_code, response.headers.get("allow")) == (204, allow), path
            assert response.content == b"", path
            refused = client.put(path, headers=headers(live.key))
            assert (refused.status_code, refused.headers.get("allow")) == (405, allow), path
        roster = f"/v1/runs/{live.run_id}/roster"
        got = client.get(roster, headers=headers(live.key))
        head = client.head(roster, headers=headers(live.key))
        assert (head.status_code, head.content) == (200, b"")
        assert head.headers["content-length"] == str(len(got.content)) != "0"
        assert client.options("/v1/nowhere").status_code == 404
