"""The ``rostering`` command: solve, validate, whatif, compare, adherence, schema, serve.

Exit codes: 0 success, 1 unexpected failure, 2 bad input (scenario, events),
3 the hard rules cannot all hold.
"""

# Each command imports the stages it runs inside its own body, so that
# `rostering --help` and the light commands start without loading pandas,
# plotly or OR-Tools.

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from rostering.cli_forecast import backtest_command, forecast_command
from rostering.cli_sweep import sweep_command
from rostering.cli_tables import (
    print_conflicts,
    print_summary,
    print_violation_summary,
    show_round,
    simulated_table,
)
from rostering.cli_whatif import (
    SECONDS_MAX,
    SEED_MAX,
    WORKERS_MAX,
    compare_command,
    finite,
    out_folder,
    time_limit_s,
    whatif_command,
)
from rostering.errors import (
    InfeasibleRosterError,
    RosteringError,
    ScenarioError,
    TimeLimitError,
)

if TYPE_CHECKING:
    from rostering.domain.scenario import Scenario

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Contact-centre rostering: Erlang sizing, CP-SAT rosters, adherence.",
)
# Piped output (CI logs, files) gets a wide page rather than rich's 80-column default.
err = Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() else 120)
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 150)

EXIT_INPUT = 2
EXIT_INFEASIBLE = 3


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


EncodingOpt = Annotated[
    str, typer.Option(help="Text encoding of scenario.yaml and its CSV files, e.g. gbk.")
]


def _warn_demand(scenario: Scenario) -> None:
    """Print the demand rows the run ignores (outside the horizon)."""
    from rostering.domain.scenario import demand_warnings

    for warning in demand_warnings(scenario):
        err.print(f"[yellow]warning[/]: {warning}", highlight=False)


def _fail_scenario(exc: ScenarioError) -> typer.Exit:
    err.print(f"[bold red]invalid scenario[/]: {len(exc.problems)} problem(s)")
    for p in exc.problems:
        err.print(f"  - {p}", markup=False, highlight=False)
    return typer.Exit(EXIT_INPUT)


@app.command()
def validate(
    scenario_dir: Annotated[Path, typer.Argument(help="Scenario folder (scenario.yaml + CSVs).")],
    encoding: EncodingOpt = "utf-8",
) -> None:
    """Check a scenario folder without solving."""
    from rostering.io import load_scenario
    from rostering.pipeline import size_scenario

    try:
        scenario = load_scenario(scenario_dir, encoding=encoding)
        _warn_demand(scenario)
        frame = size_scenario(scenario)
    except ScenarioError as exc:
        raise _fail_scenario(exc) from None
    except RosteringError as exc:
        err.print(f"[bold red]invalid scenario[/]: {exc}")
        raise typer.Exit(EXIT_INPUT) from None
    out.print(
        f"[green]ok[/] {scenario.name}: {len(scenario.agents)} people, "
        f"{scenario.horizon.days} days, {len(scenario.channels)} channels, "
        f"{int(frame['required_staff'].sum())} required agent-intervals"
    )


