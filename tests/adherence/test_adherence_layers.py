"""The adherence stage's place in the layers: what it may import, and that it loads no solver."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import rostering.adherence

PACKAGE = Path(rostering.adherence.__file__).parent
MODULES = sorted(PACKAGE.glob("*.py"))

ALLOWED = (
    "rostering.adherence",
    "rostering.csv_text",
    "rostering.domain",
    "rostering.errors",
    "rostering.roster.instance",
    "rostering.roster.solution",
    "rostering.types",
)
"""The only parts of the project the stage may import."""

FORBIDDEN = (
    "api",
    "rostering.cli",
    "rostering.pipeline",
    "rostering.reports",
    "rostering.results",
    "rostering.whatif",
)
"""Layers above the stage: they may use it, never the other way round."""


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _imports(tree: ast.Module) -> list[tuple[str, ast.stmt]]:
    """Every module a module imports, with the statement that does it."""
    found: list[tuple[str, ast.stmt]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, node))
    return found


def _loads_ortools(code: str) -> bool:
    """Whether running ``code`` in a fresh interpreter leaves OR-Tools loaded."""
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('ortools' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1] == "True"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_only_the_allowed_parts_of_the_project_are_imported(path: Path) -> None:
    project = [
        name for name, _ in _imports(_tree(path)) if _within(name, ("rostering", *FORBIDDEN))
    ]
    assert not [n for n in project if _within(n, FORBIDDEN)]
    assert [n for n in project if not _within(n, ALLOWED)] == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_every_import_is_at_the_top_of_its_module(path: Path) -> None:
    tree = _tree(path)
    top = {id(node) for node in tree.body}
    local = [name for name, node in _imports(tree) if id(node) not in top]
    assert local == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_each_module_says_its_job_and_lists_a_sorted_public_surface(path: Path) -> None:
    tree = _tree(path)
    assert ast.get_docstring(tree)
    assert len(path.read_text(encoding="utf-8").splitlines()) < 500
    listed = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
    ]
    assert len(listed) == 1
    names = ast.literal_eval(listed[0])

    def style(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert names == sorted(names, key=style)


def test_importing_the_adherence_stage_does_not_load_ortools() -> None:
    assert not _loads_ortools("import rostering.adherence")
