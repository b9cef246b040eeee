"""Migration 0002 creates exactly the tables of ``hub._tables``, with their triggers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, insert, inspect, select, text
from sqlalchemy.exc import DBAPIError

from smartlogistics.db import upgrade
from smartlogistics.hub._tables import (
    hub_changes,
    hub_metadata,
    hub_object_revisions,
    hub_objects,
)

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_migrated_schema_matches_tables(database: Engine) -> None:
    upgrade(database)
    inspector = inspect(database)
    for table in hub_metadata.sorted_tables:
        got = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert list(got) == [c.name for c in table.columns], table.name
        for column in table.columns:
            assert got[column.name]["nullable"] == column.nullable, (table.name, column.name)
        pk = inspector.get_pk_constraint(table.name)["constrained_columns"]
        assert pk == [c.name for c in table.primary_key.columns], table.name


def _seed(database: Engine) -> None:
    with database.begin() as conn:
        conn.execute(
            insert(hub_objects).values(
                id="o1",
                uri="http://h/logistics-objects/o1",
                type_iri="https://onerecord.iata.org/ns/cargo#Piece",
                owner="http://h/logistics-objects/a",
                created_at=NOW,
                latest_revision=1,
                last_modified=NOW,
            )
        )
        conn.execute(
            insert(hub_object_revisions).values(
                object_id="o1", revision=1, body={"a": 1}, created_at=NOW, created_by="x"
            )
        )
        conn.execute(
            insert(hub_changes).values(
                kind="LOGISTICS_OBJECT_CREATED",
                object_uri="http://h/logistics-objects/o1",
                object_type="https://onerecord.iata.org/ns/cargo#Piece",
                revision=1,
                changed_properties=[],
                created_at=NOW,
            )
        )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE hub_object_revisions SET revision = 2",
        "DELETE FROM hub_object_revisions",
        "UPDATE hub_changes SET kind = 'X'",
        "DELETE FROM hub_changes",
        "DELETE FROM hub_objects",
    ],
)
def test_revisions_changes_and_objects_cannot_be_altered(database: Engine, statement: str) -> None:
    upgrade(database)
    _seed(database)
    with pytest.raises(DBAPIError, match="append-only"), database.begin() as conn:
        conn.execute(text(statement))
    with database.connect() as conn:
        assert conn.execute(select(hub_object_revisions.c.body)).scalars().all() == [{"a": 1}]
        assert conn.execute(select(hub_changes.c.seq)).scalars().all() == [1]


def test_objects_latest_revision_may_be_updated(database: Engine) -> None:
    upgrade(database)
    _seed(database)
    with database.begin() as conn:
        conn.execute(hub_objects.update().values(latest_revision=2))
    with database.connect() as conn:
        assert conn.execute(select(hub_objects.c.latest_revision)).scalar_one() == 2
