"""The publisher's delivery engine: notifications that arrive (issue 5, item 5).

The specification makes the publisher responsible: "The publisher MUST ensure the
guaranteed delivery. That means keeping data until the subscriber confirms it has received
a particular Notification" (subscriptions.md). The engine has two halves, both keeping
all their state in the database, so a restart (or a crash) loses nothing:

- :class:`Dispatcher` tails the change feed ``hub_changes`` from a persistent cursor
  (``hub_dispatch_cursor`` ``notify``; late commits handled by
  :class:`~smartlogistics.hub._feed.ChangeFeed`), matches each change against the active
  subscriptions (``LOGISTICS_OBJECT_IDENTIFIER``: that object; ``LOGISTICS_OBJECT_TYPE``:
  that class and its subclasses in the cargo ontology), keeps the event types the
  subscription includes and the objects the subscriber may read (the hub's ACL), and
  writes one ``hub_deliveries`` row per (change, subscription) — in the same transaction
  as the cursor advance, and unique per (change, route), so seeing a change twice queues
  it once. Status changes of action requests whose object says
  ``notifyRequestStatusChange`` are queued for their requester the same way.
- :class:`Deliverer` POSTs each due delivery (an ``api:Notification``, compacted JSON-LD,
  ``@id`` ``urn:uuid:<delivery id>`` for the subscriber's de-duplication) to the
  subscriber's ``/notifications`` endpoint, after the allow-list and address checks of
  :mod:`~smartlogistics.hub._notify_allow`, connecting to the checked address. A 2xx
  answer marks it delivered; anything else (or no answer) schedules a retry with
  exponential backoff and jitter, up to ``hub_notify_max_attempts``, then the delivery is
  dead-lettered (``status = 'dead'``, kept with its last error; :func:`requeue_dead`
  puts dead letters back). A delivery being attempted is leased (``next_attempt_at``
  moves past the attempt's timeout), so if the process dies mid-attempt another process,
  or the restarted one, sends it again: at-least-once.

:class:`NotificationService` runs both on a background thread (the hub app's lifespan
starts and stops it; the store's commit listener wakes it) or step by step
(:meth:`NotificationService.run_until_idle`, for tests and tools). :func:`pending_deliveries`
is the queue depth for the Prometheus gauge.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine, func, insert, select, update

from smartlogistics.config import Settings, get_settings
from smartlogistics.hub import acl
from smartlogistics.hub._feed import Change, ChangeFeed, head_seq
from smartlogistics.hub._notify_allow import AllowList, EndpointRefusedError, Resolver
from smartlogistics.hub._notify_tables import (
    hub_deliveries,
    hub_dispatch_cursor,
    hub_subscriptions,
)
from smartlogistics.hub._tables import (
    hub_action_requests,
    hub_object_revisions,
    hub_objects,
)

if TYPE_CHECKING:
    import httpx

__all__ = [
    "Deliverer",
    "DeliveryStats",
    "Dispatcher",
    "NotificationService",
    "NotifyConfig",
    "backoff_delay",
    "build_notification",
    "delivery_stats",
    "notification_endpoint",
    "pending_deliveries",
    "requeue_dead",
    "serve_notifications",
]

log = logging.getLogger("smartlogistics.hub.notify")

API: Final = "https://onerecord.iata.org/ns/api#"
CONTENT_TYPE: Final = "application/ld+json; version=2.3.0"
SUBSCRIPTION_EVENT_TYPES: Final = frozenset(
    {"LOGISTICS_OBJECT_CREATED", "LOGISTICS_OBJECT_UPDATED", "LOGISTICS_EVENT_RECEIVED"}
)
REQUEST_PREFIXES: Final = (
    "CHANGE_REQUEST_",
    "SUBSCRIPTION_REQUEST_",
    "ACCESS_DELEGATION_REQUEST_",
    "VERIFICATION_REQUEST_",
)
#: The object of each action request type that carries ``notifyRequestStatusChange``.
_REQUEST_OBJECTS: Final = (
    "api:hasChange",
    "api:hasSubscription",
    "api:hasAccessDelegation",
    "api:hasVerification",
)
#: Answers after which a retry cannot help: the subscriber refuses the notification itself.
_PERMANENT: Final = frozenset({400, 413, 415, 422})
ROUTE_REQUESTER: Final = "requester"
CURSOR_NAME: Final = "notify"


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back naive; they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# --- configuration ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NotifyConfig:
    """Delivery settings (from ``Settings.hub_notify_*``; see ``docs/hub-notifications.md``).

    Attributes
    ----------
    max_attempts
        Attempts before a delivery is dead-lettered.
    backoff_s, backoff_cap_s
        First retry delay and the largest one (seconds); the delay doubles per attempt.
    timeout_s
        Timeout of one POST.
    concurrency
        Deliveries in flight at once.
    poll_s
        How often the engine looks for work committed by other processes.
    gap_timeout_s
        How long a change seq taken but not yet committed is awaited.
    token
        Bearer token sent with each notification, if any.
    batch
        Changes read per dispatcher pass.
    """

    max_attempts: int = 12
    backoff_s: float = 1.0
    backoff_cap_s: float = 600.0
    timeout_s: float = 10.0
    concurrency: int = 4
    poll_s: float = 1.0
    gap_timeout_s: float = 30.0
    token: str | None = None
    batch: int = 500

    @classmethod
    def from_settings(cls, settings: Settings) -> NotifyConfig:
        """Read the ``hub_notify_*`` settings."""
        return cls(
            max_attempts=settings.hub_notify_max_attempts,
            backoff_s=settings.hub_notify_backoff_s,
            backoff_cap_s=settings.hub_notify_backoff_cap_s,
            timeout_s=settings.hub_notify_timeout_s,
            concurrency=settings.hub_notify_concurrency,
            poll_s=settings.hub_notify_poll_s,
            gap_timeout_s=settings.hub_notify_gap_timeout_s,
            token=settings.hub_notify_token,
        )

    @property
    def lease_s(self) -> float:
        """How long a claimed delivery is held before another attempt may take it."""
        return self.timeout_s * 2 + 5.0


def backoff_delay(attempt: int, config: NotifyConfig, rng: random.Random) -> float:
    """Delay before retry number ``attempt`` (1 = after the first failure), in seconds.

    Exponential with "equal jitter": half of ``min(cap, base * 2**(attempt-1))`` plus a
    uniform random share of the other half, so retries of many deliveries spread out
    while the delay still grows.
    """
    ceiling = min(config.backoff_cap_s, config.backoff_s * 2.0 ** max(attempt - 1, 0))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


# --- the notification body -----------------------------------------------------------------


def notification_endpoint(agent_uri: str) -> str:
    """Return the ``/notifications`` URL of the ONE Record server an agent IRI is on.

    "The Callback URL can be derived from the Organization IRI provided in the
    hasSubscriber property" (subscriptions.md): the server base is what precedes
    ``/logistics-objects/`` in the IRI (or its origin, when it has no such segment).
    """
    parts = urlsplit(agent_uri)
    path = parts.path
    marker = path.find("/logistics-objects/")
    base = path[:marker] if marker >= 0 else ""
    return f"{parts.scheme}://{parts.netloc}{base.rstrip('/')}/notifications"


def _uri(value: str) -> dict[str, str]:
    return {"@type": "xsd:anyURI", "@value": value}


def _one_or_many(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def build_notification(
    notification_id: str,
    event_type: str,
    *,
    object_uri: str | None = None,
    object_type: str | None = None,
    changed_properties: Iterable[str] = (),
    event_uri: str | None = None,
    triggered_by: str | None = None,
    topic: str | None = None,
    context: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return an ``api:Notification`` as compacted JSON-LD (the ONE Record context).

    The form is the one PyLD's compaction gives (single values unwrapped, ``anyURI``
    values typed), written directly because it is built once per delivery.

    Parameters
    ----------
    notification_id
        The delivery's UUID; the ``@id`` is ``urn:uuid:<id>``.
    event_type
        ``api:NotificationEventType`` local name.
    object_uri, object_type
        ``hasLogisticsObject`` / ``hasLogisticsObjectType``.
    changed_properties
        ``hasChangedProperty`` IRIs.
    event_uri
        ``hasLogisticsEvent`` (for ``LOGISTICS_EVENT_RECEIVED``).
    triggered_by
        ``isTriggeredBy``: the subscription request, or the action request whose status
        changed.
    topic
        ``hasTopic`` of the subscription.
    context
        The ``@context`` (default the hub's ONE Record context).
    """
    if context is None:
        from smartlogistics.hub.jsonld import ONE_RECORD_CONTEXT

        context = ONE_RECORD_CONTEXT
    body: dict[str, Any] = {
        "@context": dict(context),
        "@id": f"urn:uuid:{notification_id}",
        "@type": "api:Notification",
    }
    props = sorted(set(changed_properties))
    if props:
        body["api:hasChangedProperty"] = _one_or_many([_uri(p) for p in props])
    body["api:hasEventType"] = {"@id": f"api:{event_type}"}
    if event_uri is not None:
        body["api:hasLogisticsEvent"] = {"@id": event_uri}
    if object_uri is not None:
        body["api:hasLogisticsObject"] = {"@id": object_uri}
    if object_type is not None:
        body["api:hasLogisticsObjectType"] = _uri(object_type)
    if topic is not None:
        body["api:hasTopic"] = _uri(topic)
    if triggered_by is not None:
        body["api:isTriggeredBy"] = {"@id": triggered_by}
    return body


