"""A short way in for the hub's hottest requests, past FastAPI's router (pure ASGI).

Per request FastAPI matches the path against every route of the app, builds the
dependency graph's values, and wraps the endpoint in several layers; for a request whose
database work takes a few hundred microseconds that is a large share of the server's
CPU. :class:`FastLane` sits innermost among the app's middleware (inside the operations
layer and the body limit, so request ids, rate limits, metrics and access logs see every
request as before) and serves itself the requests to these path templates whose method
has an ``async`` endpoint without dependencies there (found on the app's routes at the
first request, in the router's matching order):

- ``/logistics-objects`` (and with a trailing slash): ``POST``,
- ``/logistics-objects/{id}``: ``GET``/``HEAD``, ``PATCH``, ``POST``,
- ``/logistics-objects/{id}/logistics-events`` (and ``/``): ``POST``, ``GET``/``HEAD``,
- ``/logistics-objects/{id}/logistics-events/{eventId}``: ``GET``.

It calls the *same* endpoint functions the routers register, with the same path
parameters, and turns :class:`~smartlogistics.hub._errors.HubError` and
:class:`~smartlogistics.hub.security.AuthError` into the same responses as the app's
exception handlers; any other exception propagates to the same outer server-error layer
(500 ``api:Error``). It sets ``scope["route"]`` to the router's own route, so metrics keep
their route labels. Everything else — other paths, other methods (405s), ``OPTIONS`` —
goes on to FastAPI unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from smartlogistics.hub._errors import HubError, error_response
from smartlogistics.hub.security import AuthError

__all__ = ["FastLane", "lane_routes"]

Endpoint = Callable[..., Awaitable[Response]]
#: (method, shape) -> (endpoint, its route); shapes name the segments after
#: ``/logistics-objects``: "" and "/" (the collection), "{id}", "{id}/events",
#: "{id}/events/" and "{id}/events/{id}".
Table = Mapping[tuple[str, str], tuple[Endpoint, BaseRoute]]

_ROOT = "logistics-objects"
_EVENTS = "logistics-events"


def _route_path(scope: Scope) -> str:
    """Return the path below the app's mount point (``root_path``), as routes see it."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and (len(path) == len(root) or path[len(root)] == "/"):
        return path[len(root) :]
    return path


def _shape(path: str) -> tuple[str, dict[str, str]] | None:
    """Return the shape and path parameters of a hot path, else ``None``."""
    parts = path.split("/")
    # "", "logistics-objects", ...
    if len(parts) < 2 or parts[0] != "" or parts[1] != _ROOT:
        return None
    rest = parts[2:]
    if not rest:
        return "", {}
    if rest == [""]:
        return "/", {}
    object_id = rest[0]
    if not object_id:
        return None
    if len(rest) == 1:
        return "{id}", {"object_id": object_id}
    if rest[1] != _EVENTS:
        return None
    if len(rest) == 2:
        return "{id}/events", {"object_id": object_id}
    if len(rest) == 3:
        if not rest[2]:
            return "{id}/events/", {"object_id": object_id}
        return "{id}/events/{id}", {"object_id": object_id, "event_id": rest[2]}
    return None


def _auth_response(exc: AuthError) -> Response:
    from smartlogistics.hub.app import _auth_response as render

    return render(exc)


class FastLane:
    """Serve the hot routes directly; pass every other request on (module docstring).

    Parameters
    ----------
    app
        The next ASGI layer (FastAPI's exception middleware and router).
    table
        What :func:`lane_routes` found on the app.
    """

    def __init__(self, app: ASGIApp, table: Callable[[], Table]) -> None:
        self.app = app
        self._table = table
        self._resolved: Table | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI scope."""
        if scope["type"] == "http":
            found = _shape(_route_path(scope))
            if found is not None:
                table = self._resolved
                if table is None:
                    table = self._resolved = self._table()
                target = table.get((scope["method"], found[0]))
                if target is not None:
                    endpoint, route = target
                    scope["route"] = route
                    scope["path_params"] = found[1]
                    request = Request(scope, receive, send)
                    try:
                        response = await endpoint(request, **found[1])
                    except HubError as exc:
                        response = error_response(exc)
                    except AuthError as exc:
                        response = _auth_response(exc)
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)


def lane_routes(routes: list[BaseRoute]) -> dict[tuple[str, str], tuple[Endpoint, BaseRoute]]:
    """Find the hot routes' endpoints and route objects among an app's ``routes``.

    Only ``async`` endpoints registered at the expected templates are taken (the first
    route of each method and template, as the router would match it).
    """
    import inspect

    shapes = {
        "/logistics-objects": "",
        "/logistics-objects/": "/",
        "/logistics-objects/{object_id}": "{id}",
        "/logistics-objects/{object_id}/logistics-events": "{id}/events",
        "/logistics-objects/{object_id}/logistics-events/": "{id}/events/",
        "/logistics-objects/{object_id}/logistics-events/{event_id}": "{id}/events/{id}",
    }
    table: dict[tuple[str, str], tuple[Endpoint, BaseRoute]] = {}
    taken: set[tuple[str, str]] = set()
    for route in _flat(routes):
        if getattr(route, "dependencies", None):
            continue  # the router would run dependencies first: leave such routes to it
        path: Any = getattr(route, "path", None)
        methods: Any = getattr(route, "methods", None) or ()
        endpoint: Any = getattr(route, "endpoint", None)
        for method in methods:
            key = (method, path)
            if key in taken:
                continue
            taken.add(key)
            shape = shapes.get(path)
            if shape is None or not inspect.iscoroutinefunction(endpoint):
                continue
            table.setdefault((method, shape), (endpoint, route))
    return table


def _flat(routes: list[BaseRoute]) -> list[BaseRoute]:
    """Return the routes in matching order, those of included routers in their place.

    FastAPI keeps an included router as one entry (``original_router`` with its include
    options); one included with a prefix or dependencies is left out entirely — then its
    paths are not the templates above, or the router must run the dependencies.
    """
    out: list[BaseRoute] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is None:
            out.append(route)
            continue
        context = getattr(route, "include_context", None)
        if getattr(context, "prefix", "") or getattr(context, "dependencies", None):
            continue
        out.extend(_flat(list(inner.routes)))
    return out
