"""Hostile API input answers 4xx, never 500, on SQLite and on PostgreSQL alike.

NUL bytes (which PostgreSQL text cannot hold), text wider than its column,
and non-finite numbers (``Infinity``, ``NaN``, ``1e999``, which JSON columns
cannot hold) are refused with 422 and a problem naming where they were. Also
here: the queue limit per tenant, and a health check that tells a caller
without a key nothing about other tenants.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from api_helpers import REFERENCE, TestClient, headers, new_key, submit, upload_reference
from fastapi import FastAPI

from api.inputs import body_problems
from rostering.io import load_scenario


def _reference_json() -> dict[str, Any]:
    data: dict[str, Any] = load_scenario(REFERENCE).model_dump(mode="json")
    return data


def _problem_locations(response: Any) -> list[str]:
    return [f"{p['file']}:{p['location']}" for p in response.json()["problems"]]


# -- NUL bytes ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/v1/runs/ab%00cd",
        "/v1/runs/ab%00cd/roster",
        "/v1/scenarios/ab%00cd",
        "/v1/runs?scenario_id=ab%00cd",
        "/v1/compare?a=ab%00cd&b=ef",
    ],
)
def test_nul_byte_in_path_or_query_is_refused(client: TestClient, key: str, path: str) -> None:
    response = client.get(path, headers=headers(key))
    assert response.status_code == 422, response.text
    assert "NUL" in response.json()["detail"]


def test_nul_byte_in_run_label_and_scenario_id_is_refused(
    client: TestClient, key: str, scenario_id: str
) -> None:
    label = {"scenario_id": scenario_id, "label": "night\x00shift"}
    response = client.post("/v1/runs", json=label, headers=headers(key))
    assert response.status_code == 422, response.text
    assert _problem_locations(response) == ["request body:label"]
    ident = {"scenario_id": scenario_id[:5] + "\x00" + scenario_id[5:]}
    response = client.post("/v1/runs", json=ident, headers=headers(key))
    assert response.status_code == 422, response.text
    assert _problem_locations(response) == ["request body:scenario_id"]


def test_nul_byte_in_scenario_name_is_refused(client: TestClient, key: str) -> None:
    body = _reference_json()
    body["name"] = "site\x00m"
    response = client.post("/v1/scenarios", json=body, headers=headers(key))
    assert response.status_code == 422, response.text
    assert _problem_locations(response) == ["request body:name"]


def test_nul_byte_in_uploaded_scenario_name_is_refused(client: TestClient, key: str) -> None:
    yaml_text = (REFERENCE / "scenario.yaml").read_text(encoding="utf-8")
    lines = [
        'name: "site\\0m"' if line.startswith("name:") else line for line in yaml_text.splitlines()
    ]
    files = [("files", ("scenario.yaml", "\n".join(lines).encode()))] + [
        ("files", (name, (REFERENCE / name).read_bytes()))
        for name in ("agents.csv", "daily.csv", "profile.csv")
    ]
    response = client.post("/v1/scenarios/upload", files=files, headers=headers(key))
    assert response.status_code == 422, response.text
    assert _problem_locations(response) == ["scenario.yaml:name"]


# -- widths ---------------------------------------------------------------------


def test_scenario_name_wider_than_its_column_is_refused(client: TestClient, key: str) -> None:
    body = _reference_json()
    body["name"] = "x" * 201
    response = client.post("/v1/scenarios", json=body, headers=headers(key))
    assert response.status_code == 422, response.text
    assert _problem_locations(response) == ["request body:name"]
    assert "200" in response.json()["problems"][0]["message"]
    body["name"] = "x" * 200
    assert client.post("/v1/scenarios", json=body, headers=headers(key)).status_code == 201


# -- non-finite numbers -----------------------------------------------------------


@pytest.mark.parametrize("token", ["Infinity", "-Infinity", "NaN", "1e999"])
def test_non_finite_numbers_in_a_scenario_body_are_refused(
    client: TestClient, key: str, token: str
) -> None:
    text = json.dumps(_reference_json())
    text = text.replace('"base_pay": 2800.0', f'"base_pay": {token}', 1)
    assert token in text
    response = client.post(
        "/v1/scenarios",
        content=text.encode(),
        headers={**headers(key), "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert _problem_locations(response) == ["request body:agents.0.base_pay"]


@pytest.mark.parametrize("token", ["Infinity", "NaN"])
def test_non_finite_numbers_in_a_run_body_are_refused(
    client: TestClient, key: str, scenario_id: str, token: str
) -> None:
    text = f'{{"scenario_id": "{scenario_id}", "whatif": {{"time_limit_s": {token}}}}}'
    response = client.post(
        "/v1/runs",
        content=text.encode(),
        headers={**headers(key), "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert _problem_locations(response) == ["request body:whatif.time_limit_s"]


# -- fairness between tenants ---------------------------------------------------------


def test_one_tenants_burst_does_not_fill_the_queue_of_another(
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app(max_queue=10, max_queue_per_tenant=2, retry_after_s=5)
    acme, globex = new_key(app, "acme"), new_key(app, "globex")
    with TestClient(app) as client:
        acme_scenario = upload_reference(client, acme)
        globex_scenario = upload_reference(client, globex)
        submit(client, acme, acme_scenario)
        submit(client, acme, acme_scenario)
        body = {"scenario_id": acme_scenario}
        refused = client.post("/v1/runs", json=body, headers=headers(acme))
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "5"
        assert "2 runs of this tenant" in refused.json()["detail"]
        # The other tenant still gets in.
        submit(client, globex, globex_scenario)


def test_the_global_limit_still_holds(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(max_queue=3, max_queue_per_tenant=2)
    acme, globex = new_key(app, "acme"), new_key(app, "globex")
    with TestClient(app) as client:
        acme_scenario = upload_reference(client, acme)
        globex_scenario = upload_reference(client, globex)
        submit(client, acme, acme_scenario)
        submit(client, acme, acme_scenario)
        submit(client, globex, globex_scenario)
        body = {"scenario_id": globex_scenario}
        refused = client.post("/v1/runs", json=body, headers=headers(globex))
        assert refused.status_code == 429
        assert "3 runs are queued or running" in refused.json()["detail"]


def test_health_without_a_key_reveals_no_counts(
    client: TestClient, key: str, other_key: str, scenario_id: str
) -> None:
    submit(client, key, scenario_id)
    anonymous = client.get("/v1/health")
    assert anonymous.status_code == 200
    assert {k: v for k, v in anonymous.json().items() if v is not None} == {
        "status": "ok",
        "version": anonymous.json()["version"],
    }
    own = client.get("/v1/health", headers=headers(key)).json()
    assert own["queued"] == 1 and own["running"] == 0
    other = client.get("/v1/health", headers=headers(other_key)).json()
    assert other["queued"] == 0 and other["running"] == 0
    bad = client.get("/v1/health", headers=headers("not-a-key"))
    assert bad.status_code == 401


def test_body_check_names_where_the_bad_value_is() -> None:
    nested = b'{"a": [1, {"b": 1e999}], "c": "ok"}'
    assert [(p.location, p.value) for p in body_problems(nested)] == [("a.1.b", "1e999")]
    assert [p.location for p in body_problems(b'{"x": {"y": NaN}}')] == ["x.y"]
    assert [p.location for p in body_problems(b'{"x": ["ok", "a\\u0000b"]}')] == ["x.1"]
    assert [p.message for p in body_problems(b'{"k\\u0000": 1}')] == ["a key contains a NUL byte"]
    # Fine bodies, and bodies that are not JSON (left to the route), pass.
    assert body_problems(b'{"x": [1.5, -2e300, "text"]}') == []
    assert body_problems(b"not json") == []
