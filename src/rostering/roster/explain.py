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
from rostering.roster.rules.base import Assumption, Rule

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


def _shrink(
    model: cp_model.CpModel,
    by_index: dict[int, Assumption],
    core: list[int],
    deadline: float,
) -> list[int]:
    """Drop one rule at a time from ``core`` while the rest stays infeasible."""
    kept = list(core)
    for index in list(kept):
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        if index not in kept:
            continue
        trial = [i for i in kept if i != index]
        still, smaller = _infeasible(model, [by_index[i].literal for i in trial], time_limit_s=left)
        if still:
            keep = set(smaller) if smaller else set(trial)
            kept = [i for i in trial if i in keep]
    return kept


def explain_conflicts(
    instance: RosterInstance,
    *,
    time_limit_s: float = 20.0,
    minimise: bool = True,
    extra_rules: Sequence[Rule] = (),
    max_conflicts: int = 20,
) -> list[str]:
    """The named hard rules that cannot all hold, in planner words.

    Every independent conflict is named, not only the first: once a short
    list of clashing rules is found, those rules are set aside and the rest
    is tried again, until what is left can hold (or ``max_conflicts`` lists
    or the time limit are reached). Three agents each with an impossible week
    are three conflicts, and all three agents appear.

    Empty when the hard rules are in fact compatible (or no proof was found
    within the time limit). ``extra_rules``: a search strategy's rules, as
    the model was built with.
    """
    deadline = time.perf_counter() + time_limit_s
    built = build_model(instance, explain=True, extra_rules=extra_rules)
    model = built.model
    model.clear_objective()  # type: ignore[no-untyped-call]
    by_index = {a.literal.index: a for a in built.assumptions}
    active = [a.literal.index for a in built.assumptions]
    out: list[str] = []
    for _ in range(max_conflicts):
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        infeasible, core = _infeasible(
            model, [by_index[i].literal for i in active], time_limit_s=left
        )
        if not infeasible:
            break
        kept = [i for i in core if i in by_index]
        if not kept:
            if not out:
                return ["the roster's basic structure (one shift per agent per day) cannot hold"]
            break
        if minimise:
            kept = _shrink(model, by_index, kept, deadline)
        out.extend(by_index[i].description for i in kept if by_index[i].description not in out)
        dropped = set(kept)
        active = [i for i in active if i not in dropped]
    if not out:
        log.info("no conflict among the named hard rules of %s", instance.name)
    return out


__all__ = ["explain_conflicts"]
