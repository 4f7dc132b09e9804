"""What-if variants of a scenario, and side-by-side comparison of two runs.

A planner asks "what if volume is 20 % higher on Monday", "what if A2 is on
leave on the 3rd", "what if the client raises the target to 90/15".
:class:`WhatIf` states such changes; :func:`apply_whatif` turns a scenario and
a what-if into a new, validated scenario, which runs through the same
pipeline as any other.

:func:`compare_runs` works on :class:`RunOutcome`, the serialisable part of a
run (KPIs, roster rows, requirement rows, costs, violations), so runs stored
by the HTTP API compare exactly like runs held in memory.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, Literal, Self
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rostering.domain.agents import Agent, LeaveKind
from rostering.domain.scenario import Scenario
from rostering.errors import Problem, ScenarioError
from rostering.io import scenario_from_data
from rostering.pipeline import RunKpis, RunResult, roster_table
from rostering.roster.solution import ROSTER_COLUMNS, CostLine, Violation
from rostering.types import AgentId, ChannelId

log = logging.getLogger(__name__)

#: The ``file`` of problems with the what-if itself (locations are what-if field paths).
WHATIF_FILE = "whatif"
#: The ``file`` of problems with the scenario the what-if produced.
CHANGED_FILE = "scenario after what-if"


class VolumeChange(BaseModel):
    """Scale forecast volume; the filters left empty match everything.

    ``{"factor": 1.2, "weekday": 0}`` is "volume 20 % higher on Mondays";
    ``{"factor": 0.5, "channel": "chat", "date": "2026-10-01"}`` halves chat on one day.
    """

    model_config = ConfigDict(extra="forbid")

    factor: float = Field(ge=0, le=100, description="Multiplier of the forecast volume.")
    channel: ChannelId | None = Field(None, description="Only this channel (default: all).")
    date: dt.date | None = Field(None, description="Only this date (default: every day).")
    weekday: int | None = Field(
        None, ge=0, le=6, description="Only this weekday, 0 = Monday (default: every day)."
    )


class AhtChange(BaseModel):
    """Change the average handling time of a channel (or of all): a factor or new seconds."""

    model_config = ConfigDict(extra="forbid")

    channel: ChannelId | None = Field(None, description="Only this channel (default: all).")
    factor: float | None = Field(None, gt=0, le=20, description="Multiplier of the AHT.")
    aht_s: float | None = Field(None, gt=0, le=36_000, description="New AHT in seconds.")

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.factor is None) == (self.aht_s is None):
            raise ValueError("give exactly one of factor or aht_s")
        return self


class TargetChange(BaseModel):
    """New service targets for one channel; only the fields given change.

    ``{"channel": "inbound", "service_level": 0.9, "threshold_s": 15}`` is the
    "90/15" target. A field given as ``null`` drops that target.
    """

    model_config = ConfigDict(extra="forbid")

    channel: ChannelId
    service_level: float | None = Field(None, gt=0, lt=1)
    threshold_s: float | None = Field(None, gt=0, le=3600)
    asa_s: float | None = Field(None, gt=0, le=3600)
    abandon_rate: float | None = Field(None, gt=0, lt=1)
    max_occupancy: float | None = Field(None, gt=0, le=1)

    @model_validator(mode="after")
    def _threshold(self) -> Self:
        if "threshold_s" in self.model_fields_set and self.threshold_s is None:
            raise ValueError("threshold_s cannot be dropped; give a number of seconds")
        return self

    def changes(self) -> dict[str, float | None]:
        """The target fields this change sets, by name."""
        return {
            name: getattr(self, name)
            for name in ("service_level", "threshold_s", "asa_s", "abandon_rate", "max_occupancy")
            if name in self.model_fields_set
        }


class AgentCopy(BaseModel):
    """Add ``count`` new agents like an existing one (skills, pattern, shifts, pay).

    The copies start with no history, leave or requests; their ids are
    ``"<like>+1"``, ``"<like>+2"``, ...
    """

    model_config = ConfigDict(extra="forbid")

    like: AgentId
    count: int = Field(1, ge=1, le=50)


class Absence(BaseModel):
    """A named agent away on the given days (becomes leave of that kind)."""

    model_config = ConfigDict(extra="forbid")

    agent: AgentId
    dates: list[dt.date] = Field(min_length=1, max_length=366)
    kind: LeaveKind = LeaveKind.ANNUAL


class WhatIf(BaseModel):
    """Overrides applied to a scenario before it is run. Every list may be empty."""

    model_config = ConfigDict(extra="forbid")

    label: str = Field("", max_length=200, description="A planner's name for the variant.")
    volume: list[VolumeChange] = Field(
        default_factory=list,
        max_length=200,
        description="Volume multipliers; where several match, they multiply.",
    )
    aht: list[AhtChange] = Field(
        default_factory=list, max_length=50, description="AHT changes, applied in order."
    )
    targets: list[TargetChange] = Field(
        default_factory=list, max_length=50, description="Service-target changes per channel."
    )
    remove_agents: list[AgentId] = Field(
        default_factory=list, max_length=500, description="Ids of people taken off the roster."
    )
    add_agents: list[Agent] = Field(
        default_factory=list, max_length=200, description="New people, stated in full."
    )
    copy_agents: list[AgentCopy] = Field(
        default_factory=list, max_length=50, description="New people like existing ones."
    )
    absences: list[Absence] = Field(
        default_factory=list, max_length=500, description="Named agents away on given days."
    )
    time_limit_s: float | None = Field(
        None, gt=0, le=3600, description="Solver time limit for this run, seconds."
    )

    @property
    def changes_scenario(self) -> bool:
        """True when the what-if changes the scenario (not only the solver)."""
        return bool(
            self.volume
            or self.aht
            or self.targets
            or self.remove_agents
            or self.add_agents
            or self.copy_agents
            or self.absences
        )


def _local_date(value: dt.datetime, tz: ZoneInfo) -> dt.date:
    return (value.astimezone(tz) if value.tzinfo else value).date()


def _volume_factor(changes: Iterable[VolumeChange], channel: str, *, day: dt.date) -> float:
    factor = 1.0
    for c in changes:
        if c.channel is not None and c.channel != channel:
            continue
        if c.date is not None and c.date != day:
            continue
        if c.weekday is not None and c.weekday != day.weekday():
            continue
        factor *= c.factor
    return factor


def _new_aht(changes: Iterable[AhtChange], channel: str, *, aht_s: float) -> float:
    for c in changes:
        if c.channel is not None and c.channel != channel:
            continue
        aht_s = c.aht_s if c.aht_s is not None else aht_s * (c.factor or 1.0)
    return aht_s


def _check_references(scenario: Scenario, whatif: WhatIf) -> list[Problem]:
    """Problems with ids and dates the what-if names, located by field path."""
    problems: list[Problem] = []
    channels = {str(c.id) for c in scenario.channels}
    dates = set(scenario.horizon.dates)
    people = {str(a.id) for a in scenario.agents}

    def channel_problem(where: str, channel: str | None) -> None:
        if channel is not None and channel not in channels:
            problems.append(
                Problem(WHATIF_FILE, where, f"unknown channel; known: {sorted(channels)}", channel)
            )

    for i, v in enumerate(whatif.volume):
        channel_problem(f"volume.{i}.channel", v.channel)
        if v.date is not None and v.date not in dates:
            problems.append(
                Problem(WHATIF_FILE, f"volume.{i}.date", "date outside the horizon", str(v.date))
            )
    for i, a in enumerate(whatif.aht):
        channel_problem(f"aht.{i}.channel", a.channel)
    for i, t in enumerate(whatif.targets):
        channel_problem(f"targets.{i}.channel", t.channel)
    for i, r in enumerate(whatif.remove_agents):
        if r not in people:
            problems.append(Problem(WHATIF_FILE, f"remove_agents.{i}", "unknown agent", r))
    remaining = people - set(whatif.remove_agents)
    for i, add in enumerate(whatif.add_agents):
        if add.id in remaining:
            problems.append(
                Problem(WHATIF_FILE, f"add_agents.{i}.id", "an agent with this id exists", add.id)
            )
        remaining.add(add.id)
    for i, cp in enumerate(whatif.copy_agents):
        if cp.like not in remaining:
            problems.append(Problem(WHATIF_FILE, f"copy_agents.{i}.like", "unknown agent", cp.like))
            continue
        for n in range(1, cp.count + 1):
            new_id = f"{cp.like}+{n}"
            if new_id in remaining:
                problems.append(
                    Problem(
                        WHATIF_FILE,
                        f"copy_agents.{i}",
                        "a copy's id clashes with an existing agent",
                        new_id,
                    )
                )
            remaining.add(new_id)
    for i, ab in enumerate(whatif.absences):
        if ab.agent not in remaining:
            problems.append(Problem(WHATIF_FILE, f"absences.{i}.agent", "unknown agent", ab.agent))
        for j, d in enumerate(ab.dates):
            if d not in dates:
                problems.append(
                    Problem(
                        WHATIF_FILE, f"absences.{i}.dates.{j}", "date outside the horizon", str(d)
                    )
                )
    return problems


def apply_whatif(scenario: Scenario, whatif: WhatIf) -> Scenario:
    """A new scenario with the what-if's changes; the input is left unchanged.

    Order: volume and AHT, service targets, removed agents, added agents,
    copies, absences (so an added agent can be absent). An absence replaces
    any leave, fixed shift or request the agent had on that day.

    Raises
    ------
    ScenarioError
        Naming the what-if field (``file="whatif"``, e.g. ``absences.0.agent``)
        for unknown ids and dates outside the horizon, or the scenario field
        (``file="scenario after what-if"``) when the changed scenario no longer
        holds together (e.g. no front-line agent left).
    """
    problems = _check_references(scenario, whatif)
    if problems:
        raise ScenarioError(problems)
    data: dict[str, Any] = scenario.model_dump(mode="python")
    tz = ZoneInfo(scenario.site.timezone)

    for key in ("intervals", "daily"):
        for row in data["demand"][key]:
            day = row["date"] if key == "daily" else _local_date(row["interval_start"], tz)
            row["volume"] = row["volume"] * _volume_factor(whatif.volume, row["channel"], day=day)
            row["aht_s"] = _new_aht(whatif.aht, row["channel"], aht_s=row["aht_s"])

    targets_by_channel: dict[str, dict[str, float | None]] = defaultdict(dict)
    for t in whatif.targets:
        targets_by_channel[t.channel].update(t.changes())
    for channel in data["channels"]:
        channel["targets"].update(targets_by_channel.get(channel["id"], {}))

    removed = set(whatif.remove_agents)
    agents: list[dict[str, Any]] = [a for a in data["agents"] if a["id"] not in removed]
    agents.extend(a.model_dump(mode="python") for a in whatif.add_agents)
    by_id = {a["id"]: a for a in agents}
    for cp in whatif.copy_agents:
        model = by_id[cp.like]
        for n in range(1, cp.count + 1):
            copy = {
                **model,
                "id": f"{cp.like}+{n}",
                "name": f"{model['name'] or cp.like} (copy {n})",
                "history": "",
                "leave": [],
                "unavailable": [],
                "preassigned": {},
                "requests": [],
            }
            agents.append(copy)
            by_id[copy["id"]] = copy
    for ab in whatif.absences:
        person = by_id[ab.agent]
        away = set(ab.dates)
        person["leave"] = [lv for lv in person["leave"] if lv["date"] not in away]
        person["leave"].extend({"date": d, "kind": ab.kind} for d in sorted(away))
        person["preassigned"] = {d: s for d, s in person["preassigned"].items() if d not in away}
        person["requests"] = [r for r in person["requests"] if r["date"] not in away]
    data["agents"] = agents
    if whatif.label:
        data["description"] = f"{scenario.description} [what-if: {whatif.label}]".strip()
    changed = scenario_from_data(data, file=CHANGED_FILE)
    log.info(
        "what-if %r on %s: %d agents (was %d)",
        whatif.label,
        scenario.name,
        len(changed.agents),
        len(scenario.agents),
    )
    return changed


# ---------------------------------------------------------------------------
# serialisable run outcomes


class RosterRow(BaseModel):
    """One row of ``roster.csv``: a person's shift or standby duty on one day."""

    model_config = ConfigDict(extra="forbid")

    agent: str
    agent_name: str = ""
    role: str = ""
    date: dt.date
    shift: str = Field("", description="Shift id; empty on a standby-only day.")
    start: str = ""
    end: str = ""
    meal_start: str = ""
    meal_end: str = ""
    channels: str = Field("", description="Channels served, pipe-separated.")
    standby: str = Field("", description="'supervisor' or 'backup' when on standby.")


