from __future__ import annotations

import math

import pytest

from smartlogistics.emissions import allocate_by_tonne_km
from smartlogistics.errors import InvalidInputError


def test_proportional_to_tonne_km() -> None:
    parts = allocate_by_tonne_km(
        100.0, 80.0, [("a", 10.0, 100.0), ("b", 5.0, 100.0), ("c", 10.0, 50.0)]
    )
    assert [p.tonne_km for p in parts] == [1000.0, 500.0, 500.0]
    assert [p.share for p in parts] == [0.5, 0.25, 0.25]
    assert [p.wtw_kg for p in parts] == [50.0, 25.0, 25.0]
    assert [p.ttw_kg for p in parts] == [40.0, 20.0, 20.0]
    assert [p.wtt_kg for p in parts] == [10.0, 5.0, 5.0]
    assert parts[0].to_json()["shipment_id"] == "a"


def test_sums_to_totals() -> None:
    parts = allocate_by_tonne_km(
        123.456, 98.7, [(str(i), 0.1 * (i + 1), 37.0 + i) for i in range(50)]
    )
    assert math.fsum(p.wtw_kg for p in parts) == pytest.approx(123.456, rel=1e-12)
    assert math.fsum(p.ttw_kg for p in parts) == pytest.approx(98.7, rel=1e-12)
    assert math.fsum(p.share for p in parts) == pytest.approx(1.0, rel=1e-12)


def test_single_shipment_gets_everything() -> None:
    (only,) = allocate_by_tonne_km(376.0, 297.0, [("x", 3.0, 7.0)])
    assert (only.share, only.wtw_kg, only.ttw_kg) == (1.0, 376.0, 297.0)


@pytest.mark.parametrize(
    ("args", "field", "problem"),
    [
        ((10.0, 5.0, []), "shipments", "at least one shipment is needed"),
        (
            (10.0, 5.0, [("a", 1.0, 1.0), ("b", 0.0, 1.0)]),
            "shipments[1].mass_tonnes",
            "must be a finite number > 0, got 0.0",
        ),
        (
            (10.0, 5.0, [("a", 1.0, -3.0)]),
            "shipments[0].distance_km",
            "must be a finite number > 0, got -3.0",
        ),
        ((-1.0, 0.0, [("a", 1.0, 1.0)]), "total_wtw_kg", "must be a finite number ≥ 0, got -1.0"),
        (
            (1.0, 2.0, [("a", 1.0, 1.0)]),
            "total_wtw_kg",
            "must be ≥ total_ttw_kg (2), since WTW = WTT + TTW",
        ),
    ],
)
def test_errors(
    args: tuple[float, float, list[tuple[str, float, float]]], field: str, problem: str
) -> None:
    with pytest.raises(InvalidInputError) as info:
        allocate_by_tonne_km(*args)
    assert (info.value.field, info.value.problem) == (field, problem)
