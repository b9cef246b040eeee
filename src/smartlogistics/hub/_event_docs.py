"""Logistics event documents: from a request body to the stored form, and the list bodies.

- :func:`normalise_event` brings a ``cargo:LogisticsEvent`` of any JSON-LD form into the
  hub's compacted form with the server-assigned event URI as ``@id`` (a client's ``@id`` is
  not used: the server mints event URIs, logistics-events.md "Logistics Events URI"), via
  the PyLD-free fast path when the document is plain compacted ONE Record JSON-LD.
- :func:`check_event` validates it against the cargo ontology (the top node must be a
  ``LogisticsEvent``, every property allowed on it, datatypes and code lists right) and
  applies the specification's event rules: ``eventDate`` is required (a MUST), and the
  event is linked to exactly one logistics object.
- :func:`bind_event` sets ``eventFor`` to the one object and ``creationDate`` to the time
  the hub received the event. The cargo ontology defines ``creationDate`` as "DateTime at
  which the LogisticsEvent was posted", which only the receiving server knows, so the hub
  records it (a client-sent value is replaced) and the ``created-after/before`` filters and
  ``*-creationDate`` sorts use it.
- :func:`collection_body` and :func:`multi_status_body` build the ``api:Collection`` of an
  event list and the ``api:MultiStatusResponse`` of a multi-target creation, shaped as the
  specification's examples.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from smartlogistics.errors import InvalidInputError
from smartlogistics.hub._errors import TITLE_RESOURCE, Detail, HubError
from smartlogistics.hub._fastpath import fast_normalise
from smartlogistics.hub._validator import compact_name, validate_node
from smartlogistics.hub.jsonld import ONE_RECORD_CONTEXT
from smartlogistics.hub.ontology import CARGO, XSD, Ontology

__all__ = [
    "EVENT_CLASS",
    "EVENT_FOR",
    "TargetResult",
    "bind_event",
    "check_event",
    "collection_body",
    "event_code",
    "event_date",
    "event_targets",
    "event_type",
    "multi_status_body",
    "normalise_event",
]

EVENT_CLASS: Final = CARGO + "LogisticsEvent"
EVENT_FOR: Final = CARGO + "eventFor"
EVENT_DATE: Final = CARGO + "eventDate"
_FOR: Final = "cargo:eventFor"
_DATE: Final = "cargo:eventDate"
_CREATED: Final = "cargo:creationDate"
_CODE: Final = "cargo:eventCode"


def _without_root_id(doc: Any) -> Any:
    """Drop the client's ``@id`` of the root node (compacted or one-node expanded form)."""
    if isinstance(doc, Mapping) and "@graph" not in doc:
        return {k: v for k, v in doc.items() if k != "@id"}
    if isinstance(doc, list) and len(doc) == 1 and isinstance(doc[0], Mapping):
        return [{k: v for k, v in doc[0].items() if k != "@id"}]
    return doc


def normalise_event(doc: Any, event_uri: str) -> dict[str, Any]:
    """Return the compacted, normalised event with ``@id`` ``event_uri`` (400 on bad JSON-LD).

    Raises
    ------
    HubError
        400 for anything that is not one JSON-LD node.
    """
    if not isinstance(doc, Mapping | list):
        raise HubError(400, "the body must be a JSON-LD object (one cargo:LogisticsEvent)")
    if isinstance(doc, Mapping) and "@graph" in doc:
        raise HubError(400, "the body must not use @graph: send one event", property="@graph")
    stripped = _without_root_id(doc)
    body = fast_normalise(stripped, object_id=event_uri)
    if body is None:
        from smartlogistics.hub.jsonld import normalise

        try:
            body = normalise(stripped, object_id=event_uri)
        except InvalidInputError as exc:
            raise HubError(400, exc.problem, property=exc.field or None) from exc
    body["@id"] = event_uri
    return body


def _refs(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def event_targets(body: Mapping[str, Any]) -> list[str]:
    """Return the ``@id`` of every ``eventFor`` reference, in order, without repeats.

    Raises
    ------
    HubError
        400 when an ``eventFor`` value is not a reference (``{"@id": ...}``).
    """
    out: list[str] = []
    if _FOR not in body:
        return out
    for ref in _refs(body[_FOR]):
        ident = ref.get("@id") if isinstance(ref, Mapping) else None
        if not isinstance(ident, str) or not ident or ident.startswith(("_:", "internal:")):
            raise HubError(
                400,
                'cargo:eventFor must reference logistics objects by their URI ({"@id": ...})',
                title=TITLE_RESOURCE,
                property=EVENT_FOR,
            )
        if ident not in out:
            out.append(ident)
    return out


def check_event(body: Mapping[str, Any], ontology: Ontology) -> None:
    """Validate a normalised event; raise a 400 naming every problem.

    The rules: the top node is a ``cargo:LogisticsEvent``; the ontology accepts every
    property and value; ``cargo:eventDate`` is present (logistics-events.md: "Every
    Logistics Event MUST have a property eventDate").

    Raises
    ------
    HubError
        400 ``Invalid resource`` with one detail per problem (``hasProperty`` the property).
    """
    problems = validate_node(dict(body), ontology=ontology, expected=EVENT_CLASS)
    details = [Detail(f"{p.path}: {p.message}", p.property or p.name) for p in problems]
    if _DATE not in body:
        details.append(Detail("eventDate: a logistics event MUST have an eventDate", EVENT_DATE))
    if details:
        first, *rest = details
        raise HubError(
            400, first.message, title=TITLE_RESOURCE, property=first.property, details=rest
        )


def _timestamp(value: datetime) -> dict[str, str]:
    text = value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"@type": "xsd:dateTime", "@value": text}


