"""The hub's FastAPI application: :func:`create_hub_app`.

The lifespan makes the engine from ``settings.database_url`` (unless one is given),
migrates it (``db.upgrade``), builds the :class:`~smartlogistics.hub.store.HubStore` and
the :class:`~smartlogistics.hub.security.Authenticator`, and keeps them on ``app.state``
(``hub_store``, ``authenticator``, ``engine``, ``settings``); at shutdown it disposes the
engine if it made it. Other hub parts plug in at the two marked places: routers
(:data:`EXTRA_ROUTERS` / ``routers=``) and middleware (``middleware=``).

Errors never leave as FastAPI's defaults: :class:`~smartlogistics.hub._errors.HubError`,
authentication failures (401 + ``WWW-Authenticate``), request-validation failures (400,
never 422), unknown paths (404), wrong methods (405 + ``Allow``), oversized bodies (413)
and unexpected exceptions (500) all answer with the specification's ``api:Error``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from smartlogistics.config import Settings, get_settings
from smartlogistics.hub._errors import HubError, error_response
from smartlogistics.hub.security import AuthError, www_authenticate

__all__ = ["EXTRA_ROUTERS", "BodyLimitMiddleware", "create_hub_app", "default_base_url"]

log = logging.getLogger(__name__)

#: Routers other hub modules add to every app (e.g. subscriptions, events); an app's own
#: ``routers=`` argument adds more.
EXTRA_ROUTERS: list[APIRouter] = []


def default_base_url(settings: Settings) -> str:
    """Return ``settings.hub_base_url`` or ``http://127.0.0.1:8080`` (the hub default)."""
    if settings.hub_base_url:
        return settings.hub_base_url.rstrip("/")
    return "http://127.0.0.1:8080"


class BodyLimitMiddleware:
    """Refuse request bodies above ``max_bytes`` with 413 ``api:Error`` (pure ASGI)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or answer 413 when its body is too large."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = None
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    length = None
        if length is not None and length > self.max_bytes:
            await self._too_large(scope, receive, send)
            return
        if length is not None:
            await self.app(scope, receive, send)
            return
        # no Content-Length (chunked): read up to the limit, then replay
        chunks: list[bytes] = []
        total = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            body = message.get("body", b"")
            total += len(body)
            if total > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
            chunks.append(body)
            more = message.get("more_body", False)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            HubError(413, f"request bodies are limited to {self.max_bytes} bytes")
        )
        await response(scope, receive, send)


def _auth_response(exc: AuthError) -> Response:
    status = exc.status
    err = HubError(
        status,
        exc.description,
        title="Not authenticated or expired token" if status == 401 else None,
        headers={"WWW-Authenticate": www_authenticate(exc)} if status == 401 else None,
    )
    response: Response = error_response(err)
    return response


def _install_handlers(app: FastAPI) -> None:
    async def hub_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HubError)
        response: Response = error_response(exc)
        return response

    async def auth_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AuthError)
        return _auth_response(exc)

    async def validation_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = exc.errors()
        where = ".".join(str(p) for p in errors[0]["loc"]) if errors else ""
        message = errors[0]["msg"] if errors else "invalid request"
        response: Response = error_response(HubError(400, f"{where}: {message}", property=where))
        return response

    async def http_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        headers = dict(exc.headers or {})
        messages = {
            404: "The requested resource cannot be found.",
            405: "The HTTP method is not supported for the requested resource.",
        }
        response: Response = error_response(
            HubError(
                exc.status_code, messages.get(exc.status_code, str(exc.detail)), headers=headers
            )
        )
        return response

    async def unexpected(_request: Request, exc: Exception) -> Response:
        log.exception("unexpected error in the hub", exc_info=exc)
        response: Response = error_response(
            HubError(
                500,
                "The server encountered an unexpected condition that prevented it from "
                "fulfilling the request.",
            )
        )
        return response

    app.add_exception_handler(HubError, hub_error)
    app.add_exception_handler(AuthError, auth_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)


def create_hub_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    base_url: str | None = None,
    routers: Sequence[APIRouter] = (),
    middleware: Sequence[Callable[[FastAPI], None]] = (),
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """Build the ONE Record hub application.

    Parameters
    ----------
    settings
        Default :func:`~smartlogistics.config.get_settings`.
    engine
        A database engine to use (not disposed at shutdown); default one made from
        ``settings.database_url``.
    base_url
        Base of object ids; default ``settings.hub_base_url`` or ``http://127.0.0.1:8080``.
    routers
        Further routers to include (after the core ones and :data:`EXTRA_ROUTERS`).
    middleware
        Functions ``fn(app)`` that add middleware (ops: logging, metrics, rate limits).
    clock
        Source of "now" for the store (tests).
    """
    from smartlogistics.hub import routes_actions, routes_objects, routes_server, subscriptions
    from smartlogistics.hub.security import Authenticator
    from smartlogistics.hub.store import HubStore

    cfg = settings or get_settings()
    base = (base_url or default_base_url(cfg)).rstrip("/")
    authenticator = Authenticator.from_settings(cfg)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from smartlogistics.db import make_engine, upgrade

        own = engine is None
        eng = make_engine(cfg.database_url) if engine is None else engine
        upgrade(eng)
        store_kwargs: dict[str, Any] = {"base_url": base, "data_holder": cfg.hub_data_holder}
        if clock is not None:
            store_kwargs["clock"] = clock
        app.state.engine = eng
        app.state.hub_store = HubStore(eng, **store_kwargs)
        app.state.hub_started_at = datetime.now(UTC)
        # --- subscriptions, bus and notification delivery (hub-notify) ----------------
        from smartlogistics.hub.subscriptions import attach_notifications

        notifications = attach_notifications(app)
        try:
            yield
        finally:
            notifications.close()
            if own:
                eng.dispose()

    app = FastAPI(
        title="SmartLogistics ONE Record hub",
        version="2.3.0",
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = cfg
    app.state.authenticator = authenticator
    app.state.base_url = base
    _install_handlers(app)

    # --- routers: the core ones, then those other hub modules registered ---------------
    app.include_router(routes_server.router)
    app.include_router(routes_objects.router)
    app.include_router(routes_actions.router)
    app.include_router(subscriptions.router)  # hub-notify: /subscriptions, /notifications
    for router in (*EXTRA_ROUTERS, *routers):
        app.include_router(router)

    # --- middleware: added last runs first; the body limit stays outermost --------------
    # The fast lane is innermost: it serves the hottest routes' own endpoints without the
    # router, behind every other layer (hub._lane).
    from smartlogistics.hub._lane import FastLane, lane_routes

    app.add_middleware(FastLane, table=lambda: lane_routes(app.routes))
    for add in middleware:
        add(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=cfg.max_request_bytes)

    # --- logistics events and operations (hub-events-ops: events_api.py, ops.py) -------
    # Ops goes last so its middleware is the outermost layer: request ids, metrics and
    # access logs cover every answer, 413s and 429s included.
    from smartlogistics.hub import events_api, ops

    app.include_router(events_api.router)
    ops.install_ops(
        app,
        cfg,
        engine=lambda: getattr(app.state, "engine", None),
        authenticator=lambda: authenticator,
    )
    return app
