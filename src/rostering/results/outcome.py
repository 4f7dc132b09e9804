"""The serialisable outcome of a run: roster rows, requirement rows, KPIs, costs, violations.

Runs stored by the HTTP API and runs held in memory become the same
:class:`RunOutcome`, so they are shown and compared alike. :func:`roster_table`
is the ``roster.csv`` a run writes.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from rostering.results.numbers import finite_or_none
from rostering.results.run import RunKpis, RunResult
from rostering.roster.solution import ROSTER_COLUMNS, CostLine, Violation


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
    breaks: str = Field("", description="Short breaks: ISO 8601 intervals, pipe-separated.")
    channels: str = Field("", description="Channels served, pipe-separated.")
    standby: str = Field("", description="'supervisor' or 'backup' when on standby.")


class RequirementRow(BaseModel):
    """One row of ``requirements.csv``: need and staffing of a channel in one interval."""

    model_config = ConfigDict(extra="forbid")

    interval_start: dt.datetime
    channel: str
    pool: str = Field("", description="The pool staffing the channel (the channel when alone).")
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


def roster_table(result: RunResult) -> pd.DataFrame:
    """One row per agent and day worked or on standby (the ``roster.csv`` columns)."""
    people = {a.id: a for a in result.scenario.agents}
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for a in result.solution.assignments:
        rows[(a.agent, a.date.isoformat())] = {
            "agent": a.agent,
            "agent_name": people[a.agent].name,
            "role": people[a.agent].role.value,
            "date": a.date.isoformat(),
            "shift": a.shift,
            "start": a.start.isoformat(),
            "end": a.end.isoformat(),
            "meal_start": a.meal_start.isoformat() if a.meal_start else "",
            "meal_end": a.meal_end.isoformat() if a.meal_end else "",
            "breaks": "|".join(b.text() for b in a.breaks),
            "channels": "|".join(a.channels),
            "standby": "",
        }
    for duty in result.solution.standby:
        key = (duty.agent, duty.date.isoformat())
        row = rows.setdefault(
            key,
            {
                "agent": duty.agent,
                "agent_name": people[duty.agent].name,
                "role": people[duty.agent].role.value,
                "date": duty.date.isoformat(),
                "shift": "",
                "start": "",
                "end": "",
                "meal_start": "",
                "meal_end": "",
                "breaks": "",
                "channels": "",
                "standby": "",
            },
        )
        row["standby"] = duty.kind
    frame = pd.DataFrame(list(rows.values()), columns=list(ROSTER_COLUMNS))
    return frame.sort_values(["date", "agent"], kind="stable").reset_index(drop=True)


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
            pool=str(row.get("pool", row["channel"])),
            volume=float(row["volume"]),
            aht_s=float(row["aht_s"]),
            required_agents=float(row["required_agents"]),
            required=int(row["required"]),
            scheduled=int(row["scheduled"]),
            shortfall=int(row["shortfall"]),
            surplus=int(row["surplus"]),
            service_level=finite_or_none(row["service_level"]),
            asa_s=finite_or_none(row["asa_s"]),
            abandon_rate=finite_or_none(row["abandon_rate"]),
            occupancy=finite_or_none(row["occupancy"]),
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


__all__ = [
    "RequirementRow",
    "RosterRow",
    "RunOutcome",
    "finite_or_none",
    "outcome_of",
    "roster_table",
]
