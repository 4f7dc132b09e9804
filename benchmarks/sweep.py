"""Benchmark a sweep: the regional site's 24 variants, serially and on a local Dask cluster.

    python benchmarks/sweep.py [--sweep scenarios/sweeps/regional.yaml] [--time-limit 10]
                               [--replications 3] [--workers 2] [--keep DIR]

What it does
------------
1. Loads the sweep (``scenarios/sweeps/regional.yaml``: 4 volumes x 2 service
   targets x 3 headcounts of ``scenarios/regional-site``, 24 variants) and
   sets its per-task time limit to ``--time-limit`` seconds and its
   simulation to ``--replications`` replications (one solver thread per
   solve, fixed seeds).
2. Serial: runs every task in this process, one after another, with
   :func:`rostering.sweep.run_serial`, the loop over the same task function
   the workers run (:func:`rostering.sweep.run_task`), into a scratch folder.
3. Cluster: runs the same tasks with :func:`rostering.sweep.run_sweep` on a
   ``LocalCluster`` of ``--workers`` processes of one thread (one solve) each,
   into another scratch folder, timed from the call (the cluster's start
   included) to ``sweep.csv`` and ``sweep.html`` written.
4. Prints the wall time of each, the speed-up (target >= 1.8x on 2 cores),
   the overhead per task on the cluster (its wall time minus the in-task
   times added up and divided by the workers, per task; target < 1 s), and a
   paper estimate, from the measured per-task times and overhead, for 23
   sites x 50 variants on 1, 8 and 32 machines of 2 cores. The timing table
   gives each way's peak memory: the serial run's is this process's
   (``VmHWM``), the cluster's the largest of the processes it started (its
   workers), sampled while they run.

The in-task time of a task is its :attr:`TaskSummary.wall_time_s` (load the
scenario, apply the what-if, solve, simulate, write the folder). The
estimate assumes sites the size of the regional site (about 60 people, four
weeks); a machine runs two solves at once, the tasks go out in waves of
``2 x machines``, and each task costs the mean in-task time plus the
overhead measured here scaled to one solve slot. It leaves out the
scheduler's own limits on very many workers and the shared file system's
write speed. Timings depend on the machine and its load: run on an otherwise
idle machine for figures to compare. The first task in each process also pays
for importing the package and compiling the simulation engine.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from peak_memory import TreePeaks, peak_mb  # noqa: E402

from rostering.sweep import (  # noqa: E402
    ClusterSettings,
    Sweep,
    TaskSummary,
    load_sweep,
    plan_tasks,
    run_serial,
    run_sweep,
)

SWEEP = ROOT / "scenarios" / "sweeps" / "regional.yaml"
SPEED_UP_TARGET = 1.8
OVERHEAD_TARGET_S = 1.0
SITES, VARIANTS = 23, 50
MACHINES = (1, 8, 32)
CORES_PER_MACHINE = 2

console = Console(width=None if sys.stdout.isatty() else 132)


@dataclass(frozen=True)
class Timed:
    """One way of running the sweep: its wall time and every task's summary."""

    label: str
    wall_s: float
    summaries: list[TaskSummary]
    peak: str = ""
    """Peak memory of the processes that ran it."""

    @property
    def in_task_s(self) -> list[float]:
        """Each task's own time, load to write."""
        return [s.wall_time_s or 0.0 for s in self.summaries]

    @property
    def failed(self) -> int:
        return sum(1 for s in self.summaries if s.status == "failed")


def configured(path: Path, *, time_limit: float, replications: int) -> Sweep:
    """The sweep with the benchmark's time limit, replications and one solver thread."""
    sweep = load_sweep(path)
    settings = sweep.settings.model_copy(
        update={
            "time_limit_s": time_limit,
            "replications": replications,
            "solver_threads": 1,
            "simulate": True,
        }
    )
    return dataclasses.replace(sweep, spec=sweep.spec.model_copy(update={"settings": settings}))


