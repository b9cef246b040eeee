"""Speed of the hub's ontology validator (median microseconds per object) and ontology load.

Run: ``python bench/hub_validator_bench.py``. Objects: the specification's examples as given,
and a generated Shipment with 100 embedded Pieces (each with gross weight, dimensions and
special handling codes), normalised to the hub's compacted form.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

from smartlogistics.hub import load_ontology, normalise, validate_logistics_object

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "hub"
EXAMPLES = [
    "Piece.json",
    "Shipment_with_Piece.embedded.json",
    "Company.json",
    "LogisticsEvent.json",
    "Sensor.expanded.json",
    "CustomsInformation_2.json",
]
SHC = "https://onerecord.iata.org/ns/code-lists/SpecialHandlingCode#"


def big_shipment(pieces: int = 100) -> dict[str, Any]:
    def value(v: float, unit: str) -> dict[str, Any]:
        return {"@type": "cargo:Value", "cargo:numericalValue": v, "cargo:unit": {"@id": unit}}

    return {
        "@context": {"cargo": "https://onerecord.iata.org/ns/cargo#"},
        "@id": "https://hub.example.com/logistics-objects/shipment-1",
        "@type": "cargo:Shipment",
        "cargo:goodsDescription": "Flowers",
        "cargo:pieces": [
            {
                "@id": f"https://hub.example.com/logistics-objects/piece-{i}",
                "@type": "cargo:Piece",
                "cargo:coload": False,
                "cargo:goodsDescription": f"box {i}",
                "cargo:grossWeight": value(
                    12.5 + i, "https://vocabulary.uncefact.org/UnitMeasureCode#KGM"
                ),
                "cargo:dimensions": {
                    "@type": "cargo:Dimensions",
                    "cargo:height": value(
                        0.5, "https://vocabulary.uncefact.org/UnitMeasureCode#MTR"
                    ),
                    "cargo:length": value(
                        0.8, "https://vocabulary.uncefact.org/UnitMeasureCode#MTR"
                    ),
                    "cargo:width": value(
                        0.6, "https://vocabulary.uncefact.org/UnitMeasureCode#MTR"
                    ),
                },
                "cargo:specialHandlingCodes": [{"@id": SHC + "PEF"}, {"@id": SHC + "COL"}],
            }
            for i in range(pieces)
        ],
    }


def median_us(doc: Any, repeat: int) -> float:
    onto = load_ontology()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        problems = validate_logistics_object(doc, ontology=onto)
        times.append(time.perf_counter() - start)
    assert problems == [], problems
    return statistics.median(times) * 1e6


def main() -> None:
    start = time.perf_counter()
    load_ontology()
    print(f"ontology load (parse + tables): {time.perf_counter() - start:.2f} s")
    for name in EXAMPLES:
        doc = json.loads((DATA / name).read_text(encoding="utf-8"))
        print(f"{name:40s} {median_us(doc, 2000):8.1f} us")
    big = big_shipment()
    print(f"{'Shipment with 100 Pieces (as written)':40s} {median_us(big, 200):8.1f} us")
    start = time.perf_counter()
    normalised = normalise(big)
    print(f"{'  normalise() it once (PyLD)':40s} {(time.perf_counter() - start) * 1e6:8.0f} us")
    print(f"{'Shipment with 100 Pieces (normalised)':40s} {median_us(normalised, 200):8.1f} us")


if __name__ == "__main__":
    main()
