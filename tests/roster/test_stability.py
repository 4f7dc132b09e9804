"""The baseline rule: a what-if keeps the baseline roster unless a change is worth its cost."""

from __future__ import annotations

import pytest

from rostering.domain.agents import Role
from rostering.domain.standby import StandbyRules
from rostering.roster.config import SolverConfig
from rostering.roster.instance import Baseline, Contract, RosterInstance, Weights
from rostering.roster.planning import plan_backups
from rostering.roster.rules.stability import (
    BASELINE_CHANGE,
    baseline_changes,
    baseline_check,
    baseline_days,
)
from rostering.roster.solution import RosterSolution, SolveStatus
from rostering.roster.solver import baseline_hint, solve
from rostering.roster.validation import validate
from rostering.types import AgentId, ShiftId

from .factories import INBOUND, agent, needs_between, tiny_instance

FAST = SolverConfig(time_limit_s=10, workers=2)
A = ShiftId("A")


def rebuilt(instance: RosterInstance, **update: object) -> RosterInstance:
    """``instance`` with fields replaced, validated again (lookups by id rebuilt)."""
    return RosterInstance.model_validate({**instance.model_dump(), **update})


def surge_instance(
    baseline: list[ShiftId | None] | None, *, weight: float = 50.0, cap: int | None = None
) -> RosterInstance:
    """One flexible agent over three days; inbound is needed on day 1 only.

    Shortfall is 30 an agent-hour (12 hours on shift A: 360 a day, more with
    the coverage floor), a shift costs about 200: from scratch the agent works
    day 1 alone.
    """
    weights = Weights(shortfall_per_agent_slot=30.0, change_per_assignment=weight, max_changes=cap)
    instance = tiny_instance(
        n_days=3,
        needs=needs_between(3, INBOUND, first_minute=9 * 60, last_minute=21 * 60, days=[1]),
        weights=weights,
    )
    if baseline is None:
        return instance
    return rebuilt(instance, baseline={"source": "test", "shifts": {"A1": baseline}})


def run(instance: RosterInstance) -> RosterSolution:
    """Solve; check the roster with the validator, baseline rule included."""
    solution = solve(instance, FAST)
    assert solution.status is SolveStatus.OPTIMAL
    report = validate(instance, solution, checks=[baseline_check(solution.standby)])
    assert report.ok, report.hard
    assert report.objective == pytest.approx(solution.objective, abs=1e-6)
    return solution


def days_worked(solution: RosterSolution) -> list[int]:
    return sorted(a.day for a in solution.assignments)


def test_without_a_baseline_the_roster_follows_demand() -> None:
    assert days_worked(run(surge_instance(None))) == [1]


def test_a_heavy_change_weight_keeps_the_baseline() -> None:
    # A change costs more than the whole roster could save.
    solution = run(surge_instance([A, None, A], weight=100_000.0))
    assert days_worked(solution) == [0, 2]
    assert not [v for v in solution.violations if v.rule == BASELINE_CHANGE]


def test_a_change_worth_its_cost_is_made_and_reported() -> None:
    # Working day 1 saves 360 of shortfall; each of the three changes costs 50.
    solution = run(surge_instance([A, None, A], weight=50.0))
    assert days_worked(solution) == [1]
    changed = [v for v in solution.violations if v.rule == BASELINE_CHANGE]
    assert len(changed) == 3 and {v.cost for v in changed} == {50.0}
    assert "A1 Tue 2024-09-24: was off" in {v.where for v in changed}


def changes(instance: RosterInstance, solution: RosterSolution) -> int:
    schedule = {(a.agent, a.day): a.shift for a in solution.assignments}
    return len(baseline_changes(instance, schedule, solution.standby))


def test_the_cap_holds_even_when_changes_are_free() -> None:
    free = surge_instance([A, None, A], weight=0.0)
    assert changes(free, run(free)) == 3  # free changes: the roster of scratch
    capped = surge_instance([A, None, A], weight=0.0, cap=1)
    assert changes(capped, run(capped)) == 1  # keeping the baseline is worse still


