"""The layers of the package: no import cycles, and every stage imports only the ones before.

Imports are read from the source with grimp, function-local imports and
imports under ``TYPE_CHECKING`` included, so a cycle cannot hide inside a
function. See ``docs/architecture.md``.
"""

from __future__ import annotations

import grimp
import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

LAYERS = [
    # from the top down: a module may import only modules of lower layers
    [
        "api",
        "rostering.cli",
        "rostering.cli_tables",
        "rostering.cli_whatif",
        "rostering.cli_forecast",
        "rostering.cli_sweep",
    ],  # the entry points: `rostering serve` starts the API
    ["rostering.sweep"],
    ["rostering.pipeline", "rostering.pipeline_folders"],
    ["rostering.whatif"],
    ["rostering.reports"],
    ["rostering.results"],
    ["rostering.nrp"],
    ["rostering.adherence"],
    ["rostering.simulation"],
    ["rostering.roster"],
    ["rostering.sizing"],
    ["rostering.demand"],
    [
        "rostering.io",
        "rostering.io_day_items",
        "rostering.io_requests",
        "rostering.io_history",
        "rostering.io_text",
    ],
    ["rostering.forecast"],
    ["rostering.domain"],
    ["rostering.errors", "rostering.types", "rostering.csv_text"],
]
"""The stages in data-flow order, highest first (one list: layers that are independent)."""


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("rostering", "api", cache_dir=None)


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Groups of modules that import each other, directly or through others."""
    modules = sorted(graph.modules)
    index = {m: i for i, m in enumerate(modules)}
    rows, cols = [], []
    for m in modules:
        for target in graph.find_modules_directly_imported_by(m):
            if target in index and target != m:
                rows.append(index[m])
                cols.append(index[target])
    matrix = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(modules),) * 2)
    _, label = connected_components(matrix, directed=True, connection="strong")
    groups: dict[int, list[str]] = {}
    for m, lab in zip(modules, label, strict=True):
        groups.setdefault(int(lab), []).append(m)
    return [g for g in groups.values() if len(g) > 1]


def test_no_import_cycles(graph: grimp.ImportGraph) -> None:
    assert cycles(graph) == []


def test_cycle_detection_sees_a_cycle() -> None:
    g = grimp.ImportGraph()
    for m in ("p.a", "p.b", "p.c"):
        g.add_module(m)
    g.add_import(importer="p.a", imported="p.b")
    g.add_import(importer="p.b", imported="p.c")
    g.add_import(importer="p.c", imported="p.a")
    assert cycles(g) == [["p.a", "p.b", "p.c"]]


def _layer(module: str) -> int | None:
    for rank, names in enumerate(LAYERS):
        if any(module == n or module.startswith(n + ".") for n in names):
            return rank
    return None


def test_every_module_has_a_layer(graph: grimp.ImportGraph) -> None:
    top = {"rostering", "rostering.__init__"}
    assert [m for m in graph.modules if m not in top and _layer(m) is None] == []


def test_lower_stages_never_import_higher_ones(graph: grimp.ImportGraph) -> None:
    wrong = []
    for importer in sorted(graph.modules):
        low = _layer(importer)
        if low is None:
            continue
        for imported in graph.find_modules_directly_imported_by(importer):
            high = _layer(imported)
            if high is not None and high < low:
                wrong.append(f"{importer} -> {imported}")
    assert wrong == []


@pytest.mark.parametrize(
    "module",
    ["rostering.roster.validation", "rostering.roster.pay", "rostering.roster.facts"],
)
def test_solver_free_modules_never_reach_or_tools(graph: grimp.ImportGraph, module: str) -> None:
    reached = graph.find_upstream_modules(module)
    solver = {
        m for m in reached if m.startswith(("rostering.roster.model", "rostering.roster.rules"))
    }
    assert solver == set()


def test_the_product_search_never_imports_the_benchmark_research(
    graph: grimp.ImportGraph,
) -> None:
    product = [m for m in graph.modules if m.startswith("rostering.roster")]
    assert [
        f"{m} -> {t}"
        for m in product
        for t in graph.find_modules_directly_imported_by(m)
        if t.startswith("rostering.nrp")
    ] == []
