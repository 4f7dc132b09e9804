"""The dask cluster runs are solved on, built in one place from the settings.

With ``dask_scheduler`` set (``ROSTERING_DASK_SCHEDULER`` or ``rostering serve
--scheduler``) the server connects to that scheduler; its workers must offer
the ``solve`` resource::

    dask scheduler --no-dashboard
    dask worker tcp://host:8786 --nthreads 1 --resources solve=2

``solve=N`` is how many runs a worker solves at once; give it threads to
match (``--nthreads N``), and the database URL must reach the database from
the worker's machine. Unset, the server starts a
:class:`distributed.LocalCluster` of ``workers`` processes on localhost, one
thread and ``solve=1`` each, without a dashboard, and closes it on shutdown.

Either way every worker imports the pipeline in the background when it joins
(:class:`WarmUp`), so the first run does not pay for it.
"""

from __future__ import annotations

import importlib
import logging
import threading
from dataclasses import dataclass
from typing import Any

from distributed import Client, Future, LocalCluster, WorkerPlugin

from api.config import Settings

log = logging.getLogger(__name__)

SOLVE = "solve"
"""The worker resource a run holds while it solves (one unit per run)."""

CONNECT_TIMEOUT_S = 30.0
"""How long to wait for the scheduler to answer when the server starts."""


def _warm_up() -> None:
    worker_module = importlib.import_module("api.worker")
    worker_module.warm_up()


class WarmUp(WorkerPlugin):
    """A dask worker plugin: every worker, and every worker restarted later, imports the
    pipeline in a thread of its own when it joins.

    The worker stays responsive meanwhile; a run arriving before the import
    is done waits for it (Python's import lock), as it would have anyway.
    This module stays light so that unpickling the plugin on a worker is quick.
    """

    def setup(self, worker: Any) -> None:
        threading.Thread(target=_warm_up, name="rostering-warm-up", daemon=True).start()


class ClusterError(RuntimeError):
    """The dask cluster cannot solve runs: unreachable, or no worker offers ``solve``."""


class RunTask:
    """The dask task of one run attempt (a typed view of its future)."""

    def __init__(self, future: Future[str]) -> None:
        self.future = future

    @property
    def key(self) -> str:
        """The task's key on the cluster: ``run-<run id>-<attempt>``."""
        return str(self.future.key)

    @property
    def state(self) -> str:
        """``pending``, ``finished``, ``error``, ``cancelled`` or ``lost``."""
        return str(self.future.status)

    def done(self) -> bool:
        """True once the task finished, failed or was cancelled."""
        return bool(self.future.done())  # type: ignore[no-untyped-call]

    def result(self) -> str:
        """What :func:`api.worker.execute_run` returned (call once done)."""
        return str(self.future.result())

    def error(self) -> BaseException | None:
        """The exception the task failed with (call once done)."""
        exc: BaseException | None = self.future.exception()  # type: ignore[no-untyped-call]
        return exc


