"""Consignments: lenient about missing 7+1 data, strict about malformed values; file IO."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate.consignment import CSV_COLUMNS, PLACI_ELEMENTS, Consignment
from smartlogistics.smartgate.consignment_io import (
    consignments_text,
    parse_consignments,
    read_consignments,
    write_consignments,
)
from tests.smartgate.conftest import clean, clean_data

DATA = Path(__file__).resolve().parents[1] / "data" / "smartgate"


def _error(**changes: Any) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as info:
        Consignment(**clean_data(**changes))
    return info.value


# -- the model -------------------------------------------------------------------------


def test_csv_columns_are_the_contract_with_the_history_file() -> None:
    assert CSV_COLUMNS == (
        "id", "house_awb", "master_awb", "pieces", "gross_weight_kg", "description",
        "consignor_name", "consignor_address", "consignor_country", "consignee_name",
        "consignee_address", "consignee_country", "hs_code", "consignee_eori",
        "declared_value", "currency", "origin_airport", "routing", "carrier", "declarant",
        "flight", "filed_at",
    )  # fmt: skip


def test_only_the_id_is_required_and_missing_placi_elements_are_named_in_order() -> None:
    bare = Consignment(id="C-9")
    assert bare.missing_placi_elements() == list(PLACI_ELEMENTS)
    partial = clean(consignor_address=None, house_awb="  ", pieces=None)
    assert partial.missing_placi_elements() == ["pieces", "consignor_address", "house_awb"]
    assert clean().missing_placi_elements() == []


def test_codes_are_normalised() -> None:
    c = clean(
        consignor_country=" cn",
        currency="eur",
        hs_code="8471.30",
        routing="pvg; ams",
        carrier="kl",
        consignee_eori="nl 123456789",
    )
    assert c.consignor_country == "CN" and c.currency == "EUR" and c.hs_code == "847130"
    assert c.routing == ("PVG", "AMS") and c.carrier == "KL"
    assert c.consignee_eori == "NL123456789"
    assert c.hs_chapter == "84"
    assert c.airports == ("PVG", "AMS")


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"gross_weight_kg": -1}, "gross_weight_kg", "Input should be greater than 0"),
        ({"gross_weight_kg": 0}, "gross_weight_kg", "Input should be greater than 0"),
        ({"pieces": 0}, "pieces", "Input should be greater than or equal to 1"),
        ({"pieces": 2.5}, "pieces", "Input should be a valid integer, got a number with a fractional part"),  # noqa: E501
        ({"pieces": True}, "pieces", "expected a number, not a boolean"),
        ({"hs_code": "84713"}, "hs_code", "expected a 6-digit HS subheading, not '84713'"),
        ({"hs_code": 10121}, "hs_code", "expected a 6-digit HS subheading, not '10121'"),
        ({"hs_code": "84713000"}, "hs_code", "expected a 6-digit HS subheading, not '84713000'"),
        ({"consignor_country": "XX"}, "consignor_country", "'XX' is not an ISO 3166-1 alpha-2 country code"),  # noqa: E501
        ({"consignee_country": "NLD"}, "consignee_country", "'NLD' is not a 2-letter ISO 3166-1 alpha-2 country code"),  # noqa: E501
        ({"consignee_eori": "NL"}, "consignee_eori", "'NL' is not an EORI number (2-letter country prefix and up to 15 letters or digits)"),  # noqa: E501
        ({"consignee_eori": "NL1234567890123456"}, "consignee_eori", "'NL1234567890123456' is not an EORI number (2-letter country prefix and up to 15 letters or digits)"),  # noqa: E501
        ({"declared_value": -5}, "declared_value", "Input should be greater than or equal to 0"),
        ({"currency": None}, "currency", "required when declared_value is given"),
        ({"currency": "EURO"}, "currency", "'EURO' is not a 3-letter ISO 4217 currency code"),
        ({"origin_airport": "AMSX"}, "origin_airport", "'AMSX' is not a 3-letter IATA airport code"),  # noqa: E501
        ({"routing": ["PVG", "A1S"]}, "routing[1]", "'A1S' is not a 3-letter IATA airport code"),
        ({"carrier": "KLM"}, "carrier", "'KLM' is not a 2-character IATA airline designator"),
        ({"filed_at": "2026-12-01T08:00:00"}, "filed_at", "Input should have timezone info"),
        ({"colour": "red"}, "colour", "Extra inputs are not permitted"),
    ],
)  # fmt: skip
def test_malformed_values_name_the_field(changes: dict[str, Any], field: str, problem: str) -> None:
    err = _error(**changes)
    assert (err.field, err.problem) == (field, problem)


def test_to_record_is_flat_and_csv_shaped() -> None:
    record = clean(routing=["PVG", "DXB", "AMS"]).to_record()
    assert tuple(record) == CSV_COLUMNS
    assert record["routing"] == "PVG;DXB;AMS"
    assert record["filed_at"] == "2026-12-01T08:00:00+01:00"
    assert record["pieces"] == 2 and record["gross_weight_kg"] == 40.0
    bare = Consignment(id="C-2").to_record()
    assert bare["routing"] is None and bare["description"] is None


def test_input_hash_is_stable_across_key_order_blanks_and_case() -> None:
    data = clean_data()
    reordered = dict(reversed(list(data.items())))
    variant = {**reordered, "consignor_country": "cn", "flight": "KL0896 ", "declarant": None}
    variant = {k: v for k, v in variant.items() if v is not None}
    variant["declarant"] = "Example Forwarding BV"
    variant["carrier"] = "kl"
    assert Consignment(**reordered).input_hash() == Consignment(**data).input_hash()
    assert Consignment(**variant).input_hash() == Consignment(**data).input_hash()
    with_blank = {**data, "consignee_eori": ""}
    without = {k: v for k, v in data.items() if k != "consignee_eori"}
    assert Consignment(**with_blank).input_hash() == Consignment(**without).input_hash()
    assert clean(pieces=3).input_hash() != clean().input_hash()


def test_canonical_json_is_sorted_and_compact() -> None:
    text = Consignment(id="C-1", pieces=1, routing="AMS").canonical_json()
    assert text == '{"id":"C-1","pieces":1,"routing":["AMS"]}'
    assert len(Consignment(id="C-1").input_hash()) == 64


# -- files -----------------------------------------------------------------------------


def test_json_and_csv_examples_hold_the_same_consignments() -> None:
    from_json = read_consignments(DATA / "consignments.json")
    from_csv = read_consignments(DATA / "consignments.csv")
    assert from_json == from_csv
    assert [c.id for c in from_json] == ["SG-0001", "SG-0002", "SG-0003"]
    assert from_json[1].missing_placi_elements() == ["consignor_address", "house_awb"]
    assert from_json[0].routing == ("HKG", "DXB", "AMS")


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_round_trip_is_exact(fmt: str, tmp_path: Path) -> None:
    originals = read_consignments(DATA / "consignments.json")
    path = tmp_path / f"out.{fmt}"
    write_consignments(originals, path)
    assert read_consignments(path) == originals
    assert path.read_text(encoding="utf-8") == consignments_text(originals, fmt)  # type: ignore[arg-type]


def test_single_object_list_and_wrapper_are_accepted() -> None:
    one = clean_data()
    assert parse_consignments(one) == [clean()]
    assert parse_consignments([one]) == [clean()]
    assert parse_consignments({"consignments": [one]}) == [clean()]
    assert read_consignments(json.dumps(one)) == [clean()]


def test_history_columns_are_ignored_in_csv() -> None:
    text = "id,pieces,date,label,value_at_stake\nH-1,3,2026-01-01,1,250.0\n"
    [c] = read_consignments(text)
    assert c.id == "H-1" and c.pieces == 3


def _raises(text: str) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as info:
        read_consignments(text)
    return info.value


def test_csv_errors_name_the_consignment_field_and_line() -> None:
    text = "id,pieces,gross_weight_kg\nA,1,2\nB,1,-3\n"
    err = _raises(text)
    assert err.field == "consignments[1].gross_weight_kg"
    assert err.problem == "consignment 'B' (line 3): Input should be greater than 0"


def test_json_errors_name_the_consignment_field() -> None:
    text = json.dumps({"consignments": [clean_data(id="A"), clean_data(id="B", hs_code="12345")]})
    err = _raises(text)
    assert err.field == "consignments[1].hs_code"
    assert err.problem == "consignment 'B': expected a 6-digit HS subheading, not '12345'"


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        ("pieces,weight\n1,2\n", "columns", "unknown column 'weight' (line 1); known: " + ", ".join(CSV_COLUMNS)),  # noqa: E501
        ("pieces\n1\n", "columns", "missing required column 'id' (line 1 has pieces)"),
        ("id,id\nA,B\n", "columns", "column 'id' given twice (line 1)"),
        ("id,pieces\nA,1\nB\n", "consignments[1]", "line 3: 1 cells under a header of 2 columns"),
        ("id\nA\nA\n", "consignments[1].id", "consignment 'A' (line 3): duplicate id (first at consignments[0])"),  # noqa: E501
        ('{"consignments": 3}', "consignments", "expected a list, not a number"),
        ('{"consignments": [], "x": 1}', "file", "unknown key 'x'; a consignments file holds only 'consignments'"),  # noqa: E501
        ("[1]", "consignments[0]", "consignment #1 (no id): expected an object, not a number"),
        ('[{"pieces": 1}]', "consignments[0].id", "consignment #1 (no id): Field required"),
        ("[{", "file", "the consignments text is not valid JSON: Expecting property name enclosed in double quotes (line 1, column 3)"),  # noqa: E501
    ],
)  # fmt: skip
def test_file_errors(text: str, field: str, problem: str) -> None:
    err = _raises(text)
    assert (err.field, err.problem) == (field, problem)


def test_missing_file_and_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as info:
        read_consignments(tmp_path / "nope.csv")
    assert info.value.field == "file"
    assert info.value.problem == f"no such file: {str(tmp_path / 'nope.csv')!r}"
    with pytest.raises(InvalidInputError) as info:
        read_consignments(tmp_path / "x.txt")
    assert info.value.field == "format"
