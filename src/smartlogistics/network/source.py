"""Provenance of the region's numbers.

Every number in a region file carries a ``source`` string. Its grammar is small so a
test (and :class:`~smartlogistics.network.region.Region`) can check it::

    reference (";" reference)*
    reference := key [":" note]

``key`` is a source id from the region's ``sources`` table or one of two reserved
words: ``assumption`` (a number nobody has verified; the note says why it was chosen)
and ``derived`` (the note says how the number was computed from the other references).
Both reserved words require a note. Notes must not contain ``;``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Annotated, NamedTuple

from pydantic import Field

from smartlogistics.network._model import FrozenModel

__all__ = ["RESERVED_SOURCE_KEYS", "Source", "SourceRef", "check_source", "source_refs"]

RESERVED_SOURCE_KEYS = frozenset({"assumption", "derived"})
"""Keys that need no entry in the ``sources`` table (but always a note)."""

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class Source(FrozenModel):
    """A citation in a region's ``sources`` table.

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
        What the region takes from it, or caveats (e.g. "figure as quoted by ...").
    """

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
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


def check_source(text: str, known: Collection[str]) -> None:
    """Check that ``text`` parses and every key is reserved or in ``known``.

    Raises
    ------
    ValueError
        With a message naming the first bad reference.
    """
    for ref in source_refs(text):
        if ref.key not in RESERVED_SOURCE_KEYS and ref.key not in known:
            raise ValueError(f"unknown source {ref.key!r}")
