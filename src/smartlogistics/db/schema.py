"""Tables of the platform's database (SQLAlchemy Core).

The tables are described here once; Alembic migrations under ``migrations/versions`` create
and change them. A test checks that the migrated schema matches these definitions, so the
two cannot drift apart.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

__all__ = ["metadata", "smartgate_decisions", "smartgate_outcomes"]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: SmartGate's append-only decision log: one row per screening decision, never updated or
#: deleted (enforced by database triggers created in the migration).
smartgate_decisions = Table(
    "smartgate_decisions",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True, comment="append order"),
    Column("id", String(36), nullable=False, unique=True, comment="decision id (UUID)"),
    Column("consignment_id", String(100), nullable=False),
    Column("input_hash", String(64), nullable=False, comment="SHA-256 of the canonical input"),
    Column("lane", String(8), nullable=False, comment="GREEN, RFI, RED or DNL"),
    Column("status_code", String(4), nullable=False, comment="CSN customs status code"),
    Column("score", Float, nullable=True, comment="model probability, null without model"),
    Column("threshold", Float, nullable=True),
    Column("rule_set_version", String(200), nullable=False),
    Column("model_version", String(200), nullable=True),
    Column("reasons", JSON, nullable=False),
    Column("consignment", JSON, nullable=False, comment="the screened input, for retraining"),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Index("ix_smartgate_decisions_consignment_id", "consignment_id"),
    Index("ix_smartgate_decisions_decided_at", "decided_at"),
)

#: Inspection outcomes recorded against decisions; append-only as well: a corrected outcome
#: is a new row, and the latest row of a decision counts.
smartgate_outcomes = Table(
    "smartgate_outcomes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "decision_id",
        String(36),
        ForeignKey("smartgate_decisions.id", ondelete="RESTRICT"),
        nullable=False,
    ),
    Column("illicit", Boolean, nullable=False, comment="the inspection found a violation"),
    Column("value_at_stake", Float, nullable=True, comment="duty or value at stake, EUR"),
    Column("agency", String(50), nullable=True),
    Column("notes", Text, nullable=True),
    Column("inspected_at", DateTime(timezone=True), nullable=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index("ix_smartgate_outcomes_decision_id", "decision_id"),
)
