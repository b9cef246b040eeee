"""The platform's one error type for bad input.

Every part of the platform reports invalid input the same way: an exception that names
the offending field (as a dotted/indexed path such as ``services[2].stops[1].location``)
and says what is wrong with it. The CLI turns it into one line on stderr and exit code 2;
the HTTP layers into a 4xx body. Keeping one type lets those boundaries be written once.
Turning pydantic's ``ValidationError`` into it is :mod:`smartlogistics.values`' job; this
module imports no third-party library, so every part can use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pydantic is only needed by callers that already have its error
    from pydantic import ValidationError

__all__ = ["InvalidInputError", "field_path", "from_validation_error"]


class InvalidInputError(ValueError):
    """Input that cannot be accepted, with the field it concerns.

    Parameters
    ----------
    field
        Path of the offending field, e.g. ``"links[3].distance_km"``; empty when the
        problem concerns the input as a whole.
    problem
        What is wrong, in words a user can act on.
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}" if field else problem)


def field_path(loc: Sequence[str | int], prefix: str = "") -> str:
    """Render a location tuple as ``a.b[2].c`` (pydantic ``loc`` style in, readable out)."""
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def from_validation_error(exc: ValidationError, prefix: str = "") -> InvalidInputError:
    """Forward to :func:`smartlogistics.values.from_validation_error` (transition alias).

    The converter lives in :mod:`smartlogistics.values` with the value-object base; this
    alias keeps older imports working without importing pydantic at ``import`` time.
    New code imports it from :mod:`smartlogistics.values`.
    """
    from smartlogistics.values import from_validation_error as convert

    return convert(exc, prefix)
