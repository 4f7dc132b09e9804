"""The web-process side of runs: admission, and handing runs to the dask cluster.

::

    POST /v1/runs ──> runs table (queued) ──> runner thread ──> client.submit(execute_run,
                                                  resources={"solve": 1}, key="run-<id>-<attempt>")
    dask worker: claim the run under its attempt ─> run_scenario(progress=...) ─> write results
                   └── progress and the cancel flag go through the database

The cluster (:mod:`api.cluster`) is an external dask scheduler
(``ROSTERING_DASK_SCHEDULER``) or a local cluster of ``workers`` processes
the server starts and closes. Each run is one dask task,
:func:`api.worker.execute_run`, holding one unit of the workers' ``solve``
resource, so a worker solves as many runs at once as it offers units and the
scheduler queues the rest. The database stays the queue of record: the
runner thread hands every queued run to the cluster (oldest first, with a
fresh attempt token, :class:`api.models.RunAttempt`), and the task sets it
``running`` when it starts on a worker.

The same thread watches the runs it handed over. A cancelled run stops
itself: its progress callback (:mod:`api.progress`) reads the cancel flag and
raises, which ends the CP-SAT search. A run that was cancelled and did not
stop within ``cancel_grace_s`` (no new solution came), or that overran its
time limit by ``kill_grace_s``, is marked, its task dropped, and its worker
restarted (``client.restart_workers``; the worker's nanny starts a fresh
process). Other runs on that worker go back to the queue and start again.

Every write of a task is conditioned on its attempt still holding the running
run, so the marks above, and a restarted server's, are final. On start, runs
left ``running`` by a previous server are marked ``interrupted``; a task of
theirs still solving on an external cluster can then store nothing: its
worker is restarted when the server starts (and the task would stop at its
next progress report anyway). ``queued`` runs stay queued and are solved. On a
clean stop, runs still solving are marked ``interrupted`` and their workers
stopped (the local cluster is closed; on an external one they are restarted).

Admission is bounded: when ``max_queue`` runs are queued or running, or
``max_queue_per_tenant`` runs of the asking tenant, :meth:`Runner.queue_full_reason`
says why (the route answers 429 with Retry-After), so one tenant's burst
cannot shut the others out.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.cluster import Cluster, ClusterError, RunTask, connect
from api.config import Settings
from api.crud import (
    count_active,
    end_run,
    is_attempt,
    new_attempt,
    recover_after_restart,
    requeue_run,
)
from api.db import Store
from api.models import RunAttempt, RunRecord, utcnow
from api.run_status import ACTIVE, RunStatus

log = logging.getLogger(__name__)

RESTART_TIMEOUT_S = 30.0
"""How long a worker restart may take before the runner goes on without it."""


@dataclass
class _Task:
    """A run handed to the cluster, and what the runner watches of it."""

    run_id: str
    attempt: str
    task: RunTask
    running_since: float | None = None
    deadline: float = math.inf
    cancel_seen: float | None = None


class Runner:
    """Admits runs, hands them to the dask cluster, and watches over them."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.admission = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._cluster: Cluster | None = None
        self._tasks: dict[str, _Task] = {}
        self._recovered: list[str] = []

    # -- life cycle --------------------------------------------------------

    def recover(self) -> list[str]:
        """Mark runs a previous server left running as interrupted."""
        with self.store.session() as s:
            ids = recover_after_restart(s)
            s.commit()
        if ids:
            log.warning("marked %d run(s) interrupted after restart", len(ids))
        self._recovered = ids
        return ids

    def start(self) -> None:
        """Connect to the cluster (or start the local one) and start the runner thread.

        Raises :class:`~api.cluster.ClusterError` when the cluster cannot solve runs.
        """
        if self._thread is not None:
            return
        try:
            self._cluster = connect(self.settings)
        except ClusterError as exc:
            log.error("%s", exc)
            raise
        if self._cluster.local is None:
            self._stop_abandoned(self._cluster)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name="run-runner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop handing out runs; runs still solving are stopped and marked interrupted.

        Queued runs stay queued (the next server solves them).
        """
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=2 * RESTART_TIMEOUT_S)
            self._thread = None
        cluster, self._cluster = self._cluster, None
        if cluster is None:
            return
        tasks, self._tasks = list(self._tasks.values()), {}
        workers: set[str] = set()
        with self.store.session() as s:
            for task in tasks:
                worker = s.scalar(select(RunAttempt.worker).where(RunAttempt.run_id == task.run_id))
                stopped = end_run(
                    s,
                    task.run_id,
                    task.attempt,
                    status=RunStatus.INTERRUPTED,
                    error={"message": "the server stopped during the run"},
                )
                if stopped:
                    log.warning("run %s interrupted: the server is stopping", task.run_id)
                    if worker is not None:
                        workers.add(worker)
            s.commit()
        try:
            cluster.cancel([t.task for t in tasks])
            if cluster.local is None and workers:
                self._restart(cluster, sorted(workers))  # so their solves end now
        finally:
            cluster.close()

    def _stop_abandoned(self, cluster: Cluster) -> None:
        """Restart the workers still solving runs the previous server left running.

        Those runs are marked interrupted (:meth:`recover`), so their tasks could
        store nothing; restarting their workers frees the cluster at once rather
        than at the tasks' next progress report.
        """
        ids, self._recovered = self._recovered, []
        if not ids:
            return
        with self.store.session() as s:
            recorded = {
                w
                for w in s.scalars(select(RunAttempt.worker).where(RunAttempt.run_id.in_(ids)))
                if w is not None
            }
        abandoned = sorted(recorded & set(cluster.workers()))
        if abandoned:
            log.warning("restarting %s: they were solving interrupted runs", ", ".join(abandoned))
            self._restart(cluster, abandoned)

    def solve_slots(self) -> int | None:
        """Runs the cluster can solve at once now (None before it is connected)."""
        cluster = self._cluster
        if cluster is None:
            return None
        try:
            return int(cluster.solve_slots())
        except (OSError, RuntimeError, ValueError) as exc:  # the scheduler went away
            log.warning("cannot read the cluster's solve slots: %s", exc)
            return None

    def wake(self) -> None:
        """Look for work now rather than at the next poll."""
        self._wake.set()

    # -- admission -----------------------------------------------------------

    def queue_full_reason(self, session: Session, *, tenant_id: str | None = None) -> str | None:
        """None when another run of the tenant may be queued, else why not (call under
        :attr:`admission`): the whole queue is full (``max_queue``), or the tenant's
        share of it is (``max_queue_per_tenant``)."""
        if count_active(session) >= self.settings.max_queue:
            return f"{self.settings.max_queue} runs are queued or running; retry later"
        if (
            tenant_id is not None
            and count_active(session, tenant_id=tenant_id) >= self.settings.max_queue_per_tenant
        ):
            return (
                f"{self.settings.max_queue_per_tenant} runs of this tenant are queued or "
                "running; retry later"
            )
        return None

    # -- the loop ------------------------------------------------------------

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                self._tick()
            except Exception:
                log.exception("runner step failed")
            self._wake.wait(self.settings.poll_interval_s)
            self._wake.clear()

    def _tick(self) -> None:
        cluster = self._cluster
        if cluster is None:
            return
        self._reap()
        self._watch(cluster)
        if not self._stopping.is_set():
            self._submit(cluster)

    def _submit(self, cluster: Cluster) -> None:
        """Hand every queued run not yet handed over to the cluster, oldest first."""
        with self.store.session() as s:
            queued = s.execute(
                select(RunRecord.id, RunRecord.created_at)
                .where(RunRecord.status == RunStatus.QUEUED.value)
                .order_by(RunRecord.created_at, RunRecord.id)
            ).all()
        for run_id, created_at in queued:
            if run_id in self._tasks or self._stopping.is_set():
                continue
            with self.store.session() as s:
                attempt = new_attempt(s, run_id)
                s.commit()
            task = cluster.submit_run(
                self.store.url,
                run_id,
                attempt,
                progress_interval_s=self.settings.progress_interval_s,
                # Older runs first (dask runs higher priorities first).
                priority=-int(created_at.timestamp() * 1000),
            )
            self._tasks[run_id] = _Task(run_id, attempt, task)
            log.info("run %s handed to the cluster (attempt %s)", run_id, attempt)

    def _reap(self) -> None:
        """Forget tasks that ended; record the runs whose task failed or was lost."""
        for run_id, task in list(self._tasks.items()):
            if not task.task.done():
                continue
            del self._tasks[run_id]
            state = task.task.state
            if state == "finished":
                log.info("run %s ended: %s", run_id, task.task.result())
                continue
            if state == "cancelled":
                # The client lost the task (a broken connection to the scheduler): a
                # queued run is handed over again; a running one cannot be watched.
                self._end(
                    task,
                    status=RunStatus.INTERRUPTED,
                    message="the server lost track of the run on the cluster",
                    queued_too=False,
                )
                continue
            exc = task.task.error()
            log.error("run %s: its task failed on the cluster: %r", run_id, exc)
            self._end(
                task,
                status=RunStatus.FAILED,
                message=f"the cluster could not run it: {type(exc).__name__}: {exc}",
                queued_too=True,
            )

    def _watch(self, cluster: Cluster) -> None:
        """Stop the worker of a run cancelled past its grace, or overrunning its deadline."""
        if not self._tasks:
            return
        with self.store.session() as s:
            rows = {
                row.id: row
                for row in s.execute(
                    select(
                        RunRecord.id,
                        RunRecord.status,
                        RunRecord.cancel_requested,
                        RunRecord.time_limit_s,
                        RunAttempt.token,
                        RunAttempt.worker,
                    )
                    .outerjoin(RunAttempt, RunAttempt.run_id == RunRecord.id)
                    .where(RunRecord.id.in_(list(self._tasks)))
                )
            }
        now = time.monotonic()
        for run_id, task in list(self._tasks.items()):
            row = rows.get(run_id)
            if row is None or row.token != task.attempt:
                self._drop(cluster, task)  # deleted, or handed over again
                continue
            if row.status == RunStatus.QUEUED.value:
                continue  # waiting for a worker
            if row.status != RunStatus.RUNNING.value:
                if task.running_since is None:
                    self._drop(cluster, task)  # ended before it started: cancelled
                continue  # ended by its task, which returns soon
            if task.running_since is None:
                task.running_since = now
                task.deadline = now + float(row.time_limit_s) + self.settings.kill_grace_s
            if row.cancel_requested:
                if task.cancel_seen is None:
                    task.cancel_seen = now
                elif now - task.cancel_seen >= self.settings.cancel_grace_s:
                    self._stop(cluster, task, row.worker, reason="cancel")
                    continue
            if now > task.deadline:
                self._stop(cluster, task, row.worker, reason="deadline")

    # -- stopping a run from outside ---------------------------------------

    def _stop(self, cluster: Cluster, task: _Task, worker: str | None, *, reason: str) -> None:
        """Mark the run, drop its task and restart the worker solving it."""
        if reason == "cancel":
            status, message = RunStatus.CANCELLED, "cancelled while solving; its worker was stopped"
        else:
            status, message = (
                RunStatus.FAILED,
                "the run overran its time limit and was stopped",
            )
        ended = self._end(task, status=status, message=message, queued_too=False)
        self._drop(cluster, task)
        if not ended:
            return  # it ended by itself meanwhile
        address = worker or self._worker_of(cluster, task)
        if address is None:
            log.warning("run %s: no worker known to restart", task.run_id)
            return
        self._requeue_others(cluster, address, stopped=task)
        log.warning("run %s: %s; restarting worker %s", task.run_id, message, address)
        self._restart(cluster, [address])

    def _worker_of(self, cluster: Cluster, task: _Task) -> str | None:
        """The worker the scheduler has a task on, if any."""
        for address, keys in cluster.processing().items():
            if task.task.key in keys:
                return address
        return None

    def _requeue_others(self, cluster: Cluster, address: str, *, stopped: _Task) -> None:
        """Send the other runs on a worker about to restart back to the queue.

        Their attempts end now (their tasks can write nothing more); they are
        handed to the cluster again with new attempts at the next step.
        """
        keys = cluster.processing(address).get(address, set())
        others = [t for t in self._tasks.values() if t is not stopped and t.task.key in keys]
        for task in others:
            with self.store.session() as s:
                if requeue_run(s, task.run_id, task.attempt):
                    log.warning(
                        "run %s goes back to the queue: its worker %s restarts",
                        task.run_id,
                        address,
                    )
                s.commit()
            self._drop(cluster, task)

    def _restart(self, cluster: Cluster, addresses: list[str]) -> None:
        try:
            verdicts = cluster.restart_workers(addresses, timeout_s=RESTART_TIMEOUT_S)
        except Exception:
            log.exception("restarting %s failed", ", ".join(addresses))
            return
        for address, verdict in verdicts.items():
            log.info("worker %s restarted: %s", address, verdict)

    def _drop(self, cluster: Cluster, task: _Task) -> None:
        """Forget a task and tell the scheduler it is no longer wanted."""
        self._tasks.pop(task.run_id, None)
        cluster.cancel([task.task])

    def _end(self, task: _Task, *, status: RunStatus, message: str, queued_too: bool) -> bool:
        """Set a run's final status while the task's attempt holds it; True if set.

        With ``queued_too``, also a run still queued under the attempt (its
        task failed before it could start).
        """
        states = ACTIVE if queued_too else (RunStatus.RUNNING.value,)
        values: dict[str, Any] = {
            "status": status.value,
            "finished_at": utcnow(),
            "worker_pid": None,
            "error": {"message": message},
        }
        with self.store.session() as s:
            ended = s.execute(
                update(RunRecord)
                .where(
                    RunRecord.id == task.run_id,
                    RunRecord.status.in_(states),
                    is_attempt(task.run_id, task.attempt),
                )
                .values(**values)
                .returning(RunRecord.id)
            ).scalar_one_or_none()
            s.commit()
        return ended is not None


__all__ = ["RESTART_TIMEOUT_S", "Runner"]
