"""HTTP endpoints of logistics events (logistics-events.md, API 2.3.0).

- ``POST /logistics-objects/{id}/logistics-events`` — 201 with ``Location`` (the event URI)
  and ``Type``; 404 unknown object, 403 without ``POST_LOGISTICS_EVENT``, 400 invalid
  event, 415 not JSON-LD.
- ``GET``/``HEAD /logistics-objects/{id}/logistics-events`` — the ``api:Collection`` of the
  object's events, filtered with ``event-code``, ``created-after``, ``created-before``,
  ``occurred-after``, ``occurred-before``, ordered with ``sort`` and paged with ``limit``
  and ``skip`` (bad values: 400 ``Invalid query parameter request``); ``Last-Modified`` is
  the receipt of the newest event, so it changes with every event added.
- ``GET /logistics-objects/{id}/logistics-events/{eventId}`` — the event, with
  ``Location``, ``Type`` and ``Last-Modified``; 404 for an unknown object or event.
- ``POST /logistics-events`` — one event for every object in ``eventFor``: 207 Multi-Status
  with an ``api:MultiStatusResponse`` (201/403/404 per object); 400 when the event is
  invalid or ``eventFor`` is missing.
- ``PATCH``, ``PUT`` and ``DELETE`` on events answer 400 "Logistics Events can not be
  updated" (``Error_400_example2.json``): events are immutable.

Every endpoint authenticates first (401) and negotiates the response type (406), as the
core routers do. The paths with a trailing slash (the specification writes the list
endpoint as ``.../logistics-events/``) are served too, never redirected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from smartlogistics.errors import InvalidInputError
from smartlogistics.hub._batch import store_runner
from smartlogistics.hub._errors import TITLE_QUERY, HubError
from smartlogistics.hub._event_docs import collection_body, multi_status_body
from smartlogistics.hub._event_query import EventQuery, parse_event_query
from smartlogistics.hub._http import http_date, jsonld_response, negotiate, principal, read_jsonld
from smartlogistics.hub.events import EventStore

__all__ = ["router"]

router = APIRouter(tags=["Logistics Events"])

_LIST = "/logistics-objects/{object_id}/logistics-events"
_ONE = "/logistics-objects/{object_id}/logistics-events/{event_id}"


def _events(request: Request) -> EventStore:
    """Return the app's :class:`EventStore`, made on first use over the app's store."""
    state = request.app.state
    store = state.hub_store
    events: EventStore | None = getattr(state, "hub_events", None)
    if events is None or events.store is not store:
        events = EventStore(store)
        state.hub_events = events
    return events


def _query(request: Request) -> EventQuery:
    raw: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        raw.setdefault(name, []).append(value)
    try:
        return parse_event_query(raw)
    except InvalidInputError as exc:
        raise HubError(
            400, f"{exc.field}: {exc.problem}", title=TITLE_QUERY, property=exc.field
        ) from None


@router.post(_LIST, status_code=201)
@router.post(_LIST + "/", include_in_schema=False, status_code=201)
async def create_logistics_event(request: Request, object_id: str) -> Response:
    """Append a LogisticsEvent to the object's event store (201, ``Location``, ``Type``)."""
    who = principal(request)
    negotiate(request)
    doc = await read_jsonld(request)
    events = _events(request)
    runner = store_runner(request.app.state)
    work, invalid = events.append_work(object_id, doc, who.agent_uri)
    if invalid is not None:  # 404/403 come first; an invalid body never joins a batch
        await runner.read(lambda: events.require_writable(object_id, who.agent_uri))
        raise invalid
    view = await runner.write(work)
    return jsonld_response(None, status=201, headers={"Location": view.uri, "Type": view.type_iri})


@router.api_route(_LIST, methods=["GET", "HEAD"])
@router.api_route(_LIST + "/", methods=["GET", "HEAD"], include_in_schema=False)
async def list_logistics_events(request: Request, object_id: str) -> Response:
    """Return the object's events as an ``api:Collection`` (HEAD: the headers only)."""
    who = principal(request)
    negotiate(request)
    query = _query(request)
    events = _events(request)
    page = await store_runner(request.app.state).read(
        lambda: events.list(object_id, query, who.agent_uri)
    )
    body = collection_body(page.endpoint, [e.body for e in page.items], page.total)
    return jsonld_response(
        body,
        headers={"Last-Modified": http_date(page.last_modified)},
        head=request.method == "HEAD",
    )


@router.get(_ONE)
async def get_logistics_event(request: Request, object_id: str, event_id: str) -> Response:
    """Return one logistics event (``Location``, ``Type``, ``Last-Modified``)."""
    who = principal(request)
    negotiate(request)
    events = _events(request)
    view = await store_runner(request.app.state).read(
        lambda: events.get(object_id, event_id, who.agent_uri)
    )
    headers = {
        "Location": view.uri,
        "Type": view.type_iri,
        "Last-Modified": http_date(view.created_at),
    }
    return jsonld_response(view.body, headers=headers)


@router.post("/logistics-events", status_code=207)
@router.post("/logistics-events/", include_in_schema=False, status_code=207)
async def create_logistics_events(request: Request) -> Response:
    """Create the event for every object in ``eventFor``: 207 with the outcome per object."""
    who = principal(request)
    negotiate(request)
    doc = await read_jsonld(request)
    results = _events(request).append_to_many(doc, who.agent_uri)
    return jsonld_response(multi_status_body(results), status=207)


def _immutable(request: Request, resource: str) -> HubError:
    verb = "deleted" if request.method == "DELETE" else "updated"
    return HubError(
        400,
        f"Logistics Events of a Logistics Object can not be {verb} using {request.method}",
        title=f"Logistics Events can not be {verb}",
        resource=resource,
    )


_CHANGES: Sequence[str] = ("PATCH", "PUT", "DELETE")


@router.api_route(_LIST, methods=list(_CHANGES), include_in_schema=False)
@router.api_route(_ONE, methods=list(_CHANGES), include_in_schema=False)
def refuse_event_change(request: Request) -> Response:
    """Refuse to change or delete events (they are immutable): 400."""
    principal(request)
    params: Mapping[str, str] = request.path_params
    uri = f"{request.app.state.hub_store.object_uri(params['object_id'])}/logistics-events"
    if "event_id" in params:
        uri += f"/{params['event_id']}"
    raise _immutable(request, uri)
