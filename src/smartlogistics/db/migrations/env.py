"""Alembic environment of the platform's one migration history.

The URL and connection come from :mod:`smartlogistics.db.migrate` (``config.attributes``),
never from an ini file, so migrations run the same from the CLI, the web app and tests.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from smartlogistics.db.schema import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - offline SQL generation is not offered
    raise RuntimeError("run migrations through smartlogistics.db.migrate")
_run(connection)
