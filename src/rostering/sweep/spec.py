"""A sweep file: scenario folders, a grid of what-if variants, and the solve settings.

A sweep asks the same questions of many sites at once: "what does each site
cost, and what service does it give, at volume -10 %, 0, +10 %, +20 %, at the
80 % and the 90 % target, with two people more or less?" The file names the
scenario folders, the variants and the settings every solve uses::

    scenarios:                        # folders, relative to this file
      - ../regional-site
      - {path: ../reference-online, name: online}
    settings: {time_limit_s: 10, solver_threads: 1, seed: 0, simulate: true, replications: 3}
    grid:                             # the cartesian product of the axes
      - axis: volume
        levels:
          vol-10: {volume: [{factor: 0.9}]}
          vol+0: {}
          vol+10: {volume: [{factor: 1.1}]}
      - axis: target
        levels:
          sl80: {targets: [{channel: inbound, service_level: 0.8}]}
          sl90: {targets: [{channel: inbound, service_level: 0.9}]}
    variants:                         # and variants named one by one
      s1-away: {absences: [{agent: S1, dates: [2026-09-29]}]}

Each level and each named variant is a fragment of
:class:`rostering.whatif.WhatIf` (volume, aht, targets, remove/add/copy
agents, absences, time_limit_s, simulate). One product of the grid takes one
level of every axis: its fragments merge into one what-if, lists joined in
axis order, and its name joins the levels' labels with ``_`` (``vol+10_sl80``).

:func:`load_sweep` checks the file against :func:`sweep_json_schema` (the
JSON Schema of :class:`SweepSpec`) with the ``jsonschema`` library before
anything runs, then against the model itself; every fault names the file and
the path in it (``grid.0.levels.vol+10.volume.0.factor``). Ids a variant names
(agents, channels, dates) are checked against each scenario when its task
runs, and a bad one fails that task only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import product
from pathlib import Path
from typing import Annotated, Any

import jsonschema  # type: ignore[import-untyped]
import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from rostering.errors import Problem, ScenarioError
from rostering.io import problems_from_validation
from rostering.whatif.spec import WhatIf

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.+=-]*$"
"""Names of scenarios, axes and levels: folder names that need no quoting anywhere."""
NAME_MAX = 64
VARIANT_NAME_MAX = 200
"""A variant's name is a folder name and a what-if label (at most 200 characters)."""
MERGED_SCALARS = ("time_limit_s", "simulate")
"""What-if fields that hold one value: at most one axis of a product may set each."""
NOT_IN_A_SWEEP = {
    "label": "a variant's label is its name (the level labels joined by '_')",
    "change_weight": "a sweep solves every variant from scratch; change_weight needs a baseline",
    "max_changes": "a sweep solves every variant from scratch; max_changes needs a baseline",
}
"""What-if fields a sweep's fragments may not set, and why."""

Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN, max_length=NAME_MAX)]


