"""The web-process side of runs: admission, and a small pool of worker processes.

::

    POST /v1/runs ──> runs table (queued) ──> dispatcher thread ──> slot 1 (process)
                                                                └─> slot 2 (process)
    worker: read inputs ─> run_scenario(progress=...) ─> write results
              └── progress and the cancel flag go through the database

Each slot is a one-process :class:`~concurrent.futures.ProcessPoolExecutor`
(``spawn`` context, so no web-server state leaks into the worker), warmed up
by importing the pipeline once; the worker side is :mod:`api.worker`. A
cancelled run stops itself: its progress callback (:mod:`api.progress`) reads
the cancel flag and raises, which ends the CP-SAT search. One process per slot
means a worker can also be stopped from outside without harming the run in the
other slot: the dispatcher stops a worker whose run was cancelled and did not
stop by itself within ``cancel_grace_s`` (no new solution came), or that
overran its time limit by ``kill_grace_s``; the slot then gets a fresh process.

Admission is bounded: when ``max_queue`` runs are queued or running,
:meth:`Runner.has_room` says no (the route answers 429 with Retry-After).

On start, runs left ``running`` by a previous server are marked
``interrupted``; ``queued`` runs stay queued and are solved.
"""

from __future__ import annotations

import contextlib
import logging
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
from api.crud import cancel_requested, count_active, recover_after_restart
from api.db import Store
from api.models import RunRecord, utcnow
from api.run_status import RunStatus
from api.worker import execute_run, warm_up

log = logging.getLogger(__name__)


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
            flag = cancel_requested(s, slot.run_id)
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


__all__ = ["Runner"]
