"""ONE Record 2.3.0 MUST rules that no other hub test checked (conformance review).

Every MUST/MUST NOT sentence of ``../shared/onerecord/spec/*.md`` was checked against the
tests under ``tests/hub/``; ``docs/hub-conformance.md`` maps each rule to the test that
covers it. The rules without a test get one here: one test per rule, its docstring quoting
the rule and naming the specification file. They run on SQLite and PostgreSQL (the
``client`` fixture of ``tests/hub/conftest.py``).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from smartlogistics.hub.security import mint_token
from smartlogistics.hub.store import HubStore
from tests.hub.conftest import AGENT_A, AGENT_B, BASE, JSONLD

Auth = Callable[[str], dict[str, str]]
Example = Callable[[str], Any]
CARGO = "https://onerecord.iata.org/ns/cargo#"
API = "https://onerecord.iata.org/ns/api#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _create(client: TestClient, auth: Auth, doc: Any, agent: str = AGENT_A) -> str:
    response = client.post("/logistics-objects", json=doc, headers=auth(agent))
    assert response.status_code == 201, response.text
    return str(response.headers["Location"])


def _event(example: Example) -> Any:
    doc = example("LogisticsEvent.json")
    del doc["cargo:eventFor"]
    return doc


def _change(example: Example, uri: str) -> Any:
    """Change_example1.json aimed at ``uri`` (goodsDescription added, coload flipped)."""
    doc = copy.deepcopy(example("Change_example1.json"))
    old = doc["api:hasLogisticsObject"]["@id"]
    doc["api:hasLogisticsObject"]["@id"] = uri
    for op in doc["api:hasOperation"]:
        if op["api:s"] == old:
            op["api:s"] = uri
    return doc


def _verification(example: Example, uri: str) -> Any:
    doc = example("Verification.json")
    doc["@context"]["xsd"] = XSD  # the example maps xsd without its '#'
    doc["api:hasLogisticsObject"] = {"@id": uri}
    return doc


def _grant(hub_store: HubStore, uri: str, agent: str, *permissions: str) -> None:
    hub_store.grant(uri.rsplit("/", 1)[1], agent, [API + p for p in permissions], by=AGENT_A)


def _documents(client: TestClient, auth: Auth, example: Example) -> Iterator[tuple[str, Any]]:
    """Every kind of JSON-LD document the hub returns, with what produced it."""
    piece = _create(client, auth, example("Piece.json"))
    posted = client.post(f"{piece}/logistics-events", json=_event(example), headers=auth(AGENT_A))
    change = client.patch(piece, json=_change(example, piece), headers=auth(AGENT_A))
    bulk = _event(example)
    bulk["cargo:eventFor"] = [{"@id": piece}, {"@id": f"{BASE}/logistics-objects/none"}]
    yield "server information", client.get("/", headers=auth(AGENT_A)).json()
    yield "logistics object", client.get(piece, headers=auth(AGENT_A)).json()
    yield (
        "embedded object",
        client.get(piece, params={"embedded": "true"}, headers=auth(AGENT_A)).json(),
    )
    yield "logistics event", client.get(posted.headers["Location"], headers=auth(AGENT_A)).json()
    yield "event collection", client.get(f"{piece}/logistics-events", headers=auth(AGENT_A)).json()
    yield "audit trail", client.get(f"{piece}/audit-trail", headers=auth(AGENT_A)).json()
    yield "change request", client.get(change.headers["Location"], headers=auth(AGENT_A)).json()
    multi = client.post("/logistics-events", json=bulk, headers=auth(AGENT_A))
    assert multi.status_code == 207, multi.text
    yield "multi-status response", multi.json()
    yield "error", client.get(f"{BASE}/logistics-objects/none", headers=auth(AGENT_A)).json()


# --- implementation-guidelines.md ------------------------------------------------------------


def test_every_response_carries_content_language(
    client: TestClient, auth: Auth, example: Example, hub_store: HubStore
) -> None:
    """implementation-guidelines.md (Language): "The following HTTP headers parameters MUST
    be present for every response: Content-Language".

    Checked on 200, 201, 204 (action-request PATCH and DELETE, notifications), 207, HEAD and
    4xx answers.
    """
    piece = _create(client, auth, example("Piece.json"))
    _grant(hub_store, piece, AGENT_B, "PATCH_LOGISTICS_OBJECT", "GET_LOGISTICS_OBJECT")
    to_accept = client.patch(piece, json=_change(example, piece), headers=auth(AGENT_B))
    bulk = _event(example)
    bulk["cargo:eventFor"] = [{"@id": piece}]
    answers = {
        "201 object": client.post(
            "/logistics-objects", json=example("Piece.json"), headers=auth(AGENT_A)
        ),
        "201 change request": to_accept,
        "200 object": client.get(piece, headers=auth(AGENT_A)),
        "200 HEAD": client.head(piece, headers=auth(AGENT_A)),
        "204 accept": client.patch(
            to_accept.headers["Location"],
            params={"status": "REQUEST_ACCEPTED"},
            headers=auth(AGENT_A),
        ),
    }
    to_revoke = client.patch(piece, json=_change(example, piece), headers=auth(AGENT_B))
    answers["204 revoke"] = client.delete(to_revoke.headers["Location"], headers=auth(AGENT_B))
    answers["204 notification"] = client.post(
        "/notifications", json=example("Notification_example1.json"), headers=auth(AGENT_B)
    )
    answers["207 events"] = client.post("/logistics-events", json=bulk, headers=auth(AGENT_A))
    answers["404 error"] = client.get(f"{BASE}/logistics-objects/none", headers=auth(AGENT_A))
    answers["401 error"] = client.get(piece)
    statuses = {name: r.status_code for name, r in answers.items()}
    assert statuses == {
        "201 object": 201,
        "201 change request": 201,
        "200 object": 200,
        "200 HEAD": 200,
        "204 accept": 204,
        "204 revoke": 204,
        "204 notification": 204,
        "207 events": 207,
        "404 error": 404,
        "401 error": 401,
    }
    missing = [n for n, r in answers.items() if r.headers.get("Content-Language") != "en-US"]
    assert missing == []


def test_every_returned_document_has_an_id(
    client: TestClient, auth: Auth, example: Example
) -> None:
    """implementation-guidelines.md (Data Serialization): "Every JSON-LD document that is
    returned from a ONE Record API MUST include `@id` property"."""
    without = [name for name, doc in _documents(client, auth, example) if not doc.get("@id")]
    assert without == []