def bind_event(
    body: Mapping[str, Any], *, object_uri: str, object_type: str, received_at: datetime
) -> dict[str, Any]:
    """Return the stored form: ``eventFor`` the one object, ``creationDate`` the receipt time.

    Keys are kept in the order :func:`normalise_event` produced, new ones appended.
    """
    out = dict(body)
    out[_FOR] = {"@id": object_uri, "@type": compact_name(object_type)}
    out[_CREATED] = _timestamp(received_at)
    return out


def event_date(body: Mapping[str, Any]) -> datetime:
    """Return the event's ``eventDate`` as an aware UTC datetime (no zone = UTC).

    Raises
    ------
    HubError
        400 when the value is not an ``xsd:dateTime``.
    """
    raw = body.get(_DATE)
    value = raw.get("@value") if isinstance(raw, Mapping) else raw
    try:
        if not isinstance(value, str):
            raise ValueError("not a string")
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise HubError(
            400,
            f"eventDate must be an xsd:dateTime, got {value!r}",
            title=TITLE_RESOURCE,
            property=EVENT_DATE,
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def event_code(body: Mapping[str, Any]) -> str | None:
    """Return the ``@id`` of the event's ``eventCode`` (full IRI), or ``None``."""
    raw = body.get(_CODE)
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    ident = raw.get("@id") if isinstance(raw, Mapping) else raw
    if not isinstance(ident, str):
        return None
    prefix, sep, rest = ident.partition(":")
    namespace = ONE_RECORD_CONTEXT.get(prefix) if sep and not rest.startswith("//") else None
    return namespace + rest if isinstance(namespace, str) else ident


def event_type(body: Mapping[str, Any], ontology: Ontology) -> str:
    """Return the most specific event class among the body's ``@type`` (full IRI).

    Stored events are ``cargo:LogisticsEvent`` or a subclass (validated on creation); that
    class is the fallback.
    """
    raw = body.get("@type")
    best = EVENT_CLASS
    for name in raw if isinstance(raw, list) else [raw]:
        if not isinstance(name, str):
            continue
        prefix, sep, rest = name.partition(":")
        namespace = ONE_RECORD_CONTEXT.get(prefix) if sep else None
        iri = namespace + rest if isinstance(namespace, str) else name
        if iri != best and ontology.is_subclass(iri, best):
            best = iri
    return best


def collection_body(
    endpoint: str, items: Sequence[Mapping[str, Any]], total: int
) -> dict[str, Any]:
    """Return the ``api:Collection`` of an event list (logistics-events.md, Example C1-C3).

    ``@id`` is the list endpoint; ``hasTotalItems`` counts every match regardless of
    ``limit``/``skip``; ``hasItem`` is absent for no item, the item itself for one, and a
    list for several (the specification's note on the Collection).
    """
    out: dict[str, Any] = {
        "@context": ONE_RECORD_CONTEXT,
        "@id": endpoint,
        "@type": "api:Collection",
        "api:hasTotalItems": total,
    }
    bodies = [{k: v for k, v in item.items() if k != "@context"} for item in items]
    if len(bodies) == 1:
        out["api:hasItem"] = bodies[0]
    elif bodies:
        out["api:hasItem"] = bodies
    return out


@dataclass(frozen=True, slots=True)
class TargetResult:
    """The outcome of a multi-target event creation for one logistics object.

    Attributes
    ----------
    object_uri
        The target (as the request named it).
    status
        201, 403 or 404.
    event_uri
        The event created for it (201 only).
    error
        The ``api:Error`` node (403/404 only).
    """

    object_uri: str
    status: int
    event_uri: str | None = None
    error: Mapping[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the ``api:EventCreationResult`` node."""
        node: dict[str, Any] = {
            "@id": f"internal:{uuid.uuid4()}",
            "@type": "api:EventCreationResult",
            "api:hasHTTPStatus": self.status,
            "api:hasLogisticsObject": {"@id": self.object_uri},
        }
        if self.event_uri is not None:
            node["api:hasLogisticsEvent"] = {"@id": self.event_uri}
        if self.error is not None:
            node["api:hasError"] = dict(self.error)
        return node


def multi_status_body(results: Iterable[TargetResult]) -> dict[str, Any]:
    """Return the ``api:MultiStatusResponse`` (MultipleEventsResponse_example1/2.json)."""
    nodes = list(results)
    created = sum(1 for r in nodes if r.status == 201)
    return {
        "@context": {"api": ONE_RECORD_CONTEXT["api"], "xsd": XSD},
        "@id": f"internal:{uuid.uuid4()}",
        "@type": "api:MultiStatusResponse",
        "api:hasTotalItems": len(nodes),
        "api:hasTotalCreated": created,
        "api:hasTotalFailed": len(nodes) - created,
        "api:hasCreationResult": [r.to_json() for r in nodes],
    }
