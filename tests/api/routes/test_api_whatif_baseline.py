"""What-if runs that start from a baseline run, and their comparison over HTTP.

The scenario is the reference variant with room to move (``whatif_variant``):
+20 % inbound on National Day from the baseline run keeps the roster, from
scratch it is reshuffled; ``GET /v1/compare`` counts and lists the changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from api_helpers import TestClient, headers, new_key, solve_in_process, submit, upload_folder
from fastapi import FastAPI
from whatif_variant import SURGE_DAY, flexible_reference

PLAIN: dict[str, Any] = {"time_limit_s": 20, "simulate": False}
"""Runs without the simulation's correction rounds, which would raise needs run by run."""
SURGE: dict[str, Any] = {
    **PLAIN,
    "volume": [{"factor": 1.2, "channel": "inbound", "date": SURGE_DAY}],
}


@pytest.fixture
def flexible_id(client: TestClient, key: str, tmp_path: Path) -> str:
    """The flexible reference variant stored for 'acme'."""
    return upload_folder(client, key, flexible_reference(tmp_path / "flexible"))


@pytest.fixture
def base_run(app: FastAPI, client: TestClient, key: str, flexible_id: str) -> str:
    """A succeeded run of the flexible variant."""
    run = submit(client, key, flexible_id, PLAIN)
    assert solve_in_process(app, run["id"]) == "succeeded"
    return str(run["id"])


def post(client: TestClient, key: str, body: dict[str, Any]) -> Any:
    return client.post("/v1/runs", json=body, headers=headers(key))


def compare(client: TestClient, key: str, a: str, b: str) -> dict[str, Any]:
    response = client.get(f"/v1/compare?a={a}&b={b}", headers=headers(key))
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def test_a_whatif_from_a_baseline_run_keeps_its_roster(
    app: FastAPI, client: TestClient, key: str, flexible_id: str, base_run: str
) -> None:
    body = {"scenario_id": flexible_id, "whatif": SURGE, "baseline_run": base_run}
    response = post(client, key, body)
    assert response.status_code == 202, response.text
    variant = response.json()
    assert variant["baseline_run"] == base_run
    inputs = client.get(f"/v1/runs/{variant['id']}/inputs", headers=headers(key)).json()
    assert inputs["baseline_run"] == base_run
    assert solve_in_process(app, variant["id"]) == "succeeded"
    kept = compare(client, key, base_run, variant["id"])
    assert kept["agent_days"] == 42
    assert kept["agent_days_changed"] <= 2
    assert kept["assignments_changed"] == len(kept["assignments"])
    names = {(k["name"], k["channel"]) for k in kept["kpis"]}
    assert {("labour_cost", None), ("service_level", "inbound")} <= names
    assert kept["costs"][-1]["agent"] == "TOTAL"
    # The same what-if from scratch reshuffles the week.
    scratch = submit(client, key, flexible_id, SURGE)
    assert scratch["baseline_run"] is None
    assert solve_in_process(app, scratch["id"]) == "succeeded"
    reshuffled = compare(client, key, base_run, scratch["id"])
    assert reshuffled["agent_days_changed"] >= max(4, 4 * kept["agent_days_changed"])
    changed = {(c["agent"], c["date"]) for c in reshuffled["assignments"]}
    assert len(changed) == reshuffled["assignments_changed"]


def test_the_cap_of_a_whatif_holds(
    app: FastAPI, client: TestClient, key: str, flexible_id: str, base_run: str
) -> None:
    whatif = {**SURGE, "change_weight": 0, "max_changes": 1}
    body = {"scenario_id": flexible_id, "whatif": whatif, "baseline_run": base_run}
    response = post(client, key, body)
    assert response.status_code == 202, response.text
    assert solve_in_process(app, response.json()["id"]) == "succeeded"
    assert compare(client, key, base_run, response.json()["id"])["agent_days_changed"] <= 1


def test_a_baseline_must_be_a_finished_run_of_the_same_scenario_and_tenant(
    app: FastAPI,
    client: TestClient,
    key: str,
    flexible_id: str,
    base_run: str,
    scenario_id: str,
    tmp_path: Path,
) -> None:
    def answer(body: dict[str, Any], who: str = key) -> tuple[int, dict[str, Any]]:
        response = post(client, who, body)
        return response.status_code, response.json()

    code, error = answer({"scenario_id": flexible_id, "baseline_run": "nope"})
    assert code == 404
    code, error = answer({"scenario_id": scenario_id, "baseline_run": base_run})
    assert code == 422
    assert [(p["file"], p["location"], p["value"]) for p in error["problems"]] == [
        ("request body", "baseline_run", base_run)
    ]
    queued = submit(client, key, flexible_id)
    code, error = answer({"scenario_id": flexible_id, "baseline_run": queued["id"]})
    assert code == 409 and "has no results" in error["detail"]
    code, error = answer({"scenario_id": flexible_id, "whatif": {"max_changes": 3}})
    assert code == 422
    assert error["problems"][0]["location"] == "whatif.max_changes"
    # Another tenant's run is not found, even naming a scenario of its own.
    other = new_key(app, "globex")
    own = upload_folder(client, other, flexible_reference(tmp_path / "globex"))
    code, _ = answer({"scenario_id": own, "baseline_run": base_run}, other)
    assert code == 404
