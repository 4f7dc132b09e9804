"""The whole run: demand -> sizing -> roster -> validation -> outputs.

The CLI, the HTTP API and the notebooks call only this module (and
:mod:`rostering.reports` for figures), so every front end runs the same path.
What a run produced is described in :mod:`rostering.results`; writing it to a
folder, and re-simulating a written folder, is :mod:`rostering.pipeline_folders`
(:func:`write_outputs` and :func:`simulate_run_folder` are re-exported here).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from rostering.adherence import (
    OUTPUT_FILES as ADHERENCE_FILES,
)
from rostering.adherence import (
    AdherenceConfig,
    AdherenceResult,
    StateMapping,
    run_adherence,
)
from rostering.demand import DEMAND_COLUMNS, build_demand
from rostering.domain.channels import Channel
from rostering.domain.defaults import defaults_used
from rostering.domain.forecast import DemandForecast
from rostering.domain.scenario import Scenario
from rostering.pipeline_folders import simulate_run_folder, write_outputs
from rostering.reports.adherence import adherence_html
from rostering.results import (
    REQUIREMENT_COLUMNS,
    ChannelKpis,
    RunKpis,
    RunResult,
)
from rostering.results.breaks import planned_breaks
from rostering.results.csv_output import write_csv
from rostering.results.folder import read_run_folder
from rostering.results.simulated import (
    SimulatedKpis,
    simulated_kpis,
    summary_of,
)
from rostering.results.staging import (
    check_folder_target,
    remove_stale_folders,
)
from rostering.roster.compile import compile_instance
from rostering.roster.config import Progress, SolverConfig
from rostering.roster.instance import RosterInstance
from rostering.roster.reserve import reserve_cover
from rostering.roster.rules.stability import baseline_check
from rostering.roster.solution import RosterSolution
from rostering.roster.solver import solve
from rostering.roster.validation import validate
from rostering.simulation.build import build_sim_input
from rostering.simulation.callins import plan_call_ins
from rostering.simulation.correct import Round, correct_by_simulation
from rostering.simulation.run import simulate as simulate_roster
from rostering.sizing import predict_kpis, size_requirements
from rostering.whatif.baseline import FromBaseline

log = logging.getLogger(__name__)


def _broken_in(channels: list[Channel], share: float) -> list[Channel]:
    """The channels with their service targets at ``share`` of the standard.

    The service level asked is ``share`` of the standard; the answer-time and
    abandonment limits are the standard's over ``share`` (80 % of the standard
    allows 25 % more). The occupancy cap, a limit on agents, stays.
    """
    if share == 1.0:
        return channels
    out = []
    for channel in channels:
        t = channel.targets
        targets = t.model_copy(
            update={
                "service_level": None if t.service_level is None else t.service_level * share,
                "asa_s": None if t.asa_s is None else t.asa_s / share,
                "abandon_rate": None if t.abandon_rate is None else min(t.abandon_rate / share, 1),
            }
        )
        out.append(channel.model_copy(update={"targets": targets}))
    return out


def size_scenario(scenario: Scenario) -> pd.DataFrame:
    """Demand and required staff per interval and channel (sizing stage output).

    Staff are sized for the front-line team's mean proficiency (new agents in
    their ramp-up stages count as a fraction of an experienced one, seed 004),
    and a new project's service-level targets break in over its first months
    (seed 000): each part of the horizon is sized against the target it has.
    """
    demand = build_demand(scenario)
    ramp = scenario.ramp_up
    local = demand["interval_start"].dt.tz_convert(scenario.site.timezone).dt.date
    shares = local.map(ramp.target_share).to_numpy(dtype=float)
    parts = [
        size_requirements(
            demand[shares == share],
            _broken_in(scenario.channels, float(share)),
            interval_minutes=scenario.horizon.interval_minutes,
            proficiency=scenario.team_proficiency(),
            pools=scenario.blended_pools(),
        )
        for share in sorted(set(shares.tolist()))
    ]
    if len(parts) == 1:
        return parts[0]
    return pd.concat(parts).loc[demand.index]


def _scheduled_frame(
    requirements: pd.DataFrame, instance: RosterInstance, solution: RosterSolution
) -> pd.DataFrame:
    """Requirements joined with the agents the roster puts on each channel."""
    frame = requirements.copy()
    local = pd.to_datetime(frame["interval_start"]).dt.tz_localize(None)
    days = (local.dt.normalize() - pd.Timestamp(instance.start)).dt.days
    minute = local.dt.hour * 60 + local.dt.minute
    # Slots count wall-clock intervals from the horizon start, as the engine does.
    frame["slot"] = days * instance.slots_per_day + minute // instance.interval_minutes
    scheduled = {(a.slot, str(a.channel)): a.scheduled for a in solution.allocations}
    # A pooled channel is staffed by its pool: the pool's heads and requirement.
    unit = frame["pool"] if "pool" in frame.columns else frame["channel"]
    frame["scheduled"] = [
        scheduled.get((s, c), 0) for s, c in zip(frame["slot"], unit, strict=True)
    ]
    required = frame["pool_required_staff"] if "pool" in frame.columns else frame["required_staff"]
    frame["required"] = required.astype(int)
    frame["shortfall"] = (frame["required"] - frame["scheduled"]).clip(lower=0)
    frame["surplus"] = (frame["scheduled"] - frame["required"]).clip(lower=0)
    return frame


def _unserved_share(rows: pd.DataFrame) -> float | None:
    """Share of volume arriving where the predicted ASA is infinite (queue not stable)."""
    volume = float(rows["volume"].sum())
    if volume <= 0:
        return None
    asa = rows["asa_s"].astype(float)
    unserved = rows["volume"].where(asa.isna() | (asa == float("inf")), 0.0)
    return float(unserved.sum() / volume)


def _channel_kpis(
    frame: pd.DataFrame,
    scenario: Scenario,
    simulated: dict[str, SimulatedKpis] | None = None,
    with_calls: dict[str, SimulatedKpis] | None = None,
) -> list[ChannelKpis]:
    hours = scenario.horizon.interval_minutes / 60
    out: list[ChannelKpis] = []
    for channel in scenario.channels:
        part = frame[frame["channel"] == str(channel.id)]
        pools = set(part["pool"]) - {str(channel.id)} if "pool" in part.columns else set()
        volume = float(part["volume"].sum())
        required = float(part["required"].sum())
        covered = float(part[["required", "scheduled"]].min(axis=1).sum())

        def weighted(
            column: str, rows: pd.DataFrame = part, queued: bool = channel.kind.queued
        ) -> float | None:
            if not queued or column not in rows:
                return None
            values = rows[column].astype(float)
            finite = values.notna() & (values != float("inf"))
            weight = rows["volume"].where(finite, 0.0)
            total = float(weight.sum())
            if total <= 0:
                return None
            return float((values.where(finite, 0.0) * weight).sum() / total)

        out.append(
            ChannelKpis(
                channel=str(channel.id),
                volume=volume,
                required_agent_hours=required * hours,
                scheduled_agent_hours=float(part["scheduled"].sum()) * hours,
                coverage=covered / required if required > 0 else 1.0,
                service_level=weighted("service_level"),
                asa_s=weighted("asa_s"),
                abandon_rate=weighted("abandon_rate") if channel.patience_s else None,
                occupancy=weighted("occupancy"),
                unserved_volume_share=_unserved_share(part) if channel.kind.queued else None,
                pool=min(pools) if pools else None,
                simulated=(simulated or {}).get(str(channel.id)),
                simulated_with_call_ins=(with_calls or {}).get(str(channel.id)),
            )
        )
    return out


def _forecast_summary(scenario: Scenario) -> DemandForecast | None:
    """The forecast record of the scenario's demand, without its backtest series."""
    record = scenario.demand.forecast
    if record is None:
        return None
    return record.model_copy(
        update={"channels": [c.model_copy(update={"check": None}) for c in record.channels]}
    )


