"""The consignment SmartGate screens: the ICS2 pre-loading "7+1" and the fuller entry data.

A :class:`Consignment` is what a filer (forwarder, carrier) tells customs about one house
consignment before loading: the seven PLACI elements (pieces, gross weight, goods
description, consignor name and address, consignee name and address) plus the house air
waybill number and its master (``../shared/facts/customs.md``), and, when the fuller entry
summary is there, the 6-digit HS code, the EU consignee's EORI, the declared value and its
currency, the origin and routing airports, the carrier, the declarant and the flight.

Validation is deliberately two-faced:

- **lenient about missing elements**. Every field but ``id`` is optional, so a filing that
  lacks mandatory 7+1 data is still *accepted as input*; the data-quality rule then turns
  it into a request for information naming what is missing (:meth:`missing_placi_elements`).
  Refusing it at the door would leave no decision on record, and letting it pass would be
  a silent green.
- **strict about malformed values**. A negative weight, a 5-digit HS code or a country code
  that is not ISO 3166-1 raises :class:`~smartlogistics.errors.InvalidInputError` naming
  the field (an HTTP 422, exit code 2 on the CLI): such data cannot be screened honestly.

Blank text counts as missing; codes are upper-cased and stripped, so ``" nl"`` and ``"NL"``
are the same consignment (and hash the same, :meth:`Consignment.input_hash`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from importlib import resources
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Annotated, Any, Final

import yaml
from pydantic import AwareDatetime, Field, field_validator, model_validator

from smartlogistics.errors import InvalidInputError
from smartlogistics.provenance import Source, check_source
from smartlogistics.values import ValueObject, parse_model

__all__ = [
    "CSV_COLUMNS",
    "PLACI_ELEMENTS",
    "CodeLists",
    "Consignment",
    "ConsignmentBatch",
    "as_batch",
    "consignment_columns",
    "input_hashes",
    "load_code_lists",
]

#: The ICS2 pre-loading elements, in the order :meth:`Consignment.missing_placi_elements`
#: names them: the "7" (pieces, gross weight, description, consignor name and address,
#: consignee name and address) and the "+1" (house air waybill number and its master).
PLACI_ELEMENTS: Final[tuple[str, ...]] = (
    "pieces",
    "gross_weight_kg",
    "description",
    "consignor_name",
    "consignor_address",
    "consignee_name",
    "consignee_address",
    "house_awb",
    "master_awb",
)

_TEXT_MAX = 512  # ICS2 allows 512 characters of description; names and addresses fit too.
_Text = Annotated[str, Field(min_length=1, max_length=_TEXT_MAX)]
_Ref = Annotated[str, Field(min_length=1, max_length=35)]  # AWB numbers, declarant ids

_HS = re.compile(r"^\d{6}$")
_EORI = re.compile(r"^[A-Z]{2}[A-Z0-9]{1,15}$")
_IATA_AIRPORT = re.compile(r"^[A-Z]{3}$")
_IATA_CARRIER = re.compile(r"^[A-Z0-9]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class CodeLists(ValueObject):
    """The ISO 3166-1 country and ISO 4217 currency code lists (package data ``codes.yaml``).

    Attributes
    ----------
    countries
        Alpha-2 country codes a consignment may name.
    currencies
        Currency codes the data-quality rule knows.
    sources
        Citations by id; ``countries_source`` and ``currencies_source`` cite them.
    """

    countries: frozenset[str]
    currencies: frozenset[str]
    countries_source: str
    currencies_source: str
    sources: Mapping[str, Source]

    @model_validator(mode="after")
    def _cited(self) -> CodeLists:
        check_source(self.countries_source, self.sources, "countries_source")
        check_source(self.currencies_source, self.sources, "currencies_source")
        return self


@lru_cache(maxsize=1)
def load_code_lists() -> CodeLists:
    """Load the packaged country and currency code lists (cached).

    Returns
    -------
    CodeLists
        Parsed from ``smartgate/data/codes.yaml``, every list citing its source.
    """
    text = (resources.files("smartlogistics.smartgate") / "data" / "codes.yaml").read_text(
        encoding="utf-8"
    )
    data = yaml.safe_load(text)
    sources = {k: {"id": k, **v} for k, v in data["sources"].items()}
    return parse_model(
        CodeLists,
        {
            "countries": data["countries"].split(),
            "currencies": data["currencies"].split(),
            "countries_source": data["countries_source"],
            "currencies_source": data["currencies_source"],
            "sources": sources,
        },
    )


def _code(value: object) -> object:
    """Strip and upper-case a code; blank means missing."""
    if isinstance(value, str):
        value = value.strip().upper()
        return value or None
    return value


def _text(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _no_bool(value: object) -> object:
    # pydantic's lax mode reads True as 1; a boolean is never a count or a weight.
    if isinstance(value, bool):
        raise ValueError("expected a number, not a boolean")
    return value


class Consignment(ValueObject):
    """One house consignment as filed before loading (ICS2 PLACI) and at entry.

    Attributes
    ----------
    id
        The filer's reference of the consignment, unique in a batch (required: the
        decision is recorded against it).
    house_awb, master_awb
        House and master air waybill numbers (the "+1" of the 7+1). Free references here;
        the data-quality rule checks a master's IATA check digit.
    pieces
        Number of pieces, at least 1.
    gross_weight_kg
        Total gross weight, kg, above 0.
    description
        Plain-language goods description (at most 512 characters).
    consignor_name, consignor_address, consignor_country
        Who sends the goods; the country as ISO 3166-1 alpha-2.
    consignee_name, consignee_address, consignee_country
        Who receives them.
    hs_code
        The 6-digit HS subheading (dots and spaces are dropped: ``"8471.30"`` is
        ``"847130"``).
    consignee_eori
        The EU consignee's EORI number: 2-letter country prefix and up to 15 letters or
        digits.
    declared_value, currency
        Declared (customs) value, at least 0, and its ISO 4217 currency, which is required
        when a value is given.
    origin_airport
        IATA code of the airport of loading.
    routing
        IATA codes of the airports the consignment passes, in order (CSV: ``AMS;DXB``).
    carrier
        IATA two-character airline designator.
    declarant
        Who filed (name or identifier).
    flight
        Flight number, e.g. ``KL0868``.
    filed_at
        When the data was filed, ISO 8601 with a UTC offset.
    """

    id: Annotated[str, Field(min_length=1, max_length=100)]
    house_awb: _Ref | None = None
    master_awb: _Ref | None = None
    pieces: Annotated[int, Field(ge=1)] | None = None
    gross_weight_kg: Annotated[float, Field(gt=0)] | None = None
    description: _Text | None = None
    consignor_name: _Text | None = None
    consignor_address: _Text | None = None
    consignor_country: str | None = None
    consignee_name: _Text | None = None
    consignee_address: _Text | None = None
    consignee_country: str | None = None
    hs_code: str | None = None
    consignee_eori: str | None = None
    declared_value: Annotated[float, Field(ge=0)] | None = None
    currency: str | None = None
    origin_airport: str | None = None
    routing: tuple[str, ...] = ()
    carrier: str | None = None
    declarant: _Text | None = None
    flight: Annotated[str, Field(min_length=1, max_length=16)] | None = None
    filed_at: AwareDatetime | None = None

    # -- normalisation and format checks ------------------------------------------------

    @field_validator(
        "id",
        "house_awb",
        "master_awb",
        "description",
        "consignor_name",
        "consignor_address",
        "consignee_name",
        "consignee_address",
        "declarant",
        "flight",
        mode="before",
    )
    @classmethod
    def _strip_text(cls, value: object) -> object:
        return _text(value)

    @field_validator("pieces", "gross_weight_kg", "declared_value", mode="before")
    @classmethod
    def _numbers_not_bools(cls, value: object) -> object:
        return _no_bool(value)

    @field_validator(
        "consignor_country",
        "consignee_country",
        "consignee_eori",
        "currency",
        "origin_airport",
        "carrier",
        mode="before",
    )
    @classmethod
    def _upper(cls, value: object) -> object:
        return _code(value)

    @field_validator("consignor_country", "consignee_country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not _COUNTRY.match(value):
            raise ValueError(f"{value!r} is not a 2-letter ISO 3166-1 alpha-2 country code")
        if value not in load_code_lists().countries:
            raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
        return value

    @field_validator("hs_code", mode="before")
    @classmethod
    def _hs(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # then checked: a lost leading zero leaves 5 digits
        if isinstance(value, str):
            value = value.strip().replace(".", "").replace(" ", "")
            if not value:
                return None
            if not _HS.match(value):
                raise ValueError(f"expected a 6-digit HS subheading, not {value!r}")
        return value

    @field_validator("consignee_eori")
    @classmethod
    def _eori(cls, value: str | None) -> str | None:
        if value is not None:
            value = value.replace(" ", "")
            if not _EORI.match(value):
                raise ValueError(
                    f"{value!r} is not an EORI number (2-letter country prefix and"
                    " up to 15 letters or digits)"
                )
        return value

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        if value is not None and not _CURRENCY.match(value):
            raise ValueError(f"{value!r} is not a 3-letter ISO 4217 currency code")
        return value

    @field_validator("origin_airport")
    @classmethod
    def _airport(cls, value: str | None) -> str | None:
        if value is not None and not _IATA_AIRPORT.match(value):
            raise ValueError(f"{value!r} is not a 3-letter IATA airport code")
        return value

    @field_validator("routing", mode="before")
    @classmethod
    def _routing(cls, value: object) -> object:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [part for part in value.split(";") if part.strip()]
        if isinstance(value, list | tuple):
            out: list[object] = []
            for i, part in enumerate(value):
                code = _code(part)
                if not isinstance(code, str) or not _IATA_AIRPORT.match(code):
                    raise InvalidInputError(
                        f"[{i}]", f"{part!r} is not a 3-letter IATA airport code"
                    )
                out.append(code)
            return tuple(out)
        return value

    @field_validator("carrier")
    @classmethod
    def _carrier(cls, value: str | None) -> str | None:
        if value is not None and not _IATA_CARRIER.match(value):
            raise ValueError(f"{value!r} is not a 2-character IATA airline designator")
        return value

    @model_validator(mode="after")
    def _currency_with_value(self) -> Consignment:
        if self.declared_value is not None and self.currency is None:
            raise InvalidInputError("currency", "required when declared_value is given")
        return self

    # -- what the screening needs -------------------------------------------------------

    def missing_placi_elements(self) -> list[str]:
        """Name the ICS2 pre-loading (7+1) elements this filing lacks.

        Returns
        -------
        list of str
            Field names from :data:`PLACI_ELEMENTS` whose value is missing, in that order;
            empty when the 7+1 is complete. Each is a reason for an RFI: a consignment
            with missing mandatory data is never released silently.
        """
        return [name for name in PLACI_ELEMENTS if getattr(self, name) is None]

    @property
    def hs_chapter(self) -> str | None:
        """The HS chapter (first two digits of :attr:`hs_code`), or ``None``."""
        return self.hs_code[:2] if self.hs_code is not None else None

    @property
    def airports(self) -> tuple[str, ...]:
        """Origin and routing airports, in order, without repeats."""
        seen: dict[str, None] = {}
        if self.origin_airport is not None:
            seen[self.origin_airport] = None
        for code in self.routing:
            seen[code] = None
        return tuple(seen)

    def to_record(self) -> dict[str, Any]:
        """Flat, CSV-shaped form: one value per :data:`CSV_COLUMNS` key.

        This is what the risk model scores (the history CSV has exactly these columns plus
        ``date``, ``label`` and ``value_at_stake``). Missing values are ``None``, the
        routing is ``;``-joined text (``None`` when empty) and ``filed_at`` ISO 8601 text.

        Returns
        -------
        dict
            Keys in :data:`CSV_COLUMNS` order; values ``str``, ``int``, ``float`` or
            ``None``.
        """
        record = {name: getattr(self, name) for name in CSV_COLUMNS}
        record["routing"] = ";".join(self.routing) if self.routing else None
        filed = self.filed_at
        record["filed_at"] = filed.isoformat() if isinstance(filed, datetime) else None
        return record

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form (the format of a consignments JSON file's entries)."""
        return self.model_dump(mode="json", exclude_none=True)

    def canonical_json(self) -> str:
        """Return the consignment as canonical JSON: sorted keys, no spaces, no missing fields.

        The routing is a list and ``filed_at`` ISO 8601 text (``isoformat``); text is
        written as characters (non-ASCII not escaped) and floats as ``repr``. Two filings
        that differ only in key order, blank versus absent fields or the case of codes give
        the same text, because it is written from the validated model.
        """
        return _canonical_json(self.__dict__)

    def input_hash(self) -> str:
        """SHA-256 (hex) of :meth:`canonical_json`: what a decision was taken on."""
        return _sha256(_canonical_json(self.__dict__).encode("utf-8")).hexdigest()


