"""Disruption files: the format, and the errors that name the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.planner.disruption import (
    DepartureDelayed,
    RoadSlowed,
    RushOrders,
    load_disruptions,
    lock_names,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "planner"


def test_example_file_reads_and_round_trips() -> None:
    d = load_disruptions(DATA / "disruption_example.json")
    assert len(d.disruptions) == 6
    assert isinstance(d.disruptions[1], DepartureDelayed) and d.disruptions[1].hours == 2
    assert isinstance(d.disruptions[4], RoadSlowed) and d.disruptions[4].from_ is None
    assert isinstance(d.disruptions[5], RushOrders) and d.disruptions[5].orders[0].id == "R1"
    again = load_disruptions(__import__("json").dumps(d.to_json()))
    assert again == d


def test_hours_must_be_positive() -> None:
    with pytest.raises(InvalidInputError) as err:
        load_disruptions(DATA / "disruption_bad_hours.json")
    assert str(err.value) == "disruptions[2].hours: must be > 0"


@pytest.mark.parametrize(
    ("item", "field", "problem"),
    [
        (
            {"type": "road_slowed", "factor": 1, "start": "2026-03-02T05:00:00+01:00",
             "end": "2026-03-02T06:00:00+01:00"},
            "disruptions[0].factor", "must be > 1",
        ),
        (
            {"type": "terminal_closed", "location": "PRT", "start": "2026-03-02T05:00:00+01:00",
             "end": "2026-03-02T05:00:00+01:00"},
            "disruptions[0].end", "2026-03-02T05:00:00+01:00 is not after start",
        ),
        (
            {"type": "capacity_reduced", "service_id": "S1", "depart": "2026-03-02T10:00:00+01:00"},
            "disruptions[0].capacity_teu", "give capacity_teu or capacity_tonnes",
        ),
        (
            {"type": "lock_closed", "start": "2026-03-02T05:00:00+01:00",
             "end": "2026-03-02T06:00:00+01:00"},
            "disruptions[0].lock", "give lock, or from and to of the waterway link",
        ),
    ],
)  # fmt: skip
def test_field_errors(item: dict[str, object], field: str, problem: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        load_disruptions(
            __import__("json").dumps({"now": "2026-03-02T05:00:00+01:00", "disruptions": [item]})
        )
    assert (err.value.field, err.value.problem) == (field, problem)


def test_malformed_file() -> None:
    with pytest.raises(InvalidInputError) as err:
        load_disruptions("{not json")
    assert err.value.field == "file"


def test_amsterdam_lock_names() -> None:
    from smartlogistics.network import load_region

    names = lock_names(load_region("amsterdam"))
    assert "Prins Bernhardsluizen" in names[("WBD", "TIE")]
    assert "Prins Bernhardsluizen" in names[("TIE", "WBD")]
