"""Which scheduled time is in adherence: the activity, grace, absence, short runs."""

from __future__ import annotations

import numpy as np
from adherence_factories import cut, day_shift, events, roster

from rostering.adherence.in_adherence import (
    absent_shifts,
    forgive_short_runs,
    forgiven_by_grace,
    in_absent_shift,
    matches_schedule,
    whole_seconds,
)
from rostering.adherence.pieces import Runs
from rostering.adherence.states import StateMapping

# pieces: 09:00 09:02 09:07 12:00 13:00 13:02 13:05 17:50 17:58 (see test_adherence_pieces)
LATE_DAY = events(
    ("A1", "2026-09-28T09:07:00+08:00", "login"),
    ("A1", "2026-09-28T12:00:00+08:00", "meal"),
    ("A1", "2026-09-28T13:05:00+08:00", "available"),
    ("A1", "2026-09-28T17:50:00+08:00", "logout"),
)
EQ = StateMapping().equivalence_matrix()
F, T = False, True


def test_productive_at_work_and_at_a_meal_during_the_meal_match_the_schedule() -> None:
    p = cut(roster(day_shift(meal=True)), LATE_DAY).pieces
    assert list(matches_schedule(p, equivalence=EQ)) == [F, F, T, T, F, F, T, F, F]


def test_grace_forgives_the_first_and_last_minutes_and_the_meal_overrun() -> None:
    c = cut(roster(day_shift(meal=True)), LATE_DAY)
    forgiven = forgiven_by_grace(c.pieces, c.windows, equivalence=EQ, keys=c.keys)
    assert list(forgiven) == [T, F, F, F, T, F, F, F, T]


def test_a_shift_without_a_login_is_absent_and_all_its_pieces_with_it() -> None:
    c = cut(
        roster(day_shift("A1"), day_shift("A2")),
        events(
            ("A1", "2026-09-28T09:00:00+08:00", "login"),
            ("A1", "2026-09-28T18:00:00+08:00", "logout"),
        ),
    )
    absent = absent_shifts(c.pieces, n_shifts=len(c.shifts))
    assert list(absent) == [False, True]
    missed = in_absent_shift(c.pieces, absent)
    assert list(missed) == list(c.pieces.agent == 1)


def test_runs_shorter_than_the_minimum_are_forgiven() -> None:
    runs = Runs(
        run_id=np.array([0, 0, 1], dtype=np.int64),
        pos=np.array([1, 2, 4], dtype=np.int64),
        first=np.array([0, 2], dtype=np.int64),
        last=np.array([1, 2], dtype=np.int64),
        seconds=np.array([50, 120], dtype=np.int64),
    )
    before = np.zeros(5, dtype=bool)
    after, short = forgive_short_runs(before, runs, min_seconds=whole_seconds(1.0))
    assert list(short) == [True, False]
    assert list(after) == [F, T, T, F, F]
    assert not before.any()


def test_minutes_become_whole_seconds() -> None:
    assert whole_seconds(7.5) == 450
    assert whole_seconds(2.0) == 120
