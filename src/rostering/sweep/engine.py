"""Run a sweep: plan its tasks, skip the finished ones, run the rest on Dask, summarise.

:func:`run_sweep` turns a checked :class:`~rostering.sweep.spec.Sweep` into
one :class:`~rostering.sweep.task.SweepTask` per (scenario, variant) pair,
each with the content hash of its inputs (the scenario's files, the what-if,
the settings). A task whose folder holds a finished marker with that hash is
skipped, unless ``force``. The others are submitted to the cluster
(:mod:`.cluster`) with one unit of the ``solve`` resource and
``settings.retries`` retries; completions are taken as they come
(``as_completed``) and reported through ``on_progress`` with the counts done,
running and failed. A task that fails (a bad variant, an infeasible roster,
an error raised on the worker, or a worker that died on every attempt) is
reported with its error and the others go on. At the end ``sweep.csv`` and
``sweep.html`` are written (:mod:`.summary`).

:func:`run_serial` runs the same tasks in this process, one after another:
the reference a cluster run must equal, and the serial side of the benchmark.
"""

from __future__ import annotations

import logging
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rostering.sweep.cluster import SOLVE, ClusterSettings, open_client, solve_slots
from rostering.sweep.identity import content_hash, folder_digest
from rostering.sweep.spec import Sweep
from rostering.sweep.summary import write_summary
from rostering.sweep.task import (
    REPLACED_PREFIX,
    STAGING_PREFIX,
    SweepTask,
    TaskSummary,
    describe,
    failed,
    finished_summary,
    run_task,
)

if TYPE_CHECKING:
    from distributed import Client, Future

log = logging.getLogger(__name__)

POLL_S = 0.25
"""How often the loop looks for completions and asks the scheduler what runs."""
RUNNING_EVERY_S = 1.0
"""How often the count of running tasks is asked of the scheduler."""
LEFTOVER_PREFIXES = (STAGING_PREFIX, f".{STAGING_PREFIX}", REPLACED_PREFIX)
"""Folders of a task's attempt that a finished task leaves none of."""


@dataclass(frozen=True)
class SweepProgress:
    """Where a sweep stands: tasks finished (ok or failed), running, and skipped."""

    total: int
    done: int
    failed: int
    running: int
    skipped: int
    last: TaskSummary | None = None

    @property
    def finished(self) -> int:
        """Tasks with a result this run: done (including failed) and skipped."""
        return self.done + self.skipped


@dataclass(frozen=True)
class SweepResult:
    """Every task's summary, in the sweep's order, and the summary files written."""

    summaries: list[TaskSummary]
    csv: Path
    html: Path
    wall_time_s: float
    submitted: int = 0
    skipped: int = 0
    run_id: str = field(default="")

    @property
    def ok(self) -> list[TaskSummary]:
        """The tasks that produced a roster."""
        return [s for s in self.summaries if s.status == "ok"]

    @property
    def failed(self) -> list[TaskSummary]:
        """The tasks that did not, each with its error."""
        return [s for s in self.summaries if s.status == "failed"]


def task_key(task: SweepTask) -> str:
    """The task's Dask key: unique per task and run, readable in the dashboard."""
    return f"sweep-{task.scenario}/{task.variant}-{task.run_id}"


def plan_tasks(
    sweep: Sweep, out_dir: Path, *, force: bool = False, run_id: str | None = None
) -> list[SweepTask]:
    """One task per (scenario, variant), scenarios outermost, in the sweep's order."""
    run = run_id or uuid.uuid4().hex[:12]
    tasks = []
    for scenario in sweep.scenarios:
        digest = folder_digest(scenario.folder)
        for variant in sweep.variants:
            tasks.append(
                SweepTask(
                    scenario=scenario.name,
                    scenario_dir=str(scenario.folder),
                    variant=variant.name,
                    whatif=variant.whatif,
                    settings=sweep.settings,
                    out_dir=str(out_dir.resolve() / scenario.name / variant.name),
                    content_hash=content_hash(
                        scenario_digest=digest, whatif=variant.whatif, settings=sweep.settings
                    ),
                    run_id=run,
                    force=force,
                )
            )
    return tasks


def run_serial(
    tasks: Sequence[SweepTask], *, on_done: Callable[[TaskSummary], None] | None = None
) -> list[TaskSummary]:
    """Run the tasks in this process, in order; an error raised becomes a failed task."""
    out = []
    for task in tasks:
        started = time.perf_counter()
        try:
            summary = run_task(task)
        except Exception as exc:
            summary = failed(task, describe(exc), wall_time_s=time.perf_counter() - started)
        out.append(summary)
        if on_done is not None:
            on_done(summary)
    return out


def _running(client: Client, keys: set[str]) -> int:
    """Of ``keys``, how many run now: those handed to a worker, at most the solve slots.

    The scheduler hands a worker more tasks than it has slots (they wait there
    for a free one), so the count handed out is capped by the slots.
    """
    try:
        processing = client.processing()  # type: ignore[no-untyped-call]
        slots = solve_slots(client)
    except (OSError, TimeoutError):
        return 0
    handed = sum(1 for held in processing.values() for k in held if k in keys)
    return min(handed, slots)