def time_serial(sweep: Sweep, out: Path) -> Timed:
    tasks = plan_tasks(sweep, out, force=True)
    console.print(f"serial: {len(tasks)} tasks in this process ...")
    started = time.perf_counter()
    summaries = run_serial(tasks)
    wall = time.perf_counter() - started
    return Timed("serial (1 process)", wall, summaries, f"{peak_mb():,.0f} (process)")


def time_cluster(sweep: Sweep, out: Path, workers: int) -> Timed:
    console.print(f"cluster: {len(sweep)} tasks on {workers} worker process(es) ...")
    started = time.perf_counter()
    with TreePeaks() as peaks:
        result = run_sweep(
            sweep, out, cluster=ClusterSettings(workers=workers, threads_per_worker=1), force=True
        )
    wall = time.perf_counter() - started
    others = peaks.others_mb
    peak = f"{max(others):,.0f} (largest child)" if others else "-"
    return Timed(f"LocalCluster ({workers} workers x 1 thread)", wall, result.summaries, peak)


def timing_table(runs: list[Timed]) -> Table:
    table = Table(title="Wall time of the sweep")
    columns = ("run", "tasks", "failed", "wall s", "in-task s (sum)", "in-task s (mean)")
    for col in (*columns, "peak MB"):
        table.add_column(col, justify="left" if col == "run" else "right")
    for r in runs:
        table.add_row(
            r.label,
            str(len(r.summaries)),
            str(r.failed),
            f"{r.wall_s:,.1f}",
            f"{sum(r.in_task_s):,.1f}",
            f"{statistics.fmean(r.in_task_s):,.2f}",
            r.peak,
        )
    return table


def estimate_table(task_s: float, overhead_s: float, workers: int) -> Table:
    """Paper estimate of SITES x VARIANTS tasks on machines of CORES_PER_MACHINE cores."""
    tasks = SITES * VARIANTS
    # The overhead was measured per task over `workers` slots; one slot's share of it.
    per_task = task_s + overhead_s * workers
    table = Table(
        title=f"Estimate: {SITES} sites x {VARIANTS} variants = {tasks:,} tasks "
        f"({task_s:.1f} s a task + {overhead_s * workers:.2f} s overhead a slot)"
    )
    for col in ("machines", "solve slots", "waves", "hours"):
        table.add_column(col, justify="right")
    for machines in MACHINES:
        slots = machines * CORES_PER_MACHINE
        waves = math.ceil(tasks / slots)
        table.add_row(str(machines), str(slots), f"{waves:,}", f"{waves * per_task / 3600:,.2f}")
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sweep", type=Path, default=SWEEP)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--replications", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None, help="Write the runs here.")
    args = parser.parse_args()

    sweep = configured(args.sweep, time_limit=args.time_limit, replications=args.replications)
    console.print(
        f"{args.sweep}: {len(sweep.scenarios)} scenario(s) x {len(sweep.variants)} variants, "
        f"time limit {args.time_limit:g} s, {args.replications} replications"
    )
    with tempfile.TemporaryDirectory(prefix="sweep-bench-") as scratch:
        base = args.keep or Path(scratch)
        serial = time_serial(sweep, base / "serial")
        cluster = time_cluster(sweep, base / "cluster", args.workers)
    console.print(timing_table([serial, cluster]))

    speed_up = serial.wall_s / cluster.wall_s
    verdict = "meets" if speed_up >= SPEED_UP_TARGET else "misses"
    console.print(
        f"speed-up {speed_up:.2f}x on {args.workers} workers ({verdict} the "
        f"{SPEED_UP_TARGET}x target)"
    )
    tasks = len(cluster.summaries)
    overhead = (cluster.wall_s - sum(cluster.in_task_s) / args.workers) / tasks
    verdict = "meets" if overhead < OVERHEAD_TARGET_S else "misses"
    console.print(
        f"overhead per task on the cluster {overhead:.2f} s ({verdict} the "
        f"< {OVERHEAD_TARGET_S:g} s target; the cluster's start included)"
    )
    task_s = statistics.fmean(serial.in_task_s + cluster.in_task_s)
    console.print(estimate_table(task_s, max(overhead, 0.0), args.workers))


if __name__ == "__main__":
    main()
