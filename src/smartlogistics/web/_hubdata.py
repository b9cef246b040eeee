"""The hub page's data: what the ONE Record hub holds, read from its tables.

Counts of logistics objects per type and of logistics events per event code, and the
newest events for the live feed, read straight from the hub's store (``hub_objects``,
``hub_events``; read-only, one query each) so the page shows what partners see through
the ONE Record API, whether the objects came from the twin or from a partner's ``POST``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.sql.elements import ColumnElement

from smartlogistics.hub._tables import hub_events, hub_objects

__all__ = ["code_label", "events_after", "iri_label", "overview"]

_EMPTY = {
    "title": "The hub holds no logistics objects yet",
    "message": (
        "Run the digital twin, which creates the region's shipments, pieces and transport "
        "movements in the hub and posts their milestones as logistics events; or POST "
        "ONE Record objects to the hub's API."
    ),
    "command": "smartlogistics demo",
}


def iri_label(iri: str | None) -> str:
    """Short name of an IRI or code (``...cargo#Shipment`` → ``Shipment``)."""
    if not iri:
        return "(none)"
    for separator in ("#", "/", ":"):
        if separator in iri:
            iri = iri.rsplit(separator, 1)[1] or iri
    return iri


def _code_parts() -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """Return the event's code and its description, read inside the stored event.

    An ``eventCode`` given as a code-list IRI (``...StatusCode#DEP``) is stored in the
    ``event_code`` column; one given as an embedded ``cargo:CodeListElement`` (the CSN
    customs codes SmartGate posts: ``{"cargo:code": "7I", "cargo:codeDescription":
    "GREEN"}``) is stored there by its generated id, so the code is read from the body.
    """
    element = hub_events.c.body["cargo:eventCode"]
    code = func.coalesce(element["cargo:code"].as_string(), hub_events.c.event_code)
    return code, element["cargo:codeDescription"].as_string()


def code_label(code: str | None, description: str | None) -> str:
    """Return an event code as the page shows it: ``DEP``, or ``7I GREEN`` with its meaning."""
    short = iri_label(code)
    return f"{short} {description}" if description else short


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _event_rows(engine: Engine, *, after: int, limit: int) -> list[dict[str, Any]]:
    code, description = _code_parts()
    query = (
        select(
            hub_events.c.seq,
            hub_events.c.id,
            code.label("code"),
            description.label("description"),
            hub_events.c.body["cargo:eventName"].as_string().label("name"),
            hub_events.c.event_date,
            hub_events.c.created_at,
            hub_events.c.object_id,
            hub_objects.c.type_iri,
        )
        .join(hub_objects, hub_objects.c.id == hub_events.c.object_id)
        .where(hub_events.c.seq > after)
        .order_by(hub_events.c.seq.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        {
            "seq": row.seq,
            "id": row.id,
            "code": row.code,
            "code_label": code_label(row.code, row.description),
            "name": row.name,
            "event_date": _iso(row.event_date),
            "created_at": _iso(row.created_at),
            "object_id": row.object_id,
            "object_type": iri_label(row.type_iri),
        }
        for row in rows
    ]


def events_after(engine: Engine, *, after: int, limit: int) -> dict[str, Any]:
    """Return the events appended after sequence number ``after``, newest first.

    Parameters
    ----------
    engine
        The platform database.
    after
        The highest ``seq`` the client has seen (0 for none).
    limit
        At most this many events (the newest ones).

    Returns
    -------
    dict
        ``{"after", "last_seq", "events": [{"seq", "id", "code", "code_label", "name",
        "event_date", "created_at", "object_id", "object_type"}, ...]}``; ``last_seq`` is
        the highest ``seq`` returned, or ``after`` when nothing is new.
    """
    events = _event_rows(engine, after=after, limit=limit)
    return {
        "after": after,
        "last_seq": max((e["seq"] for e in events), default=after),
        "events": events,
    }


def overview(engine: Engine, *, base_url: str, feed: int = 30) -> dict[str, Any]:
    """Return the hub page's data.

    Parameters
    ----------
    engine
        The platform database.
    base_url
        The hub's base URL as this app serves it (``http://host:port/hub``).
    feed
        How many of the newest events to include.

    Returns
    -------
    dict
        ``{"run": None, "empty", "base_url", "objects": {"total", "by_type": [{"type",
        "label", "count"}]}, "events": {"total", "by_code": [{"code", "label", "count"}]},
        "feed": events_after(...)}``; ``empty`` is the empty-state message when the hub
        holds no object, else ``None``. Lists are sorted by count, largest first.
    """
    with engine.connect() as conn:
        by_type = conn.execute(
            select(hub_objects.c.type_iri, func.count()).group_by(hub_objects.c.type_iri)
        ).all()
        code, description = _code_parts()
        by_code = conn.execute(
            select(code, description, func.count()).group_by(code, description)
        ).all()
    objects = sorted(
        ({"type": t, "label": iri_label(t), "count": int(n)} for t, n in by_type),
        key=lambda row: (-row["count"], row["label"]),
    )
    events = sorted(
        ({"code": c, "label": code_label(c, d), "count": int(n)} for c, d, n in by_code),
        key=lambda row: (-row["count"], row["label"]),
    )
    total_objects = sum(row["count"] for row in objects)
    return {
        "run": None,
        "empty": _EMPTY if total_objects == 0 else None,
        "base_url": base_url,
        "objects": {"total": total_objects, "by_type": objects},
        "events": {"total": sum(row["count"] for row in events), "by_code": events},
        "feed": events_after(engine, after=0, limit=feed),
    }
