"""The delivery engine against a real HTTP receiver: matching, retries, restarts, refusals."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from smartlogistics.config import Settings
from smartlogistics.hub import jsonld
from smartlogistics.hub._notify_allow import AllowList
from smartlogistics.hub._notify_tables import hub_deliveries, hub_dispatch_cursor
from smartlogistics.hub.app import create_hub_app
from smartlogistics.hub.notify import (
    Dispatcher,
    NotificationService,
    NotifyConfig,
    build_notification,
    delivery_stats,
    notification_endpoint,
    pending_deliveries,
    requeue_dead,
)
from tests.hub._notify_fixtures import (
    DESCRIPTION,
    PIECE,
    SHIPMENT,
    Clock,
    Receiver,
    description_change,
    piece,
    subscription,
)
from tests.hub.conftest import AGENT_A, BASE

API = "https://onerecord.iata.org/ns/api#"
CARGO = "https://onerecord.iata.org/ns/cargo#"
Auth = Callable[[str], dict[str, str]]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@dataclass
class Hub:
    client: TestClient
    settings: Settings
    engine: Engine
    clock: Clock
    auth: Auth

    def service(self, **kwargs: Any) -> NotificationService:
        kwargs.setdefault("now", self.clock)
        kwargs.setdefault("seed", 7)
        return NotificationService(self.engine, self.settings, **kwargs)

    def create(self, agent: str, doc: dict[str, Any] | None = None) -> str:
        response = self.client.post(
            "/logistics-objects", json=doc or piece(), headers=self.auth(agent)
        )
        assert response.status_code == 201, response.text
        return str(response.headers["Location"])

    def subscribe(self, agent: str, topic: str, **kwargs: Any) -> str:
        doc = subscription(agent, topic, **kwargs)
        response = self.client.post("/subscriptions", json=doc, headers=self.auth(agent))
        assert response.status_code == 201, response.text
        return str(response.headers["Location"])

    def grant(self, uri: str, agent: str, permission: str = "GET_LOGISTICS_OBJECT") -> None:
        store = self.client.app.state.hub_store  # type: ignore[attr-defined]
        store.grant(store.object_id_of(uri), agent, [API + permission], by=AGENT_A)

    def deliveries(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(hub_deliveries).order_by(hub_deliveries.c.change_seq)
            ).mappings()
            return [dict(r) for r in rows]


def _hub(hub_settings: Settings, database: Engine, auth: Auth, **update: Any) -> Iterator[Hub]:
    settings = hub_settings.model_copy(
        update={
            "hub_notify_run": False,
            "hub_notify_backoff_s": 1.0,
            "hub_notify_backoff_cap_s": 60.0,
            "hub_notify_max_attempts": 3,
            "hub_notify_timeout_s": 5.0,
            **update,
        }
    )
    app = create_hub_app(settings, engine=database, base_url=BASE)
    with TestClient(app, base_url=BASE) as client:
        yield Hub(client, settings, database, Clock(), auth)


@pytest.fixture
def hub(hub_settings: Settings, database: Engine, auth: Auth, receiver: Receiver) -> Iterator[Hub]:
    yield from _hub(hub_settings, database, auth, hub_notify_allow=[receiver.base + "/"])


def test_a_created_object_of_a_subscribed_type_is_notified(hub: Hub, receiver: Receiver) -> None:
    agent = receiver.agent()
    request = hub.subscribe(agent, PIECE, topic_type="LOGISTICS_OBJECT_TYPE")
    lo = hub.create(agent)
    hub.create(
        agent,
        {"@context": {"cargo": CARGO}, "@type": "cargo:Shipment", "cargo:goodsDescription": "x"},
    )
    assert hub.service().run_until_idle() == 1
    [got] = receiver.wait_for(1)
    [row] = hub.deliveries()
    assert got.path == "/notifications"
    assert got.headers["content-type"] == "application/ld+json; version=2.3.0"
    assert got.headers["accept"] == "application/ld+json; version=2.3.0"
    assert got.headers["host"] == f"127.0.0.1:{receiver.port}"
    assert got.body == {
        "@context": jsonld.ONE_RECORD_CONTEXT,
        "@id": f"urn:uuid:{row['id']}",
        "@type": "api:Notification",
        "api:hasEventType": {"@id": "api:LOGISTICS_OBJECT_CREATED"},
        "api:hasLogisticsObject": {"@id": lo},
        "api:hasLogisticsObjectType": {"@type": "xsd:anyURI", "@value": PIECE},
        "api:hasTopic": {"@type": "xsd:anyURI", "@value": PIECE},
        "api:isTriggeredBy": {"@id": request},
    }
    assert (row["status"], row["attempts"], row["last_status"]) == ("delivered", 1, 204)
    assert pending_deliveries(hub.engine) == 0


def test_type_topics_include_subclasses(hub: Hub, receiver: Receiver) -> None:
    agent = receiver.agent()
    hub.subscribe(agent, CARGO + "PhysicalLogisticsObject", topic_type="LOGISTICS_OBJECT_TYPE")
    hub.subscribe(agent, SHIPMENT, topic_type="LOGISTICS_OBJECT_TYPE")
    lo = hub.create(agent)
    hub.service().run_until_idle()
    [got] = receiver.wait_for(1)
    assert got.body["api:hasLogisticsObject"] == {"@id": lo}
    assert got.body["api:hasTopic"]["@value"] == CARGO + "PhysicalLogisticsObject"


def test_only_objects_the_subscriber_may_read_are_notified(hub: Hub, receiver: Receiver) -> None:
    agent = receiver.agent()
    hub.subscribe(agent, PIECE, topic_type="LOGISTICS_OBJECT_TYPE")
    hub.create(AGENT_A)
    readable = hub.create(AGENT_A)
    hub.grant(readable, agent)
    hub.service().run_until_idle()
    [got] = receiver.wait_for(1)
    assert got.body["api:hasLogisticsObject"] == {"@id": readable}
    assert [r["object_uri"] for r in hub.deliveries()] == [readable]


def test_updates_carry_the_changed_properties_and_event_types_filter(
    hub: Hub, receiver: Receiver
) -> None:
    agent = receiver.agent()
    lo = hub.create(agent)
    request = hub.subscribe(agent, lo, events=("LOGISTICS_OBJECT_UPDATED",))
    change = description_change(lo, DESCRIPTION, "ONE Record Advertisement Materials", 1)
    assert hub.client.patch(
        lo.removeprefix(BASE), json=change, headers=hub.auth(agent)
    ).status_code in (201, 204)
    event = {
        "@context": {"cargo": CARGO},
        "@type": "cargo:LogisticsEvent",
        "cargo:eventCode": {"@id": "https://onerecord.iata.org/ns/code-lists/StatusCode#DEP"},
        "cargo:eventFor": {"@id": lo},
        "cargo:eventDate": {
            "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
            "@value": "2026-12-01T10:38:01.000Z",
        },
    }
    posted = hub.client.post(
        f"{lo.removeprefix(BASE)}/logistics-events", json=event, headers=hub.auth(agent)
    )
    assert posted.status_code == 201, posted.text
    hub.service().run_until_idle()
    [got] = receiver.wait_for(1)
    assert got.body["api:hasEventType"] == {"@id": "api:LOGISTICS_OBJECT_UPDATED"}
    assert got.body["api:hasChangedProperty"] == {
        "@type": "xsd:anyURI",
        "@value": CARGO + "goodsDescription",
    }
    assert got.body["api:isTriggeredBy"] == {"@id": request}
    assert [r["event_type"] for r in hub.deliveries()] == ["LOGISTICS_OBJECT_UPDATED"]


def test_logistics_events_are_notified_with_their_uri(hub: Hub, receiver: Receiver) -> None:
    agent = receiver.agent()
    lo = hub.create(agent)
    hub.subscribe(agent, lo, events=("LOGISTICS_EVENT_RECEIVED",))
    event = {
        "@context": {"cargo": CARGO},
        "@type": "cargo:LogisticsEvent",
        "cargo:eventCode": {"@id": "https://onerecord.iata.org/ns/code-lists/StatusCode#DEP"},
        "cargo:eventFor": {"@id": lo},
        "cargo:eventDate": {
            "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
            "@value": "2026-12-01T10:38:01.000Z",
        },
    }
    posted = hub.client.post(
        f"{lo.removeprefix(BASE)}/logistics-events", json=event, headers=hub.auth(agent)
    )
    assert posted.status_code == 201, posted.text
    hub.service().run_until_idle()
    [got] = receiver.wait_for(1)
    assert got.body["api:hasEventType"] == {"@id": "api:LOGISTICS_EVENT_RECEIVED"}
    assert got.body["api:hasLogisticsEvent"] == {"@id": posted.headers["Location"]}
    assert got.body["api:hasLogisticsObject"] == {"@id": lo}


def test_the_object_body_is_sent_when_asked_for(hub: Hub, receiver: Receiver) -> None:
    agent = receiver.agent()
    hub.subscribe(
        agent, PIECE, topic_type="LOGISTICS_OBJECT_TYPE", **{"api:sendLogisticsObjectBody": True}
    )
    lo = hub.create(agent)
    hub.service().run_until_idle()
    [got] = receiver.wait_for(1)
    body = got.body["api:hasLogisticsObject"]
    assert (body["@id"], body["@type"], body["cargo:goodsDescription"]) == (
        lo,
        "cargo:Piece",
        DESCRIPTION,
    )
    assert "@context" not in body


def test_a_500_is_retried_with_backoff_and_the_same_notification_id(
    hub: Hub, receiver: Receiver
) -> None:
    agent = receiver.agent()
    hub.subscribe(agent, PIECE, topic_type="LOGISTICS_OBJECT_TYPE")
    hub.create(agent)
    receiver.statuses = [500]
    service = hub.service()
    assert service.run_until_idle() == 1
    [row] = hub.deliveries()
    assert (row["status"], row["attempts"], row["last_status"]) == ("pending", 1, 500)
    assert row["last_error"] == "HTTP 500: "
    due = row["next_attempt_at"]
    delay = (due.replace(tzinfo=hub.clock.now.tzinfo) - hub.clock.now).total_seconds()
    assert 0.5 <= delay <= 1.0  # equal jitter around the first 1 s step
    assert service.run_until_idle() == 0  # not due yet
    hub.clock.advance(1.0)
    assert service.run_until_idle() == 1
    first, second = receiver.wait_for(2)
    assert first.body == second.body
    [row] = hub.deliveries()
    assert (row["status"], row["attempts"], row["last_status"]) == ("delivered", 2, 204)


def test_after_max_attempts_a_delivery_is_dead_and_can_be_requeued(
    hub: Hub, receiver: Receiver
) -> None:
    agent = receiver.agent()
    hub.subscribe(agent, PIECE, topic_type="LOGISTICS_OBJECT_TYPE")
    hub.create(agent)
    receiver.statuses = [503, 503, 503]
    service = hub.service()
    for _ in range(3):
        service.run_until_idle()
        hub.clock.advance(60)
    [row] = hub.deliveries()
    assert (row["status"], row["attempts"]) == ("dead", 3)
    assert delivery_stats(hub.engine).to_json() == {"pending": 0, "delivered": 0, "dead": 1}
    assert pending_deliveries(hub.engine) == 0
    assert requeue_dead(hub.engine) == 1
    hub.clock.advance(60)
    service.run_until_idle()
    assert len(receiver.wait_for(4)) == 4
    assert hub.deliveries()[0]["status"] == "delivered"


def test_a_400_from_the_subscriber_is_not_retried(hub: Hub, receiver: Receiver) -> None:
    agent = receiver.agent()
    hub.subscribe(agent, PIECE, topic_type="LOGISTICS_OBJECT_TYPE")
    hub.create(agent)
    receiver.statuses = [400]
    hub.service().run_until_idle()
    [row] = hub.deliveries()
    assert (row["status"], row["attempts"], row["last_status"]) == ("dead", 1, 400)


def test_pending_deliveries_survive_a_restart(hub: Hub, receiver: Receiver) -> None:
    agent = receiver.agent()
    hub.subscribe(agent, PIECE, topic_type="LOGISTICS_OBJECT_TYPE")
    hub.create(agent)
    hub.create(agent)
    receiver.statuses = [503, 503]
    first = hub.service()
    assert first.run_until_idle() == 2
    assert pending_deliveries(hub.engine) == 2
    del first  # the process goes away; only the database remains
    hub.clock.advance(60)
    assert hub.service().run_until_idle() == 2
    assert pending_deliveries(hub.engine) == 0
    ids = {r.body["@id"] for r in receiver.wait_for(4)}
    assert len(ids) == 2


def test_a_delivery_interrupted_mid_attempt_is_sent_again_after_its_lease(
    hub: Hub, receiver: Receiver
) -> None:
    agent = receiver.agent()
    hub.subscribe(agent, PIECE, topic_type="LOGISTICS_OBJECT_TYPE")
    hub.create(agent)
    crashed = hub.service()
    crashed.dispatch_all()
    [claim] = crashed.deliverer.claim(10)  # then the process dies before the POST returns
    restarted = hub.service()
    assert restarted.run_until_idle() == 0  # leased: not yet
    hub.clock.advance(NotifyConfig.from_settings(hub.settings).lease_s)
    assert restarted.run_until_idle() == 1
    [got] = receiver.wait_for(1)
    assert got.body["@id"] == f"urn:uuid:{claim.id}"
    assert hub.deliveries()[0]["attempts"] == 2


def test_the_dispatcher_queues_a_change_once_however_often_it_reads_it(
    hub: Hub, receiver: Receiver
) -> None:
    agent = receiver.agent()
    hub.subscribe(agent, PIECE, topic_type="LOGISTICS_OBJECT_TYPE")
    hub.create(agent)
    hub.service().dispatch_all()
    with hub.engine.begin() as conn:
        conn.execute(update(hub_dispatch_cursor).values(last_seq=0))
    assert Dispatcher(hub.engine).run_once() > 0
    assert len(hub.deliveries()) == 1


def test_endpoints_refused_at_delivery_time_are_never_contacted(
    hub: Hub, receiver: Receiver
) -> None:
    agent = receiver.agent()
    hub.subscribe(agent, PIECE, topic_type="LOGISTICS_OBJECT_TYPE")
    hub.create(agent)
    hub.service(allow=AllowList(["https://partner.example/"])).run_until_idle()
    [row] = hub.deliveries()
    assert row["status"] == "dead"
    assert "not on the allow-list" in row["last_error"]
    assert receiver.requests == []


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://169.254.169.254/notifications",
        "http://10.0.0.1/notifications",
        "https://evil.example.org/notifications",
    ],
)
def test_queued_deliveries_to_internal_or_unlisted_addresses_are_refused(
    hub: Hub, receiver: Receiver, endpoint: str
) -> None:
    agent = receiver.agent()
    hub.subscribe(agent, PIECE, topic_type="LOGISTICS_OBJECT_TYPE")
    hub.create(agent)
    service = hub.service(allow=AllowList([receiver.base + "/", "*.example"]))
    service.dispatch_all()
    with hub.engine.begin() as conn:
        conn.execute(update(hub_deliveries).values(endpoint=endpoint))
    service.run_until_idle()
    [row] = hub.deliveries()
    assert row["status"] == "dead"
    assert row["last_error"].startswith(f"notification endpoint {endpoint!r} refused")
    assert receiver.requests == []


def test_requesters_asking_for_status_changes_are_notified(hub: Hub, receiver: Receiver) -> None:
    agent = receiver.agent()
    request = hub.subscribe(
        agent, PIECE, topic_type="LOGISTICS_OBJECT_TYPE", **{"api:notifyRequestStatusChange": True}
    )
    hub.service().run_until_idle()
    got = receiver.wait_for(2)
    assert [r.body["api:hasEventType"]["@id"] for r in got] == [
        "api:SUBSCRIPTION_REQUEST_PENDING",
        "api:SUBSCRIPTION_REQUEST_ACCEPTED",
    ]
    assert {r.body["api:isTriggeredBy"]["@id"] for r in got} == {request}


def test_the_engine_thread_delivers_when_woken_by_a_commit(
    hub_settings: Settings, database: Engine, auth: Auth, receiver: Receiver
) -> None:
    for hub in _hub(
        hub_settings,
        database,
        auth,
        hub_notify_allow=[receiver.base + "/"],
        hub_notify_run=True,
        hub_notify_poll_s=30.0,
    ):
        agent = receiver.agent()
        hub.subscribe(agent, PIECE, topic_type="LOGISTICS_OBJECT_TYPE")
        lo = hub.create(agent)
        [got] = receiver.wait_for(1, timeout=10)
        assert got.body["api:hasLogisticsObject"] == {"@id": lo}


def test_built_notifications_are_what_json_ld_compaction_gives() -> None:
    for kwargs in (
        {"object_uri": "https://h.example/logistics-objects/1", "object_type": PIECE},
        {
            "object_uri": "https://h.example/logistics-objects/1",
            "object_type": PIECE,
            "changed_properties": [CARGO + "goodsDescription", CARGO + "grossWeight"],
            "triggered_by": "https://h.example/action-requests/2",
            "topic": PIECE,
        },
        {"event_uri": "https://h.example/logistics-objects/1/logistics-events/3"},
    ):
        built = build_notification(
            "0d5f7a2e-1c1b-4c8e-9a55-0c3a3c4f2b10",
            "LOGISTICS_OBJECT_UPDATED",
            **kwargs,
        )
        assert jsonld.compact(jsonld.expand(copy.deepcopy(built))) == built


@pytest.mark.parametrize(
    ("agent", "endpoint"),
    [
        ("https://1r.example.com/logistics-objects/957e", "https://1r.example.com/notifications"),
        ("https://h.example/hub/logistics-objects/x", "https://h.example/hub/notifications"),
        ("http://127.0.0.1:8081/logistics-objects/a", "http://127.0.0.1:8081/notifications"),
        ("https://h.example/orgs/x", "https://h.example/notifications"),
    ],
)
def test_the_notification_endpoint_is_derived_from_the_subscriber_iri(
    agent: str, endpoint: str
) -> None:
    assert notification_endpoint(agent) == endpoint


def test_a_separate_delivery_runner_finds_changes_by_polling(hub: Hub, receiver: Receiver) -> None:
    from smartlogistics.hub.notify import serve_notifications

    agent = receiver.agent()
    hub.subscribe(agent, PIECE, topic_type="LOGISTICS_OBJECT_TYPE")
    lo = hub.create(agent)  # no commit listener reaches the runner: it polls
    stop = threading.Event()
    settings = hub.settings.model_copy(update={"hub_notify_poll_s": 0.05})
    runner = threading.Thread(
        target=serve_notifications, args=(settings,), kwargs={"stop": stop, "engine": hub.engine}
    )
    runner.start()
    try:
        [got] = receiver.wait_for(1, timeout=10)
        assert got.body["api:hasLogisticsObject"] == {"@id": lo}
    finally:
        stop.set()
        runner.join(10)
    assert not runner.is_alive()
    assert pending_deliveries(hub.engine) == 0


def test_deliveries_connect_to_the_checked_address_not_to_the_name_again(
    hub: Hub, receiver: Receiver
) -> None:
    name = f"subscriber.test:{receiver.port}"
    answers = {"subscriber.test": ["127.0.0.1"]}

    def resolve(host: str, port: int) -> list[str]:
        return answers[host]

    entries, networks = [f"http://{name}/"], ["127.0.0.0/8"]
    subscriptions = hub.client.app.state.hub_subscriptions  # type: ignore[attr-defined]
    subscriptions.allow = AllowList(entries, networks, resolver=resolve)
    agent = f"http://{name}/logistics-objects/agent-b"
    hub.subscribe(agent, PIECE, topic_type="LOGISTICS_OBJECT_TYPE")
    hub.create(agent)
    hub.create(agent)
    service = hub.service(allow=AllowList(entries, networks, resolver=resolve))
    service.dispatch_all()
    [first, second] = service.deliverer.claim(2)
    assert service.deliverer.deliver(first) == "delivered"
    [got] = receiver.wait_for(1)
    assert got.headers["host"] == name  # the name resolves nowhere but in the check
    answers["subscriber.test"] = ["169.254.169.254"]  # DNS rebinding to the metadata service
    assert service.deliverer.deliver(second) == "dead"
    assert len(receiver.requests) == 1
    assert "169.254.169.254" in hub.deliveries()[1]["last_error"]
