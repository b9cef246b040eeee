"""Road-only and greedy on the same candidates and costs as the MIP."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from smartlogistics.emissions import load_default_factors
from smartlogistics.network import Region, load_region_file
from smartlogistics.planner.costs import load_cost_model
from smartlogistics.planner.order import Order
from smartlogistics.planner.solve import plan_orders

DATA = Path(__file__).resolve().parents[1] / "data" / "planner"
TZ = ZoneInfo("Europe/Amsterdam")
MON = datetime(2026, 3, 2, tzinfo=TZ)
ROAD = load_default_factors().toc("road_artic_truck_lt34t_diesel_eu").wtw_kg_per_unit_km


@pytest.fixture(scope="module")
def region() -> Region:
    return load_region_file(DATA / "plan_region.yaml")


def order(id: str, **kw: Any) -> Order:
    data: dict[str, Any] = {
        "origin": "PRT", "destination": "INL", "release": MON,
        "due": MON + timedelta(hours=36), "teu": 1, "tonnes": 10,
    }  # fmt: skip
    data.update(kw)
    return Order(id=id, **data)


def test_road_only_totals(region: Region) -> None:
    orders = [order("a", tonnes=5), order("b", tonnes=10), order("c", tonnes=20, teu=2)]
    p = plan_orders(region, orders, cost_model=load_cost_model(), co2_price_eur_per_tonne=100)
    road = p.baselines["road_only"]
    assert road.totals.cost_eur == pytest.approx(3 * 242)  # 2 TEU still fit one truck
    assert road.totals.wtw_kg == pytest.approx(ROAD * 120 * 35)
    assert road.totals.modal_split_tkm == {"road": pytest.approx(120 * 35)}
    assert road.totals.modal_split_teu == {"road": 4}
    assert road.totals.on_time_share == 1.0
    assert all(d.load_teu == 0 for d in road.departures)


def test_greedy_takes_orders_in_release_order(region: Region) -> None:
    # the heavy order is released first: greedy gives it the barge, the rest follow
    orders = [
        order("late-light", tonnes=5, release=MON + timedelta(minutes=30)),
        order("first-heavy", tonnes=20, release=MON),
        order("second", tonnes=10, release=MON + timedelta(minutes=10)),
    ]
    p = plan_orders(region, orders, cost_model=load_cost_model(), co2_price_eur_per_tonne=100)
    greedy = p.baselines["greedy"].totals
    # greedy = MIP here: the two heaviest were also the first two released
    assert greedy.objective_eur == pytest.approx(p.totals.objective_eur)
    assert greedy.modal_split_teu == {"barge": 2, "road": 1}
    assert greedy.cost_eur == pytest.approx(80 + 80 + 242)


def test_greedy_never_exceeds_capacity(region: Region) -> None:
    orders = [order(f"o{i}", release=MON + timedelta(minutes=i)) for i in range(5)]
    p = plan_orders(region, orders, cost_model=load_cost_model(), co2_price_eur_per_tonne=100)
    s1 = [d for d in p.baselines["greedy"].departures if d.service_id == "S1"]
    assert max(d.load_teu for d in s1) == 2
    assert p.baselines["greedy"].totals.modal_split_teu == {"barge": 2, "road": 3}
