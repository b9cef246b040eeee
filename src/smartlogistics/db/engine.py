"""Engines for the platform's one database: SQLite embedded by default, PostgreSQL in production.

SQLite gets the settings that make it safe for a small server: write-ahead logging (readers
do not block the writer), enforced foreign keys, and a busy timeout instead of immediate
"database is locked" errors. The folder of a SQLite file is created on first use, so
``./var/`` need not exist beforehand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from smartlogistics.errors import InvalidInputError

__all__ = ["make_engine"]

_SUPPORTED = ("sqlite", "postgresql")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` (``sqlite:///path`` or ``postgresql+psycopg://...``).

    Raises
    ------
    InvalidInputError
        The URL is malformed or names a database the platform does not support
        (field ``database_url``).
    """
    try:
        parsed = make_url(url)
    except Exception:  # sqlalchemy raises ArgumentError; any parse failure is bad input
        raise InvalidInputError("database_url", f"not a database URL: {url!r}") from None
    backend = parsed.get_backend_name()
    if backend not in _SUPPORTED:
        raise InvalidInputError(
            "database_url", f"unsupported database {backend!r}; use sqlite or postgresql"
        )
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(parsed, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()
