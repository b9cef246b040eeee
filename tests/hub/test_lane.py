"""FastLane: which requests it serves itself, with which endpoint and route."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Mount

from smartlogistics.hub._lane import _route_path, _shape, lane_routes

from .conftest import AGENT_A, BASE

Auth = Callable[[str], dict[str, str]]
Example = Callable[[str], Any]


def test_shapes_of_hot_paths_and_of_everything_else() -> None:
    assert _shape("/logistics-objects") == ("", {})
    assert _shape("/logistics-objects/") == ("/", {})
    assert _shape("/logistics-objects/abc") == ("{id}", {"object_id": "abc"})
    assert _shape("/logistics-objects/abc/logistics-events") == (
        "{id}/events",
        {"object_id": "abc"},
    )
    assert _shape("/logistics-objects/abc/logistics-events/") == (
        "{id}/events/",
        {"object_id": "abc"},
    )
    assert _shape("/logistics-objects/abc/logistics-events/e1") == (
        "{id}/events/{id}",
        {"object_id": "abc", "event_id": "e1"},
    )
    for other in (
        "/",
        "/logistics-objectsX",
        "/logistics-objects//logistics-events",
        "/logistics-objects/abc/audit-trail",
        "/logistics-objects/abc/logistics-events/e1/more",
        "/action-requests/abc",
    ):
        assert _shape(other) is None, other


def test_route_path_is_relative_to_the_mount_point() -> None:
    scope = {"path": "/hub/logistics-objects/a", "root_path": "/hub"}
    assert _route_path(scope) == "/logistics-objects/a"
    assert _route_path({"path": "/hubx/logistics-objects", "root_path": "/hub"}) == (
        "/hubx/logistics-objects"
    )
    assert _route_path({"path": "/logistics-objects"}) == "/logistics-objects"


def test_the_table_holds_the_routers_own_async_endpoints(hub_app: FastAPI) -> None:
    from smartlogistics.hub import events_api, routes_objects

    table = lane_routes(hub_app.routes)
    endpoint, route = table[("GET", "{id}")]
    assert endpoint is routes_objects.get_logistics_object
    assert getattr(route, "path", None) == "/logistics-objects/{object_id}"
    assert table[("HEAD", "{id}/events")][0] is events_api.list_logistics_events
    assert getattr(table[("POST", "/")][1], "path", None) == "/logistics-objects/"
    # sync endpoints (event changes are refused) and methods without a route stay out
    assert ("PATCH", "{id}/events") not in table
    assert ("DELETE", "{id}") not in table
    assert ("HEAD", "{id}/events/{id}") not in table


def test_lane_answers_equal_the_routers_behind_a_mount(
    hub_app: FastAPI, auth: Auth, example: Example
) -> None:
    outer = FastAPI(routes=[Mount("/hub", app=hub_app)])
    piece = json.dumps(example("Piece.json"))
    # a mounted app's lifespan does not run: the hub's own client runs it
    with TestClient(hub_app, base_url=BASE), TestClient(outer, base_url=BASE) as client:
        created = client.post("/hub/logistics-objects/", content=piece, headers=auth(AGENT_A))
        assert created.status_code == 201
        uri = created.headers["Location"]
        path = "/hub" + uri.removeprefix(BASE)
        got = client.get(path, headers=auth(AGENT_A))
        assert got.status_code == 200
        assert got.json()["@id"] == uri
        missing = client.get("/hub/logistics-objects/nope", headers=auth(AGENT_A))
        assert missing.status_code == 404
        assert missing.json()["@type"] == "api:Error"
        refused = client.delete(path, headers=auth(AGENT_A))  # not a lane route: FastAPI's 405
        assert refused.status_code == 405
        counts = client.get("/hub/metrics").text
    assert 'route="/logistics-objects/",status="201"' in counts
    assert 'route="/logistics-objects/{object_id}",status="404"' in counts
