"""HTTP plumbing shared by the hub routers: who is asking, content negotiation, responses.

- **Authentication**: :func:`principal` asks the app's
  :class:`~smartlogistics.hub.security.Authenticator`; an
  :class:`~smartlogistics.hub.security.AuthError` becomes a 401 ``api:Error`` with
  ``WWW-Authenticate`` in the app's exception handler.
- **Content negotiation** (implementation-guidelines.md, "API Versioning"): the hub speaks
  ``application/ld+json`` of API version 2.3.0. ``Accept`` may name it (with or without
  ``version=2.3.0``), ``application/json``, ``application/*`` or ``*/*``; no ``Accept``
  means the same. An ``Accept`` that admits none of these — e.g. only ``text/turtle``, or
  only ``application/ld+json; version=1.2`` — is a 406. Every response says
  ``Content-Type: application/ld+json; version=2.3.0`` and ``Content-Language: en-US``.
- **Request bodies** must be ``application/ld+json`` (a ``version`` parameter, if given,
  must be 2.3.0), else 415; they must be UTF-8 JSON (RFC 8259: no ``NaN``/``Infinity``, no
  number that overflows a double) nested at most :data:`MAX_JSON_DEPTH` levels, else 400 —
  a non-finite number could not be stored in PostgreSQL nor served back as JSON, and
  deeper nesting would exhaust the recursion of the JSON and JSON-LD processors.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import Response

from smartlogistics.hub._errors import API_VERSION, JSONLD_CONTENT_TYPE, HubError
from smartlogistics.hub.security import Principal

__all__ = [
    "MAX_JSON_DEPTH",
    "http_date",
    "jsonld_response",
    "negotiate",
    "parse_at",
    "principal",
    "read_jsonld",
]

#: Deepest nesting of arrays and objects a request body may have (ONE Record documents,
#: even expanded ones, stay far below; the parsers recurse once per level).
MAX_JSON_DEPTH: Final = 64

#: Surrogates and Unicode non-characters: "request and response bodies ... MUST consist of
#: valid Unicode strings, i.e. MUST NOT contain non-characters or surrogates"
#: (implementation-guidelines.md). A stored surrogate could not even be encoded back to UTF-8.
_NOT_CHARACTERS: Final = re.compile(
    "[\\ud800-\\udfff\\ufdd0-\\ufdef"
    + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(17))
    + "]"
)

_ACCEPTABLE: Final = frozenset({"application/ld+json", "application/json", "application/*", "*/*"})


def principal(request: Request) -> Principal:
    """Return who sent ``request`` (raises ``AuthError`` → 401)."""
    auth = request.app.state.authenticator
    result: Principal = auth.authenticate(request.headers.get("authorization"))
    return result


def _media_ranges(header: str) -> list[tuple[str, dict[str, str], float]]:
    out: list[tuple[str, dict[str, str], float]] = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        params: dict[str, str] = {}
        q = 1.0
        for piece in pieces[1:]:
            key, _, value = piece.partition("=")
            key, value = key.strip().lower(), value.strip().strip('"')
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
            else:
                params[key] = value
        out.append((pieces[0].lower(), params, q))
    return out


def negotiate(request: Request) -> None:
    """Raise 406 unless the ``Accept`` header admits JSON-LD of API version 2.3.0."""
    header = request.headers.get("accept")
    if not header or not header.strip():
        return
    for media, params, q in _media_ranges(header):
        if q <= 0 or media not in _ACCEPTABLE:
            continue
        version = params.get("version")
        if version is None or version == API_VERSION:
            return
    raise HubError(
        406,
        f"this server returns {JSONLD_CONTENT_TYPE} (or application/json); the Accept "
        f"header {header!r} admits neither",
        title="Not acceptable",
    )


async def read_jsonld(request: Request, *, required: bool = True) -> Any:
    """Return the parsed JSON body of a JSON-LD request (415 / 400 otherwise)."""
    raw = await request.body()
    if not raw and not required:
        return None
    ctype = request.headers.get("content-type", "")
    media = ctype.partition(";")[0]
    if media.strip().lower() != "application/ld+json":
        raise HubError(
            415,
            f"the request content type must be application/ld+json, not {ctype or 'absent'!r}",
        )
    for _media, params, _q in _media_ranges(ctype):
        version = params.get("version")
        if version is not None and version != API_VERSION:
            raise HubError(
                415, f"API version {version!r} is not supported; this server speaks 2.3.0"
            )
        charset = params.get("charset")
        if charset is not None and charset.lower().replace("-", "") != "utf8":
            raise HubError(415, "request bodies must be UTF-8 encoded")
        break
    if not raw:
        raise HubError(400, "The request body is missing, malformed, or cannot be parsed.")
    try:
        doc = json.loads(
            raw.decode("utf-8"), parse_constant=_refuse_constant, parse_float=_finite_float
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise HubError(400, f"the request body is not valid UTF-8 JSON: {exc}") from None
    except RecursionError:
        doc = None
        too_deep = True
    else:
        too_deep = _deeper_than(doc, MAX_JSON_DEPTH)
    if too_deep:
        raise HubError(
            400, f"the request body nests arrays and objects deeper than {MAX_JSON_DEPTH} levels"
        )
    text = raw.decode("utf-8")
    if ("\\u" in text or _NOT_CHARACTERS.search(text)) and _has_non_characters(doc):
        raise HubError(
            400, "the request body contains surrogates or non-characters (not valid Unicode)"
        )
    return doc


def _has_non_characters(doc: Any) -> bool:
    """Whether any string (key or value) in ``doc`` holds a surrogate or non-character."""
    stack: list[Any] = [doc]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if _NOT_CHARACTERS.search(value):
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text} is out of range")
    return value


def _deeper_than(doc: Any, limit: int) -> bool:
    """Whether arrays/objects in ``doc`` nest deeper than ``limit`` (no recursion)."""
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def http_date(value: datetime) -> str:
    """Format ``value`` as an HTTP date (``Tue, 21 Feb 2023 07:28:00 GMT``)."""
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return format_datetime(aware.replace(microsecond=0), usegmt=True)


def parse_at(text: str | None, name: str = "at") -> datetime | None:
    """Parse an ``YYYYMMDDThhmmssZ`` query parameter (400 when malformed)."""
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise HubError(
            400,
            f"{name} must be an ISO 8601 UTC datetime as YYYYMMDDThhmmssZ, got {text!r}",
            title="Invalid query parameter request",
            property=name,
        ) from None


def jsonld_response(
    body: Any,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    head: bool = False,
) -> Response:
    """Return ``body`` as ``application/ld+json; version=2.3.0`` (no body for HEAD)."""
    payload = b"" if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
    all_headers = {"Content-Language": "en-US", **(headers or {})}
    if head:
        all_headers["Content-Length"] = str(len(payload))
        payload = b""
    return Response(
        payload, status_code=status, media_type=JSONLD_CONTENT_TYPE, headers=all_headers
    )
