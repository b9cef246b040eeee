"""The hub's transactional service layer: logistics objects, action requests, the outbox.

:class:`HubStore` is the hub's in-process API. The HTTP routers call it, and so do other
parts of the platform (the digital twin, the SmartGate bridge) without HTTP. Every write
is one database transaction that also appends its ``hub_changes`` rows (the notification
outbox, :func:`record_change`), so a change is durable exactly when its notification is;
a method returns only after the commit, so whatever a 201/204 acknowledges is stored.

Rules implemented here (``docs/hub-api.md`` lists them with the specification text):

- objects are validated fully (JSON-LD form, ontology) *before* anything is written; their
  revisions are immutable rows and objects are never deleted;
- a PATCH becomes an ``api:ChangeRequest`` (``REQUEST_PENDING``); when the requester is
  the holder it is accepted and applied at once (action-requests.md: "SHOULD be accepted
  and processed directly"); application is atomic against the revision the Change names
  (stale → ``REQUEST_FAILED`` with a 409 error, as ``ChangeRequest_with_error.json``); on
  acceptance the other pending change requests on that revision are rejected (a MUST);
- the action-request state machine of action-requests.md (see :data:`TRANSITIONS`);
- writers are serialised: one in-process lock on SQLite (single writer anyway), row locks
  and a transaction advisory lock around the outbox on PostgreSQL so ``hub_changes.seq``
  grows in commit order.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import Connection, Engine, and_, bindparam, insert, select, text, update

from smartlogistics.errors import InvalidInputError
from smartlogistics.hub import acl
from smartlogistics.hub._errors import Detail, HubError
from smartlogistics.hub._fastpath import fast_normalise
from smartlogistics.hub._patch import (
    Change,
    ChangeFailedError,
    apply_change,
    change_to_jsonld,
    check_subjects,
    parse_change,
)
from smartlogistics.hub._tables import (
    hub_action_requests,
    hub_changes,
    hub_object_revisions,
    hub_objects,
)
from smartlogistics.hub._validator import compact_name
from smartlogistics.hub.jsonld import ONE_RECORD_CONTEXT
from smartlogistics.hub.ontology import API, CARGO, LOGISTICS_OBJECT, Ontology

__all__ = [
    "ACCESS_DELEGATION_REQUEST",
    "CHANGE_REQUEST",
    "NOTIFICATION_KINDS",
    "STATUSES",
    "SUBSCRIPTION_REQUEST",
    "TRANSITIONS",
    "VERIFICATION_REQUEST",
    "ActionHandler",
    "ActionRequestView",
    "HubStore",
    "ObjectMeta",
    "ObjectView",
    "record_change",
]

CHANGE_REQUEST: Final = API + "ChangeRequest"
SUBSCRIPTION_REQUEST: Final = API + "SubscriptionRequest"
ACCESS_DELEGATION_REQUEST: Final = API + "AccessDelegationRequest"
VERIFICATION_REQUEST: Final = API + "VerificationRequest"
_REQUEST_TYPES: Final = (
    CHANGE_REQUEST,
    SUBSCRIPTION_REQUEST,
    ACCESS_DELEGATION_REQUEST,
    VERIFICATION_REQUEST,
)
PENDING: Final = API + "REQUEST_PENDING"
ACCEPTED: Final = API + "REQUEST_ACCEPTED"
REJECTED: Final = API + "REQUEST_REJECTED"
FAILED: Final = API + "REQUEST_FAILED"
REVOKED: Final = API + "REQUEST_REVOKED"
ACKNOWLEDGED: Final = API + "REQUEST_ACKNOWLEDGED"
STATUSES: Final = (PENDING, ACCEPTED, REJECTED, FAILED, REVOKED, ACKNOWLEDGED)

#: Allowed status transitions per request type (action-requests.md state diagrams).
TRANSITIONS: Final[Mapping[str, Mapping[str, frozenset[str]]]] = {
    CHANGE_REQUEST: {
        PENDING: frozenset({ACCEPTED, REJECTED, REVOKED}),
        ACCEPTED: frozenset({FAILED}),
    },
    SUBSCRIPTION_REQUEST: {
        PENDING: frozenset({ACCEPTED, REJECTED, REVOKED}),
        ACCEPTED: frozenset({FAILED, REVOKED}),
    },
    ACCESS_DELEGATION_REQUEST: {
        PENDING: frozenset({ACCEPTED, REJECTED, REVOKED}),
        ACCEPTED: frozenset({FAILED, REVOKED}),
    },
    VERIFICATION_REQUEST: {
        PENDING: frozenset({ACKNOWLEDGED, REJECTED, REVOKED, FAILED}),
    },
}

#: The API ontology's NotificationEventType local names (``hub_changes.kind`` values).
NOTIFICATION_KINDS: Final = frozenset(
    {
        "LOGISTICS_OBJECT_CREATED",
        "LOGISTICS_OBJECT_UPDATED",
        "LOGISTICS_EVENT_RECEIVED",
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
_KIND_PREFIX: Final = {
    CHANGE_REQUEST: "CHANGE_REQUEST",
    SUBSCRIPTION_REQUEST: "SUBSCRIPTION_REQUEST",
    ACCESS_DELEGATION_REQUEST: "ACCESS_DELEGATION_REQUEST",
    VERIFICATION_REQUEST: "VERIFICATION_REQUEST",
}
_SERVER_MANAGED: Final = ("api:hasRevision", "api:hasLatestRevision", API + "hasRevision")
_MAX_EMBED_DEPTH: Final = 8


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime) -> datetime:
    """Database datetimes as aware UTC (SQLite returns them naive)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _dt_literal(value: datetime) -> dict[str, str]:
    return {
        "@type": "xsd:dateTime",
        "@value": _utc(value).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


_INSERT_CHANGE: Final = insert(hub_changes)
# Statements built once (SQLAlchemy reuses their cache keys and compiled forms).
_INSERT_OBJECT: Final = insert(hub_objects)
_INSERT_REVISION: Final = insert(hub_object_revisions)
_EXISTING_IDS: Final = select(hub_objects.c.id).where(
    hub_objects.c.id.in_(bindparam("ids", expanding=True))
)
_SELECT_OBJECT: Final = select(hub_objects).where(hub_objects.c.id == bindparam("object_id"))
_SELECT_OBJECT_LOCKED: Final = _SELECT_OBJECT.with_for_update()
_REVISION_COLUMNS: Final = select(
    hub_object_revisions.c.revision,
    hub_object_revisions.c.body,
    hub_object_revisions.c.created_at,
).where(hub_object_revisions.c.object_id == bindparam("object_id"))
_SELECT_REVISION: Final = _REVISION_COLUMNS.where(
    hub_object_revisions.c.revision == bindparam("revision")
)
_SELECT_REVISION_AT: Final = (
    _REVISION_COLUMNS.where(hub_object_revisions.c.created_at <= bindparam("at"))
    .order_by(hub_object_revisions.c.revision.desc())
    .limit(1)
)


def record_change(
    conn: Connection,
    kind: str,
    *,
    object_uri: str,
    object_type: str,
    revision: int | None = None,
    event_uri: str | None = None,
    action_request_uri: str | None = None,
    changed_properties: Sequence[str] = (),
    created_at: datetime | None = None,
) -> None:
    """Append one row to the ``hub_changes`` outbox in the caller's transaction.

    Parameters
    ----------
    conn
        The connection of the transaction that makes the change (the row commits with it).
    kind
        A :data:`NOTIFICATION_KINDS` name, e.g. ``LOGISTICS_EVENT_RECEIVED``.
    object_uri, object_type
        The logistics object concerned and its full type IRI (for action requests without
        an object: the request's URI and type).
    revision, event_uri, action_request_uri, changed_properties
        As the ``hub_changes`` columns.
    created_at
        Default now (UTC).

    Raises
    ------
    ValueError
        For a ``kind`` that is not a NotificationEventType.
    """
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"not a NotificationEventType: {kind!r}")
    if conn.dialect.name == "postgresql":
        # serialise outbox writers until commit, so seq order is commit order
        conn.execute(text("SELECT pg_advisory_xact_lock(727274)"))
    conn.execute(
        _INSERT_CHANGE,
        {
            "kind": kind,
            "object_uri": object_uri,
            "object_type": object_type,
            "revision": revision,
            "event_uri": event_uri,
            "action_request_uri": action_request_uri,
            "changed_properties": list(changed_properties),
            "created_at": created_at or _now(),
        },
    )


