"""Logistics objects over HTTP: create, get, head, historical, embedded (logistics-objects.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.hub.conftest import AGENT_A, AGENT_B, BASE, JSONLD

Auth = Callable[[str], dict[str, str]]
Example = Callable[[str], Any]


def _create(client: TestClient, auth: Auth, doc: Any, agent: str = AGENT_A) -> str:
    response = client.post("/logistics-objects", json=doc, headers=auth(agent))
    assert response.status_code == 201, response.text
    return str(response.headers["Location"])


def test_post_returns_201_location_and_type(
    client: TestClient, auth: Auth, example: Example
) -> None:
    response = client.post("/logistics-objects", json=example("Piece.json"), headers=auth(AGENT_A))
    assert response.status_code == 201
    assert response.content == b""
    location = response.headers["Location"]
    assert location.startswith(f"{BASE}/logistics-objects/")
    assert response.headers["Type"] == "https://onerecord.iata.org/ns/cargo#Piece"
    assert response.headers["Content-Type"] == JSONLD


def test_get_returns_body_and_revision_headers(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = _create(client, auth, example("Piece.json"))
    response = client.get(uri, headers=auth(AGENT_A))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == JSONLD
    assert response.headers["Content-Language"] == "en-US"
    assert response.headers["Type"] == "https://onerecord.iata.org/ns/cargo#Piece"
    assert response.headers["Revision"] == "1"
    assert response.headers["Latest-Revision"] == "1"
    assert response.headers["Last-Modified"].endswith(" GMT")
    body = response.json()
    assert body["@id"] == uri
    assert body["@type"] == "cargo:Piece"
    assert body["api:hasRevision"] == 1
    assert body["api:hasLatestRevision"] == 1
    assert body["cargo:coload"] == {"@type": "xsd:boolean", "@value": "false"}
    assert body["cargo:specialHandlingCodes"] == {
        "@id": "https://onerecord.iata.org/ns/code-lists/SpecialHandlingCode#VAL"
    }


def _stored(client: TestClient, auth: Auth, uri: str) -> dict[str, Any]:
    body: dict[str, Any] = client.get(uri, headers=auth(AGENT_A)).json()
    body.pop("@id")
    return body


def test_compacted_expanded_and_flattened_input_store_the_same(
    client: TestClient, auth: Auth, example: Example
) -> None:
    compacted = example("Sensor.compacted.json")
    expanded = example("Sensor.expanded.json")
    compacted.pop("@id")
    (expanded[0] if isinstance(expanded, list) else expanded).pop("@id")
    a = _stored(client, auth, _create(client, auth, compacted))
    b = _stored(client, auth, _create(client, auth, expanded))
    assert a == b
    assert a["@type"] == "cargo:Sensor"


def test_flattened_input_is_accepted(client: TestClient, auth: Auth) -> None:
    flattened = [
        {
            "@id": "_:p",
            "@type": ["https://onerecord.iata.org/ns/cargo#Piece"],
            "https://onerecord.iata.org/ns/cargo#grossWeight": [{"@id": "_:w"}],
        },
        {
            "@id": "_:w",
            "@type": ["https://onerecord.iata.org/ns/cargo#Value"],
            "https://onerecord.iata.org/ns/cargo#numericalValue": [{"@value": 20.5}],
        },
    ]
    uri = _create(client, auth, flattened)
    body = client.get(uri, headers=auth(AGENT_A)).json()
    weight = body["cargo:grossWeight"]
    assert weight["@type"] == "cargo:Value"
    assert weight["cargo:numericalValue"] == 20.5
    assert weight["@id"].startswith("internal:")


def test_embedded_objects_get_stable_ids(client: TestClient, auth: Auth, example: Example) -> None:
    uri = _create(client, auth, example("Company.json"))
    first = client.get(uri, headers=auth(AGENT_A)).json()
    second = client.get(uri, headers=auth(AGENT_A)).json()
    person = first["cargo:contactPersons"]
    assert person["@id"].startswith("internal:")
    assert second["cargo:contactPersons"]["@id"] == person["@id"]


def test_invalid_property_is_400_naming_it(client: TestClient, auth: Auth) -> None:
    doc = {
        "@context": {"cargo": "https://onerecord.iata.org/ns/cargo#"},
        "@type": "cargo:Piece",
        "cargo:coload": "maybe",
    }
    response = client.post("/logistics-objects", json=doc, headers=auth(AGENT_A))
    assert response.status_code == 400
    error = response.json()
    assert error["@type"] == "api:Error"
    detail = error["api:hasErrorDetail"][0]
    assert detail["api:hasCode"] == "400"
    assert detail["api:hasProperty"] == "https://onerecord.iata.org/ns/cargo#coload"
    assert "coload" in detail["api:hasMessage"]


def test_unknown_class_and_remote_context_are_400(client: TestClient, auth: Auth) -> None:
    unknown = {"@context": {"cargo": "https://onerecord.iata.org/ns/cargo#"}, "@type": "cargo:Nope"}
    assert client.post("/logistics-objects", json=unknown, headers=auth(AGENT_A)).status_code == 400
    remote = {"@context": "http://169.254.169.254/latest/meta-data", "@type": "Piece"}
    response = client.post("/logistics-objects", json=remote, headers=auth(AGENT_A))
    assert response.status_code == 400
    assert "remote context" in response.json()["api:hasErrorDetail"][0]["api:hasMessage"]


def test_graph_malformed_json_and_wrong_media_type(client: TestClient, auth: Auth) -> None:
    graph = {"@context": {}, "@graph": [{"@type": "https://onerecord.iata.org/ns/cargo#Piece"}]}
    assert client.post("/logistics-objects", json=graph, headers=auth(AGENT_A)).status_code == 400
    bad = client.post("/logistics-objects", content=b"{nope", headers=auth(AGENT_A))
    assert bad.status_code == 400
    assert bad.json()["api:hasTitle"] == "Invalid body request"
    headers = {**auth(AGENT_A), "Content-Type": "text/turtle"}
    response = client.post("/logistics-objects", content=b"<a> <b> <c> .", headers=headers)
    assert response.status_code == 415
    assert response.json()["api:hasErrorDetail"][0]["api:hasCode"] == "415"
    old = {**auth(AGENT_A), "Content-Type": "application/ld+json; version=1.2"}
    assert client.post("/logistics-objects", content=b"{}", headers=old).status_code == 415


def test_given_id_conflict_is_409(client: TestClient, auth: Auth, example: Example) -> None:
    doc = example("Piece.json")
    doc["@id"] = f"{BASE}/logistics-objects/piece-1"
    assert _create(client, auth, doc) == f"{BASE}/logistics-objects/piece-1"
    again = client.post("/logistics-objects", json=doc, headers=auth(AGENT_A))
    assert again.status_code == 409
    assert again.json()["api:hasTitle"] == "Identifier conflict"
    foreign = {**doc, "@id": "https://elsewhere.example/logistics-objects/x"}
    assert client.post("/logistics-objects", json=foreign, headers=auth(AGENT_A)).status_code == 400


def test_head_has_the_headers_and_no_body(client: TestClient, auth: Auth, example: Example) -> None:
    uri = _create(client, auth, example("Piece.json"))
    get = client.get(uri, headers=auth(AGENT_A))
    head = client.head(uri, headers=auth(AGENT_A))
    assert head.status_code == 200
    assert head.content == b""
    for name in ("Type", "Revision", "Latest-Revision", "Last-Modified", "Content-Type"):
        assert head.headers[name] == get.headers[name]
    assert client.head(f"{BASE}/logistics-objects/nope", headers=auth(AGENT_A)).status_code == 404


def test_unknown_object_is_404_error(client: TestClient, auth: Auth) -> None:
    response = client.get(f"{BASE}/logistics-objects/nope", headers=auth(AGENT_A))
    assert response.status_code == 404
    body = response.json()
    assert body["api:hasErrorDetail"][0]["api:hasCode"] == "404"
    assert body["api:hasErrorDetail"][0]["api:hasResource"] == f"{BASE}/logistics-objects/nope"


def test_no_token_is_401_with_www_authenticate(client: TestClient, example: Example) -> None:
    response = client.post("/logistics-objects", json=example("Piece.json"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["api:hasTitle"] == "Not authenticated or expired token"
    bad = client.get("/", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401
    assert 'error="invalid_token"' in bad.headers["WWW-Authenticate"]


def test_other_agent_is_403_without_content(
    client: TestClient, auth: Auth, example: Example
) -> None:
    doc = example("Company.json")
    uri = _create(client, auth, doc)
    response = client.get(uri, headers=auth(AGENT_B))
    assert response.status_code == 403
    assert "Acme" not in response.text
    assert response.json()["api:hasErrorDetail"][0]["api:hasCode"] == "403"


def test_single_agent_and_public_grants(
    client: TestClient, auth: Auth, example: Example, hub_store: Any
) -> None:
    from smartlogistics.hub.acl import GET_LOGISTICS_OBJECT, PUBLIC_AGENT

    uri = _create(client, auth, example("Piece.json"))
    object_id = uri.rsplit("/", 1)[1]
    hub_store.grant(object_id, AGENT_B, [GET_LOGISTICS_OBJECT], by=AGENT_A)
    assert client.get(uri, headers=auth(AGENT_B)).status_code == 200
    assert client.get(uri, headers=auth("https://c.example/x")).status_code == 403
    hub_store.grant(object_id, PUBLIC_AGENT, [GET_LOGISTICS_OBJECT], by=AGENT_A)
    assert client.get(uri, headers=auth("https://c.example/x")).status_code == 200


def test_embedded_true_replaces_links(client: TestClient, auth: Auth, example: Example) -> None:
    piece = _create(client, auth, example("Piece.json"))
    shipment = example("Shipment_with_Piece.json")
    shipment["cargo:pieces"] = [{"@id": piece}]
    uri = _create(client, auth, shipment)
    linked = client.get(uri, headers=auth(AGENT_A)).json()
    assert linked["cargo:pieces"] == {"@id": piece}
    embedded = client.get(uri, params={"embedded": "true"}, headers=auth(AGENT_A)).json()
    assert embedded["cargo:pieces"]["@id"] == piece
    assert embedded["cargo:pieces"]["@type"] == "cargo:Piece"
    assert embedded["cargo:pieces"]["api:hasRevision"] == 1
    assert embedded["cargo:pieces"]["api:hasLatestRevision"] == 1
    bad = client.get(uri, params={"embedded": "yes"}, headers=auth(AGENT_A))
    assert bad.status_code == 400
    assert bad.json()["api:hasTitle"] == "Invalid query parameter request"


def test_objects_cannot_be_deleted(client: TestClient, auth: Auth, example: Example) -> None:
    uri = _create(client, auth, example("Piece.json"))
    response = client.delete(uri, headers=auth(AGENT_A))
    assert response.status_code == 405
    assert response.json()["api:hasErrorDetail"][0]["api:hasCode"] == "405"
    assert client.get(uri, headers=auth(AGENT_A)).status_code == 200


def test_oversized_body_is_413(client: TestClient, auth: Auth, hub_settings: Any) -> None:
    big = b"{" + b" " * hub_settings.max_request_bytes + b"}"
    response = client.post("/logistics-objects", content=big, headers=auth(AGENT_A))
    assert response.status_code == 413
    assert response.json()["api:hasErrorDetail"][0]["api:hasCode"] == "413"
