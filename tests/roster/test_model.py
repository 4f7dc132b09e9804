"""The engine end to end on the reference project, solver settings, progress and hints."""

from __future__ import annotations

import time

import pytest
from ortools.sat.python import cp_model

import rostering.roster as roster
from rostering.domain.shifts import DayType
from rostering.roster.config import Progress, SolverConfig
from rostering.roster.model import build_model, in_dependency_order
from rostering.roster.rules.coverage import IntervalCoverage
from rostering.roster.rules.coverage_floor import CoverageFloor
from rostering.roster.rules.deferred import DeferredWork
from rostering.roster.rules.floor import Floor
from rostering.roster.solution import SolveStatus
from rostering.roster.solver import solve
from rostering.roster.validation import validate
from rostering.types import AgentId, ShiftId

from .factories import OUTBOUND, reference_instance


def test_solver_config_is_copied_onto_parameters() -> None:
    config = SolverConfig(
        time_limit_s=7.5, workers=3, relative_gap=0.02, seed=11, log=True, subsolvers=["max_lp"]
    )
    solver = cp_model.CpSolver()
    config.apply(solver)
    p = solver.parameters
    assert p.max_time_in_seconds == 7.5
    assert p.num_workers == 3
    assert p.relative_gap_limit == pytest.approx(0.02)
    assert p.random_seed == 11
    assert p.log_search_progress is True
    assert list(p.subsolvers) == ["max_lp"]


def test_public_surface_is_sorted() -> None:
    assert roster.__all__ == sorted(roster.__all__)
    for name in roster.__all__:
        assert hasattr(roster, name)


def test_reference_project_solves_to_optimality_fast() -> None:
    inst = reference_instance(holidays=[2], history={"A1": "W", "A2": "O"})
    started = time.perf_counter()
    solution = solve(inst, SolverConfig(time_limit_s=10))
    assert time.perf_counter() - started < 2.0
    assert solution.status is SolveStatus.OPTIMAL
    assert solution.gap == 0
    report = validate(inst, solution)
    assert report.ok, report.hard
    assert report.objective == pytest.approx(solution.objective)
    assert report.labour_cost == pytest.approx(solution.labour_cost)
    a_days = {a.day: a.agent for a in solution.assignments if a.shift == "A"}
    # The two A agents alternate: exactly one works each day, A2 first (A1 worked yesterday).
    assert a_days == {d: "A2" if d % 2 == 0 else "A1" for d in range(7)}
    b_days = sorted(a.day for a in solution.assignments if a.agent == "B1")
    assert b_days == [0, 1, 3, 4]  # weekend off, public holiday (day 2) off
    shift_of = {(a.agent, a.day): a.shift for a in solution.assignments}
    for act in solution.activities:
        if act.activity == OUTBOUND and inst.day_types[act.slot // 24] is not DayType.WORKDAY:
            assert shift_of[(act.agent, act.slot // 24)] == "A"
    for a in solution.assignments:
        assert a.start.tzinfo is not None and a.meal_start is not None
        assert a.start.hour == 9
    sup = [d for d in solution.standby if d.kind == "supervisor"]
    assert [d.agent for d in sup] == ["S1"] * 7
    holiday = next(c for c in solution.costs if c.agent == "A2")
    # 3 x the rate for 11 paid hours of shift A's 12 (meal excluded), less the daily rate.
    assert holiday.holiday_premium == pytest.approx((3 * 11 / 12 - 1) * inst.agent("A2").daily_rate)


def test_progress_callback_reports_objective_and_bound() -> None:
    seen: list[Progress] = []
    solution = solve(reference_instance(), SolverConfig(time_limit_s=10), progress=seen.append)
    assert seen
    # Reports come with each better roster and each better bound.
    counts = [p.solutions for p in seen]
    assert counts == sorted(counts) and counts[0] == 1
    objectives = [p.objective for p in seen]
    assert objectives == sorted(objectives, reverse=True)
    bounds = [p.bound for p in seen]
    assert bounds == sorted(bounds)
    assert all(p.bound <= p.objective + 1e-6 for p in seen)
    assert seen[-1].bound == pytest.approx(seen[-1].objective)  # proven optimal
    assert seen[-1].objective >= (solution.objective or 0) - 1e-6


def test_hint_is_accepted_and_result_is_the_same_optimum() -> None:
    inst = reference_instance()
    first = solve(inst, SolverConfig(time_limit_s=10))
    hint = {(AgentId(a.agent), a.day): ShiftId(a.shift) for a in first.assignments}
    second = solve(inst, SolverConfig(time_limit_s=10), hint=hint)
    assert second.objective == pytest.approx(first.objective)


def test_build_model_guards_hard_rules_only_when_explaining() -> None:
    inst = reference_instance()
    assert build_model(inst).assumptions == []
    guarded = build_model(inst, explain=True).assumptions
    assert any("one-on-one-off" in a.description for a in guarded)
    assert any("five-two" in a.description for a in guarded)


def test_time_limit_returns_best_roster_so_far() -> None:
    inst = reference_instance(n_days=28)
    solution = solve(inst, SolverConfig(time_limit_s=0.05, workers=1))
    assert solution.status in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL)
    assert solution.assignments
    assert validate(inst, solution).ok


def test_rules_are_built_after_the_rules_they_build_on() -> None:
    inst = reference_instance()
    built = build_model(inst)
    cover = IntervalCoverage(built.floor)
    floor, deferred = CoverageFloor(cover), DeferredWork(cover)
    # listed first, the dependants still come after the rule they build on
    assert in_dependency_order([floor, deferred, cover]) == [cover, floor, deferred]
    # an order that already holds is kept
    assert in_dependency_order([cover, deferred, floor]) == [cover, deferred, floor]
    with pytest.raises(ValueError, match="needs rule 'coverage'"):
        in_dependency_order([floor])
    assert isinstance(built.floor, Floor)
