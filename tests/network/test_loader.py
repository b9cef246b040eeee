from __future__ import annotations

from pathlib import Path

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.network import (
    Mode,
    NoRouteError,
    clear_region_cache,
    load_region,
    load_region_file,
)

from .conftest import DATA


def test_load_region_file_minimal() -> None:
    region = load_region_file(DATA / "minimal.yaml")
    assert region.name == "mini"
    assert set(region.locations) == {"AAA", "BBB", "CCC", "JJJ"}
    # explicit link first, then two per segment, then 3 x 2 road links
    assert len(region.links) == 1 + 2 + 6
    assert region.links[0].source == "src1"


def test_unknown_region() -> None:
    with pytest.raises(InvalidInputError) as info:
        load_region("rotterdam")
    assert (info.value.field, info.value.problem) == (
        "region",
        "unknown region 'rotterdam'; available: amsterdam",
    )


def test_bad_yaml_syntax() -> None:
    with pytest.raises(InvalidInputError) as info:
        load_region_file(DATA / "bad_syntax.yaml")
    assert info.value.field == ""
    assert info.value.problem == (
        "bad_syntax.yaml is not valid YAML at line 5: expected ',' or '}', but got '<stream end>'"
    )


def test_bad_link_distance_file() -> None:
    with pytest.raises(InvalidInputError) as info:
        load_region_file(DATA / "bad_link_distance.yaml")
    assert (info.value.field, info.value.problem) == (
        "links[0].distance_km",
        "Input should be greater than 0",
    )


def test_departures_out_of_order_file() -> None:
    with pytest.raises(InvalidInputError) as info:
        load_region_file(DATA / "departures_out_of_order.yaml")
    assert (info.value.field, info.value.problem) == (
        "services[0].departures[2]",
        "timetable out of order: mon 20:00 is not after tue 08:00",
    )


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as info:
        load_region_file(tmp_path / "nope.yaml")
    assert info.value.field == "path"


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        load_region_file(path)
    assert (info.value.field, info.value.problem) == (
        "",
        "list.yaml must contain a mapping at the top level",
    )


def test_cache_clear_gives_a_fresh_equal_region() -> None:
    first = load_region()
    clear_region_cache()
    second = load_region()
    assert second is not first
    assert second.to_json() == first.to_json()


def test_no_route() -> None:
    region = load_region_file(DATA / "minimal.yaml")
    with pytest.raises(NoRouteError) as info:
        region.route("BBB", "AAA", Mode.INLAND_WATERWAY)
    assert isinstance(info.value, InvalidInputError)
    assert (info.value.field, info.value.problem) == (
        "destination",
        "no barge route from 'BBB' to 'AAA'",
    )


def test_no_route_for_a_mode_without_links() -> None:
    region = load_region()
    with pytest.raises(NoRouteError) as info:
        region.route("ACT", "SPL", Mode.AIR)
    assert info.value.problem == "no air route from 'ACT' to 'SPL'"


def test_unknown_location_queries() -> None:
    region = load_region()
    with pytest.raises(InvalidInputError) as info:
        region.location("XYZ")
    assert (info.value.field, info.value.problem) == ("location", "unknown location 'XYZ'")
    with pytest.raises(InvalidInputError) as info:
        region.route("ACT", "XYZ", Mode.ROAD)
    assert (info.value.field, info.value.problem) == ("destination", "unknown location 'XYZ'")
    with pytest.raises(InvalidInputError) as info:
        region.service("nope")
    assert info.value.field == "service"
