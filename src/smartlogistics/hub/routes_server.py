"""``GET /`` (and ``HEAD /``): the ``api:ServerInformation`` (server-information.md).

Authentication alone suffices (no ACL). The body names the data holder (an Organization
URI from ``hub_data_holder``), the server endpoint (the base URL), API version 2.3.0,
``application/ld+json``, ``en-US``, the non-versioned ontology IRIs
(``hasSupportedOntology``, a MUST) and the versioned ones of the ontologies the hub
validates against (``hasSupportedOntologyVersion``, e.g. ``.../ns/cargo/3.3.0``).
``hasSupportedEncoding`` is an explicit empty list: no content compression is offered.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from smartlogistics.hub._errors import API_VERSION
from smartlogistics.hub._http import http_date, jsonld_response, negotiate, principal
from smartlogistics.hub.jsonld import ONE_RECORD_CONTEXT
from smartlogistics.hub.store import HubStore

__all__ = ["router", "server_information"]

router = APIRouter()


def server_information(store: HubStore) -> dict[str, Any]:
    """Return the ``api:ServerInformation`` document of ``store``'s hub."""
    versions = store.ontology.versions
    names = sorted(versions)
    return {
        "@context": {
            **ONE_RECORD_CONTEXT,
            "api:hasServerEndpoint": {"@type": "xsd:anyURI"},
            "api:hasSupportedOntology": {"@type": "xsd:anyURI"},
            "api:hasSupportedOntologyVersion": {"@type": "xsd:anyURI"},
        },
        "@id": f"{store.base_url}/",
        "@type": "api:ServerInformation",
        "api:hasDataHolder": {"@id": store.data_holder},
        "api:hasServerEndpoint": store.base_url,
        "api:hasSupportedApiVersion": [API_VERSION],
        "api:hasSupportedContentType": ["application/ld+json"],
        "api:hasSupportedEncoding": [],
        "api:hasSupportedLanguage": ["en-US"],
        "api:hasSupportedOntology": names,
        "api:hasSupportedOntologyVersion": [f"{n}/{versions[n]}" for n in names],
    }


@router.api_route("/", methods=["GET", "HEAD"])
def get_server_information(request: Request) -> Response:
    """Return the server information (any authenticated client)."""
    principal(request)
    negotiate(request)
    store: HubStore = request.app.state.hub_store
    started: datetime = request.app.state.hub_started_at
    return jsonld_response(
        server_information(store),
        headers={"Last-Modified": http_date(started)},
        head=request.method == "HEAD",
    )
