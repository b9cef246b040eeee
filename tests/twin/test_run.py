"""run_twin end to end on a small scenario: determinism, common random numbers, KPIs."""

from __future__ import annotations

import json
import math

import pytest

from smartlogistics.emissions.factors import load_default_factors
from smartlogistics.errors import InvalidInputError
from smartlogistics.network import Mode, load_region
from smartlogistics.planner.costs import load_cost_model
from smartlogistics.twin import POLICIES, TwinResult, run_twin
from smartlogistics.twin.demand import draw_demand
from tests.twin._small import SMALL, small_run, without_timings


def test_same_seed_gives_identical_results() -> None:
    first = small_run().to_json()
    again = run_twin(SMALL).to_json()
    assert without_timings(again) == without_timings(first)
    other = run_twin(SMALL.replace(seed=SMALL.seed + 1)).to_json()
    assert other["digests"]["demand"] != first["digests"]["demand"]


def test_policies_see_identical_demand() -> None:
    result = small_run()
    demand = draw_demand(SMALL, load_region("amsterdam"))
    assert len(demand.orders) == SMALL.orders
    for name in POLICIES:
        k = result.policies[name]
        assert k["orders"] == k["delivered"] == SMALL.orders
        assert result.digests[name] == result.digests["synchromodal"]
    # the digest is the sorted ids of the orders each policy delivered: all of the demand
    import hashlib

    ids = "\n".join(sorted(o.id for o in demand.orders))
    assert result.digests["greedy"] == hashlib.sha256(ids.encode()).hexdigest()


def test_disruptions_do_not_change_the_demand() -> None:
    # separate streams: more disruptions leave orders and consignments as they are
    calm = SMALL.replace(barge_delays_per_day=0.0, congestion_per_day=0.0)
    base = draw_demand(SMALL, load_region("amsterdam"))
    other = draw_demand(calm, load_region("amsterdam"))
    assert [o.to_json() for o in other.orders] == [o.to_json() for o in base.orders]
    assert other.consignments == base.consignments


def test_road_only_costs_and_emissions_from_the_tariff() -> None:
    """Road-only is every order's direct truck: recomputed here from the tariff and factors."""
    result = small_run()
    region = load_region("amsterdam")
    tariff = load_cost_model("amsterdam").truck
    toc = load_default_factors().default_toc(Mode.ROAD)
    demand = draw_demand(SMALL, region)
    cost = wtw = 0.0
    trucks = 0
    for o in demand.orders:
        km = region.route(o.origin, o.destination, Mode.ROAD).distance_km
        cost += tariff.trip_eur(km, o.teu, o.tonnes)
        wtw += toc.wtw_kg_per_unit_km * o.tonnes * km
        trucks += tariff.trucks(o.teu, o.tonnes)
    road = result.policies["road_only"]
    assert road["total_cost_eur"] == pytest.approx(cost, rel=1e-9)
    assert road["handling_cost_eur"] == 0.0
    assert road["wtw_kg"] == pytest.approx(wtw, rel=1e-9)
    assert road["truck_trips"] == trucks
    assert road["modal_share_tkm"] == {"road": 1.0, "barge": 0.0, "rail": 0.0}
    assert road["departures"]["used"] == 0


def test_kpi_identities() -> None:
    result = small_run()
    for name, k in result.policies.items():
        assert k["total_cost_eur"] == pytest.approx(
            k["transport_cost_eur"] + k["handling_cost_eur"]
        )
        assert k["generalised_cost_eur"] == pytest.approx(
            k["total_cost_eur"] + k["co2_cost_eur"] + k["lateness_penalty_eur"]
        )
        assert k["co2_cost_eur"] == pytest.approx(100.0 * k["wtw_kg"] / 1000.0)
        assert math.isclose(sum(k["modal_share_tkm"].values()), 1.0)
        assert math.isclose(sum(k["modal_share_teu"].values()), 1.0)
        assert k["wtw_kg_per_tonne"] == pytest.approx(k["wtw_kg"] / k["tonnes"])
        assert sum(k["trucks_per_day"]) <= k["truck_trips"], name
        series = result.series["policies"][name]
        assert sum(series["emissions_wtw_kg"]["by_mode"].values()) == pytest.approx(k["wtw_kg"])
        assert sum(series["emissions_wtw_kg"]["by_sector"].values()) == pytest.approx(k["wtw_kg"])
        lf = [d["load_factor"] for d in series["departures"] if not d["cancelled"]]
        assert all(0.0 <= x <= 1.0 + 1e-9 for x in lf)
    syn, road = result.policies["synchromodal"], result.policies["road_only"]
    assert syn["wtw_kg"] < road["wtw_kg"]
    assert result.comparison["wtw_vs_road_only"] == pytest.approx(
        syn["wtw_kg"] / road["wtw_kg"] - 1.0
    )


def test_result_json_round_trip() -> None:
    result = small_run()
    data = json.loads(json.dumps(result.to_json()))
    assert TwinResult.from_json(data).to_json() == data
    assert set(data) >= {"days", "seed", "policies", "smartgate", "hub", "series"}
    assert data["hub"] == {"objects": 0, "events": 0}
    with pytest.raises(InvalidInputError) as exc:
        TwinResult.from_json({**data, "schema_version": 99})
    assert exc.value.field == "schema_version"


def test_progress_is_reported_and_can_stop_the_run() -> None:
    seen: list[float] = []

    def progress(fraction: float, message: str) -> None:
        seen.append(fraction)
        if "road_only" in message:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_twin(SMALL, progress=progress)
    assert seen[0] == 0.0
    assert seen == sorted(seen)


def test_subset_of_policies_and_bad_names() -> None:
    result = run_twin(SMALL, policies=["road_only"])
    assert list(result.policies) == ["road_only"]
    assert result.comparison == {}
    assert without_timings(result.policies) == without_timings(
        {"road_only": small_run().policies["road_only"]}
    )
    with pytest.raises(InvalidInputError) as exc:
        run_twin(SMALL, policies=["teleport"])
    assert exc.value.field == "policies"
