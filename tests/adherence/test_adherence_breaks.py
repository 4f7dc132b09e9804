"""Scheduled short breaks: read from the roster, judged as the meal is, overruns, planned share."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from adherence_factories import TWO_BREAKS, TZ, clock, cut, day_shift, events, roster, standby_row

from rostering.adherence import (
    AdherenceConfig,
    AdherenceResult,
    StateMapping,
    read_roster,
    run_adherence,
)
from rostering.adherence.pieces import BREAK_CODE, MEAL_CODE, WORK_CODE, scheduled_segments
from rostering.adherence.states import Activity, ScheduledActivity
from rostering.errors import FrameContractError

W, M, B = WORK_CODE, MEAL_CODE, BREAK_CODE


def run(r: pd.DataFrame, e: pd.DataFrame, **cfg: float) -> AdherenceResult:
    return run_adherence(r, e, config=AdherenceConfig(**cfg), timezone=TZ)


def at(clock_time: str) -> str:
    """``HH:MM`` on the day of :func:`day_shift`, with its offset."""
    return f"2026-09-28T{clock_time}:00+08:00"


def day_of(*changes: tuple[str, str]) -> pd.DataFrame:
    """A1's events: (HH:MM, state) pairs on the day of :func:`day_shift`."""
    return events(*[("A1", at(hhmm), state) for hhmm, state in changes])


KEPT_DAY = day_of(
    ("08:58", "login"),
    ("10:15", "break"),
    ("10:30", "available"),
    ("12:00", "meal"),
    ("13:00", "available"),
    ("15:30", "logout"),  # the afternoon break taken logged out
    ("15:45", "login"),
    ("18:00", "logout"),
)
"""Every break and the meal taken on time."""


# ----------------------------------------------------------------------------- reading


def test_breaks_are_read_per_shift_sorted_by_agent_then_start() -> None:
    later = day_shift("A1", breaks=TWO_BREAKS.split("|")[1] + "|" + TWO_BREAKS.split("|")[0])
    schedule = read_roster(roster(day_shift("A2", breaks=TWO_BREAKS), later), timezone=TZ)
    br = schedule.breaks
    assert list(br["agent_code"]) == [0, 0, 1, 1]
    assert list(br["shift_idx"]) == [0, 0, 1, 1]
    assert clock(br["start"]) == ["10:15", "15:30", "10:15", "15:30"]
    assert clock(br["end"]) == ["10:30", "15:45", "10:30", "15:45"]


def test_a_roster_without_the_breaks_column_has_no_breaks() -> None:
    frame = roster(day_shift("A1", meal=True)).drop(columns=["breaks"])
    assert read_roster(frame, timezone=TZ).breaks.empty


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("2026-09-28T10:15:00+08:00", "is not an ISO 8601 interval START/END"),
        ("2026-09-28T10:15:00+08:00/ten thirty", "is not an ISO 8601 interval"),
        ("2026-09-28T10:15:00/2026-09-28T10:30:00", "with UTC offsets"),
        ("2026-09-28T10:30:00+08:00/2026-09-28T10:15:00+08:00", "must end after it starts"),
        ("2026-09-28T08:50:00+08:00/2026-09-28T09:05:00+08:00", "must lie inside the shift"),
        ("2026-09-28T12:50:00+08:00/2026-09-28T13:05:00+08:00", "overlaps the meal"),
        (
            TWO_BREAKS + "|2026-09-28T10:20:00+08:00/2026-09-28T10:35:00+08:00",
            "overlaps another break of the shift",
        ),
    ],
)
def test_a_bad_breaks_cell_is_an_error_naming_its_row(cell: str, message: str) -> None:
    r = roster(day_shift("A1", meal=True), day_shift("A2", meal=True, breaks=cell))
    with pytest.raises(FrameContractError, match=f"roster frame: row 2: breaks: .*{message}"):
        read_roster(r, timezone=TZ)