class ConsignmentBatch(tuple[Consignment, ...]):
    """An immutable batch of consignments that extracts its columns once.

    The batch paths (input hashes, every rule, the model's frame) read a batch column by
    column; :func:`consignment_columns` on a ``ConsignmentBatch`` returns the columns
    extracted on first use instead of walking the consignments again.
    :meth:`Screener.screen_batch <smartlogistics.smartgate.screening.Screener.screen_batch>`
    wraps its input in one. Being a tuple, it cannot change after its columns are taken.
    """

    def columns(self) -> dict[str, tuple[Any, ...]]:
        """Every field's values in batch order, as stored (see :func:`consignment_columns`)."""
        cached: dict[str, tuple[Any, ...]] | None = self.__dict__.get("_columns")
        if cached is None:
            cached = self.__dict__["_columns"] = _extract(self, CSV_COLUMNS)
        return cached

    def record_columns(self) -> dict[str, tuple[Any, ...]]:
        """Return the columns of :meth:`Consignment.to_record` (routing, filed_at as text)."""
        cached: dict[str, tuple[Any, ...]] | None = self.__dict__.get("_records")
        if cached is None:
            columns = self.columns()
            routes = {r: ";".join(r) if r else None for r in set(columns["routing"])}
            cached = {
                **columns,
                "routing": tuple([routes[r] for r in columns["routing"]]),
                "filed_at": tuple(
                    [
                        f.isoformat() if isinstance(f, datetime) else None
                        for f in columns["filed_at"]
                    ]
                ),
            }
            self.__dict__["_records"] = cached
        return cached


