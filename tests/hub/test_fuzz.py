"""Property-based fuzzing of the hub API: no request may crash it or corrupt stored data.

One hub app (development mode, one agent, a temporary SQLite database) serves every test of
this module in process. Before fuzzing it stores the *sentinels* — the specification's
Piece (``Piece_with_id.json``), the Company with its employee, a Shipment linking the Piece
and an event on the Piece — and remembers their compacted JSON-LD. Then:

- **schemathesis** generates requests from the OpenAPI the hub serves (``/openapi.json``)
  and from the specification's OpenAPI (``ONE-Record-API-OpenAPI-2.3.0.yaml``: its query
  parameters ``at``, ``embedded``, the event filters, ``status``, ``topicType`` ...), both
  schema-conforming and schema-violating, with random ids and with the sentinels' ids;
- **hypothesis** mutates the specification's example bodies (logistics objects, events, a
  bulk event, a Change, a Verification, a Subscription, a Notification, an
  AccessDelegation): renamed, removed and added properties, values of other types, nested
  or wrapped values, JSON-LD keywords, remote contexts, ids of stored objects;
- raw bodies: arbitrary bytes, deep nesting, ``NaN``/``Infinity``, content types.

Every answer must be below 500; every 4xx (but HEAD) must be an ``api:Error`` with
``hasErrorDetail`` whose ``hasCode`` is the status; and after each test the sentinels must
read back exactly as stored. Runs are deterministic (``derandomize=True``) and small.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from starlette.types import Receive, Scope, Send

from smartlogistics.config import Settings
from smartlogistics.hub.app import create_hub_app

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "hub" / "examples"
SPEC_OPENAPI = (
    Path(__file__).resolve().parents[1]
    / "data"
    / "hub"
    / "openapi"
    / "ONE-Record-API-OpenAPI-2.3.0.yaml"
)
BASE = "https://1r.example.com"  # the specification examples' ids are this hub's
AGENT = "http://127.0.0.1:9/logistics-objects/fuzz-agent"
JSONLD = "application/ld+json; version=2.3.0"
HEADERS = {"Content-Type": JSONLD, "Accept": JSONLD}
CARGO = "https://onerecord.iata.org/ns/cargo#"
API = "https://onerecord.iata.org/ns/api#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SPEC_PIECE = f"{BASE}/logistics-objects/1a8ded38-1804-467c-a369-81a411416b7c"
SPEC_COMPANY = f"{BASE}/logistics-objects/957e2622-9d31-493b-8b8f-3c805064dbda"

FUZZ = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def _path(uri: str) -> str:
    assert uri.startswith(BASE + "/"), uri
    return uri.removeprefix(BASE)


# --- the hub under test ------------------------------------------------------------------


class LifespanOwnedByTest:
    """The hub app for schemathesis' in-process transport, without its lifespan.

    The module fixture runs the app's lifespan (one store, one database); schemathesis
    would start a second one per app, so this wrapper declines the lifespan scope (how
    ASGI apps without lifespan support answer) and forwards HTTP to the running app.
    """

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Forward HTTP; refuse the lifespan protocol before reading any message."""
        if scope["type"] == "lifespan":
            raise RuntimeError("the test fixture runs this app's lifespan")
        await self.app(scope, receive, send)


@dataclass
class FuzzHub:
    """The running hub and what it stored before the fuzzing."""

    app: FastAPI
    client: TestClient
    sentinels: dict[str, Any]  # URL path (with query) -> compacted JSON-LD
    piece: str  # the specification's Piece (a sentinel)
    patch_target: str  # a Piece the Change fuzzing may change
    event: str  # an event on the sentinel Piece
    action_request: str  # a pending VerificationRequest on the sentinel Piece

    def send(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str] | None = None
    ) -> Any:
        response = self.client.request(method, path, content=body, headers=headers or HEADERS)
        check_answer(
            method,
            path,
            response.status_code,
            response.headers.get("content-type", ""),
            response.content,
        )
        return response

    def assert_sentinels_unchanged(self) -> None:
        for path, stored in self.sentinels.items():
            response = self.client.get(path, headers=HEADERS)
            assert response.status_code == 200, (path, response.text)
            assert response.json() == stored, path


