"""API keys in the database: stored hashed, checked in constant time, managed with
`rostering keys`."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from api.crud import authenticate, create_api_key, revoke_api_key
from api.db import Store
from api.models import ApiKey
from rostering.cli import app as cli


def test_keys_are_stored_hashed_and_salted(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'k.sqlite'}")
    store.create_all()
    with store.session() as s:
        _, first = create_api_key(s, "acme")
        _, second = create_api_key(s, "acme", label="ci")
        s.commit()
        rows = list(s.scalars(select(ApiKey)))
        assert len(rows) == 2
        for row, key in zip(rows, (first, second), strict=True):
            secret = key.split("_", 2)[2]
            assert secret not in (row.digest, row.salt)
        assert rows[0].salt != rows[1].salt
        tenant = authenticate(s, first)
        assert tenant is not None and tenant.name == "acme"
        assert authenticate(s, first[:-1] + ("A" if first[-1] != "A" else "B")) is None
        assert revoke_api_key(s, rows[0].id)
        assert not revoke_api_key(s, rows[0].id)
        assert authenticate(s, first) is None
        assert authenticate(s, second) is not None
    store.dispose()


def test_cli_creates_lists_and_revokes_keys(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.sqlite")
    runner = CliRunner()
    made = runner.invoke(cli, ["keys", "create", "acme", "--label", "planner", "--database", db])
    assert made.exit_code == 0, made.output
    key = made.stdout.strip().splitlines()[-1]
    assert key.startswith("rk_")
    listed = runner.invoke(cli, ["keys", "list", "--database", db])
    key_id = key.split("_")[1]
    assert listed.exit_code == 0 and key_id in listed.stdout and "planner" in listed.stdout
    assert key not in listed.stdout
    store = Store(f"sqlite:///{db}")
    with store.session() as s:
        assert authenticate(s, key) is not None
    revoked = runner.invoke(cli, ["keys", "revoke", key_id, "--database", db])
    assert revoked.exit_code == 0
    with store.session() as s:
        assert authenticate(s, key) is None
    again = runner.invoke(cli, ["keys", "revoke", key_id, "--database", db])
    assert again.exit_code == 2
    store.dispose()
