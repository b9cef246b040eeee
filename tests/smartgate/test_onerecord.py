"""The ONE Record adapter on the specification's examples and a hand-made house shipment."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate.onerecord import CARGO, consignment_from_onerecord, normalise_jsonld

DATA = Path(__file__).resolve().parents[1] / "data" / "smartgate" / "onerecord"


def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _iri(term: str, prefixes: dict[str, str]) -> str:
    prefix, _, local = term.partition(":")
    return prefixes[prefix] + local if prefix in prefixes else term


def _expanded(value: Any, prefixes: dict[str, str] | None = None) -> Any:
    """The same document with every compacted key and id written as a full IRI."""
    if prefixes is None:
        prefixes = value["@context"]
    if isinstance(value, list):
        return [_expanded(v, prefixes) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "@context":
            continue
        prefix, _, local = key.partition(":")
        full = prefixes[prefix] + local if prefix in prefixes else key
        if key in ("@id", "@type"):
            item = (
                _iri(item, prefixes) if isinstance(item, str) else [_iri(t, prefixes) for t in item]
            )
        out[full] = _expanded(item, prefixes)
    return out


EXPECTED = {
    "id": "HK778812",
    "house_awb": "HK778812",
    "master_awb": "074-12345675",
    "pieces": 2,
    "gross_weight_kg": 8.5,
    "description": "wrist watches, stainless steel",
    "consignor_name": "Kowloon Watch Traders Ltd",
    "consignor_address": "8 Nathan Road, Kowloon",
    "consignor_country": "HK",
    "consignee_name": "Dutch Office Supplies BV",
    "consignee_address": "Evert van de Beekstraat 1, 1118 CL Schiphol",
    "consignee_country": "NL",
    "hs_code": "910221",
    "consignee_eori": "NL123456789",
    "declared_value": 12500.0,
    "currency": "USD",
    "origin_airport": "HKG",
    "routing": "HKG;AMS",
    "carrier": None,
    "declarant": "Example Forwarding BV",
    "flight": None,
    "filed_at": None,
}


def test_hand_made_house_shipment_gives_the_complete_7_plus_1() -> None:
    c = consignment_from_onerecord(_load("shipment_house.json"), objects=[_load("piece_2.json")])
    assert c.to_record() == EXPECTED
    assert c.missing_placi_elements() == []


def test_full_iris_read_the_same() -> None:
    doc = _expanded(_load("shipment_house.json"))
    assert "https://onerecord.iata.org/ns/cargo#pieces" in doc
    c = consignment_from_onerecord(doc, objects=[_load("piece_2.json")])
    assert c.to_record() == EXPECTED


def test_bare_terms_of_the_onerecord_context_read_the_same() -> None:
    doc = normalise_jsonld(_load("shipment_house.json"))
    assert (
        isinstance(doc, dict)
        and "pieces" in doc
        and doc["@type"] == ["Shipment", "LogisticsObject"]
    )
    doc = {"@context": "https://onerecord.iata.org/ns/cargo/context.jsonld", **doc}
    c = consignment_from_onerecord(doc, objects=[_load("piece_2.json")])
    assert c.to_record() == EXPECTED


def test_an_unresolved_piece_leaves_the_weight_missing() -> None:
    c = consignment_from_onerecord(_load("shipment_house.json"))
    assert (c.pieces, c.gross_weight_kg) == (2, None)
    assert c.missing_placi_elements() == ["gross_weight_kg"]


def test_waybill_root_graph_and_direct_waybill() -> None:
    shipment = _load("shipment_house.json")
    waybill = copy.deepcopy(shipment["cargo:waybill"])
    waybill["@context"] = shipment["@context"]
    body = {k: v for k, v in shipment.items() if k not in ("@context", "cargo:waybill")}
    waybill["cargo:shipment"] = body
    c = consignment_from_onerecord(waybill, objects=[_load("piece_2.json")])
    assert (c.house_awb, c.master_awb, c.consignee_name) == (
        "HK778812", "074-12345675", "Dutch Office Supplies BV",
    )  # fmt: skip
    graph = {"@context": shipment["@context"], "@graph": [_load("Company.json"), shipment]}
    assert consignment_from_onerecord(graph).house_awb == "HK778812"
    direct = copy.deepcopy(shipment)
    direct["cargo:waybill"] = {
        "@type": "cargo:Waybill",
        "cargo:waybillType": {"@id": f"{CARGO}DIRECT"},
        "cargo:waybillPrefix": "074",
        "cargo:waybillNumber": "12345675",
    }
    d = consignment_from_onerecord(direct)
    assert (d.id, d.house_awb, d.master_awb) == ("12345675", "12345675", "074-12345675")


def test_party_details_by_reference_to_the_company_example() -> None:
    shipment = _load("shipment_house.json")
    company = _load("Company_with_id.json")
    consignee = shipment["cargo:involvedParties"][1]
    consignee["cargo:partyDetails"] = {"@id": company["@id"]}
    c = consignment_from_onerecord(shipment, objects=[company])
    assert (c.consignee_name, c.consignee_address, c.consignee_eori) == (
        "Acme Corporation",
        None,
        None,
    )
    assert c.missing_placi_elements() == ["gross_weight_kg", "consignee_address"]


@pytest.mark.parametrize("name", ["Shipment_with_Piece.json", "Shipment_with_Piece.embedded.json"])
def test_the_specifications_shipment_examples(name: str) -> None:
    c = consignment_from_onerecord(_load(name), id="SPEC-1")
    assert c.to_json() == {
        "id": "SPEC-1",
        "pieces": 1,
        "description": "Lots of awesome ONE Record information materials",
        "routing": [],
    }
    assert c.missing_placi_elements() == [
        "gross_weight_kg", "consignor_name", "consignor_address", "consignee_name",
        "consignee_address", "house_awb", "master_awb",
    ]  # fmt: skip


def test_embedded_example_has_its_own_id() -> None:
    c = consignment_from_onerecord(_load("Shipment_with_Piece.embedded.json"))
    assert c.id == "https://1r.example.com/logistics-objects/1a8ded38-1804-467c-a369-81a411416b3c"


@pytest.mark.parametrize("name", ["Piece.json", "Company.json", "CustomsInformation.json"])
def test_objects_without_a_shipment_are_refused(name: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        consignment_from_onerecord(_load(name))
    assert (info.value.field, info.value.problem) == (
        "onerecord", "no cargo:Shipment found (nor a Waybill with one)",
    )  # fmt: skip


def test_malformed_values_name_their_path() -> None:
    shipment = _load("shipment_house.json")
    shipment["cargo:pieces"][0]["cargo:grossWeight"]["cargo:unit"] = {"@id": "unit:OZA"}
    piece = _load("piece_2.json")
    with pytest.raises(InvalidInputError) as info:
        consignment_from_onerecord(shipment, objects=[piece])
    assert (info.value.field, info.value.problem) == (
        "pieces[0].grossWeight.unit", "unknown weight unit 'OZA' (expected KGM, GRM, LBR or TNE)",
    )  # fmt: skip
    shipment = _load("shipment_house.json")
    product = shipment["cargo:pieces"][0]["cargo:contentProducts"][0]
    product["cargo:hsCode"]["cargo:code"] = "9102"
    with pytest.raises(InvalidInputError) as info:
        consignment_from_onerecord(shipment)
    assert info.value.field == "hs_code"
    assert info.value.problem == (
        "expected a 6-digit HS subheading, not '9102'"
        " (from ONE Record pieces[0].contentProducts[0].hsCode)"
    )
