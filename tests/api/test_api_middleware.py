"""The body limit: request bodies over the limit answer 413, declared or streamed."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from api_helpers import TestClient, headers, new_key, scenario_count
from fastapi import FastAPI


def test_oversized_bodies_answer_413(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(max_upload_bytes=4096)
    key = new_key(app, "acme")
    with TestClient(app) as client:
        big = {"name": "x" * 10_000}
        response = client.post("/v1/scenarios", json=big, headers=headers(key))
        assert response.status_code == 413
        assert "larger than 4096 bytes" in response.json()["detail"]

        def chunks() -> Iterator[bytes]:
            for _ in range(10):
                yield b"x" * 1000

        # A streamed body with no Content-Length is cut off as it arrives.
        response = client.post(
            "/v1/scenarios",
            content=chunks(),
            headers={**headers(key), "Content-Type": "application/json"},
        )
        assert response.status_code == 413
        assert scenario_count(app) == 0