def run_scenario(
    scenario: Scenario,
    *,
    solver: SolverConfig | None = None,
    progress: Callable[[Progress], None] | None = None,
    simulate: bool = True,
    replications: int | None = None,
    seed: int | None = None,
    rounds: int | None = None,
    correction_budget_s: float | None = None,
    on_round: Callable[[Round], None] | None = None,
    baseline: FromBaseline | None = None,
) -> RunResult:
    """Size, roster, validate and (by default) simulate a scenario; nothing is written.

    With ``simulate``, the roster is played through the simulation of its days
    and corrected where the simulation misses a target with confidence (see
    :mod:`rostering.simulation.correct`); ``replications``, ``seed`` and
    ``rounds`` override the scenario's ``simulation`` settings. The correction
    rounds' solves share ``correction_budget_s`` seconds, by default what the
    first solve left of the solver's time limit, so a run's solving time stays
    within that limit. With ``baseline`` the roster starts from that roster and
    keeps it where the scenario lets it (a what-if, see :mod:`rostering.whatif.baseline`).
    """
    config = solver or SolverConfig()
    settings = scenario.simulation
    requirements = size_scenario(scenario)
    # The sizing frame carries the demand columns, row for row.
    demand = requirements[list(DEMAND_COLUMNS)].copy()
    instance = compile_instance(scenario, requirements)
    if baseline is not None:
        instance = baseline.apply(instance)
    log.info(
        "solving %s: %d agents, %d days, %d shift types",
        scenario.name,
        len(instance.agents),
        instance.n_days,
        len(instance.shifts),
    )
    solution = solve(instance, config, progress=progress)
    simulation = None
    summary = None
    simulated: dict[str, SimulatedKpis] | None = None
    simulated_with_calls: dict[str, SimulatedKpis] | None = None
    if simulate and settings.enabled and solution.assignments:
        used_seed = settings.seed if seed is None else seed
        corrected = correct_by_simulation(
            scenario,
            demand,
            instance,
            solution,
            config,
            rounds=settings.correction_rounds if rounds is None else rounds,
            replications=replications or settings.replications,
            seed=used_seed,
            budget_s=max(0.0, config.time_limit_s - solution.wall_time_s)
            if correction_budget_s is None
            else correction_budget_s,
            progress=progress,
            on_round=on_round,
        )
        instance, solution, simulation = (
            corrected.instance,
            corrected.solution,
            corrected.simulation,
        )
        summary = summary_of(simulation, used_seed, corrected.rounds)
        simulated = simulated_kpis(simulation)
        # Where the roster's own people cannot meet the targets: who to call in, and the
        # day played again with them on the floor.
        call_ins = plan_call_ins(scenario, instance, solution, simulation)
        solution = solution.model_copy(update={"call_ins": call_ins})
        if call_ins:
            with_calls = simulate_roster(
                build_sim_input(scenario, demand, solution.assignments, call_ins=call_ins),
                replications=simulation.replications,
                seed=used_seed,
            )
            simulated_with_calls = simulated_kpis(with_calls)
    report = validate(instance, solution, checks=[baseline_check(solution.standby)])
    frame = _scheduled_frame(requirements, instance, solution)
    predicted = predict_kpis(
        frame, scenario.channels, interval_minutes=scenario.horizon.interval_minutes
    )
    for column in ("service_level", "asa_s", "abandon_rate", "occupancy"):
        frame[column] = predicted[column].to_numpy()
    kpis = RunKpis(
        scenario=scenario.name,
        status=solution.status,
        objective=solution.objective,
        best_bound=solution.best_bound,
        gap=solution.gap,
        wall_time_s=solution.wall_time_s,
        labour_cost=solution.labour_cost,
        valid=report.ok,
        hard_violations=len(report.hard),
        soft_violations=len(solution.violations),
        channels=_channel_kpis(frame, scenario, simulated, simulated_with_calls),
        simulation=summary,
        call_in_cost=round(sum(c.cost for c in solution.call_ins), 2),
        reserve=reserve_cover(instance, {(a.agent, a.day): a.shift for a in solution.assignments}),
        model_size=solution.model_size,
        planned_breaks=planned_breaks(instance, solution),
        defaults=defaults_used(scenario),
        forecast=_forecast_summary(scenario),
    )
    return RunResult(
        scenario=scenario,
        demand=demand,
        requirements=frame[list(REQUIREMENT_COLUMNS)],
        instance=instance,
        solution=solution,
        validation=report,
        kpis=kpis,
        simulation=simulation,
    )


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Minutes to 2 decimals, ratios to 4, timestamps as ISO 8601 text, for CSV files."""
    out = frame.copy()
    for col in out.columns:
        if col.endswith("_minutes") or col == "minutes":
            out[col] = out[col].astype(float).round(2)
        elif out[col].dtype == float:
            out[col] = out[col].round(4)
        elif isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = [ts.isoformat() for ts in out[col]]
    return out


def check_adherence(
    roster: Path | pd.DataFrame,
    events: Path | pd.DataFrame,
    *,
    timezone: str,
    out_dir: Path | None = None,
    config: AdherenceConfig | None = None,
    mapping: StateMapping | None = None,
) -> AdherenceResult:
    """Measure agent events against a roster; with ``out_dir``, write the files.

    Writes :data:`rostering.adherence.OUTPUT_FILES` (``adherence.csv``,
    ``exceptions.csv``, ``event_issues.csv``, ``summary.json``,
    ``adherence.html``) all or nothing: every file goes to a temporary folder
    inside ``out_dir`` and is moved into place only when all are written.
    Temporary folders a killed run left there are removed first.
    """
    if out_dir is not None:
        check_folder_target(out_dir)
    result = run_adherence(roster, events, config=config, mapping=mapping, timezone=timezone)
    if out_dir is None:
        return result
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_folders(out_dir, ".adherence-")
    tmp = Path(tempfile.mkdtemp(prefix=".adherence-", dir=out_dir))
    try:
        write_csv(_rounded(result.by_agent_day), tmp / "adherence.csv")
        write_csv(_rounded(result.exceptions), tmp / "exceptions.csv")
        write_csv(result.issues, tmp / "event_issues.csv")
        (tmp / "summary.json").write_text(
            result.summary.model_dump_json(indent=2) + "\n", encoding="utf-8"
        )
        (tmp / "adherence.html").write_text(adherence_html(result), encoding="utf-8")
        for name in ADHERENCE_FILES:
            os.replace(tmp / name, out_dir / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("adherence files written to %s", out_dir)
    return result


__all__ = [
    "check_adherence",
    "read_run_folder",
    "run_scenario",
    "simulate_run_folder",
    "size_scenario",
    "write_outputs",
]
