"""What-if variants of a scenario: the changes a planner asks for, applied to a scenario.

A planner asks "what if volume is 20 % higher on Monday", "what if A2 is on
leave on the 3rd", "what if the client raises the target to 90/15".
:class:`WhatIf` states such changes; :func:`apply_whatif` turns a scenario and
a what-if into a new, validated scenario, which runs through the same
pipeline as any other.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Self
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rostering.domain.agents import Agent, LeaveKind
from rostering.domain.scenario import Scenario
from rostering.errors import Problem, ScenarioError
from rostering.io import problems_from_validation, scenario_from_data
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
    simulate: bool | None = Field(
        None,
        description="Simulate the roster after solving (and correct it); None keeps the "
        "scenario's setting.",
    )
    change_weight: float | None = Field(
        None,
        ge=0,
        le=100_000,
        description="Started from a baseline roster: yuan-equivalent cost of each person-day "
        "changed from it (None: the default, 50).",
    )
    max_changes: int | None = Field(
        None,
        ge=0,
        description="Started from a baseline roster: at most this many person-days may "
        "change (None: no cap).",
    )

    @property
    def changes_scenario(self) -> bool:
        """True when the what-if changes the scenario (not only the solver or the baseline)."""
        return bool(
            self.volume
            or self.aht
            or self.targets
            or self.remove_agents
            or self.add_agents
            or self.copy_agents
            or self.absences
            or self.simulate is not None
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


def load_whatif(path: str | Path) -> WhatIf:
    """Read a what-if from a YAML (or JSON) file of :class:`WhatIf` fields.

    Raises
    ------
    ScenarioError
        Naming the file and the field path (``volume.0.factor``) of each
        fault, or the line and column of a YAML syntax error.
    """
    path = Path(path)
    if not path.is_file():
        raise ScenarioError([Problem(str(path), "", "what-if file not found")])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ScenarioError([Problem(str(path), where, f"invalid YAML: {exc}")]) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem(str(path), "", f"not UTF-8 text: {exc}")]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError([Problem(str(path), "", "expected a mapping of what-if fields")])
    try:
        return WhatIf.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation(exc, file=str(path))) from None


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
    if whatif.simulate is not None:
        data["simulation"]["enabled"] = whatif.simulate
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


__all__ = [
    "CHANGED_FILE",
    "WHATIF_FILE",
    "Absence",
    "AgentCopy",
    "AhtChange",
    "TargetChange",
    "VolumeChange",
    "WhatIf",
    "apply_whatif",
    "load_whatif",
]
