"""`rostering whatif` from a baseline roster, and `rostering compare` of two solve folders.

On a variant of the reference project with room to move (see
:mod:`whatif_variant`), +20 % inbound on National Day leaves the roster as it
was when solved from its baseline, where a re-solve from scratch reshuffles
it for the same cost. Every solve runs on one worker, so it is repeatable.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner
from whatif_variant import SURGE_DAY, flexible_reference, surge_file

from rostering.cli import EXIT_INPUT, app
from rostering.io import load_scenario
from rostering.pipeline import run_scenario, write_outputs
from rostering.results import outcome_of
from rostering.roster.config import SolverConfig
from rostering.whatif import (
    FromBaseline,
    VolumeChange,
    WhatIf,
    apply_whatif,
    baseline_from_folder,
    compare_folders,
    compare_runs,
)

runner = CliRunner()
SOLVE = ["--time-limit", "20", "--workers", "1", "--no-simulate"]
SURGE = dt.date.fromisoformat(SURGE_DAY)

MOST_CHANGES = 2
"""Person-days a +20 % day may change from the baseline (measured: 0 of 42)."""
LEAST_FROM_SCRATCH = 4
"""Person-days a re-solve from scratch changes (measured: 8 of 42 on one worker)."""


def invoke(*args: str) -> str:
    """The command's output, lines joined (rich wraps long lines)."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("whatif")


@pytest.fixture(scope="module")
def scenario_dir(work: Path) -> Path:
    return flexible_reference(work / "scenario")


@pytest.fixture(scope="module")
def surge(work: Path) -> Path:
    return surge_file(work)


@pytest.fixture(scope="module")
def base(work: Path, scenario_dir: Path) -> Path:
    invoke("solve", str(scenario_dir), "--out", str(work / "base"), *SOLVE)
    return work / "base"


@pytest.fixture(scope="module")
def from_baseline(work: Path, scenario_dir: Path, surge: Path, base: Path) -> tuple[Path, str]:
    out = work / "from-baseline"
    text = invoke(
        "whatif", str(scenario_dir), str(surge), "--baseline", str(base), "--out", str(out), *SOLVE
    )
    return out, text


@pytest.fixture(scope="module")
def from_scratch(work: Path, scenario_dir: Path, surge: Path) -> tuple[Path, str]:
    out = work / "from-scratch"
    text = invoke("whatif", str(scenario_dir), str(surge), "--out", str(out), *SOLVE)
    return out, text


def surge_day(run: Path) -> pd.DataFrame:
    frame = pd.read_csv(run / "requirements.csv")
    return frame[frame["interval_start"].str.startswith(SURGE_DAY)]


def test_a_surge_from_the_baseline_changes_only_what_it_needs(
    base: Path, from_baseline: tuple[Path, str], from_scratch: tuple[Path, str]
) -> None:
    out, text = from_baseline
    changes = pd.read_csv(out / "changes.csv", keep_default_na=False)
    assert list(changes.columns) == ["agent", "date", "before", "after"]
    assert len(changes) <= MOST_CHANGES
    days = {dt.date.fromisoformat(d) for d in changes["date"]}
    assert all(abs((d - SURGE).days) <= 1 for d in days)
    assert f"{len(changes)} of 42 person-days changed" in text
    # From scratch, the same what-if reshuffles the week.
    scratch = compare_folders(base, from_scratch[0])
    assert scratch.agent_days == 42
    assert scratch.agent_days_changed >= max(LEAST_FROM_SCRATCH, 4 * len(changes))
    # ... for the same effect on the day: the same short hours, the same predicted service.
    ours, theirs = surge_day(out), surge_day(from_scratch[0])
    assert ours["volume"].sum() == pytest.approx(theirs["volume"].sum())
    assert ours["shortfall"].sum() == theirs["shortfall"].sum()
    kpis = [json.loads((r / "kpis.json").read_text()) for r in (out, from_scratch[0])]
    assert [k["status"] for k in kpis] == ["OPTIMAL", "OPTIMAL"]
    # The roster kept is as good for the what-if as the reshuffled one (its objective
    # less the price of its changes).
    assert kpis[0]["objective"] - 50.0 * len(changes) == pytest.approx(kpis[1]["objective"])


def test_without_a_baseline_the_whatif_says_it_solves_from_scratch(
    from_scratch: tuple[Path, str],
) -> None:
    out, text = from_scratch
    assert "from scratch" in text
    assert not (out / "changes.csv").exists()
    assert (out / "costs.csv").is_file() and (out / "roster.csv").is_file()


def test_the_cap_on_changes_is_respected(
    work: Path, scenario_dir: Path, surge: Path, base: Path
) -> None:
    def changed(name: str, *extra: str) -> int:
        out = work / name
        invoke(
            "whatif",
            str(scenario_dir),
            str(surge),
            "--baseline",
            str(base),
            "--out",
            str(out),
            "--change-weight",
            "0",
            *extra,
            *SOLVE,
        )
        return len(pd.read_csv(out / "changes.csv"))

    free = changed("free")
    assert free >= 2  # changes cost nothing: ties are broken anew
    cap = free // 2
    assert changed("capped", "--max-changes", str(cap)) <= cap


