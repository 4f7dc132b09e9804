"""CP-SAT helpers of the search: hints, fixed copies of the model, statuses.

A roster is handed to CP-SAT as the values of the ``works`` variables:
:func:`add_hint` starts a search from it, :func:`fixed_copy` freezes some
variables (a neighbourhood, or a roster to complete), :func:`solver_status`
reads CP-SAT's status as the roster's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ortools.sat.python import cp_model

from rostering.roster.facts import overlap_minutes
from rostering.roster.model import BuiltModel
from rostering.roster.solution import SolveStatus
from rostering.types import AgentId, ShiftId


def solver_status(code: cp_model.CpSolverStatus) -> SolveStatus:
    if code == cp_model.OPTIMAL:
        return SolveStatus.OPTIMAL
    if code == cp_model.FEASIBLE:
        return SolveStatus.FEASIBLE
    if code == cp_model.INFEASIBLE:
        return SolveStatus.INFEASIBLE
    if code == cp_model.MODEL_INVALID:
        return SolveStatus.MODEL_INVALID
    return SolveStatus.UNKNOWN


def add_hint(built: BuiltModel, hint: Mapping[tuple[AgentId, int], ShiftId]) -> None:
    """Start the search from a known roster (days not in ``hint`` are off)."""
    for (agent, day, shift), var in built.vars.items():
        built.model.add_hint(var, int(hint.get((agent, day)) == shift))


def roster_values(
    built: BuiltModel, roster: Mapping[tuple[AgentId, int], ShiftId]
) -> dict[int, int]:
    """Every ``works`` variable's index and its value in ``roster``."""
    return {
        var.index: int(roster.get((agent, day)) == shift)
        for (agent, day, shift), var in built.vars.items()
    }


def break_hint(built: BuiltModel, roster: Mapping[tuple[AgentId, int], ShiftId]) -> dict[int, int]:
    """Values of the short-break takers for ``roster``: everyone on a shift takes each
    break, spread evenly over the allowed starts, and the heads away they make.

    A hint for completing a roster with short breaks, so the search starts from
    break placements that hold (without it, a site of 300 people with two breaks a
    shift finds no completion in a minute; hinting the meals too slows others down).
    """
    inst = built.instance
    step = inst.interval_minutes
    out: dict[int, int] = {}

    def spread(options: Mapping[int, cp_model.LinearExprT], n: int) -> dict[int, int]:
        keys = sorted(options)
        share = {k: n // len(keys) + (1 if i < n % len(keys) else 0) for i, k in enumerate(keys)}
        for k, var in options.items():
            if isinstance(var, cp_model.IntVar):
                out[var.index] = share[k]
        return share

    for unit in built.floor.units.values():
        if not unit.breaks:
            continue
        n = sum(1 for a in unit.agents if roster.get((a, unit.day)) == unit.shift)
        shift = inst.shift(unit.shift)
        minutes: dict[int, int] = {}
        for taking, window in zip(unit.breaks, shift.breaks, strict=False):
            for start, k in spread(taking, n).items():
                for t, m in overlap_minutes(inst, unit.day, start, window.minutes).items():
                    minutes[t] = minutes.get(t, 0) + m * k
        for t, var in unit.off.items():
            if isinstance(var, cp_model.IntVar):
                out[var.index] = -(-minutes.get(t, 0) // step)
    return out


def fixed_copy(
    built: BuiltModel,
    keep: Mapping[int, int],
    hint: Sequence[int] | Mapping[int, int] | None = None,
) -> cp_model.CpModel:
    """A copy of the model with the variables in ``keep`` (index -> value) fixed.

    ``hint`` (a value per variable, or index -> value for some) replaces the
    hints of the copy.
    """
    clone = built.model.clone()
    proto = clone.proto
    for index, value in keep.items():
        domain = proto.variables[index].domain
        domain.clear()
        domain.extend([value, value])
    clone.clear_hints()  # type: ignore[no-untyped-call]
    if isinstance(hint, Mapping):
        proto.solution_hint.vars.extend(hint.keys())
        proto.solution_hint.values.extend(hint.values())
    elif hint is not None:
        proto.solution_hint.vars.extend(range(len(hint)))
        proto.solution_hint.values.extend(hint)
    return clone


__all__ = [
    "add_hint",
    "break_hint",
    "fixed_copy",
    "roster_values",
    "solver_status",
]
