"""The roster stage's entry point: solve an instance, or name the rules that clash.

:func:`solve` builds the model (:mod:`rostering.roster.model`), runs the
search (:mod:`rostering.roster.search`) and, when no roster was found,
proves infeasibility and explains it (:mod:`rostering.roster.explain`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from ortools.sat.python import cp_model

from rostering.roster.config import ProgressFn, SolverConfig
from rostering.roster.cpsat import solver_status
from rostering.roster.explain import explain_conflicts
from rostering.roster.instance import RosterInstance
from rostering.roster.model import BuiltModel, build_model
from rostering.roster.search import search
from rostering.roster.solution import RosterSolution, SolveStatus
from rostering.roster.strategy import PRODUCT, SearchStrategy
from rostering.types import AgentId, ShiftId

log = logging.getLogger(__name__)


def solve(
    instance: RosterInstance,
    config: SolverConfig | None = None,
    *,
    progress: ProgressFn | None = None,
    hint: Mapping[tuple[AgentId, int], ShiftId] | None = None,
    strategy: SearchStrategy = PRODUCT,
) -> RosterSolution:
    """Solve ``instance``: the best roster found within the limits, or the conflicts.

    The search (see :mod:`rostering.roster.search`) starts from ``hint``
    (agent, day) -> shift when given, else from the constructive roster of
    :func:`rostering.roster.heuristic.greedy_roster`, which is completed and
    reported first; small models are then solved whole, large ones improved by
    large-neighbourhood search while the full model supplies the bound. A time
    limit returns the best roster found so far (status FEASIBLE). When the hard
    rules cannot all hold, the solution has status INFEASIBLE and ``conflicts``
    names the rules that clash, in planner words. ``strategy`` adds rules and
    searches to the product's (see :mod:`rostering.roster.strategy`).
    """
    config = config or SolverConfig()
    started = time.perf_counter()
    built = build_model(instance, extra_rules=strategy.rules(instance, redundant=True))
    solution = search(
        built, config, progress=progress, hint=hint, started=started, strategy=strategy
    )
    if solution is None:
        solution = _no_roster(built, config, strategy)
    solution.wall_time_s = time.perf_counter() - started
    log.info(
        "roster %s: %s in %.2fs (objective %s, bound %s)",
        instance.name,
        solution.status.value,
        solution.wall_time_s,
        solution.objective,
        solution.best_bound,
    )
    return solution


def _no_roster(built: BuiltModel, config: SolverConfig, strategy: SearchStrategy) -> RosterSolution:
    """No roster within the limits: prove infeasibility and explain it, or say unknown."""
    instance = built.instance
    solver = cp_model.CpSolver()
    config.apply(solver)
    solver.parameters.max_time_in_seconds = min(config.time_limit_s, 30.0)
    model = built.model.clone()
    model.clear_objective()  # type: ignore[no-untyped-call]
    status = solver_status(solver.solve(model))
    if status is not SolveStatus.INFEASIBLE:
        return RosterSolution(instance=instance.name, status=SolveStatus.UNKNOWN)
    return RosterSolution(
        instance=instance.name,
        status=SolveStatus.INFEASIBLE,
        conflicts=explain_conflicts(
            instance,
            time_limit_s=min(config.time_limit_s, 30.0),
            extra_rules=strategy.rules(instance, redundant=False),
        ),
    )


__all__ = ["solve"]