# --- the dispatcher ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Subscription:
    id: str
    action_request_uri: str
    subscriber: str
    topic_type: str
    topic: str
    endpoint: str
    event_types: frozenset[str]
    send_body: bool
    expires_at: datetime | None
    active_from_seq: int


def _active_subscriptions(conn: Connection) -> list[_Subscription]:
    rows = conn.execute(
        select(hub_subscriptions)
        .where(hub_subscriptions.c.status == "active")
        .order_by(hub_subscriptions.c.created_at, hub_subscriptions.c.id)
    ).all()
    return [
        _Subscription(
            id=r.id,
            action_request_uri=r.action_request_uri,
            subscriber=r.subscriber,
            topic_type=r.topic_type,
            topic=r.topic,
            endpoint=r.endpoint,
            event_types=frozenset(r.event_types or ()),
            send_body=bool(r.send_body),
            expires_at=None if r.expires_at is None else _aware(r.expires_at),
            active_from_seq=int(r.active_from_seq or 0),
        )
        for r in rows
    ]


def _truthy(value: Any) -> bool:
    if isinstance(value, list):
        return any(_truthy(v) for v in value)
    if isinstance(value, dict):
        value = value.get("@value")
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


def wants_status_notifications(body: Mapping[str, Any]) -> bool:
    """Whether an action request's object asks for ``notifyRequestStatusChange``."""
    for key in ("api:notifyRequestStatusChange", API + "notifyRequestStatusChange"):
        if _truthy(body.get(key)):
            return True
    for name in _REQUEST_OBJECTS:
        for key in (name, API + name.split(":", 1)[1]):
            inner = body.get(key)
            for node in inner if isinstance(inner, list) else [inner]:
                if isinstance(node, Mapping) and wants_status_notifications(node):
                    return True
    return False


