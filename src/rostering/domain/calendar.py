"""Public holidays and adjusted working days.

The calendar comes from the maintained ``holidays`` library for the site's
country. For China it gives the statutory holidays, the bridging days off a
holiday schedule adds, and the weekend days declared working days (调休).
A scenario may add or remove days on top.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import cache

import holidays
from pydantic import BaseModel, ConfigDict, Field

from rostering.domain.shifts import DayType

log = logging.getLogger(__name__)

_BRIDGE_PREFIX = "Day off"


class CalendarSpec(BaseModel):
    """Where the calendar comes from and what the scenario overrides."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    country: str = Field("CN", description="ISO country code for the holiday library.")
    subdivision: str | None = None
    holidays: dict[dt.date, str] = Field(
        default_factory=dict, description="Extra statutory public holidays (date: name)."
    )
    days_off: list[dt.date] = Field(
        default_factory=list, description="Extra bridging days off (not paid at holiday rate)."
    )
    working_days: list[dt.date] = Field(
        default_factory=list, description="Extra adjusted working days (weekend days worked)."
    )
    not_holidays: list[dt.date] = Field(
        default_factory=list, description="Dates to treat as ordinary days despite the library."
    )


def _is_bridge(name: str) -> bool:
    """A rest day that a holiday schedule adds: a day off, not a statutory holiday.

    The library names these "Day off (substituted from ...)" and, where a statutory
    holiday falls on a weekend, "... (observed)"; neither is paid at the holiday rate.
    """
    return name.startswith(_BRIDGE_PREFIX) or "(observed)" in name


@cache
def _library(country: str, subdivision: str | None, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=subdivision, years=year)


class Calendar:
    """Resolved day types for any date, with the names of holidays."""

    def __init__(self, spec: CalendarSpec) -> None:
        self.spec = spec
        self._not = set(spec.not_holidays)

    def _lib(self, day: dt.date) -> holidays.HolidayBase:
        return _library(self.spec.country, self.spec.subdivision, day.year)

    def holiday_name(self, day: dt.date) -> str | None:
        """Name of the public holiday or bridging day off on ``day``, if any."""
        if day in self._not:
            return None
        if day in self.spec.holidays:
            return self.spec.holidays[day]
        if day in self.spec.days_off:
            return f"{_BRIDGE_PREFIX} (scenario)"
        name = self._lib(day).get(day)
        return str(name) if name is not None else None

    def is_adjusted_working_day(self, day: dt.date) -> bool:
        """True for a weekend day declared a working day."""
        if day in self.spec.working_days:
            return True
        if day in self._not or day.weekday() < 5:
            return False
        workdays: set[dt.date] = getattr(self._lib(day), "weekend_workdays", set())
        return day in workdays

    def day_type(self, day: dt.date) -> DayType:
        """Workday, weekend (or bridging day off) or statutory holiday."""
        name = self.holiday_name(day)
        if name is not None:
            return DayType.WEEKEND if _is_bridge(name) else DayType.HOLIDAY
        if self.is_adjusted_working_day(day):
            return DayType.WORKDAY
        return DayType.WEEKEND if day.weekday() >= 5 else DayType.WORKDAY