def test_the_validator_reports_a_roster_over_the_cap() -> None:
    instance = surge_instance([A, None, A], weight=0.0, cap=1)
    found = run(surge_instance(None))  # works day 1 only: three changes
    report = validate(instance, found, checks=[baseline_check(found.standby)])
    assert [(v.rule, v.amount) for v in report.hard] == [(BASELINE_CHANGE, 2)]


def test_a_cap_the_rules_cannot_meet_is_named() -> None:
    # The agent may not work two days running, and the baseline does: one change at least.
    instance = surge_instance([A, A, None], weight=0.0, cap=0)
    spec = instance.agents[0].model_copy(update={"contract": Contract(max_consecutive_days=1)})
    solution = solve(rebuilt(instance, agents=[spec.model_dump()]), FAST)
    assert solution.status is SolveStatus.INFEASIBLE
    assert any("at most 0 agent-days changed from the baseline" in c for c in solution.conflicts)


def test_days_the_scenario_fixes_are_not_changes() -> None:
    instance = surge_instance([A, None, A], weight=0.0, cap=0)
    spec = instance.agents[0].model_copy(update={"days_off": [0]})  # leave on day 0
    instance = rebuilt(instance, agents=[spec.model_dump()])
    assert [b.day for b in baseline_days(instance)] == [1, 2]
    solution = run(instance)
    assert days_worked(solution) == [2]
    assert baseline_hint(instance) == {(AgentId("A1"), 2): A}


def test_a_supervisors_standby_days_are_kept() -> None:
    sups = [agent(s, role=Role.SUPERVISOR, shifts=(), skills=()) for s in ("S1", "S2")]
    base = tiny_instance(
        n_days=4,
        agents=sups,
        standby=StandbyRules(),
        weights=Weights(fairness_per_day=5.0, change_per_assignment=50.0),
    )
    # Fairness alone would share the four days two and two; the baseline gave S1 three.
    baseline = Baseline(
        source="test",
        shifts={AgentId("S1"): [None] * 4, AgentId("S2"): [None] * 4},
        standby={AgentId("S1"): [0, 1, 2], AgentId("S2"): [3]},
    )
    kept = run(rebuilt(base, baseline=baseline.model_dump()))
    on_call = sorted((d.agent, d.date.day) for d in kept.standby if d.kind == "supervisor")
    assert on_call == [("S1", 23), ("S1", 24), ("S1", 25), ("S2", 26)]
    fresh = run(base)
    assert sum(1 for d in fresh.standby if d.agent == "S1") == 2


def test_a_baseline_must_fit_the_instance() -> None:
    with pytest.raises(ValueError, match="has 2 days for 3"):
        surge_instance([A, None])
    with pytest.raises(ValueError, match="unknown shift 'Z'"):
        surge_instance([A, None, ShiftId("Z")])


def test_a_backups_on_call_days_are_kept() -> None:
    people = [agent(f"A{i}", fixed=dict.fromkeys(range(4), A)) for i in range(3)]
    backups = [agent(k, role=Role.BACKUP) for k in ("K1", "K2")]
    base = tiny_instance(
        n_days=4,
        agents=[*people, *backups],
        standby=StandbyRules(supervisor_standby_24x7=False, min_backups=1),
    )
    turns = plan_backups(base, {(a.id, d): A for a in people for d in range(4)})[0]
    # In turn, K1 and K2 alternate; a baseline that had K2 on call every day keeps it.
    assert [d.agent for d in turns] == ["K1", "K2", "K1", "K2"]
    baseline = Baseline(
        source="test",
        shifts={a.id: [A] * 4 for a in people},
        on_call={AgentId("K2"): [0, 1, 2, 3]},
    )
    kept = rebuilt(base, baseline=baseline.model_dump())
    duties = plan_backups(kept, {(a.id, d): A for a in people for d in range(4)})[0]
    assert [d.agent for d in duties] == ["K2", "K2", "K2", "K2"]
