"""Health over HTTP: up without an API key; with one, the tenant's own queue."""

from __future__ import annotations

from api_helpers import TestClient, headers


def test_health_answers_without_a_key(client: TestClient) -> None:
    response = client.get("/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["queued"] is None and body["running"] is None and body["capacity"] is None


def test_health_with_a_key_counts_the_tenants_runs(client: TestClient, key: str) -> None:
    body = client.get("/v1/health", headers=headers(key)).json()
    assert body["queued"] == 0 and body["running"] == 0
    assert body["capacity"] == 16
    assert body["workers"] >= 1
