from __future__ import annotations

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.network import DEFAULT_UNITS, CargoUnitKind, default_unit


def test_default_containers() -> None:
    teu, feu = default_unit("20ft"), default_unit("40ft")
    assert (teu.kind, teu.teu, teu.tare_t) == (CargoUnitKind.TEU_CONTAINER, 1.0, 2.2)
    assert (feu.kind, feu.teu, feu.tare_t) == (CargoUnitKind.FEU_CONTAINER, 2.0, 3.7)
    assert teu.net_t == 0


def test_every_kind_has_a_default_with_a_source() -> None:
    assert {u.kind for u in DEFAULT_UNITS.values()} == set(CargoUnitKind)
    for unit in DEFAULT_UNITS.values():
        assert unit.source.strip()
        assert unit.gross_t == unit.tare_t <= unit.max_gross_t


def test_loaded() -> None:
    box = default_unit("20ft").loaded(12.5)
    assert box.gross_t == pytest.approx(14.7)
    assert box.net_t == pytest.approx(12.5)


def test_overloaded_and_negative() -> None:
    with pytest.raises(InvalidInputError) as info:
        default_unit("uld_ake").loaded(2.0)
    assert (info.value.field, info.value.problem) == (
        "gross_t",
        "2.08 t exceeds the maximum gross 1.588 t",
    )
    with pytest.raises(InvalidInputError) as info:
        default_unit("20ft").loaded(-1)
    assert (info.value.field, info.value.problem) == ("net_t", "-1 t is negative")


def test_unknown_unit() -> None:
    with pytest.raises(InvalidInputError) as info:
        default_unit("53ft")
    assert info.value.field == "unit"
