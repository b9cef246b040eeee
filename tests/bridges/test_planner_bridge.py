"""The planner bridge: a plan's booked departures as valid ONE Record transport movements."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from smartlogistics.bridges import plan_movements
from smartlogistics.db import upgrade
from smartlogistics.hub.store import HubStore
from smartlogistics.network import load_region
from smartlogistics.planner import Order, plan_orders

BASE = "http://hub.test"
TZ = ZoneInfo("Europe/Amsterdam")


def test_booked_departures_become_transport_movements(database: Engine) -> None:
    region = load_region("amsterdam")
    orders = [
        Order(
            id=f"O-{k}",
            origin="ACT",
            destination="DUI",
            release=datetime(2026, 3, 2, 6 + k, 0, tzinfo=TZ),
            due=datetime(2026, 3, 6, 18, 0, tzinfo=TZ),
            teu=2.0,
            tonnes=20.0,
        )
        for k in range(3)
    ]
    plan = plan_orders(region, orders, time_limit_s=5)
    booked = [d for d in plan.departures if d.orders > 0]
    assert booked
    docs = plan_movements(
        plan, region.services, lambda s, i: f"{BASE}/logistics-objects/tm-{s}-{i}"
    )
    assert len(docs) == len(booked)
    first = docs[0]
    dep = booked[0]
    service = region.service(dep.service_id)
    assert first["cargo:transportIdentifier"] == f"{dep.service_id}/{dep.index}"
    assert first["cargo:departureLocation"]["cargo:locationName"] == service.stop_ids[0]
    assert first["cargo:arrivalLocation"]["cargo:locationName"] == service.stop_ids[-1]
    upgrade(database)
    store = HubStore(database, base_url=BASE)
    metas = store.create_objects(docs, f"{BASE}/logistics-objects/planner")
    assert [m.type_iri for m in metas] == [
        "https://onerecord.iata.org/ns/cargo#TransportMovement"
    ] * len(docs)
