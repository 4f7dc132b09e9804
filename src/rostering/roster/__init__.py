"""The roster stage: compile a scenario, build and solve the CP-SAT model, check rosters.

``compile_instance`` turns a scenario and its staffing requirements into a
:class:`RosterInstance`; ``solve`` returns a :class:`RosterSolution` (or the
named conflicting rules); ``validate`` re-checks any roster without the solver.
"""

from rostering.roster.compile import compile_instance
from rostering.roster.config import Progress, SolverConfig
from rostering.roster.explain import explain_conflicts
from rostering.roster.instance import (
    AgentSpec,
    ChannelSpec,
    Contract,
    DayCover,
    IntervalNeed,
    RosterInstance,
    ShiftRequest,
    ShiftType,
    Weights,
)
from rostering.roster.model import BuiltModel, build_model
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
from rostering.roster.solver import solve
from rostering.roster.validation import ValidationReport, validate

__all__ = [
    "AgentSpec",
    "Allocation",
    "Assignment",
    "BuiltModel",
    "CallIn",
    "ChannelSpec",
    "Contract",
    "CostLine",
    "DayCover",
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
