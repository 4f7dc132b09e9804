"""Why a roster cannot be built: the hard rules that cannot hold together.

The model is rebuilt with every group of hard constraints guarded by an
assumption literal (``RuleContext.guard``), the objective dropped, and all
assumptions asserted. When CP-SAT proves this infeasible it names a subset
of the assumptions that is already infeasible
(``sufficient_assumptions_for_infeasibility``); that subset is then shrunk
by dropping one rule at a time while the rest stays infeasible, so the
planner reads a short list of rules that clash, e.g.::

    agent B1: five-two needs 5 working days in week 40 (5 of them inside the
    horizon) but 3 of its 7 days cannot be worked
    B1 does not work on days off [1, 2, 3]
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from ortools.sat.python import cp_model

from rostering.roster.instance import RosterInstance
from rostering.roster.model import build_model
from rostering.roster.rules.base import Rule

log = logging.getLogger(__name__)


def _infeasible(
    model: cp_model.CpModel, literals: list[cp_model.IntVar], *, time_limit_s: float
) -> tuple[bool, list[int]]:
    """Whether the model is infeasible under ``literals``, and a sufficient core (indices)."""
    model.clear_assumptions()
    model.add_assumptions(literals)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit_s, 0.1)
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    if status != cp_model.INFEASIBLE:
        return False, []
    return True, list(solver.sufficient_assumptions_for_infeasibility())


def explain_conflicts(
    instance: RosterInstance,
    *,
    time_limit_s: float = 20.0,
    minimise: bool = True,
    extra_rules: Sequence[Rule] = (),
) -> list[str]:
    """The named hard rules that cannot all hold, in planner words.

    Empty when the hard rules are in fact compatible (or no proof was found
    within the time limit). ``extra_rules``: a search strategy's rules, as
    the model was built with.
    """
    deadline = time.perf_counter() + time_limit_s
    built = build_model(instance, explain=True, extra_rules=extra_rules)
    model = built.model
    model.clear_objective()  # type: ignore[no-untyped-call]
    by_index = {a.literal.index: a for a in built.assumptions}
    literals = [a.literal for a in built.assumptions]
    infeasible, core = _infeasible(model, literals, time_limit_s=time_limit_s)
    if not infeasible:
        log.info("no conflict among the named hard rules of %s", instance.name)
        return []
    if not core:
        return ["the roster's basic structure (one shift per agent per day) cannot hold"]
    kept = [i for i in core if i in by_index]
    if minimise:
        for index in list(kept):
            left = deadline - time.perf_counter()
            if left <= 0:
                break
            if index not in kept:
                continue
            trial = [i for i in kept if i != index]
            still, smaller = _infeasible(
                model, [by_index[i].literal for i in trial], time_limit_s=left
            )
            if still:
                keep = set(smaller) if smaller else set(trial)
                kept = [i for i in trial if i in keep]
    return [by_index[i].description for i in kept]


__all__ = ["explain_conflicts"]
