"""The API's database on SQLite and PostgreSQL: migrations, old databases, the driver.

Every test here runs on a SQLite file and, when ``ROSTERING_TEST_POSTGRES_URL``
names a server, on a fresh PostgreSQL database (see ``tests/api/conftest.py``).
"""

from __future__ import annotations

import importlib.util

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from api_helpers import TestClient, headers, new_key, solve_in_process, submit, upload_reference
from sqlalchemy import create_engine, inspect, text

from api.config import Settings
from api.db import Store
from api.main import create_app
from api.migrate import SchemaVersionError, current_revision, head_revision
from api.models import Base

TABLES = {"tenants", "api_keys", "scenarios", "runs", "run_attempts", "run_baselines"}


def _url(database_url: str) -> str:
    return Settings(database_url=database_url, start_runner=False).database_url


def test_the_postgres_driver_of_the_readme_is_installed() -> None:
    # The README's URL is postgresql+psycopg://: psycopg 3 comes with the postgres extra.
    assert importlib.util.find_spec("psycopg") is not None
    engine = create_engine("postgresql+psycopg://user@127.0.0.1:1/db")
    assert engine.dialect.driver == "psycopg"
    engine.dispose()


def test_a_fresh_database_is_migrated_to_the_models(database_url: str) -> None:
    store = Store(_url(database_url))
    try:
        assert store.migrate() == head_revision()
        assert current_revision(store.engine) == head_revision()
        assert set(inspect(store.engine).get_table_names()) >= TABLES
        # The migrations make exactly the schema the models describe.
        with store.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
        # Starting again changes nothing.
        assert store.migrate() == head_revision()
    finally:
        store.dispose()


def test_an_old_create_all_database_is_adopted_and_keeps_its_data(database_url: str) -> None:
    url = _url(database_url)
    # A database of the release before migrations and before run_baselines/run_attempts.
    engine = create_engine(url)
    later = {"run_attempts", "run_baselines"}
    old = [table for table in Base.metadata.sorted_tables if table.name not in later]
    Base.metadata.create_all(engine, tables=old)
    engine.dispose()
    app = create_app(Settings(database_url=url, start_runner=False))
    key = new_key(app, "acme")
    with TestClient(app) as client:
        scenario_id = upload_reference(client, key)
    app.state.store.dispose()
    # A server restarted on it finds everything and can solve (run_attempts is used).
    app = create_app(Settings(database_url=url, start_runner=False))
    store: Store = app.state.store
    assert current_revision(store.engine) == head_revision()
    assert set(inspect(store.engine).get_table_names()) >= TABLES
    with TestClient(app) as client:
        listed = client.get("/v1/scenarios", headers=headers(key)).json()
        assert [s["id"] for s in listed] == [scenario_id]
        run = submit(client, key, scenario_id)
        assert solve_in_process(app, run["id"]) == "succeeded"


def test_a_database_from_a_newer_server_is_refused_and_left_alone(database_url: str) -> None:
    url = _url(database_url)
    store = Store(url)
    store.migrate()
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    store.dispose()
    with pytest.raises(SchemaVersionError, match=r"revision '9999'.*newer version"):
        create_app(Settings(database_url=url, start_runner=False))
    store = Store(url)
    try:
        assert current_revision(store.engine) == "9999"
    finally:
        store.dispose()


def test_a_run_round_trip(database_url: str) -> None:
    app = create_app(Settings(database_url=_url(database_url), start_runner=False))
    key = new_key(app, "acme")
    with TestClient(app) as client:
        scenario_id = upload_reference(client, key)
        run = submit(client, key, scenario_id, {"label": "base"})
        assert solve_in_process(app, run["id"]) == "succeeded"
        got = client.get(f"/v1/runs/{run['id']}", headers=headers(key)).json()
        assert got["status"] == "succeeded" and got["label"] == "base"
        assert got["created_at"].endswith("Z")
        roster = client.get(f"/v1/runs/{run['id']}/roster.csv", headers=headers(key))
        assert roster.status_code == 200 and roster.text.count("\n") > 1
