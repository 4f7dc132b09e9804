"""The dependencies of the routes: requests without a live API key answer 401."""

from __future__ import annotations

from api_helpers import TestClient, headers, new_key
from fastapi import FastAPI


def test_requests_without_a_live_key_answer_401(client: TestClient, app: FastAPI) -> None:
    assert client.get("/v1/scenarios").status_code == 401
    assert client.get("/v1/scenarios", headers=headers("rk_nope_nope")).status_code == 401
    assert client.get("/v1/scenarios", headers=headers("garbage")).status_code == 401
    key = new_key(app, "acme")
    key_id = key.split("_")[1]
    assert client.get("/v1/scenarios", headers=headers(key)).status_code == 200
    # A right key id with a wrong secret is refused.
    assert client.get("/v1/scenarios", headers=headers(f"rk_{key_id}_wrong")).status_code == 401
