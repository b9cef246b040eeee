"""Reading ``api:Subscription`` and ``api:Notification`` documents into checked values.

Both arrive as JSON-LD of any form; they are normalised to the hub's compacted form (the
fast path for plain compacted ONE Record JSON-LD, PyLD otherwise), validated against the
API ontology (:func:`~smartlogistics.hub._validator.validate_node`) and then read field by
field. Every refusal is a 400 :class:`~smartlogistics.hub._errors.HubError` naming the
property, as the specification's ``Error`` examples do.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import urlsplit

from smartlogistics.errors import InvalidInputError
from smartlogistics.hub._errors import Detail, HubError
from smartlogistics.hub.ontology import API, CARGO, Ontology

__all__ = [
    "NOTIFICATION_EVENT_TYPES",
    "SUBSCRIPTION_EVENT_TYPES",
    "TOPIC_TYPES",
    "NotificationDoc",
    "SubscriptionDoc",
    "normalise_api_object",
    "parse_notification",
    "parse_subscription",
    "parse_topic_type",
]

TOPIC_TYPES: Final = ("LOGISTICS_OBJECT_IDENTIFIER", "LOGISTICS_OBJECT_TYPE")
SUBSCRIPTION_EVENT_TYPES: Final = (
    "LOGISTICS_OBJECT_CREATED",
    "LOGISTICS_OBJECT_UPDATED",
    "LOGISTICS_EVENT_RECEIVED",
)
#: The two event types of notifications.md (2.2.0) that the 2.3.0 API ontology file lacks.
_SPEC_ONLY_EVENT_TYPES: Final = ("LOGISTICS_OBJECT_AVAILABLE", "LOGISTICS_OBJECT_ACCESS_GRANTED")
NOTIFICATION_EVENT_TYPES: Final = frozenset(
    {
        *SUBSCRIPTION_EVENT_TYPES,
        *_SPEC_ONLY_EVENT_TYPES,
        *(
            f"{p}_{s}"
            for p in ("CHANGE_REQUEST", "SUBSCRIPTION_REQUEST", "ACCESS_DELEGATION_REQUEST")
            for s in ("PENDING", "ACCEPTED", "REJECTED", "FAILED", "REVOKED")
        ),
        *(
            f"VERIFICATION_REQUEST_{s}"
            for s in ("PENDING", "ACKNOWLEDGED", "REJECTED", "FAILED", "REVOKED")
        ),
    }
)
_TITLE_RESOURCE: Final = "Invalid resource"
SUBSCRIPTION: Final = API + "Subscription"
NOTIFICATION: Final = API + "Notification"


def _bad(message: str, prop: str | None, *, title: str | None = None) -> HubError:
    return HubError(400, message, property=prop, title=title or _TITLE_RESOURCE)


def normalise_api_object(
    doc: Any, *, ontology: Ontology, expected: str, root_id: str
) -> dict[str, Any]:
    """Normalise and validate an API object (``api:Subscription``, ``api:Notification``).

    Parameters
    ----------
    doc
        The request body (any JSON-LD form).
    ontology
        The lookup tables.
    expected
        The class IRI the root must be.
    root_id
        The ``@id`` to give a root that has none.

    Raises
    ------
    HubError
        400 naming the property for malformed JSON-LD, a refused remote context, a wrong
        class or anything the ontology does not allow.
    """
    from smartlogistics.hub._fastpath import fast_normalise
    from smartlogistics.hub._validator import validate_node

    if not isinstance(doc, Mapping):
        raise _bad("the body must be one JSON-LD object", None)
    if "@graph" in doc:
        raise _bad("the body must not use @graph: send one object", "@graph")
    body = fast_normalise(doc, object_id=root_id)
    if body is None:
        from smartlogistics.hub.jsonld import normalise

        try:
            body = normalise(doc, object_id=root_id)
        except InvalidInputError as exc:
            raise _bad(exc.problem, exc.field or None) from exc
    try:
        problems = validate_node(body, ontology=ontology, expected=expected)
    except InvalidInputError as exc:  # pragma: no cover - normalised bodies are plain
        raise _bad(exc.problem, exc.field or None) from exc
    problems = [
        p
        for p in problems
        if not (
            p.property == API + "hasEventType"
            and any(t in p.message for t in _SPEC_ONLY_EVENT_TYPES)
        )
    ]
    if problems:
        first, *rest = problems
        raise HubError(
            400,
            f"{first.path}: {first.message}",
            title=_TITLE_RESOURCE,
            property=first.property or first.name,
            details=[Detail(f"{p.path}: {p.message}", p.property or p.name) for p in rest],
        )
    return body


def _values(body: Mapping[str, Any], name: str) -> list[Any]:
    raw = body.get(f"api:{name}", body.get(API + name))
    if raw is None:
        return []
    return list(raw) if isinstance(raw, list) else [raw]


def _scalar(value: Any) -> Any:
    if isinstance(value, Mapping):
        if "@value" in value:
            return value["@value"]
        if "@id" in value:
            return value["@id"]
    return value


def _iri(value: Any) -> str | None:
    """Expand an ``api:``/``cargo:`` compact IRI; ``None`` for non-strings."""
    value = _scalar(value)
    if not isinstance(value, str):
        return None
    if value.startswith("api:"):
        return API + value[4:]
    if value.startswith("cargo:"):
        return CARGO + value[6:]
    return value


def _one(body: Mapping[str, Any], name: str, *, required: bool) -> Any:
    values = _values(body, name)
    if not values:
        if required:
            raise _bad(f"api:{name} is required", API + name)
        return None
    if len(values) > 1:
        raise _bad(f"api:{name} takes one value, got {len(values)}", API + name)
    return values[0]


def _absolute_uri(text: Any, prop: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise _bad(f"api:{prop} must be a URI", API + prop)
    parts = urlsplit(text.strip())
    if not parts.scheme or not (parts.netloc or parts.scheme in ("urn", "internal")):
        raise _bad(f"api:{prop} must be an absolute URI, got {text!r}", API + prop)
    return text.strip()


def _bool(body: Mapping[str, Any], name: str) -> bool:
    value = _scalar(_one(body, name, required=False))
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _bad(f"api:{name} must be a boolean, got {value!r}", API + name)


def _datetime(value: Any, prop: str) -> datetime:
    text = _scalar(value)
    if not isinstance(text, str):
        raise _bad(f"api:{prop} must be an xsd:dateTime", API + prop)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _bad(f"api:{prop} must be an xsd:dateTime, got {text!r}", API + prop) from None
    if moment.tzinfo is None:
        raise _bad(f"api:{prop} must carry a time zone (e.g. Z), got {text!r}", API + prop)
    return moment.astimezone(UTC)


def parse_topic_type(value: str | None, prop: str = "topicType") -> str:
    """Return the TopicType local name of a full IRI, ``api:`` name, ``/`` form or short name.

    Raises
    ------
    HubError
        400 when it is none of the two topic types.
    """
    text = (value or "").strip()
    for prefix in (API, "https://onerecord.iata.org/ns/api/", "api:"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    if text not in TOPIC_TYPES:
        raise HubError(
            400,
            f"{prop} must be {API}LOGISTICS_OBJECT_TYPE or {API}LOGISTICS_OBJECT_IDENTIFIER, "
            f"got {value!r}",
            title="Invalid query parameter request" if prop == "topicType" else _TITLE_RESOURCE,
            property=prop if prop == "topicType" else API + "hasTopicType",
        )
    return text


@dataclass(frozen=True, slots=True)
class SubscriptionDoc:
    """A checked ``api:Subscription`` (all IRIs full).

    Attributes
    ----------
    iri
        Its ``@id`` (the subscriber's, or one the hub gave it).
    subscriber
        ``hasSubscriber``: the Organization to notify.
    topic_type
        ``LOGISTICS_OBJECT_IDENTIFIER`` or ``LOGISTICS_OBJECT_TYPE``.
    topic
        The object URI or the class IRI.
    event_types
        ``includeSubscriptionEventType`` local names (at least one).
    content_types
        ``hasContentType`` values.
    send_body, notify_status_change
        ``sendLogisticsObjectBody`` and ``notifyRequestStatusChange``.
    description
        ``hasDescription``.
    expires_at
        ``expiresAt``: no notification for changes from then on.
    body
        The normalised document (stored with the SubscriptionRequest).
    """

    iri: str
    subscriber: str
    topic_type: str
    topic: str
    event_types: tuple[str, ...]
    content_types: tuple[str, ...]
    send_body: bool
    notify_status_change: bool
    description: str | None
    expires_at: datetime | None
    body: dict[str, Any]


def parse_subscription(doc: Any, *, ontology: Ontology) -> SubscriptionDoc:
    """Check a Subscription request body (POST /subscriptions) and read its fields.

    Raises
    ------
    HubError
        400 naming the property that is missing, repeated or invalid.
    """
    body = normalise_api_object(
        doc, ontology=ontology, expected=SUBSCRIPTION, root_id=f"internal:{uuid.uuid4()}"
    )
    body.pop("@context", None)
    subscriber = _absolute_uri(_iri(_one(body, "hasSubscriber", required=True)), "hasSubscriber")
    topic_type = parse_topic_type(_iri(_one(body, "hasTopicType", required=True)), "hasTopicType")
    topic = _absolute_uri(_scalar(_one(body, "hasTopic", required=True)), "hasTopic")
    events: list[str] = []
    for value in _values(body, "includeSubscriptionEventType"):
        iri = _iri(value) or ""
        name = iri[len(API) :] if iri.startswith(API) else iri
        if name not in SUBSCRIPTION_EVENT_TYPES:
            raise _bad(
                f"api:includeSubscriptionEventType must be one of "
                f"{', '.join(SUBSCRIPTION_EVENT_TYPES)}, got {iri!r}",
                API + "includeSubscriptionEventType",
            )
        if name not in events:
            events.append(name)
    if not events:
        raise _bad(
            "api:includeSubscriptionEventType needs at least one event type",
            API + "includeSubscriptionEventType",
        )
    content_types = tuple(str(_scalar(v)) for v in _values(body, "hasContentType"))
    if content_types and not any(
        c.split(";")[0].strip().lower() in ("application/ld+json", "application/json")
        for c in content_types
    ):
        raise _bad(
            "api:hasContentType: this publisher sends application/ld+json only, "
            f"not {', '.join(content_types)}",
            API + "hasContentType",
        )
    expires = _one(body, "expiresAt", required=False)
    description = _scalar(_one(body, "hasDescription", required=False))
    return SubscriptionDoc(
        iri=str(body["@id"]),
        subscriber=subscriber,
        topic_type=topic_type,
        topic=topic,
        event_types=tuple(events),
        content_types=content_types,
        send_body=_bool(body, "sendLogisticsObjectBody"),
        notify_status_change=_bool(body, "notifyRequestStatusChange"),
        description=None if description is None else str(description),
        expires_at=None if expires is None else _datetime(expires, "expiresAt"),
        body=body,
    )


@dataclass(frozen=True, slots=True)
class NotificationDoc:
    """A checked ``api:Notification`` as received (POST /notifications).

    Attributes
    ----------
    notification_id
        Its ``@id``; a fresh ``urn:uuid:`` when the publisher sent none (then it cannot be
        de-duplicated).
    has_id
        Whether the publisher gave the ``@id``.
    event_type
        ``hasEventType`` local name.
    object_uri, object_type, event_uri, action_request_uri
        ``hasLogisticsObject``, ``hasLogisticsObjectType``, the first
        ``hasLogisticsEvent``, ``isTriggeredBy``.
    changed_properties
        ``hasChangedProperty`` IRIs.
    body
        The normalised notification.
    """

    notification_id: str
    has_id: bool
    event_type: str
    object_uri: str | None
    object_type: str | None
    event_uri: str | None
    action_request_uri: str | None
    changed_properties: tuple[str, ...]
    body: dict[str, Any]


def parse_notification(doc: Any, *, ontology: Ontology) -> NotificationDoc:
    """Check a received Notification and read its fields.

    Raises
    ------
    HubError
        400 naming the property for an invalid notification.
    """
    fresh = f"urn:uuid:{uuid.uuid4()}"
    body = normalise_api_object(doc, ontology=ontology, expected=NOTIFICATION, root_id=fresh)
    has_id = body["@id"] != fresh
    event = _iri(_one(body, "hasEventType", required=True)) or ""
    name = event[len(API) :] if event.startswith(API) else event
    if name not in NOTIFICATION_EVENT_TYPES:
        raise _bad(
            f"api:hasEventType {event!r} is not a NotificationEventType", API + "hasEventType"
        )
    obj = _one(body, "hasLogisticsObject", required=False)
    obj_type = _one(body, "hasLogisticsObjectType", required=False)
    trigger = _one(body, "isTriggeredBy", required=False)
    events = _values(body, "hasLogisticsEvent")
    props = tuple(str(_iri(v)) for v in _values(body, "hasChangedProperty") if _iri(v))
    return NotificationDoc(
        notification_id=str(body["@id"]),
        has_id=has_id,
        event_type=name,
        object_uri=_iri(obj),
        object_type=_iri(obj_type),
        event_uri=_iri(events[0]) if events else None,
        action_request_uri=_iri(trigger),
        changed_properties=props,
        body=body,
    )
