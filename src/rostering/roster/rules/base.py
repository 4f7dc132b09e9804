"""What every rule family of the roster model provides.

A rule family is one class: its docstring states the rule in a planner's
words; ``build`` adds its hard constraints to the model and returns its soft
terms (penalty expressions with a weight and a readable place), from which the
objective is summed and violations are reported.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from ortools.sat.python import cp_model

from rostering.roster.instance import RosterInstance
from rostering.roster.variables import RosterVars
from rostering.types import ChannelId


@dataclass(frozen=True)
class SoftTerm:
    """One soft penalty: ``weight * expr`` in the objective.

    ``expr`` is a non-negative integer expression measuring the violation
    (minutes short, requests missed); ``where`` says where, for a planner.
    """

    rule: str
    where: str
    expr: cp_model.LinearExprT
    weight: float


@dataclass
class Assumption:
    """A literal that switches one hard rule on, for conflict explanation."""

    literal: cp_model.IntVar
    description: str


class RuleContext:
    """Shared state for rule builders: the model, variables and assumption literals.

    When ``explain`` is on, a rule guards each group of hard constraints with
    ``ctx.guard(description)`` (``model.add(...).only_enforce_if(lit)``) so an
    infeasible roster can be explained by the named rules that cannot hold.
    """

    def __init__(
        self,
        model: cp_model.CpModel,
        variables: RosterVars,
        instance: RosterInstance,
        *,
        explain: bool = False,
    ) -> None:
        self.model = model
        self.vars = variables
        self.instance = instance
        self.explain = explain
        self.assumptions: list[Assumption] = []

    def guard(self, description: str) -> list[cp_model.IntVar]:
        """Enforcement literals for a group of hard constraints (empty when not explaining)."""
        if not self.explain:
            return []
        lit = self.model.new_bool_var(f"assume[{len(self.assumptions)}]")
        self.assumptions.append(Assumption(lit, description))
        return [lit]


def enforce(ct: cp_model.Constraint, guard: Iterable[cp_model.IntVar]) -> None:
    """Switch ``ct`` off with the guard literal of :meth:`RuleContext.guard` (when explaining)."""
    lits = list(guard)
    if lits:
        ct.only_enforce_if(lits)


class Rule(ABC):
    """A rule family of the roster model."""

    name: ClassVar[str]

    @abstractmethod
    def applies(self, instance: RosterInstance) -> bool:
        """Whether the instance has anything for this rule to do."""

    @abstractmethod
    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        """Add hard constraints (guarded by ``ctx.guard``) and return soft terms."""

    def requires(self) -> tuple[Rule, ...]:
        """Rules whose variables this one builds on: they are built before it."""
        return ()

    def exact_amounts(
        self, instance: RosterInstance, serving: Mapping[tuple[int, ChannelId], int]
    ) -> dict[tuple[str, str], int]:
        """Exact amounts of the soft terms the model bounds from one side only.

        Keyed by ``(rule, where)``, for the agents serving each channel in each
        slot (``serving``); the objective pulls such terms to their exact value
        only at optimality, so a roster read back earlier is priced with these.
        """
        return {}


__all__ = [
    "Assumption",
    "Rule",
    "RuleContext",
    "SoftTerm",
    "enforce",
]
