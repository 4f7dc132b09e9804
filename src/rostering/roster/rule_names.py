"""The names rules report their violations and costs under, one place for all.

The CP-SAT rules (:mod:`rostering.roster.rules`) and the solver-free
validator (:mod:`rostering.roster.validation`) both use these, so a violation
found by either is filed under the same rule.
"""

from __future__ import annotations

ASSIGNMENT = "assignment"
"""A roster row names an agent, shift or day the instance does not have."""
SHIFT_TIMES = "shift times"
"""A roster row's times are not its shift's."""
ONE_CHANNEL_AT_A_TIME = "one channel at a time"
"""An agent on the floor serves one channel in a slot, one their skills and shift allow."""
MEALS = "meals"
BREAKS = "breaks"
FLOOR_SUPPORT = "floor support"
SURPLUS_BEYOND_MARGIN = "surplus beyond the service margin"
SURPLUS_IDLE = "surplus well beyond the requirement"
SHORTFALL_DEEP = "shortfall beyond a tenth of the requirement"
SHIFT_DAY_TYPES = "shift day types"
HOLIDAYS_OFF = "off on public holidays"
ONE_ON_ONE_OFF = "one-on-one-off"
FIVE_ON_TWO_OFF = "five-on-two-off"
PRE_ASSIGNED_DAYS = "pre-assigned days"
SUPERVISOR_STANDBY = "supervisor standby"
MAX_SHIFTS_PER_TYPE = "max shifts per type"
WORKLOAD = "workload"
CONSECUTIVE_WORKING_DAYS = "consecutive working days"
CONSECUTIVE_DAYS_OFF = "consecutive days off"
MAX_WEEKENDS = "max weekends"
MIN_REST = "min rest"
FORBIDDEN_SUCCESSION = "forbidden succession"
DAYS_OFF = "days off"
SHIFT_REQUESTS = "shift requests"
SHIFT_ON_REQUEST = "shift on request"
"""A wish to work a shift (or any shift) on a day, not granted."""
SHIFT_OFF_REQUEST = "shift off request"
"""A wish not to work a shift (or the day), not granted."""
COVERAGE = "coverage"


SHORTFALL = "coverage shortfall"


SURPLUS = "coverage surplus"


LATE = "deferred work late"


FLOOR = "coverage floor"


SECONDARY = "secondary channel"
"""An agent-slot spent helping a channel outside the shift's own work."""


PRESENCE = "channel presence"
"""A pooled channel with contacts and nobody on the floor able to take them."""


BACKUP_POOL = "backup pool"


MANAGEMENT_RATIO = "management ratio"


FAIRNESS = "fairness"


LABOUR = "labour cost"
"""Rule name of the cost terms; they are reported as costs, never as violations."""


__all__ = [
    "ASSIGNMENT",
    "BACKUP_POOL",
    "BREAKS",
    "CONSECUTIVE_DAYS_OFF",
    "CONSECUTIVE_WORKING_DAYS",
    "COVERAGE",
    "DAYS_OFF",
    "FAIRNESS",
    "FIVE_ON_TWO_OFF",
    "FLOOR",
    "FLOOR_SUPPORT",
    "FORBIDDEN_SUCCESSION",
    "HOLIDAYS_OFF",
    "LABOUR",
    "LATE",
    "MANAGEMENT_RATIO",
    "MAX_SHIFTS_PER_TYPE",
    "MAX_WEEKENDS",
    "MEALS",
    "MIN_REST",
    "ONE_CHANNEL_AT_A_TIME",
    "ONE_ON_ONE_OFF",
    "PRESENCE",
    "PRE_ASSIGNED_DAYS",
    "SECONDARY",
    "SHIFT_DAY_TYPES",
    "SHIFT_OFF_REQUEST",
    "SHIFT_ON_REQUEST",
    "SHIFT_REQUESTS",
    "SHIFT_TIMES",
    "SHORTFALL",
    "SHORTFALL_DEEP",
    "SUPERVISOR_STANDBY",
    "SURPLUS",
    "SURPLUS_BEYOND_MARGIN",
    "SURPLUS_IDLE",
    "WORKLOAD",
]
