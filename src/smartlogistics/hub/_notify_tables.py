"""Tables of the hub's subscriptions and notifications (SQLAlchemy Core, one MetaData).

Migration ``0003_hub_notifications`` creates them (hand-written, like every migration of
the platform); a test checks that the migrated schema matches these definitions.

- ``hub_subscriptions`` (publisher side): one row per accepted or pending
  ``api:Subscription`` of a ``api:SubscriptionRequest``. A subscription is immutable (the
  specification); only ``status`` and ``active_from_seq`` change with the request's state.
- ``hub_deliveries`` (the publisher's outbox): one row per notification to send, keyed by
  the notification id (a UUID, the de-duplication id the subscriber sees as ``@id``
  ``urn:uuid:<id>``), unique per (change, route) so a change is queued at most once per
  subscription however often the dispatcher sees it.
- ``hub_dispatch_cursor``: persistent read positions in ``hub_changes`` (the
  dispatcher's, and one per named in-process bus handler).
- ``hub_received_notifications`` (subscriber side): every notification received on
  ``POST /notifications``, unique by its id, so a publisher's retry is stored once.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "hub_deliveries",
    "hub_dispatch_cursor",
    "hub_received_notifications",
    "hub_subscriptions",
    "notify_metadata",
]

notify_metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

_BIGINT = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrement needs INTEGER

hub_subscriptions = Table(
    "hub_subscriptions",
    notify_metadata,
    Column("id", String(36), primary_key=True, comment="local id (UUID)"),
    Column("subscription_iri", String(2048), nullable=False, comment="the Subscription @id"),
    Column("action_request_id", String(200), nullable=False, unique=True),
    Column("action_request_uri", String(2048), nullable=False),
    Column("subscriber", String(2048), nullable=False, comment="api:hasSubscriber IRI"),
    Column("requested_by", String(2048), nullable=False, comment="authenticated requester"),
    Column("topic_type", String(32), nullable=False, comment="TopicType local name"),
    Column("topic", String(2048), nullable=False, comment="class IRI or object URI"),
    Column("endpoint", String(2048), nullable=False, comment="subscriber /notifications URL"),
    Column("event_types", JSON, nullable=False, comment="SubscriptionEventType local names"),
    Column("content_types", JSON, nullable=False),
    Column("send_body", Boolean, nullable=False, comment="api:sendLogisticsObjectBody"),
    Column("notify_status_change", Boolean, nullable=False),
    Column("description", Text, nullable=True),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("status", String(16), nullable=False, comment="pending/active/rejected/revoked/failed"),
    Column(
        "active_from_seq",
        BigInteger,
        nullable=True,
        comment="changes with a larger seq are notified (set on acceptance)",
    ),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_hub_subscriptions_topic", "status", "topic_type", "topic"),
)

hub_deliveries = Table(
    "hub_deliveries",
    notify_metadata,
    Column("id", String(36), primary_key=True, comment="notification id (UUID)"),
    Column("change_seq", BigInteger, nullable=False, comment="hub_changes.seq"),
    Column("route", String(64), nullable=False, comment="subscription id or 'requester'"),
    Column("subscription_id", String(36), ForeignKey("hub_subscriptions.id"), nullable=True),
    Column("agent", String(2048), nullable=False, comment="recipient agent IRI"),
    Column("endpoint", String(2048), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("object_uri", String(2048), nullable=True),
    Column("embed_revision", Integer, nullable=True, comment="LO revision to embed, if any"),
    Column("payload", JSON, nullable=False, comment="the api:Notification (compacted)"),
    Column("status", String(16), nullable=False, comment="pending, delivered or dead"),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("last_error", Text, nullable=True),
    Column("last_status", Integer, nullable=True, comment="HTTP status of the last attempt"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("change_seq", "route", name="uq_hub_deliveries_change_seq"),
    Index("ix_hub_deliveries_due", "status", "next_attempt_at"),
    Index("ix_hub_deliveries_subscription_id", "subscription_id"),
)

hub_dispatch_cursor = Table(
    "hub_dispatch_cursor",
    notify_metadata,
    Column("name", String(200), primary_key=True, comment="'notify' or 'bus:<handler>'"),
    Column("last_seq", BigInteger, nullable=False, comment="every seq <= this is done"),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

hub_received_notifications = Table(
    "hub_received_notifications",
    notify_metadata,
    Column("seq", _BIGINT, primary_key=True, autoincrement=True, comment="arrival order"),
    Column("notification_id", String(2048), nullable=False, unique=True),
    Column("sender", String(2048), nullable=False, comment="authenticated sending agent"),
    Column("event_type", String(64), nullable=False),
    Column("object_uri", String(2048), nullable=True),
    Column("object_type", String(512), nullable=True),
    Column("event_uri", String(2048), nullable=True),
    Column("action_request_uri", String(2048), nullable=True),
    Column("changed_properties", JSON, nullable=False),
    Column("body", JSON, nullable=False, comment="the notification as received (normalised)"),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("duplicates", Integer, nullable=False, comment="times it arrived again"),
)
