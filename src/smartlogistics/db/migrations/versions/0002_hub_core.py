"""ONE Record hub core: objects, revisions, events, action requests, ACL, change outbox.

The tables are those of ``smartlogistics.hub._tables``. Revisions, events and the change
outbox are append-only; objects and action requests are never deleted (database triggers,
as in 0001; the PostgreSQL trigger function ``smartlogistics_append_only`` comes from 0001).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APPEND_ONLY = ("hub_object_revisions", "hub_events", "hub_changes")
_UNDELETABLE = ("hub_objects", "hub_action_requests")


def _bigint() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the hub core tables, their indexes and the append-only triggers."""
    op.create_table(
        "hub_objects",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("uri", sa.String(2048), nullable=False),
        sa.Column("type_iri", sa.String(512), nullable=False),
        sa.Column("owner", sa.String(2048), nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("latest_revision", sa.Integer(), nullable=False),
        sa.Column("last_modified", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hub_objects"),
        sa.UniqueConstraint("uri", name="uq_hub_objects_uri"),
    )
    op.create_table(
        "hub_object_revisions",
        sa.Column("object_id", sa.String(200), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("created_by", sa.String(2048), nullable=False),
        sa.Column("change_request_id", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("object_id", "revision", name="pk_hub_object_revisions"),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["hub_objects.id"],
            name="fk_hub_object_revisions_object_id_hub_objects",
        ),
    )
    op.create_index(
        "ix_hub_object_revisions_created_at", "hub_object_revisions", ["object_id", "created_at"]
    )
    op.create_table(
        "hub_events",
        sa.Column("seq", _bigint(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("uri", sa.String(2048), nullable=False),
        sa.Column("object_id", sa.String(200), nullable=False),
        sa.Column("event_code", sa.String(512), nullable=True),
        sa.Column("event_date", _ts(), nullable=True),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("created_by", sa.String(2048), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_hub_events"),
        sa.UniqueConstraint("id", name="uq_hub_events_id"),
        sa.UniqueConstraint("uri", name="uq_hub_events_uri"),
        sa.ForeignKeyConstraint(
            ["object_id"], ["hub_objects.id"], name="fk_hub_events_object_id_hub_objects"
        ),
    )
    op.create_index("ix_hub_events_object_id", "hub_events", ["object_id", "seq"])
    op.create_index("ix_hub_events_event_date", "hub_events", ["object_id", "event_date"])
    op.create_table(
        "hub_action_requests",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("uri", sa.String(2048), nullable=False),
        sa.Column("type_iri", sa.String(512), nullable=False),
        sa.Column("status", sa.String(512), nullable=False),
        sa.Column("status_since", _ts(), nullable=False),
        sa.Column("status_history", sa.JSON(), nullable=False),
        sa.Column("object_id", sa.String(200), nullable=True),
        sa.Column("requested_by", sa.String(2048), nullable=False),
        sa.Column("requested_at", _ts(), nullable=False),
        sa.Column("answered_by", sa.String(2048), nullable=True),
        sa.Column("answered_at", _ts(), nullable=True),
        sa.Column("revoked_by", sa.String(2048), nullable=True),
        sa.Column("revoked_at", _ts(), nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("error", sa.JSON(), nullable=True),
        sa.Column("applied_revision", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_hub_action_requests"),
        sa.UniqueConstraint("uri", name="uq_hub_action_requests_uri"),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["hub_objects.id"],
            name="fk_hub_action_requests_object_id_hub_objects",
        ),
    )
    op.create_index(
        "ix_hub_action_requests_object_id", "hub_action_requests", ["object_id", "requested_at"]
    )
    op.create_table(
        "hub_acl",
        sa.Column("id", _bigint(), autoincrement=True, nullable=False),
        sa.Column("object_id", sa.String(200), nullable=False),
        sa.Column("agent", sa.String(2048), nullable=False),
        sa.Column("permission", sa.String(512), nullable=False),
        sa.Column("granted_via", sa.String(16), nullable=False),
        sa.Column("action_request_id", sa.String(200), nullable=True),
        sa.Column("granted_at", _ts(), nullable=False),
        sa.Column("expires_at", _ts(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_hub_acl"),
        sa.ForeignKeyConstraint(
            ["object_id"], ["hub_objects.id"], name="fk_hub_acl_object_id_hub_objects"
        ),
    )
    op.create_index("ix_hub_acl_object_agent", "hub_acl", ["object_id", "agent"])
    op.create_table(
        "hub_changes",
        sa.Column("seq", _bigint(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("object_uri", sa.String(2048), nullable=False),
        sa.Column("object_type", sa.String(512), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=True),
        sa.Column("event_uri", sa.String(2048), nullable=True),
        sa.Column("action_request_uri", sa.String(2048), nullable=True),
        sa.Column("changed_properties", sa.JSON(), nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_hub_changes"),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table in _APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION smartlogistics_append_only()"
            )
        for table in (*_APPEND_ONLY, *_UNDELETABLE):
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION smartlogistics_append_only()"
            )
        for table in _UNDELETABLE:
            op.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION smartlogistics_append_only()"
            )
    else:
        for table in _APPEND_ONLY:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
        for table in _UNDELETABLE:
            op.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def downgrade() -> None:
    """Drop the hub core tables (their triggers go with them)."""
    for table in (
        "hub_changes",
        "hub_acl",
        "hub_action_requests",
        "hub_events",
        "hub_object_revisions",
        "hub_objects",
    ):
        op.drop_table(table)
