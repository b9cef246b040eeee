"""Digital twin runs and their results (KPIs per policy, SmartGate, hub, series).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``twin_runs``, ``twin_run_results`` and ``twin_run_series``."""
    op.create_table(
        "twin_runs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("scenario", sa.JSON(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("policies", sa.JSON(), nullable=False),
        sa.Column("label", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_twin_runs"),
    )
    op.create_index("ix_twin_runs_created_at", "twin_runs", ["created_at"])
    op.create_table(
        "twin_run_results",
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("policies", sa.JSON(), nullable=False),
        sa.Column("smartgate", sa.JSON(), nullable=False),
        sa.Column("hub", sa.JSON(), nullable=False),
        sa.Column("comparison", sa.JSON(), nullable=False),
        sa.Column("disruptions", sa.JSON(), nullable=False),
        sa.Column("digests", sa.JSON(), nullable=False),
        sa.Column("timings", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", name="pk_twin_run_results"),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["twin_runs.id"],
            name="fk_twin_run_results_run_id_twin_runs",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "twin_run_series",
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("policy", sa.String(32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "name", "policy", name="pk_twin_run_series"),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["twin_runs.id"],
            name="fk_twin_run_series_run_id_twin_runs",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_table("twin_run_series")
    op.drop_table("twin_run_results")
    op.drop_index("ix_twin_runs_created_at", table_name="twin_runs")
    op.drop_table("twin_runs")
