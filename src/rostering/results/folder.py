"""Reading back the folder ``rostering solve`` wrote: scenario, demand, roster and KPIs.

Every problem names the file, the row (1 = the first data row) and the field.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from rostering.domain.agents import Role
from rostering.domain.scenario import Scenario
from rostering.errors import InputError
from rostering.results.run import RunKpis
from rostering.roster.solution import Assignment, Stretch
from rostering.types import AgentId, ChannelId, ShiftId

RUN_FILES = ("scenario.json", "requirements.csv", "roster.csv", "secondary.csv", "kpis.json")
"""Files of a run folder that a replay needs."""

SECONDARY_COLUMNS = ("agent", "date", "start", "end", "channels")
"""Columns of ``secondary.csv``: stretches an agent helps beyond its shift's own channels."""

_DEMAND = ("interval_start", "channel", "volume", "aht_s")


def _need(run: Path, name: str) -> Path:
    path = run / name
    if not path.is_file():
        raise InputError(
            f"{path}: missing; a `rostering solve` folder holds {', '.join(RUN_FILES)}"
        )
    return path


def _csv(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable CSV ({exc})") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: missing column {missing[0]!r}")
    return frame


def _time(path: Path, row: int, field: str, text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"{path} row {row}, {field}: not an ISO 8601 time: {text!r}") from None
    if value.tzinfo is None:
        raise InputError(f"{path} row {row}, {field}: needs a UTC offset: {text!r}")
    return value


def _demand(path: Path) -> pd.DataFrame:
    frame = _csv(path, _DEMAND)
    out = pd.DataFrame({"channel": frame["channel"]})
    try:
        out["interval_start"] = pd.to_datetime(frame["interval_start"], format="ISO8601")
    except (ValueError, TypeError) as exc:
        raise InputError(f"{path}, interval_start: {exc}") from None
    for column in ("volume", "aht_s"):
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() | (values < 0)
        if bad.any():
            row = int(bad.to_numpy().argmax()) + 1
            raise InputError(
                f"{path} row {row}, {column}: not a number >= 0: {frame[column].iloc[row - 1]!r}"
            )
        out[column] = values.astype(float)
    return out[list(_DEMAND)]


def _assignments(path: Path, scenario: Scenario) -> list[Assignment]:
    frame = _csv(path, ("agent", "date", "shift", "start", "end", "meal_start", "meal_end"))
    channels_col = "channels" in frame.columns
    people = {a.id: a for a in scenario.agents}
    shifts = {s.id for s in scenario.shifts}
    known = {c.id for c in scenario.channels}
    start = scenario.horizon.start
    out: list[Assignment] = []
    for i, row in enumerate(frame.to_dict(orient="records"), start=1):
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
                channels=[ChannelId(c) for c in carried],
            )
        )
    return out


def _helping(path: Path, assignments: list[Assignment]) -> list[Assignment]:
    frame = _csv(path, SECONDARY_COLUMNS)
    by_key = {(a.agent, a.date.isoformat()): i for i, a in enumerate(assignments)}
    out = list(assignments)
    for i, row in enumerate(frame.to_dict(orient="records"), start=1):
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


def read_run_folder(run: Path) -> tuple[Scenario, pd.DataFrame, list[Assignment], RunKpis]:
    """The scenario as run, its demand, the roster's assignments and the KPIs of a run folder.

    Raises :class:`InputError` naming the file (and row and field) that is
    missing, unreadable, or does not match the scenario.
    """
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
    demand = _demand(_need(run, "requirements.csv"))
    assignments = _assignments(_need(run, "roster.csv"), scenario)
    assignments = _helping(_need(run, "secondary.csv"), assignments)
    return scenario, demand, assignments, kpis


__all__ = ["RUN_FILES", "SECONDARY_COLUMNS", "read_run_folder"]
