"""Every notebook runs top to bottom, in this interpreter, within its time budget."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
BUDGET_S = 120.0


def test_notebooks_are_stored_without_outputs() -> None:
    assert [n.name for n in NOTEBOOKS] == [
        "01-weekly-roster.ipynb",
        "02-what-if.ipynb",
        "03-adherence.ipynb",
        "04-forecast.ipynb",
    ]
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [], f"{path.name} holds outputs"
                assert cell["execution_count"] is None, f"{path.name} holds execution counts"


def _kernel_env() -> dict[str, str]:
    """The kernel imports the package from src/ and the API from the repository root."""
    paths = [str(ROOT / "src"), str(ROOT)]
    old = os.environ.get("PYTHONPATH")
    return {"PYTHONPATH": os.pathsep.join([*paths, *([old] if old else [])])}


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")

    for key, value in _kernel_env().items():
        monkeypatch.setenv(key, value)
    # A kernel spec of this interpreter, found first, whatever kernels the machine has.
    jupyter = tmp_path / "jupyter"
    spec_dir = jupyter / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec = {"argv": argv, "display_name": "Python 3 (tests)", "language": "python"}
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter))
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=BUDGET_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    started = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - started
    assert elapsed < BUDGET_S, f"{path.name} took {elapsed:.0f}s"
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors
