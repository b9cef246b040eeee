"""Content negotiation and API version (implementation-guidelines.md, API Versioning)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.hub.conftest import AGENT_A, JSONLD

Auth = Callable[[str], dict[str, str]]


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "application/ld+json",
        "application/ld+json; version=2.3.0",
        "application/json",
        "*/*",
        "text/turtle, application/ld+json; q=0.5",
    ],
)
def test_acceptable_accept_headers_get_version_2_3_0(
    client: TestClient, auth: Auth, accept: str | None
) -> None:
    headers = auth(AGENT_A)
    del headers["Accept"]
    if accept is not None:
        headers["Accept"] = accept
    response = client.get("/", headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == JSONLD
    assert response.headers["Content-Language"] == "en-US"


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json; version=1.2"])
def test_unacceptable_accept_is_406(client: TestClient, auth: Auth, accept: str) -> None:
    response = client.get("/", headers={**auth(AGENT_A), "Accept": accept})
    assert response.status_code == 406
    assert response.json()["api:hasErrorDetail"][0]["api:hasCode"] == "406"


def test_unknown_path_is_404_error_not_fastapi_default(client: TestClient, auth: Auth) -> None:
    response = client.get("/nothing-here", headers=auth(AGENT_A))
    assert response.status_code == 404
    assert response.json()["@type"] == "api:Error"
    assert response.headers["Content-Type"] == JSONLD
