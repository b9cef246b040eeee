"""Provenance of the numbers in the platform's data files.

Every data file (a region, a factor table) starts with a ``sources`` table of citations
keyed by id, and every number in it carries a ``source`` string saying where it comes
from. The full grammar of a source string, used by region files, is::

    reference (";" reference)*
    reference := key [":" note]

``key`` is a source id from the file's ``sources`` table or one of two reserved words:
``assumption`` (a number nobody has verified; the note says why it was chosen) and
``derived`` (the note says how the number was computed from the other references). Both
reserved words require a note. Notes must not contain ``;``. :func:`check_source` checks
such a string against a table.

Rows of a factor table name a single source key and no note (their trust is in the
row's ``status``); :func:`check_source_key` checks those.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Annotated, NamedTuple

from pydantic import Field

from smartlogistics.errors import InvalidInputError
from smartlogistics.values import ValueObject

__all__ = [
    "RESERVED_SOURCE_KEYS",
    "Source",
    "SourceRef",
    "check_source",
    "check_source_key",
    "source_refs",
]

RESERVED_SOURCE_KEYS = frozenset({"assumption", "derived"})
"""Keys that need no entry in the ``sources`` table (but always a note)."""

_KEY_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
_KEY = re.compile(_KEY_PATTERN)


class Source(ValueObject):
    """A citation in a ``sources`` table.

    Attributes
    ----------
    id
        Key used by ``source`` references (``qu2019``).
    author, title
        Who wrote it and what it is called.
    year
        Publication year, when known.
    url
        Where to read it, when known.
    note
        What the data takes from it, or caveats (e.g. "figure as quoted by ...").
    """

    id: Annotated[str, Field(pattern=_KEY_PATTERN)]
    author: Annotated[str, Field(min_length=1)]
    title: Annotated[str, Field(min_length=1)]
    year: int | None = None
    url: str | None = None
    note: str | None = None


class SourceRef(NamedTuple):
    """One reference in a ``source`` string: a key and an optional note."""

    key: str
    note: str


def source_refs(text: str) -> tuple[SourceRef, ...]:
    """Parse a ``source`` string into its references.

    Parameters
    ----------
    text
        E.g. ``"qu2019: EUR 23.89/TEU; assumption: rounded"``.

    Returns
    -------
    tuple of SourceRef
        The references, in order.

    Raises
    ------
    ValueError
        If the string is empty, a key is malformed, or a reserved key has no note.
    """
    refs: list[SourceRef] = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            raise ValueError(f"empty reference in source {text!r}")
        key, _, note = part.partition(":")
        key, note = key.strip(), note.strip()
        if not _KEY.match(key):
            raise ValueError(f"malformed source key {key!r} (expected e.g. 'qu2019')")
        if key in RESERVED_SOURCE_KEYS and not note:
            raise ValueError(f"'{key}' needs a note saying why or how, e.g. '{key}: ...'")
        refs.append(SourceRef(key, note))
    return tuple(refs)


def check_source(text: str, known: Collection[str], field: str = "") -> None:
    """Check that ``text`` parses and every key is reserved or in ``known``.

    Parameters
    ----------
    text
        The ``source`` string.
    known
        The ids of the file's ``sources`` table.
    field
        Path of the string in its document, named by the error.

    Raises
    ------
    InvalidInputError
        On ``field``, with a message naming the first bad reference (e.g.
        ``unknown source 'nosuch2021'``).
    """
    try:
        refs = source_refs(text)
    except ValueError as exc:
        raise InvalidInputError(field, str(exc)) from None
    for ref in refs:
        if ref.key not in RESERVED_SOURCE_KEYS and ref.key not in known:
            raise InvalidInputError(field, f"unknown source {ref.key!r}")


def check_source_key(key: str, known: Collection[str], field: str = "") -> None:
    """Check that ``key`` is one of the ids in ``known`` (no notes, no reserved words).

    Parameters
    ----------
    key
        A single source id, as factor-table rows give it.
    known
        The ids of the table's ``sources``.
    field
        Path of the key in its document, named by the error.

    Raises
    ------
    InvalidInputError
        On ``field``: ``unknown source 'x'; known: a, b`` (``known: none`` for an empty
        table), so a user can correct a typo.
    """
    if key not in known:
        listed = ", ".join(sorted(known)) or "none"
        raise InvalidInputError(field, f"unknown source {key!r}; known: {listed}")
