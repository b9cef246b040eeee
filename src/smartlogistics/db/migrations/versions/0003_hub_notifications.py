"""ONE Record hub subscriptions and notifications: subscriptions, outbox, cursors, inbox.

The tables are those of ``smartlogistics.hub._notify_tables``: publisher-side
subscriptions, the delivery outbox (one row per notification, unique per change and
route), persistent read positions in ``hub_changes``, and the subscriber-side inbox of
received notifications (unique by notification id).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the four tables and their indexes, and the dispatcher's cursor."""
    op.create_table(
        "hub_subscriptions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("subscription_iri", sa.String(2048), nullable=False),
        sa.Column("action_request_id", sa.String(200), nullable=False),
        sa.Column("action_request_uri", sa.String(2048), nullable=False),
        sa.Column("subscriber", sa.String(2048), nullable=False),
        sa.Column("requested_by", sa.String(2048), nullable=False),
        sa.Column("topic_type", sa.String(32), nullable=False),
        sa.Column("topic", sa.String(2048), nullable=False),
        sa.Column("endpoint", sa.String(2048), nullable=False),
        sa.Column("event_types", sa.JSON(), nullable=False),
        sa.Column("content_types", sa.JSON(), nullable=False),
        sa.Column("send_body", sa.Boolean(), nullable=False),
        sa.Column("notify_status_change", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("expires_at", _ts(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("active_from_seq", sa.BigInteger(), nullable=True),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("updated_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hub_subscriptions"),
        sa.UniqueConstraint("action_request_id", name="uq_hub_subscriptions_action_request_id"),
    )
    op.create_index(
        "ix_hub_subscriptions_topic", "hub_subscriptions", ["status", "topic_type", "topic"]
    )
    op.create_table(
        "hub_deliveries",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("route", sa.String(64), nullable=False),
        sa.Column("subscription_id", sa.String(36), nullable=True),
        sa.Column("agent", sa.String(2048), nullable=False),
        sa.Column("endpoint", sa.String(2048), nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("object_uri", sa.String(2048), nullable=True),
        sa.Column("embed_revision", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _ts(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("delivered_at", _ts(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_hub_deliveries"),
        sa.UniqueConstraint("change_seq", "route", name="uq_hub_deliveries_change_seq"),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["hub_subscriptions.id"],
            name="fk_hub_deliveries_subscription_id_hub_subscriptions",
        ),
    )
    op.create_index("ix_hub_deliveries_due", "hub_deliveries", ["status", "next_attempt_at"])
    op.create_index("ix_hub_deliveries_subscription_id", "hub_deliveries", ["subscription_id"])
    op.create_table(
        "hub_dispatch_cursor",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_hub_dispatch_cursor"),
    )
    # The dispatcher's read position starts after what exists now: changes recorded before
    # notifications existed had no subscribers.
    op.execute(
        "INSERT INTO hub_dispatch_cursor (name, last_seq, updated_at) "
        "SELECT 'notify', COALESCE(MAX(seq), 0), CURRENT_TIMESTAMP FROM hub_changes"
    )
    op.create_table(
        "hub_received_notifications",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("notification_id", sa.String(2048), nullable=False),
        sa.Column("sender", sa.String(2048), nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("object_uri", sa.String(2048), nullable=True),
        sa.Column("object_type", sa.String(512), nullable=True),
        sa.Column("event_uri", sa.String(2048), nullable=True),
        sa.Column("action_request_uri", sa.String(2048), nullable=True),
        sa.Column("changed_properties", sa.JSON(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("received_at", _ts(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_hub_received_notifications"),
        sa.UniqueConstraint(
            "notification_id", name="uq_hub_received_notifications_notification_id"
        ),
    )


def downgrade() -> None:
    """Drop the four tables."""
    op.drop_table("hub_received_notifications")
    op.drop_table("hub_dispatch_cursor")
    op.drop_table("hub_deliveries")
    op.drop_table("hub_subscriptions")
