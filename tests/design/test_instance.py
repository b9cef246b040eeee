"""Validation of design instances: every problem names its field."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from smartlogistics.design import DesignArc, DesignInstance, load_instance
from smartlogistics.errors import InvalidInputError

from .conftest import DATA


def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "hand.json").read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def _error(data: object) -> str:
    with pytest.raises(InvalidInputError) as info:
        load_instance(json.dumps(data))
    return str(info.value)


def test_loads_file_text_and_mapping() -> None:
    from_file = load_instance(DATA / "hand.json")
    from_text = load_instance((DATA / "hand.json").read_text(encoding="utf-8"))
    from_map = load_instance(_data())
    assert from_file == from_text == from_map
    assert from_file.arcs[0].source == "A"
    assert load_instance(json.dumps(from_file.to_json())) == from_file


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("arcs", 3, "capacity"), 0, "arcs[3].capacity: must be > 0"),
        (("arcs", 2, "capacity"), -1, "arcs[2].capacity: must be > 0"),
        (("arcs", 1, "variable_cost"), -0.5, "arcs[1].variable_cost: must be >= 0"),
        (("arcs", 0, "fixed_cost"), -3, "arcs[0].fixed_cost: must be >= 0"),
        (("commodities", 1, "demand"), -4, "commodities[1].demand: must be >= 0"),
        (("arcs", 4, "from"), "Z", "arcs[4].from: unknown node 'Z'"),
        (("arcs", 5, "to"), "Q", "arcs[5].to: unknown node 'Q'"),
        (("commodities", 0, "origin"), "X", "commodities[0].origin: unknown node 'X'"),
        (("commodities", 1, "destination"), "Y", "commodities[1].destination: unknown node 'Y'"),
        (
            ("commodities", 0, "destination"),
            "A",
            "commodities[0].destination: must differ from origin",
        ),
        (("arcs", 2, "to"), "A", "arcs[2].to: must differ from 'from' (no self-loops)"),
        (("nodes", 3), "B", "nodes[3]: duplicate node id 'B'"),
    ],
)
def test_bad_field(path: tuple[str | int, ...], value: object, message: str) -> None:
    data = _data()
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert _error(data) == message


def test_missing_and_extra_fields() -> None:
    data = _data()
    del data["arcs"][1]["capacity"]
    assert _error(data) == "arcs[1].capacity: Field required"
    data = _data()
    data["commodities"][0]["weight"] = 3
    assert _error(data).startswith("commodities[0].weight: ")


def test_not_an_object_and_not_json(tmp_path: Path) -> None:
    assert _error([1, 2]) == "file: must be a JSON object with nodes, arcs, commodities"
    bad = tmp_path / "bad.json"
    bad.write_text('{"nodes": [1, 2', encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"^file: not valid JSON: "):
        load_instance(bad)
    with pytest.raises(InvalidInputError, match=r"^file: no such file: "):
        load_instance(tmp_path / "missing.json")


def test_wrong_types() -> None:
    data = _data()
    data["nodes"][0] = 1.5
    assert _error(data) == "nodes[0]: must be a string or an integer"
    data = _data()
    data["commodities"][0]["demand"] = True
    assert _error(data) == "commodities[0].demand: must be a number, not true/false"
    data = _data()
    data["arcs"][0]["variable_cost"] = "cheap"
    assert _error(data).startswith("arcs[0].variable_cost: Input should be a valid number")
    data = _data()
    del data["nodes"]
    assert _error(data) == "nodes: Field required"


def test_infinite_numbers_rejected() -> None:
    data = _data()
    data["arcs"][0]["capacity"] = float("inf")
    assert _error(data) == "arcs[0].capacity: must be a finite number"


def test_direct_construction_raises_invalid_input() -> None:
    with pytest.raises(InvalidInputError, match=r"^capacity: must be > 0$"):
        DesignArc(**{"from": 1, "to": 2, "variable_cost": 1, "capacity": 0, "fixed_cost": 0})
    with pytest.raises(InvalidInputError, match=r"^nodes\[1\]: duplicate node id 1$"):
        DesignInstance(nodes=(1, 1), arcs=(), commodities=())


def test_integer_and_string_ids_are_distinct() -> None:
    data = {
        "nodes": [1, 2],
        "arcs": [{"from": "1", "to": 2, "variable_cost": 1, "capacity": 1, "fixed_cost": 0}],
        "commodities": [],
    }
    assert _error(data) == "arcs[0].from: unknown node '1'"
