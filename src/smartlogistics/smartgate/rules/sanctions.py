"""Sanctions and embargo countries: who sends, who receives, and where the cargo flies.

Owned by customs. The rule looks up the consignor's and the consignee's country and the
country of the origin airport and of every routing airport (through a small IATA airport
table, ``data/airports.yaml``) in a configured list of countries under sanctions or
embargo (``data/sanctions.yaml``); every listed country found gives one hit with the
entry's outcome (RED: an officer checks the goods against the regime; DNL: the cargo is
not loaded). An airport the table does not know is not an error: it is reported as a
data-quality hit, because that leg could not be checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from typing import Annotated, Literal

import yaml
from pydantic import Field, model_validator

from smartlogistics.errors import InvalidInputError
from smartlogistics.provenance import Source, check_source
from smartlogistics.smartgate.consignment import Consignment, load_code_lists
from smartlogistics.smartgate.rules.base import (
    Agency,
    BaseRule,
    Outcome,
    RuleConfig,
    RuleHit,
    Severity,
    packaged_config,
)
from smartlogistics.values import ValueObject, parse_model

__all__ = [
    "Airport",
    "AirportTable",
    "CountryMeasure",
    "SanctionsConfig",
    "SanctionsRule",
    "load_airports",
]


class Airport(ValueObject):
    """One airport of the table: its country (ISO 3166-1 alpha-2), name and source."""

    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    name: str = ""
    source: str


class AirportTable(ValueObject):
    """IATA airport code to country, with citations.

    Attributes
    ----------
    airports
        By 3-letter IATA code.
    sources
        Citations by id.
    """

    airports: Mapping[Annotated[str, Field(pattern=r"^[A-Z]{3}$")], Airport]
    sources: Mapping[str, Source]

    @model_validator(mode="after")
    def _checked(self) -> AirportTable:
        countries = load_code_lists().countries
        for code, airport in self.airports.items():
            check_source(airport.source, self.sources, f"airports.{code}.source")
            if airport.country not in countries:
                raise InvalidInputError(
                    f"airports.{code}.country", f"{airport.country!r} is not an ISO 3166-1 code"
                )
        return self

    def country_of(self, code: str) -> str | None:
        """Return the country of airport ``code`` (``None`` when the table lacks it)."""
        airport = self.airports.get(code)
        return airport.country if airport is not None else None


@lru_cache(maxsize=1)
def load_airports() -> AirportTable:
    """Load the packaged airport table ``smartgate/data/airports.yaml`` (cached)."""
    text = (resources.files("smartlogistics.smartgate") / "data" / "airports.yaml").read_text(
        encoding="utf-8"
    )
    data = yaml.safe_load(text)
    sources = {k: {"id": k, **v} for k, v in data["sources"].items()}
    return parse_model(AirportTable, {"airports": data["airports"], "sources": sources})


class CountryMeasure(ValueObject):
    """A country under sanctions or embargo, and what a consignment touching it gets.

    Attributes
    ----------
    code
        ISO 3166-1 alpha-2 code.
    regime
        The measures, in words (shown in the hit's message).
    kind
        ``embargo`` (trade broadly prohibited) or ``sanctions`` (targeted measures).
    outcome
        ``RED`` or ``DNL`` (``RFI`` and ``none`` are allowed for soft regimes).
    severity
        Severity of the hit.
    source
        Citation or ``assumption: why``.
    """

    code: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    regime: Annotated[str, Field(min_length=1)]
    kind: Literal["embargo", "sanctions"]
    outcome: Outcome
    severity: Severity
    source: str


class SanctionsConfig(RuleConfig):
    """Configuration of :class:`SanctionsRule`.

    Attributes
    ----------
    countries
        The listed countries (codes unique).
    unknown_airport_severity, unknown_airport_outcome
        The hit for an airport the table does not know (default ``low`` / ``none``: the
        table's gap is not the filer's fault, but the decision says the leg was unchecked).
    """

    agency: Agency = Agency.CUSTOMS
    countries: tuple[CountryMeasure, ...] = ()
    unknown_airport_severity: Severity = Severity.LOW
    unknown_airport_outcome: Outcome = Outcome.NONE

    @model_validator(mode="after")
    def _unique(self) -> SanctionsConfig:
        seen: set[str] = set()
        for i, entry in enumerate(self.countries):
            if entry.code in seen:
                raise InvalidInputError(f"countries[{i}].code", f"{entry.code!r} listed twice")
            seen.add(entry.code)
        return self

    def citations(self) -> Iterable[tuple[str, str]]:
        """Every country's ``source``."""
        return ((f"countries[{i}].source", c.source) for i, c in enumerate(self.countries))


_PARTIES = (("consignor_country", "consignor"), ("consignee_country", "consignee"))
_BATCH_FIELDS = ("consignor_country", "consignee_country", "origin_airport", "routing")


class SanctionsRule(BaseRule[SanctionsConfig]):
    """Countries under sanctions or embargo among the parties' countries and the airports.

    Parameters
    ----------
    config
        The list; :meth:`default` loads the packaged one.
    airports
        The airport table (default: the packaged one).
    """

    name = "sanctions"

    def __init__(self, config: SanctionsConfig, airports: AirportTable | None = None) -> None:
        super().__init__(config)
        self.airports = airports if airports is not None else load_airports()
        self._measures = {m.code: m for m in config.countries}
        self._airport_country = {k: a.country for k, a in self.airports.airports.items()}
        self._clean_airports = frozenset(
            code for code, country in self._airport_country.items() if country not in self._measures
        )

    @classmethod
    def default(cls) -> SanctionsRule:
        """Build the rule with the packaged list and airport table."""
        return cls(packaged_config(SanctionsConfig, "sanctions"))

    def check(self, consignment: Consignment) -> list[RuleHit]:
        """Return one hit per party country or airport in a listed country.

        Messages read ``"consignor country KP is under embargo: <regime>"`` and
        ``"routing[1] airport FNJ is in KP, under embargo: <regime>"``; an unknown airport
        reads ``"origin airport XYZ is not in the airport table; its country was not
        checked"``. An airport met twice (origin and first routing leg) is reported once.
        """
        return self._check_values(
            consignment.consignor_country,
            consignment.consignee_country,
            consignment.origin_airport,
            consignment.routing,
        )

    def check_batch(self, consignments: Sequence[Consignment]) -> list[list[RuleHit]]:
        """Return every consignment's hits, checking each distinct country/airport set once."""
        return self.batch_by_fields(consignments, _BATCH_FIELDS, self._check_values)

    def _check_values(
        self,
        consignor_country: str | None,
        consignee_country: str | None,
        origin_airport: str | None,
        routing: tuple[str, ...],
    ) -> list[RuleHit]:
        measures = self._measures
        hits: list[RuleHit] = []
        for (fld, who), country in zip(
            _PARTIES, (consignor_country, consignee_country), strict=True
        ):
            if country is not None and country in measures:
                m = measures[country]
                hits.append(
                    self.hit(
                        m.severity,
                        m.outcome,
                        f"{who} country {country} is under {m.kind}: {m.regime}",
                        (fld,),
                        {"country": country},
                    )
                )
        table = self._airport_country
        if (origin_airport is None or origin_airport in self._clean_airports) and all(
            code in self._clean_airports for code in routing
        ):
            return hits  # every airport known and in no listed country (the usual case)
        legs: list[tuple[str, str, str]] = []
        if origin_airport is not None:
            legs.append(("origin_airport", "origin airport", origin_airport))
        legs.extend(("routing", f"routing[{i}] airport", code) for i, code in enumerate(routing))
        seen: set[str] = set()
        for fld, label, code in legs:
            if code in seen:
                continue
            seen.add(code)
            country = table.get(code)
            if country is None:
                hits.append(
                    self.hit(
                        self.config.unknown_airport_severity,
                        self.config.unknown_airport_outcome,
                        f"{label} {code} is not in the airport table; its country was not checked",
                        (fld,),
                        {"airport": code},
                    )
                )
            elif country in measures:
                m = measures[country]
                hits.append(
                    self.hit(
                        m.severity,
                        m.outcome,
                        f"{label} {code} is in {country}, under {m.kind}: {m.regime}",
                        (fld,),
                        {"airport": code, "country": country},
                    )
                )
        return hits
