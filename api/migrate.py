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
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


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
    version does not know, without changing it.
    """
    config = alembic_config()
    scripts = ScriptDirectory.from_config(config)
    current = current_revision(engine)
    known = {script.revision for script in scripts.walk_revisions()}
    if current is not None and current not in known:
        raise SchemaVersionError(
            f"the database {engine.url.render_as_string(hide_password=True)} is at schema "
            f"revision {current!r}, which this version of the server does not know "
            f"(newest known: {scripts.get_current_head()!r}); it was probably written by a "
            "newer version: upgrade the server, or point it at another database"
        )
    head = head_revision()
    if current != head:
        log.info("upgrading the database schema from %s to %s", current or "nothing", head)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    return head


__all__ = [
    "MIGRATIONS",
    "SchemaVersionError",
    "alembic_config",
    "current_revision",
    "head_revision",
    "upgrade_to_head",
]
