"""Migration 0003 creates exactly the tables of ``hub._notify_tables``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, insert, inspect
from sqlalchemy.exc import IntegrityError

from smartlogistics.db import current_revision, upgrade
from smartlogistics.hub._notify_tables import hub_deliveries, notify_metadata

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_migration_0003_matches_the_table_definitions(database: Engine) -> None:
    upgrade(database, "0003")
    assert current_revision(database) == "0003"
    inspector = inspect(database)
    for table in notify_metadata.sorted_tables:
        got = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert list(got) == [c.name for c in table.columns], table.name
        for column in table.columns:
            assert got[column.name]["nullable"] == column.nullable, (table.name, column.name)
        indexes = {i["name"] for i in inspector.get_indexes(table.name)}
        assert indexes >= {i.name for i in table.indexes}, table.name


def test_a_change_is_queued_once_per_route(database: Engine) -> None:
    upgrade(database, "0003")
    row = {
        "change_seq": 7,
        "route": "requester",
        "agent": "https://a.example/logistics-objects/x",
        "endpoint": "https://a.example/notifications",
        "event_type": "CHANGE_REQUEST_ACCEPTED",
        "payload": {},
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": NOW,
        "created_at": NOW,
    }
    with database.begin() as conn:
        conn.execute(insert(hub_deliveries).values(id="n-1", **row))
    with pytest.raises(IntegrityError), database.begin() as conn:
        conn.execute(insert(hub_deliveries).values(id="n-2", **row))