def _summary_of(future: Future[TaskSummary], task: SweepTask) -> TaskSummary:
    """The task's summary, or a failed one naming why the future holds none."""
    if future.status == "finished":
        summary: TaskSummary = future.result()
        return summary
    if future.status == "cancelled":
        return failed(task, "cancelled: the scheduler lost the task")
    exc = future.exception()  # type: ignore[no-untyped-call]
    return failed(task, describe(exc) if exc is not None else f"task {future.status}")


def run_on_cluster(
    client: Client,
    tasks: Sequence[SweepTask],
    *,
    retries: int,
    on_done: Callable[[TaskSummary, int], None] | None = None,
    on_running: Callable[[int], None] | None = None,
) -> dict[str, TaskSummary]:
    """Submit the tasks and gather their summaries as they complete, by task key.

    ``on_done(summary, running)`` is called after each completion,
    ``on_running(running)`` when the count of running tasks changes between them.
    """
    from distributed import as_completed

    by_key = {task_key(t): t for t in tasks}
    futures = {
        client.submit(run_task, t, key=k, resources={SOLVE: 1}, retries=retries, pure=False): k
        for k, t in by_key.items()
    }
    pending = set(by_key)
    results: dict[str, TaskSummary] = {}
    completed = as_completed(list(futures))  # type: ignore[no-untyped-call]
    running = -1
    asked = 0.0
    while not completed.is_empty():  # type: ignore[no-untyped-call]
        batch = completed.next_batch(block=False)  # type: ignore[no-untyped-call]
        if batch:
            for future in batch:
                key = futures[future]
                pending.discard(key)
                results[key] = _summary_of(future, by_key[key])
                future.release()
                running = max(0, min(running - 1, len(pending)))
                if on_done is not None:
                    on_done(results[key], running)
            continue
        now = time.monotonic()
        if now - asked >= RUNNING_EVERY_S:
            asked = now
            count = _running(client, pending)
            if count != running:
                running = count
                if on_running is not None:
                    on_running(running)
        time.sleep(POLL_S)
    return results


def _remove_leftovers(folder: Path) -> None:
    """Delete staging folders that attempts killed mid-write left behind.

    Called when every task has its result, so no attempt of this run still
    writes; task folders never start with a dot.
    """
    if not folder.is_dir():
        return
    for item in folder.iterdir():
        if item.is_dir() and item.name.startswith(LEFTOVER_PREFIXES):
            log.info("removing %s, left by an interrupted attempt", item)
            shutil.rmtree(item, ignore_errors=True)


def run_sweep(
    sweep: Sweep,
    out_dir: str | Path,
    *,
    cluster: ClusterSettings | None = None,
    client: Client | None = None,
    force: bool = False,
    on_progress: Callable[[SweepProgress], None] | None = None,
) -> SweepResult:
    """Run every task of the sweep not already finished, write sweep.csv and sweep.html.

    Tasks run on ``client`` if given, else on the cluster ``cluster`` names (a
    local cluster of two processes by default), which is started only if some
    task needs to run.

    Raises
    ------
    ClusterError
        The cluster cannot be reached or offers no ``solve`` resource.
    """
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    run_id = uuid.uuid4().hex[:12]
    tasks = plan_tasks(sweep, out, force=force, run_id=run_id)
    summaries: dict[str, TaskSummary] = {}
    for t in tasks:
        if force:
            break
        stored = finished_summary(t)
        if stored is not None:
            summaries[task_key(t)] = stored
    todo = [t for t in tasks if task_key(t) not in summaries]
    counts = {"done": 0, "failed": 0, "running": 0}

    def report(last: TaskSummary | None = None) -> None:
        if on_progress is not None:
            on_progress(
                SweepProgress(
                    total=len(tasks),
                    done=counts["done"],
                    failed=counts["failed"],
                    running=counts["running"],
                    skipped=len(tasks) - len(todo),
                    last=last,
                )
            )

    def done(summary: TaskSummary, running: int) -> None:
        counts["done"] += 1
        counts["failed"] += summary.status == "failed"
        counts["running"] = running
        if summary.status == "failed":
            log.warning("%s/%s failed: %s", summary.scenario, summary.variant, summary.error)
        report(summary)

    def running(count: int) -> None:
        counts["running"] = count
        report()

    log.info(
        "sweep %s: %d task(s), %d finished before, %d to run",
        sweep.file,
        len(tasks),
        len(tasks) - len(todo),
        len(todo),
    )
    report()
    if todo:
        retries = sweep.settings.retries
        if client is not None:
            summaries |= run_on_cluster(
                client, todo, retries=retries, on_done=done, on_running=running
            )
        else:
            with open_client(cluster or ClusterSettings(), retries=retries) as own:
                summaries |= run_on_cluster(
                    own, todo, retries=retries, on_done=done, on_running=running
                )
    for scenario in sweep.scenarios:
        _remove_leftovers(out / scenario.name)
    ordered = [summaries[task_key(t)] for t in tasks]
    csv, html = write_summary(ordered, out, title=f"Sweep {sweep.file.stem}")
    return SweepResult(
        summaries=ordered,
        csv=csv,
        html=html,
        wall_time_s=time.perf_counter() - started,
        submitted=len(todo),
        skipped=len(tasks) - len(todo),
        run_id=run_id,
    )


__all__ = [
    "SweepProgress",
    "SweepResult",
    "plan_tasks",
    "run_on_cluster",
    "run_serial",
    "run_sweep",
    "task_key",
]
