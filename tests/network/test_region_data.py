"""The packaged Amsterdam region: contents, provenance, routes and services."""

from __future__ import annotations

import itertools
import json

import pytest

from smartlogistics.network import (
    RESERVED_SOURCE_KEYS,
    LocationKind,
    Mode,
    Region,
    available_regions,
    load_region,
    source_refs,
)

FREIGHT_IDS = {
    "ACT", "HCT", "SPL", "AAL", "ALK", "LEY", "UTR",
    "TIE", "NIJ", "DUI", "VEN", "RTM", "MOE", "TIL",
}  # fmt: skip
CATEGORIES = {
    "barge_motor_vessel_0_1000t_container",
    "barge_motor_vessel_large_container",
    "rail_container_electric_eu",
    "rail_container_diesel_eu",
    "road_artic_truck_lt34t_diesel_eu",
}


def test_available_and_cached(region: Region) -> None:
    assert available_regions() == ["amsterdam"]
    assert load_region() is region
    assert load_region(" Amsterdam ") is region


def test_freight_nodes(region: Region) -> None:
    ids = {loc.id for loc in region.freight_nodes}
    assert ids >= FREIGHT_IDS
    assert len(ids) >= 14
    assert region.location("SPL").kind is LocationKind.AIRPORT_CARGO_AREA
    assert region.location("AAL").kind is LocationKind.FLOWER_AUCTION
    assert region.location("DUI").country == "DE"
    assert region.location("DUI").unlocode == "DEDUI"
    assert region.location("ACT").unlocode == "NLAMS"


def test_every_freight_node_has_a_terminal_and_junctions_none(region: Region) -> None:
    for loc in region.locations.values():
        assert (loc.id in region.terminals) is loc.is_freight_node, loc.id


def _all_source_texts(region: Region) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for loc in region.locations.values():
        texts.append((f"location {loc.id}", loc.source))
        if loc.unlocode is not None:
            assert loc.unlocode_source is not None
            texts.append((f"unlocode {loc.id}", loc.unlocode_source))
    texts += [(f"link {lk.origin}-{lk.destination} {lk.mode}", lk.source) for lk in region.links]
    texts += [(f"terminal {t.location}", t.source) for t in region.terminals.values()]
    texts += [(f"service {s.id}", s.source) for s in region.services]
    return texts


def test_every_number_has_a_source_that_is_defined(region: Region) -> None:
    assert len(region.sources) >= 5
    for what, text in _all_source_texts(region):
        assert text.strip(), what
        for ref in source_refs(text):
            assert ref.key in RESERVED_SOURCE_KEYS or ref.key in region.sources, (what, ref.key)
            if ref.key in RESERVED_SOURCE_KEYS:
                assert ref.note, what


def test_every_source_in_the_table_is_used(region: Region) -> None:
    used = {ref.key for _, text in _all_source_texts(region) for ref in source_refs(text)}
    assert set(region.sources) <= used


def test_road_links_between_every_ordered_pair_of_freight_nodes(region: Region) -> None:
    ids = [loc.id for loc in region.freight_nodes]
    for a, b in itertools.permutations(ids, 2):
        link = region.link(a, b, Mode.ROAD)
        assert link is not None, (a, b)
        assert "derived:" in link.source
    assert len(region.links_for(Mode.ROAD)) == len(ids) * (len(ids) - 1)


def test_barge_act_duisburg_via_tiel(region: Region) -> None:
    route = region.route("ACT", "DUI", Mode.INLAND_WATERWAY)
    assert 200 <= route.distance_km <= 240
    assert route.distance_km == pytest.approx(217.5)
    assert route.passes("TIE") and route.passes("UTR") and route.passes("PKP")
    assert route.path[0] == "ACT" and route.path[-1] == "DUI"
    assert route.distance_km == pytest.approx(sum(lk.distance_km for lk in route.links))


def test_amsterdam_rhine_canal_is_72_5_km(region: Region) -> None:
    route = region.route("IJA", "TIE", Mode.INLAND_WATERWAY)
    assert route.distance_km == pytest.approx(72.5)


def test_road_act_duisburg(region: Region) -> None:
    route = region.route("ACT", "DUI", Mode.ROAD)
    assert 200 <= route.distance_km <= 240
    assert route.path == ("ACT", "DUI")


def test_rail_act_duisburg_via_betuweroute(region: Region) -> None:
    route = region.route("ACT", "DUI", Mode.RAIL)
    assert 200 <= route.distance_km <= 240
    assert route.passes("ZEV") and route.passes("EMM") and route.passes("MET")


