"""Subscriptions and notifications, both sides (ONE Record 2.3.0 subscriptions, notifications).

In 2.3.0 the two endpoints named ``/subscriptions`` belong to different parties:

- **Publisher side** (this hub holds the objects): ``POST /subscriptions`` receives an
  ``api:Subscription`` from a would-be subscriber and creates an
  ``api:SubscriptionRequest`` action request (201, ``Location`` = the request,
  ``Type`` = ``api:SubscriptionRequest``). The topic is validated (a known
  ``TopicType``; a logistics object of this server the subscriber may read, or a
  supported logistics object class), the subscriber must be the authenticated requester
  (unless ``hub_third_party_subscriptions``), and its notification endpoint — derived from
  the ``hasSubscriber`` IRI, as the specification says — must pass the allow-list, else a
  400 names ``api:hasSubscriber``. With ``hub_subscription_policy = "auto"`` the request
  is accepted at once on the holder's behalf; with ``"holder"`` it stays
  ``REQUEST_PENDING`` until the holder PATCHes it. Unsubscribing is revoking the
  request (``DELETE /action-requests/{id}``, the generic action-request endpoint);
  both pending and accepted SubscriptionRequests can be revoked. The subscription itself
  is immutable. Notifications then flow through :mod:`smartlogistics.hub.notify`.
- **Subscriber side** (this hub wants to be notified): ``GET
  /subscriptions?topicType=...&topic=...`` answers a publisher that proposes a subscription
  with our ``api:Subscription`` (the data holder as subscriber, all three event types) —
  or, when ``hub_subscription_proposals = "reject"``, with an empty list, which is how the
  proposal is declined. ``POST /notifications`` receives ``api:Notification`` objects from
  any authenticated client (204), stores each once per ``@id`` (a publisher's retry is
  acknowledged again but not stored or handed on twice) and hands new ones to the
  in-process bus (:meth:`~smartlogistics.hub.bus.HubBus.subscribe_notifications`).

:func:`attach_notifications` wires all of it into a running hub app (the store's action
handler and commit listeners, the bus and the delivery engine on background threads).
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from fastapi import APIRouter, FastAPI
from sqlalchemy import Connection, select, update
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from smartlogistics.config import Settings, get_settings
from smartlogistics.hub import acl
from smartlogistics.hub._errors import JSONLD_CONTENT_TYPE as JSONLD
from smartlogistics.hub._errors import HubError
from smartlogistics.hub._feed import head_seq
from smartlogistics.hub._http import jsonld_response, negotiate, principal, read_jsonld
from smartlogistics.hub._notify_allow import AllowList, EndpointRefusedError
from smartlogistics.hub._notify_tables import (
    hub_deliveries,
    hub_received_notifications,
    hub_subscriptions,
)
from smartlogistics.hub._subscription_docs import (
    SUBSCRIPTION_EVENT_TYPES,
    SubscriptionDoc,
    parse_notification,
    parse_subscription,
    parse_topic_type,
)
from smartlogistics.hub.bus import HubBus, ReceivedNotification
from smartlogistics.hub.jsonld import ONE_RECORD_CONTEXT
from smartlogistics.hub.notify import NotificationService, notification_endpoint
from smartlogistics.hub.ontology import API, CARGO
from smartlogistics.hub.store import (
    SUBSCRIPTION_REQUEST,
    ActionRequestView,
    HubStore,
    is_logistics_object_class,
)

__all__ = [
    "NotificationRuntime",
    "ProposalError",
    "SubscriptionInfo",
    "SubscriptionService",
    "attach_notifications",
    "router",
]

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("smartlogistics.hub.subscriptions")

ACCEPTED: Final = API + "REQUEST_ACCEPTED"
PENDING: Final = API + "REQUEST_PENDING"
#: uuid5 namespace of the ids of the Subscriptions this hub proposes as a subscriber.
PROPOSAL_NAMESPACE: Final = uuid.UUID("0b6f3c1e-8a53-5d2e-9c1f-6a1d3f0e7b42")
_STATUS_OF: Final = {"accepted": "active", "rejected": "rejected", "revoked": "revoked"}


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SubscriptionInfo:
    """A subscription this hub publishes to (one row of ``hub_subscriptions``)."""

    id: str
    subscription_iri: str
    action_request_uri: str
    subscriber: str
    requested_by: str
    topic_type: str
    topic: str
    endpoint: str
    event_types: tuple[str, ...]
    send_body: bool
    notify_status_change: bool
    expires_at: datetime | None
    status: str
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        """Return the subscription as plain JSON types."""
        return {
            "id": self.id,
            "subscription_iri": self.subscription_iri,
            "action_request_uri": self.action_request_uri,
            "subscriber": self.subscriber,
            "requested_by": self.requested_by,
            "topic_type": self.topic_type,
            "topic": self.topic,
            "endpoint": self.endpoint,
            "event_types": list(self.event_types),
            "send_body": self.send_body,
            "notify_status_change": self.notify_status_change,
            "expires_at": None if self.expires_at is None else self.expires_at.isoformat(),
            "status": self.status,
            "created_at": self.created_at.isoformat(),
        }


def _info(row: Any) -> SubscriptionInfo:
    return SubscriptionInfo(
        id=row.id,
        subscription_iri=row.subscription_iri,
        action_request_uri=row.action_request_uri,
        subscriber=row.subscriber,
        requested_by=row.requested_by,
        topic_type=row.topic_type,
        topic=row.topic,
        endpoint=row.endpoint,
        event_types=tuple(row.event_types or ()),
        send_body=bool(row.send_body),
        notify_status_change=bool(row.notify_status_change),
        expires_at=_aware(row.expires_at),
        status=row.status,
        created_at=_aware(row.created_at) or _utcnow(),
    )


def _missing(name: str) -> HubError:
    return HubError(
        400,
        f"The required query parameter `{name}` is missing.",
        title="Missing query parameter",
        property=name,
    )


def _type_topic(text: str) -> str:
    """Full class IRI of a type topic given as IRI, ``cargo:`` name or ``/`` form."""
    if text.startswith("cargo:"):
        return CARGO + text[len("cargo:") :]
    slash = CARGO[:-1] + "/"
    if text.startswith(slash):
        return CARGO + text[len(slash) :]
    return text


class ProposalError(RuntimeError):
    """A publisher-initiated subscription proposal could not be completed."""


class SubscriptionService:
    """The hub's subscriptions (publisher side) and received notifications (subscriber side).

    Parameters
    ----------
    store
        The hub's store (ids, ontology, action requests, clock).
    settings
        Policy and allow-list settings (default: the process settings).
    allow
        The endpoint allow-list (default from ``settings``).
    bus
        Where received notifications are handed on, if anywhere.
    """

    def __init__(
        self,
        store: HubStore,
        settings: Settings | None = None,
        *,
        allow: AllowList | None = None,
        bus: HubBus | None = None,
    ) -> None:
        self.store = store
        self.settings = settings or get_settings()
        self.allow = allow or AllowList.from_settings(self.settings)
        self.bus = bus
        self._installed = False
        self._lock = threading.Lock()

    def _now(self) -> datetime:
        moment = self.store.clock()
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

    def install(self) -> None:
        """Register the SubscriptionRequest handler with the store (once)."""
        with self._lock:
            if not self._installed:
                self.store.register_action_handler(SUBSCRIPTION_REQUEST, self._on_request)
                self._installed = True

    # --- publisher side ----------------------------------------------------------------

    def _check_topic(self, spec: SubscriptionDoc) -> str | None:
        store = self.store
        if spec.topic_type == "LOGISTICS_OBJECT_TYPE":
            if not is_logistics_object_class(store.ontology, spec.topic):
                raise HubError(
                    400,
                    "Provided Logistics Object Type is not supported",
                    title="Logistics Object Type not supported",
                    property=API + "hasTopic",
                )
            return None
        object_id = store.object_id_of(spec.topic)
        meta = None
        if object_id is not None:
            try:
                meta = store.object_meta(object_id)
            except HubError:
                meta = None
        if object_id is None or meta is None:
            raise HubError(
                400,
                f"api:hasTopic must be a logistics object of this server "
                f"({store.base_url}/logistics-objects/<id>), got {spec.topic!r}",
                title="Invalid resource",
                property=API + "hasTopic",
            )
        with store.engine.connect() as conn:
            if not acl.can(
                conn, meta.id, spec.subscriber, acl.GET_LOGISTICS_OBJECT, owner=meta.owner
            ):
                raise HubError(
                    403,
                    "the subscriber may not read the Logistics Object of api:hasTopic",
                    resource=meta.uri,
                )
        return object_id

    def subscribe(self, doc: Any, agent: str) -> ActionRequestView:
        """Handle ``POST /subscriptions``: validate, create the SubscriptionRequest.

        Returns
        -------
        ActionRequestView
            The request (``REQUEST_ACCEPTED`` under the ``auto`` policy or when the
            requester is the holder, else ``REQUEST_PENDING``).

        Raises
        ------
        HubError
            400 naming the property (invalid Subscription, unknown topic, endpoint not
            allowed), 403 (subscribing someone else, topic not readable).
        """
        store = self.store
        spec = parse_subscription(doc, ontology=store.ontology)
        if spec.subscriber != agent and not self.settings.hub_third_party_subscriptions:
            raise HubError(
                403,
                f"this server accepts subscriptions for the authenticated requester only: "
                f"api:hasSubscriber must be {agent}",
                property=API + "hasSubscriber",
            )
        if spec.expires_at is not None and spec.expires_at <= self._now():
            raise HubError(
                400,
                "api:expiresAt lies in the past",
                title="Invalid resource",
                property=API + "expiresAt",
            )
        object_id = self._check_topic(spec)
        endpoint = notification_endpoint(spec.subscriber)
        try:
            self.allow.check(endpoint)
        except EndpointRefusedError as exc:
            raise HubError(
                400,
                f"notifications to api:hasSubscriber cannot be delivered: {exc}",
                title="Invalid resource",
                property=API + "hasSubscriber",
            ) from None
        view = store.create_action_request(
            SUBSCRIPTION_REQUEST, spec.body, agent, object_id=object_id
        )
        if view.status == PENDING and self.settings.hub_subscription_policy == "auto":
            holder = store.data_holder
            if object_id is not None:
                holder = store.object_meta(object_id).owner
            view = store.set_action_request_status(view.id, ACCEPTED, holder)
        return view

    def propose(
        self,
        subscriber: str,
        topic_type: str,
        topic: str,
        *,
        client: httpx.Client | None = None,
    ) -> ActionRequestView | None:
        """Publisher-initiated subscription: ask a subscriber for its subscription information.

        GETs ``/subscriptions?topicType=...&topic=...`` on the ONE Record server of
        ``subscriber`` (its URL derived from the IRI like the notification endpoint, and
        checked against the allow-list the same way), checks that the answer is a
        Subscription for exactly the proposed topic and a subscriber whose endpoint is
        allowed, and stores it as a SubscriptionRequest requested by the subscriber (so it
        can read and revoke it) and accepted by the holder.

        Returns
        -------
        ActionRequestView or None
            The accepted request, or ``None`` when the subscriber declined (an empty list).

        Raises
        ------
        ProposalError
            The subscriber could not be asked, or its answer is not a matching
            Subscription.
        HubError
            The topic is not valid here (as for ``POST /subscriptions``).
        """
        import httpx

        kind = parse_topic_type(topic_type)
        url = notification_endpoint(subscriber).removesuffix("/notifications") + "/subscriptions"
        try:
            target = self.allow.check(url)
        except EndpointRefusedError as exc:
            raise ProposalError(str(exc)) from None
        headers = {"Accept": JSONLD, "Host": target.host_header}
        if self.settings.hub_notify_token:
            headers["Authorization"] = f"Bearer {self.settings.hub_notify_token}"
        extensions = {"sni_hostname": target.host} if url.startswith("https") else {}
        own = client is None
        http = client or httpx.Client(
            timeout=self.settings.hub_notify_timeout_s, follow_redirects=False, trust_env=False
        )
        try:
            response = http.get(
                target.connect_url,
                params={"topicType": API + kind, "topic": topic},
                headers=headers,
                extensions=extensions,
            )
        except httpx.HTTPError as exc:
            raise ProposalError(f"asking {url} failed: {type(exc).__name__}: {exc}") from None
        finally:
            if own:
                http.close()
        if response.status_code != 200:
            raise ProposalError(f"{url} answered {response.status_code}: {response.text[:300]}")
        try:
            answer = response.json()
        except ValueError:
            raise ProposalError(f"{url} answered with something that is not JSON") from None
        if isinstance(answer, dict) and answer.get("@graph") == []:
            return None
        try:
            spec = parse_subscription(answer, ontology=self.store.ontology)
        except HubError as exc:
            raise ProposalError(f"{url} answered with an invalid Subscription: {exc}") from None
        if (spec.topic_type, spec.topic) != (kind, topic):
            raise ProposalError(
                f"{url} answered for {spec.topic_type} {spec.topic!r}, not for the proposed "
                f"{kind} {topic!r}"
            )
        object_id = self._check_topic(spec)
        try:
            self.allow.check(notification_endpoint(spec.subscriber))
        except EndpointRefusedError as exc:
            raise ProposalError(f"notifications to {spec.subscriber} are refused: {exc}") from None
        store = self.store
        holder = store.data_holder if object_id is None else store.object_meta(object_id).owner
        view = store.create_action_request(
            SUBSCRIPTION_REQUEST, spec.body, spec.subscriber, object_id=object_id
        )
        if view.status == PENDING:
            view = store.set_action_request_status(view.id, ACCEPTED, holder)
        return view

    def _on_request(self, conn: Connection, view: ActionRequestView, transition: str) -> None:
        now = self._now()
        if transition == "created":
            spec = parse_subscription(
                {"@context": ONE_RECORD_CONTEXT, **view.payload}, ontology=self.store.ontology
            )
            conn.execute(
                hub_subscriptions.insert().values(
                    id=str(uuid.uuid4()),
                    subscription_iri=spec.iri,
                    action_request_id=view.id,
                    action_request_uri=view.uri,
                    subscriber=spec.subscriber,
                    requested_by=view.requested_by,
                    topic_type=spec.topic_type,
                    topic=spec.topic,
                    endpoint=notification_endpoint(spec.subscriber),
                    event_types=list(spec.event_types),
                    content_types=list(spec.content_types),
                    send_body=spec.send_body,
                    notify_status_change=spec.notify_status_change,
                    description=spec.description,
                    expires_at=spec.expires_at,
                    status="pending",
                    active_from_seq=None,
                    created_at=now,
                    updated_at=now,
                )
            )
            return
        status = _STATUS_OF.get(transition)
        if status is None:
            return
        values: dict[str, Any] = {"status": status, "updated_at": now}
        if status == "active":
            values["active_from_seq"] = head_seq(conn)
        conn.execute(
            update(hub_subscriptions)
            .where(hub_subscriptions.c.action_request_id == view.id)
            .values(**values)
        )
        if status == "revoked":
            ids = select(hub_subscriptions.c.id).where(
                hub_subscriptions.c.action_request_id == view.id
            )
            conn.execute(
                update(hub_deliveries)
                .where(
                    hub_deliveries.c.subscription_id.in_(ids.scalar_subquery()),
                    hub_deliveries.c.status == "pending",
                )
                .values(status="cancelled", last_error="subscription revoked")
            )

    def unsubscribe(self, request_id: str, agent: str) -> ActionRequestView:
        """Revoke the SubscriptionRequest ``request_id`` (its requester or the holder)."""
        return self.store.revoke_action_request(request_id, agent)

    def subscriptions(
        self, *, status: str | None = None, subscriber: str | None = None
    ) -> list[SubscriptionInfo]:
        """Return the subscriptions, oldest first, optionally of one status or subscriber."""
        query = select(hub_subscriptions).order_by(
            hub_subscriptions.c.created_at, hub_subscriptions.c.id
        )
        if status is not None:
            query = query.where(hub_subscriptions.c.status == status)
        if subscriber is not None:
            query = query.where(hub_subscriptions.c.subscriber == subscriber)
        with self.store.engine.connect() as conn:
            return [_info(r) for r in conn.execute(query).all()]

    # --- subscriber side ---------------------------------------------------------------

    def proposal(self, topic_type: str | None, topic: str | None) -> dict[str, Any] | None:
        """Answer a publisher's ``GET /subscriptions`` proposal.

        Returns
        -------
        dict or None
            Our ``api:Subscription`` for the topic, or ``None`` when proposals are
            declined (``hub_subscription_proposals = "reject"``).

        Raises
        ------
        HubError
            400 for a missing or invalid ``topicType``/``topic``, or a type topic that is
            not a supported logistics object class.
        """
        if topic_type is None or not topic_type.strip():
            raise _missing("topicType")
        if topic is None or not topic.strip():
            raise _missing("topic")
        kind = parse_topic_type(topic_type)
        value = topic.strip()
        if kind == "LOGISTICS_OBJECT_TYPE":
            value = _type_topic(value)
            if not is_logistics_object_class(self.store.ontology, value):
                raise HubError(
                    400,
                    "Provided Logistics Object Type is not supported",
                    title="Logistics Object Type not supported",
                    property="topic",
                )
        elif not value.startswith(("https://", "http://")):
            raise HubError(
                400,
                f"topic must be the URI of a logistics object, got {value!r}",
                title="Invalid query parameter request",
                property="topic",
            )
        if self.settings.hub_subscription_proposals == "reject":
            return None
        sid = uuid.uuid5(PROPOSAL_NAMESPACE, f"{kind} {value}")
        return {
            "@context": ONE_RECORD_CONTEXT,
            "@id": f"{self.store.base_url}/subscriptions/{sid}",
            "@type": "api:Subscription",
            "api:hasContentType": "application/ld+json",
            "api:hasSubscriber": {"@id": self.store.data_holder},
            "api:hasTopic": {"@type": "xsd:anyURI", "@value": value},
            "api:hasTopicType": {"@id": f"api:{kind}"},
            "api:includeSubscriptionEventType": [
                {"@id": f"api:{name}"} for name in SUBSCRIPTION_EVENT_TYPES
            ],
            "api:notifyRequestStatusChange": False,
            "api:sendLogisticsObjectBody": False,
        }

    def receive(self, doc: Any, sender: str) -> tuple[ReceivedNotification, bool]:
        """Handle ``POST /notifications``: validate, store once per id, hand on.

        Returns
        -------
        tuple
            The stored notification and whether it was a duplicate (already stored under
            the same ``@id``; then it is not handed on again).

        Raises
        ------
        HubError
            400 naming the property of an invalid notification.
        """
        note = parse_notification(doc, ontology=self.store.ontology)
        now = self._now()
        row = {
            "notification_id": note.notification_id,
            "sender": sender,
            "event_type": note.event_type,
            "object_uri": note.object_uri,
            "object_type": note.object_type,
            "event_uri": note.event_uri,
            "action_request_uri": note.action_request_uri,
            "changed_properties": list(note.changed_properties),
            "body": note.body,
            "received_at": now,
            "duplicates": 0,
        }
        table = hub_received_notifications
        with self.store.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                from sqlalchemy.dialects import postgresql

                result = conn.execute(
                    postgresql.insert(table)
                    .on_conflict_do_nothing(index_elements=["notification_id"])
                    .values(**row)
                    .returning(table.c.seq)
                )
            else:
                from sqlalchemy.dialects import sqlite

                result = conn.execute(
                    sqlite.insert(table)
                    .on_conflict_do_nothing(index_elements=["notification_id"])
                    .values(**row)
                    .returning(table.c.seq)
                )
            duplicate = result.first() is None
            if duplicate:
                conn.execute(
                    update(table)
                    .where(table.c.notification_id == note.notification_id)
                    .values(duplicates=table.c.duplicates + 1)
                )
        received = ReceivedNotification(
            notification_id=note.notification_id,
            sender=sender,
            event_type=note.event_type,
            object_uri=note.object_uri,
            object_type=note.object_type,
            event_uri=note.event_uri,
            action_request_uri=note.action_request_uri,
            changed_properties=note.changed_properties,
            body=note.body,
            received_at=now,
        )
        if not duplicate and self.bus is not None:
            self.bus.publish_notification(received)
        return received, duplicate

    def received(self, *, after_seq: int = 0, limit: int = 100) -> list[ReceivedNotification]:
        """Return stored received notifications in arrival order, after ``after_seq``."""
        table = hub_received_notifications
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(table).where(table.c.seq > after_seq).order_by(table.c.seq).limit(limit)
            ).all()
        return [
            ReceivedNotification(
                notification_id=r.notification_id,
                sender=r.sender,
                event_type=r.event_type,
                object_uri=r.object_uri,
                object_type=r.object_type,
                event_uri=r.event_uri,
                action_request_uri=r.action_request_uri,
                changed_properties=tuple(r.changed_properties or ()),
                body=dict(r.body),
                received_at=_aware(r.received_at) or _utcnow(),
            )
            for r in rows
        ]


# --- HTTP ---------------------------------------------------------------------------------------

router = APIRouter()


def _service(request: Request) -> SubscriptionService:
    service: SubscriptionService = request.app.state.hub_subscriptions
    return service


@router.post("/subscriptions", status_code=201)
async def create_subscription_request(request: Request) -> Response:
    """Subscribe to a logistics object or type → 201 with the SubscriptionRequest."""
    who = principal(request)
    negotiate(request)
    doc = await read_jsonld(request)
    view = await run_in_threadpool(_service(request).subscribe, doc, who.agent_uri)
    return jsonld_response(None, status=201, headers={"Location": view.uri, "Type": view.type_iri})


@router.get("/subscriptions")
def get_subscription_information(request: Request) -> Response:
    """Answer a publisher's subscription proposal with our Subscription (or none)."""
    principal(request)
    negotiate(request)
    params = request.query_params
    body = _service(request).proposal(params.get("topicType"), params.get("topic"))
    if body is None:
        body = {"@context": ONE_RECORD_CONTEXT, "@graph": []}
    return jsonld_response(body)


