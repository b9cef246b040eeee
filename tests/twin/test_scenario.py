"""TwinScenario: named parameters, validation naming the field, PARAM=VALUE parsing."""

from __future__ import annotations

from datetime import date

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.twin import (
    PARAMETERS,
    TwinScenario,
    apply_assignments,
    parse_assignment,
    parse_values,
)
from smartlogistics.twin.scenario import REGION_ORDERS_PER_WEEK


def test_defaults_and_order_count() -> None:
    s = TwinScenario()
    assert (s.days, s.seed, s.start, s.demand_scale) == (7, 20260302, date(2026, 3, 2), 0.2)
    assert REGION_ORDERS_PER_WEEK == 28_120
    assert s.orders == 5624  # 28,120 x 0.2
    assert TwinScenario(days=2, demand_scale=0.05).orders == round(28_120 * 0.05 * 2 / 7)


def test_json_round_trip() -> None:
    s = TwinScenario(days=3, co2_price_eur_per_tonne=150.0, extra_rail_dui_departures=5)
    assert TwinScenario.from_json(s.to_json()) == s
    assert s.to_json()["start"] == "2026-03-02"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"inspectors": 0}, "inspectors"),
        ({"days": 29}, "days"),
        ({"demand_scale": 0.0}, "demand_scale"),
        ({"demand_scale": 1.5}, "demand_scale"),
        ({"extra_rail_dui_departures": 8}, "extra_rail_dui_departures"),
        ({"co2_price_eur_per_tonne": -1.0}, "co2_price_eur_per_tonne"),
    ],
)
def test_impossible_values_name_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInputError) as exc:
        TwinScenario().replace(**changes)
    assert exc.value.field == field


def test_unknown_parameter_is_named() -> None:
    with pytest.raises(InvalidInputError) as exc:
        TwinScenario().replace(inspector=3)
    assert exc.value.field == "inspector"
    assert "unknown twin parameter 'inspector'" in exc.value.problem


def test_assignments_parse_by_type() -> None:
    s = apply_assignments(
        TwinScenario(),
        [
            "inspectors=3",
            "risk_model=off",
            "start=2026-03-09",
            "co2_price_eur_per_tonne=none",
            "barge_delays_per_day=2.5",
            "inspectors=4",
        ],
    )
    assert s.inspectors == 4  # the later one wins
    assert s.risk_model is False
    assert s.start == date(2026, 3, 9)
    assert s.co2_price_eur_per_tonne is None
    assert s.barge_delays_per_day == 2.5


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        ("inspectors", "--set", "expected PARAM=VALUE, not 'inspectors'"),
        ("=3", "--set", "expected PARAM=VALUE, not '=3'"),
        ("nope=1", "nope", "unknown twin parameter 'nope'"),
        ("inspectors=two", "inspectors", "'two' is not a valid int value"),
        ("risk_model=maybe", "risk_model", "'maybe' is not a valid bool value"),
        ("demand_scale=inf", "demand_scale", "'inf' is not a valid float value"),
        ("days=0", "days", "Input should be greater than or equal to 1"),
    ],
)
def test_bad_assignments(text: str, field: str, problem: str) -> None:
    with pytest.raises(InvalidInputError) as exc:
        apply_assignments(TwinScenario(), [text])
    assert exc.value.field == field
    assert exc.value.problem.startswith(problem)


def test_sweep_values() -> None:
    assert parse_values("inspectors", "1,2,3") == [1, 2, 3]
    assert parse_values("co2_price_eur_per_tonne", "100,250.5") == [100.0, 250.5]
    with pytest.raises(InvalidInputError) as exc:
        parse_values("demand_scale", "0.1,2")
    assert exc.value.field == "demand_scale"
    assert parse_assignment("seed=5") == ("seed", "5")
    assert PARAMETERS[:3] == ("days", "seed", "start")
