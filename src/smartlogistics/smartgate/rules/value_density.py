"""Value density: declared value per kilogram far outside the band of its HS chapter.

Owned by customs. Undervaluation (duty and VAT fraud) and misdescription show up as a
value per kilogram that the goods cannot have: laptops at EUR 0.50/kg, "cotton T-shirts"
at EUR 40,000/kg. The rule converts the declared value to euros with a small rate table,
divides by the gross weight and compares with the band of the HS chapter
(``data/value_density.yaml``, wide bands of the authors' estimates, to be replaced by
percentiles of real declarations). Below the band is RED (default: an officer checks the
value), above it RFI (default: the weight or description is probably wrong).

A consignment without value, currency, weight or HS code, or in a chapter without a band,
is not assessed (other rules handle missing data). A known currency without a rate gives
an ``info`` hit saying the density was not assessed; an unknown currency is the
data-quality rule's business and is skipped here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated

from pydantic import Field, model_validator

from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate.consignment import Consignment, consignment_columns, load_code_lists
from smartlogistics.smartgate.rules.base import (
    Agency,
    BaseRule,
    Outcome,
    RuleConfig,
    RuleHit,
    Severity,
    packaged_config,
)
from smartlogistics.values import ValueObject

__all__ = ["DensityBand", "EurRate", "ValueDensityConfig", "ValueDensityRule"]

_FIELDS = ("declared_value", "currency", "gross_weight_kg", "hs_code")


class DensityBand(ValueObject):
    """Plausible declared value per kg (EUR/kg) of an HS chapter."""

    low: Annotated[float, Field(ge=0)]
    high: Annotated[float, Field(gt=0)]
    label: str = ""
    source: str

    @model_validator(mode="after")
    def _ordered(self) -> DensityBand:
        if self.high <= self.low:
            raise InvalidInputError("high", "must exceed low")
        return self


class EurRate(ValueObject):
    """Euros per unit of a currency."""

    eur_per_unit: Annotated[float, Field(gt=0)]
    source: str


class ValueDensityConfig(RuleConfig):
    """Configuration of :class:`ValueDensityRule`.

    Attributes
    ----------
    bands
        By two-digit HS chapter (``"85"``).
    eur_rates
        By ISO 4217 code.
    below_outcome, below_severity
        A density below the band (default RED, medium).
    above_outcome, above_severity
        A density above the band (default RFI, low).
    """

    agency: Agency = Agency.CUSTOMS
    bands: Mapping[Annotated[str, Field(pattern=r"^\d{2}$")], DensityBand]
    eur_rates: Mapping[Annotated[str, Field(pattern=r"^[A-Z]{3}$")], EurRate]
    below_outcome: Outcome = Outcome.RED
    below_severity: Severity = Severity.MEDIUM
    above_outcome: Outcome = Outcome.RFI
    above_severity: Severity = Severity.LOW

    def citations(self) -> Iterable[tuple[str, str]]:
        """Every band's and every rate's ``source``."""
        for chapter, band in self.bands.items():
            yield f"bands.{chapter}.source", band.source
        for code, rate in self.eur_rates.items():
            yield f"eur_rates.{code}.source", rate.source


class ValueDensityRule(BaseRule[ValueDensityConfig]):
    """Declared value per kg against the band of the HS chapter."""

    name = "value_density"

    def __init__(self, config: ValueDensityConfig) -> None:
        super().__init__(config)
        self._bands = dict(config.bands)
        self._rates = {code: rate.eur_per_unit for code, rate in config.eur_rates.items()}
        self._currencies = load_code_lists().currencies

    @classmethod
    def default(cls) -> ValueDensityRule:
        """Build the rule with the packaged bands and rates."""
        return cls(packaged_config(ValueDensityConfig, "value_density"))

    def check(self, consignment: Consignment) -> list[RuleHit]:
        """Return a hit when the value density lies outside the chapter's band.

        Messages read ``"declared value EUR 0.2/kg (EUR 10 for 50 kg) is below the band
        EUR 2-20000/kg of HS chapter 85 (electrical machinery and electronics)"``; details
        hold ``eur_per_kg``, ``low``, ``high`` and ``chapter``.
        """
        return self._check_values(
            consignment.declared_value,
            consignment.currency,
            consignment.gross_weight_kg,
            consignment.hs_code,
        )

    def check_batch(self, consignments: Sequence[Consignment]) -> list[list[RuleHit]]:
        """Return every consignment's hits (one pass over the batch's columns)."""
        columns = consignment_columns(consignments, _FIELDS)
        check = self._check_values
        return [check(*values) for values in zip(*(columns[f] for f in _FIELDS), strict=True)]

    def _check_values(
        self,
        value: float | None,
        currency: str | None,
        weight: float | None,
        hs: str | None,
    ) -> list[RuleHit]:
        if value is None or currency is None or weight is None or hs is None:
            return []
        band = self._bands.get(hs[:2])
        if band is None:
            return []
        rate = self._rates.get(currency)
        if rate is None:
            if currency not in self._currencies:
                return []
            return [
                self.hit(
                    Severity.INFO,
                    Outcome.NONE,
                    f"no EUR rate for {currency}; value density not assessed",
                    ("currency",),
                )
            ]
        eur = value * rate
        density = eur / weight
        if band.low <= density <= band.high:
            return []
        below = density < band.low
        chapter = hs[:2]
        label = f" ({band.label})" if band.label else ""
        return [
            self.hit(
                self.config.below_severity if below else self.config.above_severity,
                self.config.below_outcome if below else self.config.above_outcome,
                f"declared value EUR {density:.4g}/kg (EUR {eur:.6g} for {weight:g} kg) is"
                f" {'below' if below else 'above'} the band EUR {band.low:g}-{band.high:g}/kg"
                f" of HS chapter {chapter}{label}",
                ("declared_value", "gross_weight_kg", "hs_code"),
                {"eur_per_kg": density, "low": band.low, "high": band.high, "chapter": chapter},
            )
        ]
