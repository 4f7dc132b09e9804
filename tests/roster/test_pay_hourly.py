"""Part-time contracts are paid by the hour, full-time ones by the day."""

from __future__ import annotations

import pytest

from rostering.domain.agents import Agent
from rostering.domain.patterns import Pattern, PatternKind, PayBasis
from rostering.domain.pay import PayRules
from rostering.roster.compile import hourly_rate
from rostering.roster.instance import ShiftType
from rostering.roster.pay import cost_lines, paid_holidays_off, shift_pay
from rostering.types import AgentId, ShiftId

from .factories import INBOUND, agent, shift_a, tiny_instance


def part_time_shift() -> ShiftType:
    """A 6-hour shift with no meal: six paid hours."""
    return shift_a().model_copy(
        update={
            "id": ShiftId("P"),
            "length_minutes": 360,
            "paid_minutes": 360,
            "meal_minutes": 0,
            "meal_earliest": None,
            "meal_latest": None,
        }
    )


def instance(*, holidays: tuple[int, ...] = ()):  # type: ignore[no-untyped-def]
    people = [
        agent(
            "P1", shifts=("P",), skills=(INBOUND,), pattern=PatternKind.FLEXIBLE, hourly_rate=24.0
        ),
        agent("F1", shifts=("A",), skills=(INBOUND,), pattern=PatternKind.FIVE_ON_TWO_OFF),
    ]
    return tiny_instance(
        n_days=3, agents=people, shifts=[shift_a(), part_time_shift()], holidays=holidays
    )


def test_a_six_hour_part_time_shift_pays_six_hours() -> None:
    pay = shift_pay(instance(), AgentId("P1"), 0, ShiftId("P"))
    assert pay.base == pytest.approx(6 * 24.0)
    assert pay.total == pytest.approx(144.0)


def test_a_full_time_shift_pays_the_daily_rate() -> None:
    inst = instance()
    pay = shift_pay(inst, AgentId("F1"), 0, ShiftId("A"))
    assert pay.base == pytest.approx(inst.agent("F1").daily_rate)


def test_part_time_on_a_statutory_holiday_is_three_times_the_hourly_rate() -> None:
    inst = instance(holidays=(1,))
    pay = shift_pay(inst, AgentId("P1"), 1, ShiftId("P"))
    assert pay.total == pytest.approx(3 * 144.0)
    assert pay.forgone == 0.0
    assert not paid_holidays_off(inst.agent("P1"))


def test_part_time_is_not_paid_for_days_not_worked() -> None:
    inst = instance(holidays=(1,))
    lines = {line.agent: line for line in cost_lines(inst, {(AgentId("P1"), 0): ShiftId("P")}, [])}
    assert lines["P1"].total == pytest.approx(144.0)
    assert lines["P1"].paid_holidays == 0.0


def test_the_hourly_rate_comes_from_the_person_or_the_base_pay() -> None:
    pattern = Pattern(id="pt", kind=PatternKind.FLEXIBLE, pay_basis=PayBasis.HOURLY)
    pay = PayRules()
    own = Agent(id=AgentId("P1"), pattern="pt", shifts=[ShiftId("P")], hourly_rate=25.5)
    derived = Agent(id=AgentId("P2"), pattern="pt", shifts=[ShiftId("P")], base_pay=3480.0)
    daily = Pattern(id="ft", kind=PatternKind.FIVE_ON_TWO_OFF)
    assert hourly_rate(own, pattern, pay) == 25.5
    assert hourly_rate(derived, pattern, pay) == pytest.approx(3480.0 / 21.75 / 8)
    assert hourly_rate(own, daily, pay) == 0.0
    override = own.model_copy(update={"pay_basis": PayBasis.HOURLY})
    assert hourly_rate(override, daily, pay) == 25.5
