"""The roster stage's entry point: solve an instance, or name the rules that clash.

:func:`solve` builds the model (:mod:`rostering.roster.model`), runs the
search (:mod:`rostering.roster.search`) and, when no roster was found,
proves infeasibility and explains it (:mod:`rostering.roster.explain`).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping

from ortools.sat.python import cp_model

from rostering.errors import TimeLimitError
from rostering.roster.config import ProgressFn, SolverConfig
from rostering.roster.cpsat import solver_status
from rostering.roster.explain import explain_conflicts
from rostering.roster.facts import excused_days, works_count
from rostering.roster.heuristic import greedy_roster
from rostering.roster.instance import RosterInstance
from rostering.roster.model import BuiltModel, build_model
from rostering.roster.search import search
from rostering.roster.solution import ModelSize, Roster, RosterSolution, SolveStatus
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
    (agent, day) -> shift when given, else from the instance's baseline roster
    when it has one (a what-if, see :func:`baseline_hint`), else from the
    constructive roster of :func:`rostering.roster.heuristic.greedy_roster`, which is
    completed and
    reported first; small models are then solved whole, large ones improved by
    large-neighbourhood search while the full model supplies the bound. A time
    limit returns the best roster found so far (status FEASIBLE). When the hard
    rules cannot all hold, the solution has status INFEASIBLE and ``conflicts``
    names the rules that clash, in planner words. ``strategy`` adds rules and
    searches to the product's (see :mod:`rostering.roster.strategy`).
    """
    config = config or SolverConfig()
    started = time.perf_counter()
    check_time_limit(instance, config.time_limit_s)
    if hint is None and instance.baseline is not None:
        hint = baseline_hint(instance)
    built = build_model(instance, extra_rules=strategy.rules(instance, redundant=True))
    proto = built.model.proto
    size = ModelSize(
        agents=len(instance.agents),
        days=instance.n_days,
        shift_types=len(instance.shifts),
        intervals=instance.n_slots,
        variables=len(proto.variables),
        constraints=len(proto.constraints),
        build_s=round(time.perf_counter() - started, 2),
    )
    log.info("roster model of %s: %s", instance.name, size.text())
    solution = search(
        built, config, progress=progress, hint=hint, started=started, strategy=strategy
    )
    if solution is None:
        solution = _no_roster(built, config, strategy, deadline=started + config.time_limit_s)
    solution.wall_time_s = time.perf_counter() - started
    solution.model_size = size
    log.info(
        "roster %s: %s in %.2fs (objective %s, bound %s)",
        instance.name,
        solution.status.value,
        solution.wall_time_s,
        solution.objective,
        solution.best_bound,
    )
    return solution


BUILD_S_PER_CHOICE = 60e-6
"""Seconds building the model takes per ``works`` variable (an agent's shift type on a
day), on the slow side of what was measured on 2 cores: 48 us for the 500-agent site
of ``benchmarks/roster.py`` (size XL), 20-40 us for benchmark instances."""


def build_estimate_s(instance: RosterInstance) -> float:
    """Seconds building the model of ``instance`` is expected to take."""
    return works_count(instance) * BUILD_S_PER_CHOICE


def check_time_limit(instance: RosterInstance, time_limit_s: float) -> None:
    """Refuse at once a time limit shorter than building the model is expected to take.

    Raises :class:`TimeLimitError`, naming the model's size, the expected build time
    and a time limit that leaves the search as long again.
    """
    needed = build_estimate_s(instance)
    if needed <= time_limit_s:
        return
    raise TimeLimitError(
        f"{instance.name}: the roster model of {len(instance.agents)} people x "
        f"{instance.n_days} days x {len(instance.shifts)} shift types "
        f"({works_count(instance):,} shift choices) takes about {needed:.0f} s to build, "
        f"longer than the time limit of {time_limit_s:g} s; give a time limit of at least "
        f"{math.ceil(2 * needed)} s"
    )


def baseline_hint(instance: RosterInstance) -> Roster:
    """The instance's baseline roster, made a first roster of the instance.

    People in the baseline keep their baseline shifts, except on the days the
    scenario now decides (a pre-assigned day takes its shift; leave, a holiday
    off or a shift no longer theirs, the day off); people without a baseline
    (added by the what-if) take their days from the constructive roster.
    """
    baseline = instance.baseline
    if baseline is None:
        return greedy_roster(instance)
    newcomers = [a for a in instance.agents if a.id not in baseline.shifts]
    constructive = greedy_roster(instance) if newcomers else {}
    hint: Roster = {k: s for k, s in constructive.items() if k[0] not in baseline.shifts}
    for agent in instance.agents:
        days = baseline.shifts.get(agent.id)
        if days is None:
            continue
        excused = excused_days(instance, agent)
        for day, before in enumerate(days):
            shift = agent.fixed.get(day, before)
            if shift is not None and day not in excused and shift in agent.shifts:
                hint[(agent.id, day)] = shift
    return hint


PROOF_MAX_S = 30.0
"""Most time the proof that no roster exists, and then its explanation, may each take."""
PROOF_OVERRUN_SHARE = 0.05
"""Share of the time limit the proof and explanation may take past it: a search that
found nothing in its whole time is answered UNKNOWN within the limit and a twentieth."""


def _no_roster(
    built: BuiltModel, config: SolverConfig, strategy: SearchStrategy, *, deadline: float
) -> RosterSolution:
    """No roster within the limits: prove infeasibility and explain it, or say unknown.

    The proof and the explanation share the time the search left, and at most
    :data:`PROOF_OVERRUN_SHARE` of the limit past it, so the time limit holds.
    """
    instance = built.instance
    until = deadline + PROOF_OVERRUN_SHARE * config.time_limit_s

    def budget() -> float:
        return min(PROOF_MAX_S, until - time.perf_counter())

    if budget() <= 0.05:
        log.info("no roster of %s within the time limit; no time left to prove why", instance.name)
        return RosterSolution(instance=instance.name, status=SolveStatus.UNKNOWN)
    solver = cp_model.CpSolver()
    config.apply(solver)
    solver.parameters.max_time_in_seconds = budget()
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
            time_limit_s=max(0.05, budget()),
            extra_rules=strategy.rules(instance, redundant=False),
        ),
    )


__all__ = [
    "BUILD_S_PER_CHOICE",
    "PROOF_MAX_S",
    "PROOF_OVERRUN_SHARE",
    "baseline_hint",
    "build_estimate_s",
    "check_time_limit",
    "solve",
]
