"""``GET /``: ServerInformation (server-information.md)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.hub.conftest import AGENT_A, AGENT_B, BASE

Auth = Callable[[str], dict[str, str]]


def test_server_information(client: TestClient, auth: Auth) -> None:
    response = client.get("/", headers=auth(AGENT_B))
    assert response.status_code == 200
    assert response.headers["Last-Modified"].endswith(" GMT")
    body = response.json()
    assert body["@type"] == "api:ServerInformation"
    assert body["@id"] == f"{BASE}/"
    assert body["api:hasDataHolder"] == {"@id": AGENT_A}
    assert body["api:hasServerEndpoint"] == BASE
    assert body["api:hasSupportedApiVersion"] == ["2.3.0"]
    assert body["api:hasSupportedContentType"] == ["application/ld+json"]
    assert body["api:hasSupportedLanguage"] == ["en-US"]
    assert body["api:hasSupportedOntology"] == [
        "https://onerecord.iata.org/ns/api",
        "https://onerecord.iata.org/ns/cargo",
        "https://onerecord.iata.org/ns/code-lists",
    ]
    assert body["api:hasSupportedOntologyVersion"] == [
        "https://onerecord.iata.org/ns/api/2.3.0",
        "https://onerecord.iata.org/ns/cargo/3.3.0",
        "https://onerecord.iata.org/ns/code-lists/1.1.0",
    ]


def test_server_information_needs_authentication(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 401
    assert "WWW-Authenticate" in response.headers
