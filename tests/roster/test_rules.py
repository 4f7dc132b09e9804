"""A feasible and an infeasible micro-test for each rule family of the engine."""

from __future__ import annotations

import pytest

from rostering.domain.agents import Role
from rostering.domain.patterns import PatternKind
from rostering.domain.shifts import DayType
from rostering.domain.standby import StandbyRules
from rostering.roster.config import SolverConfig
from rostering.roster.cover import floor_gap, staffable
from rostering.roster.duties import backups_needed
from rostering.roster.facts import can_work, coverage_agents, serves, shift_slots
from rostering.roster.instance import ChannelSpec, RosterInstance, ShiftType, Weights
from rostering.roster.solution import RosterSolution, SolveStatus
from rostering.roster.solver import solve
from rostering.roster.validation import validate
from rostering.types import ShiftId

from .factories import (
    CHAT,
    INBOUND,
    OUTBOUND,
    PAY,
    agent,
    needs_between,
    reference_instance,
    shift_a,
    shift_b,
    tiny_instance,
)

FAST = SolverConfig(time_limit_s=10, workers=2)
NO_COST = Weights(labour_cost=0.0)


def run(instance: RosterInstance) -> RosterSolution:
    """Solve, and when a roster comes back check it with the validator."""
    solution = solve(instance, FAST)
    if solution.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        report = validate(instance, solution)
        assert report.ok, report.hard
        assert report.objective == pytest.approx(solution.objective, abs=1e-6)
    return solution


def worked(solution: RosterSolution, agent_id: str) -> list[int]:
    return sorted(a.day for a in solution.assignments if a.agent == agent_id)


def conflicts_text(solution: RosterSolution) -> str:
    assert solution.status is SolveStatus.INFEASIBLE
    assert solution.conflicts
    return " | ".join(solution.conflicts)


# --------------------------------------------------------------------------- one-on-one-off


def test_one_on_one_off_continues_history() -> None:
    inst = tiny_instance(
        n_days=6,
        agents=[agent("A1", pattern=PatternKind.ONE_ON_ONE_OFF, history="OW")],
        needs=needs_between(6, INBOUND, first_minute=9 * 60, last_minute=21 * 60),
    )
    solution = run(inst)
    # Worked the day before the start: day 0 is off, then every other day.
    assert worked(solution, "A1") == [1, 3, 5]


def test_one_on_one_off_leave_keeps_the_rotation() -> None:
    inst = tiny_instance(
        n_days=6,
        agents=[agent("A1", pattern=PatternKind.ONE_ON_ONE_OFF, history="W", days_off=[3])],
        needs=needs_between(6, INBOUND, first_minute=9 * 60, last_minute=21 * 60),
    )
    assert worked(run(inst), "A1") == [1, 5]


def test_one_on_one_off_conflicts_with_fixed_day() -> None:
    inst = tiny_instance(
        n_days=4,
        agents=[
            agent("A1", pattern=PatternKind.ONE_ON_ONE_OFF, history="W", fixed={0: ShiftId("A")})
        ],
    )
    text = conflicts_text(run(inst))
    assert "one-on-one-off" in text
    assert "shift A fixed" in text


# --------------------------------------------------------------------------- five-two


def five_two(**extra: object) -> RosterInstance:
    return tiny_instance(
        n_days=7,
        agents=[agent("B1", pattern=PatternKind.FIVE_ON_TWO_OFF, shifts=("B",), **extra)],
        shifts=[shift_a(), shift_b()],
        weights=NO_COST,
    )


def test_five_two_works_exactly_five_days_weekend_off() -> None:
    solution = run(five_two(days_off_allowed=[5, 6]))
    assert worked(solution, "B1") == [0, 1, 2, 3, 4]