def test_every_returned_document_has_a_type(
    client: TestClient, auth: Auth, example: Example
) -> None:
    """implementation-guidelines.md (Data Serialization): "A JSON-LD document MUST include an
    `@type` property that specifies the type of the data object"."""
    types = {name: doc.get("@type") for name, doc in _documents(client, auth, example)}
    assert types == {
        "server information": "api:ServerInformation",
        "logistics object": "cargo:Piece",
        "embedded object": "cargo:Piece",
        "logistics event": "cargo:LogisticsEvent",
        "event collection": "api:Collection",
        "audit trail": "api:AuditTrail",
        "change request": "api:ChangeRequest",
        "multi-status response": "api:MultiStatusResponse",
        "error": "api:Error",
    }


def test_bodies_with_surrogates_or_non_characters_are_refused(
    client: TestClient, auth: Auth
) -> None:
    """implementation-guidelines.md (Encoding): "every request body that is returned from a
    ONE Record server as well as the HTTP request and response bodies MUST use `UTF-8
    encoding` and MUST consist of valid Unicode strings, i.e. MUST NOT contain
    non-characters or surrogates".

    A lone surrogate (``\\ud800``) used to be stored, after which the object could not be
    served at all (500); now such bodies are a 400 and nothing is stored.
    """
    head = b'{"@context": {"cargo": "' + CARGO.encode() + b'"}, "@type": "cargo:Piece", '
    for value in (b'"a\\ud800b"', b'"\\udfff"', b'"x\\ufffey"', '"\ufdd0"'.encode()):
        body = head + b'"cargo:goodsDescription": ' + value + b"}"
        response = client.post("/logistics-objects", content=body, headers=auth(AGENT_A))
        assert response.status_code == 400, (value, response.text)
        detail = response.json()["api:hasErrorDetail"][0]["api:hasMessage"]
        assert (
            detail == "the request body contains surrogates or non-characters (not valid Unicode)"
        )
    fine = head + b'"cargo:goodsDescription": "\\ue000 \\ud83d\\udca5"}'
    created = client.post("/logistics-objects", content=fine, headers=auth(AGENT_A))
    assert created.status_code == 201, created.text
    got = client.get(created.headers["Location"], headers=auth(AGENT_A))
    assert got.content.decode("utf-8")  # valid UTF-8
    assert got.json()["cargo:goodsDescription"] == "\ue000 \U0001f4a5"