def test_breaks_on_a_standby_row_are_an_error() -> None:
    row = standby_row("S1", "2026-09-28")
    row["breaks"] = TWO_BREAKS
    with pytest.raises(FrameContractError, match=r"row 2: breaks: .* on a row without a shift"):
        read_roster(roster(day_shift("A1"), row), timezone=TZ)


def test_the_file_name_is_in_the_error(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    roster(day_shift("A1", breaks="10:15-10:30")).to_csv(path, index=False)
    with pytest.raises(FrameContractError, match=r"roster\.csv: row 1: breaks: '10:15-10:30'"):
        read_roster(path, timezone=TZ)


# ----------------------------------------------------------------------------- the timeline


def test_a_shift_is_cut_at_its_meal_and_both_breaks() -> None:
    c = cut(roster(day_shift(meal=True, breaks=TWO_BREAKS)), KEPT_DAY)
    seg = scheduled_segments(c.shifts)
    assert list(seg.kind) == [W, B, W, M, W, B, W]
    assert clock(seg.start) == ["09:00", "10:15", "10:30", "12:00", "13:00", "15:30", "15:45"]
    assert clock(seg.end) == ["10:15", "10:30", "12:00", "13:00", "15:30", "15:45", "18:00"]


def test_a_break_taken_on_time_is_in_adherence_in_break_or_logged_out() -> None:
    res = run(roster(day_shift(meal=True, breaks=TWO_BREAKS)), KEPT_DAY)
    day = res.by_agent_day.iloc[0]
    assert day["adherence"] == 1.0
    assert res.exceptions.empty
    assert day["scheduled_minutes"] == 540
    assert day["scheduled_break_minutes"] == 30
    assert day["scheduled_work_minutes"] == 450
    assert day["break_minutes"] == 15  # the afternoon break was taken logged out
    # worked: 08:58-10:15, 10:30-12:00, 13:00-15:30, 15:45-18:00
    assert day["conformance"] == pytest.approx((77 + 90 + 150 + 135) / 450)


def test_the_same_day_without_the_breaks_on_the_roster_is_out_of_adherence() -> None:
    res = run(roster(day_shift(meal=True)), KEPT_DAY)
    day = res.by_agent_day.iloc[0]
    assert day["in_adherence_minutes"] == 540 - 30
    assert list(res.exceptions["kind"]) == ["out_of_adherence", "out_of_adherence"]


def test_a_break_taken_twenty_minutes_late_is_two_exceptions() -> None:
    late = day_of(
        ("08:58", "login"),
        ("10:35", "break"),
        ("10:50", "available"),
        ("18:00", "logout"),
    )
    res = run(roster(day_shift(breaks=TWO_BREAKS.split("|")[0])), late)
    day = res.by_agent_day.iloc[0]
    assert day["in_adherence_minutes"] == 540 - 30
    ex = res.exceptions
    assert list(ex["kind"]) == ["out_of_adherence", "out_of_adherence"]
    assert [s.strftime("%H:%M") for s in ex["start"]] == ["10:15", "10:35"]
    assert list(ex["minutes"]) == [15, 15]
    assert list(ex["detail"]) == ["in state login during a short break", "break"]


def test_working_through_a_break_is_out_of_adherence_as_through_a_meal() -> None:
    worked = day_of(("08:58", "login"), ("18:00", "logout"))
    res = run(roster(day_shift(meal=True, breaks=TWO_BREAKS)), worked)
    ex = res.exceptions
    assert list(ex["minutes"]) == [15, 60, 15]
    assert list(ex["detail"]) == [
        "in state login during a short break",
        "in state login during the meal",
        "in state login during a short break",
    ]


def test_a_break_overrun_past_the_grace_is_an_extended_break() -> None:
    overrun = day_of(
        ("08:58", "login"),
        ("10:15", "break"),
        ("10:37", "available"),  # 7 minutes long, 2 of them forgiven
        ("18:00", "logout"),
    )
    res = run(roster(day_shift(breaks=TWO_BREAKS.split("|")[0])), overrun)
    ex = res.exceptions
    assert list(ex["kind"]) == ["extended_break"]
    assert ex["minutes"].iloc[0] == 5
    assert ex["start"].iloc[0].strftime("%H:%M") == "10:32"
    assert res.by_agent_day["in_adherence_minutes"].iloc[0] == 535
    assert res.summary.exceptions_by_kind == {"extended_break": 1}
    lenient = run(
        roster(day_shift(breaks=TWO_BREAKS.split("|")[0])), overrun, break_overrun_grace_minutes=7
    )
    assert lenient.exceptions.empty


def test_back_to_back_breaks_share_the_grace_without_overlap() -> None:
    cell = "2026-09-28T10:00:00+08:00/2026-09-28T10:15:00+08:00|" + TWO_BREAKS.split("|")[0]
    res = run(
        roster(day_shift(breaks=cell)),
        day_of(("08:58", "login"), ("10:00", "break"), ("10:31", "available"), ("18:00", "logout")),
    )
    assert res.by_agent_day["adherence"].iloc[0] == 1.0
    assert res.exceptions.empty


def test_the_state_mapping_decides_what_counts_for_a_break() -> None:
    only_break = StateMapping(
        equivalence={
            ScheduledActivity.WORK: [Activity.PRODUCTIVE],
            ScheduledActivity.MEAL: [Activity.MEAL, Activity.OFFLINE],
            ScheduledActivity.BREAK: [Activity.BREAK],
        }
    )
    r = roster(day_shift(meal=True, breaks=TWO_BREAKS))
    res = run_adherence(r, KEPT_DAY, mapping=only_break, timezone=TZ)
    ex = res.exceptions
    assert list(ex["detail"]) == ["in state offline during a short break"]
    assert ex["minutes"].iloc[0] == 15


def test_a_mapping_written_without_breaks_gives_them_the_meals_activities() -> None:
    m = StateMapping(
        equivalence={
            ScheduledActivity.WORK: [Activity.PRODUCTIVE],
            ScheduledActivity.MEAL: [Activity.MEAL],
        }
    )
    assert m.equivalence[ScheduledActivity.BREAK] == [Activity.MEAL]
    default = StateMapping().equivalence
    assert set(default[ScheduledActivity.BREAK]) == set(default[ScheduledActivity.MEAL])


def test_an_absent_agent_is_not_credited_for_the_breaks() -> None:
    r = roster(day_shift("A1", meal=True, breaks=TWO_BREAKS), day_shift("A2", breaks=TWO_BREAKS))
    res = run(r, KEPT_DAY)
    a2 = res.by_agent_day.set_index("agent").loc["A2"]
    assert a2["in_adherence_minutes"] == 0 and a2["scheduled_break_minutes"] == 30
    assert list(res.exceptions.loc[res.exceptions["agent"] == "A2", "kind"]) == ["absent"]


# ----------------------------------------------------------------------------- planned share


def test_the_planned_break_share_is_breaks_over_paid_scheduled_time() -> None:
    r = roster(day_shift("A1", meal=True, breaks=TWO_BREAKS), day_shift("A2", meal=True))
    res = run(r, KEPT_DAY)
    s = res.summary
    # 30 break minutes over (480 + 480) scheduled minutes less meals
    assert s.scheduled_break_minutes == 30
    assert s.planned_break_share.value == pytest.approx(30 / 960)
    assert s.planned_break_share.target == s.not_ready_break_share.target == 0.06
    assert (s.planned_break_share.comparison, s.planned_break_share.met) == ("<", True)
    per_agent = res.by_agent.set_index("agent")["planned_break_share"]
    assert per_agent["A1"] == pytest.approx(30 / 480) and per_agent["A2"] == 0.0


def test_a_plan_that_alone_spends_the_budget_misses_the_target() -> None:
    res = run(roster(day_shift(meal=True, breaks=TWO_BREAKS)), KEPT_DAY)
    share = res.summary.planned_break_share
    assert share.value == pytest.approx(30 / 480)  # 6.25 % of the paid day
    assert share.met is False


def test_nothing_scheduled_has_no_planned_share() -> None:
    res = run(roster(standby_row("S1", "2026-09-28")), events())
    share = res.summary.planned_break_share
    assert share.value is None and share.met is None
