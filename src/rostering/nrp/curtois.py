"""The Curtois & Qu shift scheduling benchmark, read into a :class:`RosterInstance`.

The text format has ``SECTION_*`` blocks (horizon, shifts, staff, days off,
shift-on and shift-off requests, cover), ``#`` comments, comma-separated
fields and a blank line after each block. Each file maps onto the engine's
own vocabulary:

* a shift line becomes a :class:`ShiftType` (start 00:00, its length, its
  ``CannotFollow`` list as ``cannot_follow``);
* a staff line becomes an :class:`AgentSpec` whose :class:`Contract` holds
  the per-type maximums, min/max total minutes, min/max consecutive shifts,
  minimum consecutive days off and maximum weekends; types with a maximum of
  0 are left out of the agent's eligible shifts;
* days off become ``AgentSpec.days_off``; requests become
  :class:`ShiftRequest`; cover rows become :class:`DayCover`.

Day 0 is a Monday (2024-01-01 is used), runs touching either edge of the
horizon are exempt (agents carry no history), and the request unit is
1 and labour cost 0, so the model's objective is the benchmark's objective.
:func:`benchmark_objective` recomputes it without the solver and
:func:`benchmark_violations` lists every broken hard constraint.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rostering.domain.shifts import DayType
from rostering.errors import Problem, ScenarioError
from rostering.nrp.cover import day_cover_violations
from rostering.nrp.instance import DayCover, NrpInstance
from rostering.roster.instance import (
    AgentSpec,
    Contract,
    RosterInstance,
    ShiftRequest,
    ShiftType,
    Weights,
)
from rostering.roster.solution import Violation
from rostering.roster.validation_contract import check_contract_rules
from rostering.types import AgentId, ShiftId

logger = logging.getLogger(__name__)

START = dt.date(2024, 1, 1)
"""A Monday: day 0 of every benchmark instance."""

SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)
STAFF_FIELDS = 8


@dataclass
class _Line:
    number: int
    fields: list[str]
    text: str


@dataclass
class _Reader:
    file: str
    problems: list[Problem] = field(default_factory=list)

    def fail(self, line: _Line | None, message: str, value: str | None = None) -> None:
        where = f"line {line.number}" if line is not None else ""
        self.problems.append(Problem(self.file, where, message, value))

    def integer(self, line: _Line, text: str, what: str, *, minimum: int = 0) -> int | None:
        try:
            value = int(text.strip())
        except ValueError:
            self.fail(line, f"{what} must be an integer", text)
            return None
        if value < minimum:
            self.fail(line, f"{what} must be at least {minimum}", text)
            return None
        return value

    def width(self, line: _Line, count: int, what: str) -> bool:
        if len(line.fields) != count:
            self.fail(line, f"{what} needs {count} comma-separated fields", line.text)
            return False
        return True


def _sections(text: str, reader: _Reader) -> dict[str, list[_Line]]:
    """Lines of each section, comments and blank lines removed."""
    found: dict[str, list[_Line]] = {}
    current: list[_Line] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("#"):
            continue
        if not stripped:
            current = None
            continue
        line = _Line(number, [f.strip() for f in stripped.split(",")], stripped)
        if stripped.startswith("SECTION_"):
            if stripped not in SECTIONS:
                reader.fail(line, "unknown section", stripped)
                current = None
            elif stripped in found:
                reader.fail(line, "section appears twice", stripped)
                current = None
            else:
                current = found[stripped] = []
            continue
        if current is None:
            reader.fail(line, "data outside a section", stripped)
            continue
        current.append(line)
    for name in ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF"):
        if name not in found:
            reader.fail(None, f"missing {name}")
    return found


def parse_instance(text: str, *, name: str, file: str | None = None) -> NrpInstance:
    """Read one benchmark instance from its text.

    Raises :class:`ScenarioError` listing every malformed line (with its
    number, the fault and the value found).
    """
    reader = _Reader(file or name)
    sections = _sections(text, reader)
    if reader.problems:
        raise ScenarioError(reader.problems)

    n_days: int | None = None
    horizon = sections["SECTION_HORIZON"]
    if len(horizon) != 1 or len(horizon[0].fields) != 1:
        reader.fail(horizon[0] if horizon else None, "SECTION_HORIZON holds one integer")
    else:
        n_days = reader.integer(horizon[0], horizon[0].fields[0], "horizon", minimum=1)
    if reader.problems or n_days is None:
        raise ScenarioError(reader.problems)

    lengths: dict[ShiftId, int] = {}
    follow: dict[ShiftId, list[ShiftId]] = {}
    follow_lines: dict[ShiftId, _Line] = {}
    for line in sections["SECTION_SHIFTS"]:
        if not reader.width(line, 3, "a shift line (ShiftID, Length, CannotFollow)"):
            continue
        sid = ShiftId(line.fields[0])
        if not sid or sid in lengths:
            reader.fail(line, "shift id is empty or repeated", line.fields[0])
            continue
        length = reader.integer(line, line.fields[1], "shift length", minimum=1)
        if length is None:
            continue
        if length > 24 * 60:
            reader.fail(line, "shift length exceeds a day", line.fields[1])
            continue
        lengths[sid] = length
        follow[sid] = [ShiftId(s.strip()) for s in line.fields[2].split("|") if s.strip()]
        follow_lines[sid] = line
    for sid, followers in follow.items():
        for other in followers:
            if other not in lengths:
                reader.fail(follow_lines[sid], "cannot-follow names an unknown shift", other)

    agents: dict[AgentId, AgentSpec] = {}
    for line in sections["SECTION_STAFF"]:
        if not reader.width(line, STAFF_FIELDS, "a staff line"):
            continue
        agent = _staff(reader, line, lengths)
        if agent is None:
            continue
        if agent.id in agents:
            reader.fail(line, "employee id repeated", agent.id)
            continue
        agents[agent.id] = agent

    def agent_of(line: _Line) -> AgentSpec | None:
        spec = agents.get(AgentId(line.fields[0]))
        if spec is None:
            reader.fail(line, "unknown employee", line.fields[0])
        return spec

    def day_of(line: _Line, text: str) -> int | None:
        day = reader.integer(line, text, "day", minimum=0)
        if day is not None and day >= n_days:
            reader.fail(line, f"day beyond the horizon of {n_days} days", text)
            return None
        return day

    def shift_of(line: _Line, text: str) -> ShiftId | None:
        if ShiftId(text) not in lengths:
            reader.fail(line, "unknown shift", text)
            return None
        return ShiftId(text)

    for line in sections.get("SECTION_DAYS_OFF", []):
        spec = agent_of(line)
        if spec is None:
            continue
        for item in line.fields[1:]:
            if item and (day := day_of(line, item)) is not None:
                spec.days_off.append(day)

    requests: list[ShiftRequest] = []
    for key, want in (("SECTION_SHIFT_ON_REQUESTS", True), ("SECTION_SHIFT_OFF_REQUESTS", False)):
        for line in sections.get(key, []):
            if not reader.width(line, 4, "a request line (EmployeeID, Day, ShiftID, Weight)"):
                continue
            spec = agent_of(line)
            day = day_of(line, line.fields[1])
            wished = shift_of(line, line.fields[2])
            weight = reader.integer(line, line.fields[3], "request weight")
            if spec is None or day is None or wished is None or weight is None:
                continue
            requests.append(
                ShiftRequest(agent=spec.id, day=day, shift=wished, want=want, weight=weight)
            )

    cover: list[DayCover] = []
    seen: set[tuple[int, ShiftId]] = set()
    for line in sections.get("SECTION_COVER", []):
        if not reader.width(line, 5, "a cover line (Day, ShiftID, Requirement, Under, Over)"):
            continue
        day = day_of(line, line.fields[0])
        covered = shift_of(line, line.fields[1])
        numbers = [reader.integer(line, t, w) for t, w in zip(line.fields[2:], _COVER, strict=True)]
        if day is None or covered is None or None in numbers:
            continue
        if (day, covered) in seen:
            reader.fail(line, "cover row repeated", line.text)
            continue
        seen.add((day, covered))
        required, under, over = (int(x or 0) for x in numbers)
        cover.append(
            DayCover(
                day=day, shift=covered, required=required, weight_under=under, weight_over=over
            )
        )

    if reader.problems:
        raise ScenarioError(reader.problems)

    shifts = [
        ShiftType(
            id=sid,
            start_minute=0,
            length_minutes=length,
            paid_minutes=length,
            cannot_follow=follow[sid],
        )
        for sid, length in lengths.items()
    ]
    day_types = [
        DayType.WEEKEND if (START + dt.timedelta(days=d)).weekday() >= 5 else DayType.WORKDAY
        for d in range(n_days)
    ]
    instance = NrpInstance(
        name=name,
        start=START,
        n_days=n_days,
        day_types=day_types,
        shifts=shifts,
        agents=list(agents.values()),
        day_cover=cover,
        requests=requests,
        weights=Weights(request_unit=1.0, labour_cost=0.0),
    )
    logger.debug(
        "read %s: %d days, %d employees, %d shift types",
        name,
        n_days,
        len(instance.agents),
        len(shifts),
    )
    return instance


_COVER = ("requirement", "under-cover weight", "over-cover weight")


def _staff(reader: _Reader, line: _Line, lengths: Mapping[ShiftId, int]) -> AgentSpec | None:
    f = line.fields
    if not f[0]:
        reader.fail(line, "employee id is empty")
        return None
    limits: dict[ShiftId, int] = {}
    for item in (p for p in f[1].split("|") if p.strip()):
        sid_text, sep, value = item.partition("=")
        sid = ShiftId(sid_text.strip())
        if not sep or sid not in lengths:
            reader.fail(line, "MaxShifts entries are ShiftID=max with a known shift", item)
            return None
        limit = reader.integer(line, value, f"maximum of shift {sid}")
        if limit is None:
            return None
        limits[sid] = limit
    names = (
        "MaxTotalMinutes",
        "MinTotalMinutes",
        "MaxConsecutiveShifts",
        "MinConsecutiveShifts",
        "MinConsecutiveDaysOff",
        "MaxWeekends",
    )
    values = [reader.integer(line, t, n) for t, n in zip(f[2:], names, strict=True)]
    if any(v is None for v in values):
        return None
    max_total, min_total, max_seq, min_seq, min_off, max_weekends = (int(v or 0) for v in values)
    if min_total > max_total:
        reader.fail(line, "MinTotalMinutes exceeds MaxTotalMinutes", f"{min_total} > {max_total}")
        return None
    return AgentSpec(
        id=AgentId(f[0]),
        shifts=[s for s in lengths if limits.get(s, 1) > 0],
        contract=Contract(
            max_shifts=limits,
            min_total_minutes=min_total,
            max_total_minutes=max_total,
            max_consecutive_days=max_seq,
            min_consecutive_days=min_seq,
            min_consecutive_days_off=min_off,
            max_weekends=max_weekends,
        ),
    )


def load_instance(path: str | Path) -> NrpInstance:
    """Read one benchmark file (``InstanceN.txt``); the instance is named after the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ScenarioError([Problem(str(path), "", f"cannot read the file: {exc}")]) from exc
    return parse_instance(text, name=path.stem, file=str(path))