def test_five_two_holiday_on_a_weekday_counts_as_worked() -> None:
    inst = tiny_instance(
        n_days=7,
        holidays=[2],
        agents=[
            agent(
                "B1",
                pattern=PatternKind.FIVE_ON_TWO_OFF,
                shifts=("B",),
                days_off_allowed=[5, 6],
                off_on_holidays=True,
            )
        ],
        shifts=[shift_a(), shift_b()],
        weights=NO_COST,
    )
    assert worked(run(inst), "B1") == [0, 1, 3, 4]


def test_five_two_three_days_of_leave_leave_two_days_to_work() -> None:
    # Leave counts as worked days of the week: 5 - 3 = 2 days to work, weekend off.
    solution = run(five_two(days_off=[1, 2, 3], leave=[1, 2, 3], days_off_allowed=[5, 6]))
    assert worked(solution, "B1") == [0, 4]


def test_five_two_three_days_of_leave_any_days_off() -> None:
    solution = run(five_two(days_off=[1, 2, 3], leave=[1, 2, 3]))
    assert len(worked(solution, "B1")) == 2
    assert not set(worked(solution, "B1")) & {1, 2, 3}


def test_five_two_a_whole_week_of_leave_works_nothing() -> None:
    days = list(range(7))
    assert worked(run(five_two(days_off=days, leave=days)), "B1") == []


def test_five_two_unavailable_days_are_rest_days() -> None:
    # Three days unavailable (not leave): the agent works the days it can, Monday
    # and Friday (shift B does not run at weekends); nothing is infeasible.
    solution = run(five_two(days_off=[1, 2, 3]))
    assert worked(solution, "B1") == [0, 4]


def test_every_conflicting_agent_is_named() -> None:
    people = [
        agent(f"A{i}", pattern=PatternKind.ONE_ON_ONE_OFF, history="W", fixed={0: ShiftId("A")})
        for i in (1, 2, 3)
    ]
    text = conflicts_text(run(tiny_instance(n_days=4, agents=people)))
    for name in ("A1", "A2", "A3"):
        assert f"agent {name}: one-on-one-off" in text
        assert f"agent {name}: shift A fixed" in text


# --------------------------------------------------------------------------- fixed days


def test_fixed_shift_is_worked() -> None:
    inst = tiny_instance(
        n_days=3, agents=[agent("A1", fixed={1: ShiftId("A"), 2: None})], weights=Weights()
    )
    assert worked(run(inst), "A1") == [1]


def test_fixed_shift_not_eligible_is_a_conflict() -> None:
    inst = tiny_instance(
        n_days=2, agents=[agent("A1", fixed={1: ShiftId("B")})], shifts=[shift_a(), shift_b()]
    )
    assert "shift B fixed" in conflicts_text(run(inst))


# --------------------------------------------------------------------------- holidays


def test_agent_off_on_holidays_is_off() -> None:
    inst = tiny_instance(
        n_days=3,
        holidays=[1],
        agents=[agent("A1", off_on_holidays=True)],
        needs=needs_between(3, INBOUND, first_minute=9 * 60, last_minute=21 * 60),
    )
    assert worked(run(inst), "A1") == [0, 2]


def test_fixed_work_on_holiday_conflicts_with_holiday_off() -> None:
    inst = tiny_instance(
        n_days=3,
        holidays=[1],
        agents=[agent("A1", off_on_holidays=True, fixed={1: ShiftId("A")})],
    )
    assert "off on public holidays" in conflicts_text(run(inst))


def test_shift_without_channels_on_weekend_is_not_worked() -> None:
    inst = tiny_instance(
        n_days=7,
        agents=[agent("B1", shifts=("B",), skills=(OUTBOUND,))],
        shifts=[shift_a(), shift_b()],
        needs=needs_between(7, OUTBOUND, first_minute=9 * 60, last_minute=18 * 60),
    )
    assert worked(run(inst), "B1") == [0, 1, 2, 3, 4]


def test_fixed_shift_on_closed_day_type_conflicts() -> None:
    inst = tiny_instance(
        n_days=7,
        agents=[agent("B1", shifts=("B",), fixed={5: ShiftId("B")})],
        shifts=[shift_a(), shift_b()],
    )
    assert "carries no channel on a weekend" in conflicts_text(run(inst))


