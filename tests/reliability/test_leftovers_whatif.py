"""`rostering whatif --baseline` switches changes.csv into --out with the other outputs.

A run that dies while writing its files must leave --out as it was (the previous
run, whole) or the whole new run: never the new roster without its changes.csv.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from typer.testing import CliRunner

import rostering.results.csv_output as csv_output
from rostering.cli import app
from rostering.errors import InputError
from rostering.pipeline import write_outputs

runner = CliRunner()
SOLVE = ["--time-limit", "20", "--workers", "1", "--no-simulate"]

_spec = importlib.util.spec_from_file_location(
    "whatif_variant", Path(__file__).resolve().parents[1] / "whatif_variant.py"
)
assert _spec is not None and _spec.loader is not None
whatif_variant = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(whatif_variant)


class KilledError(RuntimeError):
    """Stands for the process dying while it writes changes.csv."""


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("whatif-atomic")
    scenario = whatif_variant.flexible_reference(work / "scenario")
    whatif_variant.surge_file(work)
    result = runner.invoke(app, ["solve", str(scenario), "--out", str(work / "base"), *SOLVE])
    assert result.exit_code == 0, result.output
    return work


def _whatif(work: Path, out: Path) -> tuple[int, str]:
    result = runner.invoke(
        app,
        [
            "whatif",
            str(work / "scenario"),
            str(work / "surge.yaml"),
            "--baseline",
            str(work / "base"),
            "--out",
            str(out),
            *SOLVE,
        ],
    )
    return result.exit_code, result.output


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_changes_csv_is_written_with_the_run(work: Path) -> None:
    out = work / "first"
    code, output = _whatif(work, out)
    assert code == 0, output
    assert (out / "changes.csv").is_file() and (out / "roster.csv").is_file()
    assert "changes.csv" in output
    assert [p.name for p in work.iterdir() if p.name.startswith(".first.")] == []


def test_a_run_killed_writing_changes_csv_leaves_the_previous_folder(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = work / "second"
    code, output = _whatif(work, out)
    assert code == 0, output
    (out / "previous-run.txt").write_text("the previous run\n", encoding="utf-8")
    before = _contents(out)
    real = csv_output.write_csv

    def dies_on_changes(frame: object, path: Path, **kwargs: object) -> None:
        if Path(path).name == "changes.csv":
            raise KilledError("killed while writing changes.csv")
        real(frame, path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(csv_output, "write_csv", dies_on_changes)
    code, _ = _whatif(work, out)
    assert code != 0
    assert _contents(out) == before
    assert [p.name for p in work.iterdir() if p.name.startswith(".second.")] == []


def test_an_extra_file_may_not_replace_a_run_file(tmp_path: Path) -> None:
    def never(path: Path) -> None:
        raise AssertionError(f"{path} must not be written")

    for name in ("roster.csv", "../changes.csv", ".hidden.csv", "simulation.csv"):
        with pytest.raises(InputError, match="extra output"):
            write_outputs(None, tmp_path / "out", extra={name: never})  # type: ignore[arg-type]
    assert not (tmp_path / "out").exists()
