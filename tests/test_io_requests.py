"""Wishes, leave, unavailable and fixed days from CSV: a requests file and compact columns."""

from __future__ import annotations

import csv
import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from rostering.domain.agents import Agent, Leave, LeaveKind, Request
from rostering.errors import ScenarioError
from rostering.io import load_scenario, scenario_json_schema
from rostering.io_day_items import DayItem, ItemType, Source, contradiction
from rostering.roster.instance import ShiftRequest
from rostering.roster.rule_names import SHIFT_ON_REQUEST
from rostering.types import AgentId, ShiftId
from tests.roster.test_contract_rules import A, E, make, rule_violations, solve_forced

HEADER = "agent,date,type,end,shift,weight,kind"
D = dt.date(2026, 10, 1)  # inside the reference horizon (28 Sep - 11 Oct 2026)

Folder = Callable[..., Path]


@pytest.fixture
def folder(scenario_copy: Callable[[str], Path]) -> Folder:
    """The reference scenario with a requests CSV (and optionally extra agents.csv columns)."""

    def build(rows: list[str], *, header: str = HEADER, agent_columns: str = "") -> Path:
        target = scenario_copy("reference-online")
        yaml = target / "scenario.yaml"
        text = yaml.read_text(encoding="utf-8")
        yaml.write_text(
            text.replace("agents: agents.csv", "agents: agents.csv\nrequests: requests.csv"),
            encoding="utf-8",
        )
        (target / "requests.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
        if agent_columns:
            _add_agent_columns(target / "agents.csv", agent_columns)
        return target

    return build


def _add_agent_columns(path: Path, spec: str) -> None:
    """``spec``: ``column=A1:value;A2:value`` pairs separated by ``&``."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    columns: list[str] = []
    for part in spec.split("&"):
        column, _, cells = part.partition("=")
        columns.append(column)
        values = dict(cell.split("=", 1) for cell in cells.split(";"))
        for row in rows:
            row[column] = values.get(row["id"], "")
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _agent(folder: Path, agent_id: str) -> Agent:
    return next(a for a in load_scenario(folder).agents if a.id == agent_id)


def _problems(folder: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(folder)
    return [str(p) for p in info.value.problems]


# --------------------------------------------------------------------------- each type loads


def test_each_type_of_row_becomes_the_right_field(folder: Folder) -> None:
    path = folder(
        [
            "A1,2026-10-01,want,,A,3,",
            "A1,2026-10-03,want,,,,",
            "A2,2026-10-01,avoid,,A,,",
            "A2,2026-10-02,avoid,,,7,",
            "A3,2026-10-01,leave,,,,sick",
            "A3,2026-10-05,leave,,,,",
            "A4,2026-10-01,unavailable,,,,",
            "B1,2026-10-01,fixed,,B,,",
            "B1,2026-10-02,fixed,,,,",
            "B1,2026-10-05,fixed,,off,,",
        ]
    )
    agents = {a.id: a for a in load_scenario(path).agents}
    assert agents[AgentId("A1")].requests == [
        Request(date=D, shift=ShiftId("A"), want=True, weight=3),
        Request(date=dt.date(2026, 10, 3), shift=None, want=True, weight=1),
    ]
    assert agents[AgentId("A2")].requests == [
        Request(date=D, shift=ShiftId("A"), want=False, weight=1),
        Request(date=dt.date(2026, 10, 2), shift=None, want=False, weight=7),
    ]
    assert agents[AgentId("A3")].leave == [
        Leave(date=D, kind=LeaveKind.SICK),
        Leave(date=dt.date(2026, 10, 5), kind=LeaveKind.ANNUAL),
    ]
    assert agents[AgentId("A4")].unavailable == [D]
    assert agents[AgentId("B1")].preassigned == {
        D: ShiftId("B"),
        dt.date(2026, 10, 2): None,
        dt.date(2026, 10, 5): None,
    }
    assert agents[AgentId("S1")].requests == [] and agents[AgentId("S1")].leave == []


def test_a_range_expands_to_every_day(folder: Folder) -> None:
    path = folder(
        ["A1,2026-10-05,leave,2026-10-07,,,personal", "B1,2026-10-08,unavailable,2026-10-09,,,"]
    )
    a1, b1 = _agent(path, "A1"), _agent(path, "B1")
    assert [(x.date.day, x.kind) for x in a1.leave] == [(d, LeaveKind.PERSONAL) for d in (5, 6, 7)]
    assert b1.unavailable == [dt.date(2026, 10, 8), dt.date(2026, 10, 9)]


def test_type_is_case_blind_and_slash_dates_and_blank_rows_are_read(folder: Folder) -> None:
    path = folder(["A1,2026/10/01,Leave,,,,", ",,,,,,", "A2,2026-10-02,AVOID,,,,"])
    assert _agent(path, "A1").leave == [Leave(date=D)]
    assert _agent(path, "A2").requests == [Request(date=dt.date(2026, 10, 2), want=False)]


def test_a_note_column_is_allowed_and_not_read(folder: Folder) -> None:
    path = folder(["A1,2026-10-01,leave,wedding"], header="agent,date,type,note")
    assert _agent(path, "A1").leave == [Leave(date=D)]


def test_compact_agent_columns(folder: Folder) -> None:
    path = folder(
        [],
        agent_columns=(
            "requests=A1=2026-10-01:A*4|!2026-10-03|2026-10-05;A2=!2026-10-02:A"
            "&preassigned=B1=2026-10-01:B|2026-10-02:off"
            "&unavailable=A3=2026-10-01..2026-10-02|2026-10-09"
            "&leave=A4=2026-10-05..2026-10-06:sick|2026-10-08;B1=2026-10-05:personal"
        ),
    )
    agents = {a.id: a for a in load_scenario(path).agents}
    assert agents[AgentId("A1")].requests == [
        Request(date=D, shift=ShiftId("A"), want=True, weight=4),
        Request(date=dt.date(2026, 10, 3), want=False),
        Request(date=dt.date(2026, 10, 5), want=True),
    ]
    assert agents[AgentId("A2")].requests == [
        Request(date=dt.date(2026, 10, 2), shift=ShiftId("A"), want=False)
    ]
    assert agents[AgentId("B1")].preassigned == {D: ShiftId("B"), dt.date(2026, 10, 2): None}
    assert [d.day for d in agents[AgentId("A3")].unavailable] == [1, 2, 9]
    assert [(x.date.day, x.kind) for x in agents[AgentId("A4")].leave] == [
        (5, LeaveKind.SICK),
        (6, LeaveKind.SICK),
        (8, LeaveKind.ANNUAL),
    ]
    assert agents[AgentId("B1")].leave == [
        Leave(date=dt.date(2026, 10, 5), kind=LeaveKind.PERSONAL)
    ]


def test_csv_items_join_inline_agents(scenario_copy: Callable[[str], Path]) -> None:
    path = scenario_copy("reference-online")
    yaml = path / "scenario.yaml"
    inline = (
        "agents:\n"
        "  - {id: X1, pattern: five-two, shifts: [B], skills: [outbound],"
        " leave: [{date: 2026-10-08}]}\n"
        "  - {id: X2, pattern: one-on-one-off, shifts: [A], skills: [inbound]}\n"
        "requests: requests.csv\n"
    )
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace("agents: agents.csv\n", inline), encoding="utf-8"
    )
    (path / "requests.csv").write_text(
        f"{HEADER}\nX1,2026-10-01,leave,,,,sick\nX2,2026-10-01,want,,A,,\n", encoding="utf-8"
    )
    agents = {a.id: a for a in load_scenario(path).agents}
    assert [x.date.day for x in agents[AgentId("X1")].leave] == [8, 1]
    assert agents[AgentId("X2")].requests == [Request(date=D, shift=ShiftId("A"), want=True)]
    # A fixed shift on the inline leave day is refused, naming the YAML item.
    (path / "requests.csv").write_text(f"{HEADER}\nX1,2026-10-08,fixed,,B,,\n", encoding="utf-8")
    (problem,) = _problems(path)
    assert problem.startswith("requests.csv: row 2, column date")
    assert "scenario.yaml agents.0.leave.0" in problem


# --------------------------------------------------------------------------- faults


@pytest.mark.parametrize(
    ("row", "where", "why"),
    [
        ("Z9,2026-10-01,leave,,,,", "row 2, column agent", "unknown agent id 'Z9'"),
        ("Z9,2026-10-01,leave,2026-10-05,,,", "row 2, column agent", "unknown agent id 'Z9'"),
        ("A1,2026-10-01,want,2026-10-05,Q,,", "row 2, column shift", "unknown shift 'Q'"),
        ("A1,2026-10-32,leave,,,,", "row 2, column date", "is not a date"),
        ("A1,01/10/2026,leave,,,,", "row 2, column date", "expected YYYY-MM-DD"),
        ("A1,2026-10-01,holiday,,,,", "row 2, column type", "unknown type"),
        ("A1,2026-10-01,leave,,,,maternity", "row 2, column kind", "unknown leave kind"),
        ("A1,2026-10-01,want,,,,sick", "row 2, column kind", "kind is for leave only"),
        ("A1,2026-10-05,leave,2026-10-03,,,", "row 2, column end", "ends 2026-10-03 before"),
        ("A1,2026-10-05,leave,2027-12-01,,,", "row 2, column end", "more than a year"),
        ("A1,2026-10-01,want,,A,0,", "row 2, column weight", "from 1 to 1000"),
        ("A1,2026-10-01,want,,A,1001,", "row 2, column weight", "from 1 to 1000"),
        ("A1,2026-10-01,want,,A,2.5,", "row 2, column weight", "whole number"),
        ("A1,2026-10-01,leave,,,3,", "row 2, column weight", "for want and avoid only"),
        ("A1,2026-10-01,leave,,A,,", "row 2, column shift", "for want, avoid and fixed only"),
        ("A1,2026-10-01,want,,Q,,", "row 2, column shift", "unknown shift 'Q'"),
        ("A1,2026-10-01,fixed,,B,,", "row 2, column shift", "agent 'A1' may not be given shift"),
        ("A1,2026-10-01,want,,B,,", "row 2, column shift", "agent 'A1' may not work shift 'B'"),
        (",2026-10-01,leave,,,,", "row 2, column agent", "no agent given"),
        ("A1,,leave,,,,", "row 2, column date", "no date given"),
    ],
)
def test_a_bad_row_names_row_column_and_why(folder: Folder, row: str, where: str, why: str) -> None:
    (problem,) = _problems(folder([row]))
    assert problem.startswith(f"requests.csv: {where}:"), problem
    assert why in problem, problem


def test_avoiding_a_shift_the_agent_cannot_work_is_harmless(folder: Folder) -> None:
    assert _agent(folder(["A1,2026-10-01,avoid,,B,,"]), "A1").requests[0].shift == "B"


@pytest.mark.parametrize(
    ("rows", "why"),
    [
        (["B1,2026-10-01,fixed,,B,,", "B1,2026-10-01,leave,,,,"], "one of leave, unavailable or"),
        (["A1,2026-10-01,leave,,,,", "A1,2026-10-01,leave,,,,sick"], "one of leave, unavailable"),
        (["A1,2026-10-01,leave,,,,", "A1,2026-10-01,leave,,,,"], "is given twice"),
        (["A1,2026-10-01,unavailable,,,,", "A1,2026-10-01,want,,,,"], "work on a day off"),
        (["A1,2026-10-01,want,,A,,", "A1,2026-10-01,avoid,,A,,"], "wanted and avoided"),
        (["A1,2026-10-01,want,,,,", "A1,2026-10-01,avoid,,,,"], "a wish for the day off"),
        (["B1,2026-10-01,fixed,,B,,", "B1,2026-10-01,avoid,,,,"], "against the fixed shift"),
        (["A1,2026-10-01,want,,A,,", "A1,2026-10-01,want,,A,5,"], "is given twice"),
    ],
)
def test_contradictory_items_are_named_with_both_rows(
    folder: Folder, rows: list[str], why: str
) -> None:
    (problem,) = _problems(folder(rows))
    assert problem.startswith("requests.csv: row 3, column date:"), problem
    assert why in problem and "(requests.csv row 2, column date)" in problem, problem


def test_a_contradiction_across_files_names_both(folder: Folder) -> None:
    path = folder(
        ["B1,2026-10-02,leave,2026-10-06,,,"],
        agent_columns="preassigned=B1=2026-10-05:B",
    )
    (problem,) = _problems(path)
    assert problem.startswith("requests.csv: row 2, column date:")
    assert "agent 'B1' on 2026-10-05: annual leave contradicts a fixed shift 'B'" in problem
    assert "(agents.csv row 6, column preassigned)" in problem


def test_compatible_items_on_one_day_stand_together(folder: Folder) -> None:
    path = folder(
        [
            "B1,2026-10-01,fixed,,B,,",
            "B1,2026-10-01,want,,B,,",  # the fixed shift itself: granted anyway
            "A1,2026-10-01,leave,,,,",
            "A1,2026-10-01,avoid,,,,",  # a day off on a leave day: granted anyway
            "A2,2026-10-01,want,,,,",
            "A2,2026-10-01,avoid,,A,,",  # any shift but A
        ]
    )
    agents = {a.id: a for a in load_scenario(path).agents}
    assert len(agents[AgentId("B1")].requests) == 1 and len(agents[AgentId("A2")].requests) == 2


def test_compact_column_faults_name_row_column_and_item(folder: Folder) -> None:
    path = folder(
        [],
        agent_columns=(
            "leave=A2=2026-10-05:holiday|2026-10-07..2026-10-06"
            "&requests=A3=2026-10-01:A*0;A4=2026-10-01:"
            "&preassigned=B1=2026-10-01"
            "&unavailable=A1=tomorrow"
        ),
    )
    problems = _problems(path)
    assert sorted(problems) == sorted(
        [
            "agents.csv: row 3, column leave: item '2026-10-05:holiday': unknown leave kind "
            "'holiday' (expected annual, personal, sick) (got 2026-10-05:holiday)",
            "agents.csv: row 3, column leave: item '2026-10-07..2026-10-06': the range ends "
            "2026-10-06 before it starts 2026-10-07 (got 2026-10-07..2026-10-06)",
            "agents.csv: row 4, column requests: item '2026-10-01:A*0': weight must be a whole "
            "number from 1 to 1000, got '0' (got 2026-10-01:A*0)",
            "agents.csv: row 5, column requests: item '2026-10-01:': a ':' must be followed by "
            "a shift id (got 2026-10-01:)",
            "agents.csv: row 6, column preassigned: item '2026-10-01': expected DATE:SHIFT or "
            "DATE:off (got 2026-10-01)",
            "agents.csv: row 2, column unavailable: item 'tomorrow': 'tomorrow' is not a date "
            "(expected YYYY-MM-DD) (got tomorrow)",
        ]
    )


def test_every_fault_is_reported_at_once_with_other_faults(folder: Folder) -> None:
    path = folder(["Z1,2026-10-01,leave,,,,", "A1,2026-13-01,leave,,,,", "A1,2026-10-01,x,,,,"])
    text = (path / "scenario.yaml").read_text(encoding="utf-8")
    (path / "scenario.yaml").write_text(
        text.replace("interval_minutes: 30", "interval_minutes: 20"), encoding="utf-8"
    )
    problems = _problems(path)
    assert len(problems) == 4
    assert [p.split(":")[1].strip() for p in problems[:3]] == [
        "row 3, column date",
        "row 4, column type",
        "row 2, column agent",
    ]
    assert "horizon.interval_minutes" in problems[3]


def test_a_missing_column_is_named(folder: Folder) -> None:
    (missing,) = _problems(folder(["A1,2026-10-01"], header="agent,date"))
    assert missing.startswith("requests.csv: header") and "missing ['type']" in missing


def test_an_unknown_column_is_named(folder: Folder) -> None:
    (unknown,) = _problems(folder(["A1,2026-10-01,leave,3"], header="agent,date,type,wieght"))
    assert unknown.startswith("requests.csv: header") and "unknown column(s) ['wieght']" in unknown


def test_requests_must_name_a_file(scenario_copy: Callable[[str], Path]) -> None:
    path = scenario_copy("reference-online")
    yaml = path / "scenario.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + "requests: [1, 2]\n", encoding="utf-8")
    (problem,) = _problems(path)
    assert problem.startswith("scenario.yaml: requests: expected the name of a CSV file")
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace("requests: [1, 2]", "requests: nowhere.csv"),
        encoding="utf-8",
    )
    (problem,) = _problems(path)
    assert problem == "nowhere.csv: file not found in the scenario folder"


def test_contradiction_rules_one_by_one() -> None:
    src = Source("f.csv", 2, "date")

    def item(kind: ItemType, shift: str | None = None) -> DayItem:
        return DayItem(AgentId("a"), D, kind, src, None if shift is None else ShiftId(shift))

    want, avoid = ItemType.WANT, ItemType.AVOID
    fixed, leave = ItemType.FIXED, ItemType.LEAVE
    assert contradiction(item(fixed, "E"), item(want, "E")) is None
    assert contradiction(item(fixed, "E"), item(want)) is None
    assert contradiction(item(fixed, "E"), item(want, "L")) is not None
    assert contradiction(item(fixed, "E"), item(avoid, "L")) is None
    assert contradiction(item(fixed), item(avoid)) is None
    assert contradiction(item(fixed), item(want)) is not None
    assert contradiction(item(leave), item(fixed)) is not None
    assert contradiction(item(want, "E"), item(want, "L")) is not None
    assert contradiction(item(want, "E"), item(want)) is None
    assert contradiction(item(avoid, "E"), item(avoid, "L")) is None
    assert contradiction(item(want, "E"), item(avoid)) is not None


# --------------------------------------------------------------------------- scale, schema


def test_a_300_agent_site_loads_from_csv(scenario_copy: Callable[[str], Path]) -> None:
    path = scenario_copy("reference-online")
    with (path / "agents.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["id", "role", "skills", "pattern", "shifts", "leave"])
        for i in range(300):
            leave = "2026-10-05..2026-10-07:annual" if i % 10 == 0 else ""
            writer.writerow([f"P{i:03d}", "agent", "inbound|chat", "one-on-one-off", "A", leave])
        writer.writerow(["S1", "supervisor", "inbound", "standby", "", ""])
    rows = []
    for i in range(300):
        day = dt.date(2026, 10, 8) + dt.timedelta(days=i % 4)
        rows.append(f"P{i:03d},{day},avoid,,,{1 + i % 5},")
        if i % 3 == 0:
            rows.append(f"P{i:03d},{dt.date(2026, 9, 28) + dt.timedelta(days=i % 7)},want,,A,,")
        if i % 25 == 0:
            rows.append(f"P{i:03d},2026-10-09,unavailable,2026-10-10,,,")
    (path / "requests.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    yaml = path / "scenario.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace(
            "agents: agents.csv", "agents: agents.csv\nrequests: requests.csv"
        ),
        encoding="utf-8",
    )
    started = time.perf_counter()
    scenario = load_scenario(path)
    elapsed = time.perf_counter() - started
    assert len(scenario.agents) == 301
    assert sum(len(a.requests) for a in scenario.agents) == 300 + 100
    assert sum(len(a.leave) for a in scenario.agents) == 30 * 3
    assert sum(len(a.unavailable) for a in scenario.agents) == 12 * 2
    assert elapsed < 5


def test_schema_documents_requests() -> None:
    schema = scenario_json_schema()
    requests = schema["properties"]["requests"]
    assert requests["type"] == "string"
    for word in ("want", "avoid", "leave", "unavailable", "fixed", "end", "weight", "kind"):
        assert word in requests["description"]
    assert "preassigned" in schema["properties"]["agents"]["description"]


# --------------------------------------------------------------------------- any-shift wish


def test_a_wish_to_work_any_shift_is_costed_by_model_and_validator() -> None:
    """Want with no shift: costs its weight when the agent is off, nothing when it works."""
    inst = make(n_days=1, requests=[ShiftRequest(agent=A, day=0, shift=None, want=True, weight=4)])
    feasible, schedule, cost = solve_forced(inst, {})
    assert feasible and cost == 0 and (A, 0) in schedule
    feasible, schedule, cost = solve_forced(inst, {(A, 0): None})
    assert feasible and cost == 4
    (violation,) = rule_violations(inst, schedule)
    assert violation.rule == SHIFT_ON_REQUEST and violation.cost == 4
    assert rule_violations(inst, {(A, 0): E}) == []
