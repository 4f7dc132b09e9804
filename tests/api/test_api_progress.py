"""The progress writer of a solving run: what it stores, and how it stops a cancelled run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.crud import get_or_create_tenant
from api.db import Store
from api.models import RunRecord
from api.progress import ProgressWriter, RunCancelledError
from rostering.roster.config import Progress


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path / 'progress.sqlite'}")
    store.create_all()
    yield store
    store.dispose()


@pytest.fixture
def run_id(store: Store) -> str:
    with store.session() as s:
        tenant = get_or_create_tenant(s, "acme")
        run = RunRecord(
            tenant_id=tenant.id, scenario_name="x", time_limit_s=5.0, whatif={}, inputs={}
        )
        s.add(run)
        s.commit()
        return run.id


def _progress(store: Store, run_id: str) -> dict[str, object]:
    with store.session() as s:
        run = s.get(RunRecord, run_id)
        assert run is not None and run.progress is not None
        return run.progress


def test_reports_are_stored_with_the_relative_gap(store: Store, run_id: str) -> None:
    writer = ProgressWriter(store, run_id, interval_s=0.0)
    writer.stage("sizing")
    assert _progress(store, run_id)["stage"] == "sizing"
    writer(Progress(objective=110.0, bound=100.0, elapsed_s=1.5, solutions=2))
    stored = _progress(store, run_id)
    assert stored["stage"] == "solving"
    assert (stored["objective"], stored["bound"], stored["solutions"]) == (110.0, 100.0, 2)
    assert stored["gap"] == pytest.approx(10 / 110)
    assert stored["elapsed_s"] == 1.5


def test_infinite_numbers_are_stored_as_null(store: Store, run_id: str) -> None:
    writer = ProgressWriter(store, run_id, interval_s=0.0)
    writer(Progress(objective=float("inf"), bound=0.0, elapsed_s=float("nan"), solutions=0))
    stored = _progress(store, run_id)
    assert stored["objective"] is None and stored["gap"] is None
    assert stored["bound"] == 0.0 and stored["elapsed_s"] == 0.0


def test_writes_are_throttled(store: Store, run_id: str) -> None:
    writer = ProgressWriter(store, run_id, interval_s=0.0)
    writer(Progress(objective=5.0, bound=1.0, elapsed_s=0.1, solutions=1))
    writer.interval_s = 3600.0
    writer(Progress(objective=4.0, bound=1.0, elapsed_s=0.2, solutions=2))
    assert _progress(store, run_id)["solutions"] == 1
    assert writer.latest["solutions"] == 2


def test_a_cancel_request_stops_the_search(store: Store, run_id: str) -> None:
    writer = ProgressWriter(store, run_id, interval_s=0.0)
    writer(Progress(objective=5.0, bound=1.0, elapsed_s=0.1, solutions=1))
    with store.session() as s:
        run = s.get(RunRecord, run_id)
        assert run is not None
        run.cancel_requested = True
        s.commit()
    with pytest.raises(RunCancelledError):
        writer(Progress(objective=4.0, bound=1.0, elapsed_s=0.2, solutions=2))
