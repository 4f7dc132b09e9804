"""Leads on the floor (floor support ratio) and the standby rota."""

from __future__ import annotations

from collections import Counter

import pytest

from rostering.domain.agents import Role
from rostering.domain.standby import StandbyRules
from rostering.roster.config import SolverConfig
from rostering.roster.instance import RosterInstance, Weights
from rostering.roster.solution import SolveStatus
from rostering.roster.solver import solve
from rostering.roster.validation import validate

from .factories import INBOUND, agent, needs_between, tiny_instance

FAST = SolverConfig(time_limit_s=20, workers=2)


def site(*, ratio: int | None, leads: int = 3, agents: int = 4) -> RosterInstance:
    people = [agent(f"A{i}", skills=(INBOUND,)) for i in range(agents)]
    people += [agent(f"L{i}", role=Role.SUPERVISOR, skills=(INBOUND,)) for i in range(leads)]
    return tiny_instance(
        n_days=3,
        agents=people,
        needs=needs_between(3, INBOUND, first_minute=9 * 60, last_minute=21 * 60),
        standby=StandbyRules(floor_support_ratio=ratio, management_ratio=20),
        weights=Weights(),
    )


def test_a_lead_is_on_the_floor_whenever_the_site_is_open() -> None:
    inst = site(ratio=20)
    solution = solve(inst, FAST)
    assert solution.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    report = validate(inst, solution)
    assert report.ok, report.hard
    assert report.objective == pytest.approx(solution.objective, abs=1e-6)
    lead_days = {a.day for a in solution.assignments if a.agent.startswith("L")}
    assert lead_days == {0, 1, 2}
    assert not [v for v in solution.violations if v.rule == "floor support"]


def test_without_the_ratio_leads_stay_off_the_floor() -> None:
    # Nothing asks for them, and their shifts cost pay.
    solution = solve(site(ratio=None), FAST)
    assert not [a for a in solution.assignments if a.agent.startswith("L")]


def test_one_supervisor_on_standby_a_day_by_rota() -> None:
    inst = site(ratio=20)
    solution = solve(inst, FAST)
    per_day = Counter(d.date for d in solution.standby if d.kind == "supervisor")
    assert set(per_day.values()) == {1}
    assert len(per_day) == 3