@app.command()
def solve(
    scenario_dir: Annotated[Path, typer.Argument(help="Scenario folder (scenario.yaml + CSVs).")],
    out_dir: Annotated[
        Path,
        typer.Option("--out", help="Folder for the output files.", callback=out_folder),
    ] = Path("out"),
    time_limit: Annotated[
        float, typer.Option(help="Solver time limit, seconds.", callback=time_limit_s)
    ] = 30.0,
    workers: Annotated[
        int, typer.Option(min=1, max=WORKERS_MAX, help="Solver worker threads.")
    ] = 2,
    seed: Annotated[int, typer.Option(min=0, max=SEED_MAX, help="Solver random seed.")] = 0,
    simulate: Annotated[
        bool,
        typer.Option(
            "--simulate/--no-simulate",
            help="Play the roster through a simulation of its days and correct it where the "
            "simulation misses a target.",
        ),
    ] = True,
    replications: Annotated[
        int | None, typer.Option(min=2, help="Simulation replications (default: scenario's).")
    ] = None,
    rounds: Annotated[
        int | None, typer.Option(min=0, help="Correction rounds (default: scenario's).")
    ] = None,
    correction_time: Annotated[
        float | None,
        typer.Option(
            min=0,
            max=SECONDS_MAX,
            callback=finite,
            help="Seconds the correction rounds may spend (default: what the first solve "
            "left of --time-limit).",
        ),
    ] = None,
    encoding: EncodingOpt = "utf-8",
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each stage.")] = False,
) -> None:
    """Size, roster, simulate and report a scenario: writes roster.csv, roster.xlsx,
    requirements.csv, kpis.json, simulation.csv and report.html into --out."""
    _setup_logging(verbose)
    from rostering.io import load_scenario
    from rostering.pipeline import run_scenario, write_outputs
    from rostering.roster.config import Progress, SolverConfig
    from rostering.roster.solution import relative_gap

    try:
        scenario = load_scenario(scenario_dir, encoding=encoding)
    except ScenarioError as exc:
        raise _fail_scenario(exc) from None
    _warn_demand(scenario)

    def show(p: Progress) -> None:
        gap = f"{relative_gap(p.objective, p.bound):6.2%}"
        err.print(
            f"  {p.elapsed_s:7.1f} s  solution {p.solutions:3d}  objective {p.objective:14,.2f}"
            f"  bound {p.bound:14,.2f}  gap {gap}",
            highlight=False,
            soft_wrap=True,
        )

    err.print(f"solving [bold]{scenario.name}[/] (time limit {time_limit:g} s, {workers} workers)")
    config = SolverConfig(time_limit_s=time_limit, workers=workers, seed=seed)
    try:
        result = run_scenario(
            scenario,
            solver=config,
            progress=show,
            simulate=simulate,
            replications=replications,
            rounds=rounds,
            correction_budget_s=correction_time,
            on_round=lambda r: show_round(err, r),
        )
    except ScenarioError as exc:
        raise _fail_scenario(exc) from None
    except InfeasibleRosterError as exc:
        err.print(f"[bold red]no roster[/]: {exc}", markup=True)
        raise typer.Exit(EXIT_INFEASIBLE) from None
    except TimeLimitError as exc:
        err.print(f"[bold red]time limit too short[/]: {exc}", markup=False)
        raise typer.Exit(EXIT_INPUT) from None
    if not result.solution.assignments and result.solution.conflicts:
        print_conflicts(err, result.solution.conflicts)
        raise typer.Exit(EXIT_INFEASIBLE)
    written = write_outputs(result, out_dir)
    print_violation_summary(out, result)
    print_summary(out, result)
    out.print("wrote " + ", ".join(str(p) for p in written))
    if not result.validation.ok:
        err.print("[bold red]the roster fails validation[/]:")
        for v in result.validation.hard:
            err.print(f"  - {v.rule} at {v.where}: {v.amount}", markup=False)
        raise typer.Exit(1)