def test_upstream_to_duisburg_is_slower(region: Region) -> None:
    # Duisburg is upstream of Tiel: sailing to Duisburg goes against the current.
    up = region.route("TIE", "DUI", Mode.INLAND_WATERWAY, by="time")
    down = region.route("DUI", "TIE", Mode.INLAND_WATERWAY, by="time")
    assert up.distance_km == pytest.approx(down.distance_km)
    assert up.travel_time_h > down.travel_time_h * 1.5
    lobith_duisburg = region.link("LOB", "DUI", Mode.INLAND_WATERWAY)
    duisburg_lobith = region.link("DUI", "LOB", Mode.INLAND_WATERWAY)
    assert lobith_duisburg is not None and duisburg_lobith is not None
    assert lobith_duisburg.travel_time_h == pytest.approx(8.2)
    assert duisburg_lobith.travel_time_h == pytest.approx(82 / 18, abs=0.01)


def test_lock_waiting_is_included(region: Region) -> None:
    link = region.link("WBD", "TIE", Mode.INLAND_WATERWAY)
    assert link is not None
    assert link.travel_time_h == pytest.approx(14.5 / 13 + 0.5 + 0.75, abs=0.01)
    assert "Prins Bernhardsluizen" in link.source


def test_services(region: Region) -> None:
    assert len(region.services) >= 8
    assert {s.mode for s in region.services} == {Mode.INLAND_WATERWAY, Mode.RAIL}
    for s in region.services:
        assert s.vehicle_category in CATEGORIES, s.id
        assert s.reefer_capacity_teu <= s.capacity_teu
        assert s.stops[0].arrival_h == 0
        offsets = [s.departures[i].week_offset_h for i in range(len(s.departures))]
        assert offsets == sorted(set(offsets)), s.id
        for i, stop in enumerate(s.stops):
            assert region.has_terminal(stop.location, s.mode), (s.id, stop.location)
            if i:
                prev = s.stops[i - 1]
                fastest = region.route(prev.location, stop.location, s.mode, by="time")
                assert stop.arrival_h - prev.departure_h >= fastest.travel_time_h - 1e-9
                assert stop.arrival_h >= prev.departure_h


def test_circle_lines_plan(region: Region) -> None:
    rhine = region.service("CL-RHINE-E")
    assert rhine.stop_ids == ("ACT", "HCT", "UTR", "TIE", "NIJ", "DUI")
    assert rhine.capacity_teu == 200
    assert rhine.vehicle_category == "barge_motor_vessel_large_container"
    assert region.service("CL-NWCC-S").departures_per_week == 17
    assert region.service("CL-NWCC-N").departures_per_week == 17
    rail = region.service("CL-RAIL-DUI-E")
    assert rail.mode is Mode.RAIL and rail.capacity_teu == 100
    airport = region.service("CL-AIRPORT-S")
    assert airport.stop_ids[-1] == "AAL" and airport.reefer_capacity_teu == airport.capacity_teu
    stopped = {loc for s in region.services for loc in s.stop_ids}
    assert {"ALK", "LEY", "AAL", "VEN", "TIL", "MOE", "RTM", "DUI"} <= stopped


def test_terminal_modes(region: Region) -> None:
    act = region.terminal("ACT")
    spl = region.terminal("SPL")
    assert act is not None and spl is not None
    assert act.modes == {Mode.SEA, Mode.INLAND_WATERWAY, Mode.RAIL, Mode.ROAD}
    assert spl.modes == {Mode.AIR, Mode.ROAD}
    assert act.cost_per_teu_eur == 23.89 and act.handling_time_h == 1.0
    assert region.terminal("PKP") is None


def test_to_json(region: Region) -> None:
    data = region.to_json()
    text = json.dumps(data)
    assert json.loads(text) == data
    assert data["name"] == "amsterdam"
    nodes = {n["id"]: n for n in data["nodes"]}
    assert set(nodes["ACT"]) >= {"id", "name", "lat", "lon", "kind", "unlocode", "country"}
    assert "unlocode" not in nodes["ALK"]
    assert len(data["links"]) == len(region.links)
    assert set(data["links"][0]) >= {"from", "to", "mode", "distance_km", "travel_time_h", "source"}
    rhine = next(s for s in data["services"] if s["id"] == "CL-RHINE-E")
    assert rhine["stops"] == ["ACT", "HCT", "UTR", "TIE", "NIJ", "DUI"]
    assert rhine["departures_per_week"] == 3
    assert {"capacity_teu", "capacity_tonnes", "vehicle_category"} <= set(rhine)
    assert {t["location"] for t in data["terminals"]} == {loc.id for loc in region.freight_nodes}
