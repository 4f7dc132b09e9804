"""Two servers starting at once on one fresh PostgreSQL database both migrate it, once.

Each process stands for a server start: it builds its own engine and calls
:func:`api.migrate.upgrade_to_head` as ``Store.migrate`` does, all released at
the same moment. Skipped without ``ROSTERING_TEST_POSTGRES_URL``.
"""

from __future__ import annotations

import multiprocessing as mp
from multiprocessing.synchronize import Barrier

from sqlalchemy import create_engine, inspect, text

from api.config import Settings
from api.migrate import current_revision, head_revision

TABLES = {"tenants", "api_keys", "scenarios", "runs", "run_attempts", "run_baselines"}
SERVERS = 3
ROUNDS = 2
"""Fresh databases migrated at once by SERVERS processes each."""


def _start(url: str, barrier: Barrier, answers: mp.Queue[str]) -> None:
    from api.db import make_engine
    from api.migrate import upgrade_to_head

    engine = make_engine(url)
    try:
        barrier.wait(timeout=60)
        answers.put(f"ok {upgrade_to_head(engine)}")
    except Exception as exc:  # reported to the test, which names it
        answers.put(f"failed {type(exc).__name__}: {exc}")
    finally:
        engine.dispose()


def _migrate_at_once(url: str) -> list[str]:
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(SERVERS)
    answers: mp.Queue[str] = ctx.Queue()
    processes = [ctx.Process(target=_start, args=(url, barrier, answers)) for _ in range(SERVERS)]
    for p in processes:
        p.start()
    try:
        return sorted(answers.get(timeout=120) for _ in processes)
    finally:
        for p in processes:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()


def _fresh(server: str, n: int) -> tuple[str, str]:
    """A fresh database beside the fixture's (same server), and its URL."""
    from sqlalchemy import make_url

    base = make_url(server)
    name = f"{base.database}_{n}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return name, base.set(database=name).render_as_string(hide_password=False)


def _drop(server: str, name: str) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def test_servers_starting_at_once_migrate_a_fresh_postgres_once(postgres_url: str) -> None:
    head = head_revision()
    for n in range(ROUNDS):
        name, raw = _fresh(postgres_url, n)
        try:
            url = Settings(database_url=raw, start_runner=False).database_url
            assert _migrate_at_once(url) == [f"ok {head}"] * SERVERS
            engine = create_engine(url)
            try:
                assert current_revision(engine) == head
                with engine.connect() as connection:
                    versions = connection.execute(text("SELECT version_num FROM alembic_version"))
                    assert [row[0] for row in versions] == [head]
                    held = connection.execute(
                        text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
                    ).scalar_one()
                    assert held == 0, "the migration lock was not released"
                assert set(inspect(engine).get_table_names()) >= TABLES
            finally:
                engine.dispose()
        finally:
            _drop(postgres_url, name)