@dataclass(frozen=True, slots=True)
class ObjectMeta:
    """A logistics object's row: id, URI, most specific type, holder, revision, times."""

    id: str
    uri: str
    type_iri: str
    owner: str
    created_at: datetime
    latest_revision: int
    last_modified: datetime


@dataclass(frozen=True, slots=True)
class ObjectView:
    """One revision of an object as served: body with ``hasRevision``/``hasLatestRevision``."""

    meta: ObjectMeta
    revision: int
    modified_at: datetime
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ActionRequestView:
    """An action request as stored, and its ``api`` JSON-LD document (:attr:`body`)."""

    id: str
    uri: str
    type_iri: str
    status: str
    status_since: datetime
    object_id: str | None
    requested_by: str
    requested_at: datetime
    payload: dict[str, Any]
    errors: list[dict[str, Any]]
    history: list[dict[str, Any]]
    revoked_by: str | None
    revoked_at: datetime | None
    applied_revision: int | None
    body: dict[str, Any]

    @property
    def last_modified(self) -> datetime:
        """When the request last changed (its current status applies since then)."""
        return self.status_since


#: Called inside the transaction: ``handler(conn, request, transition)`` with transition
#: ``"created"``, ``"accepted"``, ``"rejected"`` or ``"revoked"``. Raising
#: :class:`~smartlogistics.hub._errors.HubError` on ``"accepted"`` fails the request.
ActionHandler = Callable[[Connection, ActionRequestView, str], None]


def _strip_server_managed(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in _SERVER_MANAGED}


def _types(body: Mapping[str, Any]) -> list[str]:
    raw = body.get("@type")
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for t in items:
        if isinstance(t, str):
            if t.startswith("cargo:"):
                out.append(CARGO + t[6:])
            elif t.startswith("api:"):
                out.append(API + t[4:])
            else:
                out.append(t)
    return out


