"""Validation of legs, hub operations and chains, and the chain file format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from smartlogistics.emissions import (
    HubOperation,
    TransportChain,
    TransportLeg,
    calculate_chain,
    calculate_element,
    leg_emissions,
    load_chain,
)
from smartlogistics.errors import InvalidInputError
from smartlogistics.network.mode import Mode

LEG: dict[str, Any] = {"mode": "road", "mass_tonnes": 5.0, "distance_km": 203.0}


def _leg_error(**changes: Any) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as info:
        TransportLeg(**{**LEG, **changes})
    return info.value


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"mass_tonnes": -1}, "mass_tonnes", "Input should be greater than 0"),
        ({"mass_tonnes": 0}, "mass_tonnes", "Input should be greater than 0"),
        ({"distance_km": 0}, "distance_km", "Input should be greater than 0"),
        ({"distance_km": float("inf")}, "distance_km", "Input should be a finite number"),
        (
            {"mode": "boat"},
            "mode",
            "unknown mode 'boat'; expected one of road, barge, rail, air, sea",
        ),
        (
            {"distance_type": "as the crow flies"},
            "distance_type",
            "Input should be 'actual', 'shortest_feasible' or 'great_circle'",
        ),
        ({"wtw_kg_per_tkm": 0.1}, "ttw_kg_per_tkm", "required together with wtw_kg_per_tkm"),
        ({"ttw_kg_per_tkm": 0.1}, "wtw_kg_per_tkm", "required together with ttw_kg_per_tkm"),
        (
            {"wtw_kg_per_tkm": 0.1, "ttw_kg_per_tkm": 0.153},
            "wtw_kg_per_tkm",
            "must be ≥ ttw_kg_per_tkm (0.153), since WTW = WTT + TTW; got 0.1",
        ),
        (
            {"wtw_kg_per_tkm": 0.1, "ttw_kg_per_tkm": -0.1},
            "ttw_kg_per_tkm",
            "Input should be greater than or equal to 0",
        ),
        (
            {
                "category": "road_rigid_truck_26_32t_euro6",
                "wtw_kg_per_tkm": 0.2,
                "ttw_kg_per_tkm": 0.1,
            },
            "category",
            "cannot be combined with wtw_kg_per_tkm: give one way of getting emissions "
            "(a category, explicit wtw/ttw intensities, or fuel data)",
        ),
        (
            {"fuel": "diesel_b7_en16258", "fuel_used": 10},
            "vehicle_tonne_km",
            "required for the fuel-based method, which needs fuel, fuel_used and vehicle_tonne_km",
        ),
        (
            {"fuel": "diesel_b7_en16258", "fuel_used": 10, "vehicle_tonne_km": 500},
            "vehicle_tonne_km",
            "must be ≥ this leg's 1015 tonne-km (the trip's total includes this "
            "consignment); got 500",
        ),
        (
            {
                "fuel": "diesel_b7_en16258",
                "fuel_used": 10,
                "vehicle_tonne_km": 5000,
                "wtw_kg_per_tkm": 0.2,
                "ttw_kg_per_tkm": 0.1,
            },
            "wtw_kg_per_tkm",
            "cannot be combined with fuel: give one way of getting emissions "
            "(a category, explicit wtw/ttw intensities, or fuel data)",
        ),
        ({"teu": 0}, "teu", "Input should be greater than 0"),
        ({"colour": "red"}, "colour", "Extra inputs are not permitted"),
    ],
)
def test_leg_validation(changes: dict[str, Any], field: str, problem: str) -> None:
    error = _leg_error(**changes)
    assert error.field == field
    assert error.problem == problem
    assert isinstance(error, ValueError)


def test_mode_aliases() -> None:
    assert TransportLeg(**{**LEG, "mode": "truck"}).mode is Mode.ROAD
    assert TransportLeg(**{**LEG, "mode": "iww"}).mode is Mode.INLAND_WATERWAY


def test_legs_are_frozen() -> None:
    leg = TransportLeg(**LEG)
    with pytest.raises(Exception, match="frozen"):
        leg.mass_tonnes = 3  # type: ignore[misc]


def test_unknown_category_at_calculation() -> None:
    with pytest.raises(InvalidInputError) as info:
        calculate_element(TransportLeg(**LEG, category="road_magic"))
    assert info.value.field == "category"
    assert info.value.problem.startswith("unknown transport operation category 'road_magic'")


def test_category_of_another_mode() -> None:
    with pytest.raises(InvalidInputError) as info:
        leg_emissions("rail", 100, 1, category="road_artic_truck_lt34t_diesel_eu")
    assert info.value.field == "category"
    assert info.value.problem == (
        "category 'road_artic_truck_lt34t_diesel_eu' is for mode road, not rail"
    )


def test_teu_needed_for_per_teu_category() -> None:
    with pytest.raises(InvalidInputError) as info:
        leg_emissions("sea", 5000, 12)
    assert info.value.field == "teu"
    r = leg_emissions("sea", 5000, 12, teu=1)
    assert r.teu_km == 5000.0
    assert r.tonne_km == 60000.0
    assert r.wtw_kg == pytest.approx(5000 * 0.0894, rel=1e-9)


def test_unknown_fuel() -> None:
    leg = TransportLeg(**LEG, fuel="petrol", fuel_used=10, vehicle_tonne_km=2000)
    with pytest.raises(InvalidInputError) as info:
        calculate_element(leg)
    assert info.value.field == "fuel"


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"mass_tonnes": -2}, "mass_tonnes", "Input should be greater than 0"),
        ({"wtw_kg_per_tonne": 1.0}, "ttw_kg_per_tonne", "required together with wtw_kg_per_tonne"),
        (
            {"wtw_kg_per_tonne": 0.5, "ttw_kg_per_tonne": 0.6},
            "wtw_kg_per_tonne",
            "must be ≥ ttw_kg_per_tonne (0.6), since WTW = WTT + TTW; got 0.5",
        ),
        (
            {
                "category": "hub_transshipment_ambient",
                "wtw_kg_per_tonne": 0.6,
                "ttw_kg_per_tonne": 0.5,
            },
            "category",
            "cannot be combined with wtw_kg_per_tonne: give a category or explicit "
            "intensities, not both",
        ),
    ],
)
def test_hub_validation(changes: dict[str, Any], field: str, problem: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        HubOperation(**{"mass_tonnes": 10.0, **changes})
    assert (info.value.field, info.value.problem) == (field, problem)


def test_hub_explicit_intensity() -> None:
    r = calculate_element(HubOperation(mass_tonnes=4, wtw_kg_per_tonne=1.5, ttw_kg_per_tonne=1))
    assert (r.wtw_kg, r.ttw_kg, r.wtt_kg) == (6.0, 4.0, 2.0)
    assert r.method == "explicit_intensity"


def _chain_error(data: dict[str, Any]) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as info:
        load_chain(json.dumps(data))
    return info.value


GOOD_LEG = {"type": "leg", **LEG}


@pytest.mark.parametrize(
    ("data", "field", "problem"),
    [
        (
            {"elements": [GOOD_LEG, {**GOOD_LEG, "mass_tonnes": -1}]},
            "elements[1].mass_tonnes",
            "Input should be greater than 0",
        ),
        (
            {"elements": [{**GOOD_LEG, "wtw_kg_per_tkm": 0.1, "ttw_kg_per_tkm": 0.2}]},
            "elements[0].wtw_kg_per_tkm",
            "must be ≥ ttw_kg_per_tkm (0.2), since WTW = WTT + TTW; got 0.1",
        ),
        (
            {"elements": [GOOD_LEG, {"type": "hub", "mass_tonnes": 0}]},
            "elements[1].mass_tonnes",
            "Input should be greater than 0",
        ),
        ({"elements": [LEG]}, "elements[0]", 'missing "type": expected "leg" or "hub"'),
        (
            {"elements": [{**GOOD_LEG, "type": "ship"}]},
            "elements[0]",
            "Input tag 'ship' found using 'type' does not match any of the expected tags: "
            "'leg', 'hub'",
        ),
        ({"elements": []}, "elements", "Tuple should have at least 1 item after validation, not 0"),
        ({}, "elements", "Field required"),
        (
            {"elements": [{**GOOD_LEG, "id": "a"}, {**GOOD_LEG, "id": "a"}]},
            "elements[1].id",
            "duplicate element id 'a'",
        ),
        ({"elements": [GOOD_LEG], "owner": "me"}, "owner", "Extra inputs are not permitted"),
    ],
)
def test_chain_validation(data: dict[str, Any], field: str, problem: str) -> None:
    error = _chain_error(data)
    assert (error.field, error.problem) == (field, problem)


def test_chain_calculation_errors_name_the_element() -> None:
    chain = load_chain(json.dumps({"elements": [GOOD_LEG, {**GOOD_LEG, "category": "nope"}]}))
    with pytest.raises(InvalidInputError) as info:
        calculate_chain(chain)
    assert info.value.field == "elements[1].category"
    sea = {"type": "leg", "mode": "sea", "mass_tonnes": 10, "distance_km": 900}
    with pytest.raises(InvalidInputError) as info:
        calculate_chain(load_chain(json.dumps({"elements": [GOOD_LEG, sea]})))
    assert info.value.field == "elements[1].teu"


def test_bad_json() -> None:
    with pytest.raises(InvalidInputError) as info:
        load_chain('{"elements": [\n  {"type": "leg",}\n]}')
    assert info.value.field == "file"
    assert info.value.problem == (
        "not valid JSON: line 2 column 18: Expecting property name enclosed in double quotes"
    )


def test_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "chain.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        load_chain(path)
    assert (info.value.field, info.value.problem) == (
        "file",
        "a transport chain must be a JSON object",
    )


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as info:
        load_chain(str(tmp_path / "missing.json"))
    assert info.value.field == "file"
    assert "cannot read" in info.value.problem


def test_chain_json_round_trip(data_dir: Path) -> None:
    for path in sorted(data_dir.glob("*.json")):
        chain = load_chain(path)
        again = load_chain(chain.model_dump_json(exclude_none=True))
        assert again == chain
        assert calculate_chain(again) == calculate_chain(chain)


def test_chain_of_objects() -> None:
    chain = TransportChain(
        id="c",
        elements=[TransportLeg(**LEG), HubOperation(mass_tonnes=5), TransportLeg(**LEG)],
    )
    result = calculate_chain(chain)
    assert result.tonne_km == pytest.approx(2030.0, rel=1e-9)
    assert result.wtw_kg == pytest.approx(2 * 1015 * 0.116 + 3.0, rel=1e-9)
    assert result.wtw_kg_per_tkm == pytest.approx(result.wtw_kg / 2030.0, rel=1e-9)
    payload = result.to_json()
    json.dumps(payload)  # plain JSON types only
    assert set(payload) >= {"elements", "tonne_km", "wtw_kg", "ttw_kg", "wtt_kg"}


def test_chain_of_hubs_only_has_no_intensity() -> None:
    result = calculate_chain(TransportChain(elements=[HubOperation(mass_tonnes=5)]))
    assert result.tonne_km == 0.0
    assert result.wtw_kg_per_tkm is None


def test_leg_json_payload_for_the_cli() -> None:
    payload = leg_emissions("barge", 100, 10).to_json()
    json.dumps(payload)
    assert {"tonne_km", "wtw_kg", "ttw_kg", "category", "source"} <= set(payload)
    assert payload["mode"] == "barge"