# --------------------------------------------------------------------------- meals


def test_meals_are_staggered_to_keep_the_floor_covered() -> None:
    inst = tiny_instance(
        n_days=1,
        agents=[agent("A1"), agent("A2")],
        needs=needs_between(1, INBOUND, first_minute=9 * 60, last_minute=21 * 60),
        weights=NO_COST,
    )
    solution = run(inst)
    starts = sorted(a.meal_start.hour for a in solution.assignments if a.meal_start)
    assert len(starts) == 2
    assert starts[0] != starts[1]
    # Both work; at every slot one is on the floor: no shortfall at all.
    assert not [v for v in solution.violations if v.rule == "coverage shortfall"]


def test_meal_moved_outside_its_window_is_caught() -> None:
    inst = tiny_instance(n_days=1, agents=[agent("A1", fixed={0: ShiftId("A")})])
    solution = run(inst)
    moved = solution.model_copy(deep=True)
    first = moved.assignments[0]
    assert first.meal_start is not None
    first.meal_start = first.meal_start.replace(hour=18)
    report = validate(inst, moved)
    assert not report.ok
    assert any(v.rule == "meals" for v in report.hard)


# --------------------------------------------------------------------------- coverage


def test_multi_skill_split_serves_both_channels() -> None:
    inst = tiny_instance(
        n_days=1,
        agents=[
            agent("A1", skills=(INBOUND,), fixed={0: ShiftId("A")}),
            agent("A2", skills=(INBOUND, CHAT), fixed={0: ShiftId("A")}),
        ],
        shifts=[shift_a().model_copy(update={"meal_minutes": 0})],
        needs=[
            *needs_between(1, INBOUND, first_minute=9 * 60, last_minute=21 * 60),
            *needs_between(1, CHAT, first_minute=9 * 60, last_minute=21 * 60),
        ],
        weights=NO_COST,
    )
    solution = run(inst)
    assert solution.objective == 0
    chat = {a.agent for a in solution.activities if a.activity == CHAT}
    assert chat == {"A2"}


def test_coverage_shortfall_is_priced_by_priority() -> None:
    inst = tiny_instance(
        n_days=1,
        agents=[agent("A1", skills=(INBOUND,), fixed={0: ShiftId("A")})],
        channels=[
            ChannelSpec(id=INBOUND, kind="inbound"),
            ChannelSpec(id=CHAT, kind="chat", priority=3.0),
        ],
        shifts=[shift_a().model_copy(update={"meal_minutes": 0})],
        needs=needs_between(1, CHAT, first_minute=10 * 60, last_minute=12 * 60),
        weights=Weights(labour_cost=0.0, shortfall_per_agent_slot=10, surplus_per_agent_slot=1),
    )
    solution = run(inst)
    short = [v for v in solution.violations if v.rule == "coverage shortfall"]
    surplus = [v for v in solution.violations if v.rule == "coverage surplus"]
    assert [v.cost for v in short] == [30.0, 30.0]
    assert len(surplus) == 12  # the inbound-only agent idles all twelve hours
    # Idle where nothing is required: the surplus weight, again beyond the service
    # margin, and twice more beyond a quarter of the requirement: 4 per hour.
    idle = [v for v in solution.violations if v.rule.startswith("surplus")]
    assert sum(v.cost for v in idle) == pytest.approx(12 * 3)
    assert solution.objective == pytest.approx(60 + 12 * 4)


