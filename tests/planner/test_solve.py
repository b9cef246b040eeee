"""plan_orders on hand-made instances whose optimum is known, and on generated weeks.

The test region (tests/data/planner/plan_region.yaml): PRT and INL are barge terminals
120 km apart by road and 100 km by water; S1 (2 TEU, no reefer slots) leaves PRT on Monday
10:00 and arrives at INL at 20:00; a barge order must be handled (1 h) and wait the 3 h
barge buffer, so it must be released by Monday 06:00. With the Amsterdam cost model a
1-TEU truck PRT -> INL costs 50 + 1.6 x 120 = EUR 242; the barge chain 40 (tariff) +
2 x 20 (handling) = EUR 80.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from smartlogistics.emissions import (
    HubOperation,
    TransportChain,
    TransportLeg,
    calculate_chain,
    load_default_factors,
)
from smartlogistics.errors import InvalidInputError
from smartlogistics.network import Mode, Region, load_region, load_region_file
from smartlogistics.planner.baselines import NO_CAPACITY_REASON
from smartlogistics.planner.costs import load_cost_model
from smartlogistics.planner.order import CargoClass, Order
from smartlogistics.planner.plan import Plan
from smartlogistics.planner.solve import plan_orders

from ._hand import DATA, MON, order

FACTORS = load_default_factors()
ROAD = FACTORS.toc("road_artic_truck_lt34t_diesel_eu")
BARGE = FACTORS.toc("barge_motor_vessel_0_1000t_container")
HUB = FACTORS.hoc("hub_transshipment_ambient")
CO2 = 100.0 / 1000.0  # EUR per kg


@pytest.fixture(scope="module")
def region() -> Region:
    return load_region_file(DATA / "plan_region.yaml")


def plan(region: Region, orders: list[Order], **kw: Any) -> Plan:
    return plan_orders(
        region,
        orders,
        cost_model=load_cost_model("amsterdam"),
        co2_price_eur_per_tonne=100.0,
        time_limit_s=10,
        **kw,
    )


def truck_objective(km: float, tonnes: float, minimum: float = 140) -> float:
    return max(minimum, 50 + 1.6 * km) + CO2 * ROAD.wtw_kg_per_unit_km * km * tonnes


def barge_objective(tonnes: float) -> float:
    wtw = BARGE.wtw_kg_per_unit_km * 100 * tonnes + 2 * HUB.wtw_kg_per_tonne * tonnes
    return 80 + CO2 * wtw


# -- arithmetic ---------------------------------------------------------------------------


def test_truck_candidate_by_hand(region: Region) -> None:
    p = plan(region, [order("t", forbidden_modes=("barge",))])
    o = p.orders[0]
    assert o.status == "planned"
    (leg,) = o.legs
    assert (leg.mode, leg.service_id, leg.origin, leg.destination) == ("road", None, "PRT", "INL")
    assert leg.distance_km == 120
    assert leg.cost_eur == pytest.approx(242.0)
    assert leg.wtw_kg == pytest.approx(0.116 * 120 * 10)
    assert leg.ttw_kg == pytest.approx(0.089 * 120 * 10)
    assert o.handling == ()  # door to door: no terminal handling
    assert leg.depart == MON and leg.arrive == MON + timedelta(hours=2)
    assert o.objective_eur == pytest.approx(truck_objective(120, 10))
    assert o.late_hours == 0


def test_barge_candidate_by_hand(region: Region) -> None:
    p = plan(region, [order("b")])
    o = p.orders[0]
    (leg,) = o.legs
    assert (leg.mode, leg.service_id, leg.departure_index) == ("barge", "S1", 0)
    assert leg.distance_km == 100
    assert leg.cost_eur == 40
    assert leg.wtw_kg == pytest.approx(0.0292 * 100 * 10)
    assert leg.ttw_kg == pytest.approx(0.0240 * 100 * 10)
    assert leg.depart == MON + timedelta(hours=10)
    assert leg.arrive == MON + timedelta(hours=20)
    assert [h.location for h in o.handling] == ["PRT", "INL"]
    assert [h.cost_eur for h in o.handling] == [20, 20]
    assert o.handling[0].start == MON and o.handling[0].end == MON + timedelta(hours=1)
    assert o.handling[1].end == MON + timedelta(hours=21)
    assert o.arrival == MON + timedelta(hours=21)
    assert o.cost_eur == pytest.approx(80)
    assert o.wtw_kg == pytest.approx(29.2 + 2 * 6.0)
    assert o.objective_eur == pytest.approx(barge_objective(10))
    assert p.solver.objective == pytest.approx(barge_objective(10))


def test_pre_haul_by_hand(region: Region) -> None:
    # DC1 is 10 km from PRT: the pre-haul pays the 20 ft minimum of EUR 140
    p = plan(region, [order("d", origin="DC1")])
    o = p.orders[0]
    assert [(x.mode, x.origin, x.destination) for x in o.legs] == [
        ("road", "DC1", "PRT"),
        ("barge", "PRT", "INL"),
    ]
    assert o.legs[0].cost_eur == 140
    drive = region.route("DC1", "PRT", Mode.ROAD).travel_time_h
    assert o.legs[0].arrive == MON + timedelta(hours=drive)
    assert o.handling[0].start == o.legs[0].arrive
    assert o.cost_eur == pytest.approx(220)
    expected = 220 + CO2 * (0.116 * 10 * 10 + 0.0292 * 100 * 10 + 2 * 0.6 * 10)
    assert o.objective_eur == pytest.approx(expected)
    assert o.objective_eur < truck_objective(125, 10)


def test_legs_agree_with_calculate_chain(region: Region) -> None:
    p = plan(region, [order("d", origin="DC1", tonnes=12.5)])
    o = p.orders[0]
    elements: list[TransportLeg | HubOperation] = [
        TransportLeg(
            mode=o.legs[0].mode, mass_tonnes=12.5, distance_km=o.legs[0].distance_km,
            category=o.legs[0].category,
        ),
        HubOperation(mass_tonnes=12.5, category=o.handling[0].category),
        TransportLeg(
            mode=o.legs[1].mode, mass_tonnes=12.5, distance_km=o.legs[1].distance_km,
            category=o.legs[1].category,
        ),
        HubOperation(mass_tonnes=12.5, category=o.handling[1].category),
    ]  # fmt: skip
    result = calculate_chain(TransportChain(elements=tuple(elements)))
    assert o.wtw_kg == pytest.approx(result.wtw_kg, rel=1e-12)
    assert o.ttw_kg == pytest.approx(result.ttw_kg, rel=1e-12)
    assert o.legs[1].wtw_kg == pytest.approx(result.elements[2].wtw_kg, rel=1e-12)


# -- capacity -----------------------------------------------------------------------------


def test_capacity_binds_and_the_mip_beats_greedy_exactly(region: Region) -> None:
    # S1 has room for 2 TEU; three 1-TEU orders. The saving of the barge over the truck
    # grows with the tonnes (less CO2), so the optimum trucks the lightest; greedy serves
    # the first two released (5 t and 10 t) and trucks the 20 t order.
    orders = [
        order("light", tonnes=5, release=MON),
        order("medium", tonnes=10, release=MON + timedelta(minutes=10)),
        order("heavy", tonnes=20, release=MON + timedelta(minutes=20)),
    ]
    p = plan(region, orders)
    modes = {o.id: o.main_mode for o in p.orders}
    assert modes == {"light": "road", "medium": "barge", "heavy": "barge"}
    s1 = next(d for d in p.departures if d.service_id == "S1" and d.index == 0)
    assert s1.load_teu == 2 and s1.orders == 2 and s1.load_factor_teu == 1.0
    mip = sum(o.objective_eur for o in p.orders)
    assert p.solver.objective == pytest.approx(mip)
    greedy = p.baselines["greedy"].totals.objective_eur
    # saving(t) = truck - barge = 162 + (0.116 x 120 - 0.0292 x 100 - 1.2) x 0.1 x t
    per_tonne = CO2 * (ROAD.wtw_kg_per_unit_km * 120 - BARGE.wtw_kg_per_unit_km * 100 - 1.2)
    assert greedy - mip == pytest.approx(per_tonne * (20 - 5))
    assert greedy - mip == pytest.approx(14.7)
    assert p.solver.status == "optimal"
    assert p.solver.bound is not None and p.solver.bound <= p.solver.objective + 1e-6
    greedy_s1 = next(d for d in p.baselines["greedy"].departures if d.service_id == "S1")
    assert greedy_s1.load_teu == 2


def test_road_forbidden_and_no_room_is_unplannable(region: Region) -> None:
    orders = [order(f"r{i}", forbidden_modes=("road",)) for i in range(3)]
    p = plan(region, orders)
    statuses = sorted(o.status for o in p.orders)
    assert statuses == ["planned", "planned", "unplannable"]
    lost = next(o for o in p.orders if o.status == "unplannable")
    assert lost.reason == NO_CAPACITY_REASON
    assert lost.legs == ()
    assert p.totals.unplannable == 1


# -- time feasibility and compatibility ---------------------------------------------------


def test_release_after_the_cut_off_misses_the_departure(region: Region) -> None:
    on_time = order("ok", release=MON + timedelta(hours=6))
    too_late = order("late", release=MON + timedelta(hours=6, seconds=1))
    p = plan(region, [on_time, too_late])
    assert p.order("ok").main_mode == "barge"
    assert p.order("late").main_mode == "road"


def test_lateness_is_exact(region: Region) -> None:
    p = plan(region, [order("x", due=MON + timedelta(hours=18))], lateness_policy="soft")
    o = p.orders[0]
    assert p.parameters.lateness_policy == "soft"
    assert o.main_mode == "barge"  # 3 h late at EUR 10/h still beats the truck
    assert o.late_hours == pytest.approx(3.0)
    assert o.lateness_penalty_eur == pytest.approx(30.0)
    assert o.objective_eur == pytest.approx(barge_objective(10) + 30)
    assert p.totals.on_time_share == 0.0
    assert p.baselines["road_only"].totals.on_time_share == 1.0


def test_due_dates_are_promises_by_default(region: Region) -> None:
    # the same order: its truck (2 h) is on time, so the 3 h late barge is no candidate
    p = plan(region, [order("x", due=MON + timedelta(hours=18))])
    o = p.orders[0]
    assert p.parameters.lateness_policy == "hard_when_feasible"
    assert o.main_mode == "road" and o.late_hours == 0
    assert o.objective_eur == pytest.approx(truck_objective(120, 10))
    assert p.totals.on_time_share == 1.0 == p.baselines["road_only"].totals.on_time_share
    assert p.baselines["greedy"].totals.on_time_share == 1.0  # greedy: same candidates


def test_late_only_when_no_chain_is_on_time(region: Region) -> None:
    # road forbidden: the barge is the only chain and 3 h late, so it is planned late
    x = order("x", due=MON + timedelta(hours=18), forbidden_modes=("road",))
    o = plan(region, [x]).orders[0]
    assert o.main_mode == "barge" and o.late_hours == pytest.approx(3.0)
    assert o.lateness_penalty_eur == pytest.approx(30.0)


def test_late_fallback_when_the_on_time_departure_is_full(region: Region) -> None:
    # road forbidden, due Monday 22:00: S1 (2 TEU) is on time; three orders, the third
    # cannot be on time and nothing else is catchable: unplannable, never planned late
    # in place of an on-time one
    orders = [
        order(f"r{i}", due=MON + timedelta(hours=22), forbidden_modes=("road",)) for i in range(3)
    ]
    p = plan(region, orders)
    assert sorted(o.status for o in p.orders) == ["planned", "planned", "unplannable"]
    assert all(o.late_hours == 0 for o in p.orders)


def test_unknown_lateness_policy(region: Region) -> None:
    with pytest.raises(InvalidInputError) as err:
        plan(region, [order("a")], lateness_policy="strict")
    assert err.value.field == "lateness_policy"
    assert err.value.problem == "expected one of hard_when_feasible, soft, not 'strict'"


def test_beyond_the_lateness_cap_is_unplannable(region: Region) -> None:
    # released after the only departure, road forbidden: next week's barge is > 72 h late
    o = order(
        "x", release=MON + timedelta(hours=7), due=MON + timedelta(hours=30),
        forbidden_modes=("road",),
    )  # fmt: skip
    p = plan(region, [o])
    assert p.orders[0].status == "unplannable"
    assert "72 h" in (p.orders[0].reason or "")


@pytest.mark.parametrize("cls", [CargoClass.REEFER_CONTAINER, CargoClass.FLOWERS])
def test_cooled_cargo_never_rides_without_reefer_capacity(region: Region, cls: CargoClass) -> None:
    teu = 1 if cls.is_containerised else 0
    p = plan(region, [order("c", cargo_class=cls, teu=teu)])
    assert [x.mode for x in p.orders[0].legs] == ["road"]
    # and with road forbidden there is nothing left
    p = plan(region, [order("c", cargo_class=cls, teu=teu, forbidden_modes=("road",))])
    assert p.orders[0].status == "unplannable"
    assert "reefer" in (p.orders[0].reason or "")


def test_dangerous_goods_never_via_a_non_dg_terminal(region: Region) -> None:
    dg = CargoClass.DANGEROUS_GOODS
    p = plan(
        region,
        [order("to-inl", cargo_class=dg), order("to-nrf", destination="NRF", cargo_class=dg)],
    )
    assert p.order("to-inl").main_mode == "barge"  # PRT, INL and S1 take DG
    assert [x.mode for x in p.order("to-nrf").legs] == ["road"]  # NRF does not
    dry = plan(region, [order("dry", destination="NRF")])
    assert dry.orders[0].main_mode == "barge"  # the same trip without DG goes by S2


def test_forbidden_modes_are_respected(region: Region) -> None:
    p = plan(
        region, [order("nb", forbidden_modes=("barge",)), order("nr", forbidden_modes=("road",))]
    )
    assert {x.mode for x in p.order("nb").legs} == {"road"}
    assert {x.mode for x in p.order("nr").legs} == {"barge"}


def test_unplannable_between_road_only_nodes(region: Region) -> None:
    p = plan(region, [order("dd", origin="DC1", destination="DC2", forbidden_modes=("road",))])
    o = p.orders[0]
    assert o.status == "unplannable"
    assert o.reason is not None and "road" in o.reason and "DC1" in o.reason
    assert p.baselines["road_only"].totals.unplannable == 1


# -- validation ---------------------------------------------------------------------------


def test_unknown_location(region: Region) -> None:
    with pytest.raises(InvalidInputError) as err:
        plan(region, [order("a"), order("b", origin="FOO")])
    assert err.value.field == "orders[1].origin"
    assert err.value.problem == "order 'b': unknown location 'FOO'"


def test_duplicate_ids(region: Region) -> None:
    with pytest.raises(InvalidInputError) as err:
        plan(region, [order("a"), order("a")])
    assert err.value.field == "orders[1].id"


def test_bad_parameters(region: Region) -> None:
    with pytest.raises(InvalidInputError) as err:
        plan(region, [order("a")], candidates_per_template=0)
    assert err.value.field == "candidates_per_template"
    with pytest.raises(InvalidInputError) as err:
        plan_orders(region, [order("a")], cost_model=load_cost_model(), co2_price_eur_per_tonne=-1)
    assert err.value.field == "co2_price_eur_per_tonne"


def test_no_orders(region: Region) -> None:
    p = plan(region, [])
    assert p.orders == () and p.totals.orders == 0 and p.solver.status == "trivial"


# -- a generated Amsterdam week -----------------------------------------------------------


@pytest.fixture(scope="module")
def amsterdam_plan() -> Plan:
    from smartlogistics.planner.generator import generate_orders

    region = load_region("amsterdam")
    orders = generate_orders(region, 300, seed=7, start=MON)
    return plan_orders(region, orders, co2_price_eur_per_tonne=100.0, time_limit_s=20)


def test_generated_week_guarantees(amsterdam_plan: Plan) -> None:
    p = amsterdam_plan
    assert len(p.orders) == 300 and [o.id for o in p.orders] == [o.id for o in p.input_orders]
    greedy = p.baselines["greedy"].totals
    assert p.solver.objective <= greedy.objective_eur + 1e-6  # greedy is the warm start
    assert p.solver.bound is not None and p.solver.bound <= p.solver.objective + 1e-6
    assert p.solver.status in ("optimal", "time_limit")
    assert p.totals.objective_eur == pytest.approx(sum(o.objective_eur for o in p.orders))
    assert p.totals.cost_eur == pytest.approx(sum(o.cost_eur for o in p.orders))
    for d in p.departures:
        assert d.load_teu <= d.capacity_teu + 1e-6
        assert d.load_tonnes <= d.capacity_tonnes + 1e-6
        assert d.load_reefer_teu <= d.reefer_capacity_teu + 1e-6


def test_hard_policy_never_less_punctual_than_road_only(amsterdam_plan: Plan) -> None:
    p = amsterdam_plan
    assert p.parameters.lateness_policy == "hard_when_feasible"
    road = p.baselines["road_only"].totals
    assert p.totals.on_time_share >= road.on_time_share
    # order by order: whoever's direct truck is on time is on time in the plan
    inputs = {o.id: o for o in p.input_orders}
    region = load_region("amsterdam")
    for o in p.orders:
        src = inputs[o.id]
        if Mode.ROAD in src.forbidden_modes:
            continue
        drive = region.route(src.origin, src.destination, Mode.ROAD).travel_time_h
        if src.release + timedelta(hours=drive) <= src.due:
            assert o.status == "planned" and o.late_hours == 0, o.id


def test_soft_policy_may_be_less_punctual() -> None:
    from smartlogistics.planner.generator import generate_orders

    region = load_region("amsterdam")
    orders = generate_orders(region, 300, seed=7, start=MON)
    soft = plan_orders(
        region, orders, co2_price_eur_per_tonne=100.0, time_limit_s=20, lateness_policy="soft"
    )
    hard = plan_orders(region, orders, co2_price_eur_per_tonne=100.0, time_limit_s=20)
    assert soft.totals.objective_eur <= hard.totals.objective_eur * (1 + 0.005) + 1e-6
    assert hard.totals.on_time_share >= soft.totals.on_time_share


def test_generated_week_legs_are_consistent(amsterdam_plan: Plan) -> None:
    inputs = {o.id: o for o in amsterdam_plan.input_orders}
    for o in amsterdam_plan.orders:
        if o.status == "unplannable":
            assert o.reason
            continue
        assert o.legs[0].depart >= o.release
        for a, b in zip(o.legs, o.legs[1:], strict=False):
            assert a.destination == b.origin and a.arrive <= b.depart
        assert o.legs[0].origin == inputs[o.id].origin
        assert o.legs[-1].destination == inputs[o.id].destination
        late = max(0.0, (o.arrival - o.due).total_seconds() / 3600) if o.arrival else 0.0
        assert o.late_hours == pytest.approx(late, abs=1e-3)


def test_services_override(region: Region) -> None:
    # without S1 the order has no barge to INL and goes by truck
    only_s2 = [s for s in region.services if s.id == "S2"]
    p = plan(region, [order("a")], services=only_s2)
    assert p.orders[0].main_mode == "road"
    assert {d.service_id for d in p.departures} == {"S2"}
    with pytest.raises(InvalidInputError):
        plan(
            load_region("amsterdam"),
            [order("a", origin="ACT", destination="DUI")],
            services=only_s2,
        )
