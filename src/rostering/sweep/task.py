"""One task of a sweep: a scenario folder with one what-if, solved and written to its folder.

:func:`run_task` is a plain top-level function of one :class:`SweepTask` (a
serialisable description: folders, the what-if, the settings), so a Dask
worker in another process or on another machine can run it; it imports the
pipeline inside its body. It is idempotent: a task that finds its own
finished folder (the marker :data:`MARKER` with its content hash) returns the
summary stored there and solves nothing, so a retry after the write never
makes a second result.

The results are written atomically: every file of ``rostering solve`` goes to
a staging folder beside the task's folder, the marker is written last, and
the staging folder is renamed into place. A folder with a marker is complete.

A task that cannot be run (an id the scenario lacks, a roster the hard rules
forbid, no roster within the time limit) returns a summary with status
``failed`` and the reason; an unexpected error is raised, so that the
scheduler may try the task again.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rostering.errors import RosteringError
from rostering.sweep.spec import SweepSettings
from rostering.whatif.spec import WhatIf

if TYPE_CHECKING:
    from rostering.domain.scenario import Scenario
    from rostering.results import RunResult

log = logging.getLogger(__name__)

MARKER = "sweep-task.json"
"""The finished marker in a task's folder: its content hash and summary, written last."""
STAGING_PREFIX = ".staging-"
REPLACED_PREFIX = ".replaced-"


class NoRosterError(RosteringError):
    """The solver found no roster within the time limit, and proved none impossible."""


class SweepTask(BaseModel):
    """Everything one worker needs to run one (scenario, variant) pair."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scenario: str = Field(description="The scenario's name in the sweep (its output folder).")
    scenario_dir: str = Field(description="The scenario folder, an absolute path.")
    variant: str = Field(description="The variant's name (its output folder).")
    whatif: WhatIf
    settings: SweepSettings
    out_dir: str = Field(description="The task's own folder, DIR/<scenario>/<variant>.")
    content_hash: str = Field(description="Identity of the result (see spec.content_hash).")
    run_id: str = Field(description="The sweep run that submitted the task.")
    force: bool = Field(
        False, description="Solve again even if a finished folder of an earlier run matches."
    )

    @property
    def folder(self) -> Path:
        """The task's output folder."""
        return Path(self.out_dir)


class ChannelOutcome(BaseModel):
    """One queued channel's service over the horizon, as predicted and as simulated."""

    model_config = ConfigDict(extra="forbid")

    channel: str
    volume: float
    service_level: float | None = Field(description="Predicted by the queueing formulas.")
    abandon_rate: float | None = Field(description="Predicted by the queueing formulas.")
    simulated_service_level: float | None = None
    simulated_abandon_rate: float | None = None
    intervals_meeting_target: float | None = Field(
        None, description="Share of intervals whose simulated service meets every target."
    )


class TaskSummary(BaseModel):
    """What one task produced: its status, the headline numbers, or why it failed."""

    model_config = ConfigDict(extra="forbid")

    scenario: str
    variant: str
    status: Literal["ok", "failed"]
    error: str = ""
    content_hash: str
    solver_status: str | None = None
    valid: bool | None = Field(None, description="The roster passes the solver-free validator.")
    labour_cost: float | None = None
    objective: float | None = None
    gap: float | None = None
    solve_time_s: float | None = Field(None, description="The solver's wall time.")
    wall_time_s: float | None = Field(None, description="The whole task, load to write.")
    channels: list[ChannelOutcome] = Field(default_factory=list)
    worker: str = Field("", description="host:pid of the process that ran the task.")
    reused: bool = Field(False, description="Read from a finished folder, not solved this run.")


class Marker(BaseModel):
    """The content of :data:`MARKER`."""

    model_config = ConfigDict(extra="forbid")

    content_hash: str
    run_id: str
    summary: TaskSummary


def read_marker(folder: Path) -> Marker | None:
    """The finished marker of a task folder, or None if absent or unreadable."""
    path = folder / MARKER
    try:
        return Marker.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, ValidationError):
        return None


def finished_summary(task: SweepTask) -> TaskSummary | None:
    """The stored summary if the task's folder holds its finished result.

    A marker matches when its content hash is the task's; with ``force`` only a
    marker written by the same run counts (a retry of this run's task).
    """
    marker = read_marker(task.folder)
    if marker is None or marker.content_hash != task.content_hash:
        return None
    if task.force and marker.run_id != task.run_id:
        return None
    return marker.summary.model_copy(update={"reused": marker.run_id != task.run_id})


def failed(task: SweepTask, error: str, *, wall_time_s: float | None = None) -> TaskSummary:
    """The summary of a task that produced no result."""
    return TaskSummary(
        scenario=task.scenario,
        variant=task.variant,
        status="failed",
        error=error,
        content_hash=task.content_hash,
        wall_time_s=wall_time_s,
        worker=_worker(),
    )