class RequirementRow(BaseModel):
    """One row of ``requirements.csv``: need and staffing of a channel in one interval."""

    model_config = ConfigDict(extra="forbid")

    interval_start: dt.datetime
    channel: str
    volume: float
    aht_s: float
    required_agents: float
    required: int
    scheduled: int
    shortfall: int
    surplus: int
    service_level: float | None = None
    asa_s: float | None = None
    abandon_rate: float | None = None
    occupancy: float | None = None


class RunOutcome(BaseModel):
    """The serialisable result of a run, as stored and compared."""

    model_config = ConfigDict(extra="forbid")

    interval_minutes: int = Field(gt=0)
    kpis: RunKpis
    roster: list[RosterRow]
    requirements: list[RequirementRow]
    costs: list[CostLine] = Field(default_factory=list)
    violations: list[Violation] = Field(default_factory=list)
    conflicts: list[str] = Field(default_factory=list)


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def outcome_of(result: RunResult) -> RunOutcome:
    """The serialisable outcome of an in-memory run (NaN and infinity become ``None``)."""
    roster = [
        RosterRow.model_validate({c: row[c] for c in ROSTER_COLUMNS})
        for row in roster_table(result).to_dict(orient="records")
    ]
    requirements = [
        RequirementRow(
            interval_start=row["interval_start"].to_pydatetime(),
            channel=str(row["channel"]),
            volume=float(row["volume"]),
            aht_s=float(row["aht_s"]),
            required_agents=float(row["required_agents"]),
            required=int(row["required"]),
            scheduled=int(row["scheduled"]),
            shortfall=int(row["shortfall"]),
            surplus=int(row["surplus"]),
            service_level=_finite(row["service_level"]),
            asa_s=_finite(row["asa_s"]),
            abandon_rate=_finite(row["abandon_rate"]),
            occupancy=_finite(row["occupancy"]),
        )
        for row in result.requirements.to_dict(orient="records")
    ]
    return RunOutcome(
        interval_minutes=result.scenario.horizon.interval_minutes,
        kpis=result.kpis,
        roster=roster,
        requirements=requirements,
        costs=list(result.solution.costs),
        violations=list(result.solution.violations),
        conflicts=list(result.solution.conflicts),
    )