def shared_agent_instance(*, floor_per_point: float) -> RosterInstance:
    """One agent, twelve hours, inbound (priority 3) and chat (priority 2) both short."""
    return tiny_instance(
        n_days=1,
        agents=[agent("A1", skills=(INBOUND, CHAT), fixed={0: ShiftId("A")})],
        channels=[
            ChannelSpec(id=INBOUND, kind="inbound", priority=3.0),
            ChannelSpec(id=CHAT, kind="chat", priority=2.0),
        ],
        shifts=[shift_a().model_copy(update={"meal_minutes": 0})],
        needs=[
            *needs_between(1, INBOUND, first_minute=9 * 60, last_minute=21 * 60),
            *needs_between(1, CHAT, first_minute=9 * 60, last_minute=21 * 60),
        ],
        weights=Weights(
            labour_cost=0.0,
            shortfall_per_agent_slot=10,
            surplus_per_agent_slot=1,
            coverage_floor_per_point=floor_per_point,
        ),
    )


def hours_on(solution: RosterSolution, channel: str) -> int:
    return sum(1 for a in solution.activities if a.activity == channel)


def test_one_agent_is_shared_between_two_channels() -> None:
    solution = run(shared_agent_instance(floor_per_point=30))
    # Six hours each: both channels reach the 50 % floor; shortfall 6 x 30 + 6 x 20.
    assert (hours_on(solution, INBOUND), hours_on(solution, CHAT)) == (6, 6)
    assert solution.objective == pytest.approx(300)
    assert not [v for v in solution.violations if v.rule == "coverage floor"]


def test_without_the_floor_the_higher_priority_channel_takes_the_agent() -> None:
    solution = run(shared_agent_instance(floor_per_point=0))
    assert (hours_on(solution, INBOUND), hours_on(solution, CHAT)) == (12, 0)
    assert solution.objective == pytest.approx(12 * 20)


def test_validator_prices_a_channel_left_empty() -> None:
    inst = shared_agent_instance(floor_per_point=30)
    tampered = run(inst).model_copy(deep=True)
    for act in tampered.activities:
        if act.activity == CHAT:
            act.activity = INBOUND
    report = validate(inst, tampered)
    assert report.ok
    floor = [v for v in report.soft if v.rule == "coverage floor"]
    assert [(v.amount, v.cost) for v in floor] == [(50, 1500.0)]
    assert report.objective == pytest.approx(12 * 20 + 1500)


@pytest.mark.parametrize(
    ("percent", "required", "covered", "expected"),
    [(50, 12, 6, 0), (50, 12, 5, 9), (50, 3, 1, 17), (50, 1, 0, 50), (50, 4, 4, 0), (0, 5, 0, 0)],
)
def test_floor_gap_known_answers(percent: int, required: int, covered: int, expected: int) -> None:
    assert floor_gap(percent, required, covered) == expected


def deferred_instance(window: int) -> RosterInstance:
    """Two agent-hours of e-mail arrive at 07:00; the only agent starts at 09:00."""
    return tiny_instance(
        n_days=1,
        agents=[agent("A1", skills=(OUTBOUND,), fixed={0: ShiftId("A")})],
        channels=[ChannelSpec(id=OUTBOUND, kind="deferred", window_slots=window)],
        shifts=[
            shift_a().model_copy(update={"meal_minutes": 0, "channels": {}}),
        ],
        needs=needs_between(1, OUTBOUND, first_minute=7 * 60, last_minute=8 * 60, required=2),
        weights=Weights(labour_cost=0.0, shortfall_per_agent_slot=10, surplus_per_agent_slot=1),
    )


def test_deferred_work_done_inside_its_window() -> None:
    solution = run(deferred_instance(window=6))
    assert not [v for v in solution.violations if v.rule == "deferred work late"]
    # 12 hours on the floor, 2 of them busy: 10 idle agent-hours.
    assert solution.objective == pytest.approx(10)


def test_deferred_work_late_when_the_window_is_short() -> None:
    solution = run(deferred_instance(window=2))
    late = [v for v in solution.violations if v.rule == "deferred work late"]
    assert [v.amount for v in late] == [2]
    # Late work is priced once and dropped: the agent's twelve hours are all idle.
    assert solution.objective == pytest.approx(20 + 12)