def check_answer(method: str, path: str, status: int, content_type: str, content: bytes) -> None:
    """No 5xx; a 4xx answer (but to HEAD) is an ``api:Error`` naming its status."""
    assert status < 500, (method, path, status, content[:500])
    if status < 400 or method == "HEAD":
        return
    assert content_type == JSONLD, (method, path, status)
    body = json.loads(content)
    assert body["@type"] == "api:Error", (method, path, body)
    details = body["api:hasErrorDetail"]
    for detail in details if isinstance(details, list) else [details]:
        assert detail["@type"] == "api:ErrorDetail", (method, path, body)
        assert detail["api:hasCode"] == str(status), (method, path, body)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzHub]:
    folder = tmp_path_factory.mktemp("hub-fuzz")
    cfg = Settings(
        database_url=f"sqlite:///{folder / 'hub.db'}",
        var_dir=folder / "var",
        auth="disabled",
        auth_dev_agent=AGENT,
        hub_base_url=BASE,
        hub_data_holder=AGENT,
        hub_notify_run=False,
        hub_notify_allow=["http://127.0.0.1:9/"],
        hub_rate_limit_per_s=0,
    )
    app = create_hub_app(cfg, base_url=BASE)
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as client:

        def create(doc: Any) -> str:
            response = client.post("/logistics-objects", json=doc, headers=HEADERS)
            assert response.status_code == 201, response.text
            return str(response.headers["Location"])

        piece = create(_example("Piece_with_id.json"))
        assert piece == SPEC_PIECE
        company = create(_example("Company_with_id.json"))
        assert company == SPEC_COMPANY
        shipment = create(_example("Shipment_with_Piece.json"))
        patch_target = create(_example("Piece.json"))
        event_doc = _example("LogisticsEvent.json")
        del event_doc["cargo:eventFor"]
        response = client.post(_path(piece) + "/logistics-events", json=event_doc, headers=HEADERS)
        assert response.status_code == 201, response.text
        event = str(response.headers["Location"])
        verification = _example("Verification.json")
        verification["@context"]["xsd"] = XSD  # the example's xsd lacks its '#'
        response = client.post(_path(piece), json=verification, headers=HEADERS)
        assert response.status_code == 201, response.text
        action_request = str(response.headers["Location"])
        paths = [_path(u) for u in (piece, company, shipment, event)]
        paths += [_path(piece) + "?embedded=true", _path(shipment) + "?embedded=true"]
        sentinels = {p: client.get(p, headers=HEADERS).json() for p in paths}
        yield FuzzHub(app, client, sentinels, piece, patch_target, event, action_request)


# --- schemathesis on the served and on the specification's OpenAPI ----------------------


def _pinned(hub: FuzzHub, names: set[str]) -> dict[str, str]:
    """Path parameters that name the stored objects (by either schema's names)."""
    object_id = _path(hub.piece).rsplit("/", 1)[1]
    event_id = hub.event.rsplit("/", 1)[1]
    request_id = hub.action_request.rsplit("/", 1)[1]
    values = {
        "object_id": object_id,
        "logisticsObjectId": object_id,
        "event_id": event_id,
        "logisticsEventsId": event_id,
        "request_id": request_id,
        "actionRequestId": request_id,
    }
    return {name: values[name] for name in names if name in values}


def _fuzz_schema(hub: FuzzHub, schema: Any) -> list[str]:
    """Run every operation of ``schema``; return the operations that ran."""
    ran: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        names = {p.name for p in operation.path_parameters}
        modes = [schemathesis.GenerationMode.POSITIVE]
        if len(operation.query) or len(operation.body):
            # schema-violating values need something a schema constrains
            modes.append(schemathesis.GenerationMode.NEGATIVE)
        variants: list[dict[str, str]] = [{}]
        if names:
            variants.append(_pinned(hub, names))
        for mode in modes:
            for pinned in variants:
                strategy = operation.as_strategy(mode, path_parameters=pinned or None)

                @settings(FUZZ, max_examples=6)
                @given(case=strategy)
                def run(case: Any) -> None:
                    response = case.call()
                    check_answer(
                        case.method,
                        case.formatted_path,
                        response.status_code,
                        response.headers.get("content-type", [""])[0],
                        response.content,
                    )

                run()
        ran.append(f"{operation.method.upper()} {operation.path}")
    return ran


def test_the_served_openapi_finds_no_server_error(hub: FuzzHub) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", LifespanOwnedByTest(hub.app))
    ran = _fuzz_schema(hub, schema)
    assert {"POST /logistics-objects", "GET /logistics-objects/{object_id}"} <= set(ran)
    assert len(ran) >= 20, ran
    hub.assert_sentinels_unchanged()


