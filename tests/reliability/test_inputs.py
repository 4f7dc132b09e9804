"""Every number is checked where it enters; demand is never silently wrong; no tracebacks.

Each test is one probe of issue #24, run through the CLI (exit 2 with the file,
row and column named) and, where it applies, through the API upload (422).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from api_helpers import REFERENCE, SCENARIO_FILES, TestClient, headers
from typer.testing import CliRunner

from rostering.cli import app as cli

runner = CliRunner()

Edit = Callable[[Path], None]


def _folder(tmp_path: Path, *edits: Edit) -> Path:
    folder = tmp_path / "scenario"
    shutil.copytree(REFERENCE, folder)
    for edit in edits:
        edit(folder)
    return folder


def _replace(name: str, old: str, new: str, *, count: int = 1) -> Edit:
    def edit(folder: Path) -> None:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    return edit


def _append(name: str, line: str) -> Edit:
    def edit(folder: Path) -> None:
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")

    return edit


def _validate(folder: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["validate", str(folder), *args])
    assert not isinstance(result.exception, BaseException) or isinstance(
        result.exception, SystemExit
    ), repr(result.exception)
    return result.exit_code, result.output


def _upload(client: TestClient, key: str, folder: Path) -> tuple[int, str]:
    files = [("files", (name, (folder / name).read_bytes())) for name in SCENARIO_FILES]
    response = client.post("/v1/scenarios/upload", files=files, headers=headers(key))
    return response.status_code, response.text


def _daily_row(folder: Path, text: str) -> int:
    """The spreadsheet row number of the first daily.csv line starting with ``text``."""
    lines = (folder / "daily.csv").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(text))


# --- finite bounds -----------------------------------------------------------------


@pytest.mark.parametrize("value", ["inf", "nan", "1e12"])
def test_daily_volume_must_be_finite_and_plausible(
    tmp_path: Path, client: TestClient, key: str, value: str
) -> None:
    folder = _folder(
        tmp_path, _replace("daily.csv", "2026-09-28,inbound,60,", f"2026-09-28,inbound,{value},")
    )
    code, output = _validate(folder)
    assert code == 2, output
    assert "daily.csv: row 2, column volume" in output
    status, body = _upload(client, key, folder)
    assert status == 422, body
    assert "daily.csv" in body and "row 2, column volume" in body


def test_aht_must_be_finite(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path, _replace("daily.csv", "2026-09-28,inbound,60,180", "2026-09-28,inbound,60,inf")
    )
    code, output = _validate(folder)
    assert code == 2, output
    assert "daily.csv: row 2, column aht_s" in output


def test_profile_weight_must_be_finite(tmp_path: Path) -> None:
    folder = _folder(tmp_path, _replace("profile.csv", "09:00,inbound,5,", "09:00,inbound,1e400,"))
    code, output = _validate(folder)
    assert code == 2, output
    assert "profile.csv: row 2, column weight" in output


def test_yaml_numbers_must_be_finite(tmp_path: Path) -> None:
    folder = _folder(tmp_path, _replace("scenario.yaml", "priority: 3", "priority: .inf"))
    code, output = _validate(folder)
    assert code == 2, output
    assert "scenario.yaml: channels.0.priority" in output


def test_agent_pay_must_be_plausible(tmp_path: Path) -> None:
    folder = _folder(tmp_path, _replace("agents.csv", ",2800,", ",1e300,"))
    code, output = _validate(folder)
    assert code == 2, output
    assert "agents.csv: row 2, column base_pay" in output


def test_adherence_config_refuses_huge_grace(client: TestClient, key: str) -> None:
    from rostering.adherence import AdherenceConfig

    with pytest.raises(ValueError, match="late_login_grace_minutes"):
        AdherenceConfig(late_login_grace_minutes=1e308)
    with pytest.raises(ValueError, match="late_login_grace_minutes"):
        AdherenceConfig(late_login_grace_minutes=float("nan"))


@pytest.mark.parametrize(
    "option",
    [
        ["--time-limit", "0"],
        ["--time-limit", "-1"],
        ["--time-limit", "nan"],
        ["--time-limit", "inf"],
        ["--workers", "0"],
        ["--seed", "-1"],
        ["--correction-time", "nan"],
    ],
)
def test_solve_options_are_checked(tmp_path: Path, option: list[str]) -> None:
    result = runner.invoke(
        cli,
        [
            "solve",
            str(REFERENCE),
            "--out",
            str(tmp_path),
            "--no-simulate",
            "--time-limit",
            "1",
            *option,
        ],
    )
    assert result.exit_code == 2, (result.output, result.exception)
    assert option[0] in result.output
    assert not (tmp_path / "roster.csv").exists()


@pytest.mark.parametrize("grace", ["1e308", "nan", "-1"])
def test_adherence_grace_is_checked(tmp_path: Path, grace: str) -> None:
    result = runner.invoke(
        cli,
        [
            "adherence",
            str(REFERENCE / "agents.csv"),
            str(REFERENCE / "logins.csv"),
            "--out",
            str(tmp_path),
            "--grace",
            grace,
        ],
    )
    assert result.exit_code == 2, (result.output, result.exception)
    assert "--grace" in result.output


# --- demand that is silently wrong ---------------------------------------------------


def test_duplicate_daily_row_names_both_rows(tmp_path: Path, client: TestClient, key: str) -> None:
    folder = _folder(tmp_path, _append("daily.csv", "2026-09-28,inbound,999,180"))
    last = len((folder / "daily.csv").read_text(encoding="utf-8").splitlines())
    code, output = _validate(folder)
    assert code == 2, output
    assert f"daily.csv: row {last}" in output and "row 2" in output and "duplicate" in output
    status, body = _upload(client, key, folder)
    assert status == 422 and "duplicate" in body, body


def test_duplicate_interval_row_names_both_rows(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "intervals.csv").write_text(
        "interval_start,channel,volume,aht_s\n"
        "2026-09-28T10:00,inbound,5,180\n"
        "2026-09-28T10:30,inbound,6,180\n"
        "2026-09-28T10:00,inbound,7,180\n",
        encoding="utf-8",
    )
    _replace("scenario.yaml", "daily: daily.csv", "intervals: intervals.csv")(folder)
    _replace("scenario.yaml", "profile: profile.csv", "")(folder)
    code, output = _validate(folder)
    assert code == 2, output
    assert "intervals.csv: row 4" in output and "row 2" in output and "duplicate" in output


def _drop_daily(day: str, channel: str) -> Edit:
    def edit(folder: Path) -> None:
        path = folder / "daily.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        kept = [line for line in lines if not line.startswith(f"{day},{channel},")]
        assert len(kept) == len(lines) - 1
        path.write_text("\n".join(kept) + "\n", encoding="utf-8")

    return edit


def test_missing_day_is_an_error(tmp_path: Path, client: TestClient, key: str) -> None:
    folder = _folder(tmp_path, _drop_daily("2026-09-30", "chat"))
    code, output = _validate(folder)
    assert code == 2, output
    assert "2026-09-30" in output and "chat" in output and "closed_days" in output
    status, body = _upload(client, key, folder)
    assert status == 422 and "2026-09-30" in body, body


def test_missing_day_marked_closed_is_accepted(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        _drop_daily("2026-09-30", "chat"),
        _replace(
            "scenario.yaml", "  daily: daily.csv", "  closed_days: [2026-09-30]\n  daily: daily.csv"
        ),
    )
    code, output = _validate(folder)
    assert code == 0, output


def test_rows_outside_the_horizon_warn(tmp_path: Path, client: TestClient, key: str) -> None:
    folder = _folder(tmp_path, _append("daily.csv", "2027-01-05,inbound,60,180"))
    code, output = _validate(folder)
    assert code == 0, output
    assert "warning" in output and "2027-01-05" in output
    status, body = _upload(client, key, folder)
    assert status == 201, body
    import json

    warnings = json.loads(body)["warnings"]
    assert any("2027-01-05" in w for w in warnings), warnings


# --- no traceback, no 500 -------------------------------------------------------------


def test_deeply_nested_yaml(tmp_path: Path, client: TestClient, key: str) -> None:
    folder = _folder(tmp_path)
    (folder / "scenario.yaml").write_text(
        "a: " + "[" * 20000 + "]" * 20000 + "\n", encoding="utf-8"
    )
    code, output = _validate(folder)
    assert code == 2, output
    assert "scenario.yaml" in output and "nested" in output
    status, body = _upload(client, key, folder)
    assert status == 422 and "nested" in body, body


def test_gbk_scenario_yaml(tmp_path: Path, client: TestClient, key: str) -> None:
    folder = _folder(tmp_path)
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    (folder / "scenario.yaml").write_bytes(
        text.replace("Shanghai BPO base", "上海基地").encode("gbk")
    )
    code, output = _validate(folder)
    assert code == 2, output
    assert "scenario.yaml" in output and "UTF-8" in output
    status, body = _upload(client, key, folder)
    assert status == 422 and "UTF-8" in body, body


def test_impossible_date_in_yaml(tmp_path: Path) -> None:
    folder = _folder(tmp_path, _replace("scenario.yaml", "start: 2026-09-28", "start: 2026-02-30"))
    code, output = _validate(folder)
    assert code == 2, output
    assert "scenario.yaml" in output and "2026-02-30" in output


def test_impossible_date_in_csv(tmp_path: Path, client: TestClient, key: str) -> None:
    folder = _folder(tmp_path, _replace("daily.csv", "2026-09-28,inbound", "2026-02-30,inbound"))
    code, output = _validate(folder)
    assert code == 2, output
    assert "daily.csv: row 2, column date" in output
    status, body = _upload(client, key, folder)
    assert status == 422 and "row 2, column date" in body, body


def _gbk_agents(folder: Path) -> None:
    path = folder / "agents.csv"
    text = path.read_text(encoding="utf-8").replace("Li Na", "李娜")
    path.write_bytes(text.encode("gbk"))


def test_gbk_csv_names_the_row(tmp_path: Path, client: TestClient, key: str) -> None:
    folder = _folder(tmp_path, _gbk_agents)
    code, output = _validate(folder)
    assert code == 2, output
    assert "agents.csv: row 3" in output and "UTF-8" in output and "--encoding" in output
    status, body = _upload(client, key, folder)
    assert status == 422 and "UTF-8" in body, body


def test_gbk_csv_read_with_encoding(tmp_path: Path) -> None:
    folder = _folder(tmp_path, _gbk_agents)
    code, output = _validate(folder, "--encoding", "gbk")
    assert code == 0, output
    from rostering.io import load_scenario

    scenario = load_scenario(folder, encoding="gbk")
    assert scenario.agents[1].name == "李娜"


def test_unknown_encoding_is_refused(tmp_path: Path) -> None:
    code, output = _validate(_folder(tmp_path), "--encoding", "klingon")
    assert code == 2 and "klingon" in output, output


@pytest.mark.parametrize(
    ("old", "new", "column"),
    [
        (",one-on-one-off,A,2800,1.0,OWOWOW", ",one-on-one-off,Z,2800,1.0,OWOWOW", "shifts"),
        (",one-on-one-off,A,2800,1.0,OWOWOW", ",no-such-pattern,A,2800,1.0,OWOWOW", "pattern"),
        ("A2,Li Na,agent,inbound|chat|outbound", "A2,Li Na,agent,inbound|fax", "skills"),
    ],
)
def test_unknown_ids_in_agents_csv_name_row_and_column(
    tmp_path: Path, client: TestClient, key: str, old: str, new: str, column: str
) -> None:
    folder = _folder(tmp_path, _replace("agents.csv", old, new))
    code, output = _validate(folder)
    assert code == 2, output
    assert f"agents.csv: row 3, column {column}" in output, output
    status, body = _upload(client, key, folder)
    assert status == 422 and f"row 3, column {column}" in body, body


def test_chinese_file_names_upload(tmp_path: Path, client: TestClient, key: str) -> None:
    folder = _folder(tmp_path)
    (folder / "daily.csv").rename(folder / "每日需求.csv")
    _replace("scenario.yaml", "daily: daily.csv", "daily: 每日需求.csv")(folder)
    files = [
        ("files", (name, (folder / name).read_bytes()))
        for name in ("scenario.yaml", "agents.csv", "每日需求.csv", "profile.csv")
    ]
    response = client.post("/v1/scenarios/upload", files=files, headers=headers(key))
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "name", ["..", "a\x01b.csv", "a\u202eb.csv", ".hidden.csv", "a:b.csv", "daily.csv\n"]
)
def test_bad_file_names_still_refused(client: TestClient, key: str, name: str) -> None:
    files = [("files", ("scenario.yaml", (REFERENCE / "scenario.yaml").read_bytes()))]
    files.append(("files", (name, b"date,channel,volume,aht_s\n")))
    response = client.post("/v1/scenarios/upload", files=files, headers=headers(key))
    assert response.status_code == 422, response.text
    assert "file names must be plain names" in response.text


@pytest.mark.parametrize("grace", ["1e308", "1e400", "NaN", "Infinity"])
def test_adherence_config_over_the_api(client: TestClient, key: str, grace: str) -> None:
    body = (
        '{"events": [{"agent": "A1", "timestamp": "2026-09-28T09:00:00", "state": "ready"}], '
        f'"config": {{"late_login_grace_minutes": {grace}}}}}'
    )
    response = client.post(
        "/v1/runs/no-such-run/adherence",
        content=body,
        headers={**headers(key), "content-type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert "late_login_grace_minutes" in response.text


@pytest.mark.parametrize(
    "option", [["--seed", "-1"], ["--seed", str(2**40)], ["--replications", "100000"]]
)
def test_simulate_options_are_checked(tmp_path: Path, option: list[str]) -> None:
    result = runner.invoke(cli, ["simulate", str(tmp_path), *option])
    assert result.exit_code == 2, (result.output, result.exception)
    assert option[0] in result.output
