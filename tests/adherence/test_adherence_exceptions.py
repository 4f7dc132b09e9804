"""What kind of deviation each out-of-adherence run is."""

from __future__ import annotations

from adherence_factories import clock, cut, day_shift, events, roster

from rostering.adherence.exceptions import (
    DeviationCategory,
    ExceptionKind,
    deviation_categories,
    run_categories,
)
from rostering.adherence.metrics import judge_pieces
from rostering.adherence.pieces import find_runs
from rostering.adherence.states import StateMapping

EQ = StateMapping().equivalence_matrix()
LATE, EARLY, BREAK, OUT = (
    DeviationCategory.LATE_LOGIN,
    DeviationCategory.EARLY_LOGOUT,
    DeviationCategory.EXTENDED_BREAK,
    DeviationCategory.OUT_OF_ADHERENCE,
)


def test_categories_are_the_codes_0_to_3_and_name_their_exception_kind() -> None:
    assert [int(c) for c in DeviationCategory] == [0, 1, 2, 3]
    assert [c.kind for c in DeviationCategory] == [
        ExceptionKind.LATE_LOGIN,
        ExceptionKind.EARLY_LOGOUT,
        ExceptionKind.EXTENDED_BREAK,
        ExceptionKind.OUT_OF_ADHERENCE,
    ]


def test_each_piece_of_a_late_early_long_meal_day_gets_its_category() -> None:
    c = cut(
        roster(day_shift(meal=True)),
        events(
            ("A1", "2026-09-28T09:07:00+08:00", "login"),
            ("A1", "2026-09-28T12:00:00+08:00", "meal"),
            ("A1", "2026-09-28T13:05:00+08:00", "available"),
            ("A1", "2026-09-28T17:50:00+08:00", "logout"),
        ),
    )
    # pieces: 09:00 09:02 09:07 12:00 13:00 13:02 13:05 17:50 17:58
    got = deviation_categories(c.pieces, equivalence=EQ, n_shifts=len(c.shifts))
    assert list(got) == [LATE, LATE, OUT, OUT, BREAK, BREAK, OUT, EARLY, EARLY]


def test_a_break_overruns_the_meal_only_right_after_it() -> None:
    c = cut(
        roster(day_shift(meal=True)),
        events(
            ("A1", "2026-09-28T08:58:00+08:00", "login"),
            ("A1", "2026-09-28T12:00:00+08:00", "meal"),
            ("A1", "2026-09-28T13:05:00+08:00", "available"),
            ("A1", "2026-09-28T15:00:00+08:00", "break"),
            ("A1", "2026-09-28T15:10:00+08:00", "available"),
            ("A1", "2026-09-28T18:00:00+08:00", "logout"),
        ),
    )
    judged = judge_pieces(c.pieces, c.shifts, windows=c.windows, keys=c.keys, equivalence=EQ)
    categories = deviation_categories(c.pieces, equivalence=EQ, n_shifts=len(c.shifts))
    runs = find_runs(
        c.pieces,
        judged.out_of_adherence,
        group=c.pieces.shift * len(DeviationCategory) + categories,
    )
    assert clock(runs.start(c.pieces)) == ["13:02", "15:00"]
    assert list(runs.at_first(categories)) == [BREAK, BREAK]
    kinds = run_categories(
        runs,
        categories,
        shifts=c.shifts,
        pieces=c.pieces,
        break_grace_s=120,
        equivalence=EQ,
        keys=c.keys,
    )
    assert list(kinds) == [BREAK, OUT]
