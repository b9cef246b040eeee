"""The in-process bus: handlers get committed changes in commit order, filtered, isolated."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from smartlogistics.db import upgrade
from smartlogistics.hub.bus import Change, HubBus, ReceivedNotification
from smartlogistics.hub.store import HubStore
from tests.hub._notify_fixtures import DESCRIPTION, PIECE, SHIPMENT, description_change, piece
from tests.hub.conftest import AGENT_A, BASE

CARGO = "https://onerecord.iata.org/ns/cargo#"


def shipment() -> dict[str, object]:
    return {"@context": {"cargo": CARGO}, "@type": "cargo:Shipment", "cargo:goodsDescription": "s"}


@pytest.fixture
def store(database: Engine) -> HubStore:
    upgrade(database)
    return HubStore(database, base_url=BASE)


@pytest.fixture
def bus(store: HubStore) -> Iterator[HubBus]:
    bus = HubBus(store.engine, synchronous=True)
    store.add_commit_listener(bus.wake)
    yield bus
    bus.stop()


def kinds(changes: list[Change]) -> list[tuple[str, str]]:
    return [(c.kind, c.object_uri) for c in changes]


def test_handlers_get_the_changes_they_ask_for_in_commit_order(
    store: HubStore, bus: HubBus
) -> None:
    everything: list[Change] = []
    updates: list[Change] = []
    physical: list[Change] = []
    bus.subscribe(everything.append)
    bus.subscribe(updates.append, kinds=["LOGISTICS_OBJECT_UPDATED"])
    bus.subscribe(physical.append, object_types=[CARGO + "PhysicalLogisticsObject"])
    p = store.create_object(piece(), AGENT_A)
    s = store.create_object(shipment(), AGENT_A)
    store.request_change(p.id, description_change(p.uri, DESCRIPTION, "new", 1), AGENT_A)
    assert kinds(everything) == [
        ("LOGISTICS_OBJECT_CREATED", p.uri),
        ("LOGISTICS_OBJECT_CREATED", s.uri),
        ("CHANGE_REQUEST_PENDING", p.uri),
        ("LOGISTICS_OBJECT_UPDATED", p.uri),
        ("CHANGE_REQUEST_ACCEPTED", p.uri),
    ]
    assert [c.seq for c in everything] == sorted(c.seq for c in everything)
    [update] = updates
    assert (update.object_type, update.revision, update.changed_properties) == (
        PIECE,
        2,
        (CARGO + "goodsDescription",),
    )
    assert kinds(physical) == [
        ("LOGISTICS_OBJECT_CREATED", p.uri),
        ("CHANGE_REQUEST_PENDING", p.uri),
        ("LOGISTICS_OBJECT_UPDATED", p.uri),
        ("CHANGE_REQUEST_ACCEPTED", p.uri),
    ]
    assert update.to_json()["changed_properties"] == [CARGO + "goodsDescription"]


def test_a_handler_writing_back_is_served_after_the_round_not_re_entrantly(
    store: HubStore, bus: HubBus
) -> None:
    log: list[str] = []

    def book(change: Change) -> None:
        log.append(f"book {change.object_type.rsplit('#', 1)[1]}")
        store.create_object(shipment(), AGENT_A)  # commits: wakes the bus while it runs
        log.append("booked")

    def watch(change: Change) -> None:
        log.append(f"watch {change.object_type.rsplit('#', 1)[1]}")

    bus.subscribe(book, kinds=["LOGISTICS_OBJECT_CREATED"], object_types=[PIECE])
    bus.subscribe(watch, kinds=["LOGISTICS_OBJECT_CREATED"])
    store.create_object(piece(), AGENT_A)
    assert log == ["book Piece", "booked", "watch Piece", "watch Shipment"]


def test_a_failing_handler_does_not_stop_the_others(
    store: HubStore, bus: HubBus, caplog: pytest.LogCaptureFixture
) -> None:
    got: list[str] = []

    def broken(change: Change) -> None:
        raise RuntimeError("boom")

    bad = bus.subscribe(broken)
    bus.subscribe(lambda c: got.append(c.object_uri))
    a = store.create_object(piece(), AGENT_A)
    b = store.create_object(piece(), AGENT_A)
    assert got == [a.uri, b.uri]
    assert (bad.delivered, bad.failed) == (2, 2)
    assert "bus handler" in caplog.text and "boom" in caplog.text


def test_named_handlers_resume_after_a_restart_anonymous_ones_do_not(
    store: HubStore, database: Engine
) -> None:
    first = HubBus(database, synchronous=True)
    store.add_commit_listener(first.wake)
    seen: list[str] = []
    first.subscribe(lambda c: seen.append(c.object_uri), name="smartgate")
    a = store.create_object(piece(), AGENT_A)
    assert seen == [a.uri]
    store._listeners.remove(first.wake)  # the process stops
    b = store.create_object(piece(), AGENT_A)
    c = store.create_object(piece(), AGENT_A)
    second = HubBus(database, synchronous=True)
    resumed: list[str] = []
    fresh: list[str] = []
    second.subscribe(lambda ch: resumed.append(ch.object_uri), name="smartgate")
    second.subscribe(lambda ch: fresh.append(ch.object_uri))
    second.pump()
    assert resumed == [b.uri, c.uri]
    assert fresh == []
    replay: list[str] = []
    second.subscribe(lambda ch: replay.append(ch.object_uri), name="insight", from_start=True)
    second.pump()
    assert replay == [a.uri, b.uri, c.uri]
    with pytest.raises(ValueError, match="registered already"):
        second.subscribe(lambda ch: None, name="insight")


def test_closed_handlers_get_nothing_more(store: HubStore, bus: HubBus) -> None:
    got: list[str] = []
    handle = bus.subscribe(lambda c: got.append(c.object_uri))
    a = store.create_object(piece(), AGENT_A)
    handle.close()
    store.create_object(piece(), AGENT_A)
    assert got == [a.uri]


def test_the_background_thread_delivers_after_commits(store: HubStore, database: Engine) -> None:
    bus = HubBus(database, poll_s=30.0)
    store.add_commit_listener(bus.wake)
    arrived = threading.Event()
    got: list[str] = []

    def handler(change: Change) -> None:
        got.append(change.object_uri)
        arrived.set()

    bus.subscribe(handler)
    bus.start()
    try:
        a = store.create_object(piece(), AGENT_A)
        assert arrived.wait(10)
        assert got == [a.uri]
    finally:
        bus.stop()
    with pytest.raises(RuntimeError, match="no background thread"):
        HubBus(database, synchronous=True).start()


def test_received_notifications_reach_their_handlers(bus: HubBus) -> None:
    got: list[str] = []
    bus.subscribe_notifications(lambda n: got.append(n.notification_id))
    note = ReceivedNotification(
        notification_id="urn:uuid:1",
        sender="https://p.example/logistics-objects/a",
        event_type="LOGISTICS_OBJECT_CREATED",
        object_uri="https://p.example/logistics-objects/1",
        object_type=SHIPMENT,
        event_uri=None,
        action_request_uri=None,
        changed_properties=(),
        body={},
        received_at=datetime(2026, 12, 2, tzinfo=UTC),
    )
    bus.publish_notification(note)
    assert got == ["urn:uuid:1"]
    assert note.to_json()["received_at"] == "2026-12-02T00:00:00+00:00"
