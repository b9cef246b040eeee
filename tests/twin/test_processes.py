"""The processes on a hand-built case: a cancelled train, as today and with replanning."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from smartlogistics.planner import Order
from smartlogistics.planner.disruption import DepartureCancelled
from smartlogistics.twin.demand import Demand
from smartlogistics.twin.disruptions import DisruptionEvent
from smartlogistics.twin.network import TwinNetwork
from smartlogistics.twin.policies import make_policy
from smartlogistics.twin.processes import Execution, Milestone
from smartlogistics.twin.recorder import (
    DepartureRecord,
    HandlingRecord,
    LegRecord,
    MemoryRecorder,
    OrderRecord,
    ReplanRecord,
)
from tests.twin._small import make_network

TZ = ZoneInfo("Europe/Amsterdam")
ORDER = Order(
    id="O-1",
    origin="ACT",
    destination="DUI",
    release=datetime(2026, 3, 2, 6, 0, tzinfo=TZ),
    due=datetime(2026, 3, 6, 18, 0, tzinfo=TZ),
    teu=2.0,
    tonnes=20.0,
    cargo_class="dry_container",
)
DEMAND = Demand(orders=(ORDER,), by_day=((ORDER,),), consignments=(), consignment_order=())


def _run(
    name: str, network: TwinNetwork, events: tuple[DisruptionEvent, ...]
) -> tuple[MemoryRecorder, list[Milestone]]:
    rec = MemoryRecorder()
    marks: list[Milestone] = []
    policy = make_policy(name, network, 100.0)
    start_h = network.hours(datetime(2026, 3, 2, tzinfo=TZ))
    Execution(policy, network, DEMAND, {}, events, start_h, rec, milestones=marks.append).run()
    return rec, marks


def _booked_ride(name: str) -> tuple[str, int]:
    network = make_network()
    rec, _ = _run(name, network, ())
    rides = [x for x in rec.of(LegRecord) if x.service_id is not None]
    assert len(rides) == 1
    return rides[0].service_id or "", rides[0].departure_index or 0


@pytest.mark.parametrize("name", ["greedy", "synchromodal"])
def test_undisturbed_order_rides_its_booking(name: str) -> None:
    network = make_network()
    rec, marks = _run(name, network, ())
    legs = list(rec.of(LegRecord))
    (order,) = rec.of(OrderRecord)
    assert order.delivered_h is not None and order.delivered_h <= order.due_h
    ride = next(x for x in legs if x.service_id is not None)
    run = network.run(ride.service_id or "", ride.departure_index or 0)
    assert run is not None
    assert ride.depart_h == pytest.approx(run.depart_h[run.stop("ACT")])
    assert ride.arrive_h == pytest.approx(run.arrive_h[run.stop("DUI", run.stop("ACT"))])
    # handled at ACT before boarding and at DUI after alighting (the destination terminal)
    assert [h.location for h in rec.of(HandlingRecord)] == ["ACT", "DUI"]
    assert order.delivered_h == pytest.approx(ride.arrive_h + network.handling_h("DUI"))
    assert [m.kind for m in marks] == ["ready", "departed", "arrived", "delivered"]
    deps = {(d.service_id, d.departure_index): d for d in rec.of(DepartureRecord)}
    used = deps[(ride.service_id or "", ride.departure_index or 0)]
    assert (used.orders, used.load_teu) == (1, 2.0)


def test_cancelled_departure_greedy_trucks_synchromodal_rebooks() -> None:
    service, index = _booked_ride("greedy")
    network = make_network()
    nominal = network.nominal_run(service, index)
    cancel = DepartureCancelled(
        type="departure_cancelled", service_id=service, depart=network.at(nominal.depart_h[0])
    )
    network.apply([cancel])
    event = DisruptionEvent("train_cancelled", network.hours(ORDER.release), cancel)

    greedy, _ = _run("greedy", network, (event,))
    legs = list(greedy.of(LegRecord))
    assert [x.kind for x in legs] == ["fallback"]
    assert (legs[0].origin, legs[0].destination) == ("ACT", "DUI")
    truck = network.truck("ACT", "DUI", ORDER, legs[0].depart_h)
    assert legs[0].cost_eur == pytest.approx(truck.cost_eur)
    assert legs[0].wtw_kg == pytest.approx(truck.wtw_kg)
    (order,) = greedy.of(OrderRecord)
    assert order.fallback
    cancelled = [d for d in greedy.of(DepartureRecord) if d.cancelled]
    assert [(d.service_id, d.departure_index) for d in cancelled] == [(service, index)]

    synchro, _ = _run("synchromodal", network, (event,))
    legs = list(synchro.of(LegRecord))
    assert all(x.kind != "fallback" for x in legs)
    assert (service, index) not in {(x.service_id, x.departure_index) for x in legs}
    triggers = [r.trigger for r in synchro.of(ReplanRecord)]
    assert triggers[0] == "day 1: plan"
    assert any("cancelled" in t for t in triggers)
    (order,) = synchro.of(OrderRecord)
    assert not order.fallback and order.delivered_h is not None
