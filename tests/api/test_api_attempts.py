"""Attempts: the task of a run writes only while its attempt holds the run. A task of a
replaced attempt cannot start the run, a run interrupted by a restarted server keeps its
status while its task solves on, and a second execution of a started attempt (dask ran
it again after its worker died) records the dead worker. Solved in this process."""

from __future__ import annotations

import threading
import time

import pytest
from api_helpers import SITE_M, TestClient, submit, upload_folder
from fastapi import FastAPI

from api.crud import claim_run, new_attempt, recover_after_restart, requeue_run
from api.db import Store
from api.models import RunAttempt, RunRecord
from api.progress import ProgressWriter, RunLostError
from api.worker import LOST, execute_run


def _attempt(app: FastAPI, run_id: str) -> str:
    store: Store = app.state.store
    with store.session() as s:
        token = new_attempt(s, run_id)
        s.commit()
    return token


def _execute(app: FastAPI, run_id: str, attempt: str) -> str:
    """The run's task, as a dask worker would run it."""
    return execute_run(app.state.store.url, run_id, progress_interval_s=0.1, attempt=attempt)


def _run(app: FastAPI, run_id: str) -> RunRecord:
    store: Store = app.state.store
    with store.session() as s:
        run = s.get(RunRecord, run_id)
        assert run is not None
        s.expunge(run)
        return run


def test_a_replaced_attempt_cannot_start_the_run(
    app: FastAPI, client: TestClient, key: str, scenario_id: str
) -> None:
    run = submit(client, key, scenario_id)
    old = _attempt(app, run["id"])
    current = _attempt(app, run["id"])
    assert _execute(app, run["id"], old) == LOST
    assert _run(app, run["id"]).status == "queued"
    assert _run(app, run["id"]).started_at is None
    assert _execute(app, run["id"], current) == "succeeded"
    with app.state.store.session() as s:
        attempt = s.get(RunAttempt, run["id"])
        assert attempt is not None and attempt.token == current
        assert attempt.worker is None  # solved outside a dask worker


def test_a_second_execution_of_a_started_attempt_records_the_dead_worker(
    app: FastAPI, client: TestClient, key: str, scenario_id: str
) -> None:
    run = submit(client, key, scenario_id)
    attempt = _attempt(app, run["id"])
    with app.state.store.session() as s:
        assert claim_run(s, run["id"], attempt, worker="tcp://127.0.0.1:1", pid=1)
        s.commit()
    assert _execute(app, run["id"], attempt) == "failed"
    stored = _run(app, run["id"])
    assert stored.status == "failed"
    assert stored.error == {"message": "the worker process died"}
    assert stored.finished_at is not None


def test_a_requeued_run_is_no_longer_its_old_attempts(
    app: FastAPI, client: TestClient, key: str, scenario_id: str
) -> None:
    run = submit(client, key, scenario_id)
    attempt = _attempt(app, run["id"])
    with app.state.store.session() as s:
        assert claim_run(s, run["id"], attempt, worker="tcp://127.0.0.1:1", pid=1)
        s.commit()
    writer = ProgressWriter(app.state.store, run["id"], interval_s=0.0, attempt=attempt)
    writer.stage("solving")
    with app.state.store.session() as s:
        assert requeue_run(s, run["id"], attempt)
        s.commit()
    stored = _run(app, run["id"])
    assert (stored.status, stored.started_at, stored.progress) == ("queued", None, None)
    with pytest.raises(RunLostError):
        writer.stage("solving")
    assert _run(app, run["id"]).progress is None
    assert _execute(app, run["id"], attempt) == LOST
    assert _run(app, run["id"]).status == "queued"


def test_a_run_interrupted_while_solving_stays_interrupted(
    app: FastAPI, client: TestClient, key: str
) -> None:
    # Site M is still sizing or searching well past the moment the server "restarts".
    scenario_id = upload_folder(client, key, SITE_M)
    run = submit(client, key, scenario_id, {"time_limit_s": 10, "simulate": False})
    attempt = _attempt(app, run["id"])
    outcome: list[str] = []
    task = threading.Thread(target=lambda: outcome.append(_execute(app, run["id"], attempt)))
    task.start()
    try:
        deadline = time.monotonic() + 60
        while _run(app, run["id"]).status != "running":
            assert time.monotonic() < deadline, "the run never started"
            time.sleep(0.05)
        # A new server starts on the database while the task goes on solving.
        with app.state.store.session() as s:
            assert recover_after_restart(s) == [run["id"]]
            s.commit()
    finally:
        task.join(timeout=90)
    assert not task.is_alive()
    # It stopped at its next progress report, or at its time limit on a busy machine,
    # and stored nothing either way.
    assert outcome == [LOST]
    stored = _run(app, run["id"])
    assert stored.status == "interrupted"
    assert stored.kpis is None
    assert "server stopped" in (stored.error or {})["message"]
