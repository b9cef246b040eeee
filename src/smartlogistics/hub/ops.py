"""Operations of the hub: health, readiness, metrics, access logs, request ids, rate limits.

:func:`install_ops` adds to a hub app

- ``GET /healthz`` — liveness: 200 ``{"status": "ok"}`` while the process serves requests;
- ``GET /readyz`` — readiness: 200 when the database answers and is migrated to the newest
  revision of the platform's Alembic history, else 503 with the reason;
- ``GET /metrics`` — Prometheus text format from the app's own registry
  (:mod:`smartlogistics.hub._ops_metrics`);
- :class:`OpsMiddleware`, one pure ASGI layer (no ``BaseHTTPMiddleware``, which would add a
  task and a copy per request) in front of everything else. Per HTTP request it takes the
  request id from ``X-Request-ID`` (when it is 1-128 safe characters) or makes one, echoes
  it in the response's ``X-Request-ID`` header and keeps it in
  :data:`~smartlogistics.hub._ops_logging.request_id_var` for every log record made while
  serving; it applies the rate limit of the requesting agent (token bucket per
  authenticated agent, per client address for requests without a valid token; 429 with
  ``Retry-After`` and an ``api:Error`` body); it counts the request and its latency by
  route template; and it writes one JSON access-log line (timestamp, level, request id,
  method, path, status, duration in ms, agent) to ``smartlogistics.hub.access``.

``/healthz``, ``/readyz`` and ``/metrics`` are not rate limited and need no token (probes
and scrapers have none); they reveal no logistics data.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Final

import anyio.to_thread
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine

from smartlogistics.config import Settings
from smartlogistics.hub._ops_identity import AgentResolver
from smartlogistics.hub._ops_logging import (
    ACCESS_LOGGER,
    clean_request_id,
    new_request_id,
    request_id_var,
)
from smartlogistics.hub._ops_metrics import CONTENT_TYPE, HubMetrics
from smartlogistics.hub._ops_ratelimit import TokenBucketLimiter
from smartlogistics.hub.security import Authenticator

__all__ = [
    "UNLIMITED_PATHS",
    "Ops",
    "OpsMiddleware",
    "install_ops",
    "ops_router",
    "readiness",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("smartlogistics.hub.ops")
access_log = logging.getLogger(ACCESS_LOGGER)

#: Paths that are never rate limited (probes and the metrics scraper).
UNLIMITED_PATHS: Final = frozenset({"/healthz", "/readyz", "/metrics"})

#: Route label of requests that matched no route (or were refused before routing).
UNMATCHED: Final = "unmatched"

_API_VERSION: Final = "2.3.0"


@dataclass
class Ops:
    """What the operations layer of one app needs at request time.

    Attributes
    ----------
    metrics
        The app's metrics (own registry).
    limiter
        The token buckets, or ``None`` when rate limiting is off.
    engine
        Returns the app's database engine (``None`` before the lifespan opened it).
    authenticator
        Returns the app's authenticator (``None`` before the lifespan built it).
    access_log
        Whether to write the access log line.
    """

    metrics: HubMetrics
    limiter: TokenBucketLimiter | None
    engine: Callable[[], Engine | None]
    authenticator: Callable[[], Authenticator | None]
    access_log: bool = True
    _resolver: AgentResolver | None = field(default=None, repr=False)

    def resolver(self) -> AgentResolver | None:
        """Return the agent resolver, made on first use once the authenticator exists."""
        if self._resolver is None:
            authenticator = self.authenticator()
            if authenticator is not None:
                self._resolver = AgentResolver(authenticator)
        return self._resolver


def error_body(status: int, title: str, message: str) -> bytes:
    """Return an ``api:Error`` JSON-LD body (specification's Error shape) as bytes."""
    import uuid

    doc = {
        "@context": {"api": "https://onerecord.iata.org/ns/api#"},
        "@type": "api:Error",
        "@id": f"internal:{uuid.uuid4()}",
        "api:hasTitle": title,
        "api:hasSeverity": {"@id": "api:ERROR"},
        "api:hasErrorDetail": [
            {
                "@type": "api:ErrorDetail",
                "@id": f"internal:{uuid.uuid4()}",
                "api:hasCode": str(status),
                "api:hasMessage": message,
            }
        ],
    }
    return json.dumps(doc, separators=(",", ":")).encode()


async def _send_error(
    send: Send, status: int, title: str, message: str, headers: list[tuple[bytes, bytes]]
) -> None:
    body = error_body(status, title, message)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", f"application/ld+json; version={_API_VERSION}".encode()),
                (b"content-language", b"en-US"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class OpsMiddleware:
    """Request id, rate limit, metrics and access log in one pure ASGI layer.

    Parameters
    ----------
    app
        The application it wraps.
    ops
        The app's :class:`Ops` (metrics, limiter, authenticator and engine getters).
    """

    def __init__(self, app: ASGIApp, ops: Ops) -> None:
        self.app = app
        self.ops = ops

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection scope (HTTP gets the operations treatment)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        given_id: str | None = None
        authorization: str | None = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                given_id = value.decode("latin-1")
            elif name == b"authorization":
                authorization = value.decode("latin-1")
        request_id = clean_request_id(given_id) or new_request_id()
        rid_header = (b"x-request-id", request_id.encode())
        context_token = request_id_var.set(request_id)
        status = 500
        agent: str | None = None

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), rid_header]
            await send(message)

        try:
            agent, wait_s = await self._admit(scope, authorization)
            if wait_s > 0:
                status = 429
                retry = TokenBucketLimiter.retry_after(wait_s)
                await _send_error(
                    send,
                    429,
                    "Too many requests",
                    f"rate limit exceeded for {agent or 'this client address'}; retry after "
                    f"{retry} s",
                    [(b"retry-after", str(retry).encode()), rid_header],
                )
                return
            await self.app(scope, receive, send_with_id)
        finally:
            duration = time.perf_counter() - start
            route = scope.get("route")
            template = getattr(route, "path", None) or UNMATCHED
            method = scope["method"]
            self.ops.metrics.observe(method, template, status, duration)
            if self.ops.access_log and access_log.isEnabledFor(logging.INFO):
                path = scope["path"]
                access_log.info(
                    "%s %s %d",
                    method,
                    path,
                    status,
                    extra={
                        "request_id": request_id,
                        "method": method,
                        "path": path,
                        "status": status,
                        "duration_ms": round(duration * 1000, 3),
                        "agent": agent,
                    },
                )
            request_id_var.reset(context_token)

    async def _admit(self, scope: Scope, authorization: str | None) -> tuple[str | None, float]:
        """Return the request's agent (if known) and the wait its rate limit imposes.

        A token seen for the first time is verified off the event loop (a JWKS download
        may block) and charged to the client address first, so that a flood of invalid
        tokens cannot buy unlimited verification work.
        """
        resolver = self.ops.resolver()
        limiter = self.ops.limiter
        agent = resolver.cached(authorization) if resolver is not None else None
        limited = limiter is not None and scope["path"] not in UNLIMITED_PATHS
        now = time.monotonic()
        if agent is None and resolver is not None and authorization:
            if limited:
                assert limiter is not None
                wait = limiter.take(_address_key(scope), now)
                if wait > 0:
                    return None, wait
            agent = await anyio.to_thread.run_sync(resolver.verify, authorization)
            if agent is None:
                return None, 0.0  # already charged to the address; the endpoint says 401
        if not limited:
            return agent, 0.0
        assert limiter is not None
        return agent, limiter.take(agent if agent is not None else _address_key(scope), now)