class ScenarioRef(BaseModel):
    """A scenario folder in the sweep, and the name of its output folder."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(
        min_length=1, description="Scenario folder (scenario.yaml + CSVs), relative to the file."
    )
    name: Name | None = Field(
        None, description="Name of the scenario's output folder (default: the folder's name)."
    )


class Axis(BaseModel):
    """One axis of the grid: a name and its labelled what-if fragments, in order."""

    model_config = ConfigDict(extra="forbid")

    axis: Name = Field(description="What the axis varies, e.g. volume.")
    levels: dict[Name, WhatIf] = Field(
        min_length=1,
        description="Label -> what-if fragment; an empty fragment ({}) leaves the scenario as is.",
    )


class SweepSettings(BaseModel):
    """How every task of the sweep is solved and simulated."""

    model_config = ConfigDict(extra="forbid")

    time_limit_s: float = Field(
        30.0,
        gt=0,
        le=3600,
        description="Solver time limit per task, seconds (a variant's time_limit_s wins).",
    )
    solver_threads: int = Field(
        1,
        ge=1,
        le=64,
        description="CP-SAT worker threads per solve. A solve takes one unit of a worker's "
        "solve resource whatever its threads: keep this at most the cores per unit.",
    )
    seed: int = Field(0, ge=0, description="CP-SAT random seed.")
    simulate: bool = Field(
        True,
        description="Simulate each roster (where its scenario has a simulation) and correct it.",
    )
    replications: int | None = Field(
        None, ge=2, le=1000, description="Simulation replications (default: the scenario's)."
    )
    simulation_seed: int | None = Field(
        None, ge=0, description="Simulation random seed (default: the scenario's)."
    )
    correction_rounds: int | None = Field(
        None, ge=0, le=20, description="Correction rounds (default: the scenario's)."
    )
    retries: int = Field(
        2,
        ge=0,
        le=10,
        description="Times a task is tried again after its worker died or it raised an "
        "unexpected error; after that it is reported as failed.",
    )


class SweepSpec(BaseModel):
    """The scenario folders, the variants and the settings of a sweep."""

    model_config = ConfigDict(extra="forbid")

    scenarios: list[str | ScenarioRef] = Field(
        min_length=1,
        description="Scenario folders (relative to the sweep file), as paths or {path, name}.",
    )
    settings: SweepSettings = Field(default_factory=SweepSettings)
    grid: list[Axis] = Field(
        default_factory=list,
        description="Axes whose cartesian product makes variants (empty: no grid).",
    )
    variants: dict[Name, WhatIf] = Field(
        default_factory=dict, description="Variants named one by one, besides the grid's."
    )


@dataclass(frozen=True)
class Variant:
    """One what-if of the sweep and its name (also the name of its output folder)."""

    name: str
    whatif: WhatIf


@dataclass(frozen=True)
class SweepScenario:
    """A scenario folder of the sweep, resolved, and the name of its output folder."""

    name: str
    folder: Path


@dataclass(frozen=True)
class Sweep:
    """A checked sweep file: its scenarios resolved, its variants expanded."""

    file: Path
    spec: SweepSpec
    scenarios: tuple[SweepScenario, ...]
    variants: tuple[Variant, ...]

    @property
    def settings(self) -> SweepSettings:
        """The settings every task is solved with."""
        return self.spec.settings

    def __len__(self) -> int:
        """Tasks in the sweep: scenarios times variants."""
        return len(self.scenarios) * len(self.variants)


def _names_checked(node: Any) -> Any:
    """The schema with the key pattern of every name-keyed mapping made binding.

    pydantic states a key pattern as ``patternProperties``, which lets other
    keys through unchecked; ``propertyNames`` makes every key match it.
    """
    if isinstance(node, dict):
        out = {k: _names_checked(v) for k, v in node.items()}
        patterns = out.get("patternProperties")
        if isinstance(patterns, dict) and len(patterns) == 1:
            (pattern,) = patterns
            out["propertyNames"] = {**out.get("propertyNames", {}), "pattern": pattern}
        return out
    if isinstance(node, list):
        return [_names_checked(v) for v in node]
    return node


@cache
def _schema_text() -> str:
    schema = _names_checked(SweepSpec.model_json_schema(mode="validation"))
    return json.dumps(schema, sort_keys=True)


def sweep_json_schema() -> dict[str, Any]:
    """The JSON Schema of a sweep file (generated from :class:`SweepSpec`)."""
    schema: dict[str, Any] = json.loads(_schema_text())
    return schema


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping (a level or variant
    written twice would otherwise silently replace the first)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} given twice in one mapping", mark
            )
        seen.add(key)
    return dict(loader.construct_mapping(node))


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def _json_ready(value: Any) -> Any:
    """YAML data as JSON data: dates as ISO text, mapping keys as text."""
    if isinstance(value, Mapping):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _where(path: Sequence[object]) -> str:
    return ".".join(str(p) for p in path)


def _schema_problems(data: Any, *, file: str) -> list[Problem]:
    """Every place where ``data`` breaks the sweep file's JSON Schema, by path."""
    validator = jsonschema.Draft202012Validator(sweep_json_schema())
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        shown = error
        if error.context:
            # "not valid under any of the given schemas": name the fault in the branch of
            # the value's own type (a number out of range, not "2 is not of type 'null'").
            same_type = [e for e in error.context if e.validator != "type"]
            shown = jsonschema.exceptions.best_match(same_type or error.context) or error
        problems.append(Problem(file, _where(shown.absolute_path), shown.message))
    return problems


def _fragment_problems(spec: SweepSpec, *, file: str) -> list[Problem]:
    """Fragments that set what a sweep decides itself (label, baseline weights)."""
    places: list[tuple[str, WhatIf]] = [
        (f"grid.{i}.levels.{label}", fragment)
        for i, axis in enumerate(spec.grid)
        for label, fragment in axis.levels.items()
    ]
    places += [(f"variants.{name}", whatif) for name, whatif in spec.variants.items()]
    return [
        Problem(file, f"{where}.{field}", reason)
        for where, fragment in places
        for field, reason in NOT_IN_A_SWEEP.items()
        if field in fragment.model_fields_set
    ]


def _grid_problems(spec: SweepSpec, *, file: str) -> list[Problem]:
    """Axes named twice, and levels of two axes that set one value differently."""
    problems = []
    seen: dict[str, int] = {}
    for i, axis in enumerate(spec.grid):
        if axis.axis in seen:
            problems.append(
                Problem(file, f"grid.{i}.axis", f"axis named twice (also grid.{seen[axis.axis]})")
            )
        seen.setdefault(axis.axis, i)
    for i, first in enumerate(spec.grid):
        for j in range(i + 1, len(spec.grid)):
            for label_a, a in first.levels.items():
                for label_b, b in spec.grid[j].levels.items():
                    for field in MERGED_SCALARS:
                        if field not in a.model_fields_set or field not in b.model_fields_set:
                            continue
                        if getattr(a, field) != getattr(b, field):
                            problems.append(
                                Problem(
                                    file,
                                    f"grid.{j}.levels.{label_b}.{field}",
                                    f"conflicts with grid.{i}.levels.{label_a}.{field} in the "
                                    "product of both: give it on one axis only",
                                    repr(getattr(b, field)),
                                )
                            )
    return problems


