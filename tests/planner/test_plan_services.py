"""A plan made on a what-if service plan keeps it, so replanning uses the same network."""

from __future__ import annotations

import json
from pathlib import Path

from smartlogistics.network import load_region, load_region_with_services
from smartlogistics.planner import Plan, load_disruptions, plan_orders, read_orders, replan

DATA = Path(__file__).resolve().parents[1] / "data"


def test_plan_file_carries_its_services_and_replan_uses_them() -> None:
    base = load_region("amsterdam")
    whatif = load_region_with_services("amsterdam", DATA / "network" / "services_extra_rail.yaml")
    orders = read_orders(DATA / "planner" / "orders.json", region=base)
    plan = plan_orders(whatif, orders, services=whatif.services)
    assert [s.id for s in plan.services] == ["CL-RHINE-E", "CL-RAIL-DUI-DAILY"]
    assert "whatif-2026" in plan.service_sources
    again = Plan.from_json(json.loads(json.dumps(plan.to_json())))
    assert again == plan
    rail = next(d for d in again.departures if d.service_id == "CL-RAIL-DUI-DAILY")
    disruptions = load_disruptions(
        json.dumps(
            {
                "now": min(o.release for o in orders).isoformat(),
                "disruptions": [
                    {
                        "type": "departure_cancelled",
                        "service_id": rail.service_id,
                        "depart": rail.depart.isoformat(),
                    }
                ],
            }
        )
    )
    result = replan(again, disruptions)
    assert result.plan.services == plan.services
    used = {d.service_id for d in result.plan.departures}
    assert used <= {"CL-RHINE-E", "CL-RAIL-DUI-DAILY"}


def test_plan_on_the_packaged_services_stores_none() -> None:
    region = load_region("amsterdam")
    orders = read_orders(DATA / "planner" / "orders.json", region=region)
    plan = plan_orders(region, orders)
    assert plan.services == ()
    assert plan.to_json()["services"] == []