def _rule_violations(
    instance: RosterInstance, schedule: Mapping[tuple[AgentId, int], ShiftId]
) -> list[Violation]:
    """The contract rules' and the day cover's violations of ``schedule``."""
    return check_contract_rules(instance, schedule) + day_cover_violations(instance, schedule)


def benchmark_violations(
    instance: RosterInstance, schedule: Mapping[tuple[AgentId, int], ShiftId]
) -> list[Violation]:
    """Every broken hard constraint of the benchmark, without the solver.

    One shift per day holds by construction of ``schedule``; the rest is the
    contract check plus unknown agents, shifts and days.
    """
    found: list[Violation] = []
    known_agents = {a.id for a in instance.agents}
    known_shifts = {s.id for s in instance.shifts}
    for (agent, day), shift in schedule.items():
        if agent not in known_agents or shift not in known_shifts:
            found.append(
                Violation(rule="unknown", where=f"{agent} day {day} {shift}", amount=1, hard=True)
            )
        elif not 0 <= day < instance.n_days:
            found.append(Violation(rule="horizon", where=f"{agent} day {day}", amount=1, hard=True))
    if found:
        return found
    return [v for v in _rule_violations(instance, schedule) if v.hard]


def benchmark_objective(
    instance: RosterInstance, schedule: Mapping[tuple[AgentId, int], ShiftId]
) -> int:
    """The benchmark objective of ``schedule``: request penalties plus cover penalties."""
    total = sum(v.cost for v in _rule_violations(instance, schedule) if not v.hard)
    return round(total)


__all__ = [
    "SECTIONS",
    "STAFF_FIELDS",
    "START",
    "benchmark_objective",
    "benchmark_violations",
    "load_instance",
    "logger",
    "parse_instance",
]
