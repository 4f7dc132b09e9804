"""The roster stage: compile a scenario, build and solve the CP-SAT model, check rosters.

``compile_instance`` turns a scenario and its staffing requirements into a
:class:`RosterInstance`; ``solve`` returns a :class:`RosterSolution` (or the
named conflicting rules); ``validate`` re-checks any roster without the solver.

Importing this package does not load OR-Tools: the names that need the solver
(``solve``, ``build_model``, ``BuiltModel``, ``explain_conflicts``) are
imported on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from rostering.roster.compile import compile_instance
from rostering.roster.config import Progress, SolverConfig
from rostering.roster.instance import (
    AgentSpec,
    ChannelSpec,
    Contract,
    IntervalNeed,
    RosterInstance,
    ShiftRequest,
    ShiftType,
    Weights,
)
from rostering.roster.solution import (
    Allocation,
    Assignment,
    CallIn,
    CostLine,
    RosterSolution,
    SlotActivity,
    SolveStatus,
    StandbyDuty,
    Violation,
)
from rostering.roster.validation import ValidationReport, validate

_WITH_SOLVER = {
    "BuiltModel": "rostering.roster.model",
    "build_model": "rostering.roster.model",
    "explain_conflicts": "rostering.roster.explain",
    "solve": "rostering.roster.solver",
}

if TYPE_CHECKING:
    from rostering.roster.explain import explain_conflicts
    from rostering.roster.model import BuiltModel, build_model
    from rostering.roster.solver import solve


def __getattr__(name: str) -> Any:
    if name not in _WITH_SOLVER:
        raise AttributeError(f"module 'rostering.roster' has no attribute {name!r}")
    value = getattr(import_module(_WITH_SOLVER[name]), name)
    globals()[name] = value
    return value


__all__ = [
    "AgentSpec",
    "Allocation",
    "Assignment",
    "BuiltModel",
    "CallIn",
    "ChannelSpec",
    "Contract",
    "CostLine",
    "IntervalNeed",
    "Progress",
    "RosterInstance",
    "RosterSolution",
    "ShiftRequest",
    "ShiftType",
    "SlotActivity",
    "SolveStatus",
    "SolverConfig",
    "StandbyDuty",
    "ValidationReport",
    "Violation",
    "Weights",
    "build_model",
    "compile_instance",
    "explain_conflicts",
    "solve",
    "validate",
]
