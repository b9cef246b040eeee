"""The operations layer inside the real hub app (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from smartlogistics.config import Settings
from smartlogistics.db import head_revision
from smartlogistics.hub.app import create_hub_app
from tests.hub.conftest import AGENT_A, AGENT_B, BASE

Auth = Callable[[str], dict[str, str]]
Example = Callable[[str], Any]


def _samples(text: str, name: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}(\{{.*\}})? (\S+)", line)
        if match:
            out[match.group(1) or ""] = float(match.group(2))
    return out


def test_probes_answer_without_a_token(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "revision": head_revision(), "head": head_revision()}
    assert client.get("/metrics").status_code == 200


def test_metrics_name_the_hub_routes_by_template(
    client: TestClient, auth: Auth, example: Example
) -> None:
    uri = client.post("/logistics-objects", json=example("Piece.json"), headers=auth(AGENT_A))
    object_uri = uri.headers["Location"]
    event = example("LogisticsEvent.json")
    event["cargo:eventFor"]["@id"] = object_uri
    for _ in range(2):
        client.post(f"{object_uri}/logistics-events", json=event, headers=auth(AGENT_A))
    client.get(f"{object_uri}/logistics-events", headers=auth(AGENT_B))  # 403
    counts = _samples(client.get("/metrics").text, "hub_http_requests_total")
    assert counts['{method="POST",route="/logistics-objects",status="201"}'] == 1.0
    events = "/logistics-objects/{object_id}/logistics-events"
    assert counts[f'{{method="POST",route="{events}",status="201"}}'] == 2.0
    assert counts[f'{{method="GET",route="{events}",status="403"}}'] == 1.0
    assert not any(object_uri.rsplit("/", 1)[1] in key for key in counts)


def test_error_answers_carry_the_request_id(client: TestClient, auth: Auth) -> None:
    missing = client.get(
        f"{BASE}/logistics-objects/nope", headers={**auth(AGENT_A), "X-Request-ID": "r-404"}
    )
    assert missing.status_code == 404
    assert missing.headers["X-Request-ID"] == "r-404"
    unauthenticated = client.get(
        f"{BASE}/logistics-objects/nope", headers={"X-Request-ID": "r-401"}
    )
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["X-Request-ID"] == "r-401"


def test_oversized_bodies_are_413_and_still_counted(
    hub_settings: Settings, database: Engine, auth: Auth
) -> None:
    settings = hub_settings.model_copy(update={"max_request_bytes": 100})
    app = create_hub_app(settings, engine=database, base_url=BASE)
    with TestClient(app, base_url=BASE) as client:
        body = json.dumps({"@type": "cargo:Piece", "x": "y" * 200})
        headers = {**auth(AGENT_A), "X-Request-ID": "big-1"}
        response = client.post("/logistics-objects", content=body, headers=headers)
        assert response.status_code == 413
        assert response.json()["@type"] == "api:Error"
        assert response.headers["X-Request-ID"] == "big-1"
        counts = _samples(client.get("/metrics").text, "hub_http_requests_total")
    assert counts['{method="POST",route="unmatched",status="413"}'] == 1.0


def test_rate_limit_per_agent_in_the_hub(
    hub_settings: Settings, database: Engine, auth: Auth
) -> None:
    settings = hub_settings.model_copy(update={"hub_rate_limit_per_s": 0.01, "hub_rate_burst": 2})
    app = create_hub_app(settings, engine=database, base_url=BASE)
    a, b = auth(AGENT_A), auth(AGENT_B)
    with TestClient(app, base_url=BASE) as client:
        first = [client.get("/", headers=a).status_code for _ in range(3)]
        other = client.get("/", headers=b).status_code
        ready = client.get("/readyz").status_code
        refused = client.get("/", headers=a)
    assert first == [200, 200, 429]
    assert other == 200
    assert ready == 200
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "100"
    assert refused.json()["api:hasErrorDetail"][0]["api:hasCode"] == "429"
