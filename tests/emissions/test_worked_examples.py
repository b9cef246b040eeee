"""Golden tests: every worked example of the facts sheet (shared/facts/emissions.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartlogistics.emissions import (
    DistanceType,
    HubOperation,
    TransportChain,
    TransportLeg,
    air_activity_distance_km,
    allocate_by_tonne_km,
    calculate_chain,
    calculate_element,
    leg_emissions,
    load_chain,
)
from smartlogistics.network.mode import Mode

EXACT = 1e-9


# --- 1. iLEAP specification ------------------------------------------------------------


def test_ileap_leg_1() -> None:
    r = leg_emissions(Mode.ROAD, 423, 0.087, wtw_kg_per_tkm=0.1, ttw_kg_per_tkm=0.09)
    assert r.tonne_km == pytest.approx(36.801, rel=EXACT)
    assert r.wtw_kg == pytest.approx(3.6801, rel=EXACT)
    assert r.method == "explicit_intensity"
    assert r.status == "user_supplied"


def test_ileap_leg_2() -> None:
    r = leg_emissions(Mode.ROAD, 321, 0.087, wtw_kg_per_tkm=0.17, ttw_kg_per_tkm=0.153)
    assert r.tonne_km == pytest.approx(27.927, rel=EXACT)
    assert r.wtw_kg == pytest.approx(4.74759, rel=EXACT)
    assert r.ttw_kg == pytest.approx(4.272831, rel=EXACT)
    assert r.wtt_kg == pytest.approx(4.74759 - 4.272831, rel=1e-9)


def test_ileap_chain_file(data_dir: Path) -> None:
    result = calculate_chain(load_chain(data_dir / "ileap_example_chain.json"))
    assert result.tonne_km == pytest.approx(64.728, rel=EXACT)
    assert result.wtw_kg == pytest.approx(8.42769, rel=EXACT)
    assert [e.id for e in result.elements] == ["tce-1", "tce-2"]
    assert result.wtw_kg_per_tkm == pytest.approx(8.42769 / 64.728, rel=EXACT)


def test_ileap_230_kg_over_700_km() -> None:
    leg = TransportLeg(mode=Mode.AIR, mass_tonnes=0.230, distance_km=700)
    assert leg.tonne_km == pytest.approx(161.0, rel=EXACT)


# --- 2. rigid truck 26-32 t Euro 6 at 0.162 ------------------------------------------------


@pytest.mark.parametrize(("kg", "wtw"), [(5000, 164.43), (2500, 82.215)])
def test_rigid_truck(kg: float, wtw: float) -> None:
    r = leg_emissions("road", 203, kg / 1000, category="road_rigid_truck_26_32t_euro6")
    assert r.tonne_km == pytest.approx(kg / 1000 * 203, rel=EXACT)
    assert r.wtw_kg == pytest.approx(wtw, rel=EXACT)
    # the facts sheet rounds to one decimal: 164.4 and 82.2
    assert round(r.wtw_kg, 1) == round(wtw, 1)
    assert r.category == "road_rigid_truck_26_32t_euro6"
    assert r.source == "glec_v3_via_dcycle"


def test_rigid_truck_1015_tkm() -> None:
    r = leg_emissions("road", 203, 5.0, category="road_rigid_truck_26_32t_euro6")
    assert r.tonne_km == pytest.approx(1015.0, rel=EXACT)


# --- 3. inland waterway, motor vessel 0-1000 t ---------------------------------------------


def test_inland_waterway_default_row_reproduces_the_grams() -> None:
    r = leg_emissions("barge", 324.684, 10.0)
    assert r.category == "barge_motor_vessel_0_1000t_container"
    assert r.tonne_km == pytest.approx(3246.84, rel=EXACT)
    # 0.0292 / 0.0240 / 0.0052 kg per t-km give 94,807.728 / 77,924.16 / 16,883.568 g
    assert r.wtw_kg * 1000 == pytest.approx(94_807.728, rel=EXACT)
    assert r.ttw_kg * 1000 == pytest.approx(77_924.16, rel=EXACT)
    assert r.wtt_kg * 1000 == pytest.approx(16_883.568, rel=1e-9)
    # ... which are the published grams after rounding to the gram
    assert round(r.wtw_kg * 1000) == 94_808
    assert round(r.ttw_kg * 1000) == 77_924
    assert round(r.wtt_kg * 1000) == 16_884


# --- hub 0.6 kg/t -------------------------------------------------------------------------


def test_hub_transshipment_ambient() -> None:
    r = calculate_element(HubOperation(mass_tonnes=10, category="hub_transshipment_ambient"))
    assert r.wtw_kg == pytest.approx(6.0, rel=EXACT)
    assert r.tonne_km is None
    assert r.activity_distance_km is None
    assert r.mode is None


def test_hub_default_category_is_ambient_transshipment() -> None:
    r = calculate_element(HubOperation(mass_tonnes=2.5))
    assert r.category == "hub_transshipment_ambient"
    assert r.wtw_kg == pytest.approx(1.5, rel=EXACT)


# --- air: GCD + 95 km -----------------------------------------------------------------------


def test_air_activity_distance_helper() -> None:
    assert air_activity_distance_km(1000.0) == 1095.0
    assert air_activity_distance_km(0.0) == 95.0


def test_air_gcd_adds_95_km_once() -> None:
    r = leg_emissions("air", 1000, 2.0, distance_type=DistanceType.GREAT_CIRCLE)
    assert r.activity_distance_km == 1095.0
    assert r.tonne_km == pytest.approx(2190.0, rel=EXACT)
    assert r.ttw_kg == pytest.approx(2190.0 * 0.498, rel=EXACT)
    chain = TransportChain(
        elements=[
            TransportLeg(mode="air", mass_tonnes=2, distance_km=1000, distance_type="great_circle")
        ]
    )
    assert calculate_chain(chain).tonne_km == pytest.approx(2190.0, rel=EXACT)


@pytest.mark.parametrize("distance_type", ["actual", "shortest_feasible"])
def test_air_non_gcd_distance_is_used_as_given(distance_type: str) -> None:
    r = leg_emissions("air", 1000, 2.0, distance_type=distance_type)
    assert r.activity_distance_km == 1000.0


def test_gcd_on_surface_modes_adds_nothing() -> None:
    r = leg_emissions("road", 100, 1.0, distance_type="great_circle")
    assert r.activity_distance_km == 100.0


# --- fuel-based (primary data) ------------------------------------------------------------


def test_fuel_based_whole_trip() -> None:
    leg = TransportLeg(
        mode="road",
        mass_tonnes=10,
        distance_km=100,
        fuel="diesel_b7_en16258",
        fuel_used=100,
        vehicle_tonne_km=1000,
    )
    r = calculate_element(leg)
    assert r.method == "fuel_based"
    assert r.fuel == "diesel_b7_en16258"
    assert r.ttw_kg == pytest.approx(297.0, rel=EXACT)
    assert r.wtw_kg == pytest.approx(376.0, rel=EXACT)
    assert r.status == "verified"


def test_fuel_based_allocated_by_tonne_km() -> None:
    # the truck did 4,000 t-km on the trip; this consignment 10 t x 100 km = 1,000 of it
    leg = TransportLeg(
        mode="road",
        mass_tonnes=10,
        distance_km=100,
        fuel="diesel_b7_en16258",
        fuel_used=100,
        vehicle_tonne_km=4000,
    )
    r = calculate_element(leg)
    assert r.ttw_kg == pytest.approx(297.0 / 4, rel=EXACT)
    assert r.wtw_kg == pytest.approx(376.0 / 4, rel=EXACT)
    # the same as allocating the trip's total over its shipments
    parts = allocate_by_tonne_km(376.0, 297.0, [("this", 10, 100), ("others", 30, 100)])
    assert parts[0].wtw_kg == pytest.approx(r.wtw_kg, rel=EXACT)
    assert parts[0].ttw_kg == pytest.approx(r.ttw_kg, rel=EXACT)


def test_fuel_based_per_litre_tln() -> None:
    leg = TransportLeg(
        mode="road",
        mass_tonnes=20,
        distance_km=50,
        fuel="diesel_nl_road_tln",
        fuel_used=30,
        vehicle_tonne_km=1000,
    )
    r = calculate_element(leg)
    assert r.ttw_kg == pytest.approx(78.0, rel=EXACT)
    assert r.wtw_kg == pytest.approx(96.0, rel=EXACT)


# --- the barge + hub + truck example file ---------------------------------------------------


def test_act_duisburg_chain_file(data_dir: Path) -> None:
    result = calculate_chain(load_chain(data_dir / "act_duisburg_barge_chain.json"))
    barge, hub, truck = result.elements
    assert barge.tonne_km == pytest.approx(2320.0, rel=EXACT)
    assert barge.wtw_kg == pytest.approx(2320 * 0.0292, rel=EXACT)
    assert hub.wtw_kg == pytest.approx(6.0, rel=EXACT)
    assert truck.category == "road_artic_truck_lt34t_diesel_eu"
    assert truck.wtw_kg == pytest.approx(29.0, rel=EXACT)
    assert result.tonne_km == pytest.approx(2570.0, rel=EXACT)
    assert result.wtw_kg == pytest.approx(67.744 + 6.0 + 29.0, rel=EXACT)
    assert result.ttw_kg == pytest.approx(55.68 + 4.74 + 22.25, rel=EXACT)
    assert result.wtt_kg == pytest.approx(result.wtw_kg - result.ttw_kg, rel=EXACT)
    payload = result.to_json()
    assert payload["id"] == "act-duisburg-1teu"
    assert [e["type"] for e in payload["elements"]] == ["leg", "hub", "leg"]
    assert payload["elements"][1]["tonne_km"] is None