# ---------------------------------------------------------------------------
# comparison


class KpiDelta(BaseModel):
    """One number in run A and run B, and B minus A."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="e.g. 'labour_cost', 'service_level'.")
    channel: str | None = Field(None, description="The channel, for per-channel KPIs.")
    a: float | None
    b: float | None
    delta: float | None = Field(description="b - a; None when either is missing.")


class CostDelta(BaseModel):
    """One person's pay in run A and run B (0 where absent from a run)."""

    model_config = ConfigDict(extra="forbid")

    agent: str
    a: float
    b: float
    delta: float


class CoverageDelta(BaseModel):
    """Required, scheduled and short agent-hours of one channel on one day, A and B."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    channel: str
    required_a: float
    required_b: float
    scheduled_a: float
    scheduled_b: float
    shortfall_a: float
    shortfall_b: float
    shortfall_delta: float = Field(description="shortfall_b - shortfall_a, agent-hours.")


class AssignmentChange(BaseModel):
    """A person's day that differs between the runs (meal times are not compared)."""

    model_config = ConfigDict(extra="forbid")

    agent: str
    date: dt.date
    change: Literal["added", "removed", "changed"] = Field(
        description="added: works only in B; removed: only in A; changed: both, differently."
    )
    before: str = Field(description="A's duty, e.g. 'A 09:00-21:00 inbound|chat', or ''.")
    after: str = Field(description="B's duty, or ''.")
    fields: list[str] = Field(description="Roster columns that differ.")


