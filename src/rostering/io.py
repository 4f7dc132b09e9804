"""Scenario folders to and from models.

A scenario folder holds ``scenario.yaml`` and the CSV files it names::

    agents: agents.csv                 # or an inline list of agents
    demand:
      intervals: demand.csv            # interval_start, channel, volume, aht_s
      # or: daily: daily.csv + profile: profile.csv

Every fault is reported at once as a :class:`~rostering.errors.Problem`
naming the file, the field path or CSV row and column, the value and why.
CSV rows are numbered as a spreadsheet shows them: the header is row 1, the
first data row is row 2.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from rostering.domain.scenario import Scenario
from rostering.errors import Problem, ScenarioError

log = logging.getLogger(__name__)

SCENARIO_FILE = "scenario.yaml"

#: Columns of a CSV that hold pipe-separated lists.
_LIST_COLUMNS = {"skills", "shifts", "unavailable"}
#: Where each CSV-capable field lives in the scenario, and its required columns.
_CSV_FIELDS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("agents",): ("id", "pattern", "shifts"),
    ("demand", "intervals"): ("interval_start", "channel", "volume", "aht_s"),
    ("demand", "daily"): ("date", "channel", "volume", "aht_s"),
    ("demand", "profile"): ("time", "channel", "weight"),
}


class _Origin:
    """Where each list item of the scenario came from, for error messages."""

    def __init__(self, yaml_name: str) -> None:
        self.yaml_name = yaml_name
        self.csv: dict[tuple[str, ...], tuple[str, list[int]]] = {}

    def locate(self, loc: Sequence[str | int]) -> tuple[str, str]:
        """Map a pydantic error location to (file, location text)."""
        parts = [str(p) for p in loc]
        for key, (file, lines) in self.csv.items():
            n = len(key)
            if tuple(parts[:n]) == key and len(parts) > n and parts[n].isdigit():
                idx = int(parts[n])
                column = ".".join(parts[n + 1 :]) or "(row)"
                row = lines[idx] if idx < len(lines) else idx + 2
                return file, f"row {row}, column {column}"
        return self.yaml_name, ".".join(parts) or "(top level)"


def _split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def _read_csv(
    folder: Path, name: str, required: tuple[str, ...], problems: list[Problem]
) -> tuple[list[dict[str, Any]], list[int]] | None:
    path = (folder / name).resolve()
    if folder.resolve() not in path.parents:
        problems.append(Problem(name, "", "file must lie inside the scenario folder", name))
        return None
    if not path.is_file():
        problems.append(Problem(name, "", "file not found in the scenario folder"))
        return None
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if missing:
                problems.append(
                    Problem(
                        name,
                        "header",
                        f"expected columns {sorted(required)}, missing {missing}",
                        ",".join(header),
                    )
                )
                return None
            for i, raw in enumerate(reader, start=2):
                if None in raw:
                    problems.append(Problem(name, f"row {i}", "more fields than header columns"))
                    continue
                row: dict[str, Any] = {}
                for raw_key, value in raw.items():
                    key = raw_key.strip()
                    text = (value or "").strip()
                    if text == "":
                        continue
                    row[key] = _split_list(text) if key in _LIST_COLUMNS else text
                if "leave" in row:
                    row["leave"] = [
                        {"date": d.split(":")[0], "kind": d.split(":")[1]}
                        if ":" in d
                        else {"date": d}
                        for d in _split_list(str(row["leave"]))
                    ]
                rows.append(row)
                lines.append(i)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        problems.append(Problem(name, "", f"cannot read CSV: {exc}"))
        return None
    return rows, lines


def _get(data: Mapping[str, Any], key: tuple[str, ...]) -> Any:
    node: Any = data
    for k in key:
        if not isinstance(node, Mapping) or k not in node:
            return None
        node = node[k]
    return node


def _set(data: dict[str, Any], key: tuple[str, ...], value: Any) -> None:
    node = data
    for k in key[:-1]:
        node = node[k]
    node[key[-1]] = value


def problems_from_validation(
    exc: ValidationError, origin: _Origin | None = None, *, file: str = SCENARIO_FILE
) -> list[Problem]:
    """One Problem per pydantic error, located in the file/row it came from."""
    origin = origin or _Origin(file)
    problems = []
    for err in exc.errors():
        where_file, where = origin.locate(err["loc"])
        value = err.get("input")
        shown = None if isinstance(value, dict | list) else repr(value)
        msg = err["msg"].removeprefix("Value error, ")
        problems.append(Problem(where_file, where, msg, shown))
    return problems


def scenario_from_data(data: Mapping[str, Any], *, file: str = SCENARIO_FILE) -> Scenario:
    """Validate an in-memory scenario (inline lists only), raising ScenarioError."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation(exc, file=file)) from None


def load_scenario(folder: str | Path) -> Scenario:
    """Read and validate a scenario folder.

    Raises
    ------
    ScenarioError
        With one Problem per fault: missing files, YAML syntax, CSV rows, fields.
    """
    folder = Path(folder)
    yaml_path = folder / SCENARIO_FILE
    if not yaml_path.is_file():
        raise ScenarioError([Problem(str(yaml_path), "", "scenario file not found")])
    try:
        data = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ScenarioError([Problem(SCENARIO_FILE, where, f"invalid YAML: {exc}")]) from None
    if not isinstance(data, dict):
        raise ScenarioError([Problem(SCENARIO_FILE, "", "expected a mapping of fields")])
    origin = _Origin(SCENARIO_FILE)
    problems: list[Problem] = []
    for key, required in _CSV_FIELDS.items():
        value = _get(data, key)
        if isinstance(value, str):
            read = _read_csv(folder, value, required, problems)
            if read is not None:
                rows, lines = read
                _set(data, key, rows)
                origin.csv[key] = (value, lines)
    if problems:
        raise ScenarioError(problems)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation(exc, origin)) from None
    log.info("loaded scenario %s from %s", scenario.name, folder)
    return scenario


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of ``scenario.yaml``: lists may also be a CSV file name."""
    schema = Scenario.model_json_schema()
    props = schema["properties"]
    csv_ref = {"type": "string", "description": "CSV file in the scenario folder"}
    props["agents"] = {"anyOf": [props["agents"], csv_ref], "description": "Agents or CSV."}
    demand = schema["$defs"]["DemandSpec"]["properties"]
    for field in ("intervals", "daily", "profile"):
        demand[field] = {"anyOf": [demand[field], csv_ref]}
    return schema


__all__ = [
    "SCENARIO_FILE",
    "load_scenario",
    "problems_from_validation",
    "scenario_from_data",
    "scenario_json_schema",
]
