"""Tables of the twin's stored runs (migration ``0004_twin_runs`` creates them).

- ``twin_runs``: one row per finished run: id, when it started and finished, status, the
  scenario, its seed and days, the policies run.
- ``twin_run_results``: the run's KPIs (per policy, SmartGate, hub counts, the comparison),
  its disruptions, digests and timings.
- ``twin_run_series``: the dashboard's time series, one row per (series, policy); series
  without a policy (``days``, ``smartgate_queue``) have policy ``""``.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
)

__all__ = ["twin_metadata", "twin_run_results", "twin_run_series", "twin_runs"]

twin_metadata = MetaData()

twin_runs = Table(
    "twin_runs",
    twin_metadata,
    Column("id", String(36), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("status", String(16), nullable=False),
    Column("scenario", JSON, nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("days", Integer, nullable=False),
    Column("policies", JSON, nullable=False),
    Column("label", String(200), nullable=True),
)

twin_run_results = Table(
    "twin_run_results",
    twin_metadata,
    Column("run_id", String(36), ForeignKey("twin_runs.id", ondelete="CASCADE"), primary_key=True),
    Column("schema_version", Integer, nullable=False),
    Column("policies", JSON, nullable=False),
    Column("smartgate", JSON, nullable=False),
    Column("hub", JSON, nullable=False),
    Column("comparison", JSON, nullable=False),
    Column("disruptions", JSON, nullable=False),
    Column("digests", JSON, nullable=False),
    Column("timings", JSON, nullable=False),
)

twin_run_series = Table(
    "twin_run_series",
    twin_metadata,
    Column("run_id", String(36), ForeignKey("twin_runs.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(64), nullable=False),
    Column("policy", String(32), nullable=False),
    Column("data", JSON, nullable=False),
    PrimaryKeyConstraint("run_id", "name", "policy"),
)
