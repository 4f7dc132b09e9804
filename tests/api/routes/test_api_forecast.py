"""A scenario whose demand is forecast from its history, over HTTP."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml
from api_helpers import TestClient, headers, upload_folder
from fastapi import FastAPI

from rostering.forecast.synthetic import SyntheticChannel, SyntheticSpec, synthetic_history

ROOT = Path(__file__).resolve().parents[3]
HORIZON = dt.date(2026, 4, 27)


def _history_folder(tmp_path: Path, weeks: int = 10) -> Path:
    folder = tmp_path / "site"
    shutil.copytree(ROOT / "scenarios" / "regional-site", folder)
    data = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    data["demand"] = {"history": "history.csv"}
    (folder / "scenario.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    spec = SyntheticSpec(
        start=HORIZON - dt.timedelta(weeks=weeks),
        days=weeks * 7,
        grain=30,
        channels=tuple(SyntheticChannel(c, 600.0, 240.0) for c in ("inbound", "chat", "email")),
        seed=4,
    )
    rows = synthetic_history(spec)[["interval_start", "channel", "volume", "aht_s"]]
    rows.to_csv(folder / "history.csv", index=False)
    for name in ("daily.csv", "profile.csv"):
        (folder / name).unlink()
    return folder


def test_an_upload_with_a_history_stores_the_forecast_and_its_models(
    client: TestClient, key: str, tmp_path: Path
) -> None:
    scenario_id = upload_folder(client, key, _history_folder(tmp_path))
    got = client.get(f"/v1/scenarios/{scenario_id}", headers=headers(key)).json()["scenario"]
    demand = got["demand"]
    assert demand["history"] is None
    assert {c["channel"] for c in demand["forecast"]["channels"]} == {"inbound", "chat", "email"}
    assert demand["forecast"]["history"] == "history.csv"
    assert len(demand["intervals"]) == 28 * 48 * 3
    first = demand["intervals"][0]
    assert first["volume_lo95"] <= first["volume_lo80"] <= first["volume"] <= first["volume_hi80"]


def test_too_short_a_history_answers_422_naming_the_file(
    client: TestClient, key: str, tmp_path: Path, app: FastAPI
) -> None:
    folder = _history_folder(tmp_path, weeks=5)
    files = [("files", (p.name, p.read_bytes())) for p in sorted(folder.iterdir())]
    response = client.post("/v1/scenarios/upload", files=files, headers=headers(key))
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert problems[0]["file"] == "history.csv"
    assert "too little history" in problems[0]["message"]
    assert "needs at least 56" in problems[0]["message"]


def test_a_json_scenario_cannot_name_a_history(client: TestClient, key: str) -> None:
    from rostering.io import load_scenario

    data = load_scenario(ROOT / "scenarios" / "reference-online").model_dump(mode="json")
    data["demand"] = {"history": "history.csv"}
    response = client.post("/v1/scenarios", json=data, headers=headers(key))
    assert response.status_code == 422
    assert "scenario folder is loaded" in response.text
