"""Hand-computed adherence cases: grace, meals, midnight, DST, absence, standby."""

from __future__ import annotations

import datetime as dt

import pytest
from adherence_factories import TZ, day_shift, events, roster, shift_row, standby_row

from rostering.adherence import AdherenceConfig, run_adherence


def run(r, e, tz: str = TZ, **cfg):  # type: ignore[no-untyped-def]
    return run_adherence(r, e, config=AdherenceConfig(**cfg), timezone=tz)


def test_seven_minutes_late_with_two_minute_grace_loses_five_of_540() -> None:
    res = run(
        roster(day_shift()),
        events(
            ("A1", "2026-09-28T09:07:00+08:00", "login"),
            ("A1", "2026-09-28T18:00:00+08:00", "logout"),
        ),
    )
    day = res.by_agent_day.iloc[0]
    assert day["scheduled_minutes"] == 540
    assert day["in_adherence_minutes"] == 535
    assert day["adherence"] == pytest.approx(535 / 540)
    assert day["conformance"] == pytest.approx(533 / 540)
    ex = res.exceptions
    assert list(ex["kind"]) == ["late_login"]
    assert ex["minutes"].iloc[0] == 5
    assert ex["start"].iloc[0].isoformat() == "2026-09-28T09:02:00+08:00"
    assert ex["end"].iloc[0].isoformat() == "2026-09-28T09:07:00+08:00"


def test_late_within_grace_is_full_adherence() -> None:
    res = run(
        roster(day_shift()),
        events(
            ("A1", "2026-09-28T09:02:00+08:00", "login"),
            ("A1", "2026-09-28T18:00:00+08:00", "logout"),
        ),
    )
    assert res.by_agent_day["adherence"].iloc[0] == 1.0
    assert res.exceptions.empty


def test_early_logout_and_long_meal() -> None:
    res = run(
        roster(day_shift(meal=True)),
        events(
            ("A1", "2026-09-28T08:58:00+08:00", "login"),
            ("A1", "2026-09-28T12:00:00+08:00", "meal"),
            ("A1", "2026-09-28T13:10:00+08:00", "available"),
            ("A1", "2026-09-28T17:50:00+08:00", "logout"),
        ),
    )
    day = res.by_agent_day.iloc[0]
    # meal overrun 10 min - 2 grace = 8; early logout 10 min - 2 grace = 8
    assert day["in_adherence_minutes"] == 540 - 16
    ex = res.exceptions.set_index("kind")
    assert ex.loc["extended_break", "minutes"] == 8
    assert ex.loc["early_logout", "minutes"] == 8
    assert day["scheduled_work_minutes"] == 480
    # worked: 08:58-12:00 (182) + 13:10-17:50 (280)
    assert day["worked_minutes"] == 462
    assert day["meal_minutes"] == 70


def test_minimum_exception_length_ignores_short_runs() -> None:
    ev = events(
        ("A1", "2026-09-28T09:00:00+08:00", "login"),
        ("A1", "2026-09-28T10:00:00+08:00", "not_ready"),
        ("A1", "2026-09-28T10:03:00+08:00", "available"),
        ("A1", "2026-09-28T18:00:00+08:00", "logout"),
    )
    strict = run(roster(day_shift()), ev)
    assert strict.by_agent_day["in_adherence_minutes"].iloc[0] == 537
    assert list(strict.exceptions["kind"]) == ["out_of_adherence"]
    lenient = run(roster(day_shift()), ev, min_exception_minutes=5)
    assert lenient.by_agent_day["in_adherence_minutes"].iloc[0] == 540
    assert lenient.exceptions.empty