def _address_key(scope: Scope) -> str:
    client = scope.get("client")
    return f"ip:{client[0]}" if client else "ip:unknown"


def readiness(engine: Engine | None) -> tuple[bool, dict[str, Any]]:
    """Say whether the hub can serve: database reachable and migrated to the head revision.

    Returns
    -------
    tuple[bool, dict]
        ``(ready, body)``; ``body`` has ``status`` (``ready`` / ``unavailable``), the
        database's ``revision`` and the ``head`` revision, and a ``reason`` when not ready.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from smartlogistics.db import current_revision

    head = _head_revision()
    if engine is None:
        return False, {"status": "unavailable", "reason": "database not open yet", "head": head}
    try:
        current = current_revision(engine)
    except SQLAlchemyError as exc:
        reason = f"database unreachable: {type(exc).__name__}"
        return False, {"status": "unavailable", "reason": reason, "head": head}
    body: dict[str, Any] = {"status": "ready", "revision": current, "head": head}
    if current != head:
        body["status"] = "unavailable"
        body["reason"] = f"database at revision {current or 'none'}, not at head {head}"
        return False, body
    return True, body


_HEAD: list[str] = []


def _head_revision() -> str:
    if not _HEAD:
        from smartlogistics.db import head_revision

        _HEAD.append(head_revision())
    return _HEAD[0]


def _ops(request: Request) -> Ops:
    ops: Ops = request.app.state.hub_ops
    return ops


ops_router = APIRouter(tags=["operations"])


@ops_router.get("/healthz", include_in_schema=True)
async def healthz() -> JSONResponse:
    """Liveness: the process is up and its event loop answers."""
    return JSONResponse({"status": "ok"})


@ops_router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """Readiness: 200 when the database answers and is at the head revision, else 503."""
    ready, body = readiness(_ops(request).engine())
    return JSONResponse(body, status_code=200 if ready else 503)


@ops_router.get("/metrics")
def metrics(request: Request) -> Response:
    """Return the app's Prometheus metrics (text exposition format)."""
    return Response(_ops(request).metrics.render(), media_type=CONTENT_TYPE)


def _pending_counter(engine: Callable[[], Engine | None]) -> Callable[[], int | None] | None:
    """Return a counter of undelivered notifications when the notification engine exists."""
    try:
        from smartlogistics.hub import notify
    except ImportError:
        return None
    pending: Callable[[Engine], int] | None = getattr(notify, "pending_deliveries", None)
    if pending is None:
        return None

    def count() -> int | None:
        current = engine()
        return None if current is None else pending(current)

    return count


def install_ops(
    app: FastAPI,
    settings: Settings,
    *,
    engine: Callable[[], Engine | None],
    authenticator: Callable[[], Authenticator | None],
) -> Ops:
    """Add the operations endpoints and :class:`OpsMiddleware` to a hub app.

    Call it while building the app (before it serves). The middleware is added last, so
    it is the outermost layer and sees every request, refused ones included.

    Parameters
    ----------
    app
        The hub app.
    settings
        ``hub_rate_limit_per_s`` (0 turns rate limiting off), ``hub_rate_burst``,
        ``hub_access_log``.
    engine, authenticator
        Return the app's engine and authenticator once its lifespan made them.

    Returns
    -------
    Ops
        Also kept as ``app.state.hub_ops``.
    """
    limiter = (
        TokenBucketLimiter(settings.hub_rate_limit_per_s, settings.hub_rate_burst)
        if settings.hub_rate_limit_per_s > 0
        else None
    )
    ops = Ops(
        metrics=HubMetrics(_pending_counter(engine)),
        limiter=limiter,
        engine=engine,
        authenticator=authenticator,
        access_log=settings.hub_access_log,
    )
    app.state.hub_ops = ops
    app.include_router(ops_router)
    app.add_middleware(OpsMiddleware, ops=ops)
    return ops