def test_activity_on_a_channel_the_agent_cannot_serve_is_caught() -> None:
    inst = tiny_instance(n_days=1, agents=[agent("A1", skills=(INBOUND,), fixed={0: ShiftId("A")})])
    solution = run(inst)
    tampered = solution.model_copy(deep=True)
    floor = next(a for a in tampered.activities if a.activity == INBOUND)
    floor.activity = CHAT
    report = validate(inst, tampered)
    assert any(v.rule == "one channel at a time" for v in report.hard)


# --------------------------------------------------------------------------- standby


def supervisor(agent_id: str, **extra: object) -> object:
    return agent(agent_id, role=Role.SUPERVISOR, shifts=(), skills=(), **extra)


def test_a_supervisor_is_named_on_standby_every_day() -> None:
    inst = tiny_instance(
        n_days=3,
        agents=[agent("A1"), supervisor("S1"), supervisor("S2", days_off=[0, 1])],
        standby=StandbyRules(absenteeism_rate=0.0),
    )
    solution = run(inst)
    by_day = {d.date: d.agent for d in solution.standby if d.kind == "supervisor"}
    assert len(by_day) == 3
    assert by_day[inst.date(0)] == "S1"


def test_no_supervisor_available_is_a_conflict() -> None:
    inst = tiny_instance(
        n_days=2,
        agents=[agent("A1"), supervisor("S1", days_off=[1])],
        standby=StandbyRules(),
    )
    assert "7x24 standby" in conflicts_text(run(inst))


def test_management_ratio_puts_a_second_supervisor_on_standby() -> None:
    agents = [agent(f"A{i}", fixed={0: ShiftId("A")}) for i in range(6)]
    inst = tiny_instance(
        n_days=1,
        agents=[*agents, supervisor("S1"), supervisor("S2")],
        standby=StandbyRules(absenteeism_rate=0.0, management_ratio=5, standby_per_day=2),
        weights=NO_COST,
    )
    solution = run(inst)
    assert len([d for d in solution.standby if d.kind == "supervisor"]) == 2
    assert not [v for v in solution.violations if v.rule == "management ratio"]


def test_the_standby_rota_stands_one_supervisor_by_a_day() -> None:
    # Standby is a rota: the second supervisor the ratio asks for is not put on
    # standby; with no shift to work, the ratio's shortfall is reported.
    agents = [agent(f"A{i}", fixed={0: ShiftId("A")}) for i in range(6)]
    inst = tiny_instance(
        n_days=1,
        agents=[*agents, supervisor("S1"), supervisor("S2")],
        standby=StandbyRules(absenteeism_rate=0.0, management_ratio=5),
        weights=NO_COST.model_copy(update={"shortfall_per_agent_slot": 7}),
    )
    solution = run(inst)
    assert len([d for d in solution.standby if d.kind == "supervisor"]) == 1
    ratio = [v for v in solution.violations if v.rule == "management ratio"]
    assert [v.amount for v in ratio] == [1]


def test_management_ratio_reported_when_supervisors_are_too_few() -> None:
    agents = [agent(f"A{i}", fixed={0: ShiftId("A")}) for i in range(6)]
    inst = tiny_instance(
        n_days=1,
        agents=[*agents, supervisor("S1")],
        standby=StandbyRules(absenteeism_rate=0.0, management_ratio=5),
        weights=Weights(labour_cost=0.0, shortfall_per_agent_slot=7),
    )
    solution = run(inst)
    ratio = [v for v in solution.violations if v.rule == "management ratio"]
    assert [(v.amount, v.cost) for v in ratio] == [(1, 7.0)]


@pytest.mark.parametrize(
    ("on_duty", "rate", "risk", "expected"),
    [
        (2, 0.05, 0.05, 1),
        (0, 0.05, 0.05, 0),
        (10, 0.0, 0.05, 0),
        (20, 0.1, 0.05, 4),
        (3, 0.5, 0.01, 3),
    ],
)
def test_backups_needed_known_answers(
    on_duty: int, rate: float, risk: float, expected: int
) -> None:
    assert backups_needed(on_duty, absenteeism=rate, risk=risk) == expected


