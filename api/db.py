"""The database connection: engines, and :class:`Store`, the session factory of one process.

Works on SQLite (the default; WAL journal so worker processes can write
progress while the web process reads) and on PostgreSQL (``postgresql+psycopg://``,
with the ``postgres`` extra installed). The schema comes from the Alembic
revisions in :mod:`api.migrations`, applied by :meth:`Store.migrate`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from api.migrate import upgrade_to_head


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a long busy timeout.

    ``sqlite://`` (in memory) suits a single process only: worker processes
    cannot see it.
    """
    if url.startswith("sqlite"):
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            # An in-memory database lives in one connection, shared by every session.
            pool_pre_ping=not in_memory,
            # SQLite connections are cheap; a request holds one while it runs.
            **({"poolclass": StaticPool} if in_memory else {"pool_size": 20, "max_overflow": 40}),
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class Store:
    """The database of one app (or one worker process)."""

    def __init__(self, url: str) -> None:
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> str:
        """Upgrade the schema to the newest revision (see :mod:`api.migrate`); returns it.

        Raises :class:`api.migrate.SchemaVersionError` when the database was
        written by a newer version of the server.
        """
        return upgrade_to_head(self.engine)

    def create_all(self) -> None:
        """Make the schema current: the same as :meth:`migrate` (every caller of old
        creates its tables through it)."""
        self.migrate()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session; nothing is written unless the caller commits."""
        with self.sessions() as session:
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


__all__ = ["Store", "make_engine"]
