"""Where a sweep's tasks run: a local cluster of processes, or an existing Dask scheduler.

Every solve takes one unit of the worker resource ``solve``; a worker offers
as many units as it may run solves at once (its cores), so a worker never
runs more solves than it has cores, whatever its thread count.

- Without a scheduler address, :func:`open_client` starts a
  ``distributed.LocalCluster`` of ``workers`` processes on this machine, each
  with ``threads_per_worker`` threads (default: the cores shared out among the
  workers, at least one) and as many ``solve`` units, and closes it after.
- With one (``tcp://HOST:8786``), it connects to that cluster, whose workers
  must have been started with the resource, e.g.
  ``dask worker tcp://HOST:8786 --nthreads 2 --resources solve=2``; it waits a
  bounded time for such a worker and refuses with :class:`ClusterError`
  if none comes.

A worker that dies while running a task is the scheduler's to handle: the
local cluster's scheduler tries a task on up to ``retries + 1`` workers
(``allowed_failures``) before reporting it lost (``KilledWorker``); an
existing scheduler uses its own ``distributed.scheduler.allowed-failures``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from rostering.errors import RosteringError

if TYPE_CHECKING:
    from distributed import Client

log = logging.getLogger(__name__)

SOLVE = "solve"
"""The worker resource one solve takes a unit of."""
START_HINT = "dask worker {address} --nthreads N --resources solve=N"


class ClusterError(RosteringError):
    """The cluster cannot run a sweep: no scheduler at the address, or no worker offers
    the ``solve`` resource."""


class ClusterSettings(BaseModel):
    """Where the tasks run: a scheduler address, or the shape of a local cluster."""

    model_config = ConfigDict(extra="forbid")

    scheduler: str | None = Field(
        None, description="Address of a running Dask scheduler (None: start a local cluster)."
    )
    workers: int = Field(2, ge=1, le=256, description="Processes of the local cluster.")
    threads_per_worker: int | None = Field(
        None,
        ge=1,
        le=256,
        description="Threads (and solve units) of each local worker (default: the machine's "
        "cores shared out among the workers, at least one).",
    )
    connect_timeout_s: float = Field(
        30.0, gt=0, description="How long to wait for the scheduler and a solve worker."
    )

    def local_threads(self) -> int:
        """Threads, and solve units, of each worker of the local cluster."""
        if self.threads_per_worker is not None:
            return self.threads_per_worker
        return max(1, (os.cpu_count() or 1) // self.workers)


def solve_slots(client: Client) -> int:
    """Solves the cluster's workers may run at once: their ``solve`` units added up."""
    workers = client.scheduler_info(n_workers=-1).get("workers", {})
    return int(sum(w.get("resources", {}).get(SOLVE, 0) for w in workers.values()))


def _wait_for_solve_workers(client: Client, *, address: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        if solve_slots(client) > 0:
            return
        if time.monotonic() >= deadline:
            workers = client.scheduler_info(n_workers=-1).get("workers", {})
            raise ClusterError(
                f"no worker of the scheduler at {address} has the resource {SOLVE!r} "
                f"({len(workers)} worker(s) connected, waited {timeout_s:g} s): start workers "
                f"with `{START_HINT.format(address=address)}`, N the solves each may run at "
                "once (its cores)"
            )
        time.sleep(0.25)


@contextmanager
def open_client(settings: ClusterSettings, *, retries: int = 2) -> Iterator[Client]:
    """A client of the cluster the settings name, closed (and a local cluster stopped)
    on exit.

    Raises
    ------
    ClusterError
        No scheduler answers at the address, or none of its workers offers the
        ``solve`` resource within ``connect_timeout_s``.
    """
    from distributed import Client, LocalCluster

    if settings.scheduler:
        address = settings.scheduler
        try:
            client = Client(address, timeout=settings.connect_timeout_s)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"no Dask scheduler answers at {address}: {exc}") from None
        try:
            _wait_for_solve_workers(client, address=address, timeout_s=settings.connect_timeout_s)
            log.info("connected to %s: %d solve slot(s)", address, solve_slots(client))
            yield client
        finally:
            client.close()  # type: ignore[no-untyped-call]
        return
    threads = settings.local_threads()
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=settings.workers,
        threads_per_worker=threads,
        processes=True,
        resources={SOLVE: threads},
        host="127.0.0.1",
        dashboard_address=None,
        # No dashboard; the scheduler's plain HTTP routes on a free port, not 8787.
        scheduler_kwargs={
            "allowed_failures": retries,
            "dashboard": False,
            "dashboard_address": "127.0.0.1:0",
        },
    )
    try:
        client = Client(cluster)  # type: ignore[no-untyped-call]
        try:
            log.info(
                "local cluster: %d worker(s) x %d thread(s), %d solve slot(s)",
                settings.workers,
                threads,
                settings.workers * threads,
            )
            yield client
        finally:
            client.close()  # type: ignore[no-untyped-call]
    finally:
        cluster.close()


__all__ = ["SOLVE", "ClusterError", "ClusterSettings", "open_client", "solve_slots"]
