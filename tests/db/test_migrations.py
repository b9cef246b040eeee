from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, insert, inspect, select, text
from sqlalchemy.exc import DBAPIError

from smartlogistics.db import (
    current_revision,
    head_revision,
    make_engine,
    metadata,
    smartgate_decisions,
    smartgate_outcomes,
    upgrade,
)
from smartlogistics.errors import InvalidInputError

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _decision(id: str = "d-1") -> dict[str, object]:
    return {
        "id": id,
        "consignment_id": "HAWB-1",
        "input_hash": "0" * 64,
        "lane": "RED",
        "status_code": "7J",
        "score": 0.93,
        "threshold": 0.8,
        "rule_set_version": "rules-1",
        "model_version": None,
        "reasons": [{"rule": "vague_description"}],
        "consignment": {"id": "HAWB-1"},
        "decided_at": NOW,
    }


def test_upgrade_creates_the_schema_of_schema_py(database: Engine) -> None:
    assert current_revision(database) is None
    upgrade(database)
    assert current_revision(database) == head_revision()
    inspector = inspect(database)
    for table in metadata.sorted_tables:
        got = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert list(got) == [c.name for c in table.columns], table.name
        for column in table.columns:
            assert got[column.name]["nullable"] == column.nullable, (table.name, column.name)
    reflected = MetaData()
    reflected.reflect(database)
    assert set(reflected.tables) >= {"smartgate_decisions", "smartgate_outcomes"}
    upgrade(database)  # idempotent
    assert current_revision(database) == head_revision()


def test_decision_log_is_append_only(database: Engine) -> None:
    upgrade(database)
    with database.begin() as conn:
        conn.execute(insert(smartgate_decisions).values(**_decision()))
        conn.execute(
            insert(smartgate_outcomes).values(decision_id="d-1", illicit=True, recorded_at=NOW)
        )
    for statement in (
        "UPDATE smartgate_decisions SET lane = 'GREEN'",
        "DELETE FROM smartgate_decisions",
        "UPDATE smartgate_outcomes SET illicit = false",
        "DELETE FROM smartgate_outcomes",
    ):
        with pytest.raises(DBAPIError, match="append-only"), database.begin() as conn:
            conn.execute(text(statement))
    with database.connect() as conn:
        rows = conn.execute(select(smartgate_decisions.c.lane, smartgate_decisions.c.seq)).all()
    assert [tuple(r) for r in rows] == [("RED", 1)]


def test_outcome_needs_a_known_decision(database: Engine) -> None:
    upgrade(database)
    with pytest.raises(DBAPIError), database.begin() as conn:
        conn.execute(
            insert(smartgate_outcomes).values(decision_id="nope", illicit=False, recorded_at=NOW)
        )


def test_sqlite_file_folder_is_created_and_wal_is_on(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'deep' / 'x.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert (tmp_path / "var" / "deep").is_dir()
    engine.dispose()


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mysql://root@localhost/test", "unsupported database 'mysql'; use sqlite or postgresql"),
        ("not a url", "not a database URL: 'not a url'"),
    ],
)
def test_bad_database_urls_name_the_setting(url: str, problem: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        make_engine(url)
    assert (info.value.field, info.value.problem) == ("database_url", problem)
