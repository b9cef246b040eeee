"""``smartlogistics db``: bring the platform database to the newest schema."""

from __future__ import annotations

import typer

from smartlogistics.cli._output import console, print_json
from smartlogistics.cli.region import JsonFlag
from smartlogistics.config import get_settings

__all__ = ["db_app"]

db_app = typer.Typer(help="The platform database (SQLite by default, PostgreSQL).")


@db_app.command("upgrade")
def upgrade_command(as_json: JsonFlag = False) -> None:
    """Apply every pending migration to SMARTLOGISTICS_DATABASE_URL."""
    from smartlogistics.db import current_revision, make_engine, upgrade

    url = get_settings().database_url
    engine = make_engine(url)
    try:
        before = current_revision(engine)
        upgrade(engine)
        after = current_revision(engine)
    finally:
        engine.dispose()
    if as_json:
        print_json({"database": engine.url.render_as_string(), "from": before, "to": after})
    else:
        console.print(f"{engine.url.render_as_string()}: {before or 'empty'} → {after}")


@db_app.command("current")
def current_command(as_json: JsonFlag = False) -> None:
    """Say which schema revision the database is at, and the newest one."""
    from smartlogistics.db import current_revision, head_revision, make_engine

    engine = make_engine(get_settings().database_url)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    if as_json:
        print_json({"current": current, "head": head, "up_to_date": current == head})
    else:
        console.print(f"current {current or 'none'}, newest {head}")
