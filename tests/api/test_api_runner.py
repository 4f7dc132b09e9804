"""Runs solved by the worker processes behind a live app: progress, results, time limits,
cancellation of a running solve, and a worker replaced after it was stopped; and runs a
stopped server left running, marked interrupted by the next one."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from api_helpers import (
    SITE_M,
    TestClient,
    finished,
    headers,
    new_key,
    solve_in_process,
    submit,
    upload_folder,
    upload_reference,
    wait_for,
)
from fastapi import FastAPI

from api.config import Settings
from api.main import create_app
from api.models import RunRecord
from api.run_status import RunStatus

#: Site M (150 agents, four weeks, three channels): CP-SAT finds rosters early and is
#: still searching at short time limits. No simulation, so the run is the solve.
HEAVY: dict[str, Any] = {"simulate": False}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, TestClient, str]]:
    """One app with two worker processes for the whole module."""
    folder: Path = tmp_path_factory.mktemp("live")
    settings = Settings(
        database_url=str(folder / "api.sqlite"), workers=2, cancel_grace_s=1.0, kill_grace_s=30
    )
    app = create_app(settings)
    key = new_key(app, "acme")
    with TestClient(app) as client:
        yield app, client, key


@pytest.fixture(scope="module")
def scenario(live: tuple[FastAPI, TestClient, str]) -> str:
    _, client, key = live
    return upload_reference(client, key)


@pytest.fixture(scope="module")
def heavy(live: tuple[FastAPI, TestClient, str]) -> str:
    _, client, key = live
    return upload_folder(client, key, SITE_M)


def test_a_whatif_runs_in_a_worker_and_compares_with_its_baseline(
    live: tuple[FastAPI, TestClient, str], scenario: str
) -> None:
    _, client, key = live
    base = submit(client, key, scenario)
    variant = submit(
        client,
        key,
        scenario,
        {"volume": [{"factor": 1.2, "weekday": 0}], "label": "Mondays +20 %"},
    )
    seen: list[dict[str, Any]] = []

    def done(run: dict[str, Any]) -> bool:
        seen.append(run)
        return finished(run)

    base_run = wait_for(client, key, base["id"], done)
    variant_run = wait_for(client, key, variant["id"], finished)
    assert base_run["status"] == variant_run["status"] == "succeeded", (base_run, variant_run)
    assert base_run["started_at"] is not None and base_run["finished_at"] is not None
    assert base_run["progress"]["solutions"] >= 1
    assert base_run["progress"]["objective"] == pytest.approx(base_run["kpis"]["objective"])
    assert variant_run["label"] == "Mondays +20 %"
    # Monday volume went up by a fifth on every channel, nothing else changed.
    volume = {c["channel"]: c["volume"] for c in base_run["kpis"]["channels"]}
    varied = {c["channel"]: c["volume"] for c in variant_run["kpis"]["channels"]}
    assert all(varied[c] > volume[c] for c in volume)
    comparison = client.get(
        f"/v1/compare?a={base['id']}&b={variant['id']}", headers=headers(key)
    ).json()
    assert (comparison["label_a"], comparison["label_b"]) == (base["id"], "Mondays +20 %")
    volume_rows = [k for k in comparison["kpis"] if k["name"] == "volume"]
    assert all(k["delta"] > 0 for k in volume_rows)
    gantt = client.get(f"/v1/runs/{variant['id']}/gantt", headers=headers(key))
    assert gantt.status_code == 200


@pytest.mark.slow
def test_the_time_limit_holds(live: tuple[FastAPI, TestClient, str], heavy: str) -> None:
    _, client, key = live
    run = submit(client, key, heavy, {**HEAVY, "time_limit_s": 4})
    done = wait_for(client, key, run["id"], finished)
    started = dt.datetime.fromisoformat(done["started_at"])
    ended = dt.datetime.fromisoformat(done["finished_at"])
    # Sizing, model building and saving come on top of the search's 4 s.
    assert (ended - started).total_seconds() < 4 + 15
    if done["status"] == "succeeded":
        # The search did not prove optimality: it stopped at its limit with a roster.
        assert done["kpis"]["status"] == "FEASIBLE"
        assert done["kpis"]["wall_time_s"] < 4 + 10
    else:  # a loaded machine may find no roster in 4 s
        assert done["error"]["message"] == "no roster found (UNKNOWN)"


def test_cancelling_a_running_solve_stops_it(
    live: tuple[FastAPI, TestClient, str], heavy: str
) -> None:
    _, client, key = live
    run = submit(client, key, heavy, {**HEAVY, "time_limit_s": 120})
    wait_for(client, key, run["id"], lambda r: r["status"] == "running")
    started = time.monotonic()
    response = client.delete(f"/v1/runs/{run['id']}", headers=headers(key))
    assert response.status_code == 202
    assert response.json()["cancel_requested"] is True
    done = wait_for(client, key, run["id"], finished, timeout_s=30)
    assert done["status"] == "cancelled"
    assert "cancelled while solving" in done["error"]["message"]
    assert time.monotonic() - started < 20


@pytest.mark.slow
def test_a_silent_solve_is_stopped_from_outside_and_its_slot_recovers(
    live: tuple[FastAPI, TestClient, str], heavy: str, scenario: str
) -> None:
    _, client, key = live
    run = submit(client, key, heavy, {**HEAVY, "time_limit_s": 120})
    # Wait until the solver has stopped reporting new rosters.
    wait_for(
        client,
        key,
        run["id"],
        lambda r: (r.get("progress") or {}).get("solutions", 0) >= 2,
        timeout_s=60,
    )
    time.sleep(1.0)
    client.delete(f"/v1/runs/{run['id']}", headers=headers(key))
    done = wait_for(client, key, run["id"], finished, timeout_s=30)
    assert done["status"] == "cancelled"
    assert done["error"]["message"] in (
        "cancelled while solving",
        "cancelled while solving; the best roster found before is kept",
        "cancelled while solving; its worker was stopped",
    )
    # Both slots still solve.
    after = [submit(client, key, scenario) for _ in range(2)]
    for a in after:
        assert wait_for(client, key, a["id"], finished)["status"] == "succeeded"


def test_restart_marks_running_runs_interrupted_and_keeps_the_rest(
    make_app: Callable[..., FastAPI],
) -> None:
    first = make_app()
    key = new_key(first, "acme")
    with TestClient(first) as client:
        scenario_id = upload_reference(client, key)
        done = submit(client, key, scenario_id)
        assert solve_in_process(first, done["id"]) == "succeeded"
        in_flight = submit(client, key, scenario_id)
        waiting = submit(client, key, scenario_id)
    # The server died while in_flight was solving.
    with first.state.store.session() as s:
        row = s.get(RunRecord, in_flight["id"])
        assert row is not None
        row.status = RunStatus.RUNNING.value
        s.commit()

    second = make_app()  # same database file
    with TestClient(second) as client:
        get = client.get
        interrupted = get(f"/v1/runs/{in_flight['id']}", headers=headers(key)).json()
        assert interrupted["status"] == "interrupted"
        assert interrupted["finished_at"] is not None
        assert "server stopped" in interrupted["error"]["message"]
        assert get(f"/v1/runs/{waiting['id']}", headers=headers(key)).json()["status"] == "queued"
        assert get(f"/v1/runs/{done['id']}", headers=headers(key)).json()["status"] == "succeeded"
        assert get(f"/v1/runs/{done['id']}/roster", headers=headers(key)).status_code == 200
