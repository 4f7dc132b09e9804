"""The seed operation's rules, checked on rosters of the reference project."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rostering.domain import DayType, Leave, LeaveKind
from rostering.io import load_scenario
from rostering.pipeline import check_adherence, run_scenario, size_scenario
from rostering.results import roster_table
from rostering.results.payroll import payroll_table
from rostering.roster.compile import compile_instance
from rostering.roster.config import SolverConfig
from rostering.roster.solver import solve
from rostering.roster.validation import validate

REST_DAYS = {dt.date(2026, 10, d) for d in (1, 2, 3, 4, 5, 6, 7, 11)}


def test_outbound_moves_to_shift_a_on_weekends_and_holidays(reference_dir: Path) -> None:
    scenario = load_scenario(reference_dir)
    # Make outbound the pressing channel, with no coverage floor holding the single
    # A agent on inbound and chat, so the agent has every reason to take outbound.
    for channel in scenario.channels:
        channel.priority = 5.0 if channel.id == "outbound" else 1.0
    instance = compile_instance(scenario, size_scenario(scenario))
    instance.weights.coverage_floor_percent = 0
    solution = solve(instance, SolverConfig(time_limit_s=20))
    assert validate(instance, solution).ok
    day_type = {instance.date(d): t for d, t in enumerate(instance.day_types)}
    outbound_by_shift: dict[str, set[dt.date]] = {"A": set(), "B": set()}
    for a in solution.assignments:
        if "outbound" in a.channels:
            outbound_by_shift[str(a.shift)].add(a.date)
    # On rest days outbound is served, and only by shift A; B is off.
    assert outbound_by_shift["A"] >= REST_DAYS
    assert not outbound_by_shift["B"] & REST_DAYS
    # On ordinary working days shift A does not carry outbound.
    workdays = {d for d, t in day_type.items() if t is DayType.WORKDAY}
    assert not outbound_by_shift["A"] & workdays
    assert outbound_by_shift["B"] <= workdays


def test_the_supervisor_is_on_standby_every_day_and_never_counted(reference_dir: Path) -> None:
    result = run_scenario(load_scenario(reference_dir), solver=SolverConfig(time_limit_s=20))
    duties = [s for s in result.solution.standby if s.kind == "supervisor"]
    assert sorted(s.date for s in duties) == result.scenario.horizon.dates
    assert {s.agent for s in duties} == {"S1"}
    assert all(a.agent != "S1" for a in result.solution.assignments)


def test_pay_follows_the_seed_rules(reference_dir: Path) -> None:
    result = run_scenario(load_scenario(reference_dir), solver=SolverConfig(time_limit_s=20))
    lines = {c.agent: c for c in result.solution.costs}
    holidays = {dt.date(2026, 10, d) for d in (1, 2, 3)}
    for agent in ("A1", "A2"):
        days = [a.date for a in result.solution.assignments if a.agent == agent]
        on_holiday = sum(d in holidays for d in days)
        # One-on-one-off: daily rate base / 15.5; statutory holidays at three times the
        # rate for the paid time, the meal hour excluded (11 of the 12 hours of shift A).
        rate = 2800 / 15.5
        assert lines[agent].base == pytest.approx(rate * len(days), rel=1e-6)
        premium = (3 * 11 / 12 - 1) * rate * on_holiday
        assert lines[agent].holiday_premium == pytest.approx(premium, rel=1e-6)
    b_days = [a.date for a in result.solution.assignments if a.agent == "B1"]
    assert lines["B1"].base == pytest.approx(2800 / 21.75 * len(b_days), rel=1e-6)
    # Five-two: off on the three statutory holidays, and paid for them.
    assert lines["B1"].paid_holiday_days == 3
    assert lines["B1"].paid_holidays == pytest.approx(3 * 2800 / 21.75, rel=1e-6)


def test_a2_payroll_by_hand(reference_dir: Path) -> None:
    """A2's payroll with a personal-leave and a sick day, recomputed from the seed rules."""
    scenario = load_scenario(reference_dir)
    personal, sick = dt.date(2026, 10, 6), dt.date(2026, 10, 9)
    leave = [Leave(date=personal, kind=LeaveKind.PERSONAL), Leave(date=sick, kind=LeaveKind.SICK)]
    agents = [a.model_copy(update={"leave": leave}) if a.id == "A2" else a for a in scenario.agents]
    scenario = scenario.model_copy(update={"agents": agents})
    result = run_scenario(scenario, solver=SolverConfig(time_limit_s=20), simulate=False)
    assert result.validation.ok, result.validation.hard
    assert result.validation.objective == pytest.approx(result.solution.objective)

    days = sorted(a.date for a in result.solution.assignments if a.agent == "A2")
    assert personal not in days and sick not in days
    holidays = {dt.date(2026, 10, d) for d in (1, 2, 3)}
    worked_holidays = sum(d in holidays for d in days)
    # A2's one-on-one-off rhythm (history ...OWOWOW): 29 Sep, 1, 3, 5, 7, 11 Oct; the sick
    # day takes 9 Oct, the personal-leave day falls on a day off.
    assert (len(days), worked_holidays) == (6, 2)

    rate = 2800 / 15.5  # 180.645...
    holiday_day = 3 * rate * 11 / 12  # 11 paid hours of 12: the meal hour is not paid
    expected = {
        "days_worked": 6,
        "base": 6 * rate,  # 1,083.87
        "paid_holiday_days": 0,  # one-on-one-off: no paid holidays off
        "paid_holidays": 0.0,
        "holiday_premium": 2 * (holiday_day - rate),  # 632.26
        "overtime": 0.0,  # 11 paid hours, within the 12-hour day
        "standby": 0.0,
        "personal_leave_days": 1,
        "sick_leave_days": 1,
        "deductions": 1.0 * rate + 0.4 * rate,  # 252.90
        "total": 4 * rate + 2 * holiday_day - 1.4 * rate,  # 1,463.23
        "marginal_cost": 4 * rate + 2 * holiday_day,  # 1,716.13
        "daily_rate": rate,
    }
    row = payroll_table(result).set_index("agent").loc["A2"]
    for column, value in expected.items():
        assert row[column] == pytest.approx(value, abs=0.005), column
    assert round(row["total"], 2) == 1463.23
    # Without the leave kinds the roster's own cost lines carry no deduction.
    line = next(c for c in result.solution.costs if c.agent == "A2")
    assert line.deductions == 0.0
    assert line.total == pytest.approx(expected["total"] + expected["deductions"])


def test_shipped_logins_measure_against_the_reference_roster(reference_dir: Path) -> None:
    result = run_scenario(load_scenario(reference_dir), solver=SolverConfig(time_limit_s=20))
    roster = roster_table(result)
    measured = check_adherence(roster, reference_dir / "logins.csv", timezone="Asia/Shanghai")
    report = measured.summary.read_report
    # The generator's duplicates and missing logout are flagged; everything else is used.
    assert report.rows_read == 13654
    assert 0 < report.rows_flagged < 0.01 * report.rows_read
    assert set(measured.by_agent_day["agent"]) == {"A1", "A2", "A3", "A4", "B1"}
    assert 0.5 < (measured.summary.adherence or 0) < 1.0  # deviations were injected