@app.command()
def adherence(
    roster: Annotated[
        Path, typer.Argument(help="roster.csv, or the --out folder of `rostering solve`.")
    ],
    events: Annotated[
        Path, typer.Argument(help="ACD export: agent,timestamp,state or agent,login,logout.")
    ],
    out_dir: Annotated[
        Path,
        typer.Option("--out", help="Folder for the output files.", callback=out_folder),
    ] = Path("out/adherence"),
    timezone: Annotated[
        str, typer.Option(help="Site time zone for timestamps without an offset.")
    ] = "Asia/Shanghai",
    grace: Annotated[
        float,
        typer.Option(
            min=0,
            max=24 * 60,
            callback=finite,
            help="Grace minutes for late login, early logout, break overrun.",
        ),
    ] = 2.0,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each stage.")] = False,
) -> None:
    """Measure agent events against a roster: writes adherence.csv, exceptions.csv,
    event_issues.csv, summary.json and adherence.html into --out."""
    _setup_logging(verbose)
    from rostering.adherence import AdherenceConfig
    from rostering.pipeline import check_adherence

    roster_file = roster / "roster.csv" if roster.is_dir() else roster
    for path in (roster_file, events):
        if not path.is_file():
            err.print(f"[bold red]not found[/]: {path}")
            raise typer.Exit(EXIT_INPUT)
    config = AdherenceConfig(
        late_login_grace_minutes=grace,
        early_logout_grace_minutes=grace,
        break_overrun_grace_minutes=grace,
    )
    try:
        result = check_adherence(
            roster_file, events, timezone=timezone, out_dir=out_dir, config=config
        )
    except RosteringError as exc:
        err.print(f"[bold red]cannot measure adherence[/]: {exc}", markup=True)
        raise typer.Exit(EXIT_INPUT) from None
    s = result.summary
    r = s.read_report
    table = Table(title="Schedule adherence")
    table.add_column("measure")
    table.add_column("value", justify="right")

    def pct(v: float | None) -> str:
        return "-" if v is None else f"{v:.1%}"

    for name, value in (
        ("adherence", pct(s.adherence)),
        ("conformance", pct(s.conformance)),
        ("attendance rate", pct(s.attendance_rate)),
        ("schedule adherence rate (>= 99 %)", pct(s.schedule_adherence_rate.value)),
        ("productive utilisation (>= 70 %)", pct(s.productive_utilisation.value)),
        ("not-ready + break share (< 6 %)", pct(s.not_ready_break_share.value)),
        ("planned break share (< 6 %)", pct(s.planned_break_share.value)),
        ("event rows read / used / flagged", f"{r.rows_read} / {r.rows_used} / {r.rows_flagged}"),
    ):
        table.add_row(name, value)
    out.print(table)
    out.print(f"wrote {out_dir}")


