"""The engine's output: a roster with its status, cost and violated soft rules."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from rostering.types import AgentId, ChannelId, ShiftId

ROSTER_COLUMNS: tuple[str, ...] = (
    "agent",
    "agent_name",
    "role",
    "date",
    "shift",
    "start",
    "end",
    "meal_start",
    "meal_end",
    "breaks",
    "channels",
    "standby",
)
"""Columns of ``roster.csv``: one row per agent and day worked or on standby.

``start``/``end``/``meal_*`` are ISO 8601 with the UTC offset; ``breaks`` are
ISO 8601 intervals ``start/end``, pipe-separated; ``channels`` is
pipe-separated; ``standby`` is empty, ``supervisor`` or ``backup``. This is the
contract between the roster stage and the adherence stage.
"""

MEAL = "meal"
"""Activity name of a slot spent at a meal (see :class:`SlotActivity`)."""
BREAK = "break"
"""Activity name of a slot an agent counts as away at a short break (see :class:`SlotActivity`)."""


def relative_gap(objective: float, bound: float) -> float:
    """How far ``objective`` may be above the best possible, as a share of it.

    ``|objective - bound| / |objective|`` (0 when the roster is proven optimal).
    """
    return abs(objective - bound) / max(abs(objective), 1e-9)


Roster = dict[tuple[AgentId, int], ShiftId]
"""A roster as (agent, day) -> shift worked; days not in it are off."""


class SolveStatus(StrEnum):
    """What the solver could say about the roster."""

    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    UNKNOWN = "UNKNOWN"
    MODEL_INVALID = "MODEL_INVALID"


class Stretch(BaseModel):
    """A stretch of a shift spent helping channels outside the shift's own work."""

    model_config = ConfigDict(extra="forbid")

    start: dt.datetime
    end: dt.datetime
    channels: list[ChannelId]


class BreakTime(BaseModel):
    """A short break an agent takes, local times."""

    model_config = ConfigDict(extra="forbid")

    start: dt.datetime
    end: dt.datetime

    def text(self) -> str:
        """The break as ``roster.csv`` writes it: an ISO 8601 interval."""
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    @classmethod
    def parse_list(cls, text: str) -> list[BreakTime]:
        """Breaks from a ``roster.csv`` cell (pipe-separated ISO intervals; empty: none).

        Raises ``ValueError`` naming the part that is not an interval.
        """
        out: list[BreakTime] = []
        for part in (p.strip() for p in text.split("|")):
            if not part:
                continue
            start, sep, end = part.partition("/")
            try:
                if not sep:
                    raise ValueError
                item = cls(
                    start=dt.datetime.fromisoformat(start), end=dt.datetime.fromisoformat(end)
                )
            except ValueError:
                raise ValueError(f"not an ISO 8601 interval START/END: {part!r}") from None
            if item.start.tzinfo is None or item.end <= item.start:
                raise ValueError(f"needs a UTC offset and an end after the start: {part!r}")
            out.append(item)
        return out


class Assignment(BaseModel):
    """One agent working one shift on one day."""

    model_config = ConfigDict(extra="forbid")

    agent: AgentId
    day: int
    date: dt.date
    shift: ShiftId
    start: dt.datetime = Field(description="Local start, time-zone aware.")
    end: dt.datetime
    meal_start: dt.datetime | None = None
    meal_end: dt.datetime | None = None
    breaks: list[BreakTime] = Field(
        default_factory=list, description="Short breaks, in the order of the shift's breaks."
    )
    channels: list[ChannelId] = Field(
        default_factory=list,
        description="The shift's own channels this agent carries (all at once, voice first).",
    )
    secondary: list[Stretch] = Field(
        default_factory=list,
        description="Stretches spent helping channels beyond the shift's own (e.g. covering "
        "a colleague's meal); the agent carries those channels too then.",
    )


class Allocation(BaseModel):
    """How many agents serve a channel in one interval slot."""

    model_config = ConfigDict(extra="forbid")

    slot: int
    channel: ChannelId
    scheduled: int
    required: int


class SlotActivity(BaseModel):
    """What one agent does during one slot: a channel, or a meal."""

    model_config = ConfigDict(extra="forbid")

    agent: AgentId
    slot: int
    activity: str = Field(description="A channel id, 'meal' or 'break'.")


class StandbyDuty(BaseModel):
    """Who is on standby or on call on a day, and why."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    agent: AgentId
    kind: str = Field(description="'supervisor' (7x24 standby) or 'backup' (on call).")


class CallIn(BaseModel):
    """A suggestion to call a standby person in where coverage is still short."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    agent: AgentId
    channel: ChannelId
    start: dt.datetime
    end: dt.datetime
    short_agent_minutes: int
    cost: float