def as_batch(consignments: Sequence[Consignment]) -> ConsignmentBatch:
    """Return ``consignments`` as a :class:`ConsignmentBatch` (itself when it is one)."""
    if isinstance(consignments, ConsignmentBatch):
        return consignments
    return ConsignmentBatch(consignments)


def consignment_columns(
    consignments: Sequence[Consignment], names: Sequence[str] | None = None
) -> dict[str, tuple[Any, ...]]:
    """Return the batch column by column: each field name to its values, in batch order.

    One pass over the consignments' attribute dictionaries (none for a
    :class:`ConsignmentBatch` whose columns were taken before); the columnar form is what
    the batch paths (input hashes, rules, the model's frame) work on.

    Parameters
    ----------
    consignments
        The batch.
    names
        The fields wanted (default: all, :data:`CSV_COLUMNS`).

    Returns
    -------
    dict
        ``name -> tuple`` of values as stored (``routing`` a tuple, ``filed_at`` a
        datetime, missing values ``None``); empty tuples for an empty batch.
    """
    names = CSV_COLUMNS if names is None else tuple(names)
    if isinstance(consignments, ConsignmentBatch):
        columns = consignments.columns()
        return {name: columns[name] for name in names}
    return _extract(consignments, names)


def _extract(
    consignments: Sequence[Consignment], names: tuple[str, ...]
) -> dict[str, tuple[Any, ...]]:
    if not consignments:
        return {name: () for name in names}
    if len(names) == 1:
        only = names[0]
        return {only: tuple([c.__dict__[only] for c in consignments])}
    get = itemgetter(*names)
    rows = [get(c.__dict__) for c in consignments]
    return dict(zip(names, zip(*rows, strict=True), strict=True))


