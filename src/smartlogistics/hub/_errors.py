"""Hub errors and their ``api:Error`` bodies (implementation-guidelines.md, Error Handling).

Every failed synchronous request answers with an ``api:Error`` whose ``hasTitle`` is the
specification's standard title for the status (the table "To harmonize error
responses"), with one or more ``api:ErrorDetail`` carrying ``hasCode`` = the HTTP status
(a MUST for synchronous errors), a human-readable ``hasMessage``, and ``hasProperty`` /
``hasResource`` when the error concerns a property or a resource. The body is compacted
JSON-LD with the ``api``/``xsd`` prefixes and ``@language`` ``en-US``, as the examples
``Error_400.json`` ... ``Error_404.json``.

Other hub modules (events, subscriptions) raise :class:`HubError` from their code and get
the same bodies through the app's exception handler, or call :func:`error_response`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

__all__ = [
    "API_VERSION",
    "ERROR_CONTEXT",
    "JSONLD_CONTENT_TYPE",
    "TITLES",
    "Detail",
    "HubError",
    "error_body",
    "error_response",
]

API_VERSION: Final = "2.3.0"
JSONLD_CONTENT_TYPE: Final = f"application/ld+json; version={API_VERSION}"

#: Standard titles of the specification's error table (implementation-guidelines.md).
TITLES: Final[Mapping[int, str]] = {
    400: "Invalid body request",
    401: "Not authenticated or expired token",
    403: "Not authorized to perform action",
    404: "Resource not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Identifier conflict",
    413: "Request body too large",
    415: "Unsupported content type",
    422: "Unprocessable content",
    500: "Internal server error",
    503: "Service unavailable",
}
TITLE_QUERY: Final = "Invalid query parameter request"
TITLE_RESOURCE: Final = "Invalid resource"

ERROR_CONTEXT: Final[dict[str, Any]] = {
    "api": "https://onerecord.iata.org/ns/api#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "api:hasResource": {"@type": "xsd:anyURI"},
    "api:hasProperty": {"@type": "xsd:anyURI"},
    "@language": "en-US",
}


@dataclass(frozen=True, slots=True)
class Detail:
    """One ``api:ErrorDetail``: message, and the property / resource it concerns."""

    message: str
    property: str | None = None
    resource: str | None = None
    code: str | None = None


class HubError(Exception):
    """A request the hub refuses, with its HTTP status and ``api:Error`` content.

    Parameters
    ----------
    status
        HTTP status code (400, 403, 404, 405, 409, 413, 415, 422, ...).
    message
        The first detail's message.
    title
        ``hasTitle``; default the standard title of ``status``.
    property
        Property IRI the error concerns (``hasProperty``), if any.
    resource
        URI of the object concerned (``hasResource``), if any.
    details
        Further details (each becomes an ``api:ErrorDetail``).
    headers
        Extra response headers (``WWW-Authenticate``, ``Allow``).
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        title: str | None = None,
        property: str | None = None,
        resource: str | None = None,
        details: Sequence[Detail] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.title = title or TITLES.get(status, "Error")
        self.details: tuple[Detail, ...] = (Detail(message, property, resource), *details)
        self.headers = dict(headers or {})

    @property
    def message(self) -> str:
        """The first detail's message."""
        return self.details[0].message

    def to_error(self) -> dict[str, Any]:
        """Return the ``api:Error`` node (without ``@context``), e.g. for ``hasError``."""
        return error_node(self.status, self.title, self.details)


def _detail_node(status: int, detail: Detail) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@type": "api:ErrorDetail",
        "@id": f"internal:{uuid.uuid4()}",
        "api:hasCode": detail.code or str(status),
        "api:hasMessage": detail.message,
    }
    if detail.property:
        node["api:hasProperty"] = detail.property
    if detail.resource:
        node["api:hasResource"] = detail.resource
    return node


def error_node(status: int, title: str, details: Iterable[Detail]) -> dict[str, Any]:
    """Return an ``api:Error`` node (no ``@context``) with its details."""
    return {
        "@type": "api:Error",
        "@id": f"internal:{uuid.uuid4()}",
        "api:hasTitle": title,
        "api:hasSeverity": {"@id": "api:ERROR"},
        "api:hasErrorDetail": [_detail_node(status, d) for d in details],
    }


def error_body(
    status: int,
    message: str,
    *,
    title: str | None = None,
    property: str | None = None,
    resource: str | None = None,
    details: Sequence[Detail] = (),
) -> dict[str, Any]:
    """Return the compacted ``api:Error`` document of a synchronous error."""
    node = error_node(
        status,
        title or TITLES.get(status, "Error"),
        (Detail(message, property, resource), *details),
    )
    return {"@context": ERROR_CONTEXT, **node}


def error_response(error: HubError) -> Any:
    """Return the Starlette response of ``error`` (``api:Error`` body, spec headers)."""
    import json

    from starlette.responses import Response

    body = {"@context": ERROR_CONTEXT, **error.to_error()}
    headers = {"Content-Language": "en-US", **error.headers}
    return Response(
        json.dumps(body, ensure_ascii=False).encode("utf-8"),
        status_code=error.status,
        media_type=JSONLD_CONTENT_TYPE,
        headers=headers,
    )
