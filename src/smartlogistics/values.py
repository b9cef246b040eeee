"""Value objects and the one way pydantic's errors become :class:`InvalidInputError`.

Every value object of the platform derives from :class:`ValueObject`: a frozen pydantic
model that refuses unknown keys and infinite or NaN numbers, and whose constructor raises
the platform's one bad-input error, :class:`~smartlogistics.errors.InvalidInputError`,
naming the full path of the offending field. At the data boundaries (file loaders, CLI,
HTTP) :func:`parse_model` validates a mapping the same way, with the path of the mapping
in its document in front (``links[4].distance_km``), and :func:`from_validation_error`
converts any other :class:`pydantic.ValidationError`.

Cross-field checks run in model validators, where pydantic only knows the *model's*
location. Such a validator raises ``InvalidInputError(field, problem)`` with ``field``
relative to the model (``"stops[2].arrival_h"``); pydantic keeps the exception in the
error's context, and :func:`from_validation_error` puts the model's own path in front.

Tags of discriminated unions, which pydantic puts into error locations
(``elements.1.leg.mass_tonnes``), are recognised in the model's core schema and left out,
so the path reads as the document does: ``elements[1].mass_tonnes``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from smartlogistics.errors import InvalidInputError, field_path

__all__ = [
    "ValueObject",
    "from_validation_error",
    "join_field",
    "parse_model",
    "parsed_text",
]

M = TypeVar("M", bound=BaseModel)

# Lead-ins pydantic puts before the message of an exception raised in a validator.
_LEADS = ("Value error, ", "Assertion failed, ")


def join_field(prefix: str, field: str) -> str:
    """Join a path prefix and a path relative to it.

    Parameters
    ----------
    prefix
        Path of the enclosing object, e.g. ``"services[2]"``; may be empty.
    field
        Path inside it, e.g. ``"stops[1].location"`` or ``"[0]"``; may be empty.

    Returns
    -------
    str
        ``"services[2].stops[1].location"``; an index joins without a dot.
    """
    if not prefix:
        return field
    if not field:
        return prefix
    return prefix + field if field.startswith("[") else f"{prefix}.{field}"


def from_validation_error(
    exc: ValidationError, prefix: str = "", *, model: type[BaseModel] | None = None
) -> InvalidInputError:
    """Turn pydantic's error into an :class:`InvalidInputError` naming the first bad field.

    Only the first error is reported: a user fixes one line at a time, and one clear
    message beats a wall of them.

    Parameters
    ----------
    exc
        The pydantic error.
    prefix
        Path of the validated data in its document (e.g. ``"tocs[3]"``), put in front.
    model
        The model that was validated. When given, tags of discriminated unions are left
        out of the path and a missing tag is reported with the tags expected.

    Returns
    -------
    InvalidInputError
        Naming the innermost field that pydantic or a model validator blamed; the problem
        without pydantic's ``"Value error, "`` lead-in.
    """
    first = exc.errors(include_url=False)[0]
    loc: Sequence[str | int] = first["loc"]
    node: Mapping[str, Any] | None = None
    if model is not None:
        loc, node = _strip_union_tags(model.__pydantic_core_schema__, loc)
    field = field_path(loc, prefix)
    inner = (first.get("ctx") or {}).get("error")
    if isinstance(inner, InvalidInputError):
        return InvalidInputError(join_field(field, inner.field), inner.problem)
    if first["type"] == "union_tag_not_found" and node is not None:
        tags = " or ".join(f'"{tag}"' for tag in node["choices"])
        key = node.get("discriminator")
        name = f'"{key}"' if isinstance(key, str) else "tag"
        return InvalidInputError(field, f"missing {name}: expected {tags}")
    msg = str(first["msg"])
    for lead in _LEADS:
        msg = msg.removeprefix(lead)
    return InvalidInputError(field, msg)


def parse_model(cls: type[M], data: object, prefix: str = "") -> M:
    """Validate ``data`` as ``cls``, reporting any problem as :class:`InvalidInputError`.

    Parameters
    ----------
    cls
        The model.
    data
        Usually the mapping read from a file.
    prefix
        Path of ``data`` in the enclosing document, so that errors read
        ``links[4].distance_km: ...``.

    Returns
    -------
    M
        The validated model.
    """
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, prefix, model=cls) from None


class ValueObject(BaseModel):
    """A frozen pydantic model whose construction errors are :class:`InvalidInputError`.

    Constructing with keywords (``Link(origin="ACT", ...)``) raises the platform's one
    bad-input error naming the field, instead of pydantic's ``ValidationError``, so callers
    (CLI, HTTP, planner) handle one type. Unknown keys are refused, and so are infinite and
    NaN numbers: they would silently poison every total they enter.

    ``model_validate`` and validation as a field of another model keep pydantic's own
    behaviour (a ``ValidationError`` with the exact location); :func:`parse_model` is the
    ``model_validate`` that raises ``InvalidInputError``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise from_validation_error(exc, model=type(self)) from None

    # A model class that overrides ``__init__`` makes pydantic call it for every
    # ``model_validate`` and for every nested instance (its "custom init" path), which
    # would turn nested errors into value errors, run model validators twice and fail with
    # ``TypeError`` on non-string keys. This marker, the one pydantic's own ``RootModel``
    # sets, says the override only wraps ``BaseModel.__init__``. It is private pydantic API:
    # tests/test_values.py fails if pydantic stops honouring it.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]


