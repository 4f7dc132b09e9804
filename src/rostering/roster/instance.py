"""The roster engine's input: a scenario compiled to days, shift types and needs.

Every source of rostering work compiles to a :class:`RosterInstance`: a
scenario after sizing (see :func:`rostering.roster.compile.compile_instance`)
or a public benchmark instance (:mod:`rostering.nrp`). The CP-SAT
model, the validator and the reports read only this.

Days are indices ``0 .. n_days-1`` from ``start``; interval slots are indices
``0 .. n_days * slots_per_day - 1`` from ``start`` at 00:00 local time. A shift
starting on day ``d`` at minute ``m`` covers the slots from
``d * slots_per_day + m // interval_minutes`` on, possibly past midnight.
"""

from __future__ import annotations

import datetime as dt
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from rostering.domain.agents import Role
from rostering.domain.channels import ChannelKind
from rostering.domain.patterns import PatternKind
from rostering.domain.pay import PayRules
from rostering.domain.shifts import DayType
from rostering.domain.standby import StandbyRules
from rostering.types import AgentId, ChannelId, ShiftId


class BreakWindow(BaseModel):
    """A short break every agent on a shift takes, starting inside a window."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    minutes: int = Field(gt=0, le=120)
    earliest: int = Field(ge=0, description="Earliest start, minutes after the shift's start.")
    latest: int = Field(ge=0, description="Latest start, minutes after the shift's start.")


class ShiftType(BaseModel):
    """A shift as the engine sees it: minutes, meal window and channels by day type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: ShiftId
    start_minute: int = Field(ge=0, lt=24 * 60, description="Start, minutes after midnight.")
    length_minutes: int = Field(gt=0, le=24 * 60)
    paid_minutes: int = Field(gt=0, description="Length less unpaid meal and breaks.")
    meal_minutes: int = Field(0, ge=0)
    meal_earliest: int | None = Field(None, description="Earliest meal start, minutes after start.")
    meal_latest: int | None = Field(None, description="Latest meal start, minutes after start.")
    breaks: list[BreakWindow] = Field(
        default_factory=list, description="Short breaks (off the floor, paid or not)."
    )
    channels: dict[DayType, list[ChannelId]] = Field(
        default_factory=dict, description="Channels carried per day type; empty: any skill."
    )
    secondary: dict[DayType, list[ChannelId]] = Field(
        default_factory=dict,
        description="Channels the shift may help with per day type, at a preference cost.",
    )
    cannot_follow: list[ShiftId] = Field(
        default_factory=list, description="Shift types that may not be worked the next day."
    )


class Contract(BaseModel):
    """Per-agent labour limits over the horizon. ``None`` means no limit."""

    model_config = ConfigDict(extra="forbid")

    max_shifts: dict[ShiftId, int] = Field(default_factory=dict)
    min_total_minutes: int | None = None
    max_total_minutes: int | None = None
    max_consecutive_days: int | None = None
    min_consecutive_days: int | None = None
    min_consecutive_days_off: int | None = None
    max_weekends: int | None = None
    max_minutes_per_week: int | None = None
    min_rest_minutes: int | None = None


class AgentSpec(BaseModel):
    """One person as the engine sees them."""

    model_config = ConfigDict(extra="forbid")

    id: AgentId
    name: str = ""
    role: Role = Role.AGENT
    team: str = ""
    pattern: PatternKind = PatternKind.FLEXIBLE
    working_days_per_week: int = 5
    days_off_allowed: list[int] | None = Field(
        None, description="Five-two: weekdays (0=Mon) on which days off may fall."
    )
    off_on_holidays: bool = False
    skills: list[ChannelId] = Field(default_factory=list)
    shifts: list[ShiftId] = Field(description="Eligible shift types.")
    proficiency: float = 1.0
    base_pay: float = 0.0
    daily_rate: float = Field(0.0, ge=0, description="Yuan per day worked.")
    hourly_rate: float = Field(
        0.0, ge=0, description="Part time: yuan per paid hour worked, in place of the daily rate."
    )
    overtime_hourly: float = Field(0.0, ge=0, description="Yuan per paid hour past contract.")
    contract_minutes: int = Field(8 * 60, gt=0, description="Paid minutes in a normal day.")
    history: str = Field("", description="Days before the horizon, oldest first: W or O.")
    contract: Contract = Field(default_factory=Contract)
    days_off: list[int] = Field(default_factory=list, description="Days that must not be worked.")
    leave: list[int] = Field(
        default_factory=list,
        description="Days of leave (among ``days_off``): they count as worked days of a "
        "five-two week, where unavailable days do not.",
    )
    fixed: dict[int, ShiftId | None] = Field(
        default_factory=dict, description="Pre-assigned days: shift id, or None for off."
    )
    fairness_carry: dict[str, float] = Field(
        default_factory=dict,
        description="Duties already done in earlier periods (weekends, holidays, standby).",
    )


