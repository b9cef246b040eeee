from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.network import Mode
from smartlogistics.planner import TEU_EQUIVALENT_TONNES, CargoClass, Order
from smartlogistics.values import parse_model

T0 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def _order(**overrides: object) -> Order:
    fields: dict[str, object] = {
        "id": "O-1",
        "origin": "ACT",
        "destination": "DUI",
        "release": T0,
        "due": T0 + timedelta(days=2),
        "teu": 2,
        "tonnes": 24.0,
    }
    fields.update(overrides)
    return parse_model(Order, fields)


def _error(**overrides: object) -> tuple[str, str]:
    with pytest.raises(InvalidInputError) as info:
        _order(**overrides)
    return info.value.field, info.value.problem


def test_defaults_and_derived_values() -> None:
    order = _order()
    assert order.cargo_class is CargoClass.DRY_CONTAINER
    assert order.slots_teu == 2
    assert order.window_h == 48.0
    assert order.to_json()["release"] == "2026-12-07T08:00:00Z"


def test_loose_cargo_takes_teu_equivalent_slots() -> None:
    order = _order(teu=0, tonnes=5.0, cargo_class="air_cargo", units=3, unit_kind="uld_pmc")
    assert order.slots_teu == pytest.approx(5.0 / TEU_EQUIVALENT_TONNES)
    assert not order.cargo_class.needs_cooling
    assert CargoClass.FLOWERS.needs_cooling and CargoClass.REEFER_CONTAINER.needs_cooling


def test_modes_parse_from_text_and_lists() -> None:
    order = _order(preferred_modes="barge;rail", forbidden_modes=["truck"])
    assert order.preferred_modes == (Mode.INLAND_WATERWAY, Mode.RAIL)
    assert order.forbidden_modes == (Mode.ROAD,)


@pytest.mark.parametrize(
    ("overrides", "field", "problem"),
    [
        (
            {"due": T0},
            "due",
            "2026-12-07T08:00:00+00:00 is not after release 2026-12-07T08:00:00+00:00",
        ),
        ({"tonnes": -1}, "tonnes", "Input should be greater than 0"),
        ({"teu": -2}, "teu", "Input should be greater than or equal to 0"),
        ({"teu": 0}, "teu", "a dry_container order needs teu > 0"),
        (
            {"destination": "ACT"},
            "destination",
            "must differ from the origin 'ACT'",
        ),
        ({"release": datetime(2026, 12, 7, 8)}, "release", "Input should have timezone info"),
        (
            {"preferred_modes": "barge", "forbidden_modes": "iww"},
            "forbidden_modes",
            "['barge'] both preferred and forbidden",
        ),
        ({"colour": "red"}, "colour", "Extra inputs are not permitted"),
    ],
)
def test_bad_orders_name_the_field(overrides: dict[str, object], field: str, problem: str) -> None:
    assert _error(**overrides) == (field, problem)
