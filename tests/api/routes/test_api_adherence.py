"""Adherence over HTTP: simulated ACD events against a finished run's roster."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from api_helpers import TestClient, headers, submit

from rostering.adherence import SimulationConfig, simulate_events

TZ = "Asia/Shanghai"


def _roster(client: TestClient, key: str, run_id: str) -> pd.DataFrame:
    text = client.get(f"/v1/runs/{run_id}/roster.csv", headers=headers(key)).text
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def test_perfect_events_give_full_adherence(client: TestClient, key: str, solved_run: str) -> None:
    clean = SimulationConfig(
        absence_rate=0,
        late_login_rate=0,
        early_logout_rate=0,
        long_meal_rate=0,
        early_arrival_max_s=0,
        late_departure_max_s=0,
        meal_logout_rate=0,
        not_ready_share=0,
        # A few repeated rows (dropped when read) keep the injected list non-empty.
        duplicate_rate=0.01,
        out_of_order_rate=0,
        missing_logouts=0,
    )
    events = simulate_events(_roster(client, key, solved_run), timezone=TZ, config=clean).events
    body = {"events": events.astype(str).to_dict(orient="records")}
    response = client.post(f"/v1/runs/{solved_run}/adherence", json=body, headers=headers(key))
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["summary"]["adherence"] == pytest.approx(1.0)
    assert report["summary"]["schedule_adherence_rate"]["met"] is True
    assert report["exceptions"] == []
    assert {r["agent"] for r in report["by_agent"]} >= {"A1", "A2", "B1"}


def test_an_uploaded_export_reports_exceptions_and_bad_rows(
    client: TestClient, key: str, solved_run: str
) -> None:
    simulated = simulate_events(_roster(client, key, solved_run), timezone=TZ, seed=3)
    buffer = io.StringIO()
    simulated.events.to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL)
    text = buffer.getvalue() + "A1,not-a-time,ready\n"
    response = client.post(
        f"/v1/runs/{solved_run}/adherence/upload",
        files={"events": ("acd.csv", text.encode())},
        headers=headers(key),
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["summary"]["adherence"] < 1.0
    assert report["exceptions"]
    bad_row = len(simulated.events) + 2  # the header is row 1
    assert any(issue["row"] == bad_row for issue in report["issues"]), report["issues"][-3:]


def test_unreadable_events_answer_422_and_unfinished_runs_409(
    client: TestClient, key: str, scenario_id: str, solved_run: str
) -> None:
    response = client.post(
        f"/v1/runs/{solved_run}/adherence/upload",
        files={"events": ("acd.csv", b"who,when\nA1,2026-09-28\n")},
        headers=headers(key),
    )
    assert response.status_code == 422
    assert response.json()["problems"][0]["file"] == "acd.csv"
    both: dict[str, list[object]] = {"events": [], "sessions": []}
    response = client.post(f"/v1/runs/{solved_run}/adherence", json=both, headers=headers(key))
    assert response.status_code == 422
    queued = submit(client, key, scenario_id)
    one = {"sessions": [{"agent": "A1", "login": "2026-09-28T09:00", "logout": ""}]}
    response = client.post(f"/v1/runs/{queued['id']}/adherence", json=one, headers=headers(key))
    assert response.status_code == 409