@router.post("/notifications", status_code=204)
async def receive_notification(request: Request) -> Response:
    """Receive a Notification from a publisher → 204 (stored once per ``@id``)."""
    who = principal(request)
    negotiate(request)
    doc = await read_jsonld(request)
    await run_in_threadpool(_service(request).receive, doc, who.agent_uri)
    return Response(status_code=204, headers={"Content-Language": "en-US"})


# --- wiring -------------------------------------------------------------------------------------


@dataclass
class NotificationRuntime:
    """What :func:`attach_notifications` started; :meth:`close` stops it."""

    subscriptions: SubscriptionService
    bus: HubBus
    delivery: NotificationService | None

    def close(self) -> None:
        """Stop the delivery engine and the bus (attempts in flight finish first)."""
        if self.delivery is not None:
            self.delivery.stop()
        self.bus.stop()


def attach_notifications(app: FastAPI) -> NotificationRuntime:
    """Wire subscriptions, the bus and the delivery engine into a hub app's lifespan.

    Needs ``app.state.hub_store`` and ``app.state.settings``; sets
    ``app.state.hub_subscriptions``, ``app.state.hub_bus`` and
    ``app.state.hub_notifications`` (``None`` when ``hub_notify_run`` is false, e.g. when
    a separate process delivers).
    """
    store: HubStore = app.state.hub_store
    settings: Settings = app.state.settings
    bus = HubBus(
        store.engine,
        gap_timeout_s=settings.hub_notify_gap_timeout_s,
        poll_s=settings.hub_notify_poll_s,
        is_subclass=store.ontology.is_subclass,
    )
    service = SubscriptionService(store, settings, bus=bus)
    service.install()
    store.add_commit_listener(bus.wake)
    bus.start()
    delivery: NotificationService | None = None
    if settings.hub_notify_run:
        delivery = NotificationService(
            store.engine, settings, is_subclass=store.ontology.is_subclass
        )
        store.add_commit_listener(delivery.wake)
        delivery.start()
    app.state.hub_subscriptions = service
    app.state.hub_bus = bus
    app.state.hub_notifications = delivery
    return NotificationRuntime(service, bus, delivery)