class ChannelSpec(BaseModel):
    """A channel as the engine sees it."""

    model_config = ConfigDict(extra="forbid")

    id: ChannelId
    kind: ChannelKind
    priority: float = 1.0
    window_slots: int = Field(
        0, ge=0, description="Deferred work: slots after arrival within which it may be done."
    )
    members: list[ChannelId] = Field(
        default_factory=list,
        description="A pool: the queued channels its agents carry at once, sized together. "
        "Coverage counts an agent on the floor once, in the pool, when it serves any member.",
    )


class IntervalNeed(BaseModel):
    """Required staff on the floor for one channel in one interval slot."""

    model_config = ConfigDict(extra="forbid")

    slot: int = Field(ge=0)
    channel: ChannelId
    required: int = Field(ge=0)


class ShiftRequest(BaseModel):
    """A weighted wish: work ``shift`` on ``day`` (want) or not (shift None: whole day)."""

    model_config = ConfigDict(extra="forbid")

    agent: AgentId
    day: int = Field(ge=0)
    shift: ShiftId | None = None
    want: bool
    weight: int = Field(ge=0)


DEFAULT_CHANGE_WEIGHT = 50.0
"""Yuan-equivalent cost of an agent-day changed from a what-if's baseline roster."""


class Weights(BaseModel):
    """Objective weights, in cost units per unit of violation."""

    model_config = ConfigDict(extra="forbid")

    shortfall_per_agent_slot: float = Field(30.0, ge=0)
    surplus_per_agent_slot: float = Field(1.0, ge=0)
    request_unit: float = Field(1.0, ge=0)
    secondary_per_agent_slot: float = Field(
        0.0, ge=0, description="Cost of an agent-slot on a shift's secondary channels."
    )
    fairness_per_day: float = Field(0.0, ge=0)
    labour_cost: float = Field(1.0, ge=0, description="Multiplier on yuan of pay (0: ignore).")
    shaped_coverage: bool = Field(
        True,
        description="Price surplus and shortfall in tiers so staffing follows the requirement "
        "curve (false: every agent-slot over or short costs the same, wherever it falls).",
    )
    coverage_floor_percent: int = Field(
        50,
        ge=0,
        le=100,
        description="Share of its daily requirement below which no channel should fall "
        "while another is better served (see the coverage rule).",
    )
    coverage_floor_per_point: float = Field(
        60.0,
        ge=0,
        description="Cost per day per percentage point by which the worst-covered channel "
        "falls below the coverage floor (0: no floor).",
    )
    change_per_assignment: float = Field(
        DEFAULT_CHANGE_WEIGHT,
        ge=0,
        description="Yuan-equivalent cost of one agent-day whose shift differs from the "
        "baseline roster (a what-if started from one; see Baseline): the default, 50, is "
        "about a third of a day's pay at 3,000 yuan a month, less than one agent-hour of "
        "inbound short (60 x priority 3), more than a whole day of surplus (2 an hour).",
    )
    max_changes: int | None = Field(
        None,
        ge=0,
        description="At most this many agent-days may differ from the baseline roster "
        "(hard; None: no cap).",
    )


class Baseline(BaseModel):
    """The roster a what-if starts from: each person's shift on each day, days off included.

    Only the people listed count: someone added by the what-if has no baseline
    and is rostered freely; someone removed is simply not in the instance.
    """

    model_config = ConfigDict(extra="forbid")

    source: str = Field("", description="Where the baseline roster came from, for messages.")
    shifts: dict[AgentId, list[ShiftId | None]] = Field(
        description="Per person, one entry per day of the horizon: the shift worked, or "
        "None when off (or on standby only)."
    )
    standby: dict[AgentId, list[int]] = Field(
        default_factory=dict,
        description="Days each supervisor was on 7x24 standby (a supervisor's standby day "
        "moved is a change like a shift moved).",
    )
    on_call: dict[AgentId, list[int]] = Field(
        default_factory=dict,
        description="Days each backup was on call: kept where the day still needs as many.",
    )

    def roster(self) -> dict[tuple[AgentId, int], ShiftId]:
        """The baseline as (agent, day) -> shift worked; days off are left out."""
        return {
            (agent, day): shift
            for agent, days in self.shifts.items()
            for day, shift in enumerate(days)
            if shift is not None
        }


