"""A scenario: everything a planner states about one project and period.

In a scenario folder, ``scenario.yaml`` holds these fields; ``agents`` and the
demand tables may instead name CSV files in the same folder, which
:func:`rostering.io.load_scenario` reads into the same models.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, NamedTuple, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rostering.domain.agents import Agent, Role
from rostering.domain.calendar import CalendarSpec
from rostering.domain.channels import Channel
from rostering.domain.forecast import DemandForecast, HistorySource
from rostering.domain.patterns import Pattern
from rostering.domain.pay import PayRules
from rostering.domain.rampup import RampUp
from rostering.domain.shifts import ShiftTemplate
from rostering.domain.simulation import SimulationSettings
from rostering.domain.standby import StandbyRules
from rostering.types import ChannelId

MAX_INTERVAL_VOLUME = 1e6
"""The most contacts one interval of one channel may forecast."""
MAX_DAILY_VOLUME = 1e7
"""The most contacts one day of one channel may forecast."""
MAX_AHT_S = 86_400.0
"""The longest average handling time: one day, in seconds."""
MAX_WEIGHT = 1e6
"""The largest cost weight of the roster objective (yuan-equivalent)."""


class Site(BaseModel):
    """Where the work is done."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: str
    timezone: str = Field("Asia/Shanghai", description="IANA time zone of the site.")

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class Horizon(BaseModel):
    """The period rostered."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    start: dt.date
    days: int = Field(ge=1, le=366)
    interval_minutes: Literal[15, 30] = 30

    @property
    def dates(self) -> list[dt.date]:
        """Every date of the horizon in order."""
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]


class IntervalDemand(BaseModel):
    """Forecast volume and handling time in one interval of one channel."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    interval_start: dt.datetime = Field(description="Local start (site time zone if naive).")
    channel: ChannelId
    volume: float = Field(ge=0, le=MAX_INTERVAL_VOLUME)
    aht_s: float = Field(gt=0, le=MAX_AHT_S, description="Average handling time, seconds.")
    volume_lo80: float | None = Field(
        None, ge=0, le=MAX_INTERVAL_VOLUME, description="Forecast 80 % interval, low."
    )
    volume_hi80: float | None = Field(
        None, ge=0, le=MAX_INTERVAL_VOLUME, description="Forecast 80 % interval, high."
    )
    volume_lo95: float | None = Field(
        None, ge=0, le=MAX_INTERVAL_VOLUME, description="Forecast 95 % interval, low."
    )
    volume_hi95: float | None = Field(
        None, ge=0, le=MAX_INTERVAL_VOLUME, description="Forecast 95 % interval, high."
    )


class DailyDemand(BaseModel):
    """Forecast volume and handling time of a whole day of one channel."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    date: dt.date
    channel: ChannelId
    volume: float = Field(ge=0, le=MAX_DAILY_VOLUME)
    aht_s: float = Field(gt=0, le=MAX_AHT_S, description="Average handling time, seconds.")


class ProfilePoint(BaseModel):
    """Share of a day's volume arriving in the interval that starts at ``time``."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    time: dt.time
    channel: ChannelId
    weight: float = Field(ge=0, le=1e6)
    day_type: Literal["any", "workday", "weekend", "holiday"] = "any"