@app.command("simulate")
def simulate_command(
    run_dir: Annotated[Path, typer.Argument(help="The --out folder of `rostering solve`.")],
    replications: Annotated[
        int | None, typer.Option(min=2, max=1000, help="Replications (>= 2).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, max=SEED_MAX, help="Random seed (default: scenario's).")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Processes playing replications.")] = 1,
    contacts: Annotated[
        Path | None,
        typer.Option(
            help="Contact log (timestamp, channel) to replay instead of drawing arrivals."
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each stage.")] = False,
) -> None:
    """Play a solved roster through a discrete-event simulation of its days: writes
    simulation.csv and the `simulated` figures of kpis.json in RUN_DIR."""
    _setup_logging(verbose)
    from rostering.pipeline import simulate_run_folder

    try:
        kpis = simulate_run_folder(
            run_dir, replications=replications, seed=seed, workers=workers, contacts=contacts
        )
    except RosteringError as exc:
        err.print(f"[bold red]cannot simulate[/]: {exc}")
        raise typer.Exit(EXIT_INPUT) from None
    out.print(simulated_table(kpis))
    out.print(f"wrote {run_dir / 'simulation.csv'} and {run_dir / 'kpis.json'}")


@app.command("simulate-events")
def simulate_events_command(
    roster: Annotated[
        Path, typer.Argument(help="roster.csv, or the --out folder of `rostering solve`.")
    ],
    out_file: Annotated[Path, typer.Option("--out", help="CSV file to write.")] = Path(
        "out/events.csv"
    ),
    timezone: Annotated[str, typer.Option(help="Site time zone.")] = "Asia/Shanghai",
    seed: Annotated[int, typer.Option(min=0, max=SEED_MAX, help="Random seed.")] = 0,
) -> None:
    """Make a realistic ACD state export for a roster (late logins, long meals, absences,
    duplicates, a missing logout), to try `rostering adherence` on."""
    from rostering.adherence import simulate_events
    from rostering.adherence.simulate import write_events_csv

    roster_file = roster / "roster.csv" if roster.is_dir() else roster
    if not roster_file.is_file():
        err.print(f"[bold red]not found[/]: {roster_file}")
        raise typer.Exit(EXIT_INPUT)
    simulated = simulate_events(roster_file, timezone=timezone, seed=seed)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    write_events_csv(simulated.events, out_file)
    out.print(f"wrote {len(simulated.events)} events to {out_file}")


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario.yaml (for editor autocompletion)."""
    from rostering.io import scenario_json_schema

    out.print_json(json.dumps(scenario_json_schema()))


keys_app = typer.Typer(
    no_args_is_help=True,
    help="API keys of the HTTP API: each key belongs to a tenant (a client project).",
)
app.add_typer(keys_app, name="keys")

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        help="SQLAlchemy URL or SQLite file (default: $DATABASE_URL or runs/rostering.sqlite).",
    ),
]


def _database_url(database: str | None) -> str:
    from api.config import Settings

    settings = Settings(database_url=database) if database else Settings()
    return settings.database_url


@keys_app.command("create")
def keys_create(
    tenant: Annotated[str, typer.Argument(help="Tenant name (created if new).")],
    label: Annotated[str, typer.Option(help="What the key is for.")] = "",
    database: DatabaseOption = None,
) -> None:
    """Create an API key for a tenant and print it (it is shown only once)."""
    from api.crud import create_api_key
    from api.db import Store
    from api.inputs import name_problems
    from api.models import NAME_WIDTH

    problems = name_problems(tenant, file="command line", location="tenant", width=NAME_WIDTH)
    problems += name_problems(
        label, file="command line", location="--label", width=NAME_WIDTH, required=False
    )
    if problems:
        err.print("[bold red]cannot create the key[/]:")
        for p in problems:
            err.print(f"  - {p}", markup=False, highlight=False)
        raise typer.Exit(EXIT_INPUT)
    store = Store(_database_url(database))
    store.create_all()
    with store.session() as session:
        row, key = create_api_key(session, tenant, label=label)
        session.commit()
        key_id = row.id
    store.dispose()
    err.print(f"created key {key_id} for tenant {tenant!r}; store it now, it is not shown again:")
    out.print(key, markup=False, highlight=False)


@keys_app.command("list")
def keys_list(
    tenant: Annotated[str | None, typer.Argument(help="Only this tenant's keys.")] = None,
    database: DatabaseOption = None,
) -> None:
    """List API keys (ids, tenants, labels; never the keys themselves)."""
    from api.crud import list_api_keys
    from api.db import Store

    store = Store(_database_url(database))
    store.create_all()
    table = Table(title="API keys")
    for col in ("key id", "tenant", "label", "created", "revoked"):
        table.add_column(col)
    with store.session() as session:
        for row in list_api_keys(session, tenant):
            table.add_row(
                row.id,
                row.tenant.name,
                row.label,
                row.created_at.strftime("%Y-%m-%d %H:%M"),
                row.revoked_at.strftime("%Y-%m-%d %H:%M") if row.revoked_at else "",
            )
    store.dispose()
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="Key id, as `keys list` shows it.")],
    database: DatabaseOption = None,
) -> None:
    """Revoke an API key; requests with it answer 401 from then on."""
    from api.crud import revoke_api_key
    from api.db import Store

    store = Store(_database_url(database))
    store.create_all()
    with store.session() as session:
        done = revoke_api_key(session, key_id)
        session.commit()
    store.dispose()
    if not done:
        err.print(f"[bold red]no live key[/] with id {key_id!r}")
        raise typer.Exit(EXIT_INPUT)
    out.print(f"revoked key {key_id}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    database: DatabaseOption = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Runs solved at once on the local cluster (default 2).", min=1),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="A dask scheduler (tcp://host:8786) whose workers offer --resources solve=N "
            "(default: $ROSTERING_DASK_SCHEDULER); without one, a local cluster of --workers "
            "processes."
        ),
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Serve the what-if HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    from api.config import Settings
    from api.main import create_app

    overrides: dict[str, object] = {}
    if database:
        overrides["database_url"] = database
    if workers:
        overrides["workers"] = workers
    if scheduler:
        overrides["dask_scheduler"] = scheduler
    settings = Settings.model_validate(overrides)
    solvers = (
        f"runs solved on the dask cluster at {settings.dask_scheduler}"
        if settings.dask_scheduler
        else f"{settings.workers} local worker(s)"
    )
    err.print(f"serving on http://{host}:{port} (docs at /docs), {solvers}")
    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level)


app.command("forecast")(forecast_command)
app.command("backtest")(backtest_command)
app.command("whatif")(whatif_command)
app.command("compare")(compare_command)
app.command("sweep")(sweep_command)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
