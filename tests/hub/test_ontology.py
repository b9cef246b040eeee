"""The ontology tables and the validator, one test per rule."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.hub import Problem, load_ontology, validate_logistics_object, validate_node
from smartlogistics.hub.ontology import API, CARGO, CODE_LISTS, Ontology

DATA = Path(__file__).resolve().parents[1] / "data" / "hub"
LOGISTICS_OBJECTS = [
    "Piece.json",
    "Shipment_with_Piece.json",
    "Shipment_with_Piece.embedded.json",
    "Company.json",
    "LogisticsEvent.json",
    "LogisticsEvent_with_id.json",
    "Sensor.compacted.json",
    "Sensor.expanded.json",
    "CustomsInformation.json",
    "CustomsInformation_2.json",
]
API_OBJECTS = ["Notification_example1.json", "ServerInformation.json", "Error_400.json"]


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def onto() -> Ontology:
    return load_ontology()


def codes(problems: list[Problem]) -> list[tuple[str, str, str | None]]:
    return [(p.path, p.code, p.name) for p in problems]


# -- tables --------------------------------------------------------------------------------
def test_versions_are_the_ones_copied(onto: Ontology) -> None:
    assert onto.versions == {
        "https://onerecord.iata.org/ns/cargo": "3.3.0",
        "https://onerecord.iata.org/ns/code-lists": "1.1.0",
        "https://onerecord.iata.org/ns/api": "2.3.0",
    }


def test_superclasses_are_transitive(onto: Ontology) -> None:
    assert onto.is_subclass(CARGO + "Piece", CARGO + "PhysicalLogisticsObject")
    assert onto.is_subclass(CARGO + "Piece", CARGO + "LogisticsObject")
    assert not onto.is_subclass(CARGO + "Value", CARGO + "LogisticsObject")
    assert onto.classes[CARGO + "LogisticsObject"].abstract
    assert not onto.classes[CARGO + "Piece"].abstract


def test_inherited_and_own_properties(onto: Ontology) -> None:
    piece = onto.properties_of(CARGO + "Piece")
    assert piece[CARGO + "grossWeight"].range == CARGO + "Value"
    assert piece[CARGO + "grossWeight"].max_count == 1
    assert CARGO + "grossWeight" not in onto.properties_of(CARGO + "Shipment")


def test_datatype_ranges(onto: Ontology) -> None:
    value = onto.properties_of(CARGO + "Value")[CARGO + "numericalValue"]
    assert (value.property.kind, value.range) == (
        "datatype",
        "http://www.w3.org/2001/XMLSchema#double",
    )
    event_date = onto.property(CARGO + "eventDate")
    assert (
        event_date is not None and event_date.range == "http://www.w3.org/2001/XMLSchema#dateTime"
    )


def test_restriction_narrows_the_range(onto: Ontology) -> None:
    rule = onto.properties_of(CARGO + "StatusUpdateEvent")[CARGO + "eventCode"]
    assert rule.range == CODE_LISTS + "StatusCode"
    assert onto.properties_of(CARGO + "LogisticsEvent")[CARGO + "eventCode"].range == (
        CARGO + "CodeListElement"
    )


def test_union_domains_of_the_api_ontology(onto: Ontology) -> None:
    expires = onto.property(API + "expiresAt")
    assert expires is not None
    assert expires.domains == {API + "AccessDelegation", API + "Subscription"}


def test_code_lists_closed_and_open(onto: Ontology) -> None:
    event_time = onto.code_list(CARGO + "EventTimeType")
    assert event_time is not None and event_time.closed
    assert CARGO + "ACTUAL" in event_time.members
    special = onto.code_list(CODE_LISTS + "SpecialHandlingCode")
    assert special is not None and not special.closed
    assert special.admits(CODE_LISTS + "SpecialHandlingCode#VAL")
    assert not special.admits(CODE_LISTS + "SpecialHandlingCode#VALX")
    assert special.admits("https://codes.example.com/SHC#XYZ")  # open list: foreign IRIs


def test_api_classes_are_known(onto: Ontology) -> None:
    for name in (
        "Notification",
        "Subscription",
        "Error",
        "ServerInformation",
        "ChangeRequest",
        "Change",
        "Operation",
    ):
        assert API + name in onto.classes, name


def test_load_is_cached() -> None:
    assert load_ontology() is load_ontology()


# -- the examples validate clean -------------------------------------------------------------
@pytest.mark.parametrize("name", LOGISTICS_OBJECTS)
def test_example_logistics_objects_validate_clean(onto: Ontology, name: str) -> None:
    assert validate_logistics_object(example(name), ontology=onto) == []


@pytest.mark.parametrize("name", API_OBJECTS)
def test_example_api_objects_validate_clean(onto: Ontology, name: str) -> None:
    assert validate_node(example(name), ontology=onto) == []


def test_the_list_example_has_the_defects_it_has(onto: Ontology) -> None:
    problems = validate_node(example("LogisticsEvents_list.json"), ontology=onto)
    assert codes(problems) == [
        ("hasItem[0].eventTimeType", "object-expected", "cargo:eventTimeType"),
        ("hasItem[0].linkedObject", "unknown-property", "cargo:linkedObject"),
        ("hasItem[1].eventTimeType", "object-expected", "cargo:eventTimeType"),
    ]


# -- one broken variant per rule ---------------------------------------------------------------
def piece(**props: Any) -> dict[str, Any]:
    doc = copy.deepcopy(example("Piece.json"))
    doc.update(props)
    return doc


def test_unknown_class(onto: Ontology) -> None:
    problems = validate_logistics_object(piece(**{"@type": "cargo:Pice"}), ontology=onto)
    assert codes(problems) == [("@type", "unknown-class", "@type")]
    assert "cargo:Pice" in problems[0].message


def test_missing_type(onto: Ontology) -> None:
    doc = piece()
    del doc["@type"]
    assert codes(validate_logistics_object(doc, ontology=onto)) == [
        ("@type", "missing-type", "@type")
    ]


def test_abstract_class(onto: Ontology) -> None:
    doc = {"@context": {"cargo": CARGO}, "@type": "cargo:LogisticsObject"}
    assert codes(validate_logistics_object(doc, ontology=onto)) == [
        ("@type", "abstract-class", "@type")
    ]


def test_not_a_logistics_object(onto: Ontology) -> None:
    doc = {"@context": {"cargo": CARGO}, "@type": "cargo:Value", "cargo:unit": {"@id": "x:KGM"}}
    assert ("@type", "not-a-logistics-object", "@type") in codes(
        validate_logistics_object(doc, ontology=onto)
    )


def test_property_not_allowed_on_the_class(onto: Ontology) -> None:
    doc = copy.deepcopy(example("Shipment_with_Piece.json"))
    doc["cargo:grossWeight"] = {"@type": "cargo:Value", "cargo:numericalValue": 2.0}
    problems = validate_logistics_object(doc, ontology=onto)
    assert codes(problems) == [("grossWeight", "property-not-allowed", "cargo:grossWeight")]
    assert problems[0].property == CARGO + "grossWeight"
    assert problems[0].message == "property cargo:grossWeight is not allowed on cargo:Shipment"


def test_unknown_property(onto: Ontology) -> None:
    problems = validate_logistics_object(piece(**{"cargo:grossWieght": 1}), ontology=onto)
    assert codes(problems) == [("grossWieght", "unknown-property", "cargo:grossWieght")]


def test_undefined_term(onto: Ontology) -> None:
    problems = validate_logistics_object(piece(weight=1), ontology=onto)
    assert codes(problems) == [("weight", "undefined-term", "@type")]


def test_wrong_datatype_string_for_double_in_an_embedded_object(onto: Ontology) -> None:
    doc = piece(**{"cargo:grossWeight": {"@type": "cargo:Value", "cargo:numericalValue": "heavy"}})
    problems = validate_logistics_object(doc, ontology=onto)
    assert codes(problems) == [
        ("grossWeight.numericalValue", "wrong-datatype", "cargo:numericalValue")
    ]
    assert (
        problems[0].message
        == "cargo:numericalValue takes xsd:double: 'heavy' is not a valid xsd:double"
    )


def test_embedded_class_inferred_from_the_range(onto: Ontology) -> None:
    doc = piece(**{"cargo:grossWeight": {"cargo:numericalValue": "heavy"}})
    assert codes(validate_logistics_object(doc, ontology=onto)) == [
        ("grossWeight.numericalValue", "wrong-datatype", "cargo:numericalValue")
    ]


def test_path_through_lists(onto: Ontology) -> None:
    doc = copy.deepcopy(example("Shipment_with_Piece.embedded.json"))
    doc["cargo:pieces"][0]["cargo:grossWeight"] = {"cargo:numericalValue": "heavy"}
    assert codes(validate_logistics_object(doc, ontology=onto)) == [
        ("pieces[0].grossWeight.numericalValue", "wrong-datatype", "cargo:numericalValue")
    ]


def test_bad_datetime(onto: Ontology) -> None:
    doc = copy.deepcopy(example("LogisticsEvent.json"))
    doc["cargo:eventDate"]["@value"] = "2023-02-30T10:38:01Z"
    assert codes(validate_logistics_object(doc, ontology=onto)) == [
        ("eventDate", "wrong-datatype", "cargo:eventDate")
    ]


def test_declared_datatype_must_match(onto: Ontology) -> None:
    doc = copy.deepcopy(example("LogisticsEvent.json"))
    doc["cargo:eventDate"] = {"@type": "http://www.w3.org/2001/XMLSchema#boolean", "@value": "true"}
    problems = validate_logistics_object(doc, ontology=onto)
    assert codes(problems) == [("eventDate", "wrong-datatype", "cargo:eventDate")]
    assert problems[0].message == "cargo:eventDate takes xsd:dateTime, not xsd:boolean"


def test_native_json_types(onto: Ontology) -> None:
    doc = piece(**{"cargo:coload": "maybe"})
    assert codes(validate_logistics_object(doc, ontology=onto)) == [
        ("coload", "wrong-datatype", "cargo:coload")
    ]
    assert validate_logistics_object(piece(**{"cargo:coload": True}), ontology=onto) == []


def test_literal_where_object_expected(onto: Ontology) -> None:
    doc = piece(**{"cargo:grossWeight": "20 kg"})
    assert codes(validate_logistics_object(doc, ontology=onto)) == [
        ("grossWeight", "object-expected", "cargo:grossWeight")
    ]


def test_object_where_literal_expected(onto: Ontology) -> None:
    doc = piece(**{"cargo:goodsDescription": {"@id": "https://example.com/x"}})
    assert codes(validate_logistics_object(doc, ontology=onto)) == [
        ("goodsDescription", "literal-expected", "cargo:goodsDescription")
    ]


def test_unknown_code_in_a_closed_list(onto: Ontology) -> None:
    doc = copy.deepcopy(example("LogisticsEvent.json"))
    doc["cargo:eventTimeType"] = {"@id": "cargo:ACTUALLY"}
    problems = validate_logistics_object(doc, ontology=onto)
    assert codes(problems) == [("eventTimeType", "unknown-code", "cargo:eventTimeType")]


def test_unknown_code_in_an_open_list_namespace(onto: Ontology) -> None:
    doc = piece(
        **{
            "cargo:specialHandlingCodes": [
                {"@id": CODE_LISTS + "SpecialHandlingCode#VAL"},
                {"@id": CODE_LISTS + "SpecialHandlingCode#VALX"},
            ]
        }
    )
    assert codes(validate_logistics_object(doc, ontology=onto)) == [
        ("specialHandlingCodes[1]", "unknown-code", "cargo:specialHandlingCodes")
    ]


def test_too_many_values(onto: Ontology) -> None:
    doc = piece(
        **{"cargo:grossWeight": [{"cargo:numericalValue": 1.0}, {"cargo:numericalValue": 2.0}]}
    )
    assert codes(validate_logistics_object(doc, ontology=onto)) == [
        ("grossWeight", "too-many-values", "cargo:grossWeight")
    ]


def test_wrong_class_of_an_embedded_object(onto: Ontology) -> None:
    doc = piece(**{"cargo:grossWeight": {"@type": "cargo:Piece", "cargo:coload": True}})
    assert codes(validate_logistics_object(doc, ontology=onto)) == [
        ("grossWeight.@type", "wrong-class", "cargo:grossWeight")
    ]


def test_expanded_form_is_validated_the_same(onto: Ontology) -> None:
    doc = copy.deepcopy(example("Sensor.expanded.json"))
    doc[CARGO + "name"] = {"@id": "https://example.com/x"}
    assert codes(validate_logistics_object(doc, ontology=onto)) == [
        ("name", "literal-expected", "cargo:name")
    ]


def test_remote_context_is_refused_by_the_validator(onto: Ontology) -> None:
    with pytest.raises(InvalidInputError, match="remote context"):
        validate_node({"@context": "http://169.254.169.254/x", "@type": "x"}, ontology=onto)


def test_problem_as_json_and_error(onto: Ontology) -> None:
    problem = validate_logistics_object(piece(**{"@type": "cargo:Pice"}), ontology=onto)[0]
    assert problem.to_json()["code"] == "unknown-class"
    assert str(problem.to_error()).startswith("@type: unknown class")
