"""The hub's in-process publish/subscribe interface: other parts react to its changes.

SmartGate's bridge screens a house waybill when its data is complete, the planner's bridge
turns bookings into transport movements, the digital twin drives the whole week: they all
register here, and the hub imports none of them. A handler receives each committed
:class:`~smartlogistics.hub._feed.Change` it asked for (by ``kinds`` and/or
``object_types``, subclasses included), after the commit, in commit order, and may call
the ``HubStore`` to read the object or to write back (a customs ``LogisticsEvent``).

Guarantees
----------
- **At-least-once for named handlers.** ``subscribe(..., name="smartgate")`` keeps the
  handler's position in ``hub_dispatch_cursor`` (``bus:<name>``): after a restart it
  resumes where it stopped, so a change committed while the process was down, or whose
  handling was interrupted, is handled (possibly twice: make the handler idempotent).
- **At-most-once-after-restart for anonymous handlers.** Without a name the position is
  kept in memory, starting at the newest change when the handler subscribes.
- **A handler exception** is logged with the change and does not stop the delivery to
  other handlers, nor to the same handler's next changes (the failing change is not
  retried: a poison change must not block the feed).
- **Received notifications** (the subscriber side, ``POST /notifications``) reach
  :meth:`HubBus.subscribe_notifications` handlers after they are stored, once per
  notification id; they are handed over in memory (at-most-once if the process dies
  between the commit and the hand-over; the inbox table keeps them all).

Modes
-----
``HubBus(engine, synchronous=True)``: :meth:`HubBus.wake` (the store's commit listener)
runs the handlers at once on the committing thread; a handler that commits in turn has its
change delivered right after the current round, never re-entrantly. Results are
deterministic: the twin runs its week this way. ``synchronous=False`` (the server):
:meth:`HubBus.start` runs a thread that the commit listener wakes and that also polls, so
changes committed by other processes arrive too.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update

from smartlogistics.hub._feed import Change, ChangeFeed, head_seq
from smartlogistics.hub._notify_tables import hub_dispatch_cursor

__all__ = [
    "BusSubscription",
    "Change",
    "ChangeHandler",
    "HubBus",
    "NotificationHandler",
    "ReceivedNotification",
]

log = logging.getLogger("smartlogistics.hub.bus")

ChangeHandler = Callable[[Change], None]


@dataclass(frozen=True, slots=True)
class ReceivedNotification:
    """A notification this hub received as a subscriber (``POST /notifications``).

    Attributes
    ----------
    notification_id
        Its ``@id`` (the publisher's de-duplication id), or a local ``urn:uuid:`` when the
        publisher sent none.
    sender
        The authenticated agent that posted it.
    event_type
        ``api:NotificationEventType`` local name (``LOGISTICS_OBJECT_UPDATED``, ...).
    object_uri, object_type, event_uri, action_request_uri
        ``hasLogisticsObject``, ``hasLogisticsObjectType``, ``hasLogisticsEvent`` and
        ``isTriggeredBy``, when present.
    changed_properties
        ``hasChangedProperty`` IRIs.
    body
        The whole notification (compacted JSON-LD).
    received_at
        When it was stored (UTC).
    """

    notification_id: str
    sender: str
    event_type: str
    object_uri: str | None
    object_type: str | None
    event_uri: str | None
    action_request_uri: str | None
    changed_properties: tuple[str, ...]
    body: dict[str, Any]
    received_at: datetime

    def to_json(self) -> dict[str, Any]:
        """Return the notification record as plain JSON types."""
        return {
            "notification_id": self.notification_id,
            "sender": self.sender,
            "event_type": self.event_type,
            "object_uri": self.object_uri,
            "object_type": self.object_type,
            "event_uri": self.event_uri,
            "action_request_uri": self.action_request_uri,
            "changed_properties": list(self.changed_properties),
            "body": self.body,
            "received_at": self.received_at.isoformat(),
        }


NotificationHandler = Callable[[ReceivedNotification], None]


@dataclass(eq=False)
class BusSubscription:
    """A registered handler; :meth:`close` unregisters it.

    Attributes
    ----------
    name
        The durable name (``None`` for an anonymous handler).
    kinds
        Change kinds delivered (``None`` = all).
    object_types
        Object types delivered, subclasses included (``None`` = all).
    delivered
        Changes (or notifications) handed to the handler so far in this process.
    failed
        Of those, how many raised.
    """

    handler: Callable[[Any], None]
    name: str | None
    kinds: frozenset[str] | None
    object_types: frozenset[str] | None
    _bus: HubBus = field(repr=False)
    _feed: ChangeFeed | None = field(default=None, repr=False)
    delivered: int = 0
    failed: int = 0
    closed: bool = False

    def close(self) -> None:
        """Stop delivering to this handler (its durable position stays stored)."""
        if not self.closed:
            self.closed = True
            self._bus._remove(self)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class HubBus:
    """In-process publish/subscribe over the hub's committed changes.

    Parameters
    ----------
    engine
        The hub's database (migrated to at least revision 0003).
    synchronous
        Deliver inline on :meth:`wake` (deterministic, for the twin and tests) instead of
        on a background thread.
    gap_timeout_s
        How long a change that took its seq but is not committed yet is awaited (see
        :mod:`smartlogistics.hub._feed`).
    poll_s
        Background mode: how often to look for changes of other processes.
    batch
        Changes read per handler and round.
    is_subclass
        ``(type, of) -> bool`` for ``object_types``; default the cargo ontology's
        (loaded on first use).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        synchronous: bool = False,
        gap_timeout_s: float = 30.0,
        poll_s: float = 1.0,
        batch: int = 500,
        is_subclass: Callable[[str, str], bool] | None = None,
    ) -> None:
        self.engine = engine
        self.synchronous = synchronous
        self.gap_timeout_s = gap_timeout_s
        self.poll_s = poll_s
        self.batch = batch
        self._is_subclass = is_subclass
        self._type_cache: dict[tuple[str, frozenset[str]], bool] = {}
        self._subs: list[BusSubscription] = []
        self._note_subs: list[BusSubscription] = []
        self._lock = threading.RLock()
        self._active = False
        self._again = False
        self._inbox: deque[ReceivedNotification] = deque()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- registration -----------------------------------------------------------------

    def subscribe(
        self,
        handler: ChangeHandler,
        *,
        kinds: Iterable[str] | None = None,
        object_types: Iterable[str] | None = None,
        name: str | None = None,
        from_start: bool = False,
    ) -> BusSubscription:
        """Register ``handler`` for changes committed from now on.

        Parameters
        ----------
        handler
            Called with each matching :class:`Change`.
        kinds
            Only these change kinds (``LOGISTICS_OBJECT_CREATED``, ...); ``None`` = all.
        object_types
            Only objects of these classes or their subclasses (full IRIs).
        name
            Durable name: the position survives restarts (at-least-once). A name can be
            registered once per bus.
        from_start
            A durable handler seen for the first time starts at the beginning of the
            feed instead of at its newest change.

        Returns
        -------
        BusSubscription
            The handle (``close()`` to unregister).
        """
        with self._lock:
            if name is not None and any(s.name == name for s in self._subs):
                raise ValueError(f"a bus handler named {name!r} is registered already")
            cursor = self._start_cursor(name, from_start)
            sub = BusSubscription(
                handler,
                name,
                None if kinds is None else frozenset(kinds),
                None if object_types is None else frozenset(object_types),
                self,
                ChangeFeed(cursor, gap_timeout_s=self.gap_timeout_s),
            )
            self._subs.append(sub)
            return sub

    def subscribe_notifications(self, handler: NotificationHandler) -> BusSubscription:
        """Register ``handler`` for notifications this hub receives as a subscriber."""
        with self._lock:
            sub = BusSubscription(handler, None, None, None, self)
            self._note_subs.append(sub)
            return sub

    def _remove(self, subscription: BusSubscription) -> None:
        with self._lock:
            for subs in (self._subs, self._note_subs):
                if subscription in subs:
                    subs.remove(subscription)

    def _start_cursor(self, name: str | None, from_start: bool) -> int:
        with self.engine.begin() as conn:
            if name is None:
                return head_seq(conn)
            key = f"bus:{name}"
            row = conn.execute(
                select(hub_dispatch_cursor.c.last_seq).where(hub_dispatch_cursor.c.name == key)
            ).first()
            if row is not None:
                return int(row[0])
            start = 0 if from_start else head_seq(conn)
            conn.execute(
                insert(hub_dispatch_cursor).values(name=key, last_seq=start, updated_at=_utcnow())
            )
            return start

    # --- delivery ------------------------------------------------------------------------

    def _wants(self, sub: BusSubscription, change: Change) -> bool:
        if sub.kinds is not None and change.kind not in sub.kinds:
            return False
        if sub.object_types is None:
            return True
        key = (change.object_type, sub.object_types)
        hit = self._type_cache.get(key)
        if hit is None:
            is_sub = self._is_subclass
            if is_sub is None:
                from smartlogistics.hub.ontology import load_ontology

                is_sub = self._is_subclass = load_ontology().is_subclass
            hit = any(is_sub(change.object_type, t) for t in sub.object_types)
            self._type_cache[key] = hit
        return hit

    def _call(self, sub: BusSubscription, item: Any) -> None:
        sub.delivered += 1
        try:
            sub.handler(item)
        except Exception:
            sub.failed += 1
            log.exception(
                "bus handler %s failed on %r",
                sub.name or getattr(sub.handler, "__name__", "?"),
                item,
            )

    def _round(self) -> tuple[int, int]:
        delivered = read = 0
        for sub in list(self._subs):
            feed = sub._feed
            assert feed is not None
            if sub.closed:
                continue
            with self.engine.connect() as conn:
                changes = feed.read(conn, self.batch)
            before = feed.cursor
            for change in changes:
                if sub.closed:
                    break
                if self._wants(sub, change):
                    self._call(sub, change)
                    delivered += 1
            cursor = feed.commit()
            if sub.name is not None and cursor != before:
                with self.engine.begin() as conn:
                    conn.execute(
                        update(hub_dispatch_cursor)
                        .where(
                            hub_dispatch_cursor.c.name == f"bus:{sub.name}",
                            hub_dispatch_cursor.c.last_seq < cursor,
                        )
                        .values(last_seq=cursor, updated_at=_utcnow())
                    )
            read += len(changes)
        while self._inbox:
            note = self._inbox.popleft()
            read += 1
            for sub in list(self._note_subs):
                self._call(sub, note)
                delivered += 1
        return delivered, read

    def pump(self) -> int:
        """Deliver every change committed so far to every handler; return the count.

        Re-entrant calls (a handler whose write wakes the bus) only mark that another
        round is needed; the outer call runs it after the current one.
        """
        with self._lock:
            if self._active:
                self._again = True
                return 0
            self._active = True
            try:
                total = 0
                while True:
                    self._again = False
                    delivered, read = self._round()
                    total += delivered
                    if not read and not self._again:
                        return total
            finally:
                self._active = False

    def publish_notification(self, notification: ReceivedNotification) -> None:
        """Hand a stored received notification to the notification handlers."""
        self._inbox.append(notification)
        self.wake()

    def wake(self) -> None:
        """Tell the bus that something was committed (the store's commit listener)."""
        if self.synchronous:
            self.pump()
        else:
            self._wake.set()

    # --- background mode ---------------------------------------------------------------

    def start(self) -> None:
        """Start the background thread (``synchronous=False``)."""
        if self.synchronous:
            raise RuntimeError("a synchronous bus has no background thread")
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="hub-bus", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the background thread after the round in progress."""
        thread = self._thread
        if thread is None:
            return
        self._stop.set()
        self._wake.set()
        thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.pump()
            except Exception:
                log.exception("hub bus round failed; retrying in %.1f s", self.poll_s)
            self._wake.wait(self.poll_s)
            self._wake.clear()