def input_hashes(consignments: Sequence[Consignment]) -> list[str]:
    """Return :meth:`Consignment.input_hash` of each consignment, in order (the batch path).

    Byte for byte the same canonical JSON as one at a time, written column by column: each
    field's ``"name":value,`` fragment is encoded once per distinct value in the batch
    (names, addresses, countries and descriptions repeat), then a row's fragments are
    joined and hashed.
    """
    if not consignments:
        return []
    batch = as_batch(consignments)
    columns = batch.columns()
    filed = batch.record_columns()["filed_at"]
    fragments = [
        _fragments(name, filed if name == "filed_at" else columns[name]) for name in _SORTED_COLUMNS
    ]
    sha = _sha256
    return [
        sha(("{" + "".join(row)[:-1] + "}").encode("utf-8")).hexdigest()
        for row in zip(*fragments, strict=True)
    ]


def _fragments(name: str, values: tuple[Any, ...]) -> list[str]:
    """Each value's ``"name":value,`` fragment (``""`` when missing), by the field's type."""
    key = f'"{name}":'
    encode = _VALUE_ENCODERS.get(name, _escape)
    distinct = set(values)
    try:
        if len(distinct) * 2 > len(values):  # mostly unique (ids, times): encode each
            return [key + encode(v) + "," if v is not None and v != () else "" for v in values]
        memo = {v: key + encode(v) + "," if v is not None and v != () else "" for v in distinct}
    except TypeError:  # a value not of the field's type (a model built without validation)
        return [_fragment(key, v) for v in values]
    return [memo[v] for v in values]