def parsed_text(parse: Callable[[str], object]) -> BeforeValidator:
    """Let a field also accept the spellings that ``parse`` reads from plain text.

    Use in an annotation: ``Annotated[Mode, parsed_text(Mode.parse)]`` accepts ``"iww"``
    and ``"truck"`` as well as the enum's values. Only plain ``str`` input is parsed; values
    of the target type (a ``str`` enum member included) go through unchanged. A
    ``ValueError`` from ``parse`` becomes the field's problem.

    Parameters
    ----------
    parse
        Reads the text; raises ``ValueError`` when it cannot.

    Returns
    -------
    BeforeValidator
        The pydantic validator to put into ``Annotated[...]``.
    """

    def _parse(value: object) -> object:
        return parse(value) if type(value) is str else value

    return BeforeValidator(_parse)


# --- discriminated-union tags in error locations ------------------------------------------

# Core-schema nodes that wrap one inner schema without adding a location part.
_WRAPPERS = ("model", "default", "nullable", "function-before", "function-after", "function-wrap")


def _strip_union_tags(
    schema: Mapping[str, Any], loc: Sequence[str | int]
) -> tuple[list[str | int], Mapping[str, Any] | None]:
    """Follow ``loc`` through a core schema, dropping the parts that are union tags.

    Returns the location without tags and the schema node it ends on (``None`` when the
    walk met a schema it does not know; the rest of the location is then kept as it is).
    """
    defs: dict[str, Mapping[str, Any]] = {}
    out: list[str | int] = []
    node: Mapping[str, Any] | None = schema
    for i, part in enumerate(loc):
        node = _unwrap(node, defs)
        if node is None:
            out.extend(loc[i:])
            break
        kind = node["type"]
        if kind == "tagged-union":
            node = node["choices"].get(part)
            if node is None:  # not a tag after all: keep the rest of the path
                out.extend(loc[i:])
                break
            continue
        node = _child(node, kind, part)
        out.append(part)
    else:
        node = _unwrap(node, defs)
    return out, node


def _unwrap(
    node: Mapping[str, Any] | None, defs: dict[str, Mapping[str, Any]]
) -> Mapping[str, Any] | None:
    while node is not None:
        kind = node["type"]
        if kind == "definitions":
            defs.update((d["ref"], d) for d in node["definitions"])
            node = node["schema"]
        elif kind == "definition-ref":
            node = defs.get(node["schema_ref"])
        elif kind in _WRAPPERS:
            node = cast("Mapping[str, Any]", node["schema"])
        else:
            return node
    return None


def _child(node: Mapping[str, Any], kind: str, part: str | int) -> Mapping[str, Any] | None:
    if kind == "model-fields" and isinstance(part, str):
        fields: Mapping[str, Mapping[str, Any]] = node["fields"]
        for name, spec in fields.items():
            if part in (name, spec.get("validation_alias")):
                return cast("Mapping[str, Any]", spec["schema"])
        return None
    if kind in ("list", "set", "frozenset") and isinstance(part, int):
        return cast("Mapping[str, Any] | None", node.get("items_schema"))
    if kind == "tuple" and isinstance(part, int):
        items: list[Mapping[str, Any]] = node.get("items_schema", [])
        variadic = node.get("variadic_item_index")
        if variadic is not None and part >= variadic:  # ``tuple[X, ...]`` and the like
            return items[variadic] if variadic == len(items) - 1 else None
        return items[part] if part < len(items) else None
    if kind == "dict":
        return cast("Mapping[str, Any] | None", node.get("values_schema"))
    return None