def describe(exc: BaseException) -> str:
    """An error on one line: its type where it says something, and every problem it lists."""
    problems = getattr(exc, "problems", None)
    if problems:
        return f"{len(problems)} problem(s): " + "; ".join(str(p) for p in problems)
    if isinstance(exc, NoRosterError):
        return str(exc)
    conflicts = getattr(exc, "conflicts", None)
    if conflicts is not None:
        return "the hard rules cannot all hold: " + (
            "; ".join(conflicts) or "(no explanation found)"
        )
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _outcome(task: SweepTask, scenario: Scenario, result: RunResult, wall: float) -> TaskSummary:
    queued = {str(c.id) for c in scenario.channels if c.kind.queued}
    k = result.kpis
    channels = [
        ChannelOutcome(
            channel=c.channel,
            volume=c.volume,
            service_level=c.service_level,
            abandon_rate=c.abandon_rate,
            simulated_service_level=(
                c.simulated.service_level.value
                if c.simulated and c.simulated.service_level
                else None
            ),
            simulated_abandon_rate=(
                c.simulated.abandon_rate.value if c.simulated and c.simulated.abandon_rate else None
            ),
            intervals_meeting_target=c.simulated.intervals_meeting_target if c.simulated else None,
        )
        for c in k.channels
        if c.channel in queued
    ]
    return TaskSummary(
        scenario=task.scenario,
        variant=task.variant,
        status="ok",
        content_hash=task.content_hash,
        solver_status=k.status.value,
        valid=k.valid,
        labour_cost=k.labour_cost,
        objective=k.objective,
        gap=k.gap,
        solve_time_s=k.wall_time_s,
        wall_time_s=wall,
        channels=channels,
        worker=_worker(),
    )


def _publish(stage: Path, folder: Path) -> None:
    """Rename the staging folder into place, replacing an older result of the task."""
    if folder.exists():
        old = folder.with_name(f"{REPLACED_PREFIX}{folder.name}-{uuid.uuid4().hex[:8]}")
        os.replace(folder, old)
        os.replace(stage, folder)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(stage, folder)


def _solve(task: SweepTask) -> tuple[Scenario, RunResult]:
    """Load the scenario, apply the what-if and run the pipeline; raise if no roster."""
    from rostering.errors import InfeasibleRosterError
    from rostering.io import load_scenario
    from rostering.pipeline import run_scenario
    from rostering.roster.config import SolverConfig
    from rostering.whatif.spec import apply_whatif

    s = task.settings
    scenario = apply_whatif(load_scenario(task.scenario_dir), task.whatif)
    limit = task.whatif.time_limit_s or s.time_limit_s
    config = SolverConfig(time_limit_s=limit, workers=s.solver_threads, seed=s.seed)
    result = run_scenario(
        scenario,
        solver=config,
        simulate=s.simulate,
        replications=s.replications,
        seed=s.simulation_seed,
        rounds=s.correction_rounds,
    )
    solution = result.solution
    if not solution.assignments:
        if solution.conflicts:
            raise InfeasibleRosterError(list(solution.conflicts))
        raise NoRosterError(
            f"no roster found within the time limit of {limit:g} s "
            f"(solver status {solution.status.value})"
        )
    return scenario, result


def run_task(task: SweepTask) -> TaskSummary:
    """Run one task and write its folder; return its summary.

    Returns the stored summary, solving nothing, when the folder already holds
    this task's finished result. Input faults and rosters the hard rules
    forbid come back as a ``failed`` summary; anything else is raised.
    """
    done = finished_summary(task)
    if done is not None:
        log.info("%s/%s already finished; reusing it", task.scenario, task.variant)
        return done
    from rostering.pipeline import write_outputs

    started = time.perf_counter()
    try:
        scenario, result = _solve(task)
    except RosteringError as exc:
        return failed(task, describe(exc), wall_time_s=time.perf_counter() - started)
    folder = task.folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    stage = folder.with_name(f"{STAGING_PREFIX}{folder.name}-{uuid.uuid4().hex[:8]}")
    try:
        write_outputs(result, stage)
        summary = _outcome(task, scenario, result, time.perf_counter() - started)
        marker = Marker(content_hash=task.content_hash, run_id=task.run_id, summary=summary)
        (stage / MARKER).write_text(
            json.dumps(marker.model_dump(mode="json"), indent=2), encoding="utf-8"
        )
        try:
            _publish(stage, folder)
        except OSError:
            # Another attempt of the same task published first: keep its result.
            done = finished_summary(task)
            if done is None:
                raise
            return done
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    log.info("%s/%s written to %s", task.scenario, task.variant, folder)
    return summary


__all__ = [
    "MARKER",
    "ChannelOutcome",
    "Marker",
    "NoRosterError",
    "SweepTask",
    "TaskSummary",
    "describe",
    "failed",
    "finished_summary",
    "read_marker",
    "run_task",
]
