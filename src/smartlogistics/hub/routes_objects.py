"""HTTP endpoints of logistics objects (logistics-objects.md, verifications.md).

``POST /logistics-objects`` (201, ``Location``, ``Type``), ``GET``/``HEAD
/logistics-objects/{id}`` (``embedded``, ``at``; ``Type``, ``Revision``,
``Latest-Revision``, ``Last-Modified``), ``PATCH /logistics-objects/{id}`` (a Change →
201 with the ChangeRequest's ``Location``), ``POST /logistics-objects/{id}`` (a
Verification → 201 with the VerificationRequest's ``Location``), ``GET
/logistics-objects/{id}/audit-trail``. There is no DELETE: objects are never deleted
(405).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from smartlogistics.hub._batch import store_runner
from smartlogistics.hub._errors import HubError
from smartlogistics.hub._http import (
    http_date,
    jsonld_response,
    negotiate,
    parse_at,
    principal,
    read_jsonld,
)
from smartlogistics.hub.ontology import API
from smartlogistics.hub.store import STATUSES, HubStore, ObjectView

__all__ = ["router"]

router = APIRouter()


def _store(request: Request) -> HubStore:
    store: HubStore = request.app.state.hub_store
    return store


@router.post("/logistics-objects", include_in_schema=True, status_code=201)
@router.post("/logistics-objects/", include_in_schema=False, status_code=201)
async def create_logistics_object(request: Request) -> Response:
    """Create a logistics object held by the caller (201, ``Location``, ``Type``)."""
    who = principal(request)
    negotiate(request)
    doc = await read_jsonld(request)
    store = _store(request)
    prepared = store.prepare_objects([doc])
    agent = who.agent_uri
    metas = await store_runner(request.app.state).write(
        lambda conn: store.insert_objects(conn, prepared, agent)
    )
    meta = metas[0]
    return jsonld_response(None, status=201, headers={"Location": meta.uri, "Type": meta.type_iri})


def _embedded(value: str | None) -> bool:
    if value is None or value == "false":
        return False
    if value == "true":
        return True
    raise HubError(
        400,
        f"embedded must be true or false, got {value!r}",
        title="Invalid query parameter request",
        property="embedded",
    )


def _object_headers(request: Request, view: ObjectView, at: str | None) -> dict[str, str]:
    location = view.meta.uri + (f"?at={at}" if at else "")
    return {
        "Location": location,
        "Type": view.meta.type_iri,
        "Revision": str(view.revision),
        "Latest-Revision": str(view.meta.latest_revision),
        "Last-Modified": http_date(view.modified_at),
    }


@router.api_route("/logistics-objects/{object_id}", methods=["GET", "HEAD"])
async def get_logistics_object(request: Request, object_id: str) -> Response:
    """Return the object (latest or ``at``), linked or ``embedded``; HEAD: headers only."""
    who = principal(request)
    negotiate(request)
    params = request.query_params
    embedded = _embedded(params.get("embedded"))
    at_text = params.get("at")
    at = parse_at(at_text)
    store = _store(request)
    agent = who.agent_uri
    view = await store_runner(request.app.state).read(
        lambda: store.get_object(object_id, agent, at=at, embedded=embedded)
    )
    return jsonld_response(
        view.body,
        headers=_object_headers(request, view, at_text),
        head=request.method == "HEAD",
    )


@router.patch("/logistics-objects/{object_id}", status_code=201)
async def patch_logistics_object(request: Request, object_id: str) -> Response:
    """Request a Change: 201 with the ChangeRequest's ``Location`` and ``Type``."""
    who = principal(request)
    negotiate(request)
    store = _store(request)
    store.object_meta(object_id)  # 404 before reading the body
    doc = await read_jsonld(request)
    view = store.request_change(object_id, doc, who.agent_uri)
    return jsonld_response(None, status=201, headers={"Location": view.uri, "Type": view.type_iri})


@router.post("/logistics-objects/{object_id}", status_code=201)
async def request_verification(request: Request, object_id: str) -> Response:
    """Request a Verification: 201 with the VerificationRequest's ``Location``/``Type``."""
    who = principal(request)
    negotiate(request)
    store = _store(request)
    store.object_meta(object_id)
    doc = await read_jsonld(request)
    view = store.request_verification(object_id, doc, who.agent_uri)
    return jsonld_response(None, status=201, headers={"Location": view.uri, "Type": view.type_iri})


def _status_param(value: str | None) -> str | None:
    if value is None:
        return None
    iri = value if value.startswith(API) else API + value
    if iri not in STATUSES:
        raise HubError(
            400,
            f"status must be a RequestStatus (REQUEST_PENDING, REQUEST_ACCEPTED, ...), "
            f"got {value!r}",
            title="Invalid query parameter request",
            property="status",
        )
    return iri


@router.get("/logistics-objects/{object_id}/audit-trail")
def get_audit_trail(request: Request, object_id: str) -> Response:
    """Return the object's ``api:AuditTrail`` (``updated-from``, ``updated-to``, ``status``)."""
    who = principal(request)
    negotiate(request)
    params = request.query_params
    body: dict[str, Any] = _store(request).audit_trail(
        object_id,
        who.agent_uri,
        updated_from=parse_at(params.get("updated-from"), "updated-from"),
        updated_to=parse_at(params.get("updated-to"), "updated-to"),
        status=_status_param(params.get("status")),
    )
    return jsonld_response(body)
