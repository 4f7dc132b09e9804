"""``--encoding`` reaches every input file of a scenario: history.csv and requests.csv too.

A file that is not UTF-8, read without ``--encoding``, answers exit 2 naming the
file, the row and the hint to save it as UTF-8 (or give its encoding).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rostering.cli import app as cli
from rostering.errors import ScenarioError
from rostering.forecast import read_history
from rostering.io import load_scenario
from rostering.io_text import UTF8_HINT

runner = CliRunner()

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _validate(folder: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["validate", str(folder), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.output


def _gbk_requests(tmp_path: Path) -> Path:
    """site-month with a Chinese note on the third data row (row 4) of requests.csv, in GBK."""
    folder = tmp_path / "site-month"
    shutil.copytree(SCENARIOS / "site-month", folder)
    path = folder / "requests.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[3].endswith(","), lines[3]
    lines[3] += "探亲"
    path.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    return folder


def _gbk_history(tmp_path: Path) -> Path:
    """regional-forecast with a note column, Chinese on row 5, in history.csv, in GBK."""
    folder = tmp_path / "regional-forecast"
    shutil.copytree(SCENARIOS / "regional-forecast", folder)
    path = folder / "history.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [line + "," for line in lines]
    lines[0] += "note"
    lines[4] += "春节前"
    path.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    return folder


def test_gbk_requests_without_encoding_names_the_row(tmp_path: Path) -> None:
    code, output = _validate(_gbk_requests(tmp_path))
    assert code == 2, output
    assert "requests.csv: row 4" in output and "UTF-8" in output and "--encoding" in output


def test_gbk_requests_read_with_encoding(tmp_path: Path) -> None:
    folder = _gbk_requests(tmp_path)
    code, output = _validate(folder, "--encoding", "gbk")
    assert code == 0, output
    utf8 = load_scenario(SCENARIOS / "site-month")
    gbk = load_scenario(folder, encoding="gbk")
    assert [a.leave for a in gbk.agents] == [a.leave for a in utf8.agents]


def test_gbk_history_without_encoding_names_the_row(tmp_path: Path) -> None:
    code, output = _validate(_gbk_history(tmp_path))
    assert code == 2, output
    assert "history.csv: row 5" in output, output
    assert "not utf-8 text" in output and "UTF-8" in output and "--encoding" in output
    assert UTF8_HINT.split(" (")[0] in output


def test_gbk_history_read_with_encoding(tmp_path: Path) -> None:
    folder = _gbk_history(tmp_path)
    gbk = load_scenario(folder, encoding="gbk")
    assert gbk.demand.forecast is not None
    assert gbk.demand.forecast.history == "history.csv"
    assert {r.channel for r in gbk.demand.forecast.channels} == {"inbound", "chat", "email"}


def test_a_history_read_alone_names_the_row_that_is_not_utf8(tmp_path: Path) -> None:
    """`rostering forecast` and `backtest` read the file as UTF-8; the fault names its row."""
    path = tmp_path / "history.csv"
    text = (
        "interval_start,channel,volume\n2026-03-02T09:00:00,inbound,5\n2026-03-02T09:30:00,电话,5\n"
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("gbk"))
    with pytest.raises(ScenarioError) as caught:
        read_history(path, file="history.csv")
    [problem] = caught.value.problems
    assert (problem.file, problem.location) == ("history.csv", "row 3")
    assert "save the file as UTF-8" in problem.message


def test_backtest_reads_a_gbk_history_with_encoding(tmp_path: Path) -> None:
    """`rostering backtest --encoding gbk` reads the file; without it, exit 2 with the row."""
    path = _gbk_history(tmp_path) / "history.csv"
    runner = CliRunner()
    refused = runner.invoke(cli, ["backtest", str(path), "--origins", "1", "--days", "7"])
    assert refused.exit_code == 2, refused.output
    assert "row 5" in refused.output and "--encoding" in refused.output
    read = runner.invoke(
        cli,
        [
            "backtest",
            str(path),
            "--origins",
            "1",
            "--days",
            "7",
            "--encoding",
            "gbk",
            "--model",
            "seasonal naive",
        ],
    )
    assert read.exit_code == 0, read.output
    assert "inbound" in read.output