def test_backups_needed_never_falls_as_agents_are_added() -> None:
    counts = [backups_needed(n, absenteeism=0.08, risk=0.05) for n in range(60)]
    assert counts == sorted(counts)
    assert backups_needed(5, absenteeism=0.08, risk=0.05, minimum=3) == 3


def test_backup_pool_on_call_and_call_in() -> None:
    inst = tiny_instance(
        n_days=1,
        agents=[
            agent("A1", skills=(INBOUND,), fixed={0: ShiftId("A")}),
            agent("A2", skills=(INBOUND,), fixed={0: ShiftId("A")}),
            agent("K1", role=Role.BACKUP, skills=(INBOUND,)),
            supervisor("S1"),
        ],
        shifts=[shift_a().model_copy(update={"meal_minutes": 0})],
        needs=needs_between(1, INBOUND, first_minute=9 * 60, last_minute=12 * 60, required=3),
        standby=StandbyRules(absenteeism_rate=0.05, backup_risk=0.05),
        weights=NO_COST,
    )
    solution = run(inst)
    kinds = sorted((d.kind, d.agent) for d in solution.standby)
    assert kinds == [("backup", "K1"), ("supervisor", "S1")]
    calls = solution.call_ins
    assert [(c.agent, c.short_agent_minutes) for c in calls] == [("K1", 180)]
    assert calls[0].start.hour == 9 and calls[0].end.hour == 12
    # The backup's hourly rate: 2800 / 21.75 / 8 yuan.
    assert calls[0].cost == pytest.approx(round(3 * 2800 / 21.75 / 8, 2))


def test_backup_pool_too_small_is_reported() -> None:
    inst = tiny_instance(
        n_days=1,
        agents=[agent("A1", fixed={0: ShiftId("A")}), agent("A2", fixed={0: ShiftId("A")})],
        standby=StandbyRules(supervisor_standby_24x7=False, absenteeism_rate=0.05),
    )
    solution = run(inst)
    assert [(v.rule, v.amount, v.cost) for v in solution.violations if v.rule == "backup pool"] == [
        ("backup pool", 1, 0.0)
    ]


# --------------------------------------------------------------------------- cost


def test_labour_cost_daily_rate_holiday_and_overtime() -> None:
    long_shift = ShiftType(
        id=ShiftId("L"),
        start_minute=8 * 60,
        length_minutes=11 * 60,
        paid_minutes=10 * 60,
        meal_minutes=60,
        meal_earliest=180,
        meal_latest=240,
    )
    inst = tiny_instance(
        n_days=2,
        holidays=[1],
        agents=[
            agent(
                "B1",
                pattern=PatternKind.FIVE_ON_TWO_OFF,
                shifts=("L",),
                fixed={0: ShiftId("L"), 1: ShiftId("L")},
            )
        ],
        shifts=[long_shift],
    )
    solution = run(inst)
    daily = round(PAY.daily_rate(2800, PatternKind.FIVE_ON_TWO_OFF), 2)
    hourly = round(PAY.overtime_hourly(2800, PatternKind.FIVE_ON_TWO_OFF), 2)
    line = next(c for c in solution.costs if c.agent == "B1")
    assert line.days_worked == 2
    assert line.base == pytest.approx(2 * daily)
    assert line.holiday_premium == pytest.approx(2 * daily)
    assert line.overtime == pytest.approx(2 * 2 * hourly)
    assert solution.labour_cost == pytest.approx(4 * daily + 4 * hourly)


def test_labour_cost_prefers_the_cheaper_agent() -> None:
    inst = tiny_instance(
        n_days=1,
        agents=[agent("A1", base_pay=5000), agent("A2", base_pay=3000)],
        needs=needs_between(1, INBOUND, first_minute=9 * 60, last_minute=21 * 60),
    )
    assert worked(run(inst), "A2") == [0]
    assert worked(run(inst), "A1") == []