class HubStore:
    """Logistics objects and action requests of one hub, on one database.

    Parameters
    ----------
    engine
        The database (migrated to the head revision).
    base_url
        Base of every id: ``{base_url}/logistics-objects/{id}``, ``.../action-requests/{id}``.
    data_holder
        Organization URI of the server's data holder (holder of requests without an object).
    ontology
        The lookup tables; default :func:`~smartlogistics.hub.ontology.load_ontology`.
    clock
        Source of "now" (UTC), for tests.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        base_url: str,
        data_holder: str | None = None,
        ontology: Ontology | None = None,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.engine = engine
        self.base_url = base_url.rstrip("/")
        self.data_holder = data_holder or f"{self.base_url}/logistics-objects/data-holder"
        if ontology is None:
            from smartlogistics.hub.ontology import load_ontology

            ontology = load_ontology()
        self.ontology = ontology
        self.clock = clock
        self._handlers: dict[str, list[ActionHandler]] = {}
        self._listeners: list[Callable[[], None]] = []
        self._sqlite = engine.dialect.name == "sqlite"
        self._write_lock = threading.Lock()

    # -- ids --------------------------------------------------------------------------------
    def object_uri(self, object_id: str) -> str:
        """Return the logistics object URI of a local id."""
        return f"{self.base_url}/logistics-objects/{object_id}"

    def action_request_uri(self, request_id: str) -> str:
        """Return the action request URI of a local id."""
        return f"{self.base_url}/action-requests/{request_id}"

    def object_id_of(self, uri: str) -> str | None:
        """Return the local id of a logistics object URI of this hub, else ``None``."""
        prefix = f"{self.base_url}/logistics-objects/"
        if not uri.startswith(prefix):
            return None
        rest = uri[len(prefix) :]
        if not rest or "/" in rest or "?" in rest or "#" in rest:
            return None
        return rest

    # -- hooks ------------------------------------------------------------------------------
    def register_action_handler(self, type_iri: str, handler: ActionHandler) -> None:
        """Call ``handler`` when an action request of ``type_iri`` changes state."""
        self._handlers.setdefault(type_iri, []).append(handler)

    def add_commit_listener(self, fn: Callable[[], None]) -> None:
        """Call ``fn()`` after every commit that wrote ``hub_changes`` rows."""
        self._listeners.append(fn)

    def _notify(self) -> None:
        for fn in list(self._listeners):
            try:
                fn()
            except Exception:  # a listener must not turn a committed write into an error
                import logging

                logging.getLogger(__name__).exception("commit listener failed")

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """Open a write transaction; commit listeners run after it commits.

        Other hub modules (events) use it so their outbox rows wake the dispatcher too.
        """
        lock = self._write_lock if self._sqlite else nullcontext()
        with lock, self.engine.begin() as conn:
            yield conn
        self._notify()

    # -- validation -------------------------------------------------------------------------
    def normalise_object(self, doc: Any, object_id: str) -> dict[str, Any]:
        """Return the stored form of a logistics object document, or raise a 400.

        The fast path (:func:`~smartlogistics.hub._fastpath.fast_normalise`) handles plain
        compacted ONE Record JSON-LD; everything else goes through PyLD. The result is
        validated against the ontology; ``hasRevision``/``hasLatestRevision`` are removed
        (the server manages them).
        """
        from smartlogistics.hub._validator import validate_logistics_object

        if isinstance(doc, Mapping) and "@graph" in doc:
            raise HubError(
                400,
                "the body must not use @graph: send one logistics object",
                property="@graph",
            )
        body = fast_normalise(doc, object_id=object_id)
        if body is None:
            from smartlogistics.hub.jsonld import normalise

            try:
                body = normalise(doc, object_id=object_id)
            except InvalidInputError as exc:
                raise HubError(400, exc.problem, property=exc.field or None) from exc
        problems = validate_logistics_object(body, ontology=self.ontology)
        if problems:
            first, *rest = problems
            raise HubError(
                400,
                f"{first.path}: {first.message}",
                title="Invalid resource",
                property=first.property or first.name,
                details=[Detail(f"{p.path}: {p.message}", p.property or p.name) for p in rest],
            )
        return _strip_server_managed(body)

    def _most_specific(self, body: Mapping[str, Any]) -> str:
        types = [t for t in _types(body) if t in self.ontology.classes]
        if not types:
            raise HubError(400, "the object has no known @type", property="@type")
        best = types[0]
        for t in types[1:]:
            if self.ontology.is_subclass(t, best):
                best = t
        return best

    # -- objects ----------------------------------------------------------------------------
    def _prepare(self, doc: Any) -> tuple[str, str, dict[str, Any]]:
        given = doc.get("@id") if isinstance(doc, Mapping) else None
        if isinstance(given, str) and given.strip():
            object_id = self.object_id_of(given.strip())
            if object_id is None:
                raise HubError(
                    400,
                    f"@id {given.strip()!r} is not a logistics object URI of this server "
                    f"({self.base_url}/logistics-objects/<id>); omit @id to get one",
                    property="@id",
                )
        else:
            object_id = str(uuid.uuid4())
        uri = self.object_uri(object_id)
        body = self.normalise_object(doc, uri)
        if body.get("@id") != uri:
            raise HubError(400, "the root object's @id must be its URI", property="@id")
        return object_id, self._most_specific(body), body

    def create_object(self, doc: Any, agent: str) -> ObjectMeta:
        """Validate and store a new logistics object held by ``agent`` (revision 1).

        Raises
        ------
        HubError
            400 for an invalid document, 409 when the object id exists already.
        """
        return self.create_objects([doc], agent)[0]

    def create_objects(self, docs: Iterable[Any], agent: str) -> list[ObjectMeta]:
        """Validate all ``docs`` first, then store them in one transaction.

        Used by the in-process twin for bulk creation; all or nothing.
        """
        prepared = self.prepare_objects(docs)
        if not prepared:
            return []
        with self.write() as conn:
            return self.insert_objects(conn, prepared, agent)

    def prepare_objects(self, docs: Iterable[Any]) -> list[tuple[str, str, dict[str, Any]]]:
        """Validate ``docs`` (no database access): ``(id, most specific type, body)`` each.

        The first half of :meth:`create_objects`; the HTTP layer runs it before its write
        joins a shared commit (:class:`~smartlogistics.hub._batch.StoreRunner`).

        Raises
        ------
        HubError
            400 for an invalid document, 409 when the same id is given twice.
        """
        prepared = [self._prepare(doc) for doc in docs]
        ids = [p[0] for p in prepared]
        if len(set(ids)) != len(ids):
            raise HubError(409, "the same logistics object id is given twice", property="@id")
        return prepared

    def insert_objects(
        self, conn: Connection, prepared: Sequence[tuple[str, str, dict[str, Any]]], agent: str
    ) -> list[ObjectMeta]:
        """Store prepared objects in the caller's write transaction (revision 1 each).

        The second half of :meth:`create_objects`: the existence check (409) comes before
        any statement that writes, then the objects, their first revisions and their
        ``LOGISTICS_OBJECT_CREATED`` outbox rows.
        """
        ids = [p[0] for p in prepared]
        now = self.clock()
        metas = [
            ObjectMeta(oid, self.object_uri(oid), type_iri, agent, now, 1, now)
            for oid, type_iri, _ in prepared
        ]
        existing = conn.execute(_EXISTING_IDS, {"ids": ids}).first()
        if existing is not None:
            raise HubError(
                409,
                "Logistics object with specified ID already exists",
                resource=self.object_uri(str(existing[0])),
            )
        conn.execute(
            _INSERT_OBJECT,
            [
                {
                    "id": m.id,
                    "uri": m.uri,
                    "type_iri": m.type_iri,
                    "owner": agent,
                    "created_at": now,
                    "latest_revision": 1,
                    "last_modified": now,
                }
                for m in metas
            ],
        )
        conn.execute(
            _INSERT_REVISION,
            [
                {
                    "object_id": oid,
                    "revision": 1,
                    "body": body,
                    "created_at": now,
                    "created_by": agent,
                    "change_request_id": None,
                }
                for oid, _, body in prepared
            ],
        )
        for m in metas:
            record_change(
                conn,
                "LOGISTICS_OBJECT_CREATED",
                object_uri=m.uri,
                object_type=m.type_iri,
                revision=1,
                created_at=now,
            )
        return metas

    def _meta(self, conn: Connection, object_id: str, *, lock: bool = False) -> ObjectMeta:
        query = _SELECT_OBJECT_LOCKED if lock and not self._sqlite else _SELECT_OBJECT
        row = conn.execute(query, {"object_id": object_id}).mappings().first()
        if row is None:
            raise HubError(
                404,
                "Logistics Object with the specified URI could not be found.",
                title="Logistics Object not found",
                resource=self.object_uri(object_id),
            )
        return ObjectMeta(
            row["id"],
            row["uri"],
            row["type_iri"],
            row["owner"],
            _utc(row["created_at"]),
            row["latest_revision"],
            _utc(row["last_modified"]),
        )

    def object_meta(self, object_id: str) -> ObjectMeta:
        """Return the object's row (404 :class:`HubError` when it does not exist)."""
        with self.engine.connect() as conn:
            return self._meta(conn, object_id)

    def require(self, conn: Connection, meta: ObjectMeta, agent: str, permission: str) -> None:
        """Raise 403 unless ``agent`` has ``permission`` on the object."""
        acl.require(conn, meta.id, agent, permission, resource=meta.uri, owner=meta.owner)

    def get_object(
        self,
        object_id: str,
        agent: str,
        *,
        at: datetime | None = None,
        embedded: bool = False,
    ) -> ObjectView:
        """Return the latest (or the ``at``) revision of an object ``agent`` may read.

        Raises
        ------
        HubError
            404 when unknown or ``at`` is before its creation, 400 when ``at`` is in the
            future, 403 without ``GET_LOGISTICS_OBJECT``.
        """
        if at is not None and at > self.clock():
            raise HubError(
                400,
                "the at= datetime must be in the past",
                title="Invalid query parameter request",
                property="at",
            )
        with self.engine.connect() as conn:
            meta = self._meta(conn, object_id)
            self.require(conn, meta, agent, acl.GET_LOGISTICS_OBJECT)
            return self._view(conn, meta, agent, at=at, embedded=embedded, depth=0, seen=set())

    def _revision_row(self, conn: Connection, meta: ObjectMeta, at: datetime | None) -> Any:
        if at is None:
            params: dict[str, Any] = {"object_id": meta.id, "revision": meta.latest_revision}
            row = conn.execute(_SELECT_REVISION, params).mappings().first()
        else:
            params = {"object_id": meta.id, "at": at}
            row = conn.execute(_SELECT_REVISION_AT, params).mappings().first()
        if row is None:
            raise HubError(
                404,
                "the Logistics Object did not exist at the requested time",
                title="Logistics Object not found",
                resource=meta.uri,
            )
        return row

    def _view(
        self,
        conn: Connection,
        meta: ObjectMeta,
        agent: str,
        *,
        at: datetime | None,
        embedded: bool,
        depth: int,
        seen: set[str],
    ) -> ObjectView:
        row = self._revision_row(conn, meta, at)
        body: dict[str, Any] = dict(row["body"])
        body.pop("@context", None)
        seen = seen | {meta.id}
        if embedded and depth < _MAX_EMBED_DEPTH:
            body = self._embed(conn, body, agent, at, depth, seen)
        elif at is not None:
            body = self._at_links(body, at)
        out = {
            "@context": ONE_RECORD_CONTEXT,
            **body,
            "api:hasLatestRevision": meta.latest_revision,
            "api:hasRevision": row["revision"],
        }
        modified = meta.last_modified if at is None else _utc(row["created_at"])
        return ObjectView(meta, int(row["revision"]), modified, out)

    def _link(self, uri: str, at: datetime | None) -> str:
        if at is None or self.object_id_of(uri) is None:
            return uri
        return f"{uri}?at={at.strftime('%Y%m%dT%H%M%SZ')}"

    def _at_links(self, tree: Any, at: datetime) -> Any:
        if isinstance(tree, list):
            return [self._at_links(v, at) for v in tree]
        if isinstance(tree, dict):
            if set(tree) == {"@id"} and isinstance(tree["@id"], str):
                return {"@id": self._link(tree["@id"], at)}
            return {k: v if k.startswith("@") else self._at_links(v, at) for k, v in tree.items()}
        return tree

    def _embed(
        self,
        conn: Connection,
        tree: Any,
        agent: str,
        at: datetime | None,
        depth: int,
        seen: set[str],
    ) -> Any:
        if isinstance(tree, list):
            return [self._embed(conn, v, agent, at, depth, seen) for v in tree]
        if not isinstance(tree, dict):
            return tree
        if set(tree) == {"@id"} and isinstance(tree["@id"], str):
            oid = self.object_id_of(tree["@id"])
            if oid is None or oid in seen:
                return {"@id": self._link(tree["@id"], at)}
            try:
                meta = self._meta(conn, oid)
                self.require(conn, meta, agent, acl.GET_LOGISTICS_OBJECT)
                view = self._view(
                    conn, meta, agent, at=at, embedded=True, depth=depth + 1, seen=seen
                )
            except HubError:  # unknown, unreadable or not yet existing: keep the link
                return {"@id": self._link(tree["@id"], at)}
            inner = dict(view.body)
            inner.pop("@context", None)
            if at is not None:
                inner["@id"] = self._link(inner["@id"], at)
            return inner
        return {
            k: v if k.startswith("@") else self._embed(conn, v, agent, at, depth, seen)
            for k, v in tree.items()
        }

    def grant(
        self,
        object_id: str,
        agent: str,
        permissions: Iterable[str],
        *,
        by: str,
        expires_at: datetime | None = None,
    ) -> None:
        """Grant ``agent`` (or ``acl.PUBLIC_AGENT``) permissions; only the holder may."""
        with self.write() as conn:
            meta = self._meta(conn, object_id)
            if meta.owner != by:
                raise HubError(403, "only the holder of the Logistics Object can grant access")
            acl.grant(conn, object_id, agent, permissions, expires_at=expires_at)

    # -- action requests ----------------------------------------------------------------------
    def _holder(self, conn: Connection, object_id: str | None) -> str:
        if object_id is None:
            return self.data_holder
        owner = acl.owner_of(conn, object_id)
        return owner or self.data_holder

    def _ar_view(self, row: Any) -> ActionRequestView:
        type_iri = row["type_iri"]
        payload = dict(row["body"])
        errors = list(row["error"] or [])
        history = list(row["status_history"] or [])
        since = _utc(row["status_since"])
        body: dict[str, Any] = {
            "@context": ONE_RECORD_CONTEXT,
            "@id": row["uri"],
            "@type": compact_name(type_iri),
        }
        key = {
            CHANGE_REQUEST: "api:hasChange",
            SUBSCRIPTION_REQUEST: "api:hasSubscription",
            ACCESS_DELEGATION_REQUEST: "api:hasAccessDelegation",
            VERIFICATION_REQUEST: "api:hasVerification",
        }.get(type_iri, "api:hasDescription")
        body[key] = payload
        body["api:hasError"] = errors
        body["api:isRequestedAt"] = _dt_literal(row["requested_at"])
        body["api:isRequestedBy"] = {"@id": row["requested_by"]}
        body["api:hasRequestStatus"] = {"@id": compact_name(row["status"])}
        body["api:hasRequestStatusSince"] = _dt_literal(since)
        body["api:hasRequestStatusHistory"] = [
            {
                "@id": f"{row['uri']}#status-{i}",
                "@type": "api:RequestStatusEntry",
                "api:hasRequestStatus": {"@id": compact_name(h["status"])},
                "api:hasRequestStatusSince": _dt_literal(datetime.fromisoformat(h["since"])),
                **({"api:isChangedBy": {"@id": h["changed_by"]}} if h.get("changed_by") else {}),
            }
            for i, h in enumerate(history)
        ]
        if row["revoked_by"]:
            body["api:isRevokedBy"] = {"@id": row["revoked_by"]}
            body["api:isRevokedAt"] = _dt_literal(row["revoked_at"])
        return ActionRequestView(
            row["id"],
            row["uri"],
            type_iri,
            row["status"],
            since,
            row["object_id"],
            row["requested_by"],
            _utc(row["requested_at"]),
            payload,
            errors,
            history,
            row["revoked_by"],
            _utc(row["revoked_at"]) if row["revoked_at"] else None,
            row["applied_revision"],
            body,
        )

    def _load_ar(self, conn: Connection, request_id: str, *, lock: bool = False) -> Any:
        query = select(hub_action_requests).where(hub_action_requests.c.id == request_id)
        if lock and not self._sqlite:
            query = query.with_for_update()
        row = conn.execute(query).mappings().first()
        if row is None:
            raise HubError(
                404,
                "Action Request not found",
                resource=self.action_request_uri(request_id),
            )
        return row

    def _outbox_for_request(
        self, conn: Connection, view: ActionRequestView, status: str, now: datetime
    ) -> None:
        kind = f"{_KIND_PREFIX[view.type_iri]}_{status.rsplit('#', 1)[-1].removeprefix('REQUEST_')}"
        if kind not in NOTIFICATION_KINDS:
            return
        if view.object_id is not None:
            meta = self._meta(conn, view.object_id)
            uri, type_iri = meta.uri, meta.type_iri
        else:
            uri, type_iri = view.uri, view.type_iri
        record_change(
            conn,
            kind,
            object_uri=uri,
            object_type=type_iri,
            revision=view.applied_revision,
            action_request_uri=view.uri,
            created_at=now,
        )

    def _insert_request(
        self,
        conn: Connection,
        type_iri: str,
        payload: dict[str, Any],
        agent: str,
        object_id: str | None,
        now: datetime,
        request_id: str | None = None,
    ) -> ActionRequestView:
        rid = request_id or str(uuid.uuid4())
        conn.execute(
            insert(hub_action_requests).values(
                id=rid,
                uri=self.action_request_uri(rid),
                type_iri=type_iri,
                status=PENDING,
                status_since=now,
                status_history=[],
                object_id=object_id,
                requested_by=agent,
                requested_at=now,
                body=payload,
                error=None,
            )
        )
        view = self._ar_view(self._load_ar(conn, rid))
        self._outbox_for_request(conn, view, PENDING, now)
        for handler in self._handlers.get(type_iri, []):
            handler(conn, view, "created")
        return view

    def _set_status(
        self,
        conn: Connection,
        row: Any,
        status: str,
        by: str,
        now: datetime,
        *,
        errors: list[dict[str, Any]] | None = None,
        applied_revision: int | None = None,
    ) -> ActionRequestView:
        history = list(row["status_history"] or [])
        history.append(
            {
                "status": row["status"],
                "since": _utc(row["status_since"]).isoformat(),
                "changed_by": by,
            }
        )
        values: dict[str, Any] = {
            "status": status,
            "status_since": now,
            "status_history": history,
        }
        if status in (ACCEPTED, REJECTED, ACKNOWLEDGED):
            values["answered_by"] = by
            values["answered_at"] = now
        if status == REVOKED:
            values["revoked_by"] = by
            values["revoked_at"] = now
        if errors is not None:
            values["error"] = errors
        if applied_revision is not None:
            values["applied_revision"] = applied_revision
        conn.execute(
            update(hub_action_requests)
            .where(hub_action_requests.c.id == row["id"])
            .values(**values)
        )
        view = self._ar_view(self._load_ar(conn, row["id"]))
        self._outbox_for_request(conn, view, status, now)
        return view

    def create_action_request(
        self,
        type_iri: str,
        payload: dict[str, Any],
        agent: str,
        *,
        object_id: str | None = None,
    ) -> ActionRequestView:
        """Create a pending action request (e.g. a SubscriptionRequest) and handle it.

        When ``agent`` is the holder (the object's owner, or the data holder without an
        object), the request is accepted at once. Handlers registered for ``type_iri``
        are called with ``"created"`` and then ``"accepted"``.
        """
        if type_iri not in _REQUEST_TYPES:
            raise ValueError(f"not an action request type: {type_iri!r}")
        with self.write() as conn:
            now = self.clock()
            if object_id is not None:
                self._meta(conn, object_id)
            view = self._insert_request(conn, type_iri, payload, agent, object_id, now)
            if agent == self._holder(conn, object_id):
                view = self._accept(conn, view.id, agent, now)
        return view

    # change requests
    def request_change(self, object_id: str, doc: Any, agent: str) -> ActionRequestView:
        """Record a PATCH as a ChangeRequest; apply it at once when ``agent`` is the holder.

        Raises
        ------
        HubError
            404 unknown object, 403 without ``PATCH_LOGISTICS_OBJECT``, 400 for an invalid
            Change (see :func:`~smartlogistics.hub._patch.parse_change`).
        """
        uri = self.object_uri(object_id)
        with self.engine.connect() as conn:
            meta = self._meta(conn, object_id)
            self.require(conn, meta, agent, acl.PATCH_LOGISTICS_OBJECT)
        change = parse_change(doc, target_uri=uri)
        with self.write() as conn:
            now = self.clock()
            meta = self._meta(conn, object_id, lock=True)
            current = self._revision_row(conn, meta, None)
            check_subjects(change, current["body"])
            rid = str(uuid.uuid4())
            payload = change_to_jsonld(change, f"{self.action_request_uri(rid)}#change")
            view = self._insert_request(
                conn, CHANGE_REQUEST, payload, agent, object_id, now, request_id=rid
            )
            if agent == meta.owner:
                view = self._accept(conn, view.id, agent, now)
        return view

    def _parse_stored_change(self, view: ActionRequestView) -> Change:
        return parse_change(
            {"@context": ONE_RECORD_CONTEXT, **view.payload},
            target_uri=self.object_uri(view.object_id or ""),
        )

    def _apply_change(
        self, conn: Connection, view: ActionRequestView, by: str, now: datetime
    ) -> ActionRequestView:
        assert view.object_id is not None
        row = self._load_ar(conn, view.id, lock=True)
        meta = self._meta(conn, view.object_id, lock=True)
        change = self._parse_stored_change(view)
        if change.revision != meta.latest_revision:
            err = HubError(
                409,
                "The provided revision number is invalid or lower than the current Logistics "
                f"Object revision ({change.revision} given, latest is {meta.latest_revision})",
                title="Conflict with Logistics Object revision number",
                resource=meta.uri,
            )
            return self._fail_accepted(conn, row, by, now, err)
        current = self._revision_row(conn, meta, None)
        try:
            new_body, changed = apply_change(
                current["body"], change, ontology=self.ontology, change_id=view.id
            )
            new_body = self._revalidate(new_body, meta.uri)
        except ChangeFailedError as exc:
            err = HubError(422, exc.details[0].message, title=exc.title, details=exc.details[1:])
            return self._fail_accepted(conn, row, by, now, err)
        except HubError as exc:
            return self._fail_accepted(conn, row, by, now, exc)
        revision = meta.latest_revision + 1
        result = conn.execute(
            update(hub_objects)
            .where(
                and_(
                    hub_objects.c.id == meta.id,
                    hub_objects.c.latest_revision == meta.latest_revision,
                )
            )
            .values(latest_revision=revision, last_modified=now)
        )
        if result.rowcount != 1:  # pragma: no cover - excluded by the lock
            raise HubError(409, "concurrent change of the Logistics Object", resource=meta.uri)
        conn.execute(
            insert(hub_object_revisions).values(
                object_id=meta.id,
                revision=revision,
                body=new_body,
                created_at=now,
                created_by=view.requested_by,
                change_request_id=view.id,
            )
        )
        record_change(
            conn,
            "LOGISTICS_OBJECT_UPDATED",
            object_uri=meta.uri,
            object_type=meta.type_iri,
            revision=revision,
            action_request_uri=view.uri,
            changed_properties=changed,
            created_at=now,
        )
        accepted = self._set_status(
            conn, self._load_ar(conn, view.id), ACCEPTED, by, now, applied_revision=revision
        )
        # other pending change requests on the same revision MUST be rejected
        others = (
            conn.execute(
                select(hub_action_requests).where(
                    hub_action_requests.c.object_id == meta.id,
                    hub_action_requests.c.type_iri == CHANGE_REQUEST,
                    hub_action_requests.c.status == PENDING,
                    hub_action_requests.c.id != view.id,
                )
            )
            .mappings()
            .all()
        )
        for other in others:
            rev = other["body"].get("api:hasRevision", {})
            if str(rev.get("@value")) == str(change.revision):
                self._set_status(conn, other, REJECTED, by, now)
        return accepted

    def _fail_accepted(
        self, conn: Connection, row: Any, by: str, now: datetime, err: HubError
    ) -> ActionRequestView:
        """PENDING -> ACCEPTED -> FAILED: accepted for processing, then the error (spec)."""
        accepted = self._set_status(conn, row, ACCEPTED, by, now)
        again = self._load_ar(conn, accepted.id)
        return self._set_status(conn, again, FAILED, by, now, errors=[err.to_error()])

    def _revalidate(self, body: dict[str, Any], uri: str) -> dict[str, Any]:
        from smartlogistics.hub._validator import validate_logistics_object

        problems = validate_logistics_object(
            {"@context": ONE_RECORD_CONTEXT, **body}, ontology=self.ontology
        )
        if problems:
            first, *rest = problems
            raise HubError(
                422,
                f"{first.path}: {first.message}",
                title="Invalid resource",
                property=first.property or first.name,
                resource=uri,
                details=[Detail(f"{p.path}: {p.message}", p.property or p.name) for p in rest],
            )
        return body

    def _accept(
        self, conn: Connection, request_id: str, by: str, now: datetime
    ) -> ActionRequestView:
        row = self._load_ar(conn, request_id, lock=True)
        view = self._ar_view(row)
        if view.type_iri == CHANGE_REQUEST:
            return self._apply_change(conn, view, by, now)
        if view.type_iri == ACCESS_DELEGATION_REQUEST:
            self._grant_delegation(conn, view, now)
        accepted = self._set_status(conn, row, ACCEPTED, by, now)
        try:
            with conn.begin_nested():
                for handler in self._handlers.get(view.type_iri, []):
                    handler(conn, accepted, "accepted")
        except HubError as exc:
            failed_row = self._load_ar(conn, request_id)
            return self._set_status(conn, failed_row, FAILED, by, now, errors=[exc.to_error()])
        return accepted

    def get_action_request(self, request_id: str, agent: str) -> ActionRequestView:
        """Return an action request its requester, the holder or the data holder may see."""
        with self.engine.connect() as conn:
            row = self._load_ar(conn, request_id)
            view = self._ar_view(row)
            self._require_party(conn, view, agent, holder_only=False)
            return view

    def _require_party(
        self, conn: Connection, view: ActionRequestView, agent: str, *, holder_only: bool
    ) -> str:
        holder = self._holder(conn, view.object_id)
        parties = {holder} if holder_only else {holder, view.requested_by}
        if view.type_iri == ACCESS_DELEGATION_REQUEST and not holder_only:
            parties.add(str(view.payload.get("api:isRequestedFor", {}).get("@id", "")))
        if agent not in parties:
            what = "the holder of the Logistics Object" if holder_only else "a party to it"
            raise HubError(
                403,
                f"Not authorized: only {what} can do this with the Action Request",
                resource=view.uri,
            )
        return holder

    def set_action_request_status(
        self, request_id: str, status: str, agent: str
    ) -> ActionRequestView:
        """Accept, reject, acknowledge (holder) or revoke (requester/holder) a request.

        Raises
        ------
        HubError
            400 unknown status value, 403 wrong party, 404 unknown request, 422 a
            transition the state machine does not allow.
        """
        if status not in STATUSES or status in (PENDING, FAILED):
            raise HubError(
                400,
                f"status must be one of REQUEST_ACCEPTED, REQUEST_REJECTED, "
                f"REQUEST_ACKNOWLEDGED, REQUEST_REVOKED; got {status!r}",
                title="Invalid query parameter request",
                property="status",
            )
        if status == REVOKED:
            return self.revoke_action_request(request_id, agent)
        with self.write() as conn:
            now = self.clock()
            row = self._load_ar(conn, request_id, lock=True)
            view = self._ar_view(row)
            self._require_party(conn, view, agent, holder_only=True)
            self._check_transition(view, status)
            if status == ACCEPTED:
                return self._accept(conn, request_id, agent, now)
            result = self._set_status(conn, row, status, agent, now)
            for handler in self._handlers.get(view.type_iri, []):
                handler(conn, result, "rejected" if status == REJECTED else "acknowledged")
            return result

    def _check_transition(self, view: ActionRequestView, status: str) -> None:
        allowed = TRANSITIONS.get(view.type_iri, {}).get(view.status, frozenset())
        if status not in allowed:
            raise HubError(
                422,
                f"a {compact_name(view.type_iri)} in {compact_name(view.status)} cannot become "
                f"{compact_name(status)}",
                resource=view.uri,
            )

    def revoke_action_request(self, request_id: str, agent: str) -> ActionRequestView:
        """Revoke a request (its requester or the holder); 422 when not revocable."""
        with self.write() as conn:
            now = self.clock()
            row = self._load_ar(conn, request_id, lock=True)
            view = self._ar_view(row)
            holder = self._holder(conn, view.object_id)
            if agent not in (holder, view.requested_by):
                raise HubError(
                    403,
                    "only the requester or the holder of the Logistics Object can revoke it",
                    resource=view.uri,
                )
            self._check_transition(view, REVOKED)
            return self._revoke(conn, row, agent, now)

    def _revoke(self, conn: Connection, row: Any, agent: str, now: datetime) -> ActionRequestView:
        view = self._ar_view(row)
        was_accepted = view.status == ACCEPTED
        result = self._set_status(conn, row, REVOKED, agent, now)
        if view.type_iri == ACCESS_DELEGATION_REQUEST and was_accepted:
            acl.revoke_request_grants(conn, view.id)
            self._revoke_chain(conn, view, agent, now)
        for handler in self._handlers.get(view.type_iri, []):
            handler(conn, result, "revoked")
        return result

    # access delegations
    def _delegation_targets(self, payload: Mapping[str, Any]) -> list[str]:
        los = payload.get("api:hasLogisticsObject", [])
        items = los if isinstance(los, list) else [los]
        return [str(i["@id"]) for i in items if isinstance(i, Mapping) and "@id" in i]

    def request_access_delegation(self, doc: Any, agent: str) -> ActionRequestView:
        """Record an ``api:AccessDelegation`` as an AccessDelegationRequest.

        The objects must exist on this hub and have one holder; the delegate
        (``isRequestedFor``) must be one organization (2.3.0). Accepted at once when the
        requester is the holder; on acceptance the delegate gets the permissions.
        """
        from smartlogistics.hub._validator import validate_node

        body = self._normalise_api(doc, API + "AccessDelegation")
        problems = validate_node(
            {"@context": ONE_RECORD_CONTEXT, **body},
            ontology=self.ontology,
            expected=API + "AccessDelegation",
        )
        if problems:
            p = problems[0]
            raise HubError(400, f"{p.path}: {p.message}", property=p.property or p.name)
        for_ = body.get("api:isRequestedFor")
        delegates = for_ if isinstance(for_, list) else [for_] if for_ else []
        if len(delegates) != 1 or not isinstance(delegates[0], Mapping):
            raise HubError(
                400,
                "api:isRequestedFor must name exactly one organization",
                property=API + "isRequestedFor",
            )
        perms_raw = body.get("api:hasPermission")
        perms = perms_raw if isinstance(perms_raw, list) else [perms_raw] if perms_raw else []
        permissions = [_expand_api(str(p.get("@id", ""))) for p in perms if isinstance(p, Mapping)]
        if not permissions or any(p not in acl.PERMISSIONS for p in permissions):
            raise HubError(
                400,
                "api:hasPermission must list GET_LOGISTICS_OBJECT, PATCH_LOGISTICS_OBJECT, "
                "POST_LOGISTICS_EVENT or GET_LOGISTICS_EVENT",
                property=API + "hasPermission",
            )
        targets = self._delegation_targets(body)
        if not targets:
            raise HubError(
                400, "api:hasLogisticsObject is required", property=API + "hasLogisticsObject"
            )
        body["api:isRequestedFor"] = {"@id": str(delegates[0]["@id"])}
        with self.write() as conn:
            now = self.clock()
            owners = set()
            ids = []
            for uri in targets:
                oid = self.object_id_of(uri)
                if oid is None:
                    raise HubError(
                        400,
                        f"{uri} is not a logistics object of this server",
                        property=API + "hasLogisticsObject",
                        resource=uri,
                    )
                ids.append(oid)
                owners.add(self._meta(conn, oid).owner)
            if len(owners) != 1:
                raise HubError(
                    400,
                    "the logistics objects of one access delegation must have one holder",
                    property=API + "hasLogisticsObject",
                )
            view = self._insert_request(conn, ACCESS_DELEGATION_REQUEST, body, agent, ids[0], now)
            if agent == owners.pop():
                view = self._accept(conn, view.id, agent, now)
        return view

    def _grant_delegation(self, conn: Connection, view: ActionRequestView, now: datetime) -> None:
        payload = view.payload
        delegate = str(payload["api:isRequestedFor"]["@id"])
        perms_raw = payload.get("api:hasPermission")
        perms: list[Any] = perms_raw if isinstance(perms_raw, list) else [perms_raw]
        permissions = [_expand_api(str(p["@id"])) for p in perms]
        expires = payload.get("api:expiresAt")
        expires_at = None
        if isinstance(expires, Mapping) and "@value" in expires:
            expires_at = datetime.fromisoformat(str(expires["@value"]).replace("Z", "+00:00"))
        elif isinstance(expires, str):
            expires_at = datetime.fromisoformat(expires.replace("Z", "+00:00"))
        for uri in self._delegation_targets(payload):
            oid = self.object_id_of(uri)
            if oid is not None:
                acl.grant(
                    conn,
                    oid,
                    delegate,
                    permissions,
                    via="delegation",
                    action_request_id=view.id,
                    expires_at=expires_at,
                    now=now,
                )

    def _revoke_chain(
        self, conn: Connection, view: ActionRequestView, agent: str, now: datetime
    ) -> None:
        """Withdraw the delegations the delegate obtained for third parties (trust chain)."""
        delegate = str(view.payload["api:isRequestedFor"]["@id"])
        targets = set(self._delegation_targets(view.payload))
        rows = (
            conn.execute(
                select(hub_action_requests).where(
                    hub_action_requests.c.type_iri == ACCESS_DELEGATION_REQUEST,
                    hub_action_requests.c.status == ACCEPTED,
                    hub_action_requests.c.requested_by == delegate,
                )
            )
            .mappings()
            .all()
        )
        for row in rows:
            if targets & set(self._delegation_targets(row["body"])):
                self._revoke(conn, row, agent, now)

    # verifications
    def request_verification(self, object_id: str, doc: Any, agent: str) -> ActionRequestView:
        """Record an ``api:Verification`` of an object as a VerificationRequest.

        The requester needs ``GET_LOGISTICS_OBJECT``; the Verification must name this
        object. When it names an older revision, or a property the object's class does
        not have, the request is created and immediately ``REQUEST_FAILED``.
        """
        from smartlogistics.hub._validator import validate_node

        with self.engine.connect() as conn:
            meta = self._meta(conn, object_id)
            self.require(conn, meta, agent, acl.GET_LOGISTICS_OBJECT)
        body = self._normalise_api(doc, API + "Verification")
        problems = validate_node(
            {"@context": ONE_RECORD_CONTEXT, **body},
            ontology=self.ontology,
            expected=API + "Verification",
        )
        if problems:
            p = problems[0]
            raise HubError(400, f"{p.path}: {p.message}", property=p.property or p.name)
        lo = body.get("api:hasLogisticsObject")
        if not isinstance(lo, Mapping) or str(lo.get("@id", "")).strip() != meta.uri:
            raise HubError(
                400,
                "LogisticsObject URI in Verification does not match requested Logistics Object URI",
                title="Logistics Object URI does not match",
                property=API + "hasLogisticsObject",
                resource=meta.uri,
            )
        rev = body.get("api:hasRevision")
        rev_text = rev.get("@value") if isinstance(rev, Mapping) else rev
        try:
            revision = int(str(rev_text))
        except ValueError:
            raise HubError(
                400, "api:hasRevision must be a positive integer", property=API + "hasRevision"
            ) from None
        with self.write() as conn:
            now = self.clock()
            meta = self._meta(conn, object_id, lock=True)
            view = self._insert_request(conn, VERIFICATION_REQUEST, body, agent, object_id, now)
            failure = self._verification_failure(meta, revision, body)
            if failure is not None:
                row = self._load_ar(conn, view.id)
                view = self._set_status(
                    conn, row, FAILED, self.data_holder, now, errors=[failure.to_error()]
                )
            elif agent == meta.owner:
                pass  # the holder verifying its own object still acknowledges explicitly
        return view

    def _verification_failure(
        self, meta: ObjectMeta, revision: int, body: Mapping[str, Any]
    ) -> HubError | None:
        if revision != meta.latest_revision:
            return HubError(
                409,
                f"the Verification names revision {revision}, the latest is {meta.latest_revision}",
                title="Conflict with Logistics Object revision number",
                resource=meta.uri,
            )
        allowed = self.ontology.properties_of(meta.type_iri)
        for prop in _error_properties(body):
            if prop not in allowed:
                return HubError(
                    422,
                    f"{compact_name(prop)} is not a property of {compact_name(meta.type_iri)}",
                    property=prop,
                    resource=meta.uri,
                )
        return None

    def _normalise_api(self, doc: Any, expected: str) -> dict[str, Any]:
        if isinstance(doc, Mapping) and "@graph" in doc:
            raise HubError(400, "the body must not use @graph: send one object", property="@graph")
        rid = f"internal:{uuid.uuid4()}"
        body = fast_normalise(doc, object_id=rid)
        if body is None:
            from smartlogistics.hub.jsonld import normalise

            try:
                body = normalise(doc, object_id=rid)
            except InvalidInputError as exc:
                raise HubError(400, exc.problem, property=exc.field or None) from exc
        if expected not in _types(body):
            raise HubError(400, f"the body must be an {compact_name(expected)}", property="@type")
        body.pop("@context", None)
        return body

    # audit trail
    def audit_trail(
        self,
        object_id: str,
        agent: str,
        *,
        updated_from: datetime | None = None,
        updated_to: datetime | None = None,
        status: str | None = None,
    ) -> dict[str, Any]:
        """Return the ``api:AuditTrail`` of an object: its change and verification requests.

        Filters: requests whose current status applies since ``updated_from`` ..
        ``updated_to`` (inclusive) and, with ``status``, in that status.
        """
        with self.engine.connect() as conn:
            meta = self._meta(conn, object_id)
            self.require(conn, meta, agent, acl.GET_LOGISTICS_OBJECT)
            ar = hub_action_requests
            query = (
                select(ar)
                .where(
                    ar.c.object_id == object_id,
                    ar.c.type_iri.in_((CHANGE_REQUEST, VERIFICATION_REQUEST)),
                )
                .order_by(ar.c.requested_at, ar.c.id)
            )
            if status is not None:
                query = query.where(ar.c.status == status)
            if updated_from is not None:
                query = query.where(ar.c.status_since >= updated_from)
            if updated_to is not None:
                query = query.where(ar.c.status_since <= updated_to)
            rows = conn.execute(query).mappings().all()
        items = []
        for row in rows:
            body = dict(self._ar_view(row).body)
            body.pop("@context", None)
            items.append(body)
        return {
            "@context": ONE_RECORD_CONTEXT,
            "@id": f"{meta.uri}/audit-trail",
            "@type": "api:AuditTrail",
            "api:hasActionRequest": items,
            "api:hasLatestRevision": meta.latest_revision,
        }


def _expand_api(name: str) -> str:
    return API + name[4:] if name.startswith("api:") else name


def _error_properties(body: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    errors = body.get("api:hasError", [])
    for err in errors if isinstance(errors, list) else [errors]:
        if not isinstance(err, Mapping):
            continue
        details = err.get("api:hasErrorDetail", [])
        for d in details if isinstance(details, list) else [details]:
            if not isinstance(d, Mapping):
                continue
            prop = d.get("api:hasProperty")
            if isinstance(prop, Mapping):
                prop = prop.get("@value", prop.get("@id"))
            if isinstance(prop, str) and prop:
                found.append(prop.replace("cargo:", CARGO) if prop.startswith("cargo:") else prop)
    return found


def is_logistics_object_class(ontology: Ontology, iri: str) -> bool:
    """Whether ``iri`` is a (subclass of) ``cargo:LogisticsObject``."""
    return iri in ontology.classes and ontology.is_subclass(iri, LOGISTICS_OBJECT)
