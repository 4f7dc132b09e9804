"""Probe: a run cancelled in the middle of its search keeps the best roster found.

Before: the cancel was raised out of the CP-SAT search and the run was stored
as cancelled with no roster and no KPIs, although ``RunStatus.CANCELLED``
promises the best roster found before the stop.
"""

from __future__ import annotations

import threading
import time

from api_helpers import SITE_M, TestClient, headers, solve_in_process, submit, upload_folder
from fastapi import FastAPI

from api.db import Store
from api.models import RunRecord
from rostering.io import load_scenario
from rostering.pipeline import run_scenario
from rostering.roster.config import Progress, SolverConfig, StopSearch
from rostering.roster.solution import SolveStatus
from rostering.roster.validation import validate


def _progress(store: Store, run_id: str) -> tuple[str, dict[str, object]]:
    with store.session() as s:
        run = s.get(RunRecord, run_id)
        assert run is not None
        return run.status, dict(run.progress or {})


def test_a_run_cancelled_mid_search_stores_its_best_roster(
    app: FastAPI, client: TestClient, key: str
) -> None:
    scenario = upload_folder(client, key, SITE_M)
    run_id = submit(client, key, scenario, {"time_limit_s": 120, "simulate": False})["id"]
    store: Store = app.state.store
    ended: list[str] = []
    solving = threading.Thread(target=lambda: ended.append(solve_in_process(app, run_id)))
    started = time.monotonic()
    solving.start()
    try:
        # Wait for the search to have found a roster, then cancel the run.
        while time.monotonic() - started < 90:
            status, progress = _progress(store, run_id)
            if int(str(progress.get("solutions") or 0)) >= 1:
                break
            assert status in ("queued", "running"), (status, progress)
            time.sleep(0.2)
        else:
            raise AssertionError("the search found no roster in 90 s")
        asked = time.monotonic()
        response = client.delete(f"/v1/runs/{run_id}", headers=headers(key))
        assert response.status_code == 202, response.text
    finally:
        solving.join(timeout=120)
    assert not solving.is_alive()
    assert time.monotonic() - asked < 60, "the cancel stopped the search"
    assert ended == ["cancelled"]
    run = client.get(f"/v1/runs/{run_id}", headers=headers(key)).json()
    assert run["status"] == "cancelled"
    assert "best roster" in run["error"]["message"]
    assert run["kpis"] is not None and run["kpis"]["status"] == "FEASIBLE"
    assert run["kpis"]["wall_time_s"] < 100
    roster = client.get(f"/v1/runs/{run_id}/roster", headers=headers(key))
    assert roster.status_code == 200, roster.text
    assert len(roster.json()) > 0


def test_a_stop_from_the_progress_callback_returns_the_best_roster() -> None:
    reports: list[Progress] = []

    def stop_after_first(progress: Progress) -> None:
        reports.append(progress)
        raise StopSearch

    started = time.monotonic()
    result = run_scenario(
        load_scenario(SITE_M),
        solver=SolverConfig(time_limit_s=120, workers=2, seed=1),
        progress=stop_after_first,
        simulate=False,
    )
    assert len(reports) == 1, "no report after the stop"
    assert time.monotonic() - started < 60
    solution = result.solution
    assert solution.status is SolveStatus.FEASIBLE
    assert solution.assignments
    assert solution.objective <= reports[0].objective + 1e-6
    assert validate(result.instance, solution).ok
