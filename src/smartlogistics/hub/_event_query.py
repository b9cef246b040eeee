"""The query parameters of ``GET /logistics-objects/{id}/logistics-events`` (logistics-events.md).

The specification names them ``event-code``, ``created-after``, ``created-before``,
``occurred-after``, ``occurred-before``, ``sort``, ``limit`` and ``skip`` (kebab case since
API 2.1.0). :func:`parse_event_query` turns the raw query string values into an
:class:`EventQuery` or raises :class:`~smartlogistics.errors.InvalidInputError` naming the
parameter, which the router answers with 400 ``Invalid query parameter request``.

Accepted values:

- ``event-code``: comma-separated (the parameter may also repeat); an event matches when the
  ``@id`` of its ``eventCode`` *contains* one of the texts, as the specification says
  (``DEP`` or ``https://onerecord.iata.org/ns/code-lists/StatusCode#DEP``).
- timestamps: the specification's ``20190926T075830Z`` (ISO 8601 basic), RFC 3339
  (``2019-09-26T07:58:30Z``, ``2019-09-26T07:58:30.5+02:00``, the OpenAPI document's
  ``date-time``) and dates ``YYYYMMDD`` / ``YYYY-MM-DD`` (midnight UTC, the guidelines'
  query-parameter date form). Without an offset a time is UTC (the guidelines: always
  UTC). "After" and "before" are strict.
- ``sort``: ``ASC-creationDate``, ``DESC-creationDate``, ``ASC-eventDate``,
  ``DESC-eventDate``, several comma-separated (or repeated) for a multi-key order; ties and
  an absent ``sort`` follow the order in which the events were appended.
- ``limit``, ``skip``: non-negative integers (at most 1,000,000,000).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal

from smartlogistics.errors import InvalidInputError

__all__ = ["PARAMETERS", "SORT_KEYS", "EventQuery", "parse_event_query", "parse_timestamp"]

#: The query parameters the endpoint knows (others are ignored, as HTTP APIs do).
PARAMETERS: Final = (
    "event-code",
    "created-after",
    "created-before",
    "occurred-after",
    "occurred-before",
    "sort",
    "limit",
    "skip",
)

SortField = Literal["creationDate", "eventDate"]

#: ``sort`` values and what they mean: (field, descending).
SORT_KEYS: Final[dict[str, tuple[SortField, bool]]] = {
    "ASC-creationDate": ("creationDate", False),
    "DESC-creationDate": ("creationDate", True),
    "ASC-eventDate": ("eventDate", False),
    "DESC-eventDate": ("eventDate", True),
}
_SORT_FOLDED: Final = {k.lower(): v for k, v in SORT_KEYS.items()}

MAX_COUNT: Final = 1_000_000_000

_BASIC: Final = re.compile(
    r"(?P<date>\d{8})(?:T(?P<time>\d{4}(?:\d{2}(?:[.,]\d{1,9})?)?))?(?P<zone>Z|[+-]\d{2}:?\d{2})?"
)
_EXTENDED: Final = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[Tt ](?P<time>\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?))?"
    r"(?P<zone>[Zz]|[+-]\d{2}:?\d{2})?"
)
_EXAMPLE: Final = "20190926T075830Z or 2019-09-26T07:58:30Z"


@dataclass(frozen=True, slots=True)
class EventQuery:
    """A parsed event-list query.

    Attributes
    ----------
    event_codes
        Texts one of which the event code's ``@id`` must contain (empty: no filter).
    created_after, created_before, occurred_after, occurred_before
        Strict bounds (UTC) on the creation date and on ``eventDate``.
    sort
        ``(field, descending)`` keys in order.
    limit
        Most events returned (``None``: all).
    skip
        Events skipped before the first returned.
    """

    event_codes: tuple[str, ...] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None
    occurred_after: datetime | None = None
    occurred_before: datetime | None = None
    sort: tuple[tuple[SortField, bool], ...] = ()
    limit: int | None = None
    skip: int = 0


def parse_timestamp(value: str, parameter: str) -> datetime:
    """Parse a timestamp query value (see the module docstring) into an aware UTC datetime.

    Raises
    ------
    InvalidInputError
        Naming ``parameter``.
    """
    text = value.strip()
    # An unencoded "+" of an offset arrives as a space: "...T10:00:00 01:00".
    text = re.sub(r"(?<=\d) (?=\d{2}:?\d{2}$)", "+", text)
    match = _BASIC.fullmatch(text) or _EXTENDED.fullmatch(text)
    if match is None:
        raise InvalidInputError(parameter, f"expected a timestamp like {_EXAMPLE}, got {value!r}")
    date, time_, zone = match.group("date"), match.group("time"), match.group("zone")
    if len(date) == 8:
        date = f"{date[:4]}-{date[4:6]}-{date[6:]}"
    iso = date
    if time_ is not None:
        if ":" not in time_:
            time_ = ":".join([time_[:2], time_[2:4], *([time_[4:]] if len(time_) > 4 else [])])
        iso += "T" + time_.replace(",", ".")
    if zone is not None and zone.upper() != "Z":
        iso += zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError as exc:
        raise InvalidInputError(parameter, f"not a valid date and time: {exc}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _values(query: Mapping[str, Sequence[str]], name: str) -> list[str]:
    """Return the comma-separated parts of every ``name`` given, blanks dropped."""
    parts: list[str] = []
    for raw in query.get(name, ()):
        parts.extend(p.strip() for p in raw.split(",") if p.strip())
    return parts


def _single(query: Mapping[str, Sequence[str]], name: str) -> str | None:
    raw = query.get(name, ())
    if not raw:
        return None
    if len(raw) > 1:
        raise InvalidInputError(name, "may be given only once")
    return raw[0]


def _count(query: Mapping[str, Sequence[str]], name: str) -> int | None:
    raw = _single(query, name)
    if raw is None:
        return None
    text = raw.strip()
    if not text.isdigit() or not text.isascii():
        raise InvalidInputError(name, f"expected a non-negative integer, got {raw!r}")
    number = int(text)
    if number > MAX_COUNT:
        raise InvalidInputError(name, f"at most {MAX_COUNT}, got {number}")
    return number


def _bound(query: Mapping[str, Sequence[str]], name: str) -> datetime | None:
    raw = _single(query, name)
    return None if raw is None else parse_timestamp(raw, name)


def parse_event_query(query: Mapping[str, Sequence[str]]) -> EventQuery:
    """Parse the raw query parameters (name → every value given) of an event list.

    Raises
    ------
    InvalidInputError
        Naming the first bad parameter and what is wrong with it.
    """
    sort: list[tuple[SortField, bool]] = []
    for value in _values(query, "sort"):
        key = _SORT_FOLDED.get(value.lower())
        if key is None:
            raise InvalidInputError("sort", f"use one of {', '.join(SORT_KEYS)}; got {value!r}")
        if all(field != key[0] for field, _ in sort):
            sort.append(key)
    parsed = EventQuery(
        event_codes=tuple(dict.fromkeys(_values(query, "event-code"))),
        created_after=_bound(query, "created-after"),
        created_before=_bound(query, "created-before"),
        occurred_after=_bound(query, "occurred-after"),
        occurred_before=_bound(query, "occurred-before"),
        sort=tuple(sort),
        limit=_count(query, "limit"),
        skip=_count(query, "skip") or 0,
    )
    return parsed
