"""StoreRunner: concurrent writes share commits; a failing write never fails the others."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, func, select

from smartlogistics.hub._batch import StoreRunner
from smartlogistics.hub._errors import HubError
from smartlogistics.hub._tables import hub_changes, hub_events, hub_objects
from smartlogistics.hub.events import EventStore
from smartlogistics.hub.store import HubStore, ObjectMeta
from tests.hub.conftest import AGENT_A, AGENT_B, BASE, EXAMPLES, piece

A = AGENT_A
B = AGENT_B


def _event(object_uri: str) -> Any:
    doc = json.loads((EXAMPLES / "LogisticsEvent.json").read_text())
    return dict(doc, **{"cargo:eventFor": {"@id": object_uri}})


def _count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


async def _create(store: HubStore, runner: StoreRunner, agent: str = A) -> list[ObjectMeta]:
    prepared = store.prepare_objects([piece()])

    def work(conn: Connection) -> list[ObjectMeta]:
        return store.insert_objects(conn, prepared, agent)

    return await runner.write(work)


def test_concurrent_creations_share_one_commit(store: HubStore) -> None:
    runner = StoreRunner(store)
    commits: list[int] = []
    store.add_commit_listener(lambda: commits.append(1))

    async def main() -> list[list[ObjectMeta]]:
        return await asyncio.gather(*(_create(store, runner) for _ in range(10)))

    results = asyncio.run(main())
    assert len({r[0].id for r in results}) == 10
    assert _count(store.engine, hub_objects) == 10
    assert _count(store.engine, hub_changes) == 10  # every creation has its outbox row
    # SQLite: on the loop; PostgreSQL: in the thread pool; one commit for all ten either way
    assert (runner.batches, runner.batched_writes) == (1, 10)
    assert len(commits) == 1


def test_a_failing_write_fails_alone_and_the_others_commit(store: HubStore) -> None:
    runner = StoreRunner(store)
    events = EventStore(store)
    meta = store.create_object(piece(), A)
    work_ok, invalid = events.append_work(meta.id, _event(meta.uri), A)
    assert invalid is None
    work_missing, _ = events.append_work("no-such-object", _event(f"{BASE}/x"), A)
    work_forbidden, _ = events.append_work(meta.id, _event(meta.uri), B)

    async def main() -> tuple[Any, ...]:
        return await asyncio.gather(
            _create(store, runner),
            runner.write(work_missing),
            runner.write(work_ok),
            runner.write(work_forbidden),
            _create(store, runner),
            return_exceptions=True,
        )

    created, missing, event, forbidden, created_too = asyncio.run(main())
    assert isinstance(missing, HubError) and missing.status == 404
    assert isinstance(forbidden, HubError) and forbidden.status == 403
    assert event.uri.startswith(f"{meta.uri}/logistics-events/")
    assert _count(store.engine, hub_objects) == 3
    assert _count(store.engine, hub_events) == 1
    # one change per acknowledged write: 3 creations + 1 event, none for the refused ones
    assert _count(store.engine, hub_changes) == 4
    with store.engine.connect() as conn:
        ids = set(conn.execute(select(hub_objects.c.id)).scalars())
    assert ids == {meta.id, created[0].id, created_too[0].id}


def test_an_invalid_event_is_refused_before_joining_a_batch(store: HubStore) -> None:
    events = EventStore(store)
    meta = store.create_object(piece(), A)
    doc = _event(meta.uri)
    del doc["cargo:eventDate"]
    work, invalid = events.append_work(meta.id, doc, A)
    assert isinstance(invalid, HubError) and invalid.status == 400
    # work still says 404/403 first, then the 400
    with pytest.raises(HubError) as info, store.write() as conn:
        work(conn)
    assert info.value is invalid
    missing, invalid_too = events.append_work("no-such-object", doc, A)
    assert invalid_too is not None
    with pytest.raises(HubError) as info, store.write() as conn:
        missing(conn)
    assert info.value.status == 404
