"""Reading back the folder ``rostering solve`` wrote: scenario, demand, roster and KPIs.

:func:`read_run_folder` gives what a replay needs (the scenario as run, its
demand, the roster's assignments, the KPIs); :func:`read_run_outcome` gives the
run's :class:`~rostering.results.outcome.RunOutcome`, what a comparison reads.
Every problem names the file, the row (the header is row 1, the first data
row is row 2) and the field.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TypeVar

import pandas as pd
from pydantic import BaseModel, ValidationError

from rostering.domain.agents import Role
from rostering.domain.scenario import Scenario
from rostering.errors import InputError
from rostering.results.costs import read_costs
from rostering.results.csv_input import read_columns
from rostering.results.outcome import RequirementRow, RosterRow, RunOutcome
from rostering.results.run import RunKpis
from rostering.roster.solution import Assignment, BreakTime, Stretch, Violation
from rostering.types import AgentId, ChannelId, ShiftId

RUN_FILES = ("scenario.json", "requirements.csv", "roster.csv", "secondary.csv", "kpis.json")
"""Files of a run folder that a replay needs."""

SECONDARY_COLUMNS = ("agent", "date", "start", "end", "channels")
"""Columns of ``secondary.csv``: stretches an agent helps beyond its shift's own channels."""

_DEMAND = ("interval_start", "channel", "volume", "aht_s")
_REQUIREMENT_FIELDS = tuple(
    name for name, field in RequirementRow.model_fields.items() if field.is_required()
)
"""Columns of ``requirements.csv`` a comparison needs (the predicted service may be empty)."""

_Row = TypeVar("_Row", bound=BaseModel)


def _need(run: Path, name: str) -> Path:
    path = run / name
    if not path.is_file():
        raise InputError(
            f"{path}: missing; a `rostering solve` folder holds {', '.join(RUN_FILES)}"
        )
    return path


def _time(path: Path, row: int, field: str, text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"{path} row {row}, {field}: not an ISO 8601 time: {text!r}") from None
    if value.tzinfo is None:
        raise InputError(f"{path} row {row}, {field}: needs a UTC offset: {text!r}")
    return value


def _demand(path: Path) -> pd.DataFrame:
    frame = read_columns(path, _DEMAND)
    out = pd.DataFrame({"channel": frame["channel"]})
    try:
        out["interval_start"] = pd.to_datetime(frame["interval_start"], format="ISO8601")
    except (ValueError, TypeError) as exc:
        raise InputError(f"{path}, interval_start: {exc}") from None
    for column in ("volume", "aht_s"):
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() | (values < 0)
        if bad.any():
            row = int(bad.to_numpy().argmax()) + 2
            raise InputError(
                f"{path} row {row}, {column}: not a number >= 0: {frame[column].iloc[row - 2]!r}"
            )
        out[column] = values.astype(float)
    return out[list(_DEMAND)]


def _assignments(path: Path, scenario: Scenario) -> list[Assignment]:
    frame = read_columns(path, ("agent", "date", "shift", "start", "end", "meal_start", "meal_end"))
    channels_col = "channels" in frame.columns
    people = {a.id: a for a in scenario.agents}
    shifts = {s.id for s in scenario.shifts}
    known = {c.id for c in scenario.channels}
    start = scenario.horizon.start
    out: list[Assignment] = []
    for i, row in enumerate(frame.to_dict(orient="records"), start=2):
        if not row["shift"]:
            continue  # standby only
        agent = row["agent"]
        if agent not in people:
            raise InputError(f"{path} row {i}, agent: {agent!r} is not in the scenario")
        if row["shift"] not in shifts:
            raise InputError(f"{path} row {i}, shift: {row['shift']!r} is not in the scenario")
        try:
            date = dt.date.fromisoformat(row["date"])
        except ValueError:
            raise InputError(f"{path} row {i}, date: not a date: {row['date']!r}") from None
        day = (date - start).days
        if not 0 <= day < scenario.horizon.days:
            raise InputError(f"{path} row {i}, date: {date} is outside the scenario's horizon")
        carried = [c for c in (row["channels"].split("|") if channels_col else []) if c]
        unknown = [c for c in carried if c not in known]
        if unknown:
            raise InputError(f"{path} row {i}, channels: unknown channel {unknown[0]!r}")
        if people[agent].role is Role.AGENT and not carried:
            carried = list(people[agent].skills)
        meal = (row["meal_start"], row["meal_end"])
        try:
            breaks = BreakTime.parse_list(str(row.get("breaks") or ""))
        except ValueError as exc:
            raise InputError(f"{path} row {i}, breaks: {exc}") from None
        out.append(
            Assignment(
                agent=AgentId(agent),
                day=day,
                date=date,
                shift=ShiftId(row["shift"]),
                start=_time(path, i, "start", row["start"]),
                end=_time(path, i, "end", row["end"]),
                meal_start=_time(path, i, "meal_start", meal[0]) if meal[0] else None,
                meal_end=_time(path, i, "meal_end", meal[1]) if meal[1] else None,
                breaks=breaks,
                channels=[ChannelId(c) for c in carried],
            )
        )
    return out