def test_reported_cost_that_disagrees_with_pay_rules_is_caught() -> None:
    inst = tiny_instance(n_days=1, agents=[agent("A1", fixed={0: ShiftId("A")})])
    tampered = run(inst).model_copy(deep=True)
    tampered.costs[0].base += 10
    assert any(v.rule == "labour cost" for v in validate(inst, tampered).hard)


# --------------------------------------------------------------------------- fairness


def test_fairness_uses_the_carry_over_ledger() -> None:
    saturday = reference_instance().start.replace(day=28)
    inst = tiny_instance(
        n_days=2,
        start=saturday,
        agents=[
            agent("A1", fairness_carry={"weekends": 2.0}, contract_minutes=720),
            agent("A2", contract_minutes=720),
        ],
        shifts=[shift_a().model_copy(update={"meal_minutes": 0})],
        needs=needs_between(2, INBOUND, first_minute=9 * 60, last_minute=21 * 60),
        weights=Weights(labour_cost=0.0, fairness_per_day=5.0, surplus_per_agent_slot=1.0),
    )
    assert inst.day_types == [DayType.WEEKEND, DayType.WEEKEND]
    solution = run(inst)
    assert worked(solution, "A2") == [0, 1]
    assert worked(solution, "A1") == []
    assert not [v for v in solution.violations if v.rule == "fairness"]


def test_fairness_spread_is_priced() -> None:
    saturday = reference_instance().start.replace(day=28)
    inst = tiny_instance(
        n_days=1,
        start=saturday,
        agents=[agent("A1", contract_minutes=720), agent("A2", contract_minutes=720)],
        shifts=[shift_a().model_copy(update={"meal_minutes": 0})],
        needs=needs_between(1, INBOUND, first_minute=9 * 60, last_minute=21 * 60),
        weights=Weights(labour_cost=0.0, fairness_per_day=5.0),
    )
    solution = run(inst)
    fair = [v for v in solution.violations if v.rule == "fairness"]
    assert [(v.amount, v.cost) for v in fair] == [(1, 5.0)]


def test_staffable_slots_are_those_some_agent_could_serve() -> None:
    # Two agents on shift A with different skills, an outbound agent on shift B, a
    # supervisor (never counted): chat is staffable only through the second agent.
    inst = tiny_instance(
        n_days=2,
        agents=[
            agent("A1", skills=(INBOUND,), shifts=("A",)),
            agent("A2", skills=(INBOUND, CHAT), shifts=("A",)),
            agent("A3", skills=(OUTBOUND,), shifts=("B",)),
            agent("S1", role=Role.SUPERVISOR, skills=(CHAT,), shifts=("B",)),
        ],
        shifts=[shift_a(), shift_b()],
    )
    expected = {
        (t, c)
        for a in coverage_agents(inst)
        for s in a.shifts
        for d in range(inst.n_days)
        if can_work(inst, inst.shift(s), d)
        for t in shift_slots(inst, inst.shift(s), d)
        for c in serves(inst, a, inst.shift(s), d)
    }
    able = staffable(inst)
    assert able == expected
    nine = 9 * 60 // inst.interval_minutes
    assert {(nine, INBOUND), (nine, CHAT)} <= able
    assert (nine - 1, INBOUND) not in able


def test_a_predicted_call_in_keeps_the_daily_hour_cap() -> None:
    inst = tiny_instance(
        n_days=1,
        agents=[
            agent("A1", skills=(INBOUND,), fixed={0: ShiftId("A")}),
            agent("K1", role=Role.BACKUP, skills=(INBOUND,)),
            supervisor("S1"),
        ],
        shifts=[shift_a().model_copy(update={"meal_minutes": 0})],
        needs=needs_between(1, INBOUND, first_minute=9 * 60, last_minute=15 * 60, required=2),
        standby=StandbyRules(absenteeism_rate=0.05, backup_risk=0.05, call_in_max_hours=2),
        weights=NO_COST,
    )
    calls = run(inst).call_ins
    assert calls and all(c.short_agent_minutes <= 120 for c in calls)