@dataclass
class Cluster:
    """A client of the cluster runs go to, and the local cluster if the server started one."""

    client: Client
    local: LocalCluster | None = None

    @property
    def address(self) -> str:
        """The scheduler's address."""
        info = self.client.scheduler_info(n_workers=0)
        return str(info.get("address", ""))

    def workers(self) -> dict[str, dict[str, Any]]:
        """The scheduler's view of each worker, by address."""
        workers: dict[str, dict[str, Any]] = dict(
            self.client.scheduler_info(n_workers=-1)["workers"]
        )
        return workers

    def solve_slots(self) -> float:
        """How many runs the cluster's workers can solve at once (their ``solve`` total)."""
        return float(sum(w.get("resources", {}).get(SOLVE, 0) for w in self.workers().values()))

    def submit_run(
        self,
        database_url: str,
        run_id: str,
        attempt: str,
        *,
        progress_interval_s: float,
        priority: int,
    ) -> RunTask:
        """Submit the task of one run attempt, holding one unit of ``solve``."""
        # Imported here: workers unpickle this module's plugin, and should not wait for
        # the pipeline to import while they do.
        from api.worker import execute_run

        future: Future[str] = self.client.submit(
            execute_run,
            database_url,
            run_id,
            attempt=attempt,
            progress_interval_s=progress_interval_s,
            key=f"run-{run_id}-{attempt}",
            resources={SOLVE: 1},
            priority=priority,
            pure=False,
        )
        return RunTask(future)

    def cancel(self, tasks: list[RunTask]) -> None:
        """Tell the scheduler these tasks are no longer wanted (one already executing
        goes on in its thread until it returns or its worker restarts)."""
        if tasks:
            self.client.cancel([t.future for t in tasks])  # type: ignore[no-untyped-call]

    def processing(self, address: str | None = None) -> dict[str, set[str]]:
        """The keys of the tasks the scheduler has on each worker (or on one)."""
        workers = None if address is None else [address]
        answer = self.client.processing(workers)  # type: ignore[no-untyped-call]
        return {str(a): {str(k) for k in keys} for a, keys in answer.items()}

    def restart_workers(self, addresses: list[str], *, timeout_s: float = 30.0) -> dict[str, str]:
        """Restart workers (their nannies start fresh processes); dask's verdict for each.

        What runs there is lost; the scheduler hands the tasks it still wants to
        other workers.
        """
        answer = self.client.restart_workers(addresses, timeout=timeout_s, raise_for_error=False)
        return {a: str(answer.get(a, "not in the cluster")) for a in addresses}

    def close(self) -> None:
        """Disconnect; stop the local cluster if the server started it."""
        self.client.close()  # type: ignore[no-untyped-call]
        if self.local is not None:
            self.local.close()
            self.local = None


def _check_workers(cluster: Cluster) -> None:
    """Raise :class:`ClusterError` when the cluster has workers and none offers ``solve``."""
    workers = cluster.workers()
    if not workers:
        log.warning(
            "the dask cluster at %s has no worker yet: runs wait until a worker with "
            "--resources %s=N joins",
            cluster.address,
            SOLVE,
        )
        return
    slots = cluster.solve_slots()
    if slots <= 0:
        offered = sorted({r for w in workers.values() for r in w.get("resources", {})})
        raise ClusterError(
            f"none of the {len(workers)} worker(s) of the dask cluster at {cluster.address} "
            f"offers the '{SOLVE}' resource (offered: {', '.join(offered) or 'none'}); "
            f"start them with `dask worker {cluster.address} --nthreads 1 "
            f"--resources {SOLVE}=1`"
        )
    log.info(
        "dask cluster at %s: %d worker(s), %g run(s) at once", cluster.address, len(workers), slots
    )


def connect(settings: Settings) -> Cluster:
    """The cluster of these settings: the external scheduler, or a new local cluster.

    Raises :class:`ClusterError` when the scheduler cannot be reached, or when
    its workers do not offer the ``solve`` resource.
    """
    if settings.dask_scheduler is not None:
        try:
            client = Client(  # type: ignore[no-untyped-call]
                settings.dask_scheduler, timeout=CONNECT_TIMEOUT_S, set_as_default=False
            )
        except (OSError, TimeoutError) as exc:
            raise ClusterError(
                f"cannot reach the dask scheduler at {settings.dask_scheduler}: {exc}"
            ) from exc
        cluster = Cluster(client)
        try:
            _check_workers(cluster)
        except ClusterError:
            cluster.close()
            raise
    else:
        local = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=settings.workers,
            threads_per_worker=1,
            processes=True,
            resources={SOLVE: 1},
            host="127.0.0.1",
            scheduler_port=0,
            dashboard_address=None,
            # No dashboard; the scheduler's own HTTP routes (health, metrics) on a free
            # port rather than 8787, which another cluster may hold.
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            # Like a solve in a process of its own: no memory cap, no spilling.
            memory_limit=0,
        )
        client = Client(local, set_as_default=False)  # type: ignore[no-untyped-call]
        cluster = Cluster(client, local)
        log.info("local dask cluster at %s: %d worker(s)", cluster.address, settings.workers)
    cluster.client.register_plugin(WarmUp(), name="rostering-warm-up")
    return cluster


__all__ = [
    "CONNECT_TIMEOUT_S",
    "SOLVE",
    "Cluster",
    "ClusterError",
    "RunTask",
    "WarmUp",
    "connect",
]
