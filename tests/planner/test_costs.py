"""The cost model: packaged numbers, their provenance, and the truck tariff arithmetic."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from smartlogistics.errors import InvalidInputError
from smartlogistics.network.mode import Mode
from smartlogistics.planner.costs import cost_model_from_mapping, load_cost_model
from smartlogistics.planner.order import CargoClass


def _raw() -> dict[str, Any]:
    from importlib import resources

    text = (resources.files("smartlogistics.planner") / "data" / "costs_amsterdam.yaml").read_text()
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def test_packaged_numbers() -> None:
    m = load_cost_model("amsterdam")
    assert m.truck.min_drayage_20ft_eur == 140
    assert m.truck.min_drayage_40ft_eur == 200
    assert m.buffer_for(Mode.INLAND_WATERWAY) == 3
    assert m.buffer_for(Mode.RAIL) == 1
    assert m.lateness_rate(CargoClass.FLOWERS) > 10 * m.lateness_rate(CargoClass.DRY_CONTAINER)
    assert m.lateness_rate(CargoClass.AIR_CARGO) > 10 * m.lateness_rate(CargoClass.DRY_CONTAINER)
    assert m.max_late_h == 72


def test_every_number_has_a_source() -> None:
    m = load_cost_model()
    assert m.provenance["truck.min_drayage_20ft_eur"].startswith("fazi2020")
    assert m.provenance["buffer_h.barge"].startswith("qu2019")
    assert m.provenance["truck.eur_per_km"].startswith("assumption:")
    assert len(m.provenance) == 6 + 5 + 5 + 4 + 1  # truck, buffers, lateness, scalars, policy
    assert m.lateness_policy == "hard_when_feasible"
    assert m.provenance["lateness_policy"].startswith("assumption:")


def test_truck_tariff() -> None:
    t = load_cost_model().truck
    assert t.trucks(1, 10) == 1
    assert t.trucks(2, 26) == 1
    assert t.trucks(3, 10) == 2
    assert t.trucks(0, 30) == 2  # loose cargo by weight
    assert t.trip_eur(10, 1, 10) == 140  # 50 + 16 < the 20 ft minimum
    assert t.trip_eur(10, 2, 20) == 200  # the 40 ft minimum
    assert t.trip_eur(120, 1, 10) == pytest.approx(50 + 1.6 * 120)
    assert t.trip_eur(120, 4, 40) == pytest.approx(2 * (50 + 1.6 * 120))


def test_unknown_model() -> None:
    with pytest.raises(InvalidInputError) as err:
        load_cost_model("atlantis")
    assert err.value.field == "cost_model"


def test_unknown_source_is_refused() -> None:
    data = _raw()
    data["truck"]["eur_per_km"]["source"] = "nosuch2020: a figure"
    with pytest.raises(InvalidInputError) as err:
        cost_model_from_mapping(data)
    assert err.value.field == "truck.eur_per_km"
    assert "nosuch2020" in err.value.problem


def test_bare_number_is_refused() -> None:
    data = _raw()
    data["max_late_h"] = 72
    with pytest.raises(InvalidInputError) as err:
        cost_model_from_mapping(data)
    assert err.value.field == "max_late_h"


def test_missing_cargo_class_is_refused() -> None:
    data = _raw()
    del data["lateness_eur_per_h"]["flowers"]
    with pytest.raises(InvalidInputError) as err:
        cost_model_from_mapping(data)
    assert err.value.field == "lateness_eur_per_h"


def test_negative_value_is_refused() -> None:
    data = _raw()
    data["truck"]["eur_per_km"]["value"] = -1
    with pytest.raises(InvalidInputError) as err:
        cost_model_from_mapping(data)
    assert err.value.field == "truck.eur_per_km"
