"""Schemathesis against the app's own OpenAPI schema: generated requests to every
operation find no server error, no undocumented status code and no response that
breaks its schema.

Ids in paths and bodies are mostly swapped for ones that exist (a stored scenario and
a finished run), so result bodies are checked too, not only 404s.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from api_helpers import TestClient, headers, new_key, solve_in_process, submit, upload_reference
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.config import Settings
from api.main import create_app

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """An app with a tenant, a stored scenario and a finished run."""
    folder: Path = tmp_path_factory.mktemp("schema")
    app = create_app(
        Settings(
            database_url=str(folder / "api.sqlite"),
            start_runner=False,
            max_queue=10_000,
            max_upload_bytes=256 * 1024,
        )
    )
    key = new_key(app, "acme")
    with TestClient(app) as client:
        scenario_id = upload_reference(client, key)
        run_id = submit(client, key, scenario_id)["id"]
        assert solve_in_process(app, run_id) == "succeeded"
        yield {"app": app, "key": key, "scenario_id": scenario_id, "run_id": run_id}


# The schema is read from an app on an in-memory database; requests go to ``known``'s app.
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(Settings(database_url="sqlite:///:memory:", start_runner=False))
)


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_error_and_no_schema_violation(case: Any, known: dict[str, Any]) -> None:
    params = case.path_parameters or {}
    if "run_id" in params:
        params["run_id"] = known["run_id"]
    if "scenario_id" in params and case.method.upper() != "DELETE":
        params["scenario_id"] = known["scenario_id"]
    if isinstance(case.body, dict) and "scenario_id" in case.body:
        case.body["scenario_id"] = known["scenario_id"]
    if case.query and {"a", "b"} <= set(case.query):
        case.query["a"] = known["run_id"]
    case.call_and_validate(app=known["app"], headers=headers(known["key"]), checks=CHECKS)
