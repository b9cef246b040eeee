"""Publisher side of subscriptions.md: POST /subscriptions, acceptance, revocation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from smartlogistics.config import Settings
from smartlogistics.hub._notify_tables import hub_deliveries, hub_subscriptions
from smartlogistics.hub.app import create_hub_app
from smartlogistics.hub.subscriptions import SubscriptionService
from tests.hub._notify_fixtures import (
    DESCRIPTION,
    PIECE,
    Receiver,
    description_change,
    piece,
    subscription,
)
from tests.hub.conftest import AGENT_A, BASE, JSONLD

API = "https://onerecord.iata.org/ns/api#"
Auth = Callable[[str], dict[str, str]]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def _app(hub_settings: Settings, database: Engine, **update: Any) -> FastAPI:
    settings = hub_settings.model_copy(update={"hub_notify_run": False, **update})
    return create_hub_app(settings, engine=database, base_url=BASE)


@pytest.fixture
def pub(hub_settings: Settings, database: Engine, receiver: Receiver) -> Iterator[TestClient]:
    app = _app(hub_settings, database, hub_notify_allow=[receiver.base + "/"])
    with TestClient(app, base_url=BASE) as client:
        yield client


def _service(client: TestClient) -> SubscriptionService:
    service: SubscriptionService = client.app.state.hub_subscriptions  # type: ignore[attr-defined]
    return service


def _create_piece(client: TestClient, auth: Auth, agent: str = AGENT_A) -> str:
    response = client.post("/logistics-objects", json=piece(), headers=auth(agent))
    assert response.status_code == 201, response.text
    return str(response.headers["Location"])


def _grant_read(client: TestClient, object_uri: str, agent: str) -> None:
    store = client.app.state.hub_store  # type: ignore[attr-defined]
    store.grant(store.object_id_of(object_uri), agent, [API + "GET_LOGISTICS_OBJECT"], by=AGENT_A)


def _error(response: Any) -> tuple[int, str, str, str | None]:
    body = response.json()
    detail = body["api:hasErrorDetail"]
    detail = detail[0] if isinstance(detail, list) else detail
    prop = detail.get("api:hasProperty")
    if isinstance(prop, dict):
        prop = prop.get("@value")
    return response.status_code, body["api:hasTitle"], detail["api:hasMessage"], prop


def test_subscribing_to_an_object_creates_an_accepted_subscription_request(
    pub: TestClient, auth: Auth, receiver: Receiver
) -> None:
    lo = _create_piece(pub, auth)
    agent = receiver.agent()
    _grant_read(pub, lo, agent)
    response = pub.post("/subscriptions", json=subscription(agent, lo), headers=auth(agent))
    assert response.status_code == 201, response.text
    assert response.headers["Type"] == API + "SubscriptionRequest"
    location = response.headers["Location"]
    assert location.startswith(f"{BASE}/action-requests/")
    assert response.content == b""
    request = pub.get(location.removeprefix(BASE), headers=auth(agent))
    assert request.status_code == 200
    body = request.json()
    assert body["@type"] == "api:SubscriptionRequest"
    assert body["api:hasRequestStatus"] == {"@id": "api:REQUEST_ACCEPTED"}
    assert body["api:isRequestedBy"] == {"@id": agent}
    sub = body["api:hasSubscription"]
    assert sub["@type"] == "api:Subscription"
    assert sub["api:hasTopic"] == {"@type": "xsd:anyURI", "@value": lo}
    [info] = _service(pub).subscriptions()
    assert (info.status, info.subscriber, info.topic_type, info.topic) == (
        "active",
        agent,
        "LOGISTICS_OBJECT_IDENTIFIER",
        lo,
    )
    assert info.endpoint == f"{receiver.base}/notifications"
    assert info.action_request_uri == location
    assert info.event_types == (
        "LOGISTICS_OBJECT_UPDATED",
        "LOGISTICS_OBJECT_CREATED",
        "LOGISTICS_EVENT_RECEIVED",
    )


def test_type_subscriptions_accept_supported_classes(
    pub: TestClient, auth: Auth, receiver: Receiver
) -> None:
    agent = receiver.agent()
    doc = subscription(agent, PIECE, topic_type="LOGISTICS_OBJECT_TYPE")
    response = pub.post("/subscriptions", json=doc, headers=auth(agent))
    assert response.status_code == 201, response.text
    [info] = _service(pub).subscriptions()
    assert (info.topic_type, info.topic, info.status) == ("LOGISTICS_OBJECT_TYPE", PIECE, "active")


def test_holder_policy_leaves_the_request_pending_until_the_holder_accepts(
    hub_settings: Settings, database: Engine, auth: Auth, receiver: Receiver
) -> None:
    app = _app(
        hub_settings,
        database,
        hub_notify_allow=[receiver.base + "/"],
        hub_subscription_policy="holder",
    )
    with TestClient(app, base_url=BASE) as client:
        lo = _create_piece(client, auth)
        agent = receiver.agent()
        _grant_read(client, lo, agent)
        location = client.post(
            "/subscriptions", json=subscription(agent, lo), headers=auth(agent)
        ).headers["Location"]
        path = location.removeprefix(BASE)
        assert client.get(path, headers=auth(agent)).json()["api:hasRequestStatus"] == {
            "@id": "api:REQUEST_PENDING"
        }
        assert [s.status for s in _service(client).subscriptions()] == ["pending"]
        refused = client.patch(f"{path}?status=REQUEST_ACCEPTED", headers=auth(agent))
        assert refused.status_code == 403
        accepted = client.patch(f"{path}?status=REQUEST_ACCEPTED", headers=auth(AGENT_A))
        assert accepted.status_code == 204
        assert [s.status for s in _service(client).subscriptions()] == ["active"]


def test_a_rejected_request_leaves_no_active_subscription(
    hub_settings: Settings, database: Engine, auth: Auth, receiver: Receiver
) -> None:
    app = _app(
        hub_settings,
        database,
        hub_notify_allow=[receiver.base + "/"],
        hub_subscription_policy="holder",
    )
    with TestClient(app, base_url=BASE) as client:
        lo = _create_piece(client, auth)
        agent = receiver.agent()
        _grant_read(client, lo, agent)
        path = (
            client.post("/subscriptions", json=subscription(agent, lo), headers=auth(agent))
            .headers["Location"]
            .removeprefix(BASE)
        )
        assert (
            client.patch(f"{path}?status=REQUEST_REJECTED", headers=auth(AGENT_A)).status_code
            == 204
        )
        assert [s.status for s in _service(client).subscriptions()] == ["rejected"]


def test_unsubscribing_revokes_the_request_and_cancels_queued_notifications(
    pub: TestClient, auth: Auth, receiver: Receiver, database: Engine
) -> None:
    lo = _create_piece(pub, auth)
    agent = receiver.agent()
    _grant_read(pub, lo, agent)
    path = (
        pub.post("/subscriptions", json=subscription(agent, lo), headers=auth(agent))
        .headers["Location"]
        .removeprefix(BASE)
    )
    from smartlogistics.hub.notify import NotificationService

    service = NotificationService(database, pub.app.state.settings)  # type: ignore[attr-defined]
    patch = description_change(lo, DESCRIPTION, "new", 1)
    changed = pub.patch(lo.removeprefix(BASE), json=patch, headers=auth(AGENT_A))
    assert changed.status_code in (201, 204), changed.text
    service.dispatch_all()
    with database.connect() as conn:
        queued = conn.execute(select(hub_deliveries.c.status, hub_deliveries.c.event_type)).all()
    assert [tuple(r) for r in queued] == [("pending", "LOGISTICS_OBJECT_UPDATED")]
    assert pub.delete(path, headers=auth(agent)).status_code == 204
    request = pub.get(path, headers=auth(agent)).json()
    assert request["api:hasRequestStatus"] == {"@id": "api:REQUEST_REVOKED"}
    assert request["api:isRevokedBy"] == {"@id": agent}
    with database.connect() as conn:
        assert conn.execute(select(hub_subscriptions.c.status)).scalar_one() == "revoked"
        assert conn.execute(select(hub_deliveries.c.status)).scalar_one() == "cancelled"
    assert pub.delete(path, headers=auth(agent)).status_code == 422


@pytest.mark.parametrize(
    ("change", "status", "prop", "message"),
    [
        ({"api:hasTopicType": None}, 400, API + "hasTopicType", "api:hasTopicType is required"),
        ({"api:hasTopic": None}, 400, API + "hasTopic", "api:hasTopic is required"),
        ({"api:hasSubscriber": None}, 400, API + "hasSubscriber", "api:hasSubscriber is required"),
        (
            {"api:includeSubscriptionEventType": None},
            400,
            API + "includeSubscriptionEventType",
            "api:includeSubscriptionEventType needs at least one event type",
        ),
        (
            {"api:includeSubscriptionEventType": {"@id": "api:CHANGE_REQUEST_ACCEPTED"}},
            400,
            API + "includeSubscriptionEventType",
            None,
        ),
        (
            {"api:hasContentType": "text/turtle"},
            400,
            API + "hasContentType",
            "api:hasContentType: this publisher sends application/ld+json only, not text/turtle",
        ),
        (
            {
                "api:expiresAt": {
                    "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
                    "@value": "2020-01-01T00:00:00Z",
                }
            },
            400,
            API + "expiresAt",
            "api:expiresAt lies in the past",
        ),
        (
            {"api:hasTopic": "https://elsewhere.example/logistics-objects/1"},
            400,
            API + "hasTopic",
            None,
        ),
        ({"cargo:goodsDescription": "x"}, 400, None, None),
    ],
)
def test_invalid_subscriptions_are_refused_naming_the_property(
    pub: TestClient,
    auth: Auth,
    receiver: Receiver,
    change: dict[str, Any],
    status: int,
    prop: str | None,
    message: str | None,
) -> None:
    lo = _create_piece(pub, auth)
    agent = receiver.agent()
    _grant_read(pub, lo, agent)
    doc = subscription(agent, lo)
    for key, value in change.items():
        if value is None:
            doc.pop(key)
        else:
            doc[key] = value
    response = pub.post("/subscriptions", json=doc, headers=auth(agent))
    got_status, _title, got_message, got_prop = _error(response)
    assert got_status == status
    if prop is not None:
        assert got_prop == prop
    else:
        assert got_prop is not None
    if message is not None:
        assert got_message == message
    assert _service(pub).subscriptions() == []


def test_an_unsupported_type_topic_is_a_400_as_in_the_example(
    pub: TestClient, auth: Auth, receiver: Receiver, example: Callable[[str], Any]
) -> None:
    agent = receiver.agent()
    doc = subscription(
        agent, "https://onerecord.iata.org/ns/cargo#ForkLift", topic_type="LOGISTICS_OBJECT_TYPE"
    )
    response = pub.post("/subscriptions", json=doc, headers=auth(agent))
    expected = example("Subscriptions_example3_Error_400.json")
    detail = expected["api:hasErrorDetail"][0]
    status, title, message, prop = _error(response)
    assert (status, title, message, prop) == (
        400,
        expected["api:hasTitle"],
        detail["api:hasMessage"],
        API + "hasTopic",
    )


def test_subscribing_someone_else_is_forbidden(
    pub: TestClient, auth: Auth, receiver: Receiver
) -> None:
    lo = _create_piece(pub, auth)
    _grant_read(pub, lo, receiver.agent())
    response = pub.post(
        "/subscriptions",
        json=subscription(receiver.agent(), lo),
        headers=auth(receiver.agent("other")),
    )
    status, _title, _message, prop = _error(response)
    assert (status, prop) == (403, API + "hasSubscriber")


def test_a_topic_the_subscriber_may_not_read_is_forbidden(
    pub: TestClient, auth: Auth, receiver: Receiver
) -> None:
    lo = _create_piece(pub, auth)
    agent = receiver.agent()
    response = pub.post("/subscriptions", json=subscription(agent, lo), headers=auth(agent))
    assert response.status_code == 403
    assert _service(pub).subscriptions() == []


@pytest.mark.parametrize(
    "subscriber",
    [
        "http://169.254.169.254/logistics-objects/agent",
        "http://10.0.0.1/logistics-objects/agent",
        "https://partner.example.org/logistics-objects/agent-b",
    ],
)
def test_subscribers_whose_endpoint_is_not_allowed_are_refused(
    pub: TestClient, auth: Auth, subscriber: str
) -> None:
    doc = subscription(subscriber, PIECE, topic_type="LOGISTICS_OBJECT_TYPE")
    response = pub.post("/subscriptions", json=doc, headers=auth(subscriber))
    status, _title, message, prop = _error(response)
    assert (status, prop) == (400, API + "hasSubscriber")
    assert message.startswith("notifications to api:hasSubscriber cannot be delivered: ")
    assert "not on the allow-list" in message
    assert _service(pub).subscriptions() == []


def test_a_name_resolving_to_an_internal_address_is_refused(
    hub_settings: Settings, database: Engine, auth: Auth
) -> None:
    app = _app(hub_settings, database, hub_notify_allow=["http://localhost:9/"])
    with TestClient(app, base_url=BASE) as client:
        agent = "http://localhost:9/logistics-objects/agent"
        doc = subscription(agent, PIECE, topic_type="LOGISTICS_OBJECT_TYPE")
        response = client.post("/subscriptions", json=doc, headers=auth(agent))
        status, _title, message, prop = _error(response)
        assert (status, prop) == (400, API + "hasSubscriber")
        assert "which is private, loopback" in message


def test_subscriptions_need_authentication_and_json_ld(
    pub: TestClient, receiver: Receiver, auth: Auth
) -> None:
    doc = subscription(receiver.agent(), PIECE, topic_type="LOGISTICS_OBJECT_TYPE")
    anonymous = pub.post("/subscriptions", json=doc, headers={"Content-Type": JSONLD})
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    headers = {**auth(receiver.agent()), "Content-Type": "text/plain"}
    assert pub.post("/subscriptions", content=b"{}", headers=headers).status_code == 415
