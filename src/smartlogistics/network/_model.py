"""Shared base for the network's value objects (private).

Pydantic wraps every ``ValueError`` raised inside a validator into a ``ValidationError``
whose location is the model as a whole, which would lose the field a cross-field check
is about (``departures[3]``, ``stops[2].arrival_h``). Validators here therefore raise
:class:`FieldProblem`, which pydantic lets through, and the constructors turn it, like
any ``ValidationError``, into the platform's :class:`~smartlogistics.errors.InvalidInputError`.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from smartlogistics.errors import InvalidInputError, from_validation_error
from smartlogistics.network.mode import Mode

__all__ = ["FieldProblem", "FrozenModel", "ModeField", "join_field", "parse_model"]

M = TypeVar("M", bound=BaseModel)


class FieldProblem(Exception):  # noqa: N818 - internal signal, not an error users see
    """A problem found by a cross-field validator, naming the field it concerns."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


def join_field(prefix: str, field: str) -> str:
    """Join a path prefix (``services[2]``) and a relative field (``stops[1].location``)."""
    if not prefix:
        return field
    if not field:
        return prefix
    return prefix + field if field.startswith("[") else f"{prefix}.{field}"


def parse_model(cls: type[M], data: object, prefix: str = "") -> M:
    """Validate ``data`` as ``cls``, reporting any problem as :class:`InvalidInputError`.

    ``prefix`` is the path of ``data`` in the enclosing document, so that errors read
    ``links[4].distance_km: ...``.
    """
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, prefix) from None
    except FieldProblem as exc:
        raise InvalidInputError(join_field(prefix, exc.field), exc.problem) from None


class FrozenModel(BaseModel):
    """Immutable, strict value object whose constructor raises ``InvalidInputError``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise from_validation_error(exc) from None
        except FieldProblem as exc:
            raise InvalidInputError(exc.field, exc.problem) from None

    # Tell pydantic this __init__ only wraps the base one, so that ``model_validate`` and
    # nested validation keep raising ``ValidationError`` (with its precise location)
    # instead of calling this constructor (pydantic's RootModel uses the same marker).
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]


def _to_mode(value: object) -> object:
    if isinstance(value, str) and not isinstance(value, Mode):
        return Mode.parse(value)
    return value


ModeField = Annotated[Mode, BeforeValidator(_to_mode)]
"""A :class:`Mode` that also accepts the aliases of :meth:`Mode.parse` (``iww``, ``truck``)."""