def _helping(path: Path, assignments: list[Assignment]) -> list[Assignment]:
    frame = read_columns(path, SECONDARY_COLUMNS)
    by_key = {(a.agent, a.date.isoformat()): i for i, a in enumerate(assignments)}
    out = list(assignments)
    for i, row in enumerate(frame.to_dict(orient="records"), start=2):
        key = (row["agent"], row["date"])
        if key not in by_key:
            raise InputError(
                f"{path} row {i}, agent: {row['agent']!r} works no shift on {row['date']} "
                "in roster.csv"
            )
        at = by_key[key]
        stretch = Stretch(
            start=_time(path, i, "start", row["start"]),
            end=_time(path, i, "end", row["end"]),
            channels=[ChannelId(c) for c in row["channels"].split("|") if c],
        )
        if not out[at].start <= stretch.start < stretch.end <= out[at].end:
            raise InputError(f"{path} row {i}, start: the stretch is not inside the shift")
        out[at] = out[at].model_copy(update={"secondary": [*out[at].secondary, stretch]})
    return out


def _scenario_and_kpis(run: Path) -> tuple[Scenario, RunKpis]:
    if not run.is_dir():
        raise InputError(f"{run}: not a folder written by `rostering solve`")
    scenario_path = _need(run, "scenario.json")
    try:
        scenario = Scenario.model_validate_json(scenario_path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "(top level)"
        raise InputError(f"{scenario_path}, {where}: {first['msg']}") from None
    kpis_path = _need(run, "kpis.json")
    try:
        kpis = RunKpis.model_validate(json.loads(kpis_path.read_text(encoding="utf-8")))
    except (ValidationError, json.JSONDecodeError) as exc:
        raise InputError(f"{kpis_path}: not the kpis.json of a run ({exc})") from None
    if kpis.scenario != scenario.name:
        raise InputError(
            f"{kpis_path}: scenario {kpis.scenario!r} does not match scenario.json "
            f"({scenario.name!r})"
        )
    return scenario, kpis


def read_run_folder(run: Path) -> tuple[Scenario, pd.DataFrame, list[Assignment], RunKpis]:
    """The scenario as run, its demand, the roster's assignments and the KPIs of a run folder.

    Raises :class:`InputError` naming the file (and row and field) that is
    missing, unreadable, or does not match the scenario.
    """
    scenario, kpis = _scenario_and_kpis(run)
    demand = _demand(_need(run, "requirements.csv"))
    assignments = _assignments(_need(run, "roster.csv"), scenario)
    assignments = _helping(_need(run, "secondary.csv"), assignments)
    return scenario, demand, assignments, kpis


def _records(path: Path, model: type[_Row], columns: tuple[str, ...]) -> list[_Row]:
    """Each row of a CSV as ``model`` (empty cells take the field's default)."""
    frame = read_columns(path, columns)
    known = set(model.model_fields)
    out: list[_Row] = []
    for i, row in enumerate(frame.to_dict(orient="records"), start=2):
        record = {k: v for k, v in row.items() if k in known and v != ""}
        try:
            out.append(model.model_validate(record))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(x) for x in first["loc"]) or "(row)"
            raise InputError(f"{path} row {i}, {field}: {first['msg']}") from None
    return out


def _roster_rows(path: Path, scenario: Scenario) -> list[RosterRow]:
    rows = _records(path, RosterRow, ("agent", "date", "shift", "standby"))
    people = {a.id for a in scenario.agents}
    shifts = {s.id for s in scenario.shifts}
    dates = set(scenario.horizon.dates)
    for i, row in enumerate(rows, start=2):
        if row.agent not in people:
            raise InputError(f"{path} row {i}, agent: {row.agent!r} is not in the scenario")
        if row.date not in dates:
            raise InputError(f"{path} row {i}, date: {row.date} is outside the scenario's horizon")
        if row.shift and row.shift not in shifts:
            raise InputError(f"{path} row {i}, shift: {row.shift!r} is not in the scenario")
        if not row.shift and not row.standby:
            raise InputError(f"{path} row {i}, shift: empty on a day without standby")
    return rows


def read_roster_rows(run: Path) -> tuple[Scenario, list[RosterRow]]:
    """The scenario as run and the ``roster.csv`` rows of a run folder, checked against it.

    Raises :class:`InputError` naming the file, row and field of a person,
    date or shift the scenario does not have.
    """
    scenario, _ = _scenario_and_kpis(run)
    return scenario, _roster_rows(_need(run, "roster.csv"), scenario)


def read_run_outcome(run: Path) -> RunOutcome:
    """The outcome of a run folder, as :func:`~rostering.results.outcome.outcome_of` gives it.

    Reads ``scenario.json``, ``kpis.json``, ``roster.csv``, ``requirements.csv``,
    ``costs.csv`` and ``violations.csv``. KPIs, roster rows, whole staff counts
    and costs read back exactly; the requirements' volumes, AHT and predicted
    service are as the CSV rounded them (four decimals).

    Raises :class:`InputError` naming the file (and row and field) that is
    missing, unreadable, or does not match the scenario.
    """
    scenario, kpis = _scenario_and_kpis(run)
    roster = _roster_rows(_need(run, "roster.csv"), scenario)
    requirements = _records(_need(run, "requirements.csv"), RequirementRow, _REQUIREMENT_FIELDS)
    costs_path = run / "costs.csv"
    if not costs_path.is_file():
        raise InputError(
            f"{costs_path}: missing; `rostering solve` writes it (folders solved before it "
            "did lack it: solve again)"
        )
    violations = _records(
        _need(run, "violations.csv"), Violation, ("rule", "where", "amount", "cost", "hard")
    )
    return RunOutcome(
        interval_minutes=scenario.horizon.interval_minutes,
        kpis=kpis,
        roster=roster,
        requirements=requirements,
        costs=read_costs(costs_path),
        violations=violations,
    )


__all__ = [
    "RUN_FILES",
    "SECONDARY_COLUMNS",
    "read_roster_rows",
    "read_run_folder",
    "read_run_outcome",
]
