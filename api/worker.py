"""The worker side of a run: solve one run on a dask worker and store what came of it.

:func:`execute_run` is the task :mod:`api.runner` submits to the dask
cluster, one per run. It claims the run under its attempt token (the run
must still be queued under that attempt), reads the run's exact inputs from
the database, runs the pipeline with a :class:`~api.progress.ProgressWriter`
as its progress callback, and stores the KPIs, the outcome and the Gantt
figure, or why there is no roster. Every ending, a crash of the pipeline
included, is stored as a status, and every write is conditioned on the run
still running under the task's attempt (:func:`api.crud.held_by`): a task
left over from a stopped server or a restarted worker changes nothing.

A task that finds its run running under its own attempt is a second execution
of that attempt: dask ran it again because the worker of the first died, so
the run is recorded as failed with "the worker process died".
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from distributed import get_worker
from sqlalchemy import select

from api.crud import claim_run, end_run, held_by
from api.db import Store
from api.models import RunRecord
from api.progress import ProgressWriter, RunCancelledError, RunLostError
from api.run_status import RunStatus
from rostering.domain.scenario import Scenario
from rostering.errors import InfeasibleRosterError, InputError, RosteringError, ScenarioError
from rostering.pipeline import run_scenario
from rostering.reports.gantt import roster_gantt
from rostering.results import RosterRow, RunResult, finite_or_none, outcome_of
from rostering.roster.config import SolverConfig
from rostering.roster.instance import DEFAULT_CHANGE_WEIGHT
from rostering.whatif import FromBaseline, WhatIf, baseline_from_roster

log = logging.getLogger(__name__)

_STORES: dict[str, Store] = {}

#: What :func:`execute_run` returns when it stored nothing: the run was no longer its own.
LOST = "lost"


def _worker_store(url: str) -> Store:
    """The worker process's database (one engine per URL, kept for later runs)."""
    store = _STORES.get(url)
    if store is None:
        store = _STORES[url] = Store(url)
    return store


def warm_up() -> None:
    """Make a worker process ready to solve.

    Calling it means this module, and with it the whole pipeline, has been
    imported, before the first run arrives (:class:`api.cluster.WarmUp` calls
    it on every dask worker that joins).
    """
    log.debug("worker process %d ready", os.getpid())


def _worker_address() -> str | None:
    """The address of the dask worker running this task; None outside a worker."""
    try:
        worker = get_worker()
    except ValueError:
        return None
    address: str | None = worker.contact_address or worker.address
    return address


def _jsonable(model: Any) -> Any:
    """JSON-ready data of a pydantic model (NaN and infinity become null)."""
    return json.loads(model.model_dump_json())


def _finish(
    store: Store,
    run_id: str,
    attempt: str | None,
    *,
    status: RunStatus,
    error: dict[str, Any] | None = None,
    kpis: Any = None,
    outcome: Any = None,
    gantt: Any = None,
) -> str:
    """Store a run's ending while ``attempt`` holds it (a cancel asked late wins).

    Returns the status stored, or :data:`LOST` when the run was no longer this
    attempt's (interrupted by a restart, stopped from outside, already ended).
    """
    with store.session() as s:
        run = s.get(RunRecord, run_id)
        if run is None:
            return LOST
        if status is RunStatus.SUCCEEDED and run.cancel_requested:
            status = RunStatus.CANCELLED
        progress = {**(run.progress or {}), "stage": "done"}
        ended = end_run(
            s,
            run_id,
            attempt,
            status=status,
            error=error,
            kpis=kpis,
            outcome=outcome,
            gantt=gantt,
            progress=progress,
        )
        s.commit()
    return status.value if ended else LOST


def _claim(store: Store, run_id: str, attempt: str | None) -> str | None:
    """Take the run for this task; None when it is taken, else the status to return."""
    with store.session() as s:
        if attempt is None:  # the caller claimed it (tests solve in their own process)
            run = s.get(RunRecord, run_id)
            if run is None or run.status != RunStatus.RUNNING.value:
                return run.status if run is not None else "missing"
            run.worker_pid = os.getpid()
            s.commit()
            return None
        if claim_run(s, run_id, attempt, worker=_worker_address(), pid=os.getpid()):
            s.commit()
            return None
        # Running under this very attempt: an earlier execution of it started.
        again = s.scalar(select(RunRecord.id).where(held_by(run_id, attempt)))
        s.rollback()
    if again:
        log.warning("run %s: the worker of attempt %s died; the run failed", run_id, attempt)
        return _finish(
            store,
            run_id,
            attempt,
            status=RunStatus.FAILED,
            error={"message": "the worker process died"},
        )
    return LOST