def test_the_specification_openapi_finds_no_server_error(hub: FuzzHub) -> None:
    document = yaml.safe_load(SPEC_OPENAPI.read_text(encoding="utf-8"))
    schema = schemathesis.openapi.from_dict(document)
    schema.app = LifespanOwnedByTest(hub.app)
    ran = _fuzz_schema(hub, schema)
    assert "GET /logistics-objects/{logisticsObjectId}/logistics-events" in ran
    assert len(ran) == sum(len(ops) for ops in document["paths"].values()), ran
    hub.assert_sentinels_unchanged()


# --- mutated ONE Record bodies -----------------------------------------------------------

_KEYWORDS = [
    "@context", "@id", "@type", "@value", "@language", "@list", "@set", "@graph",
    "@reverse", "@included", "@nest", "@index", "@json", "@vocab", "@base", "@direction",
]  # fmt: skip
_TERMS = [
    "cargo:goodsDescription", "cargo:grossWeight", "cargo:numericalValue", "cargo:unit",
    "cargo:pieces", "cargo:coload", "cargo:specialHandlingCodes", "cargo:eventFor",
    "cargo:eventDate", "cargo:eventCode", "cargo:name", "cargo:employees", "cargo:nope",
    "api:hasOperation", "api:op", "api:s", "api:p", "api:o", "api:hasValue",
    "api:hasDatatype", "api:hasRevision", "api:hasLatestRevision", "api:hasLogisticsObject",
    "api:hasSubscriber", "api:hasTopic", "api:hasTopicType", "api:hasEventType",
    "api:hasPermission", "api:isRequestedFor", "api:hasError", "api:expiresAt",
    CARGO + "goodsDescription", CARGO + "Piece", "xsd:string", "unknown:term", "",
]  # fmt: skip
_STRINGS = [
    "", " ", "cargo:Piece", "cargo:Shipment", "cargo:Value", "cargo:LogisticsEvent",
    "api:Change", "api:ADD", "api:DELETE", "api:Subscription", "_:b0", "_:b1",
    SPEC_PIECE, SPEC_COMPANY, f"{BASE}/logistics-objects/unknown", f"{BASE}/action-requests/x",
    "http://169.254.169.254/latest/meta-data/", "https://evil.example/context.jsonld",
    "file:///etc/passwd", "urn:uuid:00000000-0000-0000-0000-000000000000",
    "2023-04-01T10:38:01.000Z", "20230401T103801Z", "9999-12-31T23:59:59Z", "NaN",
    "Infinity", "-1", "1e999", "0", "true", "\u0000", "\ud7ff\ue000", "💥" * 3, "x" * 3000,
    "https://onerecord.iata.org/ns/code-lists/StatusCode#DEP", XSD + "double", XSD + "int",
    XSD + "dateTime", XSD + "boolean", XSD + "string", XSD + "positiveInteger", "@json",
    "@id", "@type", "en-US", "zz-!!", AGENT, CARGO, API,
]  # fmt: skip
keys = st.sampled_from(_KEYWORDS + _TERMS) | st.text(max_size=8)
leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(_STRINGS)
    | st.text(max_size=12)
)
values = st.recursive(
    leaves,
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(keys, kids, max_size=3),
    max_leaves=8,
)
_WRAPPERS: list[Callable[[Any], Any]] = [
    lambda v: [v],
    lambda v: [v, v],
    lambda v: {"@value": v},
    lambda v: {"@id": v},
    lambda v: {"@list": [v]},
    lambda v: {"@set": [v]},
    lambda v: {"@value": v, "@type": XSD + "double"},
    lambda v: {"@value": v, "@language": "en"},
    lambda v: {"@type": "cargo:Value", "cargo:numericalValue": v},
    lambda v: {"@graph": [v]},
]

Path_ = tuple[str | int, ...]


def _containers(doc: Any, path: Path_ = ()) -> list[Path_]:
    """Paths of every object and array in ``doc`` (the root first)."""
    found: list[Path_] = []
    if isinstance(doc, dict):
        found.append(path)
        for key, value in doc.items():
            found += _containers(value, (*path, key))
    elif isinstance(doc, list):
        found.append(path)
        for index, value in enumerate(doc):
            found += _containers(value, (*path, index))
    return found


def _at(doc: Any, path: Path_) -> Any:
    for step in path:
        doc = doc[step]
    return doc


