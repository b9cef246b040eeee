"""Reading the change feed ``hub_changes`` without skipping a change that commits late.

``hub_changes.seq`` is assigned when a row is inserted, not when its transaction commits.
On PostgreSQL two transactions can take seqs 10 and 11 and commit 11 first: a reader that
saw 11 and then remembered "everything up to 11 is done" would never see 10. (SQLite has
one writer at a time, so there seqs become visible in order; the same reader is correct
there too.)

:class:`ChangeFeed` therefore keeps three things per reader:

- ``cursor``, the low-water mark: every seq ``<= cursor`` is processed or known to be
  absent. Only this is persisted (``hub_dispatch_cursor``).
- ``high``, the largest seq seen; seqs above it are read in order.
- ``missing``, the seqs between ``cursor`` and ``high`` not seen yet, each with the time it
  was first missed. Each read asks for them again. One that appears is processed then
  (commit order, not seq order); one still missing after ``gap_timeout_s`` is taken as a
  rolled-back insert (PostgreSQL never reuses a sequence value) and the cursor passes it.

After a restart ``high`` starts at the persisted cursor, so the changes after the first
gap are read again: readers must be idempotent (the dispatcher's deliveries are unique
per change and route) or accept at-least-once (the in-process bus). A change whose
transaction takes longer than ``gap_timeout_s`` to commit after taking its seq would be
missed; the default timeout (30 s) is far above the hub's transactions, which never wait
for anything but the database.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from smartlogistics.hub._tables import hub_changes

__all__ = ["Change", "ChangeFeed", "head_seq", "row_to_change"]


@dataclass(frozen=True, slots=True)
class Change:
    """One committed change of the hub, as recorded in ``hub_changes``.

    Attributes
    ----------
    seq
        Position in the feed (insertion order).
    kind
        The ``api:NotificationEventType`` local name, e.g. ``LOGISTICS_OBJECT_CREATED``,
        ``LOGISTICS_EVENT_RECEIVED``, ``CHANGE_REQUEST_ACCEPTED``.
    object_uri
        The logistics object concerned.
    object_type
        Its type (full IRI, e.g. ``https://onerecord.iata.org/ns/cargo#Shipment``).
    revision
        The object's revision after the change, if the change produced one.
    event_uri
        The logistics event received, for ``LOGISTICS_EVENT_RECEIVED``.
    action_request_uri
        The action request the change belongs to, if any.
    changed_properties
        IRIs of the properties changed (empty on creation).
    created_at
        When the change was recorded (UTC).
    """

    seq: int
    kind: str
    object_uri: str
    object_type: str
    revision: int | None
    event_uri: str | None
    action_request_uri: str | None
    changed_properties: tuple[str, ...]
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        """Return the change as plain JSON types."""
        return {
            "seq": self.seq,
            "kind": self.kind,
            "object_uri": self.object_uri,
            "object_type": self.object_type,
            "revision": self.revision,
            "event_uri": self.event_uri,
            "action_request_uri": self.action_request_uri,
            "changed_properties": list(self.changed_properties),
            "created_at": self.created_at.isoformat(),
        }


def row_to_change(row: Any) -> Change:
    """Build a :class:`Change` from a ``hub_changes`` row."""
    props = row.changed_properties or []
    return Change(
        seq=int(row.seq),
        kind=str(row.kind),
        object_uri=str(row.object_uri),
        object_type=str(row.object_type),
        revision=None if row.revision is None else int(row.revision),
        event_uri=row.event_uri,
        action_request_uri=row.action_request_uri,
        changed_properties=tuple(str(p) for p in props),
        created_at=row.created_at,
    )


def head_seq(conn: Connection) -> int:
    """Return the largest seq in ``hub_changes`` (0 when empty)."""
    value = conn.execute(select(func.max(hub_changes.c.seq))).scalar()
    return int(value or 0)


@dataclass(slots=True)
class _Read:
    changes: list[Change]
    high: int
    missing: dict[int, float]
    cursor: int


class ChangeFeed:
    """One reader's position in ``hub_changes`` (see the module docstring).

    Parameters
    ----------
    cursor
        The persisted low-water mark to start from.
    gap_timeout_s
        How long a missing seq is awaited before the cursor passes it.
    clock
        Monotonic seconds (tests pass a fake clock).
    """

    #: Most missing seqs asked for again in one read (a huge gap is asked in slices).
    MISSING_PER_READ = 500
    #: Longest run of missing seqs awaited; older ones in a longer run are taken as rolled
    #: back at once (far more than transactions in flight; such runs are failed inserts).
    MAX_GAP = 10_000

    def __init__(
        self,
        cursor: int,
        *,
        gap_timeout_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.cursor = cursor
        self.high = cursor
        self.missing: dict[int, float] = {}
        self.gap_timeout_s = gap_timeout_s
        self._clock = clock
        self._staged: _Read | None = None

    def read(self, conn: Connection, limit: int = 500) -> list[Change]:
        """Return the changes not yet processed: late ones first, then new ones in order.

        The position moves only when :meth:`commit` is called after the caller has
        processed (and durably recorded) the changes; :meth:`rollback` forgets the read.
        """
        now = self._clock()
        found: list[Change] = []
        missing = dict(self.missing)
        if missing:
            wanted = sorted(missing)[: self.MISSING_PER_READ]
            rows = conn.execute(
                select(hub_changes).where(hub_changes.c.seq.in_(wanted)).order_by(hub_changes.c.seq)
            ).all()
            for row in rows:
                missing.pop(int(row.seq), None)
                found.append(row_to_change(row))
        rows = conn.execute(
            select(hub_changes)
            .where(hub_changes.c.seq > self.high)
            .order_by(hub_changes.c.seq)
            .limit(limit)
        ).all()
        high = self.high
        for row in rows:
            seq = int(row.seq)
            for absent in range(max(high + 1, seq - self.MAX_GAP), seq):
                missing[absent] = now
            high = seq
            found.append(row_to_change(row))
        for seq, since in list(missing.items()):
            if now - since >= self.gap_timeout_s:
                del missing[seq]  # rolled back: PostgreSQL never hands a seq out twice
        cursor = (min(missing) - 1) if missing else high
        self._staged = _Read(found, high, missing, max(cursor, self.cursor))
        return found

    def commit(self) -> int:
        """Take the last read as processed; return the new low-water mark."""
        staged = self._staged
        if staged is not None:
            self.high, self.missing, self.cursor = staged.high, staged.missing, staged.cursor
            self._staged = None
        return self.cursor

    def rollback(self) -> None:
        """Forget the last read (its processing failed); it is read again next time."""
        self._staged = None

    @property
    def staged_cursor(self) -> int:
        """The low-water mark :meth:`commit` would set (the current one without a read)."""
        return self._staged.cursor if self._staged is not None else self.cursor

    @property
    def waiting(self) -> Sequence[int]:
        """The seqs awaited (taken but not yet visible), in order."""
        return sorted(self.missing)
