"""`rostering keys create` refuses a tenant name no database column can hold, with exit 2.

A NUL byte (PostgreSQL text cannot hold one), control characters, or a name wider
than the API's name column (``NAME_WIDTH``) answer a clear message, not a
database error, and nothing is stored. Run on SQLite and, when
``ROSTERING_TEST_POSTGRES_URL`` is set, on PostgreSQL.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text
from typer.testing import CliRunner

from api.config import Settings
from api.models import NAME_WIDTH
from rostering.cli import EXIT_INPUT
from rostering.cli import app as cli

runner = CliRunner()


def _keys_create(database_url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["keys", "create", *args, "--database", database_url])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.output


def _tenants(database_url: str) -> list[str]:
    engine = create_engine(Settings(database_url=database_url).database_url)
    try:
        if "tenants" not in inspect(engine).get_table_names():
            return []
        with engine.connect() as connection:
            return [r[0] for r in connection.execute(text("SELECT name FROM tenants"))]
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("tenant", "why"),
    [
        ("acme\x00corp", "NUL byte"),
        ("acme\ncorp", "control character"),
        ("acme\x1b[31m", "control character"),
        ("acme\x7f", "control character"),
        ("x" * (NAME_WIDTH + 1), f"at most {NAME_WIDTH} characters"),
        ("   ", "empty"),
    ],
    ids=["nul", "newline", "escape", "delete", "too-wide", "blank"],
)
def test_a_tenant_name_no_column_can_hold_is_refused(
    database_url: str, tenant: str, why: str
) -> None:
    code, output = _keys_create(database_url, tenant)
    assert code == EXIT_INPUT, output
    assert "tenant" in output and why in output, output
    assert "Traceback" not in output and "sqlalchemy" not in output.lower()
    assert _tenants(database_url) == []


def test_a_label_no_column_can_hold_is_refused(database_url: str) -> None:
    code, output = _keys_create(database_url, "acme", "--label", "l" * (NAME_WIDTH + 1))
    assert code == EXIT_INPUT, output
    assert "label" in output and f"at most {NAME_WIDTH} characters" in output, output
    assert _tenants(database_url) == []


def test_a_name_at_the_width_and_in_chinese_is_accepted(database_url: str) -> None:
    wide = "上" * NAME_WIDTH
    code, output = _keys_create(database_url, wide, "--label", "排班 planner")
    assert code == 0, output
    assert _tenants(database_url) == [wide]