@st.composite
def mutated(draw: st.DrawFn, base: Any) -> Any:
    """``base`` with one to three random edits somewhere in its tree."""
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = _containers(doc)
        if not paths:
            return doc
        node = _at(doc, draw(st.sampled_from(paths)))
        edit = draw(st.sampled_from(["add", "remove", "rename", "retype", "wrap"]))
        slots: list[Any] = list(node) if isinstance(node, dict) else list(range(len(node)))
        if edit == "add" or not slots:
            if isinstance(node, dict):
                node[draw(keys)] = draw(values)
            else:
                node.insert(draw(st.integers(0, len(node))), draw(values))
            continue
        slot = draw(st.sampled_from(slots))
        if edit == "remove":
            del node[slot]
        elif edit == "rename" and isinstance(node, dict):
            node[draw(keys)] = node.pop(slot)
        elif edit == "wrap":
            node[slot] = draw(st.sampled_from(_WRAPPERS))(node[slot])
        else:
            node[slot] = draw(values)
    return doc


def _replace_ids(doc: Any, old: str, new: str) -> Any:
    return json.loads(json.dumps(doc).replace(old, new))


@dataclass(frozen=True)
class Target:
    """An endpoint and the specification example its fuzzed bodies start from."""

    name: str
    method: str
    path: Callable[[FuzzHub], str]
    body: Callable[[FuzzHub], Any]
    status: int = 201  # the answer to the unmutated example


def _event_for_piece(hub: FuzzHub) -> Any:
    doc = _example("LogisticsEvent.json")
    del doc["cargo:eventFor"]
    return doc


def _bulk_event(hub: FuzzHub) -> Any:
    doc = _example("MultipleEvents_example1.json")
    doc["cargo:eventFor"] = [{"@id": hub.piece}, {"@id": hub.patch_target}]
    return doc


def _change(name: str) -> Callable[[FuzzHub], Any]:
    def body(hub: FuzzHub) -> Any:
        return _replace_ids(_example(name), SPEC_PIECE, hub.patch_target)

    return body


def _verification(hub: FuzzHub) -> Any:
    doc = _example("Verification.json")
    doc["@context"]["xsd"] = XSD
    return doc


def _subscription(hub: FuzzHub) -> Any:
    return _replace_ids(_example("Subscription_example1.json"), SPEC_COMPANY, AGENT)


TARGETS = [
    Target(
        "object Piece", "POST", lambda h: "/logistics-objects", lambda h: _example("Piece.json")
    ),
    Target(
        "object Piece with id",
        "POST",
        lambda h: "/logistics-objects",
        lambda h: _example("Piece_with_id.json"),
        409,  # a sentinel: it exists
    ),
    Target(
        "object Shipment",
        "POST",
        lambda h: "/logistics-objects",
        lambda h: _example("Shipment_with_Piece.embedded.json"),
    ),
    Target(
        "object Sensor expanded",
        "POST",
        lambda h: "/logistics-objects",
        lambda h: _replace_ids(_example("Sensor.expanded.json"), "http://1r.", "https://1r."),
    ),
    Target(
        "object CustomsInformation",
        "POST",
        lambda h: "/logistics-objects",
        lambda h: _example("CustomsInformation.json"),
    ),
    Target("event", "POST", lambda h: _path(h.piece) + "/logistics-events", _event_for_piece),
    Target("bulk event", "POST", lambda h: "/logistics-events", _bulk_event, 207),
    Target("change 1", "PATCH", lambda h: _path(h.patch_target), _change("Change_example1.json")),
    Target("change 2", "PATCH", lambda h: _path(h.patch_target), _change("Change_example2.json")),
    Target("verification", "POST", lambda h: _path(h.piece), _verification),
    Target("subscription", "POST", lambda h: "/subscriptions", _subscription),
    Target(
        "notification",
        "POST",
        lambda h: "/notifications",
        lambda h: _example("Notification_example1.json"),
        204,
    ),
    Target(
        "access delegation",
        "POST",
        lambda h: "/access-delegations",
        lambda h: _example("AccessDelegation_example1.json"),
    ),
]


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_mutated_specification_bodies_find_no_server_error(hub: FuzzHub, target: Target) -> None:
    base = target.body(hub)
    path = target.path(hub)
    first = hub.send(target.method, path, json.dumps(base).encode())
    assert first.status_code == target.status, first.text

    @FUZZ
    @given(doc=mutated(base))
    def run(doc: Any) -> None:
        hub.send(target.method, path, json.dumps(doc).encode())

    run()
    hub.assert_sentinels_unchanged()


