"""The package's deliberate public surface."""

from __future__ import annotations

import subprocess
import sys

import rostering


def test_all_is_sorted_and_every_name_resolves() -> None:
    names = [n for n in rostering.__all__ if n != "__version__"]
    assert names == sorted(names)
    for name in rostering.__all__:
        assert getattr(rostering, name) is not None, name


def test_unknown_name_raises_attribute_error() -> None:
    try:
        _ = rostering.no_such_thing  # type: ignore[attr-defined]
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_import_is_light() -> None:
    code = "import sys, rostering; print('ortools' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def _loaded_after(module: str) -> set[str]:
    """The rostering modules a fresh interpreter holds after importing ``module``."""
    code = (
        f"import sys, {module}; "
        "print(' '.join(m for m in sys.modules if m.startswith('rostering')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_results_and_reports_sit_below_whatif_and_the_pipeline() -> None:
    higher = {"rostering.pipeline", "rostering.whatif", "rostering.cli"}
    results = _loaded_after("rostering.results")
    assert not results & (higher | {"rostering.reports"})
    assert not _loaded_after("rostering.reports") & higher
    assert not _loaded_after("rostering.whatif") & {"rostering.pipeline", "rostering.cli"}
