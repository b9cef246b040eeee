"""Running the store's work from async endpoints: group commit on SQLite, threads otherwise.

The hub's endpoints are ``async def``; the store is synchronous. :class:`StoreRunner`
decides where its work runs:

- **SQLite** (one writer at a time, queries of tens of microseconds, no network): on the
  event loop itself, with no thread hop, and writes share commits. A write is split into
  the part without the database (parsing, normalisation, validation: done by the caller
  before it joins) and ``work(conn)``, its database statements. ``work`` joins the pending
  batch; the batch runs at the loop's next turn — every request that became ready in the
  meantime has joined it — as one transaction and one commit (at most
  :attr:`StoreRunner.max_batch` works each), then every caller gets its own result. A
  201 therefore still means committed, and each change's ``hub_changes`` row commits
  with it. Per-request atomicity: when any work of a batch raises (its 404/403/409, or a
  database error), the whole transaction rolls back and every work of the batch runs
  again alone in its own transaction, so one failing request never fails another nor
  leaves half of itself behind. Under no load a batch holds one request: nothing waits.
- **PostgreSQL**: reads in the thread pool (blocking the loop on a network round trip
  would stall every other request); writes are batched the same way, but each batch runs
  in the thread pool, one batch at a time — the outbox's advisory lock serialises
  PostgreSQL's writers until commit anyway, so concurrent write transactions would only
  queue on it — while the next batch gathers on the loop (group commit).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from smartlogistics.hub.store import HubStore

__all__ = ["StoreRunner", "store_runner"]

T = TypeVar("T")

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Pending(Generic[T]):
    work: Callable[[Connection], T]
    future: asyncio.Future[T] = field(repr=False)


class StoreRunner:
    """Where and how a hub app runs its store's reads and writes (module docstring).

    Parameters
    ----------
    store
        The app's store.
    max_batch
        Most writes sharing one SQLite commit.
    """

    def __init__(self, store: HubStore, *, max_batch: int = 64) -> None:
        self.store = store
        self.max_batch = max_batch
        self.inline = store.engine.dialect.name == "sqlite"
        self._pending: list[_Pending[Any]] = []
        self._scheduled = False
        self._task: asyncio.Task[None] | None = None
        #: Batches committed and the writes they held (for tests and the bench).
        self.batches = 0
        self.batched_writes = 0

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Return ``fn(*args)``: called at once on SQLite, in the thread pool otherwise."""
        if self.inline:
            return fn(*args)
        return await run_in_threadpool(fn, *args)

    async def write(self, work: Callable[[Connection], T]) -> T:
        """Run ``work(conn)`` in a write transaction; return its result once committed.

        ``work`` must do nothing but database statements (it may run twice: once in a
        batch that rolls back, then alone) and raise before writing when it refuses.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._pending.append(_Pending(work, future))
        if not self._scheduled:
            self._scheduled = True
            if self.inline:
                loop.call_soon(self._flush)
            else:
                self._task = loop.create_task(self._drain())  # kept: not collected
        return await future

    def _alone(self, work: Callable[[Connection], T]) -> T:
        with self.store.write() as conn:
            return work(conn)

    def _take(self) -> list[_Pending[Any]]:
        batch = self._pending[: self.max_batch]
        del self._pending[: self.max_batch]
        return [p for p in batch if not p.future.done()]  # a cancelled caller is not written

    def _flush(self) -> None:
        """SQLite: run the pending batch on the loop, now."""
        self._scheduled = False
        live = self._take()
        if self._pending:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)
        if live:
            self._resolve(live, self._run(live))

    async def _drain(self) -> None:
        """PostgreSQL: run batches in the thread pool, one at a time, until none is left."""
        try:
            while self._pending:
                live = self._take()
                if live:
                    self._resolve(live, await run_in_threadpool(self._run, live))
        finally:
            self._scheduled = False

    @staticmethod
    def _resolve(live: list[_Pending[Any]], outcomes: list[tuple[bool, Any]]) -> None:
        for p, (ok, value) in zip(live, outcomes, strict=True):
            if p.future.done():
                continue
            if ok:
                p.future.set_result(value)
            else:
                p.future.set_exception(value)

    def _run(self, live: list[_Pending[Any]]) -> list[tuple[bool, Any]]:
        """Run the works in one transaction, or each alone when that one fails."""
        if len(live) > 1:
            try:
                with self.store.write() as conn:
                    results = [p.work(conn) for p in live]
            except Exception:
                pass  # rolled back: each runs alone below, so only the failing ones fail
            else:
                self.batches += 1
                self.batched_writes += len(live)
                return [(True, r) for r in results]
        outcomes: list[tuple[bool, Any]] = []
        for p in live:
            try:
                result = self._alone(p.work)
            except Exception as exc:
                outcomes.append((False, exc))
            else:
                self.batches += 1
                self.batched_writes += 1
                outcomes.append((True, result))
        return outcomes


def store_runner(state: Any) -> StoreRunner:
    """Return the app's runner (``state.hub_runner``), made anew for a new ``hub_store``."""
    store: HubStore = state.hub_store
    runner: StoreRunner | None = getattr(state, "hub_runner", None)
    if runner is None or runner.store is not store:
        runner = StoreRunner(store)
        state.hub_runner = runner
    return runner