class DemandSpec(BaseModel):
    """Demand per interval, daily totals spread by an intraday profile, or a history.

    A ``history`` is forecast when the scenario folder is loaded: the forecast
    becomes ``intervals``, and ``forecast`` records the model of each channel.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    intervals: list[IntervalDemand] = Field(default_factory=list)
    daily: list[DailyDemand] = Field(default_factory=list)
    profile: list[ProfilePoint] = Field(default_factory=list)
    history: HistorySource | None = Field(
        None,
        description="A contact history to forecast the horizon from (file name or "
        "settings); read when the scenario folder is loaded.",
    )
    forecast: DemandForecast | None = Field(
        None, description="Set by loading: the forecast the intervals came from."
    )
    closed_days: list[dt.date] = Field(
        default_factory=list,
        description="Days of the horizon the centre takes no contacts: daily demand may leave "
        "them out and they get zero demand. Any other day of the horizon missing from the "
        "daily (or interval) demand of a channel that has daily (or interval) rows is an "
        "error.",
    )

    @field_validator("history", mode="before")
    @classmethod
    def _file_name(cls, value: object) -> object:
        return {"file": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        if self.history is not None:
            if self.intervals or self.daily or self.profile:
                raise ValueError("give either a history, intervals, or daily with profile")
            raise ValueError(
                "a history is forecast when the scenario folder is loaded (rostering.io."
                "load_scenario, or an upload of the folder); a scenario sent whole must give "
                "intervals, or daily with profile"
            )
        if self.forecast is not None and not self.intervals:
            raise ValueError("a forecast record comes with the intervals it forecast")
        if self.intervals and (self.daily or self.profile):
            raise ValueError("give either intervals, or daily with profile, not both")
        if not self.intervals and not self.daily:
            raise ValueError("no demand: give intervals, daily with profile, or a history")
        if self.daily and not self.profile:
            raise ValueError("daily demand needs an intraday profile")
        return self


class DemandFault(NamedTuple):
    """A fault of the demand rows: duplicates, or a day of the horizon with no row."""

    field: Literal["daily", "intervals"]
    """The demand list the rows are in."""
    rows: tuple[int, ...]
    """Indices of the rows in that list, first the one at fault (empty: a missing day)."""
    column: str
    """The column the fault is about."""
    message: str
    """Why, without the row numbers."""


def demand_faults(scenario: Scenario) -> list[DemandFault]:
    """Demand that would be silently wrong: repeated rows, and days of the horizon left out.

    A daily row repeating the date and channel of an earlier one, or an interval row
    repeating its start and channel, would be added to it. A day of the horizon with no
    daily row for a channel that has daily rows, or no interval row for a channel that has
    interval rows, would get zero demand, unless the scenario lists it in
    ``demand.closed_days``.
    """
    faults: list[DemandFault] = []
    demand = scenario.demand
    seen_day: dict[tuple[dt.date, str], int] = {}
    for i, d in enumerate(demand.daily):
        key = (d.date, str(d.channel))
        if key in seen_day:
            message = f"duplicate daily row for {d.date} {d.channel}"
            faults.append(DemandFault("daily", (i, seen_day[key]), "date", message))
        else:
            seen_day[key] = i
    seen_interval: dict[tuple[dt.datetime, str], int] = {}
    for i, r in enumerate(demand.intervals):
        ikey = (r.interval_start, str(r.channel))
        if ikey in seen_interval:
            message = f"duplicate interval row for {r.interval_start.isoformat()} {r.channel}"
            rows = (i, seen_interval[ikey])
            faults.append(DemandFault("intervals", rows, "interval_start", message))
        else:
            seen_interval[ikey] = i
    if demand.daily:
        closed = set(demand.closed_days)
        channels = sorted({str(d.channel) for d in demand.daily})
        for day in scenario.horizon.dates:
            if day in closed:
                continue
            for c in channels:
                if (day, c) not in seen_day:
                    message = (
                        f"no daily demand for {day} {c}: give its row, or list the day in "
                        "demand.closed_days if the centre is closed"
                    )
                    faults.append(DemandFault("daily", (), "date", message))
    faults += _missing_interval_days(scenario)
    return faults


MAX_DATES_SHOWN = 5
"""Missing dates a fault names before it counts the rest."""


def _missing_interval_days(scenario: Scenario) -> list[DemandFault]:
    """One fault per channel of the interval demand that leaves out days of the horizon.

    A day is the site's wall-clock day of ``interval_start`` (a time with an
    offset is converted to the site's zone first); closed days are exempt.
    """
    intervals = scenario.demand.intervals
    if not intervals:
        return []
    tz = ZoneInfo(scenario.site.timezone)
    days: dict[str, set[dt.date]] = {}
    for r in intervals:
        start = r.interval_start.astimezone(tz) if r.interval_start.tzinfo else r.interval_start
        days.setdefault(str(r.channel), set()).add(start.date())
    open_days = [d for d in scenario.horizon.dates if d not in set(scenario.demand.closed_days)]
    faults: list[DemandFault] = []
    for channel in sorted(days):
        missing = [d for d in open_days if d not in days[channel]]
        if not missing:
            continue
        shown = ", ".join(str(d) for d in missing[:MAX_DATES_SHOWN])
        if len(missing) > MAX_DATES_SHOWN:
            shown += f" and {len(missing) - MAX_DATES_SHOWN} more"
        message = (
            f"no interval demand for channel {channel} on {shown}: give its rows, or list the "
            "days in demand.closed_days if the centre is closed"
        )
        faults.append(DemandFault("intervals", (), "interval_start", message))
    return faults


def demand_warnings(scenario: Scenario) -> list[str]:
    """Demand rows that fall outside the horizon and are ignored, one text per list."""
    dates = set(scenario.horizon.dates)
    first, last = scenario.horizon.dates[0], scenario.horizon.dates[-1]
    out: list[str] = []
    listed: list[tuple[str, list[tuple[dt.date, str]]]] = [
        ("daily", [(d.date, str(d.channel)) for d in scenario.demand.daily]),
        (
            "intervals",
            [(r.interval_start.date(), str(r.channel)) for r in scenario.demand.intervals],
        ),
    ]
    for field, rows in listed:
        outside = [(d, c) for d, c in rows if d not in dates]
        if outside:
            shown = ", ".join(f"{d} {c}" for d, c in outside[:3])
            more = f" and {len(outside) - 3} more" if len(outside) > 3 else ""
            out.append(
                f"demand.{field}: {len(outside)} row(s) outside the horizon {first} to {last} "
                f"ignored: {shown}{more}"
            )
    return out


class RosterWeights(BaseModel):
    """How the roster trades coverage against cost and wishes (yuan-equivalent)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    shortfall_per_agent_hour: float = Field(
        60.0,
        ge=0,
        le=MAX_WEIGHT,
        description="Cost of one required agent-hour not staffed (x channel priority).",
    )
    surplus_per_agent_hour: float = Field(
        2.0,
        ge=0,
        le=MAX_WEIGHT,
        description="Cost of one agent-hour staffed beyond the requirement.",
    )
    request_unit: float = Field(
        10.0, ge=0, le=MAX_WEIGHT, description="Cost of one unit of request weight."
    )
    secondary_per_agent_hour: float = Field(
        4.0,
        ge=0,
        le=MAX_WEIGHT,
        description="Cost of one agent-hour spent on a shift's secondary channels (helping "
        "outside its pre-allocated work).",
    )
    fairness_per_day: float = Field(
        5.0,
        ge=0,
        le=MAX_WEIGHT,
        description="Cost per day of spread in weekend/holiday/standby duties.",
    )


