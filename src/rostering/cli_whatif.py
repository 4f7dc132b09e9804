"""The ``rostering whatif`` and ``rostering compare`` commands (registered by :mod:`rostering.cli`).

``whatif`` applies a what-if to a scenario and solves it, by default from a
baseline roster (a ``rostering solve`` folder), changing only the person-days
the what-if needs; it writes the usual solve files plus ``changes.csv`` and
prints the changes beside the KPI and cost deltas. ``compare`` prints the
comparison of two solve folders.

Exit codes as :mod:`rostering.cli`: 0 success, 1 unexpected failure, 2 bad
input, 3 the hard rules cannot all hold.
"""

# Each command imports the stages it runs inside its own body, so that
# `rostering --help` starts without loading pandas, plotly or OR-Tools.

from __future__ import annotations

import logging
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from rostering.results import Comparison, KpiDelta

err = Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() else 120)
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 150)

EXIT_INPUT = 2
EXIT_INFEASIBLE = 3
CHANGES_SHOWN = 20
"""Changed person-days the terminal lists (``changes.csv`` has them all)."""

_SHARES = frozenset(
    {"service_level", "coverage", "abandon_rate", "occupancy", "unserved_volume_share"}
)
_ON_CALL_ONLY = frozenset({"", "standby backup"})
"""Duties of a person-day that is at most a backup on call."""


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def out_folder(path: Path) -> Path:
    """``--out`` of a command that writes a folder: refused at once when it names a file.

    Checked as the command line is read, so the mistake costs no solve; the
    command then exits with code 2, the code of any bad argument.
    """
    if path.exists() and not path.is_dir():
        raise typer.BadParameter(f"{path} is a file, not a folder: name a folder for the outputs")
    return path


SECONDS_MAX = 86_400.0
"""The longest solver time an option may give: one day."""
SEED_MAX = 2**31 - 1
"""The largest solver seed CP-SAT takes."""
WORKERS_MAX = 256
"""The most solver worker threads an option may ask for."""


