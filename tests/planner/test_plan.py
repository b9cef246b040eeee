"""The plan JSON contract (issue 3, item 6) and its round trip."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.network import Region, load_region_file
from smartlogistics.planner.costs import load_cost_model
from smartlogistics.planner.order import Order
from smartlogistics.planner.plan import Plan
from smartlogistics.planner.solve import plan_orders

DATA = Path(__file__).resolve().parents[1] / "data" / "planner"
TZ = ZoneInfo("Europe/Amsterdam")
MON = datetime(2026, 3, 2, tzinfo=TZ)

TOTAL_KEYS = {"cost_eur", "wtw_kg", "ttw_kg", "on_time_share", "modal_split_tkm", "modal_split_teu"}


@pytest.fixture(scope="module")
def region() -> Region:
    return load_region_file(DATA / "plan_region.yaml")


@pytest.fixture(scope="module")
def plan(region: Region) -> Plan:
    def order(id: str, **kw: Any) -> Order:
        data: dict[str, Any] = {
            "origin": "PRT", "destination": "INL", "release": MON,
            "due": MON + timedelta(hours=36), "teu": 1, "tonnes": 10,
        }  # fmt: skip
        data.update(kw)
        return Order(id=id, **data)

    orders = [
        order("light", tonnes=5),
        order("medium", release=MON + timedelta(minutes=10)),
        order("heavy", tonnes=20, release=MON + timedelta(minutes=20)),
        order("pre", origin="DC1"),
        order("never", origin="DC1", destination="DC2", forbidden_modes=("road",)),
    ]
    return plan_orders(
        region, orders, cost_model=load_cost_model(), co2_price_eur_per_tonne=100, seed=3
    )


def test_required_keys(plan: Plan) -> None:
    data = plan.to_json()
    assert {"orders", "departures", "totals", "baselines", "solver"} <= set(data)
    for o in data["orders"]:
        assert {"id", "status", "reason", "legs", "due", "late_hours"} <= set(o)
        assert o["status"] in ("planned", "unplannable")
        for leg in o["legs"]:
            assert {
                "mode", "service_id", "from", "to", "depart", "arrive", "teu", "tonnes",
                "cost_eur", "wtw_kg",
            } <= set(leg)  # fmt: skip
    for d in data["departures"]:
        assert {
            "service_id", "depart", "capacity_teu", "load_teu", "capacity_tonnes",
            "load_tonnes", "load_factor_teu",
        } <= set(d)  # fmt: skip
    assert set(data["totals"]) >= TOTAL_KEYS
    for name in ("road_only", "greedy"):
        assert TOTAL_KEYS | {"departures"} <= set(data["baselines"][name])
    assert {"status", "objective", "bound", "gap", "seconds"} <= set(data["solver"])
    # enough to replan from the file alone
    assert data["region"] == "plantest"
    assert len(data["input_orders"]) == 5
    assert data["parameters"]["co2_price_eur_per_tonne"] == 100
    assert data["parameters"]["candidates_per_template"] == 2
    assert data["parameters"]["seed"] == 3


def test_values(plan: Plan) -> None:
    data = plan.to_json()
    never = next(o for o in data["orders"] if o["id"] == "never")
    assert never["status"] == "unplannable" and never["legs"] == [] and never["reason"]
    truck = next(o for o in data["orders"] if o["id"] == "light")
    assert truck["legs"][0]["service_id"] is None
    heavy = next(o for o in data["orders"] if o["id"] == "heavy")
    assert heavy["legs"][0]["service_id"] == "S1"
    assert heavy["legs"][0]["depart"] == "2026-03-02T10:00:00+01:00"
    assert data["totals"]["orders"] == 5 and data["totals"]["unplannable"] == 1
    assert data["totals"]["on_time_share"] == pytest.approx(4 / 5)
    s1 = next(d for d in data["departures"] if d["service_id"] == "S1")
    assert s1["load_factor_teu"] == 1.0
    assert data["solver"]["status"] == "optimal"
    assert data["solver"]["bound"] <= data["solver"]["objective"] + 1e-6
    assert data["solver"]["gap"] <= 0.005


def test_times_have_offsets(plan: Plan) -> None:
    for o in plan.to_json()["orders"]:
        for leg in o["legs"]:
            for key in ("depart", "arrive"):
                assert datetime.fromisoformat(leg[key]).tzinfo is not None


def test_round_trip(plan: Plan) -> None:
    text = json.dumps(plan.to_json())
    again = Plan.from_json(json.loads(text))
    assert again == plan
    assert json.dumps(again.to_json()) == text


def test_from_json_names_the_missing_field(plan: Plan) -> None:
    data = plan.to_json()
    del data["solver"]
    with pytest.raises(InvalidInputError) as err:
        Plan.from_json(data)
    assert err.value.field == "solver"
    data = plan.to_json()
    data["input_orders"][2]["tonnes"] = -1
    with pytest.raises(InvalidInputError) as err:
        Plan.from_json(data)
    assert err.value.field == "input_orders[2].tonnes"