def test_people_removed_by_the_whatif_are_not_changes(
    work: Path, scenario_dir: Path, base: Path
) -> None:
    whatif = work / "without-b1.yaml"
    whatif.write_text("remove_agents: [B1]\n", encoding="utf-8")
    out = work / "without-b1"
    text = invoke(
        "whatif", str(scenario_dir), str(whatif), "--baseline", str(base), "--out", str(out), *SOLVE
    )
    comparison = compare_folders(base, out)
    assert comparison.people_removed == ["B1"] and comparison.people_added == []
    assert comparison.agent_days == 5 * 7  # B1's days are not compared
    assert f"{comparison.agent_days_changed} of 35 person-days changed" in text
    assert "people added: -; removed: B1" in text


def test_the_comparison_of_two_folders_is_the_comparison_in_memory(
    tmp_path: Path, scenario_dir: Path
) -> None:
    config = SolverConfig(time_limit_s=20, workers=1)
    scenario = load_scenario(scenario_dir)
    first = run_scenario(scenario, solver=config, simulate=False)
    write_outputs(first, tmp_path / "a")
    changed = apply_whatif(scenario, WhatIf(volume=[VolumeChange(factor=1.2, date=SURGE)]))
    start = FromBaseline(
        baseline=baseline_from_folder(tmp_path / "a", scenario=scenario, changed=changed)
    )
    second = run_scenario(changed, solver=config, simulate=False, baseline=start)
    write_outputs(second, tmp_path / "b")
    in_memory = compare_runs(outcome_of(first), outcome_of(second), label_a="a", label_b="b")
    assert compare_folders(tmp_path / "a", tmp_path / "b") == in_memory
    # `rostering compare --json` prints the same comparison.
    printed = runner.invoke(app, ["compare", str(tmp_path / "a"), str(tmp_path / "b"), "--json"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output) == json.loads(in_memory.model_dump_json())


def test_compare_prints_the_changes_beside_the_deltas(
    base: Path, from_scratch: tuple[Path, str]
) -> None:
    text = invoke("compare", str(base), str(from_scratch[0]), "--show", "3")
    comparison = compare_folders(base, from_scratch[0])
    assert f"{comparison.agent_days_changed} of 42 person-days changed" in text
    assert "labour_cost" in text and "pay, all people" in text
    assert f"Changed person-days ({len(comparison.assignments)})" in text


def fail(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == EXIT_INPUT, result.output
    return " ".join(result.output.split())  # rich wraps long messages


def test_a_baseline_folder_without_its_roster_is_named(
    tmp_path: Path, scenario_dir: Path, surge: Path, base: Path
) -> None:
    broken = tmp_path / "base"
    shutil.copytree(base, broken)
    (broken / "roster.csv").unlink()
    text = fail(
        "whatif", str(scenario_dir), str(surge), "--baseline", str(broken), "--out", str(tmp_path)
    )
    assert "unusable baseline" in text and "roster.csv: missing" in text


def test_a_baseline_naming_people_the_scenario_lacks_is_refused(
    tmp_path: Path, scenario_dir: Path, surge: Path, base: Path
) -> None:
    # The scenario lost A4 since the baseline was solved; the baseline still names A4.
    smaller = tmp_path / "scenario"
    shutil.copytree(scenario_dir, smaller)
    agents = smaller / "agents.csv"
    lines = agents.read_text(encoding="utf-8").splitlines(keepends=True)
    agents.write_text("".join(x for x in lines if not x.startswith("A4,")), encoding="utf-8")
    row = next(
        i
        for i, r in enumerate(pd.read_csv(base / "roster.csv").to_dict("records"), start=2)
        if r["agent"] == "A4"
    )
    text = fail(
        "whatif", str(smaller), str(surge), "--baseline", str(base), "--out", str(tmp_path / "o")
    )
    assert f"roster.csv row {row}, agent: 'A4' is not in scenario 'reference-flexible'" in text
    assert not (tmp_path / "o").exists()


def test_a_bad_whatif_file_names_the_field(tmp_path: Path, scenario_dir: Path) -> None:
    whatif = tmp_path / "bad.yaml"
    whatif.write_text("volume:\n  - factor: -1\n", encoding="utf-8")
    text = fail("whatif", str(scenario_dir), str(whatif), "--out", str(tmp_path / "o"))
    assert f"{whatif}: volume.0.factor" in text


def test_compare_names_a_folder_without_costs(tmp_path: Path, base: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(base, old)
    (old / "costs.csv").unlink()
    assert "costs.csv: missing" in fail("compare", str(base), str(old))
    (old / "costs.csv").write_text("agent,total\nA1,5\n", encoding="utf-8")
    assert "costs.csv: missing column 'days_worked'" in fail("compare", str(base), str(old))
