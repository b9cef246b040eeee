"""Authorization per logistics object, deny by default (security-access-control.md).

The holder (the agent that created the object) has every permission; everybody else has
exactly the permissions granted in ``hub_acl``: to a single agent (``grant`` or an
accepted access delegation, optionally until ``expires_at``) or to
:data:`~smartlogistics.hub._tables.PUBLIC_AGENT` (every authenticated agent, "Public
Authorization"). Without a grant the hub answers 403 (:func:`require`), and the 403 body
never carries the object's content.

The four permissions every server MUST support are the ``api:Permission`` individuals
:data:`GET_LOGISTICS_OBJECT`, :data:`PATCH_LOGISTICS_OBJECT`,
:data:`POST_LOGISTICS_EVENT`, :data:`GET_LOGISTICS_EVENT`. The events helper calls
``require(conn, object_id, agent, GET_LOGISTICS_EVENT)`` etc. the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import Connection, and_, bindparam, delete, insert, or_, select

from smartlogistics.hub._errors import HubError
from smartlogistics.hub._tables import PUBLIC_AGENT, hub_acl, hub_objects

__all__ = [
    "GET_LOGISTICS_EVENT",
    "GET_LOGISTICS_OBJECT",
    "PATCH_LOGISTICS_OBJECT",
    "PERMISSIONS",
    "POST_LOGISTICS_EVENT",
    "PUBLIC_AGENT",
    "can",
    "grant",
    "owner_of",
    "require",
    "revoke_request_grants",
]

_API: Final = "https://onerecord.iata.org/ns/api#"
GET_LOGISTICS_OBJECT: Final = _API + "GET_LOGISTICS_OBJECT"
PATCH_LOGISTICS_OBJECT: Final = _API + "PATCH_LOGISTICS_OBJECT"
POST_LOGISTICS_EVENT: Final = _API + "POST_LOGISTICS_EVENT"
GET_LOGISTICS_EVENT: Final = _API + "GET_LOGISTICS_EVENT"
PERMISSIONS: Final = frozenset(
    {GET_LOGISTICS_OBJECT, PATCH_LOGISTICS_OBJECT, POST_LOGISTICS_EVENT, GET_LOGISTICS_EVENT}
)


# Built once: SQLAlchemy then reuses its cache key and compiled form on every check.
_GRANTED: Final = (
    select(hub_acl.c.id)
    .where(
        hub_acl.c.object_id == bindparam("object_id"),
        hub_acl.c.permission == bindparam("permission"),
        or_(hub_acl.c.agent == bindparam("agent"), hub_acl.c.agent == bindparam("public")),
        or_(hub_acl.c.expires_at.is_(None), hub_acl.c.expires_at > bindparam("moment")),
    )
    .limit(1)
)


def owner_of(conn: Connection, object_id: str) -> str | None:
    """Return the holder (owner agent URI) of the object, ``None`` when it does not exist."""
    row = conn.execute(select(hub_objects.c.owner).where(hub_objects.c.id == object_id)).first()
    return None if row is None else str(row[0])


def can(
    conn: Connection,
    object_id: str,
    agent: str,
    permission: str,
    *,
    owner: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Whether ``agent`` has ``permission`` on the object (owner, grant or PUBLIC).

    ``owner`` may be passed when the caller already read it (saves a query).
    """
    if owner is None:
        owner = owner_of(conn, object_id)
    if owner is not None and owner == agent:
        return True
    moment = now or datetime.now(UTC)
    params = {
        "object_id": object_id,
        "permission": permission,
        "agent": agent,
        "public": PUBLIC_AGENT,
        "moment": moment,
    }
    return conn.execute(_GRANTED, params).first() is not None


def require(
    conn: Connection,
    object_id: str,
    agent: str,
    permission: str,
    *,
    resource: str | None = None,
    owner: str | None = None,
) -> None:
    """Raise a 403 :class:`HubError` unless ``agent`` has ``permission`` on the object."""
    if not can(conn, object_id, agent, permission, owner=owner):
        raise HubError(
            403,
            "Authenticated client could not be found in ACL for the Logistics Object "
            f"(permission {permission.rsplit('#', 1)[-1]} missing)",
            resource=resource,
        )


def grant(
    conn: Connection,
    object_id: str,
    agent: str,
    permissions: Iterable[str],
    *,
    via: str = "grant",
    action_request_id: str | None = None,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> None:
    """Grant ``agent`` (or :data:`PUBLIC_AGENT`) the ``permissions`` on the object."""
    moment = now or datetime.now(UTC)
    rows = [
        {
            "object_id": object_id,
            "agent": agent,
            "permission": p,
            "granted_via": via,
            "action_request_id": action_request_id,
            "granted_at": moment,
            "expires_at": expires_at,
        }
        for p in sorted(set(permissions))
    ]
    unknown = [p for p in permissions if p not in PERMISSIONS]
    if unknown:
        raise HubError(400, f"unknown permission {unknown[0]!r}", property=_API + "hasPermission")
    if rows:
        conn.execute(insert(hub_acl), rows)


def revoke_request_grants(conn: Connection, action_request_id: str) -> int:
    """Delete the grants an access delegation request made; return how many."""
    result = conn.execute(delete(hub_acl).where(hub_acl.c.action_request_id == action_request_id))
    return int(result.rowcount or 0)


def revoke_grants(conn: Connection, object_id: str, agent: str, permissions: Iterable[str]) -> int:
    """Delete direct grants of ``permissions`` to ``agent`` on the object."""
    result = conn.execute(
        delete(hub_acl).where(
            and_(
                hub_acl.c.object_id == object_id,
                hub_acl.c.agent == agent,
                hub_acl.c.permission.in_(list(permissions)),
            )
        )
    )
    return int(result.rowcount or 0)
