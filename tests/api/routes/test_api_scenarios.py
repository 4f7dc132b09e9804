"""Scenarios over HTTP: create (JSON and upload), list, get, delete; bad input."""

from __future__ import annotations

from api_helpers import REFERENCE, TestClient, headers, reference_files, scenario_count
from fastapi import FastAPI

from rostering.io import load_scenario


def _reference_json() -> dict[str, object]:
    data: dict[str, object] = load_scenario(REFERENCE).model_dump(mode="json")
    return data


def test_upload_stores_the_folder_and_get_returns_it(client: TestClient, key: str) -> None:
    response = client.post("/v1/scenarios/upload", files=reference_files(), headers=headers(key))
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["name"] == "reference-online"
    assert (created["agents"], created["channels"], created["days"]) == (6, 3, 14)
    assert created["source"] == "upload"
    got = client.get(f"/v1/scenarios/{created['id']}", headers=headers(key)).json()
    assert got["scenario"] == created["scenario"]
    assert [a["id"] for a in got["scenario"]["agents"]] == ["A1", "A2", "A3", "A4", "B1", "S1"]
    listed = client.get("/v1/scenarios", headers=headers(key)).json()
    assert [s["id"] for s in listed] == [created["id"]]


def test_json_create_matches_the_upload(client: TestClient, key: str) -> None:
    response = client.post("/v1/scenarios", json=_reference_json(), headers=headers(key))
    assert response.status_code == 201, response.text
    assert response.json()["source"] == "json"
    assert response.json()["scenario"] == _reference_json()


def test_json_create_names_the_field_path(client: TestClient, key: str, app: FastAPI) -> None:
    data = _reference_json()
    agents = data["agents"]
    assert isinstance(agents, list)
    agents[1]["base_pay"] = -5
    response = client.post("/v1/scenarios", json=data, headers=headers(key))
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert {"file": "request body", "location": "agents.1.base_pay"}.items() <= problems[0].items()
    assert problems[0]["value"] == "-5"
    assert scenario_count(app) == 0


def test_upload_names_the_csv_row_and_column(client: TestClient, key: str, app: FastAPI) -> None:
    files = [
        (field, (name, body.replace(b"A2,Li Na,agent", b"A2,Li Na,chief")))
        if name == "agents.csv"
        else (field, (name, body))
        for field, (name, body) in reference_files()
    ]
    response = client.post("/v1/scenarios/upload", files=files, headers=headers(key))
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert any(
        p["file"] == "agents.csv" and p["location"] == "row 3, column role" for p in problems
    ), problems
    assert scenario_count(app) == 0


def test_upload_without_scenario_yaml_or_with_odd_names_is_refused(
    client: TestClient, key: str
) -> None:
    only_csv = [f for f in reference_files() if f[1][0] != "scenario.yaml"]
    response = client.post("/v1/scenarios/upload", files=only_csv, headers=headers(key))
    assert response.status_code == 422
    assert "scenario.yaml is missing" in response.text
    odd = [*reference_files(), ("files", ("../../etc/passwd", b"x"))]
    response = client.post("/v1/scenarios/upload", files=odd, headers=headers(key))
    assert response.status_code == 422
    assert response.json()["problems"][0]["value"] == "../../etc/passwd"


def test_missing_upload_field_is_a_422_with_its_name(client: TestClient, key: str) -> None:
    response = client.post("/v1/scenarios/upload", data={"x": "1"}, headers=headers(key))
    assert response.status_code == 422
    assert response.json()["problems"][0]["location"] == "files"


def test_delete_removes_and_then_answers_404(client: TestClient, key: str) -> None:
    scenario_id = client.post(
        "/v1/scenarios/upload", files=reference_files(), headers=headers(key)
    ).json()["id"]
    assert client.delete(f"/v1/scenarios/{scenario_id}", headers=headers(key)).status_code == 204
    assert client.get(f"/v1/scenarios/{scenario_id}", headers=headers(key)).status_code == 404
    assert client.delete(f"/v1/scenarios/{scenario_id}", headers=headers(key)).status_code == 404
    assert client.get("/v1/scenarios", headers=headers(key)).json() == []


def test_list_pages(client: TestClient, key: str) -> None:
    ids = [
        client.post("/v1/scenarios", json=_reference_json(), headers=headers(key)).json()["id"]
        for _ in range(3)
    ]
    first = client.get("/v1/scenarios?limit=2", headers=headers(key)).json()
    rest = client.get("/v1/scenarios?limit=2&offset=2", headers=headers(key)).json()
    assert len(first) == 2 and len(rest) == 1
    assert sorted(s["id"] for s in first + rest) == sorted(ids)
    response = client.get("/v1/scenarios?limit=0", headers=headers(key))
    assert response.status_code == 422
    assert response.json()["problems"][0] == {
        "file": "query",
        "location": "limit",
        "message": "Input should be greater than or equal to 1",
        "value": "'0'",
    }