class CostLine(BaseModel):
    """Pay of one agent over the horizon, in yuan, by component: a payroll line.

    ``total`` is what the agent is paid: shifts worked (``base``, ``overtime``,
    ``holiday_premium``), standby allowances, statutory holidays off paid to
    five-two staff (``paid_holidays``), less leave ``deductions`` (personal leave
    the day's pay, sick leave 40 %). ``marginal`` is the roster's marginal labour
    cost, the figure the objective uses: pay for the work the roster assigns,
    less the paid holidays that work replaces. What separates the two
    (``paid_holidays + holidays_forgone - deductions``) is the same for every
    roster: leave days cannot be worked, and a five-two agent is paid each
    statutory holiday, worked or not.
    """

    model_config = ConfigDict(extra="forbid")

    agent: AgentId
    days_worked: int = 0
    base: float = Field(0.0, description="Daily rate for each day worked.")
    overtime: float = 0.0
    holiday_premium: float = Field(
        0.0, description="Holiday pay above the daily rate for days worked on statutory holidays."
    )
    standby: float = 0.0
    paid_holiday_days: int = Field(0, description="Statutory holidays off, paid (five-two).")
    paid_holidays: float = Field(0.0, description="Daily rate for each paid holiday off.")
    holidays_forgone: float = Field(
        0.0,
        description="Paid holidays a five-two agent gave up by working them (in their holiday "
        "pay, not paid on top).",
    )
    personal_leave_days: int = 0
    sick_leave_days: int = 0
    deductions: float = Field(0.0, ge=0, description="Leave deductions, subtracted from pay.")

    @property
    def gross(self) -> float:
        """Pay before leave deductions."""
        return self.base + self.overtime + self.holiday_premium + self.standby + self.paid_holidays

    @property
    def total(self) -> float:
        """Pay: the gross less the leave deductions."""
        return self.gross - self.deductions

    @property
    def marginal(self) -> float:
        """The roster's marginal labour cost, what the objective prices."""
        return (
            self.base + self.overtime + self.holiday_premium + self.standby - self.holidays_forgone
        )


class Violation(BaseModel):
    """A soft rule the roster does not meet, or a hard rule it breaks (validator)."""

    model_config = ConfigDict(extra="forbid")

    rule: str
    where: str
    amount: float
    cost: float = 0.0
    hard: bool = False


class ModelSize(BaseModel):
    """How big the roster model was: why a solve takes the time it does."""

    model_config = ConfigDict(extra="forbid")

    agents: int
    days: int
    shift_types: int
    intervals: int = Field(description="Interval slots in the horizon.")
    variables: int
    constraints: int
    build_s: float = Field(description="Seconds to build the model.")

    def text(self) -> str:
        """One line for a planner."""
        return (
            f"{self.agents} people x {self.days} days x {self.shift_types} shift types, "
            f"{self.intervals:,} intervals: {self.variables:,} variables, "
            f"{self.constraints:,} constraints (built in {self.build_s:.1f} s)"
        )


class RosterSolution(BaseModel):
    """A solved roster."""

    model_config = ConfigDict(extra="forbid")

    instance: str
    status: SolveStatus
    objective: float | None = None
    best_bound: float | None = None
    wall_time_s: float = 0.0
    assignments: list[Assignment] = Field(default_factory=list)
    allocations: list[Allocation] = Field(default_factory=list)
    activities: list[SlotActivity] = Field(default_factory=list)
    standby: list[StandbyDuty] = Field(default_factory=list)
    call_ins: list[CallIn] = Field(default_factory=list)
    costs: list[CostLine] = Field(default_factory=list)
    violations: list[Violation] = Field(default_factory=list)
    model_size: ModelSize | None = None
    conflicts: list[str] = Field(
        default_factory=list, description="When infeasible: the hard rules that cannot hold."
    )

    @property
    def gap(self) -> float | None:
        """Relative gap between objective and bound (0 when proven optimal)."""
        if self.objective is None or self.best_bound is None:
            return None
        return relative_gap(self.objective, self.best_bound)

    @property
    def labour_cost(self) -> float:
        """Total pay in yuan (payroll: leave deductions included where the lines carry them)."""
        return sum(c.total for c in self.costs)


__all__ = [
    "BREAK",
    "MEAL",
    "ROSTER_COLUMNS",
    "Allocation",
    "Assignment",
    "BreakTime",
    "CallIn",
    "CostLine",
    "ModelSize",
    "Roster",
    "RosterSolution",
    "SlotActivity",
    "SolveStatus",
    "StandbyDuty",
    "Stretch",
    "Violation",
    "relative_gap",
]
