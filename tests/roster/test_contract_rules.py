"""Contract rules: a feasible and an infeasible micro-roster per rule family.

Each test builds the real model (:func:`build_model`) for a tiny instance,
forces a few cells (agent works shift S on day d, or is off) and checks that
the rule allows or forbids exactly that. Soft rules are checked by their
cost. A property test forces random rosters and checks that the model and
the solver-free validator agree on feasibility and cost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from rostering.domain.shifts import DayType
from rostering.nrp.cover import DayCoverRule, day_cover_violations
from rostering.nrp.instance import DayCover, NrpInstance
from rostering.nrp.rules import nrp_model
from rostering.roster.facts import SCALE, weekends
from rostering.roster.instance import (
    AgentSpec,
    Contract,
    RosterInstance,
    ShiftRequest,
    ShiftType,
    Weights,
)
from rostering.roster.rules.contract import (
    CONTRACT_RULES,
    ConsecutiveDaysOff,
    ConsecutiveWorkingDays,
    DaysOff,
    ForbiddenSuccessions,
    RestBetweenShifts,
    ShiftRequests,
    ShiftTypeLimits,
    WeekendLimit,
    WorkloadLimits,
)
from rostering.roster.solution import Violation
from rostering.roster.validation_contract import check_contract_rules
from rostering.types import AgentId, ShiftId

MONDAY = dt.date(2024, 1, 1)
A = AgentId("a")
B = AgentId("b")
E = ShiftId("E")
L = ShiftId("L")
OFF = None
Forced = Mapping[tuple[AgentId, int], ShiftId | None]


def make(
    *,
    n_days: int = 7,
    contracts: Mapping[AgentId, Contract] | None = None,
    history: Mapping[AgentId, str] | None = None,
    days_off: Mapping[AgentId, list[int]] | None = None,
    cover: list[DayCover] | None = None,
    requests: list[ShiftRequest] | None = None,
    counted: bool = False,
    late_cannot_follow: bool = False,
) -> NrpInstance:
    """Two agents, an early shift (06:00, 8 h) and a late one (16:00, 8 h)."""
    contracts = contracts or {}
    shifts = [
        ShiftType(id=E, start_minute=6 * 60, length_minutes=480, paid_minutes=480),
        ShiftType(
            id=L,
            start_minute=16 * 60,
            length_minutes=480,
            paid_minutes=480,
            cannot_follow=[E] if late_cannot_follow else [],
        ),
    ]
    agents = [
        AgentSpec(
            id=agent,
            shifts=[E, L],
            contract=contracts.get(agent, Contract()),
            # counted: the history is known; else the start edge is exempt
            history=(history or {}).get(agent, "") if counted else "",
            days_off=(days_off or {}).get(agent, []),
        )
        for agent in (A, B)
    ]
    return NrpInstance(
        name="micro",
        start=MONDAY,
        n_days=n_days,
        day_types=[
            DayType.WEEKEND if (MONDAY + dt.timedelta(days=d)).weekday() >= 5 else DayType.WORKDAY
            for d in range(n_days)
        ],
        shifts=shifts,
        agents=agents,
        day_cover=cover or [],
        requests=requests or [],
        weights=Weights(request_unit=1.0, labour_cost=0.0),
    )


def rule_violations(
    instance: RosterInstance, schedule: Mapping[tuple[AgentId, int], ShiftId]
) -> list[Violation]:
    """The contract rules' violations, and the day cover's, as the validator finds them."""
    return check_contract_rules(instance, schedule) + day_cover_violations(instance, schedule)


def solve_forced(
    instance: RosterInstance, forced: Forced
) -> tuple[bool, dict[tuple[AgentId, int], ShiftId], float]:
    """Solve with some cells forced: (feasible, schedule, objective in cost units)."""
    built = nrp_model(instance)
    for (agent, day), shift in forced.items():
        if shift is None:
            built.model.add(built.vars.on_day(agent, day) == 0)
        else:
            var = built.vars.works(agent, day, shift)
            assert var is not None
            built.model.add(var == 1)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10
    solver.parameters.num_workers = 1
    status = solver.solve(built.model)
    assert status != cp_model.UNKNOWN
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False, {}, 0.0
    return True, built.vars.extract(solver), solver.objective_value / SCALE


def hard_rules(
    instance: RosterInstance, schedule: Mapping[tuple[AgentId, int], ShiftId]
) -> set[str]:
    return {v.rule for v in rule_violations(instance, schedule) if v.hard}


FAMILIES = [*CONTRACT_RULES, ShiftRequests, DayCoverRule]


def test_every_rule_family_is_listed_once() -> None:
    assert len(CONTRACT_RULES) == len(set(CONTRACT_RULES)) == 8
    assert ShiftRequests not in CONTRACT_RULES  # built after a strategy's rules
    for cls in FAMILIES:
        assert cls.__doc__ and cls.name


def test_rules_do_not_apply_to_an_instance_without_limits() -> None:
    inst = make()
    assert not any(cls().applies(inst) for cls in FAMILIES)


# --------------------------------------------------------------------------- hard rules


def test_days_off_are_not_worked() -> None:
    inst = make(days_off={A: [2]})
    assert DaysOff().applies(inst)
    assert solve_forced(inst, {(A, 1): E, (A, 3): E})[0]
    assert not solve_forced(inst, {(A, 2): E})[0]
    assert hard_rules(inst, {(A, 2): L}) == {"days off"}


def test_max_shifts_per_type() -> None:
    inst = make(contracts={A: Contract(max_shifts={E: 2, L: 0})})
    assert ShiftTypeLimits().applies(inst)
    assert solve_forced(inst, {(A, 0): E, (A, 3): E})[0]
    assert not solve_forced(inst, {(A, 0): E, (A, 3): E, (A, 5): E})[0]
    assert not solve_forced(inst, {(A, 1): L})[0]
    assert hard_rules(inst, {(A, 1): L}) == {"max shifts per type"}


def test_total_minutes_bounds() -> None:
    inst = make(contracts={A: Contract(min_total_minutes=3 * 480, max_total_minutes=4 * 480)})
    assert WorkloadLimits().applies(inst)
    feasible, schedule, _ = solve_forced(inst, {(A, d): OFF for d in (0, 1, 2, 3)})
    assert feasible
    assert sum(1 for (a, _), _s in schedule.items() if a == A) == 3
    assert not solve_forced(inst, {(A, d): OFF for d in (0, 1, 2, 3, 4)})[0]
    assert not solve_forced(inst, {(A, d): E for d in range(5)})[0]
    assert hard_rules(inst, {(A, 0): E}) == {"workload"}


def test_max_minutes_per_calendar_week() -> None:
    # Thursday start: days 0-3 are one ISO week, 4-10 the next.
    inst = make(n_days=11, contracts={A: Contract(max_minutes_per_week=2 * 480)})
    inst = inst.model_copy(update={"start": dt.date(2024, 1, 4)})
    assert solve_forced(inst, {(A, 2): E, (A, 3): L, (A, 4): E, (A, 5): E})[0]
    assert not solve_forced(inst, {(A, 1): E, (A, 2): E, (A, 3): L})[0]
    assert hard_rules(inst, {(A, 4): E, (A, 6): E, (A, 10): E}) == {"workload"}


def test_max_consecutive_days() -> None:
    inst = make(contracts={A: Contract(max_consecutive_days=3)})
    assert ConsecutiveWorkingDays().applies(inst)
    assert solve_forced(inst, {(A, d): E for d in (0, 1, 2, 4, 5, 6)})[0]
    assert not solve_forced(inst, {(A, d): E for d in (2, 3, 4, 5)})[0]
    assert hard_rules(inst, {(A, d): E for d in (3, 4, 5, 6)}) == {"consecutive working days"}


def test_max_consecutive_days_counts_history() -> None:
    inst = make(contracts={A: Contract(max_consecutive_days=3)}, history={A: "OWW"}, counted=True)
    assert solve_forced(inst, {(A, 0): E, (A, 1): OFF})[0]
    assert not solve_forced(inst, {(A, 0): E, (A, 1): E})[0]
    assert hard_rules(inst, {(A, 0): E, (A, 1): E}) == {"consecutive working days"}


def test_min_consecutive_days_with_exempt_edges() -> None:
    inst = make(contracts={A: Contract(min_consecutive_days=2)})
    # A single day touching either edge is exempt (benchmark rule).
    assert solve_forced(inst, {(A, 0): E, (A, 1): OFF, (A, 5): OFF, (A, 6): E})[0]
    assert not solve_forced(inst, {(A, 2): OFF, (A, 3): E, (A, 4): OFF})[0]
    assert hard_rules(inst, {(A, 3): E}) == {"consecutive working days"}
    assert hard_rules(inst, {(A, 0): E, (A, 6): L}) == set()


def test_min_consecutive_days_counts_history_at_the_start() -> None:
    inst = make(contracts={A: Contract(min_consecutive_days=3)}, history={A: "OOW"}, counted=True)
    # One day worked before the horizon: days 0 and 1 must continue the run.
    assert solve_forced(inst, {(A, 0): E, (A, 1): E, (A, 2): OFF})[0]
    assert not solve_forced(inst, {(A, 0): E, (A, 1): OFF})[0]
    assert not solve_forced(inst, {(A, 0): OFF})[0]
    assert hard_rules(inst, {}) == {"consecutive working days"}
    # The end edge stays exempt.
    assert hard_rules(inst, {(A, 0): E, (A, 1): E, (A, 6): E}) == set()


def test_min_consecutive_days_off() -> None:
    inst = make(contracts={A: Contract(min_consecutive_days_off=2)})
    assert ConsecutiveDaysOff().applies(inst)
    assert solve_forced(inst, {(A, 0): OFF, (A, 1): E, (A, 2): OFF, (A, 3): OFF, (A, 4): E})[0]
    assert not solve_forced(inst, {(A, 1): E, (A, 2): OFF, (A, 3): E})[0]
    everyday = {(A, d): E for d in range(7)}
    del everyday[(A, 3)]
    assert hard_rules(inst, everyday) == {"consecutive days off"}
    del everyday[(A, 6)]
    del everyday[(A, 4)]
    assert hard_rules(inst, everyday) == set()


def test_min_consecutive_days_off_counts_history() -> None:
    inst = make(
        contracts={A: Contract(min_consecutive_days_off=2)}, history={A: "WO"}, counted=True
    )
    assert solve_forced(inst, {(A, 0): OFF, (A, 1): E})[0]
    assert not solve_forced(inst, {(A, 0): E})[0]


def test_max_weekends() -> None:
    inst = make(n_days=14, contracts={A: Contract(max_weekends=1)})
    assert weekends(inst) == [[5, 6], [12, 13]]
    assert WeekendLimit().applies(inst)
    assert solve_forced(inst, {(A, 5): E, (A, 6): L})[0]
    assert not solve_forced(inst, {(A, 6): E, (A, 12): E})[0]
    assert hard_rules(inst, {(A, 5): E, (A, 13): E}) == {"max weekends"}


def test_min_rest_between_shifts() -> None:
    # A late ends at 24:00; an early at 06:00 leaves 6 h of rest, a late 16 h.
    inst = make(contracts={A: Contract(min_rest_minutes=11 * 60)})
    assert RestBetweenShifts().applies(inst)
    assert solve_forced(inst, {(A, 0): E, (A, 1): L, (A, 2): L, (A, 4): E})[0]
    assert not solve_forced(inst, {(A, 1): L, (A, 2): E})[0]
    assert hard_rules(inst, {(A, 4): L, (A, 5): E}) == {"min rest"}


def test_forbidden_succession() -> None:
    inst = make(late_cannot_follow=True)
    assert ForbiddenSuccessions().applies(inst)
    assert solve_forced(inst, {(B, 1): E, (B, 2): L})[0]
    assert not solve_forced(inst, {(B, 1): L, (B, 2): E})[0]
    assert hard_rules(inst, {(B, 1): L, (B, 2): E}) == {"forbidden succession"}


# --------------------------------------------------------------------------- soft rules


def test_day_cover_costs_under_and_over() -> None:
    cover = [
        DayCover(day=0, shift=E, required=2, weight_under=100, weight_over=1),
        DayCover(day=1, shift=L, required=0, weight_under=100, weight_over=7),
    ]
    inst = make(n_days=2, cover=cover)
    assert DayCoverRule().applies(inst)
    feasible, schedule, cost = solve_forced(inst, {})
    assert feasible and cost == 0
    assert schedule == {(A, 0): E, (B, 0): E}
    # Forcing one agent off day 0 and one onto L on day 1: 100 + 7.
    feasible, schedule, cost = solve_forced(inst, {(A, 0): OFF, (B, 1): L})
    assert feasible and cost == 107
    costs = sorted(v.cost for v in rule_violations(inst, schedule))
    assert costs == [7, 100]


def test_shift_requests_cost_their_weight() -> None:
    requests = [
        ShiftRequest(agent=A, day=0, shift=E, want=True, weight=3),
        ShiftRequest(agent=A, day=1, shift=L, want=False, weight=2),
        ShiftRequest(agent=B, day=1, shift=None, want=False, weight=5),
    ]
    inst = make(n_days=2, requests=requests)
    assert ShiftRequests().applies(inst)
    feasible, schedule, cost = solve_forced(inst, {})
    assert feasible and cost == 0 and schedule == {(A, 0): E}
    feasible, schedule, cost = solve_forced(inst, {(A, 0): L, (A, 1): L, (B, 1): E})
    assert feasible and cost == 3 + 2 + 5
    assert sum(v.cost for v in rule_violations(inst, schedule)) == 10


def test_request_unit_scales_request_costs() -> None:
    inst = make(n_days=1, requests=[ShiftRequest(agent=A, day=0, shift=E, want=True, weight=2)])
    inst = inst.model_copy(update={"weights": Weights(request_unit=2.5, labour_cost=0.0)})
    assert [v.cost for v in rule_violations(inst, {})] == [5.0]


# --------------------------------------------------------------------------- model == validator

CELLS = st.sampled_from([None, E, L])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(
    cells=st.lists(CELLS, min_size=20, max_size=20),
    counted=st.booleans(),
    history=st.sampled_from(["", "W", "WW", "O", "WOO", "OWWWW"]),
)
def test_model_and_validator_agree_on_random_rosters(
    cells: list[ShiftId | None], counted: bool, history: str
) -> None:
    contract = Contract(
        max_shifts={E: 6},
        min_total_minutes=2 * 480,
        max_total_minutes=8 * 480,
        max_consecutive_days=4,
        min_consecutive_days=2,
        min_consecutive_days_off=2,
        max_weekends=1,
        max_minutes_per_week=5 * 480,
        min_rest_minutes=11 * 60,
    )
    inst = make(
        n_days=10,
        contracts={A: contract, B: contract},
        history={A: history, B: history},
        days_off={A: [4]},
        counted=counted,
        late_cannot_follow=True,
        cover=[
            DayCover(day=d, shift=E, required=1, weight_under=100, weight_over=1) for d in range(10)
        ],
        requests=[
            ShiftRequest(agent=A, day=2, shift=L, want=True, weight=3),
            ShiftRequest(agent=B, day=3, shift=None, want=False, weight=2),
        ],
    )
    forced: dict[tuple[AgentId, int], ShiftId | None] = {
        (agent, d): cells[i * 10 + d] for i, agent in enumerate((A, B)) for d in range(10)
    }
    schedule = {key: s for key, s in forced.items() if s is not None}
    feasible, solved, cost = solve_forced(inst, forced)
    found = rule_violations(inst, schedule)
    assert feasible == (not any(v.hard for v in found))
    if feasible:
        assert solved == schedule
        assert cost == pytest.approx(sum(v.cost for v in found))


def test_rules_count_only_the_agents_who_may_work_a_shift_type() -> None:
    # Agent a works early shifts only, yet has a limit on lates and cover asks for
    # two lates: only b can be on the late shift, so one is missing whatever the roster.
    cover = [DayCover(day=0, shift=L, required=2, weight_under=100, weight_over=1)]
    base = make(n_days=2, cover=cover, late_cannot_follow=True)
    early_only = base.agents[0].model_copy(
        update={"shifts": [E], "contract": Contract(max_shifts={L: 1, E: 2})}
    )
    inst = base.model_copy(update={"agents": [early_only, base.agents[1]]})
    built = nrp_model(inst)
    assert built.vars.eligible(L) == [B]
    assert built.vars.eligible(E) == [A, B]
    feasible, schedule, cost = solve_forced(inst, {})
    assert feasible and cost == 100
    assert schedule[(B, 0)] == L
    # The forbidden succession still binds b, the one agent who works both types.
    assert not solve_forced(inst, {(B, 0): L, (B, 1): E})[0]
    assert solve_forced(inst, {(A, 0): E, (A, 1): E})[0]
