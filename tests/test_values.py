"""The shared value-object base and the one ValidationError -> InvalidInputError converter."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

import pytest
from pydantic import Field, ValidationError, model_validator

from smartlogistics.errors import InvalidInputError
from smartlogistics.values import (
    ValueObject,
    from_validation_error,
    join_field,
    parse_model,
    parsed_text,
)

CALLS: list[str] = []


class Colour(StrEnum):
    RED = "red"
    GREEN = "green"

    @classmethod
    def parse(cls, text: str) -> Colour:
        if text.strip().lower() in ("r", "red"):
            return cls.RED
        if text.strip().lower() in ("g", "green"):
            return cls.GREEN
        raise ValueError(f"unknown colour {text!r}")


class Stop(ValueObject):
    arrival_h: float = Field(ge=0)
    departure_h: float = Field(ge=0)

    @model_validator(mode="after")
    def _order(self) -> Stop:
        CALLS.append("stop")
        if self.departure_h < self.arrival_h:
            raise InvalidInputError("departure_h", "before the arrival")
        return self


class Cat(ValueObject):
    kind: Literal["cat"] = "cat"
    lives: int = Field(ge=0, le=9)


class Dog(ValueObject):
    kind: Literal["dog"] = "dog"
    bark_db: float = Field(gt=0)


Pet = Annotated[Cat | Dog, Field(discriminator="kind")]


class Trip(ValueObject):
    colour: Annotated[Colour, parsed_text(Colour.parse)] = Colour.RED
    stops: tuple[Stop, ...] = ()
    pets: list[Pet] = Field(default_factory=list)
    by_name: dict[str, Pet] = Field(default_factory=dict)
    weight: float = 1.0

    @model_validator(mode="after")
    def _two_stops(self) -> Trip:
        if len(self.stops) == 1:
            raise InvalidInputError("stops[0]", "a trip needs a second stop")
        return self


def _error(**data: Any) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as info:
        Trip(**data)
    return info.value


def test_constructor_raises_invalid_input_naming_the_field() -> None:
    err = _error(weight="heavy")
    assert (err.field, err.problem) == (
        "weight",
        "Input should be a valid number, unable to parse string as a number",
    )
    assert isinstance(err, ValueError)


def test_value_objects_are_frozen_strict_and_finite() -> None:
    trip = Trip()
    with pytest.raises(ValidationError, match="frozen"):
        trip.weight = 2  # type: ignore[misc]
    assert (_error(colur="red").field, _error(colur="red").problem) == (
        "colur",
        "Extra inputs are not permitted",
    )
    assert (_error(weight=float("inf")).problem, _error(weight=float("nan")).problem) == (
        "Input should be a finite number",
        "Input should be a finite number",
    )


def test_nested_paths_are_complete() -> None:
    err = _error(stops=[{"arrival_h": 0, "departure_h": 1}, {"arrival_h": -1, "departure_h": 1}])
    assert (err.field, err.problem) == (
        "stops[1].arrival_h",
        "Input should be greater than or equal to 0",
    )


def test_cross_field_validators_name_their_field_at_any_depth() -> None:
    err = _error(stops=[{"arrival_h": 0, "departure_h": 1}, {"arrival_h": 3, "departure_h": 2}])
    assert (err.field, err.problem) == ("stops[1].departure_h", "before the arrival")
    err = _error(stops=[{"arrival_h": 0, "departure_h": 1}])
    assert (err.field, err.problem) == ("stops[0]", "a trip needs a second stop")
    with pytest.raises(InvalidInputError) as info:
        Stop(arrival_h=2, departure_h=1)
    assert str(info.value) == "departure_h: before the arrival"


def test_union_tags_are_left_out_of_the_path() -> None:
    err = _error(pets=[{"kind": "cat", "lives": 3}, {"kind": "dog", "bark_db": -1}])
    assert (err.field, err.problem) == ("pets[1].bark_db", "Input should be greater than 0")
    err = _error(by_name={"rex": {"kind": "dog", "bark_db": 0}})
    assert err.field == "by_name.rex.bark_db"


def test_missing_and_unknown_union_tags() -> None:
    err = _error(pets=[{"lives": 3}])
    assert (err.field, err.problem) == ("pets[0]", 'missing "kind": expected "cat" or "dog"')
    err = _error(pets=[{"kind": "cow"}])
    assert (err.field, err.problem) == (
        "pets[0]",
        "Input tag 'cow' found using 'kind' does not match any of the expected tags: 'cat', 'dog'",
    )


def test_value_error_lead_in_is_stripped() -> None:
    err = _error(colour="blue")
    assert (err.field, err.problem) == ("colour", "unknown colour 'blue'")


def test_parsed_text_reads_plain_strings_only() -> None:
    assert Trip(colour="g").colour is Colour.GREEN
    assert Trip(colour=Colour.GREEN).colour is Colour.GREEN


def test_parse_model_puts_the_prefix_in_front() -> None:
    data = {"pets": [{"kind": "dog", "bark_db": 0}]}
    with pytest.raises(InvalidInputError) as info:
        parse_model(Trip, data, "trips[4]")
    assert info.value.field == "trips[4].pets[0].bark_db"
    with pytest.raises(InvalidInputError) as info:
        parse_model(Trip, {"stops": [{"arrival_h": 0, "departure_h": 0}]}, "trips[4]")
    assert (info.value.field, info.value.problem) == (
        "trips[4].stops[0]",
        "a trip needs a second stop",
    )
    assert parse_model(Trip, {"weight": 2}).weight == 2


def test_from_validation_error_without_model_keeps_pydantic_locations() -> None:
    with pytest.raises(ValidationError) as info:
        Trip.model_validate({"pets": [{"kind": "dog", "bark_db": 0}]})
    assert from_validation_error(info.value).field == "pets[0].dog.bark_db"
    assert from_validation_error(info.value, model=Trip).field == "pets[0].bark_db"


def test_join_field() -> None:
    assert join_field("services[2]", "stops[1].location") == "services[2].stops[1].location"
    assert join_field("stops", "[0]") == "stops[0]"
    assert join_field("", "x") == "x"
    assert join_field("x", "") == "x"


# --- the pydantic marker (private API) that ValueObject relies on --------------------------


def test_model_validate_and_nesting_bypass_the_constructor() -> None:
    """Fails if pydantic stops honouring ``__init__.__pydantic_base_init__``.

    Without it pydantic would call ``ValueObject.__init__`` for ``model_validate`` and for
    every nested model: the raw error would become one "Value error" at the top, model
    validators would run twice and non-string keys would raise ``TypeError``.
    """
    with pytest.raises(ValidationError) as info:
        Trip.model_validate({"stops": [{"arrival_h": 0, "departure_h": 1}, {"arrival_h": -1}]})
    assert [e["loc"] for e in info.value.errors()] == [
        ("stops", 1, "arrival_h"),
        ("stops", 1, "departure_h"),
    ]
    CALLS.clear()
    Trip(stops=[{"arrival_h": 0, "departure_h": 1}, {"arrival_h": 1, "departure_h": 2}])
    assert CALLS == ["stop", "stop"]
    with pytest.raises(InvalidInputError) as bad_key:
        Trip(stops=[{1: 2}])
    assert (bad_key.value.field, bad_key.value.problem) == ("stops[0].arrival_h", "Field required")
