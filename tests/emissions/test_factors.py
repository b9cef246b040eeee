"""The default factor table: provenance on every row, plausibility, and user tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartlogistics.emissions import (
    FactorTable,
    TransportOperationCategory,
    leg_emissions,
    load_default_factors,
    load_factor_table,
)
from smartlogistics.errors import InvalidInputError
from smartlogistics.network.mode import Mode

REQUIRED_TOCS = {
    "road_artic_truck_lt34t_diesel_eu": (0.116, 0.089, "derived"),
    "road_artic_truck_34_40t_diesel_eu": (None, None, "unverified"),
    "road_rigid_truck_26_32t_euro6": (0.162, None, "unverified"),
    "barge_motor_vessel_0_1000t_container": (0.0292, 0.0240, "derived"),
    "barge_motor_vessel_large_container": (None, None, "unverified"),
    "rail_container_electric_eu": (None, None, "unverified"),
    "rail_container_diesel_eu": (0.028, None, "unverified"),
    "air_freighter_gt1500km": (None, 0.498, "unverified"),
    "sea_container_europe_africa_dry": (0.0894, None, "unverified"),
}


def test_default_table_is_cached() -> None:
    assert load_default_factors() is load_default_factors()


@pytest.mark.parametrize(("toc_id", "expected"), sorted(REQUIRED_TOCS.items()))
def test_required_rows(
    table: FactorTable, toc_id: str, expected: tuple[float | None, float | None, str]
) -> None:
    wtw, ttw, status = expected
    toc = table.toc(toc_id)
    if wtw is not None:
        assert toc.wtw_kg_per_unit_km == wtw
    if ttw is not None:
        assert toc.ttw_kg_per_unit_km == ttw
    assert toc.status == status


def test_34_40t_reproduces_the_verified_wtt(table: FactorTable) -> None:
    toc = table.toc("road_artic_truck_34_40t_diesel_eu")
    assert toc.wtt_kg_per_unit_km == pytest.approx(0.022, rel=1e-9)


def test_split_statuses_say_which_half_is_verified(table: FactorTable) -> None:
    rigid = table.toc("road_rigid_truck_26_32t_euro6")
    assert (rigid.wtw_status, rigid.ttw_status) == ("verified", "unverified")
    air = table.toc("air_freighter_gt1500km")
    assert (air.wtw_status, air.ttw_status) == ("unverified", "verified")
    sea = table.toc("sea_container_europe_africa_dry")
    assert sea.unit == "teu_km"
    assert sea.wtw_status == "verified"


def test_air_wtw_is_ttw_times_kerosene_ratio(table: FactorTable) -> None:
    kerosene = table.fuel("jet_kerosene_en16258")
    ratio = kerosene.wtw_kg_co2e_per_unit / kerosene.ttw_kg_co2e_per_unit
    air = table.toc("air_freighter_gt1500km")
    assert air.wtw_kg_per_unit_km == pytest.approx(0.498 * ratio, abs=5e-5)


def test_every_row_has_source_version_and_status(table: FactorTable) -> None:
    for toc in table.tocs:
        assert toc.source in table.sources and toc.version and toc.status, toc.id
        if toc.status != "verified":
            assert toc.note, f"{toc.id} needs a note explaining how it was obtained"
    for hoc in table.hocs:
        assert hoc.source in table.sources and hoc.version and hoc.status, hoc.id
    for fuel in table.fuels:
        assert fuel.source in table.sources and fuel.status, fuel.id
    for key, source in table.sources.items():
        assert source.citation.strip(), key
        assert table.citation(key) == source.citation


def test_every_row_has_wtw_at_least_ttw(table: FactorTable) -> None:
    for toc in table.tocs:
        assert toc.wtw_kg_per_unit_km >= toc.ttw_kg_per_unit_km >= 0, toc.id


def test_fuels(table: FactorTable) -> None:
    b7 = table.fuel("diesel_b7_en16258")
    assert (b7.unit, b7.ttw_kg_co2e_per_unit, b7.wtw_kg_co2e_per_unit) == ("kg", 2.97, 3.76)
    b5 = table.fuel("diesel_b5_en16258")
    assert (b5.unit, b5.ttw_kg_co2e_per_unit, b5.wtw_kg_co2e_per_unit) == ("kg", 3.04, 3.80)
    tln = table.fuel("diesel_nl_road_tln")
    assert (tln.unit, tln.ttw_kg_co2e_per_unit, tln.wtw_kg_co2e_per_unit) == ("l", 2.6, 3.2)
    assert "CO2 only" in tln.note
    assert table.fuel("jet_kerosene_en16258").status == "unverified"


def test_hub_rows(table: FactorTable) -> None:
    hub = table.hoc("hub_transshipment_ambient")
    assert hub.wtw_kg_per_tonne == 0.6
    assert hub.wtw_status == "derived"
    assert hub.ttw_status == "unverified"
    assert table.default_hub().id == "hub_transshipment_ambient"


@pytest.mark.parametrize(
    ("mode", "toc_id"),
    [
        (Mode.ROAD, "road_artic_truck_lt34t_diesel_eu"),
        (Mode.INLAND_WATERWAY, "barge_motor_vessel_0_1000t_container"),
        (Mode.RAIL, "rail_container_electric_eu"),
        (Mode.AIR, "air_freighter_gt1500km"),
        (Mode.SEA, "sea_container_europe_africa_dry"),
    ],
)
def test_default_per_mode(table: FactorTable, mode: Mode, toc_id: str) -> None:
    assert table.default_toc(mode).id == toc_id
    assert table.default_toc(mode).mode is mode


def _wtw(table: FactorTable, mode: Mode) -> float:
    return table.default_toc(mode).wtw_kg_per_unit_km


def test_plausibility_ordering(table: FactorTable) -> None:
    road, barge = _wtw(table, Mode.ROAD), _wtw(table, Mode.INLAND_WATERWAY)
    rail, air = _wtw(table, Mode.RAIL), _wtw(table, Mode.AIR)
    assert road > 2 * barge
    assert barge > rail
    assert air > 3 * road
    # every road row above every barge row above every electric rail figure
    tocs = table.tocs
    min_road = min(t.wtw_kg_per_unit_km for t in tocs if t.mode is Mode.ROAD)
    max_barge = max(t.wtw_kg_per_unit_km for t in tocs if t.mode is Mode.INLAND_WATERWAY)
    min_air = min(t.wtw_kg_per_unit_km for t in tocs if t.mode is Mode.AIR)
    assert min_road > max_barge > rail
    assert min_air > 3 * max(t.wtw_kg_per_unit_km for t in tocs if t.mode is Mode.ROAD)


def test_electric_rail_has_no_tank_to_wheel(table: FactorTable) -> None:
    assert table.toc("rail_container_electric_eu").ttw_kg_per_unit_km == 0.0


def test_unknown_category_lists_known_ones(table: FactorTable) -> None:
    with pytest.raises(InvalidInputError) as info:
        table.toc("road_magic")
    assert info.value.field == "category"
    assert info.value.problem.startswith(
        "unknown transport operation category 'road_magic'; known: "
    )
    assert "road_artic_truck_lt34t_diesel_eu" in info.value.problem
    with pytest.raises(InvalidInputError, match="unknown hub operation category 'x'"):
        table.hoc("x")
    with pytest.raises(InvalidInputError) as fuel_info:
        table.fuel("petrol")
    assert fuel_info.value.field == "fuel"


def test_toc_validation() -> None:
    base = {
        "id": "t",
        "name": "t",
        "mode": "road",
        "wtw_kg_per_unit_km": 0.1,
        "ttw_kg_per_unit_km": 0.2,
        "source": "s",
        "version": "v",
        "status": "verified",
    }
    with pytest.raises(InvalidInputError) as info:
        TransportOperationCategory(**base)
    assert info.value.field == "wtw_kg_per_unit_km"
    with pytest.raises(InvalidInputError) as info:
        TransportOperationCategory(**{**base, "ttw_kg_per_unit_km": -0.1})
    assert info.value.field == "ttw_kg_per_unit_km"
    with pytest.raises(InvalidInputError) as info:
        TransportOperationCategory(
            **{**base, "ttw_kg_per_unit_km": 0.05, "wtw_status": "unverified"}
        )
    assert info.value.field == "status"


USER_TABLE = """
sources:
  mine: {citation: "Our own fleet, 2024 fuel records"}
