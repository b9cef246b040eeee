"""Error bodies of the web app: every field error in FastAPI's standard shape.

FastAPI answers a request that fails validation with ``422`` and
``{"detail": [{"type", "loc", "msg", "input"}, ...]}``. The platform's own bad-input error,
:class:`~smartlogistics.errors.InvalidInputError` (``field``, ``problem``), is answered in
that same shape, ``loc`` being the field path split into its parts
(``body[3].hs_code`` → ``["body", 3, "hs_code"]``), so a client reads one kind of error
body whichever layer found the problem. An unknown resource is a ``404`` with the same
shape, naming the field that held the unknown id.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from smartlogistics.errors import InvalidInputError

__all__ = ["NotFoundError", "field_loc", "install_error_handlers", "rebase_field"]

_LOG = logging.getLogger("smartlogistics.web")
_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")
_ROOTS = ("body", "query", "path", "header", "cookie")


class NotFoundError(LookupError):
    """A request named a resource that does not exist.

    Parameters
    ----------
    field
        Path of the field that holds the unknown id, e.g. ``"path.decision_id"`` or
        ``"body[2].decision_id"``.
    problem
        What was not found.
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


def field_loc(field: str) -> list[str | int]:
    """Split a field path into a FastAPI ``loc``.

    Parameters
    ----------
    field
        A path such as ``"body[3].hs_code"``; a path that does not start at a request part
        (``body``, ``query``, ``path``, ...) is taken to be inside the body.

    Returns
    -------
    list of str or int
        ``["body", 3, "hs_code"]``.
    """
    loc: list[str | int] = [int(index) if index else name for index, name in _PART.findall(field)]
    if not loc or loc[0] not in _ROOTS:
        loc.insert(0, "body")
    return loc


def rebase_field(field: str, old: str, new: str) -> str:
    """Replace the leading ``old`` part of a field path by ``new``.

    Parameters
    ----------
    field
        The path, e.g. ``"consignments[3].hs_code"``.
    old, new
        Prefixes, e.g. ``"consignments"`` and ``"body"`` give ``"body[3].hs_code"``.

    Returns
    -------
    str
        The rebased path; ``field`` unchanged when it does not start with ``old``.
    """
    if field == old:
        return new
    if field.startswith(old) and field[len(old)] in ".[":
        return new + field[len(old) :]
    return field


def error_body(loc: Sequence[str | int], msg: str, type_: str) -> dict[str, Any]:
    """Return a one-error body in FastAPI's standard shape."""
    return {"detail": [{"type": type_, "loc": list(loc), "msg": msg}]}


async def _invalid_input(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidInputError)
    return JSONResponse(error_body(field_loc(exc.field), exc.problem, "value_error"), 422)


async def _not_found(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NotFoundError)
    return JSONResponse(error_body(field_loc(exc.field), exc.problem, "not_found"), 404)


async def _database_down(_request: Request, exc: Exception) -> JSONResponse:
    _LOG.error("database unavailable: %s", exc)
    return JSONResponse({"detail": "database unavailable; nothing was stored"}, 503)


def install_error_handlers(app: FastAPI) -> None:
    """Install the handlers: bad input 422, unknown resource 404, database down 503.

    Parameters
    ----------
    app
        The application.
    """
    app.add_exception_handler(InvalidInputError, _invalid_input)
    app.add_exception_handler(NotFoundError, _not_found)
    app.add_exception_handler(OperationalError, _database_down)