def test_shift_crossing_midnight_belongs_to_its_start_date() -> None:
    night = shift_row(
        "N1",
        "2026-09-28",
        "2026-09-28T22:00:00+08:00",
        "2026-09-29T07:00:00+08:00",
        meal=("2026-09-29T02:00:00+08:00", "2026-09-29T03:00:00+08:00"),
        shift="N",
    )
    res = run(
        roster(night),
        events(
            ("N1", "2026-09-28T21:58:00+08:00", "login"),
            ("N1", "2026-09-29T02:00:00+08:00", "logout"),
            ("N1", "2026-09-29T03:00:00+08:00", "login"),
            ("N1", "2026-09-29T07:00:00+08:00", "logout"),
        ),
    )
    assert len(res.by_agent_day) == 1
    day = res.by_agent_day.iloc[0]
    assert day["date"] == dt.date(2026, 9, 28)
    assert day["adherence"] == 1.0
    assert day["logged_in_minutes"] == 242 + 240
    assert day["unscheduled_minutes"] == 2
    # the heatmap intervals straddle midnight: 22:00 on the 28th to 06:30 on the 29th
    scheduled = res.by_interval.loc[res.by_interval["scheduled_minutes"] > 0]
    assert len(scheduled) == 18
    assert scheduled["time"].iloc[0] == "22:00"


def test_dst_spring_forward_shift_is_eight_hours_in_london() -> None:
    # 2026-03-29: clocks go from 01:00 to 02:00 in Europe/London
    r = roster(
        shift_row("L1", "2026-03-29", "2026-03-29T00:00:00+00:00", "2026-03-29T09:00:00+01:00")
    )
    e = events(
        ("L1", "2026-03-29T00:00:00", "login"),  # naive: site wall clock
        ("L1", "2026-03-29T01:30:00", "available"),  # does not exist
        ("L1", "2026-03-29T09:00:00", "logout"),
    )
    res = run(r, e, tz="Europe/London")
    day = res.by_agent_day.iloc[0]
    assert day["scheduled_minutes"] == 480
    assert day["adherence"] == 1.0
    assert list(res.issues["row"]) == [3]
    assert list(res.issues["reason"]) == ["nonexistent_local_time"]
    # hourly heatmap labels follow the local clock: 00:00 then 02:00
    assert list(res.by_interval["time"].iloc[:3]) == ["00:00", "00:30", "02:00"]


def test_dst_fall_back_ambiguous_time_is_flagged() -> None:
    r = roster(
        shift_row("L1", "2026-10-25", "2026-10-25T00:00:00+01:00", "2026-10-25T09:00:00+00:00")
    )
    e = events(
        ("L1", "2026-10-25T00:00:00", "login"),
        ("L1", "2026-10-25T01:30:00", "not_ready"),  # happens twice
        ("L1", "2026-10-25T09:00:00", "logout"),
    )
    res = run(r, e, tz="Europe/London")
    assert res.by_agent_day["scheduled_minutes"].iloc[0] == 600
    assert res.by_agent_day["adherence"].iloc[0] == 1.0
    assert list(res.issues["reason"]) == ["ambiguous_local_time"]


def test_missing_logout_is_closed_at_shift_end_and_flagged() -> None:
    res = run(
        roster(day_shift()),
        events(
            ("A1", "2026-09-28T09:00:00+08:00", "login"),
            ("A1", "2026-09-28T09:00:00+08:00", "available"),
        ),
    )
    day = res.by_agent_day.iloc[0]
    assert day["logged_in_minutes"] == 540
    assert day["adherence"] == 1.0
    issue = res.issues.iloc[0]
    assert (issue["row"], issue["reason"], bool(issue["used"])) == (3, "missing_logout", True)
    assert issue["detail"].endswith("closed at its shift end (2026-09-28T10:00:00+00:00)")
    assert res.summary.read_report.by_reason == {"missing_logout": 1}


def test_missing_logout_before_next_day_login() -> None:
    r = roster(
        day_shift(),
        shift_row("A1", "2026-09-29", "2026-09-29T09:00:00+08:00", "2026-09-29T18:00:00+08:00"),
    )
    res = run(
        r,
        events(
            ("A1", "2026-09-28T09:00:00+08:00", "login"),
            ("A1", "2026-09-29T09:00:00+08:00", "login"),
            ("A1", "2026-09-29T18:00:00+08:00", "logout"),
        ),
    )
    assert list(res.by_agent_day["logged_in_minutes"]) == [540, 540]
    assert list(res.issues["reason"]) == ["missing_logout"]
    assert list(res.issues["row"]) == [2]


