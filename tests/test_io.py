"""Scenario folders: valid ones load, each kind of fault is named precisely."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rostering.domain import ChannelKind, PatternKind, Role
from rostering.errors import ScenarioError
from rostering.io import load_scenario, scenario_json_schema


def _problems(folder: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(folder)
    return [str(p) for p in info.value.problems]


def test_reference_scenario_loads(reference_dir: Path) -> None:
    s = load_scenario(reference_dir)
    assert s.name == "reference-online"
    assert [a.id for a in s.agents] == ["A1", "A2", "A3", "A4", "B1", "S1"]
    assert s.agents[5].role is Role.SUPERVISOR and s.agents[5].shifts == []
    assert s.pattern("five-two").kind is PatternKind.FIVE_ON_TWO_OFF
    assert s.channel("chat").kind is ChannelKind.CHAT and s.channel("chat").concurrency == 3
    assert len(s.demand.daily) == 14 * 3


def test_regional_scenario_loads() -> None:
    s = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "regional-site")
    assert 50 <= len(s.agents) <= 70
    assert len(s.shifts) >= 4 and s.horizon.days == 28


def test_missing_folder_names_the_file(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path / "nowhere")
    assert "scenario.yaml" in problem and "not found" in problem


def test_yaml_syntax_error_gives_line(scenario_copy: Callable[[str], Path]) -> None:
    folder = scenario_copy("reference-online")
    (folder / "scenario.yaml").write_text("name: x\nsite: [unclosed\n", encoding="utf-8")
    (problem,) = _problems(folder)
    assert "invalid YAML" in problem and "line" in problem


def test_bad_csv_value_names_row_and_column(scenario_copy: Callable[[str], Path]) -> None:
    folder = scenario_copy("reference-online")
    path = folder / "agents.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",2800,", ",-5,")  # A2 is on row 3
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (problem,) = _problems(folder)
    assert problem.startswith("agents.csv: row 3, column base_pay")
    assert "greater than 0" in problem and "'-5'" in problem


def test_missing_csv_column(scenario_copy: Callable[[str], Path]) -> None:
    folder = scenario_copy("reference-online")
    path = folder / "daily.csv"
    text = path.read_text(encoding="utf-8").replace("aht_s", "handle_time")
    path.write_text(text, encoding="utf-8")
    (problem,) = _problems(folder)
    assert problem.startswith("daily.csv: header") and "aht_s" in problem


def test_every_problem_is_reported(scenario_copy: Callable[[str], Path]) -> None:
    folder = scenario_copy("reference-online")
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    text = text.replace("timezone: Asia/Shanghai", "timezone: Mars/Olympus")
    text = text.replace("interval_minutes: 30", "interval_minutes: 20")
    (folder / "scenario.yaml").write_text(text, encoding="utf-8")
    problems = _problems(folder)
    assert len(problems) == 2
    assert any("site.timezone" in p and "Mars/Olympus" in p for p in problems)
    assert any("horizon.interval_minutes" in p for p in problems)


def test_unknown_reference_is_named(scenario_copy: Callable[[str], Path]) -> None:
    folder = scenario_copy("reference-online")
    path = folder / "agents.csv"
    text = path.read_text(encoding="utf-8").replace("five-two,B", "five-two,Z")
    path.write_text(text, encoding="utf-8")
    (problem,) = _problems(folder)
    assert problem.startswith("agents.csv: row 6, column shifts: unknown shift 'Z'")


def test_csv_outside_folder_is_refused(scenario_copy: Callable[[str], Path]) -> None:
    folder = scenario_copy("reference-online")
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    text = text.replace("agents: agents.csv", "agents: ../../etc/passwd")
    (folder / "scenario.yaml").write_text(text, encoding="utf-8")
    (problem,) = _problems(folder)
    assert "inside the scenario folder" in problem


def test_schema_allows_csv_file_names() -> None:
    schema = scenario_json_schema()
    agents = schema["properties"]["agents"]["anyOf"]
    assert {"type": "string", "description": "CSV file in the scenario folder"} in agents
    assert "horizon" in schema["required"]
