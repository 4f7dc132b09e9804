"""Build the CP-SAT roster model from the rule families, solve it, read the roster back.

:func:`build_model` instantiates every rule family (the contract rules, the
rotation patterns, holidays, meals, coverage, standby, cost, fairness and,
for a what-if started from a baseline roster, stability),
lets each add its hard constraints and collects its soft terms; the
objective is their weighted sum in integer fen (see
:data:`rostering.roster.facts.SCALE`). :func:`solve` searches with a
:class:`SolverConfig` (a constructive first roster, then the whole model or
large-neighbourhood search, see :mod:`rostering.roster.search`), reports
progress, and turns the best roster found into a
:class:`~rostering.roster.solution.RosterSolution`: assignments with local
times, meals and channels, the per-slot allocation and who serves what,
standby and backup duties, call-in suggestions, costs and the soft rules not
met. An infeasible instance comes back with the named conflicting rules.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from rostering.roster.facts import (
    int_weight,
)
from rostering.roster.instance import RosterInstance
from rostering.roster.rules.base import Assumption, Rule, RuleContext, SoftTerm
from rostering.roster.rules.breaks import Breaks
from rostering.roster.rules.contract import CONTRACT_RULES, ShiftRequests
from rostering.roster.rules.cost import LabourCost
from rostering.roster.rules.coverage import IntervalCoverage
from rostering.roster.rules.coverage_floor import CoverageFloor
from rostering.roster.rules.deferred import DeferredWork
from rostering.roster.rules.fairness import Fairness
from rostering.roster.rules.floor import Floor
from rostering.roster.rules.floor_support import FloorSupport
from rostering.roster.rules.holidays import HOLIDAY_RULES
from rostering.roster.rules.meals import Meals
from rostering.roster.rules.patterns import PATTERN_RULES
from rostering.roster.rules.presence import ChannelPresence
from rostering.roster.rules.secondary import SecondaryChannels
from rostering.roster.rules.stability import BaselineStability
from rostering.roster.rules.standby import ManagementRatio, SupervisorStandby
from rostering.roster.variables import RosterVars

log = logging.getLogger(__name__)


@dataclass
class BuiltModel:
    """A model ready to solve, with what is needed to read its solution back."""

    instance: RosterInstance
    model: cp_model.CpModel
    vars: RosterVars
    context: RuleContext
    floor: Floor
    coverage: IntervalCoverage
    standby: SupervisorStandby
    rules: list[Rule]
    terms: list[SoftTerm] = field(default_factory=list)

    @property
    def assumptions(self) -> list[Assumption]:
        """Assumption literals of the guarded hard rules (empty unless explaining)."""
        return self.context.assumptions


def build_model(
    instance: RosterInstance,
    *,
    explain: bool = False,
    extra_rules: Sequence[Rule] = (),
) -> BuiltModel:
    """Every rule family applied to ``instance``, with the weighted objective.

    With ``explain`` every group of hard constraints is guarded by an
    assumption literal (see :mod:`rostering.roster.explain`). ``extra_rules``
    are a search strategy's (see :mod:`rostering.roster.strategy`): rules the
    instance needs beyond the product's, or that only tighten the bound.
    """

    model = cp_model.CpModel()
    variables = RosterVars(model, instance)
    ctx = RuleContext(model, variables, instance, explain=explain)
    floor = Floor(model, variables, instance)
    standby = SupervisorStandby()
    coverage = IntervalCoverage(floor)
    rules: list[Rule] = [
        *(cls() for cls in CONTRACT_RULES),
        # A strategy's rules (see rostering.roster.strategy) come before the requests,
        # which add no variables or constraints of their own.
        *extra_rules,
        ShiftRequests(),
        *(cls() for cls in PATTERN_RULES),
        *(cls() for cls in HOLIDAY_RULES),
        Meals(floor),
        Breaks(floor),
        coverage,
        CoverageFloor(coverage),
        DeferredWork(coverage),
        ChannelPresence(floor),
        SecondaryChannels(coverage),
        standby,
        ManagementRatio(standby),
        FloorSupport(floor),
        LabourCost(standby),
        Fairness(standby),
        BaselineStability(standby),
    ]
    terms: list[SoftTerm] = []
    for rule in in_dependency_order(rules):
        if rule.applies(instance):
            terms += rule.build(ctx)
    _set_objective(model, terms)
    return BuiltModel(instance, model, variables, ctx, floor, coverage, standby, rules, terms)


def in_dependency_order(rules: Sequence[Rule]) -> list[Rule]:
    """``rules`` with every rule after the rules it builds on (:meth:`Rule.requires`).

    The order given is kept where it already holds, so the model is built the
    same way each time. A rule that builds on a rule not in the list is an error.
    """
    listed = {id(rule) for rule in rules}
    done: set[int] = set()
    out: list[Rule] = []

    def place(rule: Rule, path: tuple[int, ...]) -> None:
        if id(rule) in done:
            return
        if id(rule) in path:
            raise ValueError(f"rule {rule.name!r} depends on itself")
        for needed in rule.requires():
            if id(needed) not in listed:
                raise ValueError(f"rule {rule.name!r} needs rule {needed.name!r}, not in the model")
            place(needed, (*path, id(rule)))
        done.add(id(rule))
        out.append(rule)

    for rule in rules:
        place(rule, ())
    return out


def _set_objective(model: cp_model.CpModel, terms: list[SoftTerm]) -> None:
    exprs: list[cp_model.LinearExprT] = []
    coefs: list[int] = []
    offset = 0
    for term in terms:
        coef = int_weight(term.weight)
        if coef == 0:
            continue
        if isinstance(term.expr, int):
            offset += coef * term.expr
        else:
            exprs.append(term.expr)
            coefs.append(coef)
    model.minimize(cp_model.LinearExpr.weighted_sum(exprs, coefs) + offset)


__all__ = [
    "BuiltModel",
    "build_model",
    "in_dependency_order",
]