def test_absent_agent_scores_zero_and_lowers_attendance() -> None:
    r = roster(day_shift("A1", meal=True), day_shift("A2", meal=True))
    res = run(
        r,
        events(
            ("A1", "2026-09-28T09:00:00+08:00", "login"),
            ("A1", "2026-09-28T12:00:00+08:00", "logout"),
            ("A1", "2026-09-28T13:00:00+08:00", "login"),
            ("A1", "2026-09-28T18:00:00+08:00", "logout"),
        ),
    )
    a2 = res.by_agent_day.set_index("agent").loc["A2"]
    assert a2["adherence"] == 0.0
    assert bool(a2["kept_schedule"]) is False
    ex = res.exceptions.loc[res.exceptions["agent"] == "A2"]
    assert list(ex["kind"]) == ["absent"] and ex["minutes"].iloc[0] == 540
    s = res.summary
    assert s.attendance_rate == 0.5
    assert s.schedule_adherence_rate.value == 0.5
    assert s.schedule_adherence_rate.met is False
    assert s.adherence == pytest.approx(540 / 1080)
    assert res.by_day["attendance_rate"].iloc[0] == 0.5


def test_standby_login_is_a_call_in_not_unscheduled_work() -> None:
    r = roster(day_shift("A1"), standby_row("S1", "2026-09-28"))
    res = run(
        r,
        events(
            ("A1", "2026-09-28T09:00:00+08:00", "login"),
            ("A1", "2026-09-28T18:00:00+08:00", "logout"),
            ("S1", "2026-09-28T20:00:00+08:00", "login"),
            ("S1", "2026-09-28T21:00:00+08:00", "logout"),
        ),
    )
    ex = res.exceptions
    assert list(ex["kind"]) == ["standby_call_in"]
    assert bool(ex["informational"].iloc[0]) is True
    assert ex["minutes"].iloc[0] == 60
    # a standby person is not among the agents scheduled
    assert res.summary.agents_scheduled == 1
    assert res.summary.schedule_adherence_rate.value == 1.0


def test_unscheduled_work_on_a_day_off() -> None:
    r = roster(day_shift("A1"))
    res = run(
        r,
        events(
            ("A1", "2026-09-28T09:00:00+08:00", "login"),
            ("A1", "2026-09-28T18:00:00+08:00", "logout"),
            ("A1", "2026-09-30T10:00:00+08:00", "login"),
            ("A1", "2026-09-30T12:00:00+08:00", "logout"),
        ),
    )
    ex = res.exceptions
    assert list(ex["kind"]) == ["unscheduled_work"]
    assert ex["date"].iloc[0] == dt.date(2026, 9, 30)
    off_day = res.by_agent_day.set_index("date").loc[dt.date(2026, 9, 30)]
    assert off_day["scheduled_minutes"] == 0 and off_day["unscheduled_minutes"] == 120
    assert res.summary.conformance == pytest.approx((540 + 120) / 540)


def test_meal_equivalence_and_neutral_states() -> None:
    ev = events(
        ("A1", "2026-09-28T09:00:00+08:00", "login"),
        ("A1", "2026-09-28T10:00:00+08:00", "training"),
        ("A1", "2026-09-28T10:30:00+08:00", "available"),
        ("A1", "2026-09-28T12:00:00+08:00", "break"),
        ("A1", "2026-09-28T13:00:00+08:00", "available"),
        ("A1", "2026-09-28T18:00:00+08:00", "logout"),
    )
    res = run(roster(day_shift(meal=True)), ev)
    day = res.by_agent_day.iloc[0]
    assert day["adherence"] == 1.0  # training is neutral, a break counts for the meal
    assert day["other_minutes"] == 30 and day["break_minutes"] == 60
    assert day["productive_utilisation"] == pytest.approx(450 / 540)
    assert day["not_ready_break_share"] == pytest.approx(60 / 540)
