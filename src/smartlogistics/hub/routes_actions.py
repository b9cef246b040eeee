"""HTTP endpoints of action requests and access delegations.

action-requests.md: ``GET``/``HEAD /action-requests/{id}`` (``Type``, ``Last-Modified``),
``PATCH /action-requests/{id}?status=...`` (204, ``Location``, ``Type``; the holder
accepts, rejects or acknowledges), ``DELETE /action-requests/{id}`` (204; requester or
holder revokes; 422 when not revocable). access-delegations.md: ``POST
/access-delegations`` (201 with the AccessDelegationRequest's ``Location`` and ``Type``).
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from smartlogistics.hub._errors import HubError
from smartlogistics.hub._http import http_date, jsonld_response, negotiate, principal, read_jsonld
from smartlogistics.hub.ontology import API
from smartlogistics.hub.store import HubStore

__all__ = ["router"]

router = APIRouter()


def _store(request: Request) -> HubStore:
    store: HubStore = request.app.state.hub_store
    return store


@router.api_route("/action-requests/{request_id}", methods=["GET", "HEAD"])
def get_action_request(request: Request, request_id: str) -> Response:
    """Return the action request (its parties only); HEAD: headers only."""
    who = principal(request)
    negotiate(request)
    view = _store(request).get_action_request(request_id, who.agent_uri)
    return jsonld_response(
        view.body,
        headers={
            "Location": view.uri,
            "Type": view.type_iri,
            "Last-Modified": http_date(view.last_modified),
        },
        head=request.method == "HEAD",
    )


@router.patch("/action-requests/{request_id}", status_code=204)
def update_action_request(request: Request, request_id: str) -> Response:
    """Change the status: ``?status=REQUEST_ACCEPTED`` (or the full IRI), ... → 204."""
    who = principal(request)
    negotiate(request)
    value = request.query_params.get("status")
    if not value:
        raise HubError(
            400,
            "the status query parameter is required",
            title="Invalid query parameter request",
            property="status",
        )
    iri = value if value.startswith(API) else API + value
    view = _store(request).set_action_request_status(request_id, iri, who.agent_uri)
    headers = {"Location": view.uri, "Type": view.type_iri, "Content-Language": "en-US"}
    return Response(status_code=204, headers=headers)


@router.delete("/action-requests/{request_id}", status_code=204)
def revoke_action_request(request: Request, request_id: str) -> Response:
    """Revoke the action request (requester or holder) → 204; 422 when not revocable."""
    who = principal(request)
    _store(request).revoke_action_request(request_id, who.agent_uri)
    return Response(status_code=204, headers={"Content-Language": "en-US"})


@router.post("/access-delegations", status_code=201)
async def request_access_delegation(request: Request) -> Response:
    """Request an access delegation → 201 with the request's ``Location`` and ``Type``."""
    who = principal(request)
    negotiate(request)
    doc = await read_jsonld(request)
    view = _store(request).request_access_delegation(doc, who.agent_uri)
    return jsonld_response(None, status=201, headers={"Location": view.uri, "Type": view.type_iri})
