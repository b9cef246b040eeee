"""Every validation error names its field and says what is wrong."""

from __future__ import annotations

from typing import Any

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.network import (
    CargoUnit,
    CargoUnitKind,
    Link,
    Location,
    LocationKind,
    Mode,
    Region,
    Service,
    StopCall,
    Terminal,
    Weekday,
    WeeklyDeparture,
    region_from_mapping,
)


def _error(data: dict[str, Any]) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as info:
        region_from_mapping(data, source_name="test")
    return info.value


def test_minimal_fixture_is_valid(minimal: dict[str, Any]) -> None:
    region = region_from_mapping(minimal)
    service = region.service("S1")
    # AAA -> JJJ 0.5 h, JJJ -> BBB 8 km downstream at 20 km/h = 0.4 h; 0.9 h rounds up to 1 h.
    assert [(c.arrival_h, c.departure_h) for c in service.stops] == [(0, 1), (2, 3)]
    assert service.source == "src1; src1; src1; src1"


# -- region file, field paths in the file ------------------------------------------------


def test_unknown_location_in_link(minimal: dict[str, Any]) -> None:
    minimal["links"][0]["destination"] = "XYZ"
    err = _error(minimal)
    assert (err.field, err.problem) == ("links[0].destination", "unknown location 'XYZ'")


def test_unknown_location_in_segment(minimal: dict[str, Any]) -> None:
    minimal["waterways"]["segments"][0]["b"] = "XYZ"
    err = _error(minimal)
    assert (err.field, err.problem) == ("waterways.segments[0].b", "unknown location 'XYZ'")


def test_unknown_location_in_service_stop(minimal: dict[str, Any]) -> None:
    minimal["services"][0]["stops"] = ["AAA", "XYZ"]
    err = _error(minimal)
    assert (err.field, err.problem) == ("services[0].stops[1].location", "unknown location 'XYZ'")


def test_stop_without_terminal_of_the_mode(minimal: dict[str, Any]) -> None:
    minimal["services"][0]["stops"] = ["AAA", "CCC"]
    err = _error(minimal)
    assert (err.field, err.problem) == (
        "services[0].stops[1].location",
        "'CCC' has no barge terminal",
    )


def test_stops_not_connected(minimal: dict[str, Any]) -> None:
    minimal["services"][0]["stops"] = ["BBB", "AAA"]
    err = _error(minimal)
    assert (err.field, err.problem) == (
        "services[0].stops[1].location",
        "no barge connection from 'BBB' to 'AAA'",
    )


def test_departures_out_of_order(minimal: dict[str, Any]) -> None:
    minimal["services"][0]["departures"] = ["wed 08:00", "mon 08:00"]
    err = _error(minimal)
    assert (err.field, err.problem) == (
        "services[0].departures[1]",
        "timetable out of order: mon 08:00 is not after wed 08:00",
    )


def test_stop_offsets_decreasing(minimal: dict[str, Any]) -> None:
    minimal["services"][0]["stops"] = [
        {"location": "AAA", "arrival_h": 0, "departure_h": 3},
        {"location": "BBB", "arrival_h": 2, "departure_h": 4},
    ]
    err = _error(minimal)
    assert (err.field, err.problem) == (
        "services[0].stops[1].arrival_h",
        "offset 2 h is before the departure from the previous stop at 3 h",
    )


def test_schedule_faster_than_the_network(minimal: dict[str, Any]) -> None:
    minimal["services"][0]["stops"] = [
        {"location": "AAA", "arrival_h": 0, "departure_h": 1},
        {"location": "BBB", "arrival_h": 1.5, "departure_h": 2},
    ]
    err = _error(minimal)
    assert (err.field, err.problem) == (
        "services[0].stops[1].arrival_h",
        "0.5 h after leaving 'AAA' is shorter than the fastest barge travel time (0.90 h)",
    )


def test_bad_coordinates(minimal: dict[str, Any]) -> None:
    minimal["locations"][1]["lat"] = 95
    err = _error(minimal)
    assert (err.field, err.problem) == (
        "locations[1].lat",
        "Input should be less than or equal to 90",
    )


def test_unknown_source_id(minimal: dict[str, Any]) -> None:
    minimal["terminals"][2]["source"] = "nosuch2021"
    err = _error(minimal)
    assert (err.field, err.problem) == ("terminals[2].source", "unknown source 'nosuch2021'")