class RosterInstance(BaseModel):
    """Everything the engine needs, in days, minutes and slots."""

    model_config = ConfigDict(extra="forbid")

    name: str
    start: dt.date
    n_days: int = Field(ge=1)
    interval_minutes: int = Field(30, gt=0)
    timezone: str = "Asia/Shanghai"
    day_types: list[DayType]
    holiday_names: dict[int, str] = Field(default_factory=dict)
    channels: list[ChannelSpec] = Field(default_factory=list)
    shifts: list[ShiftType]
    agents: list[AgentSpec]
    needs: list[IntervalNeed] = Field(default_factory=list)
    presence: list[IntervalNeed] = Field(
        default_factory=list,
        description="Slots where a pooled channel has contacts: at least one agent on the floor "
        "able to take it (``required`` is 1).",
    )
    requests: list[ShiftRequest] = Field(default_factory=list)
    weights: Weights = Field(default_factory=Weights)
    pay: PayRules = Field(default_factory=PayRules)
    standby: StandbyRules | None = None
    baseline: Baseline | None = Field(
        None,
        description="A what-if's baseline roster: agent-days that differ from it cost "
        "weights.change_per_assignment (see rostering.roster.rules.stability).",
    )

    _shift_by_id: dict[ShiftId, ShiftType] = PrivateAttr(default_factory=dict)
    _agent_by_id: dict[AgentId, AgentSpec] = PrivateAttr(default_factory=dict)
    _channel_by_id: dict[ChannelId, ChannelSpec] = PrivateAttr(default_factory=dict)
    _unit_of: dict[ChannelId, ChannelId] = PrivateAttr(default_factory=dict)

    @property
    def slots_per_day(self) -> int:
        """Interval slots in one day."""
        return (24 * 60) // self.interval_minutes

    @property
    def n_slots(self) -> int:
        """Interval slots in the horizon."""
        return self.n_days * self.slots_per_day

    def date(self, day: int) -> dt.date:
        """Calendar date of a day index."""
        return self.start + dt.timedelta(days=day)

    def shift(self, shift_id: str) -> ShiftType:
        """Shift type by id."""
        return self._shift_by_id[ShiftId(shift_id)]

    def agent(self, agent_id: str) -> AgentSpec:
        """Agent by id."""
        return self._agent_by_id[AgentId(agent_id)]

    def channel(self, channel_id: str) -> ChannelSpec:
        """Channel (or pool) by id."""
        return self._channel_by_id[ChannelId(channel_id)]

    def unit_of(self, channel_id: ChannelId) -> ChannelId:
        """The coverage unit a channel is counted in: its pool, or the channel itself."""
        return self._unit_of.get(channel_id, channel_id)

    @property
    def real_channels(self) -> list[ChannelSpec]:
        """The channels contacts arrive on (pools left out)."""
        return [c for c in self.channels if not c.members]

    @model_validator(mode="after")
    def _index(self) -> Self:
        if len(self.day_types) != self.n_days:
            raise ValueError(f"day_types has {len(self.day_types)} entries for {self.n_days} days")
        if (24 * 60) % self.interval_minutes:
            raise ValueError(f"interval_minutes must divide a day, got {self.interval_minutes}")
        self._shift_by_id = {s.id: s for s in self.shifts}
        self._agent_by_id = {a.id: a for a in self.agents}
        self._channel_by_id = {c.id: c for c in self.channels}
        self._unit_of = {}
        for pool in self.channels:
            for member in pool.members:
                if member not in self._channel_by_id or self._channel_by_id[member].members:
                    raise ValueError(f"pool {pool.id!r}: unknown member channel {member!r}")
                if member in self._unit_of:
                    raise ValueError(f"channel {member!r} is in two pools")
                self._unit_of[member] = pool.id
        for n in self.presence:
            if n.channel not in self._channel_by_id or n.required != 1:
                raise ValueError(f"presence at slot {n.slot}: channel {n.channel!r}, required 1")
        for a in self.agents:
            for s in a.shifts:
                if s not in self._shift_by_id:
                    raise ValueError(f"agent {a.id!r}: unknown shift {s!r}")
        for n in self.needs:
            if n.channel not in self._channel_by_id:
                raise ValueError(f"need at slot {n.slot}: unknown channel {n.channel!r}")
            if n.slot >= self.n_slots:
                raise ValueError(f"need slot {n.slot} beyond the horizon ({self.n_slots} slots)")
        return self

    @model_validator(mode="after")
    def _baseline_fits(self) -> Self:
        if self.baseline is None:
            return self
        agents = {a.id for a in self.agents}
        shifts = {s.id for s in self.shifts}
        for agent, days in self.baseline.shifts.items():
            if agent not in agents:
                raise ValueError(f"baseline: agent {agent!r} is not in the instance")
            if len(days) != self.n_days:
                raise ValueError(
                    f"baseline: agent {agent!r} has {len(days)} days for {self.n_days}"
                )
            unknown = [s for s in days if s is not None and s not in shifts]
            if unknown:
                raise ValueError(f"baseline: agent {agent!r}: unknown shift {unknown[0]!r}")
        for agent, standby_days in self.baseline.standby.items():
            if agent not in self.baseline.shifts:
                raise ValueError(f"baseline: standby of {agent!r}, who has no baseline days")
            if any(not 0 <= d < self.n_days for d in standby_days):
                raise ValueError(f"baseline: standby of {agent!r} outside the horizon")
        return self
