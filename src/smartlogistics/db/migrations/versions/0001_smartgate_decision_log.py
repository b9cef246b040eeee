"""SmartGate decision log and inspection outcomes, append-only.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APPEND_ONLY = ("smartgate_decisions", "smartgate_outcomes")


def upgrade() -> None:
    """Create the two tables and the triggers that forbid changing or deleting rows."""
    op.create_table(
        "smartgate_decisions",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("consignment_id", sa.String(100), nullable=False),
        sa.Column("input_hash", sa.String(64), nullable=False),
        sa.Column("lane", sa.String(8), nullable=False),
        sa.Column("status_code", sa.String(4), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("rule_set_version", sa.String(200), nullable=False),
        sa.Column("model_version", sa.String(200), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("consignment", sa.JSON(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_smartgate_decisions"),
        sa.UniqueConstraint("id", name="uq_smartgate_decisions_id"),
    )
    op.create_index(
        "ix_smartgate_decisions_consignment_id", "smartgate_decisions", ["consignment_id"]
    )
    op.create_index("ix_smartgate_decisions_decided_at", "smartgate_decisions", ["decided_at"])
    op.create_table(
        "smartgate_outcomes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("decision_id", sa.String(36), nullable=False),
        sa.Column("illicit", sa.Boolean(), nullable=False),
        sa.Column("value_at_stake", sa.Float(), nullable=True),
        sa.Column("agency", sa.String(50), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("inspected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_smartgate_outcomes"),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["smartgate_decisions.id"],
            name="fk_smartgate_outcomes_decision_id_smartgate_decisions",
            ondelete="RESTRICT",
        ),
    )
    op.create_index("ix_smartgate_outcomes_decision_id", "smartgate_outcomes", ["decision_id"])
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION smartlogistics_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        for table in _APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION smartlogistics_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION smartlogistics_append_only()"
            )
    else:
        for table in _APPEND_ONLY:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )


def downgrade() -> None:
    """Drop the tables (and the PostgreSQL trigger function)."""
    op.drop_table("smartgate_outcomes")
    op.drop_table("smartgate_decisions")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS smartlogistics_append_only()")