def test_assumption_needs_a_reason(minimal: dict[str, Any]) -> None:
    minimal["roads"]["speed_source"] = "assumption"
    err = _error(minimal)
    assert err.field == "roads.speed_source"
    assert err.problem == "'assumption' needs a note saying why or how, e.g. 'assumption: ...'"


def test_river_segment_needs_downstream(minimal: dict[str, Any]) -> None:
    del minimal["waterways"]["segments"][0]["downstream"]
    err = _error(minimal)
    assert err.field == "waterways.segments[0].downstream"
    assert (
        err.problem == "speed class 'river' has a current: name the downstream end ('JJJ' or 'BBB')"
    )


def test_unknown_vehicle(minimal: dict[str, Any]) -> None:
    minimal["services"][0]["vehicle"] = "ship"
    err = _error(minimal)
    assert (err.field, err.problem) == (
        "services[0].vehicle",
        "unknown vehicle 'ship'; known: boat",
    )


def test_duplicate_location(minimal: dict[str, Any]) -> None:
    minimal["locations"].append(dict(minimal["locations"][0]))
    err = _error(minimal)
    assert (err.field, err.problem) == ("locations[4].id", "duplicate location id 'AAA'")


def test_missing_top_level_key(minimal: dict[str, Any]) -> None:
    del minimal["sources"]
    err = _error(minimal)
    assert (err.field, err.problem) == ("sources", "Field required")


# -- value objects built in Python --------------------------------------------------------


def _loc(id: str, **kw: Any) -> Location:
    base: dict[str, Any] = {
        "id": id, "name": id, "lat": 52.0, "lon": 5.0,
        "kind": LocationKind.INLAND_TERMINAL, "country": "NL", "source": "s",
    }  # fmt: skip
    base.update(kw)
    return Location(**base)


def test_location_bad_longitude() -> None:
    with pytest.raises(InvalidInputError) as info:
        _loc("AAA", lon=-181)
    assert (info.value.field, info.value.problem) == (
        "lon",
        "Input should be greater than or equal to -180",
    )


def test_location_unlocode_country_mismatch() -> None:
    with pytest.raises(InvalidInputError) as info:
        _loc("AAA", unlocode="DEDUI", unlocode_source="s")
    assert (info.value.field, info.value.problem) == (
        "unlocode",
        "country part 'DE' does not match country 'NL'",
    )


def test_location_id_pattern() -> None:
    with pytest.raises(InvalidInputError) as info:
        _loc("act")
    assert info.value.field == "id"


def test_cargo_unit_negative_weight() -> None:
    with pytest.raises(InvalidInputError) as info:
        CargoUnit(
            id="x", kind=CargoUnitKind.TEU_CONTAINER, teu=1, tare_t=-2.2, gross_t=0,
            max_gross_t=30, source="s",
        )  # fmt: skip
    assert (info.value.field, info.value.problem) == (
        "tare_t",
        "Input should be greater than or equal to 0",
    )


def _link(origin: str, destination: str, km: float = 10, hours: float = 1) -> Link:
    return Link(
        origin=origin, destination=destination, mode=Mode.INLAND_WATERWAY,
        distance_km=km, travel_time_h=hours, source="s",
    )  # fmt: skip


def _terminal(location: str, *modes: Mode) -> Terminal:
    return Terminal(
        location=location, modes=frozenset(modes), handling_time_h=1, cost_per_teu_eur=20,
        cost_per_tonne_eur=0, reefer=False, dangerous_goods=False, source="s",
    )  # fmt: skip


def _service(stops: list[tuple[str, float, float]], departures: list[str]) -> Service:
    return Service(
        id="S", name="S", mode=Mode.INLAND_WATERWAY,
        stops=tuple(StopCall(location=a, arrival_h=b, departure_h=c) for a, b, c in stops),
        departures=tuple(WeeklyDeparture.model_validate(d) for d in departures),
        capacity_teu=10, capacity_tonnes=100, dangerous_goods=False,
        vehicle_category="barge_motor_vessel_0_1000t_container", cost_per_departure_eur=0,
        price_per_teu_eur=0, price_per_tonne_eur=0, source="s",
    )  # fmt: skip


def test_link_same_ends() -> None:
    with pytest.raises(InvalidInputError) as info:
        _link("AAA", "AAA")
    assert (info.value.field, info.value.problem) == ("destination", "same as origin 'AAA'")


def test_link_non_positive_distance() -> None:
    with pytest.raises(InvalidInputError) as info:
        _link("AAA", "BBB", km=0)
    assert (info.value.field, info.value.problem) == (
        "distance_km",
        "Input should be greater than 0",
    )


