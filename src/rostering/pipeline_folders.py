"""A run's folder on disk: writing a solve's outputs, re-simulating a solve folder.

:func:`write_outputs` writes every file of a run (and any extra files a front
end adds, such as the what-if's ``changes.csv``) into a staging folder that
replaces the output folder in one rename (:mod:`rostering.results.staging`);
:func:`simulate_run_folder` replays the roster of a written folder and rewrites
its simulation files. :mod:`rostering.pipeline` re-exports both.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from rostering.domain.scenario import Scenario
from rostering.errors import InputError
from rostering.reports.html import write_run_report
from rostering.results import RunKpis, RunResult, roster_table
from rostering.results.costs import write_costs
from rostering.results.csv_output import write_csv, write_xlsx
from rostering.results.folder import SECONDARY_COLUMNS, read_run_folder
from rostering.results.payroll import payroll_table
from rostering.results.simulated import (
    simulated_kpis,
    simulation_day_table,
    simulation_table,
    summary_of,
)
from rostering.results.staging import (
    check_folder_target,
    new_staging,
    recover_target,
    switch_into_place,
)
from rostering.simulation.build import build_sim_input, horizon_origin
from rostering.simulation.contacts import read_contact_log
from rostering.simulation.run import SimulationResult
from rostering.simulation.run import simulate as simulate_roster

log = logging.getLogger(__name__)

ExtraFile = Callable[[Path], None]
"""Writes one extra output file to the path it is given."""


def _secondary_table(result: RunResult) -> pd.DataFrame:
    """``secondary.csv``: stretches agents spend helping beyond their shift's own channels."""
    rows = [
        {
            "agent": a.agent,
            "date": a.date.isoformat(),
            "start": s.start.isoformat(),
            "end": s.end.isoformat(),
            "channels": "|".join(s.channels),
        }
        for a in result.solution.assignments
        for s in a.secondary
    ]
    return pd.DataFrame(rows, columns=list(SECONDARY_COLUMNS))


def _write_simulation(scenario: Scenario, result: SimulationResult, folder: Path) -> None:
    """``simulation.csv`` (per interval) and ``simulation_days.csv`` (per day) into ``folder``."""
    table = simulation_table(result, horizon_origin(scenario))
    table["interval_start"] = table["interval_start"].map(lambda t: t.isoformat())
    write_csv(table, folder / "simulation.csv", float_format="%.4f")
    days = simulation_day_table(result, scenario.horizon.start)
    write_csv(days, folder / "simulation_days.csv", float_format="%.4f")