def finite(value: float | None) -> float | None:
    """A number option: refused at once when it is not a finite number (nan, inf)."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"expected a finite number, got {value}")
    return value


def time_limit_s(value: float | None) -> float | None:
    """``--time-limit``: a finite number of seconds above 0, at most a day."""
    if value is not None and not (math.isfinite(value) and 0 < value <= SECONDS_MAX):
        raise typer.BadParameter(
            f"expected seconds above 0 and at most {SECONDS_MAX:g}, got {value}"
        )
    return value


def _fail_input(what: str, exc: Exception) -> typer.Exit:
    """Print why the input cannot be used; the exit for bad input."""
    problems = getattr(exc, "problems", None)
    if problems:
        err.print(f"[bold red]{what}[/]: {len(problems)} problem(s)")
        for p in problems:
            err.print(f"  - {p}", markup=False, highlight=False)
    else:
        err.print(f"[bold red]{what}[/]: ", end="")
        err.print(str(exc), markup=False, highlight=False)
    return typer.Exit(EXIT_INPUT)


def _number(name: str, value: float | None) -> str:
    if value is None:
        return "-"
    base = name.removeprefix("simulated_")
    if base in _SHARES:
        return f"{value:.1%}"
    return f"{value:,.2f}"


def _delta(d: KpiDelta) -> str:
    if d.delta is None:
        return "-"
    base = d.name.removeprefix("simulated_")
    if base in _SHARES:
        return f"{d.delta * 100:+.1f} pt"
    return f"{d.delta:+,.2f}"


def print_comparison(console: Console, comparison: Comparison, *, shown: int) -> None:
    """The changed person-days beside the KPI, cost and coverage deltas (B minus A)."""
    c = comparison
    share = c.changed_share
    console.print(
        f"[bold]{c.label_b}[/] against [bold]{c.label_a}[/]: "
        f"[bold]{c.agent_days_changed:,}[/] of {c.agent_days:,} person-days changed "
        f"({'-' if share is None else f'{share:.1%}'})",
        highlight=False,
    )
    on_call = sum(1 for a in c.assignments if {a.before, a.after} <= _ON_CALL_ONLY)
    if on_call:
        console.print(
            f"  {on_call:,} of them only a backup's on-call day (the backups are planned after "
            "the roster, in turn)",
            highlight=False,
        )
    if c.people_added or c.people_removed:
        console.print(
            f"  people added: {', '.join(c.people_added) or '-'}; "
            f"removed: {', '.join(c.people_removed) or '-'}",
            highlight=False,
        )
    table = Table(title="KPIs (B - A)")
    for col in ("kpi", "channel", c.label_a, c.label_b, "delta"):
        table.add_column(col, justify="left" if col in ("kpi", "channel") else "right")
    for d in c.kpis:
        if d.a is None and d.b is None:
            continue
        table.add_row(
            d.name, d.channel or "", _number(d.name, d.a), _number(d.name, d.b), _delta(d)
        )
    total = next((x for x in c.costs if x.agent == "TOTAL"), None)
    if total is not None:
        table.add_row(
            "pay, all people", "", f"{total.a:,.2f}", f"{total.b:,.2f}", f"{total.delta:+,.2f}"
        )
    console.print(table)
    moved = [x for x in c.coverage if abs(x.shortfall_delta) > 1e-9]
    if moved:
        cover = Table(title="Days whose short agent-hours changed")
        for col in ("date", "channel", "required A", "required B", "short A", "short B", "delta"):
            cover.add_column(col, justify="right")
        for x in moved[:shown]:
            cover.add_row(
                x.date.isoformat(),
                x.channel,
                f"{x.required_a:,.1f}",
                f"{x.required_b:,.1f}",
                f"{x.shortfall_a:,.1f}",
                f"{x.shortfall_b:,.1f}",
                f"{x.shortfall_delta:+,.1f}",
            )
        console.print(cover)
    if c.assignments:
        changes = Table(title=f"Changed person-days ({len(c.assignments):,})")
        for col in ("date", "agent", "before", "after"):
            changes.add_column(col)
        for a in c.assignments[:shown]:
            changes.add_row(a.date.isoformat(), a.agent, a.before or "off", a.after or "off")
        if len(c.assignments) > shown:
            changes.caption = f"{len(c.assignments) - shown:,} more"
        console.print(changes)


def whatif_command(
    scenario_dir: Annotated[Path, typer.Argument(help="Scenario folder (scenario.yaml + CSVs).")],
    whatif_file: Annotated[Path, typer.Argument(help="The what-if, a YAML file of WhatIf fields.")],
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            help="A `rostering solve` folder: start from its roster and change only what the "
            "what-if needs (without it the what-if is solved from scratch).",
        ),
    ] = None,
    out_dir: Annotated[
        Path,
        typer.Option("--out", help="Folder for the output files.", callback=out_folder),
    ] = Path("out/whatif"),
    change_weight: Annotated[
        float | None,
        typer.Option(
            min=0,
            max=1e6,
            callback=finite,
            help="Yuan-equivalent cost of each person-day changed from the baseline "
            "(default: the what-if's, else 50).",
        ),
    ] = None,
    max_changes: Annotated[
        int | None,
        typer.Option(min=0, help="At most this many person-days may change from the baseline."),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option(
            help="Solver time limit, seconds (default: the what-if's, else 30).",
            callback=time_limit_s,
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=WORKERS_MAX, help="Solver worker threads.")
    ] = 2,
    seed: Annotated[int, typer.Option(min=0, max=SEED_MAX, help="Solver random seed.")] = 0,
    simulate: Annotated[
        bool,
        typer.Option(
            "--simulate/--no-simulate",
            help="Play the roster through a simulation of its days and correct it.",
        ),
    ] = True,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each stage.")] = False,
) -> None:
    """Solve a what-if of a scenario, from a baseline roster: writes the solve files plus
    changes.csv into --out and prints the changed person-days beside the KPI and cost
    deltas."""
    _setup_logging(verbose)
    from rostering.cli_tables import print_conflicts
    from rostering.errors import InfeasibleRosterError, InputError, ScenarioError
    from rostering.io import load_scenario
    from rostering.pipeline import run_scenario, write_outputs
    from rostering.pipeline_folders import ExtraFile
    from rostering.results import outcome_of
    from rostering.results.csv_output import write_csv
    from rostering.results.folder import read_run_outcome
    from rostering.roster.config import Progress, SolverConfig
    from rostering.roster.instance import DEFAULT_CHANGE_WEIGHT
    from rostering.whatif import (
        FromBaseline,
        apply_whatif,
        baseline_from_folder,
        changes_table,
        compare_runs,
        load_whatif,
    )

    try:
        scenario = load_scenario(scenario_dir)
        whatif = load_whatif(whatif_file)
        changed = apply_whatif(scenario, whatif)
    except ScenarioError as exc:
        raise _fail_input("invalid scenario or what-if", exc) from None
    # The command line's weight and cap win over the what-if file's.
    weight = change_weight if change_weight is not None else whatif.change_weight
    cap = max_changes if max_changes is not None else whatif.max_changes
    start = None
    before = None
    if baseline is not None:
        try:
            before = read_run_outcome(baseline)
            start = FromBaseline(
                baseline=baseline_from_folder(baseline, scenario=scenario, changed=changed),
                change_weight=DEFAULT_CHANGE_WEIGHT if weight is None else weight,
                max_changes=cap,
            )
        except InputError as exc:
            raise _fail_input("unusable baseline", exc) from None
    limit = time_limit or whatif.time_limit_s or 30.0
    if start is None:
        err.print(
            f"solving [bold]{changed.name}[/] with the what-if [bold]from scratch[/] (no "
            "--baseline: every assignment may change)",
            highlight=False,
        )
        if weight is not None or cap is not None:
            err.print("  a change weight or a cap on changes applies only with --baseline")
    else:
        limit_text = "no cap" if cap is None else f"at most {cap}"
        err.print(
            f"solving [bold]{changed.name}[/] with the what-if from the baseline {baseline} "
            f"({start.change_weight:g} yuan a changed person-day, {limit_text})",
            highlight=False,
        )

    def show(p: Progress) -> None:
        err.print(
            f"  {p.elapsed_s:7.1f} s  solution {p.solutions:3d}  objective {p.objective:14,.2f}"
            f"  bound {p.bound:14,.2f}",
            highlight=False,
        )

    config = SolverConfig(time_limit_s=limit, workers=workers, seed=seed)
    try:
        result = run_scenario(
            changed, solver=config, progress=show, simulate=simulate, baseline=start
        )
    except ScenarioError as exc:
        raise _fail_input("invalid scenario", exc) from None
    except InputError as exc:
        raise _fail_input("cannot run the what-if", exc) from None
    except InfeasibleRosterError as exc:
        err.print(f"[bold red]no roster[/]: {exc}")
        raise typer.Exit(EXIT_INFEASIBLE) from None
    if not result.solution.assignments and result.solution.conflicts:
        print_conflicts(err, result.solution.conflicts)
        raise typer.Exit(EXIT_INFEASIBLE)
    comparison = None
    extra: dict[str, ExtraFile] = {}
    if before is not None and baseline is not None:
        comparison = compare_runs(
            before, outcome_of(result), label_a=baseline.name, label_b=out_dir.name
        )
        changes = changes_table(comparison)
        # Written into the staging folder, so it switches into place with the rest.
        extra["changes.csv"] = lambda path: write_csv(changes, path)
    written = write_outputs(result, out_dir, extra=extra)
    k = result.kpis
    out.print(
        f"{k.scenario}: {k.status.value}, labour {k.labour_cost:,.2f} yuan, objective "
        f"{k.objective}, {k.wall_time_s:.1f} s",
        highlight=False,
    )
    if comparison is not None:
        print_comparison(out, comparison, shown=CHANGES_SHOWN)
    out.print("wrote " + ", ".join(str(p) for p in written))
    if not result.validation.ok:
        err.print("[bold red]the roster fails validation[/]:")
        for v in result.validation.hard:
            err.print(f"  - {v.rule} at {v.where}: {v.amount}", markup=False)
        raise typer.Exit(1)


def compare_command(
    run_a: Annotated[Path, typer.Argument(help="The baseline: a `rostering solve` folder.")],
    run_b: Annotated[Path, typer.Argument(help="The variant: a `rostering solve` folder.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the whole comparison as JSON.")
    ] = False,
    shown: Annotated[
        int, typer.Option("--show", min=0, help="Changed person-days and days listed.")
    ] = CHANGES_SHOWN,
) -> None:
    """Compare two solve folders: changed person-days, KPI and cost deltas (B minus A)."""
    from rostering.errors import InputError
    from rostering.whatif import compare_folders

    try:
        comparison = compare_folders(run_a, run_b)
    except InputError as exc:
        raise _fail_input("cannot compare", exc) from None
    if as_json:
        out.print_json(comparison.model_dump_json())
        return
    print_comparison(out, comparison, shown=shown)


__all__ = ["compare_command", "print_comparison", "whatif_command"]
