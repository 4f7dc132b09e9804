"""Regression over the shipped scenarios: sized, compiled, solved and validated."""

from __future__ import annotations

from pathlib import Path

import pytest

from rostering.io import load_scenario
from rostering.pipeline import size_scenario
from rostering.roster.compile import compile_instance
from rostering.roster.config import SolverConfig
from rostering.roster.instance import RosterInstance
from rostering.roster.solution import SolveStatus
from rostering.roster.solver import solve
from rostering.roster.validation import validate

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def instance_of(name: str) -> RosterInstance:
    scenario = load_scenario(SCENARIOS / name)
    return compile_instance(scenario, size_scenario(scenario))


def test_reference_online_is_solved_to_optimality_and_valid() -> None:
    inst = instance_of("reference-online")
    solution = solve(inst, SolverConfig(time_limit_s=20, workers=2))
    assert solution.status is SolveStatus.OPTIMAL
    report = validate(inst, solution)
    assert report.ok, report.hard
    assert report.objective == pytest.approx(solution.objective)
    # Two A agents a day (four alternate, seed 000); B never on a weekend or holiday.
    a_days = sorted(a.day for a in solution.assignments if a.shift == "A")
    assert a_days == sorted(list(range(inst.n_days)) * 2)
    for a in solution.assignments:
        if a.shift == "B":
            assert inst.day_types[a.day].value == "workday"
    # Inbound and chat are one pool carried by the A agents at once: every slot they are
    # open, someone able to take each is on the floor (meals staggered), and the roster
    # shows the pool, not one channel per agent.
    served = {act.activity for act in solution.activities}
    assert "chat+inbound" in served and "inbound" not in served
    assert not [v for v in solution.violations if v.rule == "channel presence"]


@pytest.mark.slow
def test_regional_site_gives_a_valid_roster() -> None:
    inst = instance_of("regional-site")
    solution = solve(inst, SolverConfig(time_limit_s=60, workers=2))
    assert solution.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    report = validate(inst, solution)
    assert report.ok, report.hard
    assert report.objective == pytest.approx(solution.objective)


def test_a_scenario_pattern_states_every_contract_limit() -> None:
    """Run minimums, weekend and per-shift caps and a minimum of hours reach the engine."""
    scenario = load_scenario(SCENARIOS / "reference-online")
    limits = {
        "min_hours_per_period": 8.0,
        "min_consecutive_days": 2,
        "min_consecutive_days_off": 2,
        "max_weekends": 1,
        "max_shifts": {"B": 9},
    }
    patterns = [p.model_copy(update=limits) if p.id == "five-two" else p for p in scenario.patterns]
    scenario = scenario.model_copy(update={"patterns": patterns})
    requirements = size_scenario(scenario)
    inst = compile_instance(scenario, requirements)
    b_agents = [a for a in inst.agents if "B" in a.shifts and a.pattern.value == "five_on_two_off"]
    assert b_agents
    for agent in b_agents:
        c = agent.contract
        assert (c.min_total_minutes, c.min_consecutive_days, c.min_consecutive_days_off) == (
            480,
            2,
            2,
        )
        assert c.max_weekends == 1 and c.max_shifts == {"B": 9}
    solution = solve(inst, SolverConfig(time_limit_s=20, workers=2))
    assert solution.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    report = validate(inst, solution)
    assert report.ok, report.hard
    for agent in b_agents:
        worked = [a for a in solution.assignments if a.agent == agent.id and a.shift == "B"]
        assert len(worked) <= 9


def test_a_pattern_capping_an_unknown_shift_is_refused() -> None:
    scenario = load_scenario(SCENARIOS / "reference-online")
    data = scenario.model_dump()
    for p in data["patterns"]:
        if p["id"] == "five-two":
            p["max_shifts"] = {"Z": 3}
    with pytest.raises(ValueError, match="max_shifts names unknown shift 'Z'"):
        type(scenario).model_validate(data)