def write_outputs(
    result: RunResult, out_dir: str | Path, *, extra: Mapping[str, ExtraFile] | None = None
) -> list[Path]:
    """Write the run's files into the folder ``out_dir``, all or nothing.

    Writes roster.csv, roster.xlsx, requirements.csv, kpis.json, report.html,
    violations.csv, scenario.json, secondary.csv, payroll.csv, costs.csv (and
    the simulation files when the run was simulated). Every file goes into a
    new staging folder beside ``out_dir``, which then replaces ``out_dir`` in
    one rename (see :mod:`rostering.results.staging`): the folder holds this
    run's files or the previous run's, never a mix. Text cells that a
    spreadsheet would run as formulas are quoted (see
    :mod:`rostering.results.csv_output`). ``extra`` maps the name of each
    further file to the function that writes it; it is written into the staging
    folder too, so it switches into place with the rest. Raises
    :class:`InputError` when ``out_dir`` is a file, or an extra file's name is
    not a plain file name or is one of the run's own.
    """
    out = Path(out_dir)
    check_folder_target(out)
    recover_target(out)
    names = [
        "roster.csv",
        "roster.xlsx",
        "requirements.csv",
        "kpis.json",
        "report.html",
        "violations.csv",
        "scenario.json",
        "secondary.csv",
        "payroll.csv",
        "costs.csv",
    ]
    extra = dict(extra or {})
    for name in extra:
        own = name in names or name in ("simulation.csv", "simulation_days.csv")
        if own or Path(name).name != name or name.startswith("."):
            raise InputError(f"extra output {name!r}: not a plain file name of its own")
    stage = new_staging(out)
    try:
        roster = roster_table(result)
        write_csv(roster, stage / "roster.csv")
        write_xlsx(roster, stage / "roster.xlsx")
        # The scenario as run (after any what-if): `rostering simulate` replays from it.
        (stage / "scenario.json").write_text(
            result.scenario.model_dump_json(indent=1), encoding="utf-8"
        )
        write_csv(payroll_table(result), stage / "payroll.csv", float_format="%.2f")
        write_costs(result.solution.costs, stage / "costs.csv")
        write_csv(_secondary_table(result), stage / "secondary.csv")
        if result.simulation is not None:
            names += ["simulation.csv", "simulation_days.csv"]
            _write_simulation(result.scenario, result.simulation, stage)
        req = result.requirements.copy()
        req["interval_start"] = req["interval_start"].map(lambda t: t.isoformat())
        write_csv(req, stage / "requirements.csv", float_format="%.4f")
        (stage / "kpis.json").write_text(
            json.dumps(result.kpis.model_dump(mode="json"), indent=2), encoding="utf-8"
        )
        violations = pd.DataFrame(
            [v.model_dump() for v in result.solution.violations],
            columns=["rule", "where", "amount", "cost", "hard"],
        )
        write_csv(violations, stage / "violations.csv")
        write_run_report(result, stage / "report.html")
        for name, write in extra.items():
            write(stage / name)
        names += list(extra)
        switch_into_place(stage, out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    written = [out / name for name in names]
    log.info("wrote %s", ", ".join(p.name for p in written))
    return written


def simulate_run_folder(
    run_dir: str | Path,
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    contacts: str | Path | None = None,
) -> RunKpis:
    """Simulate the roster of a ``rostering solve`` folder; rewrite its simulation files.

    Reads ``scenario.json``, ``requirements.csv`` (its demand columns),
    ``roster.csv`` and ``secondary.csv``; writes ``simulation.csv``,
    ``simulation_days.csv`` and the ``simulated`` figures of ``kpis.json``, all
    or none. ``contacts``: a contact log (``timestamp, channel``) whose arrivals
    are replayed instead of drawn (see :mod:`rostering.simulation.contacts`).
    Returns the updated KPIs.
    """
    run = Path(run_dir)
    scenario, demand, assignments, kpis = read_run_folder(run)
    settings = scenario.simulation
    used_seed = settings.seed if seed is None else seed
    sim = build_sim_input(scenario, demand, assignments)
    if contacts is not None:
        replayed = read_contact_log(Path(contacts), sim, horizon_origin(scenario))
        sim = dataclasses.replace(sim, arrivals=replayed)
    result = simulate_roster(
        sim, replications=replications or settings.replications, seed=used_seed, workers=workers
    )
    by_channel = simulated_kpis(result)
    channels = [
        c.model_copy(update={"simulated": by_channel.get(c.channel)}) for c in kpis.channels
    ]
    rounds = list(kpis.simulation.rounds) if kpis.simulation else []
    summary = summary_of(result, used_seed, []).model_copy(update={"rounds": rounds})
    updated = kpis.model_copy(update={"channels": channels, "simulation": summary})
    with tempfile.TemporaryDirectory(dir=run, prefix=".simulate-") as tmp:
        stage = Path(tmp)
        _write_simulation(scenario, result, stage)
        (stage / "kpis.json").write_text(
            json.dumps(updated.model_dump(mode="json"), indent=2), encoding="utf-8"
        )
        for name in ("simulation.csv", "simulation_days.csv", "kpis.json"):
            os.replace(stage / name, run / name)
    return updated


__all__ = ["ExtraFile", "simulate_run_folder", "write_outputs"]