class Dispatcher:
    """Turns committed changes into queued deliveries (see the module docstring).

    Parameters
    ----------
    engine
        The hub's database.
    gap_timeout_s
        How long a seq taken but not committed yet is awaited.
    batch
        Changes read per pass.
    is_subclass
        ``(type, of) -> bool`` for ``LOGISTICS_OBJECT_TYPE`` topics; default the cargo
        ontology's (loaded on first use).
    clock
        Monotonic seconds for the gap timeout (tests pass a fake).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        gap_timeout_s: float = 30.0,
        batch: int = 500,
        is_subclass: Callable[[str, str], bool] | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.engine = engine
        self.gap_timeout_s = gap_timeout_s
        self.batch = batch
        self._is_subclass = is_subclass
        self._clock = clock
        self._now = now
        self._feed: ChangeFeed | None = None
        self._lock = threading.Lock()

    def _subclass(self, sub: str, sup: str) -> bool:
        if self._is_subclass is None:
            from smartlogistics.hub.ontology import load_ontology

            self._is_subclass = load_ontology().is_subclass
        return self._is_subclass(sub, sup)

    def _cursor(self, conn: Connection) -> int:
        row = conn.execute(
            select(hub_dispatch_cursor.c.last_seq)
            .where(hub_dispatch_cursor.c.name == CURSOR_NAME)
            .with_for_update()
        ).first()
        if row is not None:
            return int(row[0])
        # First run: start before the oldest active subscription's first change.
        oldest = conn.execute(
            select(func.min(hub_subscriptions.c.active_from_seq)).where(
                hub_subscriptions.c.status == "active"
            )
        ).scalar()
        start = head_seq(conn) if oldest is None else min(int(oldest), head_seq(conn))
        conn.execute(
            insert(hub_dispatch_cursor).values(
                name=CURSOR_NAME, last_seq=start, updated_at=self._now()
            )
        )
        return start

    def run_once(self) -> int:
        """One pass: read the next changes, queue their deliveries, move the cursor.

        Returns
        -------
        int
            How many changes were read (0 = the feed is drained for now).
        """
        with self._lock:
            feed = self._feed
            try:
                with self.engine.begin() as conn:
                    stored = self._cursor(conn)
                    if feed is None or feed.cursor < stored:
                        feed = ChangeFeed(
                            stored, gap_timeout_s=self.gap_timeout_s, clock=self._clock
                        )
                    changes = feed.read(conn, self.batch)
                    if changes:
                        self._queue(conn, changes)
                    staged = feed.staged_cursor
                    if staged != stored:
                        conn.execute(
                            update(hub_dispatch_cursor)
                            .where(hub_dispatch_cursor.c.name == CURSOR_NAME)
                            .values(last_seq=max(staged, stored), updated_at=self._now())
                        )
            except Exception:
                if feed is not None:
                    feed.rollback()
                raise
            feed.commit()
            self._feed = feed
            return len(changes)

    def _queue(self, conn: Connection, changes: list[Change]) -> None:
        subs = _active_subscriptions(conn)
        objects: dict[str, tuple[str, str] | None] = {}
        requests: dict[str, tuple[str, Mapping[str, Any]] | None] = {}
        rows: list[dict[str, Any]] = []
        now = self._now()

        def object_row(uri: str) -> tuple[str, str] | None:
            if uri not in objects:
                found = conn.execute(
                    select(hub_objects.c.id, hub_objects.c.owner).where(hub_objects.c.uri == uri)
                ).first()
                objects[uri] = None if found is None else (str(found[0]), str(found[1]))
            return objects[uri]

        for change in changes:
            if change.kind in SUBSCRIPTION_EVENT_TYPES:
                for sub in subs:
                    if not self._matches(sub, change):
                        continue
                    obj = object_row(change.object_uri)
                    if obj is None:
                        continue
                    permission = (
                        acl.GET_LOGISTICS_EVENT
                        if change.kind == "LOGISTICS_EVENT_RECEIVED"
                        else acl.GET_LOGISTICS_OBJECT
                    )
                    if not acl.can(conn, obj[0], sub.subscriber, permission, owner=obj[1]):
                        continue
                    rows.append(self._row(change, sub, now))
            elif change.kind.startswith(REQUEST_PREFIXES) and change.action_request_uri:
                uri = change.action_request_uri
                if uri not in requests:
                    found = conn.execute(
                        select(
                            hub_action_requests.c.requested_by, hub_action_requests.c.body
                        ).where(hub_action_requests.c.uri == uri)
                    ).first()
                    requests[uri] = None if found is None else (str(found[0]), found[1] or {})
                request = requests[uri]
                if request is None or not wants_status_notifications(request[1]):
                    continue
                rows.append(self._requester_row(change, request[0], now))
        if rows:
            _insert_ignoring_duplicates(conn, rows)

    def _matches(self, sub: _Subscription, change: Change) -> bool:
        if change.seq <= sub.active_from_seq or change.kind not in sub.event_types:
            return False
        if sub.expires_at is not None and _aware(change.created_at) >= sub.expires_at:
            return False
        if sub.topic_type == "LOGISTICS_OBJECT_IDENTIFIER":
            return sub.topic == change.object_uri
        return self._subclass(change.object_type, sub.topic)

    @staticmethod
    def _row(change: Change, sub: _Subscription, now: datetime) -> dict[str, Any]:
        nid = str(uuid.uuid4())
        payload = build_notification(
            nid,
            change.kind,
            object_uri=change.object_uri,
            object_type=change.object_type,
            changed_properties=change.changed_properties,
            event_uri=change.event_uri if change.kind == "LOGISTICS_EVENT_RECEIVED" else None,
            triggered_by=sub.action_request_uri,
            topic=sub.topic,
        )
        return {
            "id": nid,
            "change_seq": change.seq,
            "route": sub.id,
            "subscription_id": sub.id,
            "agent": sub.subscriber,
            "endpoint": sub.endpoint,
            "event_type": change.kind,
            "object_uri": change.object_uri,
            "embed_revision": change.revision if sub.send_body else None,
            "payload": payload,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }

    @staticmethod
    def _requester_row(change: Change, requester: str, now: datetime) -> dict[str, Any]:
        nid = str(uuid.uuid4())
        payload = build_notification(
            nid,
            change.kind,
            object_uri=change.object_uri,
            object_type=change.object_type,
            changed_properties=change.changed_properties,
            triggered_by=change.action_request_uri,
        )
        return {
            "id": nid,
            "change_seq": change.seq,
            "route": ROUTE_REQUESTER,
            "subscription_id": None,
            "agent": requester,
            "endpoint": notification_endpoint(requester),
            "event_type": change.kind,
            "object_uri": change.object_uri,
            "embed_revision": None,
            "payload": payload,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }


def _insert_ignoring_duplicates(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert deliveries; a (change, route) already queued is left as it is."""
    keys = ["change_seq", "route"]
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        conn.execute(
            postgresql.insert(hub_deliveries).on_conflict_do_nothing(index_elements=keys), rows
        )
    else:
        from sqlalchemy.dialects import sqlite

        conn.execute(
            sqlite.insert(hub_deliveries).on_conflict_do_nothing(index_elements=keys), rows
        )


