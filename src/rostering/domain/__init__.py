"""The vocabulary of the package: pydantic models only, no behaviour beyond checks."""

from rostering.domain.agents import Agent, Leave, LeaveKind, Request, Role
from rostering.domain.calendar import Calendar, CalendarSpec
from rostering.domain.channels import Channel, ChannelKind, ServiceTargets
from rostering.domain.patterns import Pattern, PatternKind, PayBasis, Weekday
from rostering.domain.pay import PayRules
from rostering.domain.scenario import (
    DailyDemand,
    DemandSpec,
    Horizon,
    IntervalDemand,
    ProfilePoint,
    RosterWeights,
    Scenario,
    Site,
)
from rostering.domain.shifts import DayType, MealBreak, ShiftTemplate
from rostering.domain.standby import StandbyRules

__all__ = [
    "Agent",
    "Calendar",
    "CalendarSpec",
    "Channel",
    "ChannelKind",
    "DailyDemand",
    "DayType",
    "DemandSpec",
    "Horizon",
    "IntervalDemand",
    "Leave",
    "LeaveKind",
    "MealBreak",
    "Pattern",
    "PatternKind",
    "PayBasis",
    "PayRules",
    "ProfilePoint",
    "Request",
    "Role",
    "RosterWeights",
    "Scenario",
    "ServiceTargets",
    "ShiftTemplate",
    "Site",
    "StandbyRules",
    "Weekday",
]
