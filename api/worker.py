"""The worker-process side of a run: solve one claimed run and store what came of it.

:func:`execute_run` runs in a worker process started by :mod:`api.runner`.
It reads the run's exact inputs from the database, runs the pipeline with a
:class:`~api.progress.ProgressWriter` as its progress callback, and stores
the KPIs, the outcome and the Gantt figure, or why there is no roster. Every
ending, a crash of the pipeline included, is stored as a status.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from api.db import Store
from api.models import RunRecord, utcnow
from api.progress import ProgressWriter, RunCancelledError
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


def _worker_store(url: str) -> Store:
    """The worker process's database (one engine per URL, kept for later runs)."""
    store = _STORES.get(url)
    if store is None:
        store = _STORES[url] = Store(url)
    return store


def warm_up() -> None:
    """Initializer of a worker process.

    Unpickling it imports this module, and with it the whole pipeline, once,
    before the first run arrives.
    """
    log.debug("worker process %d ready", os.getpid())


def _jsonable(model: Any) -> Any:
    """JSON-ready data of a pydantic model (NaN and infinity become null)."""
    return json.loads(model.model_dump_json())


def _finish(
    store: Store,
    run_id: str,
    *,
    status: RunStatus,
    error: dict[str, Any] | None = None,
    kpis: Any = None,
    outcome: Any = None,
    gantt: Any = None,
) -> None:
    """Store a run's ending, unless it is no longer running (a cancel asked late wins)."""
    with store.session() as s:
        run = s.get(RunRecord, run_id)
        if run is None or run.status != RunStatus.RUNNING.value:
            return
        if status is RunStatus.SUCCEEDED and run.cancel_requested:
            status = RunStatus.CANCELLED
        run.status = status.value
        run.finished_at = utcnow()
        run.error = error
        run.kpis = kpis
        run.outcome = outcome
        run.gantt = gantt
        progress = dict(run.progress or {})
        progress["stage"] = "done"
        run.progress = progress
        s.commit()


def execute_run(database_url: str, run_id: str, *, progress_interval_s: float) -> str:
    """Solve one claimed run and store its outcome; returns the final status.

    Runs in a worker process. Every outcome, including a crash of the
    pipeline, ends as a stored status: ``succeeded``, ``failed`` or ``cancelled``.
    """
    store = _worker_store(database_url)
    with store.session() as s:
        run = s.get(RunRecord, run_id)
        if run is None or run.status != RunStatus.RUNNING.value:
            return run.status if run is not None else "missing"
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
        run.worker_pid = os.getpid()
        s.commit()
    if cancelled:
        _finish(
            store, run_id, status=RunStatus.CANCELLED, error={"message": "cancelled before start"}
        )
        return RunStatus.CANCELLED.value

    writer = ProgressWriter(store, run_id, interval_s=progress_interval_s)
    writer.stage("sizing")
    try:
        scenario = Scenario.model_validate(inputs)
        config = SolverConfig(time_limit_s=time_limit, workers=threads, seed=seed)
        start = None
        if baseline_run is not None:
            start = _from_baseline(baseline_run, baseline_inputs, baseline_roster, scenario, whatif)
        result = run_scenario(scenario, solver=config, progress=writer, baseline=start)
    except RunCancelledError:
        _finish(
            store, run_id, status=RunStatus.CANCELLED, error={"message": "cancelled while solving"}
        )
        return RunStatus.CANCELLED.value
    except ScenarioError as exc:
        problems = [
            {"file": p.file, "location": p.location, "message": p.message, "value": p.value}
            for p in exc.problems
        ]
        _finish(
            store,
            run_id,
            status=RunStatus.FAILED,
            error={"message": "the scenario cannot be run", "problems": problems},
        )
        return RunStatus.FAILED.value
    except InfeasibleRosterError as exc:
        _finish(
            store,
            run_id,
            status=RunStatus.FAILED,
            error={"message": "the hard rules cannot all hold", "conflicts": exc.conflicts},
        )
        return RunStatus.FAILED.value
    except RosteringError as exc:
        _finish(store, run_id, status=RunStatus.FAILED, error={"message": str(exc)})
        return RunStatus.FAILED.value
    except Exception as exc:
        log.exception("run %s crashed", run_id)
        _finish(
            store,
            run_id,
            status=RunStatus.FAILED,
            error={"message": f"internal error: {type(exc).__name__}: {exc}"},
        )
        return RunStatus.FAILED.value

    solution = result.solution
    writer.latest = {
        **writer.latest,
        "objective": finite_or_none(solution.objective),
        "bound": finite_or_none(solution.best_bound),
        "gap": finite_or_none(solution.gap),
        "elapsed_s": solution.wall_time_s,
    }
    writer.stage("saving")
    outcome = outcome_of(result)
    gantt = _gantt(result)
    error = None
    status = RunStatus.SUCCEEDED
    if not result.solution.assignments and result.solution.conflicts:
        status = RunStatus.FAILED
        error = {
            "message": "the hard rules cannot all hold",
            "conflicts": list(result.solution.conflicts),
        }
    elif not result.solution.assignments and not result.solution.standby:
        status = RunStatus.FAILED
        error = {"message": f"no roster found ({result.solution.status.value})"}
    _finish(
        store,
        run_id,
        status=status,
        error=error,
        kpis=_jsonable(result.kpis),
        outcome=_jsonable(outcome),
        gantt=gantt,
    )
    return status.value


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


__all__ = ["execute_run", "warm_up"]
