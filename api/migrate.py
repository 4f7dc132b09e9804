"""Bring the API database to the newest schema revision, or refuse with a clear message.

The revisions live in :mod:`api.migrations` (Alembic) and run the same on SQLite
and PostgreSQL. On start the server calls :func:`upgrade_to_head`:

* an empty database gets every table;
* a database made by ``create_all`` before migrations existed (tables, no
  ``alembic_version``) is adopted: the initial revision creates only the tables
  it lacks, then later revisions run;
* a database at an older revision is upgraded;
* a database at a revision this version does not know (made by a newer
  version of the server) is left alone and :class:`SchemaVersionError` says so.

On PostgreSQL, servers starting at once on one database take turns: each
holds a session advisory lock (:data:`MIGRATION_LOCK_KEY`) on the connection
the revisions run on, from reading the database's revision to the end of the
upgrade, so the first one upgrades and the others find the schema at head.
SQLite needs no lock: one server process owns its file.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

MIGRATION_LOCK_KEY = 7_214_930_256_114_020_424
"""PostgreSQL advisory lock key held while the schema is read and upgraded (a fixed
64-bit number: every server of this product uses the same one)."""


class SchemaVersionError(RuntimeError):
    """The database's schema revision is unknown to this version of the server."""


def alembic_config(url: str | None = None) -> Config:
    """The Alembic configuration of the API's migrations (no ``alembic.ini`` needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest revision this version of the server knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise SchemaVersionError(f"no migrations found under {MIGRATIONS}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(engine: Engine) -> str:
    """Upgrade the database to the newest revision and return it.

    Raises :class:`SchemaVersionError` when the database is at a revision this
    version does not know, without changing it. On PostgreSQL the check and the
    upgrade run under :data:`MIGRATION_LOCK_KEY`, released afterwards.
    """
    with engine.connect() as connection:
        if connection.dialect.name != "postgresql":
            return _upgrade(connection)
        _lock(connection)
        try:
            return _upgrade(connection)
        finally:
            _unlock(connection)


def _lock(connection: Connection) -> None:
    """Take the migration lock, waiting for another server's migration to end."""
    key = {"key": MIGRATION_LOCK_KEY}
    got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), key).scalar_one()
    if not got:
        log.info("waiting for another server to finish migrating the database schema")
        connection.execute(text("SELECT pg_advisory_lock(:key)"), key)
    connection.commit()


def _unlock(connection: Connection) -> None:
    """Release the migration lock; a connection that cannot is closed, which releases it."""
    try:
        connection.rollback()
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
        connection.commit()
    except Exception:
        log.warning("could not release the schema migration lock; closing its connection")
        connection.invalidate()


def _upgrade(connection: Connection) -> str:
    """Check the database's revision and upgrade it to head, on ``connection``."""
    config = alembic_config()
    scripts = ScriptDirectory.from_config(config)
    current = MigrationContext.configure(connection).get_current_revision()
    known = {script.revision for script in scripts.walk_revisions()}
    if current is not None and current not in known:
        url = connection.engine.url.render_as_string(hide_password=True)
        raise SchemaVersionError(
            f"the database {url} is at schema "
            f"revision {current!r}, which this version of the server does not know "
            f"(newest known: {scripts.get_current_head()!r}); it was probably written by a "
            "newer version: upgrade the server, or point it at another database"
        )
    head = head_revision()
    if current != head:
        log.info("upgrading the database schema from %s to %s", current or "nothing", head)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    connection.commit()
    return head


__all__ = [
    "MIGRATIONS",
    "MIGRATION_LOCK_KEY",
    "SchemaVersionError",
    "alembic_config",
    "current_revision",
    "head_revision",
    "upgrade_to_head",
]