def test_an_empty_collection_differs_from_an_absent_one(client: TestClient, auth: Auth) -> None:
    """implementation-guidelines.md (Collections): "Since there MAY be a semantic difference
    between an empty collection and the absence of a collection property, this difference
    MUST also be explicitly apparent in the response body"."""
    base = {"@context": {"cargo": CARGO}, "@type": "cargo:Piece", "cargo:goodsDescription": "x"}
    empty = _create(client, auth, {**base, "cargo:specialHandlingCodes": []})
    absent = _create(client, auth, base)
    assert client.get(empty, headers=auth(AGENT_A)).json()["cargo:specialHandlingCodes"] == []
    assert "cargo:specialHandlingCodes" not in client.get(absent, headers=auth(AGENT_A)).json()


def test_serialisation_uses_no_versioned_iris(
    client: TestClient, auth: Auth, example: Example
) -> None:
    """implementation-guidelines.md (Versioning): "serialization, e.g. using the JSON-LD
    format, MUST NOT use versioned IRIs, e.g. https://onerecord.iata.org/ns/cargo#Piece for
    the property "@type" ..."."""
    versioned = re.compile(r"onerecord\.iata\.org/ns/(cargo|api|code-lists)/\d")
    for name, doc in _documents(client, auth, example):
        if name == "server information":
            continue  # hasSupportedOntologyVersion lists versioned IRIs by definition
        assert not versioned.search(json.dumps(doc)), name


def test_no_accept_language_means_american_english(
    client: TestClient, agent_token: Callable[[str], str], example: Example
) -> None:
    """implementation-guidelines.md (Language): "Accept-Language ... If no language is set,
    the ONE Record server MUST assume that the default language is requested, i.e.
    American English (en-US)"."""
    headers = {"Authorization": f"Bearer {agent_token(AGENT_A)}", "Content-Type": JSONLD}
    created = client.post("/logistics-objects", json=example("Piece.json"), headers=headers)
    got = client.get(created.headers["Location"], headers=headers)
    info = client.get("/", headers=headers)
    assert (got.status_code, got.headers["Content-Language"]) == (200, "en-US")
    assert info.json()["api:hasSupportedLanguage"] == ["en-US"]


def test_date_times_follow_rfc_3339(client: TestClient, auth: Auth, example: Example) -> None:
    """implementation-guidelines.md (Date and Time): "Date and time formats MUST follow
    RFC 3339"; every xsd:dateTime the hub writes (receipt times, request and status times)
    is an RFC 3339 date-time."""
    rfc3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if value.get("@type") in ("xsd:dateTime", XSD + "dateTime"):
                found.append(str(value["@value"]))
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    for _name, doc in _documents(client, auth, example):
        walk(doc)
    assert len(found) >= 5, found  # creationDate, eventDate, isRequestedAt, statuses
    assert [v for v in found if not rfc3339.match(v)] == []


# --- concepts.md, logistics-objects.md --------------------------------------------------------


def test_a_logistics_object_uri_never_changes(
    client: TestClient, auth: Auth, example: Example, hub_store: HubStore
) -> None:
    """concepts.md (Logistics Object URI): "This Logistics Object URI MUST NOT be changed as
    it is the permanent identifier of a specific Logistics Object" — not by a change, and
    not in a historical version."""
    t0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    hub_store.clock = lambda: t0
    piece = _create(client, auth, example("Piece.json"))
    hub_store.clock = lambda: t0 + timedelta(hours=1)
    applied = client.patch(piece, json=_change(example, piece), headers=auth(AGENT_A))
    assert applied.status_code == 201
    hub_store.clock = lambda: t0 + timedelta(hours=2)
    latest = client.get(piece, headers=auth(AGENT_A))
    old = client.get(piece, params={"at": "20261130T093000Z"}, headers=auth(AGENT_A))
    assert (latest.headers["Revision"], old.headers["Revision"]) == ("2", "1")
    assert (latest.json()["@id"], old.json()["@id"]) == (piece, piece)
    assert latest.headers["Location"] == piece


