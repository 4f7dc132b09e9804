"""Runs over HTTP without worker processes: admission, bad what-ifs, cancelling a queued
run, results of a run solved in-process, and tenants kept apart."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from api_helpers import QUICK, TestClient, headers, new_key, submit, upload_reference
from fastapi import FastAPI

from rostering.roster.solution import ROSTER_COLUMNS

RESULTS = ("roster", "roster.csv", "requirements", "kpis", "cost", "violations", "gantt")


def test_post_answers_202_with_location_and_queue_position(
    client: TestClient, key: str, scenario_id: str
) -> None:
    body = {"scenario_id": scenario_id, "whatif": QUICK, "seed": 7, "label": "base"}
    response = client.post("/v1/runs", json=body, headers=headers(key))
    assert response.status_code == 202
    run = response.json()
    assert response.headers["Location"] == f"/v1/runs/{run['id']}"
    assert (run["status"], run["queue_position"], run["seed"]) == ("queued", 1, 7)
    assert run["time_limit_s"] == 5 and run["label"] == "base"
    second = submit(client, key, scenario_id)
    assert second["queue_position"] == 2
    listed = client.get("/v1/runs?status=queued", headers=headers(key)).json()
    assert {r["id"] for r in listed} == {run["id"], second["id"]}
    assert client.get("/v1/runs?status=succeeded", headers=headers(key)).json() == []
    assert client.get("/v1/health", headers=headers(key)).json()["queued"] == 2


def test_a_run_keeps_the_scenario_after_its_whatif(
    client: TestClient, key: str, scenario_id: str
) -> None:
    whatif = {
        "absences": [{"agent": "A2", "dates": ["2026-10-01"], "kind": "sick"}],
        "targets": [{"channel": "inbound", "service_level": 0.9, "threshold_s": 15}],
        "remove_agents": ["B1"],
    }
    run = submit(client, key, scenario_id, whatif)
    inputs = client.get(f"/v1/runs/{run['id']}/inputs", headers=headers(key)).json()
    agents = {a["id"]: a for a in inputs["scenario"]["agents"]}
    assert set(agents) == {"A1", "A2", "A3", "A4", "S1"}
    assert agents["A2"]["leave"] == [{"date": "2026-10-01", "kind": "sick"}]
    inbound = inputs["scenario"]["channels"][0]["targets"]
    assert (inbound["service_level"], inbound["threshold_s"]) == (0.9, 15)
    assert inputs["whatif"]["remove_agents"] == ["B1"]
    assert (inputs["seed"], inputs["time_limit_s"], inputs["solver_threads"]) == (0, 5, 1)


@pytest.mark.parametrize(
    ("whatif", "location", "value"),
    [
        ({"absences": [{"agent": "ZZ", "dates": ["2026-10-01"]}]}, "whatif.absences.0.agent", "ZZ"),
        ({"volume": [{"factor": 2, "date": "2027-01-01"}]}, "whatif.volume.0.date", "2027-01-01"),
        ({"volume": [{"factor": -1}]}, "whatif.volume.0.factor", "-1"),
        (
            {"targets": [{"channel": "fax", "service_level": 0.9}]},
            "whatif.targets.0.channel",
            "fax",
        ),
        ({"time_limit_s": 5000}, "whatif.time_limit_s", "5000"),
        ({"remove_agents": ["A1", "A2", "A3", "A4", "B1"]}, "(top level)", None),
    ],
)
def test_bad_whatifs_answer_422_with_the_field_path(
    client: TestClient,
    key: str,
    scenario_id: str,
    whatif: dict[str, object],
    location: str,
    value: str | None,
) -> None:
    body = {"scenario_id": scenario_id, "whatif": whatif}
    response = client.post("/v1/runs", json=body, headers=headers(key))
    assert response.status_code == 422, response.text
    problems = response.json()["problems"]
    assert any(p["location"] == location for p in problems), problems
    if value is not None:
        assert next(p for p in problems if p["location"] == location)["value"] in (
            value,
            f"{value}",
        )
    assert client.get("/v1/runs", headers=headers(key)).json() == []


def test_unknown_scenario_answers_404(client: TestClient, key: str) -> None:
    response = client.post("/v1/runs", json={"scenario_id": "nope"}, headers=headers(key))
    assert response.status_code == 404
    assert response.json()["detail"] == "scenario nope not found"


def test_a_full_queue_answers_429_with_retry_after(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(max_queue=2, retry_after_s=7)
    key = new_key(app, "acme")
    with TestClient(app) as client:
        scenario_id = upload_reference(client, key)
        first = submit(client, key, scenario_id)
        submit(client, key, scenario_id)
        body = {"scenario_id": scenario_id}
        response = client.post("/v1/runs", json=body, headers=headers(key))
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "7"
        # Cancelling one frees a place.
        assert client.delete(f"/v1/runs/{first['id']}", headers=headers(key)).status_code == 202
        assert client.post("/v1/runs", json=body, headers=headers(key)).status_code == 202


def test_cancelling_a_queued_run_is_immediate_and_final(
    client: TestClient, key: str, scenario_id: str
) -> None:
    run = submit(client, key, scenario_id)
    response = client.delete(f"/v1/runs/{run['id']}", headers=headers(key))
    assert response.status_code == 202
    assert response.json()["status"] == "cancelled"
    assert response.json()["error"]["message"] == "cancelled before it started"
    again = client.delete(f"/v1/runs/{run['id']}", headers=headers(key))
    assert again.status_code == 409
    for name in RESULTS:
        assert client.get(f"/v1/runs/{run['id']}/{name}", headers=headers(key)).status_code == 409


def test_results_of_a_queued_run_answer_409(client: TestClient, key: str, scenario_id: str) -> None:
    run = submit(client, key, scenario_id)
    response = client.get(f"/v1/runs/{run['id']}/kpis", headers=headers(key))
    assert response.status_code == 409
    assert "is queued" in response.json()["detail"]


def test_every_result_of_a_finished_run(client: TestClient, key: str, solved_run: str) -> None:
    run = client.get(f"/v1/runs/{solved_run}", headers=headers(key)).json()
    assert run["status"] == "succeeded"
    assert run["progress"]["stage"] == "done"
    assert run["progress"]["objective"] == pytest.approx(run["kpis"]["objective"])
    kpis = client.get(f"/v1/runs/{solved_run}/kpis", headers=headers(key)).json()
    assert kpis == run["kpis"]
    assert kpis["valid"] is True and kpis["hard_violations"] == 0

    roster = client.get(f"/v1/runs/{solved_run}/roster", headers=headers(key)).json()
    text = client.get(f"/v1/runs/{solved_run}/roster.csv", headers=headers(key))
    assert text.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(text.text)))
    assert list(rows[0]) == list(ROSTER_COLUMNS)
    assert rows == [{k: str(v) for k, v in r.items()} for r in roster]
    # One-on/one-off: A1 and A2 never work the same day on shift A.
    days_a = [{r["date"] for r in roster if r["agent"] == a} for a in ("A1", "A2")]
    assert days_a[0].isdisjoint(days_a[1])

    requirements = client.get(f"/v1/runs/{solved_run}/requirements", headers=headers(key)).json()
    assert len(requirements) == 14 * 48 * 3
    chat = client.get(
        f"/v1/runs/{solved_run}/requirements?channel=chat", headers=headers(key)
    ).json()
    assert len(chat) == 14 * 48 and {r["channel"] for r in chat} == {"chat"}

    cost = client.get(f"/v1/runs/{solved_run}/cost", headers=headers(key)).json()
    assert cost["total"] == pytest.approx(kpis["labour_cost"])
    assert {line["agent"] for line in cost["lines"]} == {"A1", "A2", "A3", "A4", "B1", "S1"}

    violations = client.get(f"/v1/runs/{solved_run}/violations", headers=headers(key)).json()
    assert violations["valid"] is True
    assert len(violations["violations"]) == kpis["soft_violations"]

    gantt = client.get(f"/v1/runs/{solved_run}/gantt", headers=headers(key)).json()
    assert gantt["data"] and "xaxis" in gantt["layout"]
    assert client.delete(f"/v1/runs/{solved_run}", headers=headers(key)).status_code == 409


def test_other_tenants_see_nothing(
    client: TestClient, key: str, other_key: str, scenario_id: str, solved_run: str
) -> None:
    theirs = headers(other_key)
    assert client.get("/v1/scenarios", headers=theirs).json() == []
    assert client.get("/v1/runs", headers=theirs).json() == []
    assert client.get(f"/v1/scenarios/{scenario_id}", headers=theirs).status_code == 404
    assert client.delete(f"/v1/scenarios/{scenario_id}", headers=theirs).status_code == 404
    assert client.get(f"/v1/runs/{solved_run}", headers=theirs).status_code == 404
    assert client.delete(f"/v1/runs/{solved_run}", headers=theirs).status_code == 404
    for name in (*RESULTS, "inputs"):
        assert client.get(f"/v1/runs/{solved_run}/{name}", headers=theirs).status_code == 404
    compare = f"/v1/compare?a={solved_run}&b={solved_run}"
    assert client.get(compare, headers=theirs).status_code == 404
    response = client.post("/v1/runs", json={"scenario_id": scenario_id}, headers=theirs)
    assert response.status_code == 404
    # The owner still sees everything.
    assert client.get(f"/v1/runs/{solved_run}/kpis", headers=headers(key)).status_code == 200


def test_a_scenario_with_active_runs_cannot_be_deleted_but_finished_runs_survive_it(
    client: TestClient, key: str, scenario_id: str, solved_run: str
) -> None:
    queued = submit(client, key, scenario_id)
    url = f"/v1/scenarios/{scenario_id}"
    assert client.delete(url, headers=headers(key)).status_code == 409
    client.delete(f"/v1/runs/{queued['id']}", headers=headers(key))
    assert client.delete(url, headers=headers(key)).status_code == 204
    run = client.get(f"/v1/runs/{solved_run}", headers=headers(key)).json()
    assert run["scenario_id"] is None and run["scenario_name"] == "reference-online"
    assert client.get(f"/v1/runs/{solved_run}/roster", headers=headers(key)).status_code == 200
