"""The stretch form of the run limits allows exactly the rosters the clause form allows.

Every sequence of days worked and off of a short horizon is enumerated
under each form, for random run limits and histories; the two sets must be
equal. The stretch form is redundant, so any difference would either cut
off a legal roster or fail to tighten anything it claims to.
"""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from rostering.domain.shifts import DayType
from rostering.nrp.rules import nrp_rules
from rostering.nrp.stretches import (
    STRETCH_MAX_WORKS,
    RunLimits,
    WorkStretches,
    stretch_arcs,
)
from rostering.roster.instance import AgentSpec, Contract, RosterInstance, ShiftType, Weights
from rostering.roster.model import build_model
from rostering.roster.rules.base import Rule, RuleContext
from rostering.roster.rules.contract import ConsecutiveDaysOff, ConsecutiveWorkingDays
from rostering.roster.variables import RosterVars
from rostering.types import AgentId, ShiftId

A = AgentId("a")
D = ShiftId("D")


def one_agent(
    n_days: int, contract: Contract, *, history: str = "", counted: bool = False, agents: int = 1
) -> RosterInstance:
    return RosterInstance(
        name="runs",
        start=dt.date(2024, 1, 1),
        n_days=n_days,
        day_types=[DayType.WORKDAY] * n_days,
        shifts=[ShiftType(id=D, start_minute=540, length_minutes=480, paid_minutes=480)],
        agents=[
            AgentSpec(
                id=AgentId(f"a{i}" if i else "a"),
                shifts=[D],
                contract=contract,
                history=history if counted else "",  # no history: the start edge is exempt
            )
            for i in range(agents)
        ],
        weights=Weights(request_unit=1.0, labour_cost=0.0),
    )


def allowed(instance: RosterInstance, rules: list[Rule]) -> set[tuple[int, ...]]:
    """Every worked/off sequence of agent ``a`` the rules allow."""
    model = cp_model.CpModel()
    variables = RosterVars(model, instance)
    ctx = RuleContext(model, variables, instance)
    for rule in rules:
        if rule.applies(instance):
            rule.build(ctx)
    on = [variables.on_day(A, d) for d in range(instance.n_days)]
    seen: set[tuple[int, ...]] = set()

    class Collect(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            seen.add(tuple(self.value(x) for x in on))

    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.num_workers = 1
    status = solver.solve(model, Collect())
    assert status in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
    return seen


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    n_days=st.integers(1, 9),
    min_work=st.integers(1, 4),
    max_work=st.one_of(st.none(), st.integers(1, 5)),
    min_off=st.integers(1, 4),
    counted=st.booleans(),
    history=st.sampled_from(["", "W", "WW", "O", "OO", "WOO", "OWWWW", "WWO"]),
)
def test_stretches_allow_exactly_the_rosters_the_run_rules_allow(
    n_days: int,
    min_work: int,
    max_work: int | None,
    min_off: int,
    counted: bool,
    history: str,
) -> None:
    contract = Contract(
        min_consecutive_days=min_work,
        max_consecutive_days=max_work,
        min_consecutive_days_off=min_off,
    )
    inst = one_agent(n_days, contract, history=history, counted=counted)
    by_clauses = allowed(inst, [ConsecutiveWorkingDays(), ConsecutiveDaysOff()])
    if min_work == 1 and min_off == 1:
        assert not WorkStretches().applies(inst)
        return
    by_stretches = allowed(inst, [WorkStretches()])
    assert by_stretches == by_clauses
    # Together they allow the same again (the model carries both).
    both = allowed(inst, [ConsecutiveWorkingDays(), ConsecutiveDaysOff(), WorkStretches()])
    assert both == by_clauses


def test_a_roster_is_one_path_of_stretches() -> None:
    # Two to three days on, at least two off, a week with no history:
    # on-on-off-off-off-on-on is work(0,2) off(2,2) off(4,1) work(5,2).
    limits = RunLimits(min_work=2, max_work=3, min_off=2, work_before=None, off_before=None)
    arcs = {(a.first, a.length, a.worked): a for a in stretch_arcs(limits, 7)}
    path = [arcs[(0, 2, True)], arcs[(2, 2, False)], arcs[(4, 1, False)], arcs[(5, 2, True)]]
    assert path[0].tail == (0, "S")
    assert all(a.head == b.tail for a, b in itertools.pairwise(path))
    assert path[-1].head == (7, "T")
    # Nothing longer than three days on, nothing shorter than two off mid-horizon.
    assert max(length for _, length, worked in arcs if worked) == 3
    assert (3, 1, False) not in arcs or arcs[(3, 1, False)].tail == (3, "O")


def test_stretches_are_left_out_of_large_models_and_explanations() -> None:
    runs = Contract(min_consecutive_days=2, max_consecutive_days=5, min_consecutive_days_off=2)
    small = one_agent(28, runs)
    assert WorkStretches().applies(small)
    large = one_agent(28, runs, agents=STRETCH_MAX_WORKS // 28 + 1)
    assert not WorkStretches().applies(large)
    assert not WorkStretches().applies(one_agent(28, Contract(max_consecutive_days=5)))

    plain = build_model(small, extra_rules=nrp_rules(small, redundant=True))
    explained = build_model(small, explain=True, extra_rules=nrp_rules(small, redundant=True))
    stretch_vars = [v for v in plain.model.proto.variables if v.name.startswith("stretch(")]
    assert stretch_vars
    assert not any(v.name.startswith("stretch(") for v in explained.model.proto.variables)
