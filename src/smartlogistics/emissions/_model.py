"""The base of the emissions value objects: frozen, strict about extra keys, one error type."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from smartlogistics.emissions._validation import to_invalid_input

__all__ = ["ValueObject"]


class ValueObject(BaseModel):
    """A frozen pydantic model whose construction errors are :class:`InvalidInputError`.

    Constructing with keywords (``TransportLeg(mode="road", ...)``) raises the platform's
    one bad-input error naming the field, instead of pydantic's ``ValidationError``, so
    callers (CLI, HTTP, planner) handle one type. Infinite and NaN numbers are refused:
    they would silently poison every total they enter.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise to_invalid_input(exc) from None
