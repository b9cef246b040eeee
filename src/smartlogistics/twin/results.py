"""Twin runs in the platform database: store a finished run, read the latest or any one.

:func:`save_run` writes a run (its row, its KPIs and every series) in **one transaction**
at the end of the run, so an interrupted run (Ctrl-C) leaves nothing half-written and the
next run starts from a consistent database. :func:`latest_run` is what the dashboard
reads; :func:`load_run` reads one by id and :func:`list_runs` lists them, newest first.
The tables are created by migration ``0004_twin_runs``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select

from smartlogistics.errors import InvalidInputError
from smartlogistics.twin._tables import twin_run_results, twin_run_series, twin_runs
from smartlogistics.twin.run import SCHEMA_VERSION, TwinResult

__all__ = ["RunInfo", "StoredRun", "latest_run", "list_runs", "load_run", "save_run"]

_POLICY_SERIES = ("departures", "flows", "emissions_wtw_kg", "replans")


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class RunInfo:
    """A stored run's row (without its results)."""

    id: str
    created_at: datetime
    finished_at: datetime | None
    status: str
    seed: int
    days: int
    policies: tuple[str, ...]
    label: str | None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (times ISO 8601 UTC)."""
        return {
            "id": self.id,
            "created_at": self.created_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "status": self.status,
            "seed": self.seed,
            "days": self.days,
            "policies": list(self.policies),
            "label": self.label,
        }


@dataclass(frozen=True)
class StoredRun:
    """A stored run: its row and its :class:`~smartlogistics.twin.run.TwinResult`."""

    info: RunInfo
    result: TwinResult

    @property
    def id(self) -> str:
        """The run's id."""
        return self.info.id

    def to_json(self) -> dict[str, Any]:
        """``{"run": RunInfo.to_json(), "result": TwinResult.to_json()}``."""
        return {"run": self.info.to_json(), "result": self.result.to_json()}


def save_run(
    engine: Engine,
    result: TwinResult,
    *,
    run_id: str | None = None,
    started_at: datetime | None = None,
    label: str | None = None,
) -> str:
    """Store a finished run and all its results in one transaction; return its id."""
    rid = run_id or str(uuid.uuid4())
    now = datetime.now(UTC)
    data = result.to_json()
    series = data["series"]
    rows: list[dict[str, Any]] = [
        {"run_id": rid, "name": "days", "policy": "", "data": series["days"]},
        {"run_id": rid, "name": "smartgate_queue", "policy": "", "data": series["smartgate_queue"]},
    ]
    for policy, values in series["trucks_per_day"].items():
        rows.append({"run_id": rid, "name": "trucks_per_day", "policy": policy, "data": values})
    for policy, parts in series["policies"].items():
        for name in _POLICY_SERIES:
            rows.append({"run_id": rid, "name": name, "policy": policy, "data": parts[name]})
    with engine.begin() as conn:
        conn.execute(
            insert(twin_runs).values(
                id=rid,
                created_at=_utc(started_at) if started_at else now,
                finished_at=now,
                status="finished",
                scenario=data["scenario"],
                seed=result.scenario.seed,
                days=result.scenario.days,
                policies=list(result.policies),
                label=label,
            )
        )
        conn.execute(
            insert(twin_run_results).values(
                run_id=rid,
                schema_version=SCHEMA_VERSION,
                policies=data["policies"],
                smartgate=data["smartgate"],
                hub=data["hub"],
                comparison=data["comparison"],
                disruptions=data["disruptions"],
                digests=data["digests"],
                timings=data["timings_s"],
            )
        )
        conn.execute(insert(twin_run_series), rows)
    return rid


def _info(row: Any) -> RunInfo:
    return RunInfo(
        id=row.id,
        created_at=_utc(row.created_at),
        finished_at=_utc(row.finished_at) if row.finished_at is not None else None,
        status=row.status,
        seed=int(row.seed),
        days=int(row.days),
        policies=tuple(row.policies),
        label=row.label,
    )


def list_runs(engine: Engine, *, limit: int = 50) -> list[RunInfo]:
    """List the stored runs, newest first."""
    query = select(twin_runs).order_by(twin_runs.c.created_at.desc(), twin_runs.c.id).limit(limit)
    with engine.connect() as conn:
        return [_info(row) for row in conn.execute(query)]


def load_run(engine: Engine, run_id: str) -> StoredRun:
    """Read one stored run.

    Raises
    ------
    InvalidInputError
        ``run_id`` when there is no such run.
    """
    with engine.connect() as conn:
        row = conn.execute(select(twin_runs).where(twin_runs.c.id == run_id)).first()
        if row is None:
            raise InvalidInputError("run_id", f"no twin run {run_id!r}")
        res = conn.execute(
            select(twin_run_results).where(twin_run_results.c.run_id == run_id)
        ).first()
        series_rows = conn.execute(
            select(twin_run_series).where(twin_run_series.c.run_id == run_id)
        ).all()
    if res is None:  # pragma: no cover - written in the same transaction as the run row
        raise InvalidInputError("run_id", f"twin run {run_id!r} has no results")
    series: dict[str, Any] = {"trucks_per_day": {}, "policies": {}}
    for s in series_rows:
        if not s.policy:
            series[s.name] = s.data
        elif s.name == "trucks_per_day":
            series["trucks_per_day"][s.policy] = s.data
        else:
            series["policies"].setdefault(s.policy, {})[s.name] = s.data
    info = _info(row)
    order = list(info.policies)
    series["trucks_per_day"] = {p: series["trucks_per_day"][p] for p in order}
    series["policies"] = {p: series["policies"][p] for p in order}
    result = TwinResult.from_json(
        {
            "schema_version": res.schema_version,
            "scenario": row.scenario,
            "policies": {p: res.policies[p] for p in order},
            "smartgate": res.smartgate,
            "hub": res.hub,
            "comparison": res.comparison,
            "disruptions": res.disruptions,
            "series": series,
            "digests": res.digests,
            "timings_s": res.timings,
        }
    )
    return StoredRun(info, result)


def latest_run(engine: Engine) -> StoredRun | None:
    """Return the newest finished run, ``None`` when none is stored (or no tables yet)."""
    from sqlalchemy.exc import DBAPIError

    query = (
        select(twin_runs.c.id)
        .where(twin_runs.c.status == "finished")
        .order_by(twin_runs.c.created_at.desc(), twin_runs.c.id.desc())
        .limit(1)
    )
    try:
        with engine.connect() as conn:
            rid = conn.execute(query).scalar()
    except DBAPIError:  # not migrated to 0004 yet: no runs
        return None
    return load_run(engine, str(rid)) if rid is not None else None
