"""Compare over HTTP: a what-if run against its baseline, a run against itself, and a run
without results."""

from __future__ import annotations

import pytest
from api_helpers import TestClient, headers, solve_in_process, submit
from fastapi import FastAPI


def test_compare_shows_the_absent_agents_day(
    app: FastAPI, client: TestClient, key: str, scenario_id: str, solved_run: str
) -> None:
    roster = client.get(f"/v1/runs/{solved_run}/roster", headers=headers(key)).json()
    a2_day = next(r["date"] for r in roster if r["agent"] == "A2")
    variant = submit(client, key, scenario_id, {"absences": [{"agent": "A2", "dates": [a2_day]}]})
    assert solve_in_process(app, variant["id"]) == "succeeded"
    response = client.get(f"/v1/compare?a={solved_run}&b={variant['id']}", headers=headers(key))
    assert response.status_code == 200
    comparison = response.json()
    changes = {(c["agent"], c["date"]): c for c in comparison["assignments"]}
    assert changes[("A2", a2_day)]["change"] == "removed"
    assert comparison["assignments_changed"] == len(comparison["assignments"])
    total = comparison["costs"][-1]
    assert total["agent"] == "TOTAL"
    assert total["delta"] == pytest.approx(total["b"] - total["a"])
    # Compared with itself, a run shows no change.
    same = client.get(f"/v1/compare?a={solved_run}&b={solved_run}", headers=headers(key)).json()
    assert same["assignments"] == [] and all(k["delta"] in (0, None) for k in same["kpis"])
    # A run without results cannot be compared.
    queued = submit(client, key, scenario_id)
    assert (
        client.get(f"/v1/compare?a={solved_run}&b={queued['id']}", headers=headers(key)).status_code
        == 409
    )