class Scenario(BaseModel):
    """One project over one horizon: the complete input to the pipeline."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: str
    description: str = ""
    site: Site
    horizon: Horizon
    calendar: CalendarSpec = Field(default_factory=CalendarSpec)
    channels: list[Channel] = Field(min_length=1)
    shifts: list[ShiftTemplate] = Field(min_length=1)
    patterns: list[Pattern] = Field(min_length=1)
    agents: list[Agent] = Field(min_length=1)
    demand: DemandSpec
    pay: PayRules = Field(default_factory=PayRules)
    standby: StandbyRules = Field(default_factory=StandbyRules)
    weights: RosterWeights = Field(default_factory=RosterWeights)
    simulation: SimulationSettings = Field(default_factory=SimulationSettings)
    ramp_up: RampUp = Field(default_factory=RampUp)
    pooled_sizing: bool = Field(
        True,
        description="Size queued channels that the same agents carry at once on their joint "
        "workload (false: each channel alone, as if agents served one channel at a time).",
    )

    def proficiency(self, agent: Agent) -> float:
        """The agent's share of an experienced agent's output over the horizon.

        Its ramp-up stage at the horizon's start when it has a hire date (seed
        004), else its stated ``proficiency``.
        """
        if agent.hire_date is None:
            return agent.proficiency
        return self.ramp_up.proficiency(agent.hire_date, self.horizon.start)

    def team_proficiency(self) -> float:
        """Mean proficiency of the front-line agents (1.0 with none)."""
        front = [self.proficiency(a) for a in self.agents if a.role is Role.AGENT]
        return sum(front) / len(front) if front else 1.0

    def blended_pools(self) -> list[tuple[ChannelId, ...]]:
        """Queued channels carried by the same agents at once, grouped (groups of two or more).

        Two queued channels are in one group when some front-line agent may serve
        both on some shift and kind of day (their skills within the shift's
        channels); groups chain, so inbound+chat and chat+e-mail chat make one.
        Empty when ``pooled_sizing`` is off.
        """
        if not self.pooled_sizing:
            return []
        queued = {c.id for c in self.channels if c.kind.queued}
        parent: dict[ChannelId, ChannelId] = {c: c for c in queued}

        def root(c: ChannelId) -> ChannelId:
            while parent[c] != c:
                parent[c] = parent[parent[c]]
                c = parent[c]
            return c

        shifts = {s.id: s for s in self.shifts}
        for agent in self.agents:
            if agent.role is not Role.AGENT:
                continue
            skills = set(agent.skills) & queued
            for shift_id in agent.shifts:
                carried = list(shifts[shift_id].channels.values()) or [list(skills)]
                for channels in carried:
                    served = sorted(skills & set(channels))
                    for other in served[1:]:
                        parent[root(other)] = root(served[0])
        groups: dict[ChannelId, list[ChannelId]] = {}
        for c in sorted(queued):
            groups.setdefault(root(c), []).append(c)
        return [tuple(g) for g in groups.values() if len(g) > 1]

    @model_validator(mode="after")
    def _references(self) -> Self:
        problems: list[str] = []
        channel_ids = {c.id for c in self.channels}
        shift_ids = {s.id for s in self.shifts}
        pattern_ids = {p.id for p in self.patterns}
        for kind, ids in (
            ("channel", [c.id for c in self.channels]),
            ("shift", [s.id for s in self.shifts]),
            ("pattern", [p.id for p in self.patterns]),
            ("agent", [a.id for a in self.agents]),
        ):
            seen: set[str] = set()
            for i in ids:
                if i in seen:
                    problems.append(f"duplicate {kind} id {i!r}")
                seen.add(i)
        for s in self.shifts:
            for day_type, chans in s.channels.items():
                for c in chans:
                    if c not in channel_ids:
                        problems.append(
                            f"shift {s.id!r} carries unknown channel {c!r} on {day_type.value}"
                        )
            for day_type, chans in s.secondary.items():
                for c in chans:
                    if c not in channel_ids:
                        problems.append(
                            f"shift {s.id!r}: unknown secondary channel {c!r} on {day_type.value}"
                        )
        for p in self.patterns:
            for s_id in p.max_shifts:
                if s_id not in shift_ids:
                    problems.append(f"pattern {p.id!r}: max_shifts names unknown shift {s_id!r}")
        for a in self.agents:
            if a.pattern not in pattern_ids:
                problems.append(f"agent {a.id!r}: unknown pattern {a.pattern!r}")
            for s_id in a.shifts:
                if s_id not in shift_ids:
                    problems.append(f"agent {a.id!r}: unknown shift {s_id!r}")
            for c in a.skills:
                if c not in channel_ids:
                    problems.append(f"agent {a.id!r}: unknown skill channel {c!r}")
            for d, s_opt in a.preassigned.items():
                if s_opt is not None and s_opt not in a.shifts:
                    problems.append(
                        f"agent {a.id!r}: preassigned shift {s_opt!r} on {d} "
                        "is not one of its eligible shifts"
                    )
        demand_channels = {
            *(r.channel for r in self.demand.intervals),
            *(r.channel for r in self.demand.daily),
            *(r.channel for r in self.demand.profile),
        }
        for c in self.simulation.routing:
            if c not in channel_ids:
                problems.append(f"simulation.routing names unknown channel {c!r}")
        for c in sorted(demand_channels - channel_ids):
            problems.append(f"demand names unknown channel {c!r}")
        if not any(a.role is Role.AGENT for a in self.agents):
            problems.append("no front-line agent (role 'agent') on the roster")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def channel(self, channel_id: str) -> Channel:
        """Channel by id."""
        return {c.id: c for c in self.channels}[ChannelId(channel_id)]

    def pattern(self, pattern_id: str) -> Pattern:
        """Pattern by id."""
        return {p.id: p for p in self.patterns}[pattern_id]
