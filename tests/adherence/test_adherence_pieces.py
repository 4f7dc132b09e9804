"""Cutting a day into pieces, runs of pieces, and the day each piece counts on."""

from __future__ import annotations

import datetime as dt

import numpy as np
from adherence_factories import TZ, clock, cut, day_shift, events, roster, standby_row

from rostering.adherence import read_events, read_roster
from rostering.adherence.pieces import (
    MEAL_CODE,
    WORK_CODE,
    ShiftArrays,
    attribute_days,
    find_runs,
    time_line_packing,
)
from rostering.adherence.states import ACTIVITY_CODES, Activity, StateMapping
from rostering.adherence.timeline import build_timeline

W, M = WORK_CODE, MEAL_CODE

LATE_DAY = events(
    ("A1", "2026-09-28T09:07:00+08:00", "login"),
    ("A1", "2026-09-28T12:00:00+08:00", "meal"),
    ("A1", "2026-09-28T13:05:00+08:00", "available"),
    ("A1", "2026-09-28T17:50:00+08:00", "logout"),
)
"""Seven minutes late, five minutes long at the meal, ten minutes early."""


def test_the_day_is_cut_at_every_boundary_and_grace_edge() -> None:
    p = cut(roster(day_shift(meal=True)), LATE_DAY).pieces
    # 09:02, 13:02 and 17:58 are where the two-minute grace windows end or start
    assert " ".join(clock(p.start)) == "09:00 09:02 09:07 12:00 13:00 13:02 13:05 17:50 17:58"
    assert " ".join(clock(p.end)) == "09:02 09:07 12:00 13:00 13:02 13:05 17:50 17:58 18:00"
    assert list(p.scheduled) == [W, W, W, M, W, W, W, W, W]
    assert [ACTIVITY_CODES[a] for a in p.activity] == [
        *[Activity.OFFLINE] * 2,
        Activity.PRODUCTIVE,
        *[Activity.MEAL] * 3,
        Activity.PRODUCTIVE,
        *[Activity.OFFLINE] * 2,
    ]
    assert list(p.shift) == [0] * 9
    assert int(p.seconds.sum()) == 9 * 3600


def test_runs_join_touching_pieces_of_one_group() -> None:
    p = cut(roster(day_shift(meal=True)), LATE_DAY).pieces
    runs = find_runs(p, ~p.logged_in, group=p.agent)
    assert clock(runs.start(p)) == ["09:00", "17:50"]
    assert clock(runs.end(p)) == ["09:07", "18:00"]
    assert list(runs.seconds) == [7 * 60, 10 * 60]
    none = find_runs(p, np.zeros(len(p.start), dtype=bool), group=p.agent)
    assert len(none) == 0


def test_time_outside_shifts_counts_on_the_nearest_shifts_day_or_its_own_date() -> None:
    frame = events(
        ("A1", "2026-09-28T09:00:00+08:00", "login"),
        ("A1", "2026-09-28T18:00:00+08:00", "logout"),
        ("A1", "2026-09-28T18:30:00+08:00", "login"),  # 30 min after the shift
        ("A1", "2026-09-28T19:00:00+08:00", "logout"),
        ("A1", "2026-09-30T10:00:00+08:00", "login"),  # two days on, no shift near
        ("A1", "2026-09-30T10:30:00+08:00", "logout"),
    )
    c = cut(roster(day_shift()), frame)
    outside = ~c.pieces.in_shift
    days = attribute_days(c.pieces, c.shifts, keys=c.keys, window_s=240 * 60, timezone=TZ)
    dates = np.asarray(days).astype("datetime64[D]").astype(object)
    assert list(dates[outside]) == [dt.date(2026, 9, 28), dt.date(2026, 9, 30)]


def test_no_shift_and_no_login_leaves_nothing_to_pack() -> None:
    schedule = read_roster(roster(standby_row("S1", "2026-09-28")), timezone=TZ)
    data = read_events(events(), mapping=StateMapping(), timezone=TZ, agents=schedule.agent_ids)
    timeline = build_timeline(data, schedule)
    shifts = ShiftArrays.of(schedule)
    assert time_line_packing(shifts, timeline, n_agents=len(schedule.agents)) is None