# --- the deliverer -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Claim:
    id: str
    endpoint: str
    agent: str
    payload: dict[str, Any]
    object_uri: str | None
    embed_revision: int | None
    attempts: int  # including this one


@dataclass(frozen=True, slots=True)
class _Outcome:
    delivered: bool
    status: int | None
    error: str | None
    permanent: bool


class Deliverer:
    """Sends due deliveries and records the outcome (see the module docstring).

    Parameters
    ----------
    engine
        The hub's database.
    allow
        The endpoint allow-list.
    config
        Retry, timeout and concurrency settings.
    client
        The HTTP client (default: one without proxies from the environment, no redirects).
    seed
        Seed of the retry jitter (``None``: fresh entropy — retries of several processes
        must not fall in step).
    now
        The clock (tests move it forward).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        allow: AllowList,
        config: NotifyConfig,
        client: httpx.Client | None = None,
        seed: int | None = None,
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.engine = engine
        self.allow = allow
        self.config = config
        self._client = client
        self._own_client = client is None
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()
        self._now = now

    @property
    def client(self) -> httpx.Client:
        """The HTTP client, made on first use."""
        if self._client is None:
            import httpx

            self._client = httpx.Client(
                timeout=self.config.timeout_s, follow_redirects=False, trust_env=False
            )
        return self._client

    def close(self) -> None:
        """Close the HTTP client if the deliverer made it."""
        if self._own_client and self._client is not None:
            self._client.close()
            self._client = None

    def claim(self, limit: int) -> list[_Claim]:
        """Lease up to ``limit`` due deliveries (oldest first) for an attempt."""
        now = self._now()
        lease = now + timedelta(seconds=self.config.lease_s)
        claims: list[_Claim] = []
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(hub_deliveries)
                .where(
                    hub_deliveries.c.status == "pending", hub_deliveries.c.next_attempt_at <= now
                )
                .order_by(hub_deliveries.c.next_attempt_at, hub_deliveries.c.change_seq)
                .limit(limit)
            ).all()
            for row in rows:
                taken = conn.execute(
                    update(hub_deliveries)
                    .where(
                        hub_deliveries.c.id == row.id,
                        hub_deliveries.c.status == "pending",
                        hub_deliveries.c.attempts == row.attempts,
                    )
                    .values(attempts=row.attempts + 1, next_attempt_at=lease)
                ).rowcount
                if taken == 1:
                    claims.append(
                        _Claim(
                            row.id,
                            row.endpoint,
                            row.agent,
                            row.payload,
                            row.object_uri,
                            row.embed_revision,
                            row.attempts + 1,
                        )
                    )
        return claims

    def _body(self, claim: _Claim) -> dict[str, Any]:
        payload = dict(claim.payload)
        if claim.embed_revision is not None and claim.object_uri is not None:
            with self.engine.connect() as conn:
                found = conn.execute(
                    select(hub_object_revisions.c.body)
                    .join(hub_objects, hub_objects.c.id == hub_object_revisions.c.object_id)
                    .where(
                        hub_objects.c.uri == claim.object_uri,
                        hub_object_revisions.c.revision == claim.embed_revision,
                    )
                ).first()
            if found is not None:
                embedded = {k: v for k, v in dict(found[0]).items() if k != "@context"}
                payload["api:hasLogisticsObject"] = embedded
        return payload

    def attempt(self, claim: _Claim) -> _Outcome:
        """POST one notification; never raises."""
        try:
            target = self.allow.check(claim.endpoint)
        except EndpointRefusedError as exc:
            permanent = "does not resolve" not in exc.reason
            return _Outcome(False, None, str(exc), permanent)
        headers = {
            "Content-Type": CONTENT_TYPE,
            "Accept": CONTENT_TYPE,
            "Host": target.host_header,
        }
        if self.config.token:
            headers["Authorization"] = f"Bearer {self.config.token}"
        extensions = {"sni_hostname": target.host} if target.url.startswith("https") else {}
        try:
            content = json.dumps(self._body(claim), separators=(",", ":")).encode()
            response = self.client.post(
                target.connect_url, content=content, headers=headers, extensions=extensions
            )
        except Exception as exc:  # connection refused, timeout, TLS, database: retry
            return _Outcome(False, None, f"{type(exc).__name__}: {exc}", False)
        status = response.status_code
        if 200 <= status < 300:
            return _Outcome(True, status, None, False)
        text = response.text[:300]
        return _Outcome(False, status, f"HTTP {status}: {text}", status in _PERMANENT)

    def record(self, claim: _Claim, outcome: _Outcome) -> str:
        """Store the outcome of an attempt; return the new status."""
        now = self._now()
        values: dict[str, Any] = {"last_status": outcome.status, "last_error": outcome.error}
        if outcome.delivered:
            values.update(status="delivered", delivered_at=now, last_error=None)
        elif outcome.permanent or claim.attempts >= self.config.max_attempts:
            values.update(status="dead")
            log.warning(
                "notification %s to %s dead-lettered after %d attempts: %s",
                claim.id,
                claim.endpoint,
                claim.attempts,
                outcome.error,
            )
        else:
            with self._rng_lock:
                delay = backoff_delay(claim.attempts, self.config, self._rng)
            values.update(next_attempt_at=now + timedelta(seconds=delay))
            log.info(
                "notification %s to %s failed (attempt %d), retry in %.1f s: %s",
                claim.id,
                claim.endpoint,
                claim.attempts,
                delay,
                outcome.error,
            )
        with self.engine.begin() as conn:
            conn.execute(
                update(hub_deliveries)
                .where(hub_deliveries.c.id == claim.id, hub_deliveries.c.status == "pending")
                .values(**values)
            )
        return str(values.get("status", "pending"))

    def deliver(self, claim: _Claim) -> str:
        """Attempt and record one claimed delivery; return its new status."""
        return self.record(claim, self.attempt(claim))

    def next_due(self) -> datetime | None:
        """When the earliest pending delivery is due (``None``: nothing pending)."""
        with self.engine.connect() as conn:
            value = conn.execute(
                select(func.min(hub_deliveries.c.next_attempt_at)).where(
                    hub_deliveries.c.status == "pending"
                )
            ).scalar()
        return None if value is None else _aware(value)


# --- running both ------------------------------------------------------------------------------


class NotificationService:
    """The dispatcher and the deliverer, on a background thread or step by step.

    Parameters
    ----------
    engine
        The hub's database (migrated).
    settings
        Source of the allow-list and :class:`NotifyConfig` (default: the process settings).
    allow, config
        Override what ``settings`` would give.
    client
        HTTP client for the deliveries.
    resolver
        Host name resolution for the allow-list (tests).
    seed
        Seed of the retry jitter.
    is_subclass
        Class hierarchy for type topics (default: the cargo ontology).
    now
        The wall clock (tests move it forward).
    """

    def __init__(
        self,
        engine: Engine,
        settings: Settings | None = None,
        *,
        allow: AllowList | None = None,
        config: NotifyConfig | None = None,
        client: httpx.Client | None = None,
        resolver: Resolver | None = None,
        seed: int | None = None,
        is_subclass: Callable[[str, str], bool] | None = None,
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        settings = settings or get_settings()
        self.engine = engine
        self.config = config or NotifyConfig.from_settings(settings)
        self.allow = allow or AllowList.from_settings(settings, resolver=resolver)
        self._now = now
        self.dispatcher = Dispatcher(
            engine,
            gap_timeout_s=self.config.gap_timeout_s,
            batch=self.config.batch,
            is_subclass=is_subclass,
            now=now,
        )
        self.deliverer = Deliverer(
            engine, allow=self.allow, config=self.config, client=client, seed=seed, now=now
        )
        self._wake = threading.Event()
        self._deliver_wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._pool: ThreadPoolExecutor | None = None
        self._in_flight = 0
        self._flight_lock = threading.Lock()

    def wake(self) -> None:
        """Something was committed: look at the change feed now (commit listener)."""
        self._wake.set()

    def dispatch_all(self) -> int:
        """Run dispatcher passes until the feed is drained; return the changes read."""
        total = 0
        while True:
            read = self.dispatcher.run_once()
            total += read
            if read < self.config.batch:
                return total

    def run_until_idle(self, *, max_rounds: int = 1000) -> int:
        """Dispatch and deliver on this thread until nothing is due now.

        Deliveries whose retry lies in the future stay pending. Returns how many
        attempts were made.
        """
        attempts = 0
        for _ in range(max_rounds):
            self.dispatch_all()
            claims = self.deliverer.claim(self.config.concurrency)
            if not claims:
                return attempts
            for claim in claims:
                self.deliverer.deliver(claim)
                attempts += 1
        return attempts

    # --- background mode ---------------------------------------------------------------

    #: Shortest time between two dispatcher passes: a burst of commits is read in one
    #: pass (one write transaction) instead of one pass per commit.
    DISPATCH_INTERVAL_S = 0.05

    def start(self) -> None:
        """Start the background threads: pending deliveries resume at once."""
        if self._threads:
            return
        self._stop.clear()
        self._pool = ThreadPoolExecutor(
            max_workers=self.config.concurrency, thread_name_prefix="hub-notify-send"
        )
        self._threads = [
            threading.Thread(target=self._dispatch_loop, name="hub-notify-dispatch", daemon=True),
            threading.Thread(target=self._deliver_loop, name="hub-notify-deliver", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        self._wake.set()
        self._deliver_wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the attempts in flight (their outcome is recorded)."""
        if not self._threads:
            return
        self._stop.set()
        self._wake.set()
        self._deliver_wake.set()
        for thread in self._threads:
            thread.join(timeout)
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self._threads = []
        self.deliverer.close()

    @property
    def running(self) -> bool:
        """Whether the background threads run."""
        return bool(self._threads) and all(t.is_alive() for t in self._threads)

    def _send(self, claim: _Claim) -> None:
        try:
            self.deliverer.deliver(claim)
        except Exception:
            log.exception("recording notification %s failed (its lease will expire)", claim.id)
        finally:
            with self._flight_lock:
                self._in_flight -= 1
            self._deliver_wake.set()

    def _dispatch_loop(self) -> None:
        failures = 0
        while not self._stop.is_set():
            self._wake.wait(self.config.poll_s)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                if self.dispatch_all():
                    self._deliver_wake.set()
                failures = 0
            except Exception:
                failures += 1
                pause = min(self.config.poll_s * 2**failures, 30.0)
                log.exception("notification dispatcher pass failed; retrying in %.1f s", pause)
                self._stop.wait(pause)
            self._stop.wait(self.DISPATCH_INTERVAL_S)

    def _deliver_loop(self) -> None:
        failures = 0
        while not self._stop.is_set():
            self._deliver_wake.clear()
            wait = self.config.poll_s
            try:
                with self._flight_lock:
                    free = self.config.concurrency - self._in_flight
                if free > 0:
                    claims = self.deliverer.claim(free)
                    pool = self._pool
                    assert pool is not None
                    for claim in claims:
                        with self._flight_lock:
                            self._in_flight += 1
                        pool.submit(self._send, claim)
                    if len(claims) == free:
                        continue  # maybe more due: claim again when a slot frees
                    due = self.deliverer.next_due()
                    if due is not None:
                        left = (due - self._now()).total_seconds()
                        wait = min(wait, max(left, 0.01))
                failures = 0
            except Exception:
                failures += 1
                wait = min(self.config.poll_s * 2**failures, 30.0)
                log.exception("notification deliverer round failed; retrying in %.1f s", wait)
            self._deliver_wake.wait(wait)


