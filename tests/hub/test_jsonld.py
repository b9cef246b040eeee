"""JSON-LD processing: forms in, one compacted form out, no remote context ever."""

from __future__ import annotations

import copy
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from smartlogistics.errors import InvalidInputError
from smartlogistics.hub import RemoteContextRefusedError, jsonld, load_ontology, normalise
from smartlogistics.hub._validator import validate_node

DATA = Path(__file__).resolve().parents[1] / "data" / "hub"
EXAMPLES = [
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
NEW_ID = "https://hub.example.com/logistics-objects/0b6c7f0e-0000-4000-8000-000000000001"


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


def graph_without_ids(doc: Any) -> Graph:
    """The RDF graph with the root id and embedded-object ids turned back into blank nodes."""
    nquads = jsonld.canonical_nquads(doc)
    names: dict[str, str] = {}
    for token in sorted(set(nquads.split())):
        if token.startswith("<internal:") or token == f"<{NEW_ID}>":
            names[token] = f"_:s{len(names)}"
    for token, blank in names.items():
        nquads = nquads.replace(token, blank)
    graph = Graph()
    graph.parse(data=nquads, format="nt")
    return graph


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_round_trip_expanded_compacted_flattened(name: str) -> None:
    out = normalise(example(name), object_id=NEW_ID)
    assert out["@context"] == jsonld.ONE_RECORD_CONTEXT
    assert "@id" in out and "@type" in out
    assert normalise(jsonld.expand(out)) == out
    assert normalise(jsonld.flatten(out)) == out
    assert normalise(out) == out
    assert validate_node(out, ontology=load_ontology()) == []


@pytest.mark.parametrize("name", EXAMPLES)
def test_normalising_keeps_the_graph(name: str) -> None:
    source = jsonld._strip_ids(example(name))
    out = normalise(source, object_id=NEW_ID)
    assert isomorphic(graph_without_ids(out), graph_without_ids(source))


def test_embedded_objects_get_stable_internal_ids() -> None:
    doc = example("Company.json")
    out = normalise(doc, object_id=NEW_ID)
    person = out["cargo:contactPersons"]
    assert person["@id"] == jsonld.embedded_id(NEW_ID, "contactPersons")
    assert person["@id"].startswith("internal:")
    assert normalise(doc, object_id=NEW_ID) == out  # deterministic
    assert normalise(out)["cargo:contactPersons"]["@id"] == person["@id"]  # kept once given


def test_given_ids_are_kept() -> None:
    out = normalise(example("Sensor.compacted.json"))
    assert (
        out["@id"] == "http://1r.example.com/logistics-objects/11ccfb7c-3643-41db-8098-740fccd97c93"
    )


def test_leading_space_in_an_id_is_trimmed() -> None:
    out = normalise(example("Shipment_with_Piece.embedded.json"))
    assert out["cargo:pieces"]["@id"] == (
        "https://1r.example.com/logistics-objects/1a8ded38-1804-467c-a369-81a411416b7c"
    )


def test_root_without_id_needs_one() -> None:
    with pytest.raises(InvalidInputError, match="no @id"):
        normalise(example("Piece.json"))


def test_root_without_type_is_refused() -> None:
    doc = example("Sensor.compacted.json")
    del doc["@type"]
    with pytest.raises(InvalidInputError, match="no @type"):
        normalise(doc)


def test_two_unconnected_objects_are_refused() -> None:
    doc = {
        "@graph": [
            example("Sensor.expanded.json"),
            {
                "@id": "https://x.example/2",
                "@type": "https://onerecord.iata.org/ns/cargo#Piece",
                "https://onerecord.iata.org/ns/cargo#coload": True,
            },
        ]
    }
    with pytest.raises(InvalidInputError, match="2 unconnected root nodes"):
        normalise(doc)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network touched")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.parametrize(
    "context",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/context.jsonld",
        ["https://onerecord.iata.org/ns/cargo", "http://127.0.0.1:8080/ctx"],
        {"@import": "http://169.254.169.254/ctx"},
        "file:///etc/passwd",
    ],
)
def test_remote_contexts_are_refused_without_network(no_network: None, context: Any) -> None:
    doc = {"@context": context, "@id": "https://x.example/1", "@type": "cargo:Piece"}
    with pytest.raises(RemoteContextRefusedError) as info:
        normalise(doc)
    assert info.value.field == "@context"
    assert "refused" in info.value.problem


def test_known_context_url_is_served_locally(no_network: None) -> None:
    doc = example("Sensor.compacted.json")
    doc["@context"] = "https://onerecord.iata.org/ns/cargo"
    assert normalise(doc) == normalise(example("Sensor.compacted.json"))


def test_malformed_json_ld_is_invalid_input() -> None:
    with pytest.raises(InvalidInputError, match="malformed JSON-LD: invalid term definition"):
        normalise({"@context": {"cargo": 5}, "@type": "cargo:Piece"})
    with pytest.raises(InvalidInputError, match="malformed JSON-LD"):
        normalise({"@id": 5, "@type": "x"})


def test_compacted_output_uses_the_one_record_prefixes() -> None:
    out = normalise(example("LogisticsEvent.json"), object_id=NEW_ID)
    assert out["@type"] == "cargo:LogisticsEvent"
    assert out["cargo:eventDate"] == {"@type": "xsd:dateTime", "@value": "2023-04-01T10:38:01.000Z"}
    assert copy.deepcopy(out["cargo:eventTimeType"]) == {
        "@id": "cargo:ACTUAL",
        "@type": "cargo:EventTimeType",
    }