default_tocs:
  road: my_truck
tocs:
  - {id: my_truck, name: Our truck, mode: road, wtw_kg_per_unit_km: 0.08,
     ttw_kg_per_unit_km: 0.065, source: mine, version: "2024", status: verified}
"""


def test_user_table(tmp_path: Path) -> None:
    path = tmp_path / "factors.yaml"
    path.write_text(USER_TABLE, encoding="utf-8")
    table = load_factor_table(path)
    r = leg_emissions("road", 100, 10, factors=table)
    assert r.category == "my_truck"
    assert r.wtw_kg == pytest.approx(80.0, rel=1e-9)
    with pytest.raises(InvalidInputError) as info:
        leg_emissions("barge", 100, 10, factors=table)
    assert info.value.field == "category"
    assert "no default category for mode barge" in info.value.problem


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        (
            USER_TABLE.replace("wtw_kg_per_unit_km: 0.08", "wtw_kg_per_unit_km: abc"),
            "tocs[0].wtw_kg_per_unit_km",
            "Input should be a valid number, unable to parse string as a number",
        ),
        (
            USER_TABLE.replace("wtw_kg_per_unit_km: 0.08", "wtw_kg_per_unit_km: 0.06"),
            "tocs[0].wtw_kg_per_unit_km",
            "WTW 0.06 is below TTW 0.065; WTW = WTT + TTW cannot be smaller",
        ),
        (
            USER_TABLE.replace("source: mine", "source: theirs"),
            "tocs[0].source",
            "unknown source 'theirs'; known: mine",
        ),
        (
            USER_TABLE.replace("road: my_truck", "rail: my_truck"),
            "default_tocs.rail",
            "category 'my_truck' is for mode road, not rail",
        ),
        (
            USER_TABLE.replace("status: verified", "status: sure"),
            "tocs[0].status",
            "Input should be 'verified', 'derived' or 'unverified'",
        ),
        ("tocs: [", "file", None),
        ("- a\n- b\n", "file", "a factor table must be a mapping at the top level"),
    ],
)
def test_user_table_errors(tmp_path: Path, text: str, field: str, problem: str | None) -> None:
    path = tmp_path / "factors.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        load_factor_table(path)
    assert info.value.field == field
    if problem is not None:
        assert info.value.problem == problem
    else:
        assert info.value.problem.startswith("not valid YAML: line ")


def test_user_table_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as info:
        load_factor_table(tmp_path / "nope.yaml")
    assert info.value.field == "file"
    assert "cannot read" in info.value.problem
