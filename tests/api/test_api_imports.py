"""The shape of the ``api`` package, read from its source with ``ast``: routers never
import one another, the schemas never reach the ORM tables, and no two api modules
import each other in a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

API = Path(__file__).resolve().parents[2] / "api"
ROUTES = API / "routes"


def module_name(path: Path) -> str:
    """The dotted name of a module file of the api package."""
    parts = list(path.relative_to(API.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Every dotted name ``source`` (the text of ``module``) imports, relative ones resolved.

    ``from a.b import c`` yields both ``a.b`` and ``a.b.c``, since ``c`` may be a module.
    """
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return names


def imports_of(path: Path) -> set[str]:
    """The dotted names a module file of the api package imports."""
    return imported(
        path.read_text(encoding="utf-8"), module_name(path), is_package=path.name == "__init__.py"
    )


def api_graph() -> dict[str, set[str]]:
    """Which api modules each api module imports."""
    files = {module_name(p): p for p in sorted(API.rglob("*.py"))}
    return {name: imports_of(path) & set(files) - {name} for name, path in files.items()}


def router_imports(name: str, names: set[str]) -> set[str]:
    """The ``api.routes`` modules among ``names``, other than ``name`` itself."""
    return {n for n in names if (n == "api.routes" or n.startswith("api.routes.")) and n != name}


def test_the_import_reader_sees_absolute_and_relative_router_imports() -> None:
    source = "\n".join(
        [
            "import api.routes.runs",
            "from api.routes import errors",
            "from . import scenarios",
            "from .health import router",
            "from api.deps import RunDep",
        ]
    )
    names = imported(source, "api.routes.compare")
    assert router_imports("api.routes.compare", names) == {
        "api.routes",
        "api.routes.errors",
        "api.routes.health",
        "api.routes.health.router",
        "api.routes.runs",
        "api.routes.scenarios",
    }
    plain = imported("from api.deps import RunDep", "api.routes.compare")
    assert router_imports("api.routes.compare", plain) == set()


@pytest.mark.parametrize("path", sorted(ROUTES.glob("*.py")), ids=lambda p: p.name)
def test_no_router_imports_another_routes_module(path: Path) -> None:
    found = router_imports(module_name(path), imports_of(path))
    assert not found, f"{path.name} imports {sorted(found)}; share through api.deps or api.crud"


def test_schemas_do_not_import_the_orm_models() -> None:
    assert "api.models" not in imports_of(API / "schemas.py")
    graph = api_graph()
    seen: set[str] = set()
    todo = ["api.schemas"]
    while todo:
        for name in graph[todo.pop()] - seen:
            seen.add(name)
            todo.append(name)
    assert "api.models" not in seen, f"api.schemas reaches api.models through {sorted(seen)}"


def test_api_modules_import_each_other_without_cycles() -> None:
    graph = api_graph()
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycle = [*path[path.index(name) :], name]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
