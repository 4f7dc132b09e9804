"""The ``rostering sweep`` command (registered by :mod:`rostering.cli`).

``sweep`` runs a grid of what-if variants over several scenario folders on
Dask: a local cluster of processes, or an existing scheduler. Each task's
files land in ``DIR/<scenario>/<variant>/`` as ``rostering solve`` writes
them; ``DIR/sweep.csv`` and ``DIR/sweep.html`` summarise them. A rerun skips
the tasks already finished.

Exit codes: 0 every task ran, 1 unexpected failure, 2 bad input (the sweep
file, or a cluster without solve workers), 4 the sweep ran but some tasks
failed (each listed with its error, and in ``sweep.csv``).
"""

# The command imports the sweep inside its body, so that `rostering --help`
# starts without loading Dask, pandas or OR-Tools.

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from rostering.sweep import SweepResult

err = Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() else 120)
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 150)

EXIT_INPUT = 2
EXIT_TASKS_FAILED = 4
FAILURES_SHOWN = 20
"""Failed tasks listed on the terminal (``sweep.csv`` has them all)."""


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # Dask logs every worker start and stop at INFO; keep them for --verbose.
    logging.getLogger("distributed").setLevel(logging.INFO if verbose else logging.WARNING)


def _print_outcome(result: SweepResult) -> None:
    ok, failed = result.ok, result.failed
    out.print(
        f"{len(result.summaries)} task(s): [green]{len(ok)} ok[/], "
        f"[{'red' if failed else 'green'}]{len(failed)} failed[/], "
        f"{result.skipped} finished before, {result.submitted} run now "
        f"({result.wall_time_s:.1f} s)",
        highlight=False,
    )
    for s in failed[:FAILURES_SHOWN]:
        out.print(f"  [red]failed[/] {s.scenario}/{s.variant}: ", end="", highlight=False)
        out.print(s.error, markup=False, highlight=False)
    if len(failed) > FAILURES_SHOWN:
        out.print(f"  ... and {len(failed) - FAILURES_SHOWN} more (see sweep.csv)")
    out.print(f"wrote {result.csv} and {result.html}", highlight=False)


def sweep_command(
    sweep_file: Annotated[
        Path,
        typer.Argument(
            help="The sweep: scenario folders (relative to the file), a grid of what-if "
            "variants, named variants and solve settings (YAML)."
        ),
    ],
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out", help="Folder for DIR/<scenario>/<variant>/, sweep.csv and sweep.html."
        ),
    ],
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Address of a running Dask scheduler (tcp://HOST:8786). Its workers must "
            "have been started with the solve resource: `dask worker tcp://HOST:8786 "
            "--nthreads N --resources solve=N`, N the solves each may run at once. "
            "Without it, a local cluster of --workers processes runs the tasks."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Processes of the local cluster (default 2); each runs as many solves at "
            "once as it has cores.",
        ),
    ] = None,
    connect_timeout: Annotated[
        float,
        typer.Option(
            min=0.1,
            help="Seconds to wait for the --scheduler to answer and offer a solve worker.",
        ),
    ] = 30.0,
    force: Annotated[
        bool, typer.Option("--force", help="Solve again the tasks already finished.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each stage.")] = False,
) -> None:
    """Run a sweep of what-if variants over scenario folders on Dask: writes each task's
    solve files to --out/<scenario>/<variant>/, then sweep.csv and sweep.html."""
    _setup_logging(verbose)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from rostering.errors import ScenarioError
    from rostering.sweep import ClusterError, ClusterSettings, SweepProgress, load_sweep, run_sweep

    try:
        sweep = load_sweep(sweep_file)
    except ScenarioError as exc:
        err.print(f"[bold red]invalid sweep[/]: {len(exc.problems)} problem(s)")
        for p in exc.problems:
            err.print(f"  - {p}", markup=False, highlight=False)
        raise typer.Exit(EXIT_INPUT) from None
    if scheduler and workers is not None:
        err.print("--workers applies to the local cluster only; ignored with --scheduler")
    cluster = ClusterSettings(
        scheduler=scheduler, workers=workers or 2, connect_timeout_s=connect_timeout
    )
    where = scheduler or f"a local cluster of {cluster.workers} process(es)"
    err.print(
        f"sweep [bold]{sweep.file}[/]: {len(sweep.scenarios)} scenario(s) x "
        f"{len(sweep.variants)} variant(s) = {len(sweep)} task(s) on {where}",
        highlight=False,
    )
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[state]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=False) as bar:
        task_id = bar.add_task("tasks", total=len(sweep), state="")

        def show(p: SweepProgress) -> None:
            bar.update(
                task_id,
                completed=p.finished,
                state=f"running {p.running}  done {p.done}  failed {p.failed}  skipped {p.skipped}",
            )
            if p.last is not None and p.last.status == "failed":
                bar.console.print(
                    f"[red]failed[/] {p.last.scenario}/{p.last.variant}: ", end="", highlight=False
                )
                bar.console.print(p.last.error, markup=False, highlight=False)

        try:
            result = run_sweep(sweep, out_dir, cluster=cluster, force=force, on_progress=show)
        except ClusterError as exc:
            err.print("[bold red]cannot run the sweep[/]: ", end="")
            err.print(str(exc), markup=False, highlight=False)
            raise typer.Exit(EXIT_INPUT) from None
    _print_outcome(result)
    if result.failed:
        raise typer.Exit(EXIT_TASKS_FAILED)


__all__ = ["EXIT_TASKS_FAILED", "sweep_command"]