class Comparison(BaseModel):
    """Run B against run A: headline and per-channel KPIs, cost, coverage, assignments."""

    model_config = ConfigDict(extra="forbid")

    label_a: str = "A"
    label_b: str = "B"
    kpis: list[KpiDelta]
    costs: list[CostDelta] = Field(description="Per person, then a row with agent 'TOTAL'.")
    coverage: list[CoverageDelta] = Field(description="Per day and channel, agent-hours.")
    assignments: list[AssignmentChange]
    assignments_changed: int = Field(description="len(assignments).")


_COMPARED_ROSTER_FIELDS = ("shift", "start", "end", "channels", "standby")
_HEADLINE = ("labour_cost", "objective", "hard_violations", "soft_violations", "wall_time_s")
_PER_CHANNEL = (
    "volume",
    "required_agent_hours",
    "scheduled_agent_hours",
    "coverage",
    "service_level",
    "asa_s",
    "abandon_rate",
    "occupancy",
)


def _delta(name: str, a: float | None, *, b: float | None, channel: str | None = None) -> KpiDelta:
    a, b = _finite(a), _finite(b)
    delta = b - a if a is not None and b is not None else None
    return KpiDelta(name=name, channel=channel, a=a, b=b, delta=delta)


def _duty(row: RosterRow | None) -> str:
    if row is None:
        return ""
    parts = []
    if row.shift:
        parts.append(f"{row.shift} {row.start[11:16]}-{row.end[11:16]}")
        if row.channels:
            parts.append(row.channels)
    if row.standby:
        parts.append(f"standby {row.standby}")
    return " ".join(parts)


