"""Templates and dated candidates: shapes, cut-offs, compatibility and dominance."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pytest

from smartlogistics.emissions import load_default_factors
from smartlogistics.network import Region, load_region, load_region_file
from smartlogistics.network.mode import Mode
from smartlogistics.planner._timetable import build_timetable, week_start
from smartlogistics.planner.chains import (
    CandidateSet,
    OrderArrays,
    TemplateBuilder,
    TemplateKind,
    build_templates,
    generate_candidates,
    template_cache_key,
)
from smartlogistics.planner.costs import load_cost_model
from smartlogistics.planner.order import CargoClass, Order

from ._hand import DATA, MON, TZ, order

COSTS = load_cost_model("amsterdam")


@pytest.fixture(scope="module")
def region() -> Region:
    return load_region_file(DATA / "plan_region.yaml")


def candidates(
    region: Region, orders: list[Order], k: int = 2
) -> tuple[TemplateBuilder, CandidateSet]:
    tt = build_timetable(region, region.services, week_start(MON, TZ), 24 * 14)
    pairs = sorted({(o.origin, o.destination) for o in orders})
    builder = build_templates(region, tt, COSTS, load_default_factors(), pairs, 100.0)
    arrays = OrderArrays.build(orders, tt, COSTS)
    return builder, generate_candidates(arrays, builder, COSTS, 100.0, k)


def kinds(builder: TemplateBuilder, cs: CandidateSet, o: int) -> list[TemplateKind]:
    return [
        builder.templates[int(cs.template[c])].kind for c in range(cs.first[o], cs.first[o + 1])
    ]


def test_templates_of_a_pair(region: Region) -> None:
    builder, _ = candidates(region, [order("a")])
    tpls = [builder.templates[t] for t in builder.for_od("PRT", "INL")]
    assert tpls[0].kind is TemplateKind.TRUCK
    shapes = {(t.kind, tuple((region.services[s].id, i, j) for s, i, j in t.rides)) for t in tpls}
    assert (TemplateKind.SERVICE, (("S1", 0, 1),)) in shapes
    # S2 to NRF and a 100 km truck from there: shorter by road than the direct 120 km
    assert (TemplateKind.SERVICE, (("S2", 0, 1),)) in shapes
    s1 = next(t for t in tpls if t.rides and region.services[t.rides[0][0]].id == "S1")
    assert s1.price_per_teu == 40 and s1.hand_per_teu == 40 and not s1.has_pre
    assert s1.wtw_per_t == pytest.approx(0.0292 * 100 + 2 * 0.6)


def test_templates_are_cached_and_shared(region: Region) -> None:
    builder, _ = candidates(region, [order("a"), order("b")])
    assert builder.for_od("PRT", "INL") is builder.for_od("PRT", "INL")


def _builder(region: Region, costs: Any = COSTS, co2: float = 100.0) -> TemplateBuilder:
    tt = build_timetable(region, region.services, week_start(MON, TZ), 24 * 14)
    return build_templates(region, tt, costs, load_default_factors(), [("PRT", "INL")], co2)


def _s1(builder: TemplateBuilder) -> Any:
    tpls = [builder.templates[t] for t in builder.for_od("PRT", "INL")]
    return next(t for t in tpls if t.rides and builder.region.services[t.rides[0][0]].id == "S1")


def test_template_cache_is_shared_by_equal_inputs(region: Region) -> None:
    # an equal region read again and a timetable built again: the same templates
    first = _builder(region)
    again = _builder(load_region_file(DATA / "plan_region.yaml"))
    assert again.templates is first.templates
    assert again.for_od("PRT", "INL") is first.for_od("PRT", "INL")
    # dated starts are not part of the shapes: another horizon, the same key
    tt1 = build_timetable(region, region.services, week_start(MON, TZ), 24 * 14)
    tt2 = build_timetable(region, region.services, week_start(MON, TZ) + timedelta(days=7), 24)
    factors = load_default_factors()
    assert template_cache_key(region, tt1, COSTS, factors, 100.0) == template_cache_key(
        region, tt2, COSTS, factors, 100.0
    )
    private = TemplateBuilder(region, tt1, COSTS, factors, 100.0, cache=False)
    assert private.templates is not first.templates


def test_template_cache_sees_a_changed_service_plan(region: Region) -> None:
    before = _s1(_builder(region))
    assert before.price_per_teu == 40 and before.alight_h == 1
    # S1 dearer and calling at INL later: other templates, not the cached ones
    services = [
        s.model_copy(update={"price_per_teu_eur": 55.0}) if s.id == "S1" else s
        for s in region.services
    ]
    changed = _s1(_builder(region.with_services(services)))
    assert changed.price_per_teu == 55 and changed is not before
    later = {"arrival_h": 14.0, "departure_h": 15.0}
    stops = [
        s.model_copy(update={"stops": (s.stops[0], s.stops[1].model_copy(update=later))})
        if s.id == "S1"
        else s
        for s in region.services
    ]
    moved = region.with_services(stops)
    tt_old = build_timetable(region, region.services, week_start(MON, TZ), 24 * 14)
    tt_new = build_timetable(moved, moved.services, week_start(MON, TZ), 24 * 14)
    factors = load_default_factors()
    assert template_cache_key(region, tt_old, COSTS, factors, 100.0) != template_cache_key(
        moved, tt_new, COSTS, factors, 100.0
    )
    # the cost model (buffers) and the CO2 price are part of the key too
    barge = Mode.INLAND_WATERWAY
    slower = COSTS.model_copy(
        update={"buffer_h": {**COSTS.buffer_h, barge: COSTS.buffer_for(barge) + 1}}
    )
    assert _s1(_builder(region, costs=slower)).buffer1_h == before.buffer1_h + 1
    assert template_cache_key(region, tt_old, COSTS, factors, 100.0) != template_cache_key(
        region, tt_old, COSTS, factors, 50.0
    )
    # and the original inputs still give the original templates
    assert _s1(_builder(region)) is before


def test_candidates_sorted_and_truck_last(region: Region) -> None:
    builder, cs = candidates(region, [order("a"), order("b", release=MON + timedelta(hours=8))])
    assert kinds(builder, cs, 0) == [TemplateKind.SERVICE, TemplateKind.TRUCK]
    assert kinds(builder, cs, 1) == [TemplateKind.TRUCK]  # missed the cut-off
    assert np.all(np.diff(cs.order) >= 0)
    for o in range(2):
        objs = cs.objective[cs.first[o] : cs.first[o + 1]]
        assert np.all(np.diff(objs) >= 0)


def test_dominated_candidates_are_dropped(region: Region) -> None:
    # S2 + a 100 km truck costs 40 + 40 + 210 > the EUR 242 truck: never a candidate
    builder, cs = candidates(region, [order("a")])
    rides = [builder.templates[int(t)].rides for t in cs.template]
    assert all(region.services[r[0][0]].id != "S2" for r in rides if r)
    truck = cs.objective[cs.truck[0]]
    others = [c for c in range(cs.first[0], cs.first[1]) if c != cs.truck[0]]
    assert all(cs.objective[c] < truck for c in others)


def test_k_departures_per_template() -> None:
    region = load_region("amsterdam")
    o = order("a", origin="ACT", destination="ALK", due=MON + timedelta(days=4))
    _, cs = candidates(region, [o], k=2)
    deps = [tuple(cs.dep[c]) for c in range(cs.first[0], cs.first[1]) if cs.dep[c, 0] >= 0]
    assert len(deps) == 2  # Monday's and Tuesday's 07:00 shuttle
    _builder, cs = candidates(region, [o], k=1)
    assert sum(1 for c in range(cs.first[0], cs.first[1]) if cs.dep[c, 0] >= 0) == 1


def test_resource_rows_cover_every_segment_ridden() -> None:
    region = load_region("amsterdam")
    o = order("a", origin="ACT", destination="DUI", teu=2, tonnes=24, due=MON + timedelta(days=5))
    builder, cs = candidates(region, [o])
    for c in range(cs.first[0], cs.first[1]):
        tpl = builder.templates[int(cs.template[c])]
        rows = cs.res_row[cs.res_ptr[c] : cs.res_ptr[c + 1]]
        vals = cs.res_val[cs.res_ptr[c] : cs.res_ptr[c + 1]]
        segments = sum(j - i for _, i, j in tpl.rides)
        assert len(rows) == 2 * segments  # TEU and tonnes rows (no reefer: dry cargo)
        assert sorted(set(vals.tolist())) == ([2.0, 24.0] if segments else [])


def test_transfer_chain_schiphol_to_duisburg() -> None:
    region = load_region("amsterdam")
    o = order(
        "air", origin="SPL", destination="DUI", teu=0, tonnes=8,
        cargo_class=CargoClass.AIR_CARGO, due=MON + timedelta(days=6),
    )  # fmt: skip
    builder, _ = candidates(region, [o])
    tpls = [builder.templates[t] for t in builder.for_od("SPL", "DUI")]
    transfers = [
        [region.services[s].id for s, _, _ in t.rides]
        for t in tpls
        if t.kind is TemplateKind.TRANSFER
    ]
    assert ["CL-AIRPORT-N", "CL-RHINE-E"] in transfers


def test_reasons_for_orders_without_candidates(region: Region) -> None:
    orders = [
        order("road-only", origin="DC1", destination="DC2", forbidden_modes=("road",)),
        order("reefer", cargo_class=CargoClass.REEFER_CONTAINER, forbidden_modes=("road",)),
    ]
    _, cs = candidates(region, orders)
    assert set(cs.reasons) == {0, 1}
    assert "forbidden modes road" in cs.reasons[0]
    assert "reefer" in cs.reasons[1]