def merge_fragments(fragments: Sequence[WhatIf], *, label: str) -> WhatIf:
    """One what-if from fragments: lists joined in order, single values from the one
    fragment that sets them (the later wins if several do), labelled ``label``."""
    data: dict[str, Any] = {"label": label}
    for fragment in fragments:
        for field in fragment.model_fields_set:
            value = getattr(fragment, field)
            if isinstance(value, list):
                data.setdefault(field, []).extend(value)
            elif field != "label":
                data[field] = value
    return WhatIf.model_validate(data)


def expand_variants(spec: SweepSpec) -> list[Variant]:
    """The grid's products (first axis slowest) and then the named variants, in order."""
    variants: list[Variant] = []
    if spec.grid:
        axes = [list(axis.levels.items()) for axis in spec.grid]
        for combo in product(*axes):
            name = "_".join(label for label, _ in combo)
            variants.append(Variant(name, merge_fragments([f for _, f in combo], label=name)))
    for name, whatif in spec.variants.items():
        variants.append(Variant(name, merge_fragments([whatif], label=name)))
    return variants


def _variant_problems(spec: SweepSpec, variants: Sequence[Variant], *, file: str) -> list[Problem]:
    problems = []
    if not variants:
        problems.append(Problem(file, "", "no variants: give a grid, variants, or both"))
    n_grid = len(variants) - len(spec.variants)
    seen: set[str] = set()
    for index, v in enumerate(variants):
        if v.name in seen:
            where = "grid" if index < n_grid else f"variants.{v.name}"
            problems.append(Problem(file, where, "two variants have this name", v.name))
        seen.add(v.name)
    for v in variants:
        if len(v.name) > VARIANT_NAME_MAX:
            problems.append(
                Problem(
                    file,
                    "grid",
                    f"variant name longer than {VARIANT_NAME_MAX} characters; use shorter labels",
                    v.name[:40] + "...",
                )
            )
            break
    return problems


def _resolve_scenarios(
    spec: SweepSpec, *, base: Path, file: str
) -> tuple[list[SweepScenario], list[Problem]]:
    problems = []
    resolved: list[SweepScenario] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(spec.scenarios):
        ref = ScenarioRef(path=entry) if isinstance(entry, str) else entry
        where = f"scenarios.{i}" if isinstance(entry, str) else f"scenarios.{i}.path"
        folder = (base / ref.path).resolve()
        if not (folder / "scenario.yaml").is_file():
            problems.append(
                Problem(file, where, f"no scenario folder (scenario.yaml) at {folder}", ref.path)
            )
            continue
        name = ref.name or folder.name
        if name in seen:
            problems.append(
                Problem(
                    file,
                    f"scenarios.{i}",
                    f"scenario name {name!r} used twice (also scenarios.{seen[name]}); "
                    "give each a distinct name",
                )
            )
            continue
        seen[name] = i
        resolved.append(SweepScenario(name=name, folder=folder))
    return resolved, problems


def sweep_from_data(data: Any, *, file: Path, base: Path | None = None) -> Sweep:
    """Check parsed sweep data (schema, model, grid, scenario folders) and expand it.

    Raises
    ------
    ScenarioError
        One problem per fault, each naming ``file`` and the path in it.
    """
    name = str(file)
    data = _json_ready({} if data is None else data)
    problems = _schema_problems(data, file=name)
    if problems:
        raise ScenarioError(problems)
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation(exc, file=name)) from None
    problems = _fragment_problems(spec, file=name) + _grid_problems(spec, file=name)
    if problems:
        raise ScenarioError(problems)
    variants = expand_variants(spec)
    scenarios, missing = _resolve_scenarios(spec, base=base or file.parent, file=name)
    problems = _variant_problems(spec, variants, file=name) + missing
    if problems:
        raise ScenarioError(problems)
    return Sweep(file=file, spec=spec, scenarios=tuple(scenarios), variants=tuple(variants))


def load_sweep(path: str | Path) -> Sweep:
    """Read and check a sweep file (YAML or JSON); scenario paths are relative to it.

    Raises
    ------
    ScenarioError
        Naming the file and, for each fault, the path in it
        (``grid.0.levels.vol+10.volume.0.factor``) or the line and column of a
        YAML syntax error.
    """
    path = Path(path)
    if not path.is_file():
        raise ScenarioError([Problem(str(path), "", "sweep file not found")])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem(str(path), "", f"not UTF-8 text: {exc}")]) from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError([Problem(str(path), where, f"invalid YAML: {reason}")]) from None
    if data is not None and not isinstance(data, dict):
        raise ScenarioError([Problem(str(path), "", "expected a mapping of sweep fields")])
    return sweep_from_data(data, file=path)


__all__ = [
    "Axis",
    "ScenarioRef",
    "Sweep",
    "SweepScenario",
    "SweepSettings",
    "SweepSpec",
    "Variant",
    "expand_variants",
    "load_sweep",
    "merge_fragments",
    "sweep_from_data",
    "sweep_json_schema",
]
