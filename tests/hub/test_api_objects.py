"""Logistics objects over HTTP: create, get, head, historical, embedded (logistics-objects.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.hub.conftest import AGENT_A, BASE, JSONLD

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
