"""China's holiday calendar: statutory holidays, days off and adjusted working days."""

from __future__ import annotations

import datetime as dt

from rostering.domain import Calendar, CalendarSpec, DayType


def test_national_day_2026() -> None:
    cal = Calendar(CalendarSpec(country="CN"))
    # Statutory holidays, paid at the holiday rate.
    for day in (1, 2, 3):
        assert cal.day_type(dt.date(2026, 10, day)) is DayType.HOLIDAY
    # Days off added by the holiday schedule are rest days, not statutory holidays.
    for day in (5, 6, 7):
        assert cal.day_type(dt.date(2026, 10, day)) is DayType.WEEKEND
    # Saturday 10 October is an adjusted working day.
    assert cal.is_adjusted_working_day(dt.date(2026, 10, 10))
    assert cal.day_type(dt.date(2026, 10, 10)) is DayType.WORKDAY
    # Ordinary days.
    assert cal.day_type(dt.date(2026, 9, 28)) is DayType.WORKDAY
    assert cal.day_type(dt.date(2026, 10, 11)) is DayType.WEEKEND


def test_overrides_win_over_the_library() -> None:
    spec = CalendarSpec(
        country="CN",
        holidays={dt.date(2026, 9, 29): "Site anniversary"},
        working_days=[dt.date(2026, 10, 11)],
        not_holidays=[dt.date(2026, 10, 1)],
        days_off=[dt.date(2026, 9, 30)],
    )
    cal = Calendar(spec)
    assert cal.day_type(dt.date(2026, 9, 29)) is DayType.HOLIDAY
    assert cal.holiday_name(dt.date(2026, 9, 29)) == "Site anniversary"
    assert cal.day_type(dt.date(2026, 10, 11)) is DayType.WORKDAY
    assert cal.day_type(dt.date(2026, 10, 1)) is DayType.WORKDAY
    assert cal.day_type(dt.date(2026, 9, 30)) is DayType.WEEKEND


def test_other_countries_use_their_library() -> None:
    cal = Calendar(CalendarSpec(country="GB"))
    assert cal.day_type(dt.date(2026, 12, 25)) is DayType.HOLIDAY
    assert cal.day_type(dt.date(2026, 12, 19)) is DayType.WEEKEND
