"""SmartGate's decision log in the platform database: append, look up, learn, report.

Every screening decision is appended with the input it was made on; inspection outcomes
are appended against decisions. Nothing is ever updated or deleted (the migration's
triggers refuse it), so the log is evidence of what was decided, on which data, with which
rule-set and model versions. The log takes SmartGate's plain JSON (``Decision.to_json()``,
``Consignment.to_record()``), so SmartGate itself stays free of the database.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, insert, select

from smartlogistics.db.schema import smartgate_decisions, smartgate_outcomes
from smartlogistics.errors import InvalidInputError

__all__ = ["DecisionLog"]

_REQUIRED = ("consignment_id", "input_hash", "lane", "status_code", "rule_set_version")


def _now() -> datetime:
    return datetime.now(UTC)


def _moment(value: Any, field: str) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidInputError(field, f"not an ISO 8601 time: {value!r}") from None
    else:
        raise InvalidInputError(field, "expected an ISO 8601 time")
    if moment.tzinfo is None:
        raise InvalidInputError(field, f"{moment.isoformat()} has no UTC offset")
    return moment.astimezone(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes for timestamptz columns; they were stored as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


class DecisionLog:
    """The append-only decision log over one engine (SQLite or PostgreSQL).

    Parameters
    ----------
    engine
        An engine whose database has been migrated (``smartlogistics.db.upgrade``).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def append(
        self, decisions: Sequence[Mapping[str, Any]], consignments: Sequence[Mapping[str, Any]]
    ) -> list[str]:
        """Append decisions with the inputs they were made on, in one transaction.

        Returns the new decision ids (UUIDs), in order. Either all rows are stored or none.

        Raises
        ------
        InvalidInputError
            Lengths differ, or a decision lacks a required key (field
            ``decisions[i].<key>``); nothing is stored then.
        """
        if len(decisions) != len(consignments):
            raise InvalidInputError(
                "consignments", f"{len(consignments)} inputs for {len(decisions)} decisions"
            )
        rows: list[dict[str, Any]] = []
        for i, (decision, consignment) in enumerate(zip(decisions, consignments, strict=True)):
            for key in _REQUIRED:
                if not decision.get(key):
                    raise InvalidInputError(f"decisions[{i}].{key}", "missing")
            decided = decision.get("decided_at")
            rows.append(
                {
                    "id": str(uuid.uuid4()),
                    "consignment_id": str(decision["consignment_id"]),
                    "input_hash": str(decision["input_hash"]),
                    "lane": str(decision["lane"]),
                    "status_code": str(decision["status_code"]),
                    "score": decision.get("score"),
                    "threshold": decision.get("threshold"),
                    "rule_set_version": str(decision["rule_set_version"]),
                    "model_version": decision.get("model_version"),
                    "reasons": list(decision.get("reasons", ())),
                    "consignment": dict(consignment),
                    "decided_at": _now()
                    if decided is None
                    else _moment(decided, f"decisions[{i}].decided_at"),
                }
            )
        if rows:
            with self.engine.begin() as conn:
                conn.execute(insert(smartgate_decisions), rows)
        return [row["id"] for row in rows]

    def get(self, decision_id: str) -> dict[str, Any] | None:
        """Return a stored decision with its outcomes (oldest first), or ``None``."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(smartgate_decisions).where(smartgate_decisions.c.id == decision_id)
            ).first()
            if row is None:
                return None
            outcomes = conn.execute(
                select(smartgate_outcomes)
                .where(smartgate_outcomes.c.decision_id == decision_id)
                .order_by(smartgate_outcomes.c.id)
            ).all()
        return {
            "id": row.id,
            "consignment_id": row.consignment_id,
            "input_hash": row.input_hash,
            "lane": row.lane,
            "status_code": row.status_code,
            "score": row.score,
            "threshold": row.threshold,
            "rule_set_version": row.rule_set_version,
            "model_version": row.model_version,
            "reasons": row.reasons,
            "consignment": row.consignment,
            "decided_at": _iso(row.decided_at),
            "outcomes": [_outcome_json(o) for o in outcomes],
        }

    def record_outcome(
        self,
        decision_id: str,
        *,
        illicit: bool,
        value_at_stake: float | None = None,
        agency: str | None = None,
        notes: str | None = None,
        inspected_at: datetime | None = None,
    ) -> dict[str, Any]:
        """Append an inspection outcome for a decision; the latest outcome counts.

        Raises
        ------
        InvalidInputError
            Unknown decision (field ``decision_id``), negative value, or a time without an
            offset (field ``inspected_at``).
        """
        outcome = {
            "decision_id": decision_id,
            "illicit": illicit,
            "value_at_stake": value_at_stake,
            "agency": agency,
            "notes": notes,
            "inspected_at": inspected_at,
        }
        return self.record_outcomes([outcome], prefix=None)[0]

    def record_outcomes(
        self, outcomes: Sequence[Mapping[str, Any]], *, prefix: str | None = "outcomes"
    ) -> list[dict[str, Any]]:
        """Append several outcomes in one transaction: all are stored, or none.

        Each mapping has ``decision_id`` and ``illicit`` and optionally ``value_at_stake``,
        ``agency``, ``notes`` and ``inspected_at`` (a datetime with offset, stored in UTC).

        Raises
        ------
        InvalidInputError
            Naming ``outcomes[i].<field>`` (or just ``<field>`` with ``prefix=None``): an
            unknown decision, a negative value, a time without an offset.
        """
        rows: list[dict[str, Any]] = []
        recorded = _now()
        for i, outcome in enumerate(outcomes):
            where = "" if prefix is None else f"{prefix}[{i}]."
            value = outcome.get("value_at_stake")
            if value is not None and not value >= 0:
                raise InvalidInputError(f"{where}value_at_stake", f"must be >= 0, got {value!r}")
            inspected = outcome.get("inspected_at")
            if inspected is not None:
                inspected = _moment(inspected, f"{where}inspected_at")
            rows.append(
                {
                    "decision_id": str(outcome["decision_id"]),
                    "illicit": bool(outcome["illicit"]),
                    "value_at_stake": value,
                    "agency": outcome.get("agency"),
                    "notes": outcome.get("notes"),
                    "inspected_at": inspected,
                    "recorded_at": recorded,
                }
            )
        results: list[dict[str, Any]] = []
        with self.engine.begin() as conn:
            wanted = {row["decision_id"] for row in rows}
            known = set(
                conn.execute(
                    select(smartgate_decisions.c.id).where(smartgate_decisions.c.id.in_(wanted))
                ).scalars()
            )
            for i, row in enumerate(rows):
                if row["decision_id"] not in known:
                    where = "" if prefix is None else f"{prefix}[{i}]."
                    raise InvalidInputError(
                        f"{where}decision_id", f"no decision {row['decision_id']!r}"
                    )
            for row in rows:
                key = conn.execute(insert(smartgate_outcomes).values(**row)).inserted_primary_key
                results.append({"id": int(key[0]) if key else None, **_outcome_json_row(row)})
        return results

    def labelled_history(self) -> list[dict[str, Any]]:
        """Rows for retraining: each decided consignment that has an outcome, with its label.

        Each row is the consignment's record plus ``date`` (decision time, ISO 8601),
        ``label`` (1 illicit, 0 clean; the latest outcome) and ``value_at_stake``.
        """
        latest = (
            select(
                smartgate_outcomes.c.decision_id,
                func.max(smartgate_outcomes.c.id).label("last_id"),
            )
            .group_by(smartgate_outcomes.c.decision_id)
            .subquery()
        )
        query = (
            select(
                smartgate_decisions.c.consignment,
                smartgate_decisions.c.decided_at,
                smartgate_outcomes.c.illicit,
                smartgate_outcomes.c.value_at_stake,
            )
            .join(latest, latest.c.decision_id == smartgate_decisions.c.id)
            .join(smartgate_outcomes, smartgate_outcomes.c.id == latest.c.last_id)
            .order_by(smartgate_decisions.c.seq)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            {
                **row.consignment,
                "date": _iso(row.decided_at),
                "label": int(row.illicit),
                "value_at_stake": row.value_at_stake,
            }
            for row in rows
        ]

    def report(self, since: datetime | None = None) -> dict[str, Any]:
        """Hit rate, precision and recall of the decisions since ``since`` (default: all).

        ``precision`` is the share of inspected RED/DNL decisions whose latest outcome is
        illicit; ``recall`` the share of all decisions known to be illicit (from any
        outcome, e.g. random audits of green consignments) that were sent RED/DNL. Both are
        ``None`` when there is nothing to divide by.
        """
        query = select(smartgate_decisions.c.id, smartgate_decisions.c.lane)
        if since is not None:
            query = query.where(smartgate_decisions.c.decided_at >= since)
        outcome_q = select(smartgate_outcomes.c.decision_id, smartgate_outcomes.c.illicit).order_by(
            smartgate_outcomes.c.id
        )
        with self.engine.connect() as conn:
            lanes = {row.id: row.lane for row in conn.execute(query)}
            last: dict[str, bool] = {}
            for row in conn.execute(outcome_q):
                if row.decision_id in lanes:
                    last[row.decision_id] = bool(row.illicit)
        counts = Counter(lanes.values())
        total = len(lanes)
        flagged = {d for d, lane in lanes.items() if lane in ("RED", "DNL")}
        inspected = [d for d in flagged if d in last]
        hits = sum(1 for d in inspected if last[d])
        illicit = [d for d, bad in last.items() if bad]
        caught = sum(1 for d in illicit if d in flagged)
        return {
            "decisions": total,
            "lanes": {lane: counts.get(lane, 0) for lane in ("GREEN", "RFI", "RED", "DNL")},
            "inspection_rate": len(flagged) / total if total else None,
            "inspected_with_outcome": len(inspected),
            "hits": hits,
            "precision": hits / len(inspected) if inspected else None,
            "recall": caught / len(illicit) if illicit else None,
        }


def _iso(moment: datetime | None) -> str | None:
    aware = _aware(moment)
    return aware.isoformat() if aware is not None else None


def _outcome_json_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "decision_id": row["decision_id"],
        "illicit": bool(row["illicit"]),
        "value_at_stake": row["value_at_stake"],
        "agency": row["agency"],
        "notes": row["notes"],
        "inspected_at": _iso(row["inspected_at"]),
        "recorded_at": _iso(row["recorded_at"]),
    }


def _outcome_json(row: Any) -> dict[str, Any]:
    return {"id": row.id, **_outcome_json_row(row._mapping)}
