"""``POST /planner/plan``: orders JSON in, the plan JSON out; bad orders a 422 naming them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.web.conftest import TestClient

ORDERS = Path(__file__).resolve().parents[1] / "data" / "planner" / "orders.json"


def _order(**changes: Any) -> dict[str, Any]:
    order = {
        "id": "O-1",
        "origin": "ACT",
        "destination": "DUI",
        "release": "2026-12-07T08:00:00+01:00",
        "due": "2026-12-10T17:00:00+01:00",
        "teu": 2.0,
        "tonnes": 22.5,
        "cargo_class": "dry_container",
    }
    return order | changes


def test_plans_the_orders_file_of_the_docs(client: TestClient) -> None:
    orders = json.loads(ORDERS.read_text(encoding="utf-8"))
    response = client.post("/planner/plan?time_limit_s=5", json=orders)
    assert response.status_code == 200, response.text
    plan = response.json()
    assert [o["id"] for o in plan["orders"]] == [o["id"] for o in orders["orders"]]
    assert plan["region"] == "amsterdam"
    assert set(plan["baselines"]) == {"greedy", "road_only"}
    assert plan["totals"]["orders"] == len(orders["orders"])
    bare = client.post("/planner/plan?time_limit_s=5", json=orders["orders"][:1])
    assert bare.status_code == 200
    assert [o["id"] for o in bare.json()["orders"]] == [orders["orders"][0]["id"]]


def test_the_co2_price_is_the_requests(client: TestClient) -> None:
    response = client.post("/planner/plan?co2_price_eur_per_tonne=250", json=[_order()])
    assert response.status_code == 200
    assert response.json()["parameters"]["co2_price_eur_per_tonne"] == 250


def test_bad_orders_are_a_422_naming_the_field(client: TestClient) -> None:
    cases = [
        ({"orders": [_order(), _order(id="O-2", destination="FOO")]},
         ["body", "orders", 1, "destination"], "order 'O-2': unknown location 'FOO'"),
        ([_order(due="2026-12-07T08:00:00+01:00")], ["body", 0, "due"],
         "order 'O-1': 2026-12-07T08:00:00+01:00 is not after release 2026-12-07T08:00:00+01:00"),
        ({"x": []}, ["body"], "unknown key 'x'; an orders file holds only 'orders'"),
        (5, ["body"], 'expected {"orders": [...]} or a list of orders'),
    ]  # fmt: skip
    for body, loc, msg in cases:
        response = client.post("/planner/plan", json=body)
        assert response.status_code == 422, body
        assert response.json() == {"detail": [{"type": "value_error", "loc": loc, "msg": msg}]}
    text = client.post("/planner/plan", content="id,origin", headers={"Content-Type": "text/csv"})
    assert text.status_code == 422
    limit = client.post("/planner/plan?time_limit_s=0", json=[_order()])
    assert limit.status_code == 422
    assert limit.json()["detail"][0]["loc"] == ["query", "time_limit_s"]