def serve_notifications(
    settings: Settings | None = None,
    *,
    stop: threading.Event | None = None,
    engine: Engine | None = None,
) -> None:
    """Run the delivery engine in this process until ``stop`` is set (or SIGINT/SIGTERM).

    For deployments where the API processes run with ``hub_notify_run = false`` and one
    (or more: deliveries are leased, dispatching is idempotent) separate process delivers.
    Without the API's commit listener it finds new changes every ``hub_notify_poll_s``.
    """
    import signal

    from smartlogistics.db import make_engine

    settings = settings or get_settings()
    own = engine is None
    eng = make_engine(settings.database_url) if engine is None else engine
    done = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: done.set())
    service = NotificationService(eng, settings)
    service.start()
    log.info("notification delivery running (allow-list %s)", service.allow.describe())
    try:
        done.wait()
    finally:
        service.stop()
        if own:
            eng.dispose()


# --- inspection ----------------------------------------------------------------------------------


def pending_deliveries(engine: Engine) -> int:
    """Return the number of notifications not delivered yet (dead letters excluded)."""
    with engine.connect() as conn:
        value = conn.execute(
            select(func.count())
            .select_from(hub_deliveries)
            .where(hub_deliveries.c.status == "pending")
        ).scalar()
    return int(value or 0)


