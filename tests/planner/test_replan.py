"""replan on the hand-made test region (see test_solve.py for its numbers).

S1 PRT -> INL (2 TEU) leaves PRT on Monday 10:00 and arrives at INL at 20:00; a barge
order is delivered at 21:00 after 1 h handling. The truck PRT -> INL drives 120 km in
2 h for EUR 242; the barge chain costs EUR 80. Orders are due Tuesday 12:00 (36 h).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.network import Region
from smartlogistics.planner.disruption import load_disruptions
from smartlogistics.planner.plan import Plan
from smartlogistics.planner.replan import ReplanResult, replan
from tests.planner._hand import DATA, MON, order
from tests.planner.test_solve import plan


@pytest.fixture(scope="module")
def region() -> Region:
    from smartlogistics.network import load_region_file

    return load_region_file(DATA / "plan_region.yaml")


def t(hours: float) -> str:
    return (MON + timedelta(hours=hours)).isoformat()


def run(region: Region, p: Plan, now_h: float, *items: dict[str, Any]) -> ReplanResult:
    d = load_disruptions(json.dumps({"now": t(now_h), "disruptions": list(items)}))
    res = replan(p, d, region=region)
    assert [o.id for o in res.plan.orders] == [o.id for o in res.plan.input_orders]
    assert {o.id for o in p.orders} <= {o.id for o in res.plan.orders}
    again = Plan.from_json(json.loads(json.dumps(res.plan.to_json())))
    assert again == res.plan
    return res


def s1(**kw: Any) -> dict[str, Any]:
    return {"service_id": "S1", "depart": t(10), **kw}


def test_cancelled_departure_moves_the_order_to_the_truck(region: Region) -> None:
    p = plan(region, [order("a")])
    assert p.orders[0].main_mode == "barge"
    res = run(region, p, 5, {"type": "departure_cancelled", **s1()})
    o = res.plan.orders[0]
    (leg,) = o.legs
    # next S1 is a week later (> 72 h late): the truck, leaving now (05:00), 2 h
    assert (leg.mode, leg.depart, leg.arrive) == (
        "road",
        MON + timedelta(hours=5),
        MON + timedelta(hours=7),
    )
    (ch,) = res.changes
    assert ch.kind == "rebooked" and ch.order_id == "a"
    assert ch.reason == f"disruptions[0] (departure S1 {t(10)} cancelled)"
    assert ch.before == (f"S1[0] PRT {t(10)} -> INL {t(20)}",)
    assert ch.after == (f"road PRT {t(5)} -> INL {t(7)}",)
    assert ch.delta_cost_eur == pytest.approx(242 - 80)
    assert not any(d.service_id == "S1" and d.index == 0 for d in res.plan.departures)


def test_small_delay_keeps_the_barge_with_new_times(region: Region) -> None:
    p = plan(region, [order("a")])
    res = run(region, p, 5, {"type": "departure_delayed", **s1(hours=10)})
    o = res.plan.orders[0]
    assert o.legs[0].service_id == "S1"
    assert o.legs[0].depart == MON + timedelta(hours=20)
    assert o.arrival == MON + timedelta(hours=31) and o.late_hours == 0
    (ch,) = res.changes
    assert ch.kind == "retimed" and "delayed 10 h" in ch.reason


def test_long_delay_switches_to_the_on_time_truck(region: Region) -> None:
    p = plan(region, [order("a")])
    # 20 h late: delivery Tuesday 17:00, 5 h after the due time; the truck is on time
    res = run(region, p, 5, {"type": "departure_delayed", **s1(hours=20)})
    o = res.plan.orders[0]
    assert [x.mode for x in o.legs] == ["road"] and o.late_hours == 0
    assert res.changes[0].kind == "rebooked"


def test_under_way_orders_stay(region: Region) -> None:
    p = plan(region, [order("a")])
    res = run(
        region, p, 12,
        {"type": "road_slowed", "factor": 2, "start": t(11), "end": t(30)},
    )  # fmt: skip
    assert res.plan.orders[0] == p.orders[0]
    assert res.changes == ()


def test_lock_closed_shifts_the_stops_by_the_wait(region: Region) -> None:
    p = plan(region, [order("a")])
    # on board since 10:00; the PRT-INL waterway is closed 09:00-15:00, entered at 10:00
    res = run(
        region, p, 12,
        {"type": "lock_closed", "from": "PRT", "to": "INL", "start": t(9), "end": t(15)},
    )  # fmt: skip
    o = res.plan.orders[0]
    assert o.legs[0].depart == MON + timedelta(hours=10)
    assert o.legs[0].arrive == MON + timedelta(hours=25)  # 20:00 + 5 h
    assert o.arrival == MON + timedelta(hours=26)
    (ch,) = res.changes
    assert ch.kind == "retimed" and "lock waterway PRT-INL closed" in ch.reason
    s1_load = next(d for d in res.plan.departures if d.service_id == "S1" and d.index == 0)
    assert s1_load.arrive == MON + timedelta(hours=25) and s1_load.orders == 1


def test_terminal_closed_forbids_alighting(region: Region) -> None:
    p = plan(region, [order("a")])
    res = run(
        region, p, 5,
        {"type": "terminal_closed", "location": "INL", "start": t(19), "end": t(21)},
    )  # fmt: skip
    assert [x.mode for x in res.plan.orders[0].legs] == ["road"]
    assert "terminal INL closed" in res.changes[0].reason


def test_road_slowed_retimes_a_truck(region: Region) -> None:
    p = plan(region, [order("a", release=MON + timedelta(hours=6), forbidden_modes=("barge",))])
    res = run(region, p, 5, {"type": "road_slowed", "factor": 2, "start": t(5), "end": t(10)})
    o = res.plan.orders[0]
    assert o.legs[0].depart == MON + timedelta(hours=6)
    assert o.arrival == MON + timedelta(hours=10)  # 2 h at half speed
    assert res.changes[0].kind == "retimed"


def test_rush_order_is_planned(region: Region) -> None:
    p = plan(region, [order("a")])
    rush = order("R1", release=MON + timedelta(hours=5)).to_json()
    res = run(region, p, 5, {"type": "rush_orders", "orders": [rush]})
    r = res.plan.order("R1")
    assert r.main_mode == "barge" and r.legs[0].service_id == "S1"
    (ch,) = res.changes
    assert (ch.order_id, ch.kind, ch.reason) == ("R1", "added", "rush order")
    assert res.plan.totals.orders == 2


def test_change_penalty_keeps_orders_when_the_saving_is_smaller(region: Region) -> None:
    # S1 (2 TEU) carries a (10 t) and b (20 t). A 25 t rush order (one truck) would save
    # 0.98 EUR/t x 15 t = 14.7 EUR more than a on the barge, less than the 25 EUR penalty.
    p = plan(region, [order("a", tonnes=10), order("b", tonnes=20)])
    assert [o.main_mode for o in p.orders] == ["barge", "barge"]
    rush = order("d", tonnes=25, release=MON + timedelta(hours=5)).to_json()
    res = run(region, p, 5, {"type": "rush_orders", "orders": [rush]})
    assert res.plan.order("a") == p.order("a") and res.plan.order("b") == p.order("b")
    assert res.plan.order("d").main_mode == "road"


def test_exchange_step_makes_room_for_an_order_without_a_truck(region: Region) -> None:
    # S1 (2 TEU) is full with a (10 t) and b (20 t); a rush order that may not use road
    # can only ride S1. Moving a to the truck costs less than moving b (it saves less
    # CO2 on the barge), so a makes room and b keeps its chain; a alone covers the 1 TEU
    # shortfall, so b is not even re-solved.
    p = plan(region, [order("a", tonnes=10), order("b", tonnes=20)])
    rush = order("d", release=MON + timedelta(hours=5), forbidden_modes=("road",)).to_json()
    res = run(region, p, 5, {"type": "rush_orders", "orders": [rush]})
    assert res.plan.order("d").legs[0].service_id == "S1"
    assert [x.mode for x in res.plan.order("a").legs] == ["road"]
    assert res.plan.order("b") == p.order("b")
    assert res.affected == 1 and res.reoptimised == 2
    kinds = {c.order_id: c.kind for c in res.changes}
    assert kinds == {"a": "rebooked", "d": "added"}
    assert res.changes[0].reason == "re-optimised: freed capacity"


def test_orders_with_room_to_spare_stay_out_of_the_mip(region: Region) -> None:
    # a rides S1 alone; the rush order fits next to it, so a is not re-solved
    p = plan(region, [order("a")])
    rush = order("d", release=MON + timedelta(hours=5)).to_json()
    res = run(region, p, 5, {"type": "rush_orders", "orders": [rush]})
    assert res.reoptimised == 1 and res.plan.order("a") == p.order("a")
    s = res.plan.solver
    assert s.mip_gap == 0.01 and s.gap is not None and s.gap <= 0.01
    assert s.bound is not None and s.bound <= s.objective + 1e-9
    d = res.plan.order("d")
    assert s.objective == pytest.approx(d.objective_eur)  # the neighbourhood's objective


def test_replan_gap_is_validated(region: Region) -> None:
    p = plan(region, [order("a")])
    d = load_disruptions(json.dumps({"now": t(5), "disruptions": []}))
    with pytest.raises(InvalidInputError) as err:
        replan(p, d, region=region, mip_gap=1.5)
    assert err.value.field == "mip_gap"


def test_no_chain_left_is_unplannable_never_dropped(region: Region) -> None:
    p = plan(region, [order("a", forbidden_modes=("road",))])
    res = run(region, p, 5, {"type": "departure_cancelled", **s1()})
    o = res.plan.orders[0]
    assert o.status == "unplannable" and o.reason
    assert res.changes[0].kind == "unplannable"


@pytest.mark.parametrize(
    ("item", "field", "start"),
    [
        ({"type": "departure_cancelled", "service_id": "X", "depart": t(10)},
         "disruptions[0].service_id", "unknown service 'X'"),
        ({"type": "departure_cancelled", "service_id": "S1", "depart": t(11)},
         "disruptions[0].depart", f"no departure of 'S1' leaves its first stop at {t(11)}"),
        ({"type": "terminal_closed", "location": "DC1", "start": t(1), "end": t(2)},
         "disruptions[0].location", "unknown terminal 'DC1'"),
        ({"type": "lock_closed", "lock": "Nowhere", "start": t(1), "end": t(2)},
         "disruptions[0].lock", "no lock 'Nowhere' on the waterways"),
        ({"type": "road_slowed", "from": "PRT", "to": "XX", "factor": 2, "start": t(1),
          "end": t(2)}, "disruptions[0].from", "no road link from 'PRT' to 'XX'"),
    ],
)  # fmt: skip
def test_unknown_references(region: Region, item: dict[str, Any], field: str, start: str) -> None:
    p = plan(region, [order("a")])
    d = load_disruptions(json.dumps({"now": t(5), "disruptions": [item]}))
    with pytest.raises(InvalidInputError) as err:
        replan(p, d, region=region)
    assert err.value.field == field
    assert err.value.problem.startswith(start)


def test_rush_order_with_a_known_id(region: Region) -> None:
    p = plan(region, [order("a")])
    d = load_disruptions(
        json.dumps(
            {
                "now": t(5),
                "disruptions": [{"type": "rush_orders", "orders": [order("a").to_json()]}],
            }
        )
    )
    with pytest.raises(InvalidInputError) as err:
        replan(p, d, region=region)
    assert err.value.field == "disruptions[0].orders[0].id"
