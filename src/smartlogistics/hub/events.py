"""Logistics events of the hub: append-only event stores per logistics object.

:class:`EventStore` is the events part of the hub's in-process API (the HTTP router
:mod:`smartlogistics.hub.events_api` calls it, and so may other parts, e.g. a customs
bridge posting its outcome back). It stands on the :class:`~smartlogistics.hub.store.
HubStore` of the same hub: its write transactions (so commit listeners wake the
notification dispatcher), its ids and its authorization.

Rules (logistics-events.md; ``docs/hub-events.md`` lists them with the tests):

- an event is created only for an existing logistics object (else 404) by an agent with
  ``POST_LOGISTICS_EVENT`` on it (else 403); it is read with ``GET_LOGISTICS_EVENT``;
- the server mints the event URI ``{object URI}/logistics-events/{uuid}``, sets
  ``eventFor`` to the one object and ``creationDate`` to the time it received the event;
  the event must be a valid ``cargo:LogisticsEvent`` with an ``eventDate`` (else 400);
- events are never changed or deleted: ``hub_events`` rows are only inserted (database
  triggers refuse UPDATE and DELETE), and no method here changes one;
- every new event is one ``hub_changes`` row ``LOGISTICS_EVENT_RECEIVED`` written in the same
  transaction, so its notification is exactly as durable as the event;
- a multi-target creation (:meth:`EventStore.append_to_many`) evaluates each target on its
  own (404, 403 or 201) and commits every created event in one transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import ColumnElement, Connection, bindparam, func, insert, or_, select

from smartlogistics.hub import acl
from smartlogistics.hub._errors import TITLE_RESOURCE, HubError
from smartlogistics.hub._event_docs import (
    EVENT_FOR,
    TargetResult,
    bind_event,
    check_event,
    event_code,
    event_date,
    event_targets,
    event_type,
    normalise_event,
)
from smartlogistics.hub._event_query import EventQuery
from smartlogistics.hub._tables import hub_events, hub_objects
from smartlogistics.hub.store import HubStore, ObjectMeta, record_change

__all__ = ["EVENT_RECEIVED", "EventList", "EventStore", "EventView"]

#: The ``hub_changes`` kind of a new event (api:NotificationEventType).
EVENT_RECEIVED: Final = "LOGISTICS_EVENT_RECEIVED"

# Statements built once: SQLAlchemy then reuses their cache keys and compiled forms, which
# is most of the cost of a small query in Python.
_SELECT_OBJECT: Final = select(hub_objects).where(hub_objects.c.id == bindparam("object_id"))
_INSERT_EVENT: Final = insert(hub_events)
_SELECT_EVENT: Final = select(hub_events).where(
    hub_events.c.object_id == bindparam("object_id"), hub_events.c.id == bindparam("event_id")
)
_NEWEST: Final = (
    select(hub_events.c.created_at)
    .where(hub_events.c.object_id == bindparam("object_id"))
    .order_by(hub_events.c.seq.desc())
    .limit(1)
)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _received(value: datetime) -> datetime:
    """Return the receipt time as stored: UTC, whole milliseconds (as ``creationDate``)."""
    moment = _utc(value)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


@dataclass(frozen=True, slots=True)
class EventView:
    """One stored logistics event.

    Attributes
    ----------
    id
        Local event id (last URI segment).
    uri
        The event URI.
    object_id, object_uri
        The logistics object the event is for.
    created_at
        When the hub received it (its ``creationDate``; also its ``Last-Modified``).
    created_by
        The agent that posted it.
    body
        The stored compacted JSON-LD (with ``@context``).
    type_iri
        The event's most specific class (full IRI), for the ``Type`` header.
    """

    id: str
    uri: str
    object_id: str
    object_uri: str
    created_at: datetime
    created_by: str
    body: dict[str, Any]
    type_iri: str

    def to_json(self) -> dict[str, Any]:
        """Return the event as plain JSON types."""
        return {
            "id": self.id,
            "uri": self.uri,
            "object_id": self.object_id,
            "object_uri": self.object_uri,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "type": self.type_iri,
            "body": self.body,
        }


@dataclass(frozen=True, slots=True)
class EventList:
    """A page of an object's events and what the list response needs.

    Attributes
    ----------
    endpoint
        The list's URI (``{object URI}/logistics-events``), the Collection's ``@id``.
    items
        The events of the page, in the requested order.
    total
        How many events match the filters, regardless of ``limit``/``skip``.
    last_modified
        When the object's event list last changed (the newest event's receipt; the
        object's creation when it has none).
    """

    endpoint: str
    items: tuple[EventView, ...]
    total: int
    last_modified: datetime


class EventStore:
    """The logistics events of one hub.

    Parameters
    ----------
    store
        The hub's store (engine, ids, ontology, write transactions, clock).
    """

    def __init__(self, store: HubStore) -> None:
        self.store = store
        self._postgres = store.engine.dialect.name == "postgresql"

    # -- helpers ----------------------------------------------------------------------------
    def _meta(self, conn: Connection, object_id: str) -> ObjectMeta | None:
        row = conn.execute(_SELECT_OBJECT, {"object_id": object_id}).first()
        if row is None:
            return None
        return ObjectMeta(
            row.id,
            row.uri,
            row.type_iri,
            row.owner,
            _utc(row.created_at),
            row.latest_revision,
            _utc(row.last_modified),
        )

    def _not_found(self, object_uri: str) -> HubError:
        return HubError(
            404,
            "Logistics Object with the specified URI could not be found.",
            title="Logistics Object not found",
            resource=object_uri,
        )

    def _existing(self, conn: Connection, object_id: str) -> ObjectMeta:
        meta = self._meta(conn, object_id)
        if meta is None:
            raise self._not_found(self.store.object_uri(object_id))
        return meta

    def _forbidden(self, meta: ObjectMeta, permission: str) -> HubError:
        name = permission.rsplit("#", 1)[-1]
        return HubError(
            403,
            f"The client does not hold {name} permission for this Logistics Object.",
            resource=meta.uri,
        )

    def _require(self, conn: Connection, meta: ObjectMeta, agent: str, permission: str) -> None:
        if not acl.can(conn, meta.id, agent, permission, owner=meta.owner):
            raise self._forbidden(meta, permission)

    def _view(self, row: Any, object_uri: str) -> EventView:
        return EventView(
            row.id,
            row.uri,
            row.object_id,
            object_uri,
            _utc(row.created_at),
            row.created_by,
            row.body,
            event_type(row.body, self.store.ontology),
        )

    def _insert(
        self,
        conn: Connection,
        meta: ObjectMeta,
        event_id: str,
        body: Mapping[str, Any],
        agent: str,
        now: datetime,
    ) -> EventView:
        stored = bind_event(body, object_uri=meta.uri, object_type=meta.type_iri, received_at=now)
        uri = stored["@id"]
        conn.execute(
            _INSERT_EVENT,
            {
                "id": event_id,
                "uri": uri,
                "object_id": meta.id,
                "event_code": event_code(stored),
                "event_date": event_date(stored),
                "created_at": now,
                "created_by": agent,
                "body": stored,
            },
        )
        record_change(
            conn,
            EVENT_RECEIVED,
            object_uri=meta.uri,
            object_type=meta.type_iri,
            event_uri=uri,
            created_at=now,
        )
        kind = event_type(stored, self.store.ontology)
        return EventView(event_id, uri, meta.id, meta.uri, now, agent, stored, kind)

    def event_uri(self, object_id: str, event_id: str) -> str:
        """Return the URI of event ``event_id`` of object ``object_id``."""
        return f"{self.store.object_uri(object_id)}/logistics-events/{event_id}"

    def prepare(self, doc: Any, object_id: str, event_id: str) -> dict[str, Any]:
        """Normalise and validate an event for one object (no database access).

        Raises
        ------
        HubError
            400 for malformed JSON-LD, an invalid event, or an ``eventFor`` naming
            another object than ``object_id``.
        """
        object_uri = self.store.object_uri(object_id)
        body = normalise_event(doc, self.event_uri(object_id, event_id))
        targets = event_targets(body)
        if targets and targets != [object_uri]:
            raise HubError(
                400,
                f"cargo:eventFor must be the logistics object of the endpoint ({object_uri}); "
                "use POST /logistics-events for several objects",
                title=TITLE_RESOURCE,
                property=EVENT_FOR,
            )
        check_event(body, self.store.ontology)
        event_date(body)
        return body

    # -- writes -----------------------------------------------------------------------------
    def append(self, object_id: str, doc: Any, agent: str) -> EventView:
        """Add a logistics event to an object's event store (committed on return).

        One transaction: the object must exist (404), the agent must hold
        ``POST_LOGISTICS_EVENT`` on it (403), the event must be valid (400); then the event
        and its ``LOGISTICS_EVENT_RECEIVED`` change are inserted and committed.

        Parameters
        ----------
        object_id
            The logistics object (local id).
        doc
            The ``cargo:LogisticsEvent`` in any JSON-LD form.
        agent
            Who posts it.

        Raises
        ------
        HubError
            404 unknown object, 403 without ``POST_LOGISTICS_EVENT``, 400 invalid event.
        """
        event_id = str(uuid.uuid4())
        with self.store.write() as conn:
            meta = self._existing(conn, object_id)
            self._require(conn, meta, agent, acl.POST_LOGISTICS_EVENT)
            body = self.prepare(doc, object_id, event_id)
            return self._insert(conn, meta, event_id, body, agent, _received(self.store.clock()))

    def append_work(
        self, object_id: str, doc: Any, agent: str
    ) -> tuple[Callable[[Connection], EventView], Exception | None]:
        """Split :meth:`append` for a shared commit: validate now, write in ``work(conn)``.

        Returns ``(work, invalid)``. ``invalid`` is the 400 the document earns (validation
        needs no database, so it runs here, before the caller joins a batch); the caller
        must still answer 404/403 first when the object is unknown or not writable, which
        ``work`` does before raising ``invalid``. ``work`` writes nothing when it raises
        and may run more than once (the event id and body are fixed here; the receipt
        time is taken when it runs).
        """
        event_id = str(uuid.uuid4())
        invalid: Exception | None = None
        body: dict[str, Any] = {}
        try:
            body = self.prepare(doc, object_id, event_id)
        except Exception as exc:
            invalid = exc

        def work(conn: Connection) -> EventView:
            meta = self._existing(conn, object_id)
            self._require(conn, meta, agent, acl.POST_LOGISTICS_EVENT)
            if invalid is not None:
                raise invalid
            return self._insert(conn, meta, event_id, body, agent, _received(self.store.clock()))

        return work, invalid

    def require_writable(self, object_id: str, agent: str) -> None:
        """Raise 404 for an unknown object, 403 without ``POST_LOGISTICS_EVENT`` on it."""
        with self.store.engine.connect() as conn:
            meta = self._existing(conn, object_id)
            self._require(conn, meta, agent, acl.POST_LOGISTICS_EVENT)

    def append_to_many(self, doc: Any, agent: str) -> list[TargetResult]:
        """Create one event per object in the document's ``eventFor`` (``POST /logistics-events``).

        Each target is evaluated on its own: an object that does not exist (or is not one
        of this hub's) is a 404 result, one the agent may not add events to a 403 result,
        every other gets its own event (201 result). All created events commit together.

        Raises
        ------
        HubError
            400 when the document is not a valid event or ``eventFor`` is missing/empty.
        """
        probe = normalise_event(doc, f"{self.store.base_url}/logistics-events/{uuid.uuid4()}")
        targets = event_targets(probe)
        if not targets:
            raise HubError(
                400,
                "The cargo:eventFor property is required and MUST contain at least one "
                "Logistics Object reference when using the POST /logistics-events endpoint.",
                title="Invalid Logistics Event",
                property=EVENT_FOR,
            )
        check_event(probe, self.store.ontology)
        event_date(probe)
        local = {uri: self.store.object_id_of(uri) for uri in targets}
        bodies: dict[str, tuple[str, dict[str, Any]]] = {}
        for uri, object_id in local.items():
            if object_id is not None:
                event_id = str(uuid.uuid4())
                bodies[uri] = (event_id, normalise_event(doc, self.event_uri(object_id, event_id)))
        results: list[TargetResult] = []
        with self.store.write() as conn:
            now = _received(self.store.clock())
            for uri in targets:
                object_id = local[uri]
                meta = None if object_id is None else self._meta(conn, object_id)
                if meta is None:
                    error = self._not_found(uri)
                    results.append(TargetResult(uri, 404, error=error.to_error()))
                    continue
                if not acl.can(conn, meta.id, agent, acl.POST_LOGISTICS_EVENT, owner=meta.owner):
                    error = self._forbidden(meta, acl.POST_LOGISTICS_EVENT)
                    results.append(TargetResult(uri, 403, error=error.to_error()))
                    continue
                event_id, body = bodies[uri]
                view = self._insert(conn, meta, event_id, body, agent, now)
                results.append(TargetResult(uri, 201, event_uri=view.uri))
        return results

    # -- reads ------------------------------------------------------------------------------
    def get(self, object_id: str, event_id: str, agent: str) -> EventView:
        """Return one event of an object.

        Raises
        ------
        HubError
            404 unknown object or event, 403 without ``GET_LOGISTICS_EVENT``.
        """
        with self.store.engine.connect() as conn:
            meta = self._existing(conn, object_id)
            self._require(conn, meta, agent, acl.GET_LOGISTICS_EVENT)
            row = conn.execute(
                _SELECT_EVENT, {"object_id": object_id, "event_id": event_id}
            ).first()
        if row is None:
            raise HubError(
                404,
                "Logistics Event with the specified URI could not be found.",
                title="Logistics Event not found",
                resource=self.event_uri(object_id, event_id),
            )
        return self._view(row, meta.uri)

    def _contains(self, text: str) -> ColumnElement[bool]:
        column = hub_events.c.event_code
        found = func.strpos(column, text) if self._postgres else func.instr(column, text)
        return found > 0

    def _filters(self, object_id: str, query: EventQuery) -> list[ColumnElement[bool]]:
        c = hub_events.c
        conditions: list[ColumnElement[bool]] = [c.object_id == object_id]
        if query.event_codes:
            conditions.append(or_(*(self._contains(code) for code in query.event_codes)))
        if query.created_after is not None:
            conditions.append(c.created_at > query.created_after)
        if query.created_before is not None:
            conditions.append(c.created_at < query.created_before)
        if query.occurred_after is not None:
            conditions.append(c.event_date > query.occurred_after)
        if query.occurred_before is not None:
            conditions.append(c.event_date < query.occurred_before)
        return conditions

    def list(self, object_id: str, query: EventQuery, agent: str) -> EventList:
        """Return the object's events matching ``query`` (filters, order, page).

        Raises
        ------
        HubError
            404 unknown object, 403 without ``GET_LOGISTICS_EVENT``.
        """
        c = hub_events.c
        columns = {"creationDate": c.created_at, "eventDate": c.event_date}
        order = [columns[f].desc() if desc else columns[f].asc() for f, desc in query.sort]
        with self.store.engine.connect() as conn:
            meta = self._existing(conn, object_id)
            self._require(conn, meta, agent, acl.GET_LOGISTICS_EVENT)
            conditions = self._filters(object_id, query)
            total = int(conn.execute(select(func.count()).where(*conditions)).scalar_one())
            page: Sequence[Any] = []
            if query.limit != 0 and query.skip < total:
                statement = (
                    select(hub_events)
                    .where(*conditions)
                    .order_by(*order, c.seq)
                    .offset(query.skip)
                    .limit(query.limit)
                )
                page = conn.execute(statement).all()
            newest = conn.execute(_NEWEST, {"object_id": object_id}).scalar()
        return EventList(
            endpoint=f"{meta.uri}/logistics-events",
            items=tuple(self._view(row, meta.uri) for row in page),
            total=total,
            last_modified=meta.created_at if newest is None else _utc(newest),
        )
