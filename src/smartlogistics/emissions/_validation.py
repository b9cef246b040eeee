"""Turning pydantic validation errors into the platform's :class:`InvalidInputError`.

Cross-field checks (``wtw ≥ ttw``, "give only one way of getting emissions", "unknown
source") run in model validators, where pydantic only knows the *model's* location. They
raise :class:`InvalidInputError` naming the field inside the model; pydantic wraps it as a
value error and keeps the exception in the error's context, so the full path of the field
(``elements[1].wtw_kg_per_tkm``) can be rebuilt here.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from smartlogistics.errors import InvalidInputError, field_path

__all__ = ["UNION_TAGS", "to_invalid_input"]

#: Tags of the chain's discriminated union; pydantic puts them in error locations
#: (``elements.1.leg.mass_tonnes``) where a user expects ``elements[1].mass_tonnes``.
UNION_TAGS = frozenset({"leg", "hub"})


def to_invalid_input(exc: ValidationError, prefix: str = "") -> InvalidInputError:
    """Convert the first error of ``exc`` into an :class:`InvalidInputError`.

    Parameters
    ----------
    exc
        The pydantic error.
    prefix
        Path to put in front of the error's location (e.g. ``"tocs[3]"``).

    Returns
    -------
    InvalidInputError
        Naming the innermost field that pydantic or a model validator blamed.
    """
    first = exc.errors(include_url=False)[0]
    loc: list[str | int] = []
    previous: str | int | None = None
    for part in first["loc"]:
        if isinstance(part, str) and part in UNION_TAGS and isinstance(previous, int):
            previous = part
            continue
        loc.append(part)
        previous = part
    ctx: dict[str, Any] = dict(first.get("ctx") or {})
    inner = ctx.get("error")
    if isinstance(inner, InvalidInputError):
        base = field_path(loc, prefix)
        field = base
        if inner.field:
            field = f"{base}.{inner.field}" if base else inner.field
        return InvalidInputError(field, inner.problem)
    if first["type"] == "union_tag_not_found":
        tags = " or ".join(f'"{t}"' for t in sorted(UNION_TAGS, reverse=True))
        return InvalidInputError(field_path(loc, prefix), f'missing "type": expected {tags}')
    msg = str(first["msg"])
    for lead in ("Value error, ", "Assertion failed, "):
        if msg.startswith(lead):
            msg = msg[len(lead) :]
    return InvalidInputError(field_path(loc, prefix), msg)
