"""Subscriber side: GET /subscriptions (proposals), POST /notifications, hub to hub."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from smartlogistics.config import Settings
from smartlogistics.hub import jsonld
from smartlogistics.hub._notify_tables import hub_received_notifications
from smartlogistics.hub.app import create_hub_app
from smartlogistics.hub.bus import ReceivedNotification
from smartlogistics.hub.jsonld import ONE_RECORD_CONTEXT
from smartlogistics.hub.notify import NotificationService, requeue_dead
from tests.hub._notify_fixtures import PIECE, SHIPMENT, free_port, piece, served_hub, subscription
from tests.hub.conftest import AGENT_A, AGENT_B, BASE, JSONLD

API = "https://onerecord.iata.org/ns/api#"
Auth = Callable[[str], dict[str, str]]
Example = Callable[[str], Any]
HOLDER = AGENT_A  # the data holder of the test hub (conftest's hub_data_holder)


def _app_client(hub_settings: Settings, database: Engine, **update: Any) -> TestClient:
    settings = hub_settings.model_copy(update={"hub_notify_run": False, **update})
    return TestClient(create_hub_app(settings, engine=database, base_url=BASE), base_url=BASE)


@pytest.fixture
def sub(hub_settings: Settings, database: Engine) -> Iterator[TestClient]:
    with _app_client(hub_settings, database) as client:
        yield client


def _detail(response: Any) -> tuple[int, str, str]:
    body = response.json()
    detail = body["api:hasErrorDetail"]
    detail = detail[0] if isinstance(detail, list) else detail
    return response.status_code, body["api:hasTitle"], detail["api:hasMessage"]


# --- GET /subscriptions --------------------------------------------------------------------


def test_a_proposal_for_an_object_is_answered_with_our_subscription(
    sub: TestClient, auth: Auth, example: Example
) -> None:
    topic = "https://1r.example.com/logistics-objects/1a8ded38-1804-467c-a369-81a411416b7c"
    response = sub.get(
        "/subscriptions",
        params={"topicType": API + "LOGISTICS_OBJECT_IDENTIFIER", "topic": topic},
        headers=auth(AGENT_B),
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == JSONLD
    assert response.headers["Content-Language"] == "en-US"
    body = response.json()
    [ours] = jsonld.expand(body)
    [theirs] = jsonld.expand(example("Subscriptions_example1.json"))
    for key in ("@type", "hasContentType", "hasTopicType", "hasTopic", "hasSubscriber"):
        iri = key if key.startswith("@") else API + key
        if key == "hasSubscriber":  # the example's subscriber is another server's agent
            assert ours[iri] == [{"@id": HOLDER}]
        else:
            assert ours[iri] == theirs[iri], key
    events = API + "includeSubscriptionEventType"
    assert sorted(e["@id"] for e in ours[events]) == sorted(e["@id"] for e in theirs[events])
    assert body["@id"].startswith(f"{BASE}/subscriptions/")
    again = sub.get(
        "/subscriptions",
        params={"topicType": "LOGISTICS_OBJECT_IDENTIFIER", "topic": topic},
        headers=auth(AGENT_B),
    )
    assert again.json() == body  # shorthand topic type, same (stable) answer


@pytest.mark.parametrize(
    ("topic_type", "topic"),
    [
        (API + "LOGISTICS_OBJECT_TYPE", "https://onerecord.iata.org/ns/cargo#Shipment"),
        (
            "https://onerecord.iata.org/ns/api/LOGISTICS_OBJECT_TYPE",
            "https://onerecord.iata.org/ns/cargo/Shipment",
        ),
        ("api:LOGISTICS_OBJECT_TYPE", "cargo:Shipment"),
    ],
)
def test_a_proposal_for_a_type_accepts_the_spellings_of_the_specification(
    sub: TestClient, auth: Auth, topic_type: str, topic: str
) -> None:
    response = sub.get(
        "/subscriptions", params={"topicType": topic_type, "topic": topic}, headers=auth(AGENT_B)
    )
    assert response.status_code == 200
    body = response.json()
    assert body["api:hasTopicType"] == {"@id": "api:LOGISTICS_OBJECT_TYPE"}
    assert body["api:hasTopic"] == {
        "@type": "xsd:anyURI",
        "@value": "https://onerecord.iata.org/ns/cargo#Shipment",
    }


def test_an_unsupported_type_is_refused_as_in_example_a3(
    sub: TestClient, auth: Auth, example: Example
) -> None:
    response = sub.get(
        "/subscriptions",
        params={
            "topicType": API + "LOGISTICS_OBJECT_TYPE",
            "topic": "https://onerecord.iata.org/ns/cargo#ForkLift",
        },
        headers=auth(AGENT_B),
    )
    expected = example("Subscriptions_example3_Error_400.json")
    assert _detail(response) == (
        400,
        expected["api:hasTitle"],
        expected["api:hasErrorDetail"][0]["api:hasMessage"],
    )


def test_a_missing_topic_is_refused_as_in_example_a4(
    sub: TestClient, auth: Auth, example: Example
) -> None:
    response = sub.get(
        "/subscriptions", params={"topicType": API + "LOGISTICS_OBJECT_TYPE"}, headers=auth(AGENT_B)
    )
    expected = example("Subscriptions_example3_Error_400_example2.json")
    assert _detail(response) == (
        400,
        expected["api:hasTitle"],
        expected["api:hasErrorDetail"][0]["api:hasMessage"],
    )
    missing_type = sub.get("/subscriptions", params={"topic": PIECE}, headers=auth(AGENT_B))
    assert _detail(missing_type) == (
        400,
        "Missing query parameter",
        "The required query parameter `topicType` is missing.",
    )
    wrong = sub.get(
        "/subscriptions", params={"topicType": "EVERYTHING", "topic": PIECE}, headers=auth(AGENT_B)
    )
    assert wrong.status_code == 400


def test_declined_proposals_get_an_empty_list(
    hub_settings: Settings, database: Engine, auth: Auth
) -> None:
    with _app_client(hub_settings, database, hub_subscription_proposals="reject") as client:
        response = client.get(
            "/subscriptions",
            params={"topicType": API + "LOGISTICS_OBJECT_TYPE", "topic": PIECE},
            headers=auth(AGENT_B),
        )
    assert response.status_code == 200
    assert response.json() == {"@context": ONE_RECORD_CONTEXT, "@graph": []}


def test_proposals_need_authentication(sub: TestClient) -> None:
    response = sub.get(
        "/subscriptions", params={"topicType": API + "LOGISTICS_OBJECT_TYPE", "topic": PIECE}
    )
    assert response.status_code == 401


# --- POST /notifications -------------------------------------------------------------------


@pytest.mark.parametrize("name", [f"Notification_example{i}.json" for i in range(1, 7)])
def test_every_notification_example_is_accepted_with_204(
    sub: TestClient, auth: Auth, example: Example, database: Engine, name: str
) -> None:
    doc = example(name)
    response = sub.post("/notifications", json=doc, headers=auth(AGENT_B))
    assert response.status_code == 204, response.text
    assert response.content == b""
    with database.connect() as conn:
        row = conn.execute(select(hub_received_notifications)).mappings().one()
    assert row["sender"] == AGENT_B
    assert row["event_type"] == doc["api:hasEventType"]["@id"].removeprefix("api:")
    assert row["object_uri"] == doc["api:hasLogisticsObject"]["@id"]
    assert row["object_type"] == doc["api:hasLogisticsObjectType"]["@value"]
    assert row["notification_id"].startswith("urn:uuid:")  # the examples carry no @id


def test_a_notification_sent_twice_is_stored_and_handed_on_once(
    sub: TestClient, auth: Auth, example: Example, database: Engine
) -> None:
    seen: list[ReceivedNotification] = []
    sub.app.state.hub_bus.subscribe_notifications(seen.append)  # type: ignore[attr-defined]
    doc = {
        **example("Notification_example3.json"),
        "@id": "urn:uuid:6e0c4d7a-3f43-4b0e-a7f0-0f7e1f0d6a55",
    }
    for _ in range(2):
        assert sub.post("/notifications", json=doc, headers=auth(AGENT_B)).status_code == 204
    sub.app.state.hub_bus.pump()  # type: ignore[attr-defined]
    with database.connect() as conn:
        rows = conn.execute(select(hub_received_notifications)).mappings().all()
    assert [(r["notification_id"], r["duplicates"]) for r in rows] == [(doc["@id"], 1)]
    assert rows[0]["changed_properties"] == ["https://onerecord.iata.org/ns/cargo#grossWeight"]
    assert [n.notification_id for n in seen] == [doc["@id"]]
    assert seen[0].event_type == "LOGISTICS_OBJECT_UPDATED"


@pytest.mark.parametrize(
    ("change", "prop"),
    [
        ({"api:hasEventType": None}, API + "hasEventType"),
        ({"api:hasEventType": {"@id": "api:SOMETHING_ELSE"}}, API + "hasEventType"),
        ({"@type": "api:Subscription"}, "@type"),
        (
            {
                "api:hasLogisticsObject": [
                    {"@id": "https://a.example/1"},
                    {"@id": "https://a.example/2"},
                ]
            },
            None,
        ),
    ],
)
def test_invalid_notifications_are_a_400_naming_the_property(
    sub: TestClient, auth: Auth, example: Example, change: dict[str, Any], prop: str | None
) -> None:
    doc = example("Notification_example1.json")
    for key, value in change.items():
        if value is None:
            doc.pop(key)
        else:
            doc[key] = value
    response = sub.post("/notifications", json=doc, headers=auth(AGENT_B))
    assert response.status_code == 400
    details = response.json()["api:hasErrorDetail"]
    named = []
    for detail in details if isinstance(details, list) else [details]:
        got = detail.get("api:hasProperty")
        named.append(got.get("@value") if isinstance(got, dict) else got)
    if prop is None:
        assert named[0]
    else:
        assert prop in named


def test_notifications_need_authentication_and_json_ld(
    sub: TestClient, auth: Auth, example: Example
) -> None:
    doc = example("Notification_example1.json")
    assert sub.post("/notifications", json=doc, headers={"Content-Type": JSONLD}).status_code == 401
    headers = {**auth(AGENT_B), "Content-Type": "application/xml"}
    assert sub.post("/notifications", content=b"<x/>", headers=headers).status_code == 415


# --- hub to hub ------------------------------------------------------------------------------


def test_a_publisher_hub_delivers_to_a_subscriber_hub_once_per_notification(
    hub_settings: Settings,
    database: Engine,
    auth: Auth,
    agent_token: Callable[[str], str],
    tmp_path: Any,
) -> None:
    from smartlogistics.db import make_engine

    port = free_port()
    sub_base = f"http://127.0.0.1:{port}"
    sub_agent = f"{sub_base}/logistics-objects/subscriber"
    sub_engine = make_engine(f"sqlite:///{tmp_path / 'subscriber.db'}")
    sub_settings = hub_settings.model_copy(
        update={"hub_notify_run": False, "hub_base_url": sub_base, "hub_data_holder": sub_agent}
    )
    sub_app = create_hub_app(sub_settings, engine=sub_engine, base_url=sub_base)
    pub_settings = hub_settings.model_copy(
        update={
            "hub_notify_run": False,
            "hub_notify_allow": [f"{sub_base}/"],
            "hub_notify_token": agent_token(AGENT_A),
        }
    )
    try:
        with (
            served_hub(sub_app, port),
            TestClient(
                create_hub_app(pub_settings, engine=database, base_url=BASE), base_url=BASE
            ) as pub,
        ):
            seen: list[ReceivedNotification] = []
            sub_app.state.hub_bus.subscribe_notifications(seen.append)
            doc = subscription(sub_agent, PIECE, topic_type="LOGISTICS_OBJECT_TYPE")
            assert pub.post("/subscriptions", json=doc, headers=auth(sub_agent)).status_code == 201
            created = pub.post("/logistics-objects", json=piece(), headers=auth(sub_agent))
            lo = created.headers["Location"]
            service = NotificationService(database, pub_settings, seed=3)
            assert service.run_until_idle() == 1
            with database.begin() as conn:  # the publisher sends it again (at-least-once)
                from sqlalchemy import update

                from smartlogistics.hub._notify_tables import hub_deliveries

                conn.execute(update(hub_deliveries).values(status="dead"))
            assert requeue_dead(database) == 1
            assert service.run_until_idle() == 1
            sub_app.state.hub_bus.pump()
            with sub_engine.connect() as conn:
                rows = conn.execute(select(hub_received_notifications)).mappings().all()
            assert [
                (r["sender"], r["event_type"], r["object_uri"], r["duplicates"]) for r in rows
            ] == [(AGENT_A, "LOGISTICS_OBJECT_CREATED", lo, 1)]
            assert [(n.object_uri, n.object_type) for n in seen] == [(lo, PIECE)]
    finally:
        sub_engine.dispose()


# --- publisher-initiated subscriptions (subscriptions.md, "Get Subscription information") ---


def test_a_publisher_proposes_and_the_subscriber_hub_answers_and_is_notified(
    hub_settings: Settings,
    database: Engine,
    auth: Auth,
    agent_token: Callable[[str], str],
    tmp_path: Any,
) -> None:
    from smartlogistics.db import make_engine

    port = free_port()
    sub_base = f"http://127.0.0.1:{port}"
    sub_agent = f"{sub_base}/logistics-objects/subscriber"
    sub_engine = make_engine(f"sqlite:///{tmp_path / 'subscriber.db'}")
    sub_settings = hub_settings.model_copy(
        update={"hub_notify_run": False, "hub_base_url": sub_base, "hub_data_holder": sub_agent}
    )
    sub_app = create_hub_app(sub_settings, engine=sub_engine, base_url=sub_base)
    pub_settings = hub_settings.model_copy(
        update={
            "hub_notify_run": False,
            "hub_notify_allow": [f"{sub_base}/"],
            "hub_notify_token": agent_token(AGENT_A),
        }
    )
    try:
        with (
            served_hub(sub_app, port),
            TestClient(
                create_hub_app(pub_settings, engine=database, base_url=BASE), base_url=BASE
            ) as pub,
        ):
            service = pub.app.state.hub_subscriptions  # type: ignore[attr-defined]
            view = service.propose(sub_agent, "LOGISTICS_OBJECT_TYPE", PIECE)
            assert view is not None
            assert view.status == API + "REQUEST_ACCEPTED"
            assert view.requested_by == sub_agent
            [info] = service.subscriptions()
            assert (info.subscriber, info.topic, info.status) == (sub_agent, PIECE, "active")
            assert info.subscription_iri.startswith(f"{sub_base}/subscriptions/")
            lo = pub.post("/logistics-objects", json=piece(), headers=auth(sub_agent)).headers[
                "Location"
            ]
            assert NotificationService(database, pub_settings, seed=1).run_until_idle() == 1
            with sub_engine.connect() as conn:
                rows = conn.execute(select(hub_received_notifications)).mappings().all()
            assert [(r["object_uri"], r["action_request_uri"]) for r in rows] == [(lo, view.uri)]
    finally:
        sub_engine.dispose()


def test_a_declined_or_mismatched_proposal_creates_no_subscription(
    hub_settings: Settings, database: Engine
) -> None:
    from smartlogistics.hub.subscriptions import ProposalError
    from tests.hub._notify_fixtures import Receiver

    receiver = Receiver()
    try:
        settings = hub_settings.model_copy(
            update={"hub_notify_run": False, "hub_notify_allow": [receiver.base + "/"]}
        )
        with TestClient(
            create_hub_app(settings, engine=database, base_url=BASE), base_url=BASE
        ) as pub:
            service = pub.app.state.hub_subscriptions  # type: ignore[attr-defined]
            receiver.get_body = {"@context": ONE_RECORD_CONTEXT, "@graph": []}
            assert service.propose(receiver.agent(), "LOGISTICS_OBJECT_TYPE", PIECE) is None
            [asked] = receiver.requests
            assert asked.path.startswith(
                "/subscriptions?topicType=https%3A%2F%2Fonerecord.iata.org%2Fns%2Fapi%23LOGISTICS_OBJECT_TYPE&topic="
            )
            receiver.get_body = subscription(
                receiver.agent(), SHIPMENT, topic_type="LOGISTICS_OBJECT_TYPE"
            )
            with pytest.raises(ProposalError, match="not for the proposed LOGISTICS_OBJECT_TYPE"):
                service.propose(receiver.agent(), "LOGISTICS_OBJECT_TYPE", PIECE)
            with pytest.raises(ProposalError, match="not on the allow-list"):
                service.propose(
                    "https://elsewhere.example/logistics-objects/x", "LOGISTICS_OBJECT_TYPE", PIECE
                )
            assert service.subscriptions() == []
    finally:
        receiver.close()
