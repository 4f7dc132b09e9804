"""Alembic migrations of the API database (SQLite and PostgreSQL alike).

``env.py`` runs them on the connection :func:`api.migrate.upgrade_to_head`
hands it; ``versions/`` holds one module per revision. The server upgrades its
database to the newest revision on start (see :mod:`api.migrate`).
"""