def _fragment(key: str, value: Any) -> str:
    """``"name":value,`` as the canonical JSON writes it; ``""`` for a missing value."""
    if value is None or value == ():
        return ""
    kind = type(value)
    if kind is str:
        return key + _escape(value) + ","
    if kind is float:
        return key + float.__repr__(value) + ","
    if kind is int:
        return key + int.__repr__(value) + ","
    if isinstance(value, datetime):
        return key + _escape(value.isoformat()) + ","
    return key + _ENCODER.encode(value) + ","


# One encoder for all: ``json.dumps`` with non-default options builds a new one per call.
# Tuples are written as lists (the routing) and datetimes as ``isoformat()`` (``filed_at``,
# the only non-JSON type of a consignment); keys come pre-sorted.
_ENCODER = json.JSONEncoder(
    separators=(",", ":"), ensure_ascii=False, default=lambda value: value.isoformat()
)
_sha256 = hashlib.sha256
_escape = encode_basestring  # the C escaper json uses with ensure_ascii=False
#: How the canonical JSON writes the non-text fields' values (text: :data:`_escape`).
_VALUE_ENCODERS: Final[dict[str, Any]] = {
    "pieces": int.__repr__,
    "gross_weight_kg": float.__repr__,
    "declared_value": float.__repr__,
    "routing": lambda codes: "[" + ",".join(map(_escape, codes)) + "]",
    "filed_at": lambda text: _escape(text),  # given as isoformat() text
}


def _canonical_json(fields: Mapping[str, Any]) -> str:
    return _ENCODER.encode(
        {
            name: value
            for name in _SORTED_COLUMNS
            if (value := fields[name]) is not None and value != ()
        }
    )


#: Columns of a consignments CSV file (and keys of :meth:`Consignment.to_record`), in order.
CSV_COLUMNS: Final[tuple[str, ...]] = tuple(Consignment.model_fields)
_SORTED_COLUMNS: Final[tuple[str, ...]] = tuple(sorted(CSV_COLUMNS))