def test_only_logistics_object_classes_can_be_created(client: TestClient, auth: Auth) -> None:
    """logistics-objects.md: "This particular Logistics Object MUST be a type of Logistics
    Object, i.e. data classes that inherit from the class Logistics Object"."""
    value = {"@context": {"cargo": CARGO}, "@type": "cargo:Value", "cargo:unit": {"@id": "x:y"}}
    response = client.post("/logistics-objects", json=value, headers=auth(AGENT_A))
    assert response.status_code == 400
    detail = response.json()["api:hasErrorDetail"][0]
    assert detail["api:hasMessage"] == "@type: cargo:Value is not a logistics object class"
    assert detail["api:hasProperty"] == "@type"


def test_links_of_a_historical_version_carry_the_same_at(
    client: TestClient, auth: Auth, example: Example, hub_store: HubStore
) -> None:
    """logistics-objects.md (Historical Logistics Objects): "all linked Logistics Object, i.e.
    their Logistics Object URIs. in the response body MUST also contain the `?at=` query
    parameter with the same provided datetime value"."""
    t0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    hub_store.clock = lambda: t0
    piece = _create(client, auth, example("Piece.json"))
    shipment = {
        "@context": {"cargo": CARGO},
        "@type": "cargo:Shipment",
        "cargo:goodsDescription": "two links",
        "cargo:pieces": [{"@id": piece}, {"@id": "https://elsewhere.example/logistics-objects/p"}],
    }
    uri = _create(client, auth, shipment)
    hub_store.clock = lambda: t0 + timedelta(hours=1)
    at = "20261130T093000Z"
    body = client.get(uri, params={"at": at}, headers=auth(AGENT_A)).json()
    links = sorted(p["@id"] for p in body["cargo:pieces"])
    # the other server's object is not ours to version; only this server's links get ?at=
    assert links == sorted([f"{piece}?at={at}", "https://elsewhere.example/logistics-objects/p"])


# --- security ---------------------------------------------------------------------------------


