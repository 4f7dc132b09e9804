"""Scenario folders to and from models.

A scenario folder holds ``scenario.yaml`` and the CSV files it names::

    agents: agents.csv                 # or an inline list of agents
    requests: requests.csv             # optional: wishes, leave, unavailable and fixed days
    demand:
      intervals: demand.csv            # interval_start, channel, volume, aht_s
      # or: daily: daily.csv + profile: profile.csv
      # or: history: history.csv       # forecast when loaded (rostering.io_history)

Wishes, leave, unavailable and fixed days may also be compact columns of
``agents.csv``; :mod:`rostering.io_requests` reads both forms and
:mod:`rostering.io_day_items` checks the items and puts them on the agents
before the scenario is validated.

Every fault is reported at once as a :class:`~rostering.errors.Problem`
naming the file, the field path or CSV row and column, the value and why.
CSV rows are numbered as a spreadsheet shows them: the header is row 1, the
first data row is row 2.

Files are read as UTF-8, or in the encoding given (``encoding="gbk"``) when
they are not UTF-8; text that does not decode is reported with its line and the
hint to save the file as UTF-8.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rostering.domain.scenario import Horizon, Scenario, demand_faults
from rostering.errors import Problem, ScenarioError
from rostering.io_day_items import DayItem, apply_day_items
from rostering.io_history import forecast_from_history
from rostering.io_requests import (
    REQUEST_COLUMNS,
    REQUEST_COLUMNS_REQUIRED,
    day_items_from_agent_row,
    day_items_from_request_rows,
)
from rostering.io_text import UTF8_HINT, bad_line, decode_text, read_yaml

log = logging.getLogger(__name__)

SCENARIO_FILE = "scenario.yaml"

#: Columns of an agents CSV that hold pipe-separated lists.
_LIST_COLUMNS = {"skills", "shifts"}
_AGENTS = ("agents",)
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
    folder: Path,
    name: str,
    required: tuple[str, ...],
    problems: list[Problem],
    *,
    allowed: tuple[str, ...] | None = None,
    encoding: str = "utf-8",
) -> tuple[list[dict[str, str]], list[int]] | None:
    """Rows of a CSV as column -> text (empty cells left out), with their row numbers."""
    path = (folder / name).resolve()
    if folder.resolve() not in path.parents:
        problems.append(Problem(name, "", "file must lie inside the scenario folder", name))
        return None
    if not path.is_file():
        problems.append(Problem(name, "", "file not found in the scenario folder"))
        return None
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    try:
        with io.StringIO(decode_text(path.read_bytes(), encoding), newline="") as fh:
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
            unknown = [c for c in header if allowed is not None and c not in allowed]
            if unknown:
                problems.append(
                    Problem(
                        name,
                        "header",
                        f"unknown column(s) {unknown}: expected {list(allowed or ())}",
                        ",".join(header),
                    )
                )
                return None
            for i, raw in enumerate(reader, start=2):
                if None in raw:
                    problems.append(Problem(name, f"row {i}", "more fields than header columns"))
                    continue
                row: dict[str, str] = {}
                for raw_key, value in raw.items():
                    text = (value or "").strip()
                    if text:
                        row[raw_key.strip()] = text
                rows.append(row)
                lines.append(i)
    except UnicodeDecodeError:
        bad = bad_line(path.read_bytes(), encoding)
        problems.append(Problem(name, f"row {bad}", f"not {encoding} text: {UTF8_HINT}"))
        return None
    except (OSError, csv.Error) as exc:
        problems.append(Problem(name, "", f"cannot read CSV: {exc}"))
        return None
    return rows, lines


def _agent_rows(
    rows: list[dict[str, Any]], lines: list[int], name: str, problems: list[Problem]
) -> dict[int, list[DayItem]]:
    """Split the list columns of an agents CSV and take out its day items, by row index."""
    items: dict[int, list[DayItem]] = {}
    for i, (row, line) in enumerate(zip(rows, lines, strict=True)):
        for key in _LIST_COLUMNS & row.keys():
            row[key] = _split_list(row[key])
        found = day_items_from_agent_row(row, file=name, line=line, problems=problems)
        if found:
            items[i] = found
    return items


def _requests(
    data: dict[str, Any], folder: Path, problems: list[Problem], *, encoding: str
) -> list[DayItem] | None:
    """The items of the requests CSV the scenario names (removed from ``data``)."""
    if "requests" not in data:
        return []
    value = data.pop("requests")
    if not isinstance(value, str):
        shown = None if isinstance(value, dict | list) else repr(value)
        problems.append(
            Problem(SCENARIO_FILE, "requests", "expected the name of a CSV file", shown)
        )
        return None
    read = _read_csv(
        folder,
        value,
        REQUEST_COLUMNS_REQUIRED,
        problems,
        allowed=REQUEST_COLUMNS,
        encoding=encoding,
    )
    if read is None:
        return None
    rows, lines = read
    return day_items_from_request_rows(rows, lines, file=value, problems=problems)


def _horizon(data: Mapping[str, Any]) -> tuple[dt.date, int] | None:
    try:
        h = Horizon.model_validate(data.get("horizon"))
    except ValidationError:
        return None
    return h.start, h.days


def _shift_ids(data: Mapping[str, Any]) -> set[str] | None:
    shifts = data.get("shifts")
    if not isinstance(shifts, list):
        return None
    ids = {s.get("id") for s in shifts if isinstance(s, Mapping)}
    return {i for i in ids if isinstance(i, str)} or None


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


def _ids(data: Mapping[str, Any], key: str) -> set[str] | None:
    """The string ids of a list of the scenario (None when the list is not usable)."""
    items = data.get(key)
    if not isinstance(items, list):
        return None
    ids = {i.get("id") for i in items if isinstance(i, Mapping)}
    return {i for i in ids if isinstance(i, str)} or None


#: Columns of an agents CSV that name other parts of the scenario, and those parts.
_AGENT_REFERENCES = (("pattern", "patterns", "pattern"), ("shifts", "shifts", "shift"))
_AGENT_REFERENCE_FAULTS = ("unknown pattern", "unknown shift", "unknown skill channel")


def _agent_references(
    data: Mapping[str, Any], file: str, lines: list[int], problems: list[Problem]
) -> bool:
    """Unknown pattern, shift and skill ids of an agents CSV, named by row and column."""
    found = False
    checks = [*_AGENT_REFERENCES, ("skills", "channels", "channel")]
    rows = data.get("agents")
    if not isinstance(rows, list):
        return False
    for column, part, kind in checks:
        known = _ids(data, part)
        if known is None:
            continue
        for row, line in zip(rows, lines, strict=True):
            value = row.get(column) if isinstance(row, Mapping) else None
            values = value if isinstance(value, list) else [value] if value else []
            for v in values:
                if isinstance(v, str) and v not in known:
                    found = True
                    problems.append(
                        Problem(
                            file,
                            f"row {line}, column {column}",
                            f"unknown {kind} {v!r}: expected one of {sorted(known)}",
                            repr(v),
                        )
                    )
    return found


def _without_agent_references(problems: list[Problem]) -> list[Problem]:
    """Drop the scenario-wide reports of unknown agent ids already named by CSV row."""
    kept: list[Problem] = []
    for p in problems:
        if p.file != SCENARIO_FILE or p.location != "(top level)":
            kept.append(p)
            continue
        parts = [
            part
            for part in p.message.split("; ")
            if not (part.startswith("agent ") and any(f in part for f in _AGENT_REFERENCE_FAULTS))
        ]
        if parts:
            kept.append(Problem(p.file, p.location, "; ".join(parts), p.value))
    return kept


def _demand_problems(scenario: Scenario, origin: _Origin) -> list[Problem]:
    """Repeated demand rows and missing days, named by CSV row where the rows came from one."""
    problems: list[Problem] = []
    for fault in demand_faults(scenario):
        field = f"demand.{fault.field}"
        file, lines = origin.csv.get(("demand", fault.field), (SCENARIO_FILE, []))
        if not fault.rows:
            problems.append(Problem(file, "" if lines else field, fault.message))
            continue
        at, first = fault.rows
        if lines:
            where, other = f"row {lines[at]}, column {fault.column}", f"row {lines[first]}"
        else:
            where, other = f"{field}.{at}.{fault.column}", f"{field}.{first}"
        problems.append(Problem(file, where, f"{fault.message} (also on {other})"))
    return problems


def load_scenario(folder: str | Path, *, encoding: str = "utf-8") -> Scenario:
    """Read and validate a scenario folder.

    Files are read as UTF-8; ``encoding`` (e.g. ``"gbk"``) is the one files that are
    not UTF-8 are in.

    Raises
    ------
    ScenarioError
        With one Problem per fault: missing files, YAML syntax, text that does not
        decode, CSV rows, fields, repeated demand rows, days without demand.
    """
    folder = Path(folder)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ScenarioError([Problem(str(folder), "", f"unknown encoding {encoding!r}")]) from None
    yaml_path = folder / SCENARIO_FILE
    if not yaml_path.is_file():
        raise ScenarioError([Problem(str(yaml_path), "", "scenario file not found")])
    data = read_yaml(yaml_path, encoding, file=SCENARIO_FILE)
    if not isinstance(data, dict):
        raise ScenarioError([Problem(SCENARIO_FILE, "", "expected a mapping of fields")])
    origin = _Origin(SCENARIO_FILE)
    problems: list[Problem] = []
    forecast_from_history(data, folder, problems, yaml_name=SCENARIO_FILE, encoding=encoding)
    own: dict[int, list[DayItem]] = {}
    unreadable = bool(problems)  # a history that cannot be forecast leaves no demand to check
    for key, required in _CSV_FIELDS.items():
        value = _get(data, key)
        if isinstance(value, str):
            read = _read_csv(folder, value, required, problems, encoding=encoding)
            unreadable |= read is None
            if read is not None:
                rows, lines = read
                if key == _AGENTS:
                    own = _agent_rows(rows, lines, value, problems)
                _set(data, key, rows)
                origin.csv[key] = (value, lines)
    shared = _requests(data, folder, problems, encoding=encoding)
    if unreadable or shared is None:
        raise ScenarioError(problems)  # a file is missing or unreadable: nothing more to check
    agents = data.get("agents")
    if isinstance(agents, list):
        apply_day_items(
            agents,
            own,
            shared=shared,
            inline_file=None if _AGENTS in origin.csv else SCENARIO_FILE,
            shift_ids=_shift_ids(data),
            horizon=_horizon(data),
            problems=problems,
        )
    named = False
    if _AGENTS in origin.csv:
        file, lines = origin.csv[_AGENTS]
        named = _agent_references(data, file, lines, problems)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        found = problems_from_validation(exc, origin)
        raise ScenarioError(
            problems + (_without_agent_references(found) if named else found)
        ) from None
    problems += _demand_problems(scenario, origin)
    if problems:
        raise ScenarioError(problems)
    log.info("loaded scenario %s from %s", scenario.name, folder)
    return scenario


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of ``scenario.yaml``: lists may also be a CSV file name."""
    schema = Scenario.model_json_schema()
    props = schema["properties"]
    csv_ref = {"type": "string", "description": "CSV file in the scenario folder"}
    props["agents"] = {
        "anyOf": [props["agents"], csv_ref],
        "description": "Agents, or a CSV of them: list columns (skills, shifts) pipe-separated; "
        "optional compact columns requests ('2026-10-02:E' wants E, '2026-10-02' wants to work, "
        "'!2026-10-02:L' not L, '!2026-10-02' day off, '*5' suffix weighs it), preassigned "
        "('2026-10-02:E', '2026-10-03:off'), unavailable and leave "
        "('2026-10-05..2026-10-07:sick').",
    }
    props["requests"] = {
        "type": "string",
        "description": "CSV file in the scenario folder of per-agent day items, one a row, "
        "put on the agents before validation. Columns: agent, date, type (want | avoid | leave "
        "| unavailable | fixed) required; end (last date of a range, inclusive), shift (want: "
        "the shift wished, empty any; avoid: the shift not wanted, empty the day off; fixed: the "
        "shift, empty or 'off' a day off), weight (want/avoid, 1-1000), kind (leave: annual | "
        "personal | sick), note (not read).",
    }
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