def test_terminal_needs_a_mode() -> None:
    with pytest.raises(InvalidInputError) as info:
        _terminal("AAA")
    assert info.value.field == "modes"


def test_service_departures_out_of_order() -> None:
    with pytest.raises(InvalidInputError) as info:
        _service([("AAA", 0, 1), ("BBB", 2, 2)], ["mon 08:00", "mon 09:00", "mon 09:00"])
    assert (info.value.field, info.value.problem) == (
        "departures[2]",
        "timetable out of order: mon 09:00 is not after mon 09:00",
    )


def test_service_first_arrival_must_be_zero() -> None:
    with pytest.raises(InvalidInputError) as info:
        _service([("AAA", 1, 1), ("BBB", 2, 2)], ["mon 08:00"])
    assert info.value.field == "stops[0].arrival_h"


def test_service_immediate_repeat() -> None:
    with pytest.raises(InvalidInputError) as info:
        _service([("AAA", 0, 1), ("AAA", 2, 2)], ["mon 08:00"])
    assert (info.value.field, info.value.problem) == (
        "stops[1].location",
        "same location as the previous stop 'AAA'",
    )


def test_stop_call_departure_before_arrival() -> None:
    with pytest.raises(InvalidInputError) as info:
        StopCall(location="AAA", arrival_h=3, departure_h=2)
    assert (info.value.field, info.value.problem) == (
        "departure_h",
        "2 h is before the arrival at 3 h",
    )


def test_weekly_departure_bad_time() -> None:
    with pytest.raises(InvalidInputError) as info:
        WeeklyDeparture(day=Weekday.MON, time="24:00")
    assert info.value.field == "time"


def _region(**kw: Any) -> Region:
    base: dict[str, Any] = {
        "name": "t",
        "locations": {i: _loc(i) for i in ("AAA", "BBB", "CCC")},
        "links": (_link("AAA", "BBB"),),
        "terminals": {
            "AAA": _terminal("AAA", Mode.INLAND_WATERWAY),
            "BBB": _terminal("BBB", Mode.INLAND_WATERWAY),
            "CCC": _terminal("CCC", Mode.ROAD),
        },
    }
    base.update(kw)
    return Region(**base)


def test_region_unknown_link_location() -> None:
    with pytest.raises(InvalidInputError) as info:
        _region(links=(_link("AAA", "BBB"), _link("BBB", "XYZ")))
    assert (info.value.field, info.value.problem) == (
        "links[1].destination",
        "unknown location 'XYZ'",
    )


def test_region_service_stop_without_terminal() -> None:
    services = (_service([("AAA", 0, 1), ("CCC", 2, 2)], ["mon 08:00"]),)
    with pytest.raises(InvalidInputError) as info:
        _region(services=services)
    assert (info.value.field, info.value.problem) == (
        "services[0].stops[1].location",
        "'CCC' has no barge terminal",
    )


def test_region_service_too_fast() -> None:
    services = (_service([("AAA", 0, 1), ("BBB", 1.5, 2)], ["mon 08:00"]),)
    with pytest.raises(InvalidInputError) as info:
        _region(services=services)
    assert (info.value.field, info.value.problem) == (
        "services[0].stops[1].arrival_h",
        "0.5 h after leaving 'AAA' is shorter than the fastest barge travel time (1.00 h)",
    )


def test_region_duplicate_link() -> None:
    with pytest.raises(InvalidInputError) as info:
        _region(links=(_link("AAA", "BBB"), _link("AAA", "BBB", km=12)))
    assert (info.value.field, info.value.problem) == (
        "links[1]",
        "duplicate barge link AAA -> BBB (also links[0])",
    )


def test_region_terminal_at_junction() -> None:
    locations = {"AAA": _loc("AAA"), "JJJ": _loc("JJJ", kind=LocationKind.JUNCTION)}
    with pytest.raises(InvalidInputError) as info:
        _region(locations=locations, links=(), terminals={"JJJ": _terminal("JJJ", Mode.ROAD)})
    assert (info.value.field, info.value.problem) == (
        "terminals.JJJ.location",
        "'JJJ' is a junction, not a freight node",
    )


def test_region_is_immutable() -> None:
    region = _region()
    with pytest.raises(AttributeError):
        region.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        region.locations["ZZZ"] = _loc("ZZZ")  # type: ignore[index]