def test_an_expired_token_is_a_401(client: TestClient, hub_keys_dir: Any, example: Example) -> None:
    """security-authn-application-layer.md: "The ONE Record server MUST return a 401
    Authorized Error if the token is expired or not valid" ("exp ... on or after which the
    JWT MUST NOT be accepted for processing")."""
    from smartlogistics.config import Settings
    from smartlogistics.hub.security import dev_signing_key

    key = dev_signing_key(Settings(dev_key_path=hub_keys_dir / "dev-signing-key.pem"))
    issued = int(datetime.now(UTC).timestamp()) - 3600
    expired = mint_token(AGENT_A, ttl_s=60, key=key, now=issued)  # expired ~59 minutes ago
    headers = {"Authorization": f"Bearer {expired}", "Content-Type": JSONLD, "Accept": JSONLD}
    response = client.post("/logistics-objects", json=example("Piece.json"), headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="smartlogistics-hub"')
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert response.json()["api:hasErrorDetail"][0]["api:hasCode"] == "401"


def test_the_four_permissions_are_supported(
    client: TestClient, auth: Auth, example: Example, hub_store: HubStore
) -> None:
    """security-access-control.md: "Every ONE Record server MUST support at least the
    following permissions: GET_LOGISTICS_OBJECT, PATCH_LOGISTICS_OBJECT,
    POST_LOGISTICS_EVENT, GET_LOGISTICS_EVENT" — each one opens exactly its operation."""
    piece = _create(client, auth, example("Piece.json"))
    event = client.post(f"{piece}/logistics-events", json=_event(example), headers=auth(AGENT_A))

    def answers() -> dict[str, int]:
        b = auth(AGENT_B)
        return {
            "GET_LOGISTICS_OBJECT": client.get(piece, headers=b).status_code,
            "PATCH_LOGISTICS_OBJECT": client.patch(
                piece, json=_change(example, piece), headers=b
            ).status_code,
            "POST_LOGISTICS_EVENT": client.post(
                f"{piece}/logistics-events", json=_event(example), headers=b
            ).status_code,
            "GET_LOGISTICS_EVENT": client.get(event.headers["Location"], headers=b).status_code,
        }

    assert answers() == dict.fromkeys(answers(), 403)
    opened = {
        "GET_LOGISTICS_OBJECT": 200,
        "PATCH_LOGISTICS_OBJECT": 201,
        "POST_LOGISTICS_EVENT": 201,
        "GET_LOGISTICS_EVENT": 200,
    }
    granted: dict[str, int] = {}
    for permission, status in opened.items():
        _grant(hub_store, piece, AGENT_B, permission)
        granted[permission] = status
        expected = {p: granted.get(p, 403) for p in opened}
        assert answers() == expected, permission


# --- action-requests.md -----------------------------------------------------------------------


def test_only_the_holder_acknowledges_a_verification_request(
    client: TestClient, auth: Auth, example: Example, hub_store: HubStore
) -> None:
    """action-requests.md: "A VerificationRequest MUST only be acknowledged by the Holder of
    the LogisticsObject"."""
    piece = _create(client, auth, example("Piece.json"))
    _grant(hub_store, piece, AGENT_B, "GET_LOGISTICS_OBJECT")
    made = client.post(piece, json=_verification(example, piece), headers=auth(AGENT_B))
    assert made.status_code == 201, made.text
    location = made.headers["Location"]
    by_requester = client.patch(
        location, params={"status": "REQUEST_ACKNOWLEDGED"}, headers=auth(AGENT_B)
    )
    assert by_requester.status_code == 403
    assert client.get(location, headers=auth(AGENT_B)).json()["api:hasRequestStatus"] == {
        "@id": "api:REQUEST_PENDING"
    }
    by_holder = client.patch(
        location, params={"status": "REQUEST_ACKNOWLEDGED"}, headers=auth(AGENT_A)
    )
    assert by_holder.status_code == 204
    assert client.get(location, headers=auth(AGENT_B)).json()["api:hasRequestStatus"] == {
        "@id": "api:REQUEST_ACKNOWLEDGED"
    }


def test_a_verification_request_is_revocable_only_while_pending(
    client: TestClient, auth: Auth, example: Example, hub_store: HubStore
) -> None:
    """action-requests.md: "ChangeRequest and VerificationRequest MUST only be revoked as
    long as it is in `REQUEST_PENDING` status"."""
    piece = _create(client, auth, example("Piece.json"))
    _grant(hub_store, piece, AGENT_B, "GET_LOGISTICS_OBJECT")
    pending = client.post(piece, json=_verification(example, piece), headers=auth(AGENT_B))
    done = client.post(piece, json=_verification(example, piece), headers=auth(AGENT_B))
    ack = client.patch(
        done.headers["Location"], params={"status": "REQUEST_ACKNOWLEDGED"}, headers=auth(AGENT_A)
    )
    assert ack.status_code == 204
    assert client.delete(done.headers["Location"], headers=auth(AGENT_B)).status_code == 422
    assert client.delete(pending.headers["Location"], headers=auth(AGENT_B)).status_code == 204
    status = client.get(pending.headers["Location"], headers=auth(AGENT_B)).json()
    assert status["api:hasRequestStatus"] == {"@id": "api:REQUEST_REVOKED"}


# --- subscriptions.md -------------------------------------------------------------------------


def test_a_proposal_topic_must_be_a_valid_uri(client: TestClient, auth: Auth) -> None:
    """subscriptions.md (Subscription proposal, query parameters): "**topic** MUST be a
    valid URI"."""
    params = {"topicType": API + "LOGISTICS_OBJECT_IDENTIFIER", "topic": "not a uri"}
    response = client.get("/subscriptions", params=params, headers=auth(AGENT_B))
    assert response.status_code == 400
    assert response.json()["api:hasErrorDetail"][0]["api:hasCode"] == "400"


def test_a_subscription_cannot_be_changed(client: TestClient, auth: Auth, example: Example) -> None:
    """subscriptions.md: "A Subscription MUST be immutable (unchangeable object), i.e. a
    Subscription cannot be changed after it is created and published" — there is no
    method that edits one, only revocation of its request."""
    for method in ("PATCH", "PUT", "DELETE"):
        response = client.request(
            method,
            "/subscriptions",
            json=example("Subscription_example1.json"),
            headers=auth(AGENT_A),
        )
        assert response.status_code == 405, method
        assert response.json()["@type"] == "api:Error"
