"""The change-feed reader never skips a change that commits after a later seq."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, insert

from smartlogistics.db import upgrade
from smartlogistics.hub._feed import ChangeFeed
from smartlogistics.hub._tables import hub_changes

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def change_row(seq: int | None = None, uri: str = "https://h.example/logistics-objects/1") -> dict:  # type: ignore[type-arg]
    row = {
        "kind": "LOGISTICS_OBJECT_UPDATED",
        "object_uri": uri,
        "object_type": "https://onerecord.iata.org/ns/cargo#Piece",
        "revision": 2,
        "event_uri": None,
        "action_request_uri": None,
        "changed_properties": ["https://onerecord.iata.org/ns/cargo#goodsDescription"],
        "created_at": NOW,
    }
    if seq is not None:
        row["seq"] = seq
    return row


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _read(engine: Engine, feed: ChangeFeed) -> list[int]:
    with engine.connect() as conn:
        seqs = [c.seq for c in feed.read(conn)]
    feed.commit()
    return seqs


def test_a_late_seq_is_read_when_it_appears_and_the_cursor_waits_for_it(database: Engine) -> None:
    upgrade(database)
    clock = Clock()
    with database.begin() as conn:
        conn.execute(insert(hub_changes), [change_row(1), change_row(3), change_row(4)])
    feed = ChangeFeed(0, gap_timeout_s=30, clock=clock)
    assert _read(database, feed) == [1, 3, 4]
    assert (feed.cursor, feed.high, list(feed.waiting)) == (1, 4, [2])
    assert _read(database, feed) == []
    with database.begin() as conn:
        conn.execute(insert(hub_changes), [change_row(2), change_row(5)])
    assert _read(database, feed) == [2, 5]
    assert (feed.cursor, list(feed.waiting)) == (5, [])


def test_a_seq_missing_past_the_timeout_is_taken_as_rolled_back(database: Engine) -> None:
    upgrade(database)
    clock = Clock()
    with database.begin() as conn:
        conn.execute(insert(hub_changes), [change_row(1), change_row(4)])
    feed = ChangeFeed(0, gap_timeout_s=30, clock=clock)
    assert _read(database, feed) == [1, 4]
    assert feed.cursor == 1
    clock.t += 29.9
    assert _read(database, feed) == []
    assert feed.cursor == 1
    clock.t += 0.1
    assert _read(database, feed) == []
    assert (feed.cursor, list(feed.waiting)) == (4, [])


def test_rollback_forgets_the_read(database: Engine) -> None:
    upgrade(database)
    with database.begin() as conn:
        conn.execute(insert(hub_changes), [change_row(1), change_row(2)])
    feed = ChangeFeed(0, clock=Clock())
    with database.connect() as conn:
        assert [c.seq for c in feed.read(conn)] == [1, 2]
    assert feed.staged_cursor == 2
    feed.rollback()
    assert feed.cursor == 0
    assert _read(database, feed) == [1, 2]


def test_reads_are_limited_and_resume(database: Engine) -> None:
    upgrade(database)
    with database.begin() as conn:
        conn.execute(insert(hub_changes), [change_row() for _ in range(7)])
    feed = ChangeFeed(0, clock=Clock())
    with database.connect() as conn:
        first = [c.seq for c in feed.read(conn, limit=3)]
    feed.commit()
    with database.connect() as conn:
        second = [c.seq for c in feed.read(conn, limit=10)]
    feed.commit()
    assert (first, second, feed.cursor) == ([1, 2, 3], [4, 5, 6, 7], 7)


def test_postgresql_transactions_committing_out_of_seq_order(database: Engine) -> None:
    if database.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: seqs become visible in order")
    upgrade(database)
    feed = ChangeFeed(0, clock=Clock())
    slow = database.connect()
    slow_tx = slow.begin()
    slow.execute(insert(hub_changes).values(**change_row(uri="https://h.example/lo/slow")))
    with database.begin() as conn:  # takes the next seq and commits first
        conn.execute(insert(hub_changes).values(**change_row(uri="https://h.example/lo/fast")))
    with database.connect() as conn:
        seen = [(c.seq, c.object_uri) for c in feed.read(conn)]
    feed.commit()
    assert seen == [(2, "https://h.example/lo/fast")]
    assert (feed.cursor, list(feed.waiting)) == (0, [1])
    slow_tx.commit()
    slow.close()
    with database.connect() as conn:
        late = [(c.seq, c.object_uri) for c in feed.read(conn)]
    feed.commit()
    assert late == [(1, "https://h.example/lo/slow")]
    assert feed.cursor == 2