@dataclass(frozen=True, slots=True)
class DeliveryStats:
    """Counts of the outbox by status."""

    pending: int
    delivered: int
    dead: int

    def to_json(self) -> dict[str, int]:
        """Return the counts as plain JSON types."""
        return {"pending": self.pending, "delivered": self.delivered, "dead": self.dead}


def delivery_stats(engine: Engine) -> DeliveryStats:
    """Return how many deliveries are pending, delivered and dead."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(hub_deliveries.c.status, func.count()).group_by(hub_deliveries.c.status)
        ).all()
    counts = {str(r[0]): int(r[1]) for r in rows}
    return DeliveryStats(
        counts.get("pending", 0), counts.get("delivered", 0), counts.get("dead", 0)
    )


def requeue_dead(engine: Engine, *, subscription_id: str | None = None) -> int:
    """Put dead-lettered deliveries back in the queue (attempts reset); return how many."""
    stmt = update(hub_deliveries).where(hub_deliveries.c.status == "dead")
    if subscription_id is not None:
        stmt = stmt.where(hub_deliveries.c.subscription_id == subscription_id)
    with engine.begin() as conn:
        return int(
            conn.execute(
                stmt.values(status="pending", attempts=0, next_attempt_at=_utcnow())
            ).rowcount
        )