# --- raw bodies and headers ----------------------------------------------------------------


def _nested(depth: int, *, arrays: bool) -> bytes:
    if arrays:
        return b"[" * depth + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


_RAW = [
    _nested(100_000, arrays=True),
    _nested(5_000, arrays=False),
    b'{"@context":{"cargo":"' + CARGO.encode() + b'"},"@type":"cargo:Piece","cargo:grossWeight":'
    b'{"@type":"cargo:Value","cargo:numericalValue":NaN}}',
    b'{"@context":{"cargo":"' + CARGO.encode() + b'"},"@type":"cargo:Piece","cargo:grossWeight":'
    b'{"@type":"cargo:Value","cargo:numericalValue":1e999}}',
    b'{"@context":{"cargo":"'
    + CARGO.encode()
    + b'"},"@type":"cargo:Piece","cargo:coload":'
    + b"9" * 5000
    + b"}",
    b'{"@type": "\xff"}',
    b"null",
    b"[]",
    b'"x"',
    b"",
]
_ENDPOINTS = [
    ("POST", lambda h: "/logistics-objects"),
    ("POST", lambda h: _path(h.piece) + "/logistics-events"),
    ("POST", lambda h: "/logistics-events"),
    ("PATCH", lambda h: _path(h.patch_target)),
    ("POST", lambda h: _path(h.piece)),
    ("POST", lambda h: "/subscriptions"),
    ("POST", lambda h: "/notifications"),
    ("POST", lambda h: "/access-delegations"),
    ("PATCH", lambda h: _path(h.action_request) + "?status=api:REQUEST_ACCEPTED"),
    ("GET", lambda h: _path(h.piece) + "?embedded=true"),
]
_CONTENT_TYPES = [
    JSONLD,
    "application/ld+json",
    "application/ld+json; version=2.2.0",
    "application/ld+json; charset=latin-1",
    "application/ld+json; version=2.3.0; profile=x",
    "application/json",
    "text/turtle",
    ";;;=\x01",
    "",
]
_ACCEPTS = [JSONLD, "*/*", "text/turtle", "application/ld+json; version=1.0", "a/b;q=x", ""]


@FUZZ
@given(
    body=st.sampled_from(_RAW) | st.binary(max_size=64),
    endpoint=st.sampled_from(_ENDPOINTS),
    content_type=st.sampled_from(_CONTENT_TYPES),
    accept=st.sampled_from(_ACCEPTS),
)
@example(body=_RAW[0], endpoint=_ENDPOINTS[0], content_type=JSONLD, accept=JSONLD)
@example(body=_RAW[1], endpoint=_ENDPOINTS[5], content_type=JSONLD, accept=JSONLD)
@example(body=_RAW[2], endpoint=_ENDPOINTS[0], content_type=JSONLD, accept=JSONLD)
@example(body=_RAW[3], endpoint=_ENDPOINTS[1], content_type=JSONLD, accept=JSONLD)
def test_raw_bodies_and_headers_find_no_server_error(
    hub: FuzzHub,
    body: bytes,
    endpoint: tuple[str, Callable[[FuzzHub], str]],
    content_type: str,
    accept: str,
) -> None:
    method, path = endpoint
    headers = {"Content-Type": content_type, "Accept": accept}
    hub.send(method, path(hub), body, headers={k: v for k, v in headers.items() if v})


def test_non_finite_numbers_and_deep_nesting_are_refused_with_400(hub: FuzzHub) -> None:
    for body in _RAW[:4]:
        response = hub.send("POST", "/logistics-objects", body)
        assert response.status_code == 400, response.text
    hub.assert_sentinels_unchanged()


def test_a_top_level_graph_is_refused_with_400_on_every_body(hub: FuzzHub) -> None:
    """Found by this fuzzer: ``@graph`` beside the root's properties crashed four endpoints.

    (A Change with an empty ``@graph`` is still applied — not a crash, reported.)
    """
    for target in TARGETS:
        if target.method == "PATCH":
            continue
        doc = {**target.body(hub), "@graph": []}
        response = hub.send(target.method, target.path(hub), json.dumps(doc).encode())
        assert response.status_code == 400, (target.name, response.text)
    hub.assert_sentinels_unchanged()