def _coverage_by_day(outcome: RunOutcome) -> dict[tuple[dt.date, str], tuple[float, float, float]]:
    hours = outcome.interval_minutes / 60
    totals: dict[tuple[dt.date, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for r in outcome.requirements:
        t = totals[(r.interval_start.date(), r.channel)]
        t[0] += r.required * hours
        t[1] += r.scheduled * hours
        t[2] += r.shortfall * hours
    return {k: (v[0], v[1], v[2]) for k, v in totals.items()}


def compare_runs(
    a: RunOutcome, b: RunOutcome, *, label_a: str = "A", label_b: str = "B"
) -> Comparison:
    """Run ``b`` against run ``a``: every delta is B minus A.

    KPIs: the headline numbers, then each channel's service numbers (a channel
    present in one run only shows ``None`` on the other side). Costs: per
    person and in total. Coverage: required, scheduled and short agent-hours
    per day and channel. Assignments: every person-day whose shift, times,
    channels or standby differ, sorted by date then person.
    """
    kpis = [_delta(n, getattr(a.kpis, n), b=getattr(b.kpis, n)) for n in _HEADLINE]
    chan_a = {c.channel: c for c in a.kpis.channels}
    chan_b = {c.channel: c for c in b.kpis.channels}
    for channel in [*chan_a, *(c for c in chan_b if c not in chan_a)]:
        ca, cb = chan_a.get(channel), chan_b.get(channel)
        for name in _PER_CHANNEL:
            kpis.append(
                _delta(
                    name,
                    getattr(ca, name) if ca else None,
                    b=getattr(cb, name) if cb else None,
                    channel=channel,
                )
            )

    pay_a = {str(c.agent): c.total for c in a.costs}
    pay_b = {str(c.agent): c.total for c in b.costs}
    people = sorted(set(pay_a) | set(pay_b))
    costs = [
        CostDelta(
            agent=p,
            a=pay_a.get(p, 0.0),
            b=pay_b.get(p, 0.0),
            delta=pay_b.get(p, 0.0) - pay_a.get(p, 0.0),
        )
        for p in people
    ]
    total_a, total_b = sum(pay_a.values()), sum(pay_b.values())
    costs.append(CostDelta(agent="TOTAL", a=total_a, b=total_b, delta=total_b - total_a))

    cov_a, cov_b = _coverage_by_day(a), _coverage_by_day(b)
    coverage = []
    for key in sorted(set(cov_a) | set(cov_b)):
        ra, sa, fa = cov_a.get(key, (0.0, 0.0, 0.0))
        rb, sb, fb = cov_b.get(key, (0.0, 0.0, 0.0))
        coverage.append(
            CoverageDelta(
                date=key[0],
                channel=key[1],
                required_a=ra,
                required_b=rb,
                scheduled_a=sa,
                scheduled_b=sb,
                shortfall_a=fa,
                shortfall_b=fb,
                shortfall_delta=fb - fa,
            )
        )

    rows_a = {(r.agent, r.date): r for r in a.roster}
    rows_b = {(r.agent, r.date): r for r in b.roster}
    changes: list[AssignmentChange] = []
    for person_day in sorted(set(rows_a) | set(rows_b), key=lambda k: (k[1], k[0])):
        ra_row, rb_row = rows_a.get(person_day), rows_b.get(person_day)
        if ra_row is None or rb_row is None:
            change: Literal["added", "removed", "changed"] = (
                "added" if ra_row is None else "removed"
            )
            fields = list(_COMPARED_ROSTER_FIELDS)
        else:
            fields = [
                f for f in _COMPARED_ROSTER_FIELDS if getattr(ra_row, f) != getattr(rb_row, f)
            ]
            if not fields:
                continue
            change = "changed"
        changes.append(
            AssignmentChange(
                agent=person_day[0],
                date=person_day[1],
                change=change,
                before=_duty(ra_row),
                after=_duty(rb_row),
                fields=fields,
            )
        )
    return Comparison(
        label_a=label_a,
        label_b=label_b,
        kpis=kpis,
        costs=costs,
        coverage=coverage,
        assignments=changes,
        assignments_changed=len(changes),
    )


__all__ = [
    "CHANGED_FILE",
    "WHATIF_FILE",
    "Absence",
    "AgentCopy",
    "AhtChange",
    "AssignmentChange",
    "Comparison",
    "CostDelta",
    "CoverageDelta",
    "KpiDelta",
    "RequirementRow",
    "RosterRow",
    "RunOutcome",
    "TargetChange",
    "VolumeChange",
    "WhatIf",
    "apply_whatif",
    "compare_runs",
    "outcome_of",
]
