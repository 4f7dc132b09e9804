"""Runs solved outside the web process, in a small pool of worker processes.

::

    POST /v1/runs ──> runs table (queued) ──> dispatcher thread ──> slot 1 (process)
                                                                └─> slot 2 (process)
    worker: read inputs ─> run_scenario(progress=...) ─> write results
              └── progress and the cancel flag go through the database

Each slot is a one-process :class:`~concurrent.futures.ProcessPoolExecutor`
(``spawn`` context, so no web-server state leaks into the worker), warmed up
by importing the pipeline once. A cancelled run stops itself: its progress
callback reads the cancel flag and raises, which ends the CP-SAT search. One
process per slot means a worker can also be stopped from outside without
harming the run in the other slot: the dispatcher stops a worker whose run was
cancelled and did not stop by itself within ``cancel_grace_s`` (no new
solution came), or that overran its time limit by ``kill_grace_s``; the slot
then gets a fresh process.

Admission is bounded: when ``max_queue`` runs are queued or running,
:meth:`Runner.admit` refuses (the route answers 429 with Retry-After).

On start, runs left ``running`` by a previous server are marked
``interrupted``; ``queued`` runs stay queued and are solved.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.config import Settings
from api.store import RunRecord, RunStatus, Store, count_active, recover_after_restart, utcnow
from rostering.domain.scenario import Scenario
from rostering.errors import InfeasibleRosterError, RosteringError, ScenarioError
from rostering.pipeline import RunResult, run_scenario
from rostering.reports.gantt import roster_gantt
from rostering.roster.config import Progress, SolverConfig
from rostering.whatif import outcome_of

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------
# the worker side (runs in a worker process)

_STORES: dict[str, Store] = {}


def _worker_store(url: str) -> Store:
    store = _STORES.get(url)
    if store is None:
        store = _STORES[url] = Store(url)
    return store


def warm_up() -> None:
    """Initializer of a worker process.

    Unpickling it imports this module, and with it the whole pipeline, once,
    before the first run arrives.
    """
    log.debug("worker process %d ready", os.getpid())


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _jsonable(model: Any) -> Any:
    """JSON-ready data of a pydantic model (NaN and infinity become null)."""
    return json.loads(model.model_dump_json())


class RunCancelledError(Exception):
    """Raised from the progress callback to stop the search of a cancelled run."""


class _ProgressWriter:
    """The solver's progress callback: writes progress, and stops a cancelled run.

    CP-SAT ends the search when its solution callback raises, and the
    exception leaves ``solve``; the worker then records the run as cancelled.
    """

    def __init__(self, store: Store, run_id: str, *, interval_s: float) -> None:
        self.store = store
        self.run_id = run_id
        self.interval_s = interval_s
        self.last_write = 0.0
        self.latest: dict[str, Any] = {}

    def _write(self, stage: str) -> bool:
        """Store the latest progress under ``stage``; True if cancel was asked."""
        data = {**self.latest, "stage": stage, "updated_at": utcnow().isoformat()}
        with self.store.session() as s:
            s.execute(update(RunRecord).where(RunRecord.id == self.run_id).values(progress=data))
            flag = s.scalar(select(RunRecord.cancel_requested).where(RunRecord.id == self.run_id))
            s.commit()
        return bool(flag)

    def stage(self, stage: str) -> None:
        """Record that the run entered a stage ('sizing', 'solving', 'saving')."""
        self._write(stage)

    def __call__(self, progress: Progress) -> None:
        objective = _finite(progress.objective)
        bound = _finite(progress.bound)
        gap = None
        if objective is not None and bound is not None:
            gap = abs(objective - bound) / max(abs(objective), 1e-9)
        self.latest = {
            "objective": objective,
            "bound": bound,
            "gap": gap,
            "elapsed_s": _finite(progress.elapsed_s) or 0.0,
            "solutions": progress.solutions,
        }
        now = time.monotonic()
        if now - self.last_write < self.interval_s:
            return
        self.last_write = now
        if self._write("solving"):
            raise RunCancelledError(self.run_id)


def _finish(
    store: Store,
    run_id: str,
    *,
    status: RunStatus,
    error: dict[str, Any] | None = None,
    kpis: Any = None,
    outcome: Any = None,
    gantt: Any = None,
) -> None:
    with store.session() as s:
        run = s.get(RunRecord, run_id)
        if run is None or run.status != RunStatus.RUNNING.value:
            return
        if status is RunStatus.SUCCEEDED and run.cancel_requested:
            status = RunStatus.CANCELLED
        run.status = status.value
        run.finished_at = utcnow()
        run.error = error
        run.kpis = kpis
        run.outcome = outcome
        run.gantt = gantt
        progress = dict(run.progress or {})
        progress["stage"] = "done"
        run.progress = progress
        s.commit()


def execute_run(database_url: str, run_id: str, *, progress_interval_s: float) -> str:
    """Solve one claimed run and store its outcome; returns the final status.

    Runs in a worker process. Every outcome, including a crash of the
    pipeline, ends as a stored status: ``succeeded``, ``failed`` or ``cancelled``.
    """
    store = _worker_store(database_url)
    with store.session() as s:
        run = s.get(RunRecord, run_id)
        if run is None or run.status != RunStatus.RUNNING.value:
            return run.status if run is not None else "missing"
        inputs = run.inputs
        seed, time_limit, threads = run.seed, run.time_limit_s, run.solver_threads
        cancelled = run.cancel_requested
        run.worker_pid = os.getpid()
        s.commit()
    if cancelled:
        _finish(
            store, run_id, status=RunStatus.CANCELLED, error={"message": "cancelled before start"}
        )
        return RunStatus.CANCELLED.value

    writer = _ProgressWriter(store, run_id, interval_s=progress_interval_s)
    writer.stage("sizing")
    try:
        scenario = Scenario.model_validate(inputs)
        config = SolverConfig(time_limit_s=time_limit, workers=threads, seed=seed)
        result = run_scenario(scenario, solver=config, progress=writer)
    except RunCancelledError:
        _finish(
            store, run_id, status=RunStatus.CANCELLED, error={"message": "cancelled while solving"}
        )
        return RunStatus.CANCELLED.value
    except ScenarioError as exc:
        problems = [
            {"file": p.file, "location": p.location, "message": p.message, "value": p.value}
            for p in exc.problems
        ]
        _finish(
            store,
            run_id,
            status=RunStatus.FAILED,
            error={"message": "the scenario cannot be run", "problems": problems},
        )
        return RunStatus.FAILED.value
    except InfeasibleRosterError as exc:
        _finish(
            store,
            run_id,
            status=RunStatus.FAILED,
            error={"message": "the hard rules cannot all hold", "conflicts": exc.conflicts},
        )
        return RunStatus.FAILED.value
    except RosteringError as exc:
        _finish(store, run_id, status=RunStatus.FAILED, error={"message": str(exc)})
        return RunStatus.FAILED.value
    except Exception as exc:
        log.exception("run %s crashed", run_id)
        _finish(
            store,
            run_id,
            status=RunStatus.FAILED,
            error={"message": f"internal error: {type(exc).__name__}: {exc}"},
        )
        return RunStatus.FAILED.value

    solution = result.solution
    writer.latest = {
        **writer.latest,
        "objective": _finite(solution.objective),
        "bound": _finite(solution.best_bound),
        "gap": _finite(solution.gap),
        "elapsed_s": solution.wall_time_s,
    }
    writer.stage("saving")
    outcome = outcome_of(result)
    gantt = _gantt(result)
    error = None
    status = RunStatus.SUCCEEDED
    if not result.solution.assignments and result.solution.conflicts:
        status = RunStatus.FAILED
        error = {
            "message": "the hard rules cannot all hold",
            "conflicts": list(result.solution.conflicts),
        }
    elif not result.solution.assignments and not result.solution.standby:
        status = RunStatus.FAILED
        error = {"message": f"no roster found ({result.solution.status.value})"}
    _finish(
        store,
        run_id,
        status=status,
        error=error,
        kpis=_jsonable(result.kpis),
        outcome=_jsonable(outcome),
        gantt=gantt,
    )
    return status.value


def _gantt(result: RunResult) -> dict[str, Any] | None:
    """The roster Gantt as plotly JSON, or None when it cannot be drawn."""
    try:
        figure = roster_gantt(result.instance, result.solution, title=result.scenario.name)
        data: dict[str, Any] = json.loads(figure.to_json())
    except Exception:
        log.exception("gantt figure failed")
        return None
    return data


# ---------------------------------------------------------------------------
# the web side


@dataclass
class _Slot:
    """One worker process and the run it holds."""

    index: int
    executor: ProcessPoolExecutor | None = None
    pid_future: Future[int] | None = None
    pid: int | None = None
    run_id: str | None = None
    future: Future[str] | None = None
    deadline: float = 0.0
    cancel_seen: float | None = None
    killed_for: str | None = None


class Runner:
    """Admits runs, hands them to worker processes, and watches over them."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.admission = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._slots = [_Slot(i) for i in range(settings.workers)]
        self._context = multiprocessing.get_context("spawn")

    # -- life cycle --------------------------------------------------------

    def recover(self) -> list[str]:
        """Mark runs a previous server left running as interrupted."""
        with self.store.session() as s:
            ids = recover_after_restart(s)
            s.commit()
        if ids:
            log.warning("marked %d run(s) interrupted after restart", len(ids))
        return ids

    def start(self) -> None:
        """Start the dispatcher thread (worker processes start on demand)."""
        if self._thread is not None:
            return
        self._stopping.clear()
        for slot in self._slots:
            self._ensure_process(slot)
        self._thread = threading.Thread(target=self._loop, name="run-dispatcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop dispatching; runs still solving are stopped and marked interrupted."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        for slot in self._slots:
            if slot.run_id is not None:
                self._kill(slot)
                self._mark(
                    slot.run_id,
                    status=RunStatus.INTERRUPTED,
                    message="the server stopped during the run",
                )
                slot.run_id = None
            if slot.executor is not None:
                slot.executor.shutdown(wait=True, cancel_futures=True)
                slot.executor = None
                slot.pid = None

    def wake(self) -> None:
        """Look for work now rather than at the next poll."""
        self._wake.set()

    # -- admission -----------------------------------------------------------

    def has_room(self, session: Session) -> bool:
        """True when another run may be queued (call under :attr:`admission`)."""
        return count_active(session) < self.settings.max_queue

    # -- the loop ------------------------------------------------------------

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                self._tick()
            except Exception:
                log.exception("dispatcher step failed")
            self._wake.wait(self.settings.poll_interval_s)
            self._wake.clear()

    def _tick(self) -> None:
        for slot in self._slots:
            self._reap(slot)
            if slot.run_id is not None:
                self._watch(slot)
        for slot in self._slots:
            if slot.run_id is None and not self._stopping.is_set() and not self._dispatch(slot):
                break

    def _ensure_process(self, slot: _Slot) -> bool:
        """Start the slot's worker process if needed; True once its pid is known."""
        if slot.executor is None:
            slot.executor = ProcessPoolExecutor(
                max_workers=1, mp_context=self._context, initializer=warm_up
            )
            slot.pid_future = slot.executor.submit(os.getpid)
            slot.pid = None
        if slot.pid is None and slot.pid_future is not None:
            if not slot.pid_future.done():
                return False
            try:
                slot.pid = slot.pid_future.result()
            except Exception:
                log.exception("worker process %d failed to start", slot.index)
                self._discard(slot)
                return False
        return slot.pid is not None

    def _discard(self, slot: _Slot) -> None:
        if slot.executor is not None:
            slot.executor.shutdown(wait=False, cancel_futures=True)
        slot.executor = None
        slot.pid_future = None
        slot.pid = None

    def _dispatch(self, slot: _Slot) -> bool:
        """Claim the oldest queued run for a free slot; False when none is queued."""
        with self.store.session() as s:
            next_id = s.scalar(
                select(RunRecord.id)
                .where(RunRecord.status == RunStatus.QUEUED.value)
                .order_by(RunRecord.created_at, RunRecord.id)
                .limit(1)
            )
        if next_id is None:
            return False
        if not self._ensure_process(slot):
            return True
        with self.store.session() as s:
            claimed = s.execute(
                update(RunRecord)
                .where(RunRecord.id == next_id, RunRecord.status == RunStatus.QUEUED.value)
                .values(status=RunStatus.RUNNING.value, started_at=utcnow())
                .returning(RunRecord.id)
            ).scalar_one_or_none()
            limit = s.scalar(select(RunRecord.time_limit_s).where(RunRecord.id == next_id))
            s.commit()
        if not claimed:
            return True
        assert slot.executor is not None
        slot.run_id = next_id
        slot.cancel_seen = None
        slot.killed_for = None
        slot.deadline = time.monotonic() + float(limit or 0) + self.settings.kill_grace_s
        try:
            slot.future = slot.executor.submit(
                execute_run,
                self.store.url,
                next_id,
                progress_interval_s=self.settings.progress_interval_s,
            )
        except (BrokenProcessPool, RuntimeError):
            log.exception("slot %d could not take run %s", slot.index, next_id)
            self._mark(next_id, status=RunStatus.QUEUED, message=None, requeue=True)
            slot.run_id = None
            self._discard(slot)
            return True
        log.info("run %s started in slot %d", next_id, slot.index)
        return True

    def _reap(self, slot: _Slot) -> None:
        """Free a slot whose run ended; record crashes and kills."""
        if slot.run_id is None or slot.future is None or not slot.future.done():
            return
        run_id = slot.run_id
        try:
            status = slot.future.result()
            log.info("run %s ended: %s", run_id, status)
        except BrokenProcessPool:
            if slot.killed_for == "cancel":
                self._mark(
                    run_id,
                    status=RunStatus.CANCELLED,
                    message="cancelled while solving; its worker was stopped",
                )
            elif slot.killed_for == "deadline":
                self._mark(
                    run_id,
                    status=RunStatus.FAILED,
                    message="the run overran its time limit and was stopped",
                )
            else:
                self._mark(run_id, status=RunStatus.FAILED, message="the worker process died")
            self._discard(slot)
        except Exception as exc:
            log.exception("run %s failed in its worker", run_id)
            self._mark(
                run_id, status=RunStatus.FAILED, message=f"internal error: {type(exc).__name__}"
            )
        slot.run_id = None
        slot.future = None

    def _watch(self, slot: _Slot) -> None:
        """Stop a worker whose run was cancelled (after a grace) or overran its deadline."""
        assert slot.run_id is not None
        now = time.monotonic()
        if slot.killed_for is not None:
            return
        with self.store.session() as s:
            flag = s.scalar(select(RunRecord.cancel_requested).where(RunRecord.id == slot.run_id))
        if flag:
            if slot.cancel_seen is None:
                slot.cancel_seen = now
            elif now - slot.cancel_seen >= self.settings.cancel_grace_s:
                slot.killed_for = "cancel"
                self._kill(slot)
                return
        if now > slot.deadline:
            slot.killed_for = "deadline"
            self._kill(slot)

    def _kill(self, slot: _Slot) -> None:
        if slot.pid is None:
            return
        log.warning("stopping worker %d (pid %d) of run %s", slot.index, slot.pid, slot.run_id)
        with contextlib.suppress(ProcessLookupError):
            os.kill(slot.pid, signal.SIGTERM)

    def _mark(
        self,
        run_id: str,
        *,
        status: RunStatus,
        message: str | None = None,
        requeue: bool = False,
    ) -> None:
        """Set a run's final status unless the worker already did."""
        with self.store.session() as s:
            values: dict[str, Any] = {"status": status.value, "worker_pid": None}
            if not requeue:
                values["finished_at"] = utcnow()
                values["error"] = {"message": message} if message else None
            else:
                values["started_at"] = None
            s.execute(
                update(RunRecord)
                .where(RunRecord.id == run_id, RunRecord.status == RunStatus.RUNNING.value)
                .values(**values)
            )
            s.commit()


__all__ = ["RunCancelledError", "Runner", "execute_run", "warm_up"]
