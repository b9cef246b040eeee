"""Controlled goods for product safety: what NVWA (and ILT) must see at the border.

Owned by product safety. Live animals, products of animal origin and plants from outside
the EU go through a border control post with their own documents (CHED-A, CHED-P,
CHED-PP, Regulation (EU) 2017/625). The rule matches the HS code against configured
prefixes (``data/product_safety.yaml``) for consignors outside ``exempt_countries`` (the
EU by default) and reports the entry's outcome: by default live animals go RED (an
identity and physical check), the others are ``info`` hits, so NVWA sees them in the one
decision without taking inspection capacity. The consignor's country stands in for the
country of origin, which the 7+1 does not carry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated

from pydantic import Field

from smartlogistics.smartgate.consignment import Consignment
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

__all__ = ["ControlledGoods", "ProductSafetyConfig", "ProductSafetyRule"]


class ControlledGoods(ValueObject):
    """A class of goods under border control.

    Attributes
    ----------
    id, label
        Identifier and name.
    hs_prefixes
        HS code prefixes (2 to 6 digits) that belong to it.
    outcome, severity
        What a matching consignment gets.
    message
        What the officer is told.
    source
        Citation or ``assumption: why``.
    """

    id: Annotated[str, Field(min_length=1)]
    label: Annotated[str, Field(min_length=1)]
    hs_prefixes: Annotated[
        tuple[Annotated[str, Field(pattern=r"^\d{2,6}$")], ...], Field(min_length=1)
    ]
    outcome: Outcome
    severity: Severity
    message: Annotated[str, Field(min_length=1)]
    source: str


class ProductSafetyConfig(RuleConfig):
    """Configuration of :class:`ProductSafetyRule`.

    Attributes
    ----------
    exempt_countries
        Consignor countries whose goods need no border control (the EU); cited by
        ``exempt_source``.
    entries
        The controlled goods, checked in order; the first match wins.
    """

    agency: Agency = Agency.PRODUCT_SAFETY
    exempt_countries: frozenset[Annotated[str, Field(pattern=r"^[A-Z]{2}$")]] = frozenset()
    exempt_source: str = "assumption: no exempt countries configured"
    entries: tuple[ControlledGoods, ...] = ()

    def citations(self) -> Iterable[tuple[str, str]]:
        """Yield the exempt list's and every entry's ``source``."""
        yield "exempt_source", self.exempt_source
        for i, entry in enumerate(self.entries):
            yield f"entries[{i}].source", entry.source


class ProductSafetyRule(BaseRule[ProductSafetyConfig]):
    """HS codes under veterinary or phytosanitary border control, from outside the EU."""

    name = "product_safety"

    def __init__(self, config: ProductSafetyConfig) -> None:
        super().__init__(config)
        self._entries = [(tuple(e.hs_prefixes), e) for e in config.entries]

    @classmethod
    def default(cls) -> ProductSafetyRule:
        """Build the rule with the packaged entries."""
        return cls(packaged_config(ProductSafetyConfig, "product_safety"))

    def check(self, consignment: Consignment) -> list[RuleHit]:
        """Return the first matching entry's hit.

        The message reads ``"HS 010619 (live animals) from BR: live animals need an
        identity and physical check ..."``.
        """
        return self._check_values(consignment.hs_code, consignment.consignor_country)

    def check_batch(self, consignments: Sequence[Consignment]) -> list[list[RuleHit]]:
        """Return every consignment's hits, checking each distinct HS/country pair once."""
        return self.batch_by_fields(
            consignments, ("hs_code", "consignor_country"), self._check_values
        )

    def _check_values(self, hs: str | None, country: str | None) -> list[RuleHit]:
        if hs is None:
            return []
        if country is not None and country in self.config.exempt_countries:
            return []
        for prefixes, entry in self._entries:
            if hs.startswith(prefixes):
                origin = f"from {country}" if country else "from an undeclared country"
                return [
                    self.hit(
                        entry.severity,
                        entry.outcome,
                        f"HS {hs} ({entry.label}) {origin}: {entry.message}",
                        ("hs_code", "consignor_country"),
                        {"entry": entry.id},
                    )
                ]
        return []
