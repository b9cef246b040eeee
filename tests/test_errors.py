from __future__ import annotations

import pytest
from pydantic import BaseModel, Field, ValidationError

from smartlogistics.errors import InvalidInputError, field_path
from smartlogistics.values import from_validation_error


class _Inner(BaseModel):
    weight: float = Field(ge=0)


class _Outer(BaseModel):
    items: list[_Inner]


def test_field_path_renders_indices_and_names() -> None:
    assert field_path(("services", 2, "stops", 1, "location")) == "services[2].stops[1].location"
    assert field_path((0, "x")) == "[0].x"
    assert field_path(("a",), prefix="file") == "file.a"


def test_invalid_input_error_message_names_field() -> None:
    err = InvalidInputError("links[3].distance_km", "must be greater than 0")
    assert str(err) == "links[3].distance_km: must be greater than 0"
    assert err.field == "links[3].distance_km"
    assert isinstance(err, ValueError)
    assert str(InvalidInputError("", "empty file")) == "empty file"


def test_from_validation_error_takes_first_error_with_path() -> None:
    with pytest.raises(ValidationError) as info:
        _Outer.model_validate({"items": [{"weight": 1}, {"weight": -2}]})
    err = from_validation_error(info.value, prefix="cargo")
    assert err.field == "cargo.items[1].weight"
    assert err.problem == "Input should be greater than or equal to 0"
