"""The sweep file: its JSON Schema check, the grid's expansion, names and content hashes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rostering.errors import ScenarioError
from rostering.results.csv_output import neutralise as safe_text
from rostering.sweep import (
    SweepSettings,
    content_hash,
    folder_digest,
    load_sweep,
    sweep_from_data,
    sweep_json_schema,
)
from rostering.sweep.summary import pareto_front
from rostering.whatif import WhatIf

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "scenarios" / "reference-online"


def write(tmp_path: Path, data: Any, name: str = "sweep.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def grid_data() -> dict[str, Any]:
    return {
        "scenarios": [str(REFERENCE)],
        "settings": {"time_limit_s": 5, "seed": 3},
        "grid": [
            {
                "axis": "volume",
                "levels": {
                    "vol-10": {"volume": [{"factor": 0.9}]},
                    "vol+0": {},
                    "vol+10": {"volume": [{"factor": 1.1, "channel": "inbound"}]},
                },
            },
            {
                "axis": "target",
                "levels": {
                    "sl80": {"targets": [{"channel": "inbound", "service_level": 0.8}]},
                    "sl90": {
                        "targets": [{"channel": "inbound", "service_level": 0.9}],
                        "volume": [{"factor": 1.05, "channel": "chat"}],
                    },
                },
            },
        ],
        "variants": {"s1-away": {"absences": [{"agent": "S1", "dates": ["2026-09-29"]}]}},
    }


def problems(exc: pytest.ExceptionInfo[ScenarioError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_the_grid_expands_to_the_product_and_then_the_named_variants(tmp_path: Path) -> None:
    sweep = load_sweep(write(tmp_path, grid_data()))
    names = [v.name for v in sweep.variants]
    assert names == [
        "vol-10_sl80",
        "vol-10_sl90",
        "vol+0_sl80",
        "vol+0_sl90",
        "vol+10_sl80",
        "vol+10_sl90",
        "s1-away",
    ]
    assert len(set(names)) == len(names) == len(sweep)
    merged = {v.name: v.whatif for v in sweep.variants}
    # Lists of the product's fragments are joined in axis order; the label is the name.
    both = merged["vol+10_sl90"]
    assert [(c.factor, c.channel) for c in both.volume] == [(1.1, "inbound"), (1.05, "chat")]
    assert [t.service_level for t in both.targets] == [0.9]
    assert both.label == "vol+10_sl90"
    assert merged["vol+0_sl80"].volume == []
    assert merged["s1-away"].absences[0].agent == "S1"
    assert sweep.settings.seed == 3 and sweep.settings.retries == 2
    assert [s.name for s in sweep.scenarios] == ["reference-online"]


def test_scenario_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "sweeps"
    folder.mkdir()
    data = grid_data()
    data["scenarios"] = [{"path": str(Path("..") / "site"), "name": "ref"}]
    (tmp_path / "site").symlink_to(REFERENCE)
    sweep = load_sweep(write(folder, data))
    assert sweep.scenarios[0].name == "ref"
    assert (sweep.scenarios[0].folder / "scenario.yaml").is_file()


def test_the_shipped_examples_load() -> None:
    regional = load_sweep(ROOT / "scenarios" / "sweeps" / "regional.yaml")
    reference = load_sweep(ROOT / "scenarios" / "sweeps" / "reference.yaml")
    assert len(regional) == 24 and len(reference) == 12
    assert regional.scenarios[0].folder == (ROOT / "scenarios" / "regional-site").resolve()


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["grid"][0]["levels"]["vol+10"]["volume"][0].update(factor=-1), "grid.0"),
        (lambda d: d["settings"].update(solver_threads=0), "settings.solver_threads"),
        (lambda d: d["settings"].update(colour="red"), "settings"),
        (lambda d: d["grid"][1].update(levels={}), "grid.1.levels"),
        (lambda d: d["variants"].update({"bad/name": {}}), "variants"),
        (lambda d: d["variants"]["s1-away"].update(absences="S1"), "variants.s1-away.absences"),
        (lambda d: d.pop("scenarios"), "sweep.yaml: "),
    ],
)
def test_the_schema_rejects_a_bad_file_naming_the_path(
    tmp_path: Path, change: Any, where: str
) -> None:
    data = grid_data()
    change(data)
    with pytest.raises(ScenarioError) as exc:
        load_sweep(write(tmp_path, data))
    found = problems(exc)
    assert any(str(tmp_path / "sweep.yaml") in p and where in p for p in found), found


def test_the_schema_names_the_deepest_path_of_a_bad_value(tmp_path: Path) -> None:
    data = grid_data()
    data["grid"][0]["levels"]["vol+10"]["volume"][0]["factor"] = -1
    with pytest.raises(ScenarioError) as exc:
        load_sweep(write(tmp_path, data))
    assert [p.location for p in exc.value.problems] == ["grid.0.levels.vol+10.volume.0.factor"]


def test_the_schema_is_generated_from_the_model_and_checked_by_jsonschema() -> None:
    schema = sweep_json_schema()
    assert schema["additionalProperties"] is False
    assert {"scenarios", "settings", "grid", "variants"} <= set(schema["properties"])
    assert "WhatIf" in schema["$defs"]


def test_yaml_faults_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "sweep.yaml"
    path.write_text("scenarios: [a\nsettings: {", encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_sweep(path)
    assert "line" in exc.value.problems[0].location
    path.write_text("scenarios: [x]\nvariants:\n  a: {}\n  a: {}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_sweep(path)
    assert "given twice" in str(exc.value)


def test_names_must_be_unique(tmp_path: Path) -> None:
    data = grid_data()
    data["variants"]["vol+0_sl80"] = {}
    with pytest.raises(ScenarioError) as exc:
        load_sweep(write(tmp_path, data))
    assert any("variants.vol+0_sl80" in p and "two variants" in p for p in problems(exc))

    data = grid_data()
    data["grid"].append({"axis": "volume", "levels": {"x": {}}})
    with pytest.raises(ScenarioError) as exc:
        load_sweep(write(tmp_path, data))
    assert any("grid.2.axis" in p for p in problems(exc))

    data = grid_data()
    data["scenarios"] = [str(REFERENCE), str(REFERENCE)]
    with pytest.raises(ScenarioError) as exc:
        load_sweep(write(tmp_path, data))
    assert any("scenarios.1" in p and "used twice" in p for p in problems(exc))


def test_two_axes_may_not_set_one_value_differently(tmp_path: Path) -> None:
    data = grid_data()
    data["grid"][0]["levels"]["vol+0"]["time_limit_s"] = 5
    data["grid"][1]["levels"]["sl80"]["time_limit_s"] = 9
    with pytest.raises(ScenarioError) as exc:
        load_sweep(write(tmp_path, data))
    assert any(
        "grid.1.levels.sl80.time_limit_s" in p and "grid.0.levels.vol+0" in p for p in problems(exc)
    )


def test_fragments_may_not_set_what_the_sweep_decides(tmp_path: Path) -> None:
    data = grid_data()
    data["variants"]["s1-away"]["change_weight"] = 10
    data["grid"][0]["levels"]["vol+0"]["label"] = "x"
    with pytest.raises(ScenarioError) as exc:
        load_sweep(write(tmp_path, data))
    assert {p.location for p in exc.value.problems} == {
        "variants.s1-away.change_weight",
        "grid.0.levels.vol+0.label",
    }


def test_a_missing_scenario_folder_is_named(tmp_path: Path) -> None:
    data = grid_data()
    data["scenarios"] = ["nowhere"]
    with pytest.raises(ScenarioError) as exc:
        load_sweep(write(tmp_path, data))
    assert exc.value.problems[0].location == "scenarios.0"


def test_no_variants_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as exc:
        sweep_from_data({"scenarios": [str(REFERENCE)]}, file=tmp_path / "s.yaml")
    assert "no variants" in str(exc.value)


def test_the_content_hash_changes_with_the_variant_the_settings_and_the_scenario(
    tmp_path: Path,
) -> None:
    digest = folder_digest(REFERENCE)
    settings = SweepSettings(time_limit_s=5)
    base = WhatIf.model_validate({"volume": [{"factor": 1.1}]})

    def h(whatif: WhatIf, s: SweepSettings = settings, d: str = digest) -> str:
        return content_hash(scenario_digest=d, whatif=whatif, settings=s)

    assert h(base) == h(WhatIf.model_validate({"volume": [{"factor": 1.1}], "label": "other"}))
    assert h(base) != h(WhatIf.model_validate({"volume": [{"factor": 1.2}]}))
    assert h(base) != h(WhatIf())
    assert h(base) != h(base, SweepSettings(time_limit_s=6))
    assert h(base) == h(base, SweepSettings(time_limit_s=5, retries=5))
    copy = tmp_path / "ref"
    copy.mkdir()
    for f in REFERENCE.iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    assert folder_digest(copy) == digest
    (copy / "daily.csv").write_text(
        (copy / "daily.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    assert folder_digest(copy) != digest


def test_grid_variants_hash_apart(tmp_path: Path) -> None:
    sweep = load_sweep(write(tmp_path, grid_data()))
    digest = folder_digest(REFERENCE)
    hashes = {
        content_hash(scenario_digest=digest, whatif=v.whatif, settings=sweep.settings)
        for v in sweep.variants
    }
    assert len(hashes) == len(sweep.variants)


def test_pareto_front() -> None:
    costs = [10.0, 12.0, 11.0, 10.0, 15.0, 9.0]
    service = [0.80, 0.90, 0.78, 0.85, 0.88, 0.70]
    assert pareto_front(costs, service) == [5, 3, 1]
    assert pareto_front([], []) == []


def test_safe_text_neutralises_formulas() -> None:
    assert safe_text("=cmd()") == "'=cmd()"
    assert safe_text("-cmd") == "'-cmd"
    assert safe_text("-1") == "-1"  # a negative number stays a number
    assert safe_text("vol+10_sl80") == "vol+10_sl80"
