"""Health over HTTP: up, without an API key, with the queue's size."""

from __future__ import annotations

from api_helpers import TestClient


def test_health_answers_without_a_key(client: TestClient) -> None:
    response = client.get("/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["queued"] == 0 and body["running"] == 0
    assert body["capacity"] == 32