def execute_run(
    database_url: str,
    run_id: str,
    *,
    progress_interval_s: float,
    attempt: str | None = None,
) -> str:
    """Solve one run and store its outcome; returns the status stored.

    The dask task of a run, submitted with the run's ``attempt`` token: the
    run must be queued under that attempt, and the task claims it. Without a
    token, the caller has already set the run running (the tests solve runs in
    their own process this way). Every outcome, including a crash of the
    pipeline, ends as a stored status: ``succeeded``, ``failed`` or
    ``cancelled``; :data:`LOST` when the run was not, or is no longer, this
    attempt's to write.
    """
    store = _worker_store(database_url)
    refused = _claim(store, run_id, attempt)
    if refused is not None:
        return refused
    with store.session() as s:
        run = s.get(RunRecord, run_id)
        if run is None:
            return "missing"
        inputs = run.inputs
        seed, time_limit, threads = run.seed, run.time_limit_s, run.solver_threads
        cancelled = run.cancel_requested
        whatif = WhatIf.model_validate(run.whatif)
        baseline_run = run.baseline_run_id
        baseline_inputs: dict[str, Any] | None = None
        baseline_roster: list[Any] = []
        if baseline_run is not None:
            base = s.get(RunRecord, baseline_run)
            if base is not None and base.outcome is not None:
                baseline_inputs = base.inputs
                baseline_roster = list(base.outcome.get("roster", []))
    if cancelled:
        return _finish(
            store,
            run_id,
            attempt,
            status=RunStatus.CANCELLED,
            error={"message": "cancelled before start"},
        )

    writer = ProgressWriter(store, run_id, interval_s=progress_interval_s, attempt=attempt)
    try:
        writer.stage("sizing")
        scenario = Scenario.model_validate(inputs)
        config = SolverConfig(time_limit_s=time_limit, workers=threads, seed=seed)
        start = None
        if baseline_run is not None:
            start = _from_baseline(baseline_run, baseline_inputs, baseline_roster, scenario, whatif)
        result = run_scenario(scenario, solver=config, progress=writer, baseline=start)
    except RunLostError:
        log.warning("run %s is no longer attempt %s's: it stopped without storing", run_id, attempt)
        return LOST
    except RunCancelledError:
        return _finish(
            store,
            run_id,
            attempt,
            status=RunStatus.CANCELLED,
            error={"message": "cancelled while solving"},
        )
    except ScenarioError as exc:
        problems = [
            {"file": p.file, "location": p.location, "message": p.message, "value": p.value}
            for p in exc.problems
        ]
        return _finish(
            store,
            run_id,
            attempt,
            status=RunStatus.FAILED,
            error={"message": "the scenario cannot be run", "problems": problems},
        )
    except InfeasibleRosterError as exc:
        return _finish(
            store,
            run_id,
            attempt,
            status=RunStatus.FAILED,
            error={"message": "the hard rules cannot all hold", "conflicts": exc.conflicts},
        )
    except RosteringError as exc:
        return _finish(store, run_id, attempt, status=RunStatus.FAILED, error={"message": str(exc)})
    except Exception as exc:
        log.exception("run %s crashed", run_id)
        return _finish(
            store,
            run_id,
            attempt,
            status=RunStatus.FAILED,
            error={"message": f"internal error: {type(exc).__name__}: {exc}"},
        )

    solution = result.solution
    writer.latest = {
        **writer.latest,
        "objective": finite_or_none(solution.objective),
        "bound": finite_or_none(solution.best_bound),
        "gap": finite_or_none(solution.gap),
        "elapsed_s": solution.wall_time_s,
    }
    try:
        writer.stage("saving")
    except RunLostError:
        return LOST
    outcome = outcome_of(result)
    gantt = _gantt(result)
    error: dict[str, Any] | None = None
    status = RunStatus.SUCCEEDED
    if writer.cancelled:
        # The search was stopped by the cancel: its best roster so far is kept.
        status = RunStatus.CANCELLED
        error = {"message": "cancelled while solving; the best roster found before is kept"}
    elif not result.solution.assignments and result.solution.conflicts:
        status = RunStatus.FAILED
        error = {
            "message": "the hard rules cannot all hold",
            "conflicts": list(result.solution.conflicts),
        }
    elif not result.solution.assignments and not result.solution.standby:
        status = RunStatus.FAILED
        error = {"message": f"no roster found ({result.solution.status.value})"}
    return _finish(
        store,
        run_id,
        attempt,
        status=status,
        error=error,
        kpis=_jsonable(result.kpis),
        outcome=_jsonable(outcome),
        gantt=gantt,
    )


def _from_baseline(
    run_id: str,
    inputs: dict[str, Any] | None,
    roster: list[Any],
    scenario: Scenario,
    whatif: WhatIf,
) -> FromBaseline:
    """The baseline a run starts from: the stored roster of run ``run_id``.

    ``scenario`` is the run's scenario after its what-if. The route checked the
    roster against the stored scenario when the run was submitted; here its
    rows are read against the scenario the baseline run solved. Raises
    :class:`InputError` when the baseline run has no roster or it does not fit.
    """
    if inputs is None:
        raise InputError(f"baseline run {run_id} has no roster")
    ran = Scenario.model_validate(inputs)
    rows = [RosterRow.model_validate(r) for r in roster]
    baseline = baseline_from_roster(
        rows, ran=ran, scenario=ran, changed=scenario, source=f"roster of run {run_id}"
    )
    return FromBaseline(
        baseline=baseline,
        change_weight=whatif.change_weight
        if whatif.change_weight is not None
        else DEFAULT_CHANGE_WEIGHT,
        max_changes=whatif.max_changes,
    )


def _gantt(result: RunResult) -> dict[str, Any] | None:
    """The roster Gantt as plotly JSON, or None when it cannot be drawn."""
    try:
        figure = roster_gantt(result.instance, result.solution, title=result.scenario.name)
        data: dict[str, Any] = json.loads(figure.to_json())
    except Exception:
        log.exception("gantt figure failed")
        return None
    return data


__all__ = ["LOST", "execute_run", "warm_up"]
