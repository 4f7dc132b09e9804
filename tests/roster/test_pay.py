"""Pay as payroll: holiday pay without the meal, paid holidays off, leave deductions."""

from __future__ import annotations

import pytest

from rostering.domain.agents import LeaveKind
from rostering.domain.patterns import PatternKind
from rostering.domain.shifts import DayType
from rostering.roster.config import SolverConfig
from rostering.roster.instance import ShiftType
from rostering.roster.pay import cost_lines, shift_pay
from rostering.roster.solution import CostLine
from rostering.roster.solver import solve
from rostering.roster.validation import validate
from rostering.types import AgentId, ShiftId

from .factories import OUTBOUND, PAY, agent, shift_a, shift_b, tiny_instance

ONE_ONE = round(2800 / 15.5, 2)
FIVE_TWO = round(2800 / 21.75, 2)


def _shift_b_on_holidays() -> ShiftType:
    b = shift_b()
    return b.model_copy(update={"channels": {**b.channels, DayType.HOLIDAY: [OUTBOUND]}})


def test_holiday_pay_leaves_the_meal_out() -> None:
    # Shift A: 11 paid hours of a 12-hour one-on-one-off day.
    assert PAY.holiday_day_pay(ONE_ONE, 660, 720) == pytest.approx(3 * ONE_ONE * 11 / 12)
    # Shift B: 8 paid hours, the five-two day in full.
    assert PAY.holiday_day_pay(FIVE_TWO, 480, 480) == pytest.approx(3 * FIVE_TWO)
    # Paid time past the normal day is overtime, not holiday pay.
    assert PAY.holiday_day_pay(FIVE_TWO, 600, 480) == pytest.approx(3 * FIVE_TWO)
    # Never below the normal daily rate.
    assert PAY.holiday_day_pay(FIVE_TWO, 60, 480) == pytest.approx(FIVE_TWO)


def test_leave_deductions_by_kind() -> None:
    assert PAY.leave_deduction(ONE_ONE, LeaveKind.PERSONAL) == pytest.approx(ONE_ONE)
    assert PAY.leave_deduction(ONE_ONE, LeaveKind.SICK) == pytest.approx(0.4 * ONE_ONE)
    assert PAY.leave_deduction(ONE_ONE, LeaveKind.ANNUAL) == 0.0


def test_shift_pay_on_a_holiday() -> None:
    inst = tiny_instance(
        n_days=2,
        holidays=[1],
        agents=[
            agent("A1", pattern=PatternKind.ONE_ON_ONE_OFF),
            agent("B1", pattern=PatternKind.FIVE_ON_TWO_OFF, shifts=("B",)),
        ],
        shifts=[shift_a(), _shift_b_on_holidays()],
    )
    a = shift_pay(inst, AgentId("A1"), 1, ShiftId("A"))
    assert (a.base, a.overtime, a.forgone) == (ONE_ONE, 0.0, 0.0)
    assert a.holiday_premium == pytest.approx((3 * 11 / 12 - 1) * ONE_ONE)
    assert a.marginal == a.total == pytest.approx(2.75 * ONE_ONE)
    b = shift_pay(inst, AgentId("B1"), 1, ShiftId("B"))
    assert b.total == pytest.approx(3 * FIVE_TWO)
    # Working the holiday gives up the paid holiday off: the roster adds two rates.
    assert b.forgone == FIVE_TWO
    assert b.marginal == pytest.approx(2 * FIVE_TWO)
    assert shift_pay(inst, AgentId("B1"), 0, ShiftId("B")).total == FIVE_TWO


def test_cost_lines_pay_holidays_off_and_deduct_leave() -> None:
    inst = tiny_instance(
        n_days=4,
        holidays=[1, 2],
        agents=[
            agent("A1", pattern=PatternKind.ONE_ON_ONE_OFF),
            agent("B1", pattern=PatternKind.FIVE_ON_TWO_OFF, shifts=("B",)),
        ],
        shifts=[shift_a(), _shift_b_on_holidays()],
    )
    schedule = {
        (AgentId("A1"), 0): ShiftId("A"),
        (AgentId("A1"), 2): ShiftId("A"),
        (AgentId("B1"), 0): ShiftId("B"),
        (AgentId("B1"), 2): ShiftId("B"),
    }
    leave = {
        AgentId("A1"): {1: LeaveKind.PERSONAL, 3: LeaveKind.SICK},
        # Leave on a statutory holiday: the day is a paid holiday off all the same.
        AgentId("B1"): {1: LeaveKind.PERSONAL, 3: LeaveKind.ANNUAL},
    }
    a1, b1 = cost_lines(inst, schedule, [], leave)
    assert (a1.days_worked, a1.personal_leave_days, a1.sick_leave_days) == (2, 1, 1)
    assert a1.base == pytest.approx(2 * ONE_ONE)
    assert a1.holiday_premium == pytest.approx(1.75 * ONE_ONE)
    assert a1.deductions == pytest.approx(1.4 * ONE_ONE)
    assert (a1.paid_holiday_days, a1.paid_holidays) == (0, 0.0)
    assert a1.total == pytest.approx((2 + 1.75 - 1.4) * ONE_ONE)
    assert a1.marginal == pytest.approx(3.75 * ONE_ONE)

    assert (b1.paid_holiday_days, b1.personal_leave_days, b1.deductions) == (1, 0, 0.0)
    assert b1.paid_holidays == FIVE_TWO
    assert b1.holiday_premium == pytest.approx(2 * FIVE_TWO)
    assert b1.holidays_forgone == FIVE_TWO
    assert b1.total == pytest.approx(5 * FIVE_TWO)  # 1 + 3 worked, 1 paid holiday off
    assert b1.marginal == pytest.approx(3 * FIVE_TWO)  # 1 + (3 - 1)
    # Without the kinds of leave (the instance's view) nothing is deducted.
    plain = cost_lines(inst, schedule, [])
    assert [c.deductions for c in plain] == [0.0, 0.0]
    assert [c.gross for c in plain] == pytest.approx([a1.gross, b1.gross])


def test_objective_prices_the_marginal_cost() -> None:
    inst = tiny_instance(
        n_days=2,
        holidays=[1],
        agents=[
            agent(
                "B1",
                pattern=PatternKind.FIVE_ON_TWO_OFF,
                shifts=("B",),
                fixed={0: ShiftId("B"), 1: ShiftId("B")},
            )
        ],
        shifts=[_shift_b_on_holidays()],
    )
    solution = solve(inst, SolverConfig(time_limit_s=10, workers=2))
    (line,) = solution.costs
    assert line.total == pytest.approx(4 * FIVE_TWO)
    others = sum(v.cost for v in solution.violations)  # soft rules besides labour cost
    assert solution.objective == pytest.approx(line.marginal + others, abs=0.01)
    assert line.marginal == pytest.approx(3 * FIVE_TWO)
    report = validate(inst, solution)
    assert report.ok, report.hard
    assert report.objective == pytest.approx(solution.objective, abs=1e-6)
    assert report.labour_cost == pytest.approx(solution.labour_cost)


def test_cost_lines_written_before_payroll_still_parse() -> None:
    old = {"agent": "A1", "days_worked": 2, "base": 361.29, "holiday_premium": 361.29}
    line = CostLine.model_validate(old)
    assert (line.deductions, line.paid_holidays, line.holidays_forgone) == (0.0, 0.0, 0.0)
    assert line.total == line.gross == line.marginal == pytest.approx(722.58)
