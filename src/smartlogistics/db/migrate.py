"""Running the platform's Alembic migrations programmatically.

Schema changes happen only through the migration history under ``migrations/versions``;
:func:`upgrade` brings any database (a fresh SQLite file or a production PostgreSQL) to the
newest revision, and :func:`current_revision` says where a database stands.
"""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

__all__ = ["current_revision", "head_revision", "upgrade"]


def _config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("smartlogistics.db").joinpath("migrations"))
    )
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind ``engine`` to ``revision`` (default: the newest)."""
    config = _config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """Revision the database is at, or ``None`` when it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """Return the newest revision of the migration history."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # pragma: no cover - the history always has a revision
        raise RuntimeError("the migration history is empty")
    return head
