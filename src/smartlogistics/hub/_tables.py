"""Tables of the ONE Record hub core (SQLAlchemy Core, one :data:`hub_metadata`).

The tables are described here once; migration ``0002_hub_core`` creates them (hand-written,
like every migration of the platform), and a test checks that the migrated schema matches
these definitions. Other hub modules build their queries on these objects:

- ``hub_objects``: one row per logistics object; objects are never deleted (the
  specification has no DELETE for them; a trigger forbids it). ``latest_revision`` and
  ``last_modified`` are the only columns ever updated.
- ``hub_object_revisions``: the normalised compacted JSON-LD of every revision; rows are
  immutable (triggers forbid UPDATE and DELETE).
- ``hub_events``: logistics events, append-only (triggers), written by ``hub.events``.
- ``hub_action_requests``: change, subscription, access-delegation and verification
  requests with their status IRI; the status columns change, rows are never deleted.
- ``hub_acl``: who may read/write which object (owner, grant, delegation, PUBLIC).
- ``hub_changes``: the notification outbox, written in the same transaction as the change
  it describes; ``seq`` is strictly increasing in commit order per writer (SQLite has one
  writer; on PostgreSQL readers must treat ``seq`` as an insertion order, see
  ``docs/hub-api.md``). Append-only (triggers).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
)

__all__ = [
    "APPEND_ONLY_TABLES",
    "PUBLIC_AGENT",
    "UNDELETABLE_TABLES",
    "hub_acl",
    "hub_action_requests",
    "hub_changes",
    "hub_events",
    "hub_metadata",
    "hub_object_revisions",
    "hub_objects",
]

hub_metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: The ``agent`` of an ACL row that grants to everybody (authenticated or not, per policy).
PUBLIC_AGENT = "https://onerecord.iata.org/ns/api#PUBLIC"

#: Tables whose rows are never updated or deleted (database triggers enforce it).
APPEND_ONLY_TABLES = ("hub_object_revisions", "hub_events", "hub_changes")
#: Tables whose rows are never deleted (their status columns may change).
UNDELETABLE_TABLES = ("hub_objects", "hub_action_requests")

_BIGINT = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrement needs INTEGER

hub_objects = Table(
    "hub_objects",
    hub_metadata,
    Column("id", String(200), primary_key=True, comment="local id, last URI segment"),
    Column("uri", String(2048), nullable=False, unique=True, comment="logistics object URI"),
    Column("type_iri", String(512), nullable=False, comment="most specific @type (full IRI)"),
    Column("owner", String(2048), nullable=False, comment="creating logistics agent URI"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("latest_revision", Integer, nullable=False),
    Column("last_modified", DateTime(timezone=True), nullable=False),
)

hub_object_revisions = Table(
    "hub_object_revisions",
    hub_metadata,
    Column("object_id", String(200), ForeignKey("hub_objects.id"), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("body", JSON, nullable=False, comment="normalised compacted JSON-LD"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(2048), nullable=False),
    Column("change_request_id", String(200), nullable=True),
    PrimaryKeyConstraint("object_id", "revision", name="pk_hub_object_revisions"),
    Index("ix_hub_object_revisions_created_at", "object_id", "created_at"),
)

hub_events = Table(
    "hub_events",
    hub_metadata,
    Column("seq", _BIGINT, primary_key=True, autoincrement=True, comment="append order"),
    Column("id", String(200), nullable=False, unique=True, comment="local event id"),
    Column("uri", String(2048), nullable=False, unique=True, comment="logistics event URI"),
    Column("object_id", String(200), ForeignKey("hub_objects.id"), nullable=False),
    Column("event_code", String(512), nullable=True, comment="eventCode IRI or code"),
    Column("event_date", DateTime(timezone=True), nullable=True, comment="eventDate (occurred)"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(2048), nullable=False),
    Column("body", JSON, nullable=False, comment="normalised compacted JSON-LD"),
    Index("ix_hub_events_object_id", "object_id", "seq"),
    Index("ix_hub_events_event_date", "object_id", "event_date"),
)

hub_action_requests = Table(
    "hub_action_requests",
    hub_metadata,
    Column("id", String(200), primary_key=True, comment="local id, last URI segment"),
    Column("uri", String(2048), nullable=False, unique=True),
    Column("type_iri", String(512), nullable=False, comment="api:ChangeRequest, ..."),
    Column("status", String(512), nullable=False, comment="api:REQUEST_PENDING, ..."),
    Column("status_since", DateTime(timezone=True), nullable=False),
    Column("status_history", JSON, nullable=False, comment="earlier RequestStatusEntry rows"),
    Column("object_id", String(200), ForeignKey("hub_objects.id"), nullable=True),
    Column("requested_by", String(2048), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("answered_by", String(2048), nullable=True),
    Column("answered_at", DateTime(timezone=True), nullable=True),
    Column("revoked_by", String(2048), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("body", JSON, nullable=False, comment="the request's api object (compacted)"),
    Column("error", JSON, nullable=True, comment="api:Error bodies when FAILED"),
    Column("applied_revision", Integer, nullable=True, comment="revision a change produced"),
    Index("ix_hub_action_requests_object_id", "object_id", "requested_at"),
)

hub_acl = Table(
    "hub_acl",
    hub_metadata,
    Column("id", _BIGINT, primary_key=True, autoincrement=True),
    Column("object_id", String(200), ForeignKey("hub_objects.id"), nullable=False),
    Column("agent", String(2048), nullable=False, comment="agent URI or PUBLIC_AGENT"),
    Column("permission", String(512), nullable=False, comment="api:GET_LOGISTICS_OBJECT, ..."),
    Column("granted_via", String(16), nullable=False, comment="owner, grant or delegation"),
    Column("action_request_id", String(200), nullable=True),
    Column("granted_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Index("ix_hub_acl_object_agent", "object_id", "agent"),
)

hub_changes = Table(
    "hub_changes",
    hub_metadata,
    Column("seq", _BIGINT, primary_key=True, autoincrement=True, comment="commit order"),
    Column("kind", String(64), nullable=False, comment="api NotificationEventType local name"),
    Column("object_uri", String(2048), nullable=False),
    Column("object_type", String(512), nullable=False, comment="full type IRI"),
    Column("revision", Integer, nullable=True, comment="LO revision after the change"),
    Column("event_uri", String(2048), nullable=True),
    Column("action_request_uri", String(2048), nullable=True),
    Column("changed_properties", JSON, nullable=False, comment="property IRIs; [] on create"),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
