"""The fast compacted path gives exactly what PyLD's normalise gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smartlogistics.hub._fastpath import fast_normalise
from smartlogistics.hub.jsonld import normalise

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "hub" / "examples"
#: every logistics object (and logistics event) example of the specification
OBJECT_EXAMPLES = [
    "Piece.json",
    "Piece_with_id.json",
    "Piece_with_id.rev3.json",
    "Company.json",
    "Company_with_id.json",
    "CustomsInformation.json",
    "CustomsInformation_2.json",
    "Sensor.compacted.json",
    "Sensor.expanded.json",
    "Shipment_with_Piece.json",
    "Shipment_with_Piece.embedded.json",
    "LogisticsEvent.json",
    "LogisticsEvent_with_id.json",
]
ROOT = "https://1r.example.com/logistics-objects/new"


@pytest.mark.parametrize("name", OBJECT_EXAMPLES)
def test_fast_path_equals_pyld(name: str) -> None:
    doc = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    fast = fast_normalise(doc, object_id=ROOT)
    if fast is None:  # not eligible (e.g. @language in the context): PyLD is used
        assert name in {"Piece_with_id.json", "Piece_with_id.rev3.json"}
        return
    assert fast == normalise(doc, object_id=ROOT)


def test_the_common_examples_take_the_fast_path() -> None:
    taken = [
        n
        for n in OBJECT_EXAMPLES
        if fast_normalise(json.loads((EXAMPLES / n).read_text()), object_id=ROOT) is not None
    ]
    assert len(taken) == len(OBJECT_EXAMPLES) - 2


@pytest.mark.parametrize(
    "doc",
    [
        {"@context": {"cargo": "https://example.com/other#"}, "@type": "cargo:Piece"},
        {
            "@context": {"cargo": "https://onerecord.iata.org/ns/cargo#", "@language": "de"},
            "@type": "cargo:Piece",
        },
        {"@context": "https://evil.example/ctx", "@type": "cargo:Piece"},
        {"@type": "cargo:Piece"},  # undeclared prefix
        {
            "@context": {"cargo": "https://onerecord.iata.org/ns/cargo#"},
            "@type": "cargo:Piece",
            "cargo:goodsDescription": {"@value": "x", "@language": "en"},
        },
        {
            "@context": {"cargo": "https://onerecord.iata.org/ns/cargo#"},
            "@type": "cargo:Piece",
            "name": "a term without a prefix",
        },
        {
            "@context": {"cargo": "https://onerecord.iata.org/ns/cargo#"},
            "@type": "cargo:Piece",
            "cargo:pieces": {"@id": "_:b0"},
        },
    ],
)
def test_anything_unusual_falls_back(doc: dict[str, object]) -> None:
    assert fast_normalise(doc, object_id=ROOT) is None
