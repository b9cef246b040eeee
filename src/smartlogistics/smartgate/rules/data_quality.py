"""Data quality: whether the filing is complete and plausible enough to be assessed.

Owned by customs. ICS2 cannot assess a consignment without its pre-loading "7+1" data, and
a description like "gifts" says nothing an officer or a model can use. All hits of this
rule suggest an RFI (request for information, CSN 7H): the filer must complete or correct
the data before the consignment can be released, so missing data is never a silent green.

Checks (defaults in ``data/data_quality.yaml``):

- missing 7+1 elements (:data:`~smartlogistics.smartgate.consignment.PLACI_ELEMENTS`):
  one hit naming exactly the missing fields;
- a vague description: nothing but vague terms ("gifts", "spare parts", "general cargo")
  and filler words ("and", "of", "boxes");
- an impossible weight per piece, below ``min_kg_per_piece`` or above ``max_kg_per_piece``;
- a currency that is not an ISO 4217 code (well-formed but unknown, e.g. ``"EUX"``);
- a master air waybill number of the IATA form (3-digit prefix, 8-digit serial) whose
  check digit is wrong, or that is not of that form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Annotated, Any

from pydantic import Field, model_validator

from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate.consignment import (
    PLACI_ELEMENTS,
    Consignment,
    consignment_columns,
    load_code_lists,
)
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

__all__ = ["CitedNumber", "DataQualityConfig", "DataQualityRule", "VagueTerm"]

_NON_WORD = re.compile(r"[^\w&]+")
_AWB = re.compile(r"^(\d{3})-?(\d{7})(\d)$")


class CitedNumber(ValueObject):
    """A configured number with its ``source``."""

    value: Annotated[float, Field(ge=0)]
    source: str


class VagueTerm(ValueObject):
    """A description term that says nothing of the goods, with its ``source``."""

    term: Annotated[str, Field(min_length=1)]
    source: str


class DataQualityConfig(RuleConfig):
    """Configuration of :class:`DataQualityRule`.

    Attributes
    ----------
    required_elements
        The fields whose absence is an RFI (default: the 7+1, house and master AWB).
    min_kg_per_piece, max_kg_per_piece
        Plausible weight per piece, kg.
    vague_descriptions
        Terms that are vague on their own (matched on whole words, case-insensitive).
    filler_words
        Words that add nothing to a description; ``filler_source`` cites them.
    check_master_awb
        Whether to check the master AWB's IATA form and check digit (``master_awb_source``).
    missing_severity, vague_severity, weight_severity, currency_severity, awb_severity
        Severities of the hits (all suggest RFI).
    """

    agency: Agency = Agency.CUSTOMS
    required_elements: tuple[str, ...] = PLACI_ELEMENTS
    min_kg_per_piece: CitedNumber
    max_kg_per_piece: CitedNumber
    vague_descriptions: tuple[VagueTerm, ...] = ()
    filler_words: tuple[str, ...] = ()
    filler_source: str = "assumption: no filler words configured"
    check_master_awb: bool = True
    master_awb_source: str = "assumption: IATA check digit rule"
    missing_severity: Severity = Severity.MEDIUM
    vague_severity: Severity = Severity.MEDIUM
    weight_severity: Severity = Severity.MEDIUM
    currency_severity: Severity = Severity.MEDIUM
    awb_severity: Severity = Severity.LOW

    @model_validator(mode="after")
    def _consistent(self) -> DataQualityConfig:
        known = set(Consignment.model_fields) - {"id"}
        for i, name in enumerate(self.required_elements):
            if name not in known:
                raise InvalidInputError(f"required_elements[{i}]", f"unknown field {name!r}")
        if self.max_kg_per_piece.value <= self.min_kg_per_piece.value:
            raise InvalidInputError("max_kg_per_piece.value", "must exceed min_kg_per_piece")
        return self

    def citations(self) -> Iterable[tuple[str, str]]:
        """Yield the weight limits', vague terms', filler words' and AWB rule's sources."""
        yield "min_kg_per_piece.source", self.min_kg_per_piece.source
        yield "max_kg_per_piece.source", self.max_kg_per_piece.source
        for i, term in enumerate(self.vague_descriptions):
            yield f"vague_descriptions[{i}].source", term.source
        yield "filler_source", self.filler_source
        yield "master_awb_source", self.master_awb_source


def _words(text: str) -> list[str]:
    return _NON_WORD.sub(" ", text.casefold()).split()


class DataQualityRule(BaseRule[DataQualityConfig]):
    """Missing 7+1 data, vague descriptions, impossible weights, unknown currencies, bad AWBs."""

    name = "data_quality"

    def __init__(self, config: DataQualityConfig) -> None:
        super().__init__(config)
        self._vague_phrases = frozenset(" ".join(_words(t.term)) for t in config.vague_descriptions)
        self._vague_words = frozenset(w for t in config.vague_descriptions for w in _words(t.term))
        self._filler = frozenset(w.casefold() for w in config.filler_words)
        self._currencies = load_code_lists().currencies
        self._required = config.required_elements
        self._min = config.min_kg_per_piece.value
        self._max = config.max_kg_per_piece.value

    @classmethod
    def default(cls) -> DataQualityRule:
        """Build the rule with the packaged configuration."""
        return cls(packaged_config(DataQualityConfig, "data_quality"))

    def is_vague(self, description: str) -> bool:
        """Whether ``description`` is only vague terms and filler words.

        ``"Gifts"``, ``"spare parts"``, ``"Samples & gifts"``, ``"general cargo"`` and
        ``"3 boxes"`` are vague; ``"cotton T-shirts"`` and ``"spare parts for Boeing 737
        landing gear"`` are not (they name goods).
        """
        words = _words(description)
        if not words:
            return True
        if " ".join(words) in self._vague_phrases:
            return True
        content = [w for w in words if w not in self._filler]
        return all(w in self._vague_words for w in content)

    def check(self, consignment: Consignment) -> list[RuleHit]:
        """Return the data-quality hits (each suggests an RFI).

        Messages: ``"missing ICS2 pre-loading (7+1) data: consignor_address, house_awb"``;
        ``"description 'Gifts' is too vague to assess (ICS2 refuses generic terms)"``;
        ``"0.005 kg per piece (0.01 kg over 2 pieces) is below the plausible minimum of
        0.01 kg"``; ``"currency 'EUX' is not an ISO 4217 code"``; ``"master_awb
        '074-12345678' fails the IATA check digit (1234567 mod 7 = 5, not 8)"``.
        """
        required = tuple(getattr(consignment, name) for name in self._required)
        description = consignment.description
        master = consignment.master_awb
        return self._check_values(
            required,
            description,
            description is not None and self.is_vague(description),
            consignment.gross_weight_kg,
            consignment.pieces,
            consignment.currency,
            _awb_problem(master) if self.config.check_master_awb and master is not None else "",
        )

    def check_batch(self, consignments: Sequence[Consignment]) -> list[list[RuleHit]]:
        """Return every consignment's hits; descriptions and master AWBs judged once each.

        Gives the same hits as :meth:`check` on each consignment.
        """
        if not consignments:
            return []
        own = ("description", "gross_weight_kg", "pieces", "currency", "master_awb")
        columns = consignment_columns(consignments, tuple(dict.fromkeys((*self._required, *own))))
        descriptions = columns["description"]
        vague: dict[str | None, bool] = {None: False}
        vague.update((d, self.is_vague(d)) for d in set(descriptions) if d is not None)
        masters = columns["master_awb"]
        awb: dict[str | None, str] = {None: ""}
        if self.config.check_master_awb:
            awb.update((m, _awb_problem(m)) for m in set(masters) if m is not None)
        required: Iterable[tuple[Any, ...]] = (
            zip(*(columns[name] for name in self._required), strict=True)
            if self._required
            else [()] * len(consignments)
        )
        check = self._check_values
        return [
            check(
                req, description, vague[description], weight, pieces, currency, awb.get(master, "")
            )
            for req, description, weight, pieces, currency, master in zip(
                required,
                descriptions,
                columns["gross_weight_kg"],
                columns["pieces"],
                columns["currency"],
                masters,
                strict=True,
            )
        ]

    def _check_values(
        self,
        required: tuple[Any, ...],
        description: str | None,
        is_vague: bool,
        weight: float | None,
        pieces: int | None,
        currency: str | None,
        awb_problem: str,
    ) -> list[RuleHit]:
        cfg = self.config
        hits: list[RuleHit] = []
        if None in required:
            missing = [
                name for name, value in zip(self._required, required, strict=True) if value is None
            ]
            hits.append(
                self.hit(
                    cfg.missing_severity,
                    Outcome.RFI,
                    f"missing ICS2 pre-loading (7+1) data: {', '.join(missing)}",
                    tuple(missing),
                    {"missing": missing},
                )
            )
        if is_vague:
            hits.append(
                self.hit(
                    cfg.vague_severity,
                    Outcome.RFI,
                    f"description {description!r} is too vague to assess"
                    " (ICS2 refuses generic terms)",
                    ("description",),
                )
            )
        if weight is not None and pieces is not None:
            per_piece = weight / pieces
            if per_piece < self._min or per_piece > self._max:
                side, limit = (
                    ("below", "minimum") if per_piece < self._min else ("above", "maximum")
                )
                bound = self._min if per_piece < self._min else self._max
                hits.append(
                    self.hit(
                        cfg.weight_severity,
                        Outcome.RFI,
                        f"{per_piece:g} kg per piece ({weight:g} kg over {pieces} pieces) is"
                        f" {side} the plausible {limit} of {bound:g} kg",
                        ("gross_weight_kg", "pieces"),
                        {"kg_per_piece": per_piece},
                    )
                )
        if currency is not None and currency not in self._currencies:
            hits.append(
                self.hit(
                    cfg.currency_severity,
                    Outcome.RFI,
                    f"currency {currency!r} is not an ISO 4217 code",
                    ("currency",),
                )
            )
        if awb_problem:
            hits.append(
                self.hit(
                    cfg.awb_severity, Outcome.RFI, f"master_awb {awb_problem}", ("master_awb",)
                )
            )
        return hits


def _awb_problem(number: str) -> str:
    """Why ``number`` is not a valid IATA air waybill number (``""`` when it is)."""
    match = _AWB.match(number.replace(" ", ""))
    if match is None:
        return f"{number!r} is not an IATA air waybill number (3-digit prefix, 8-digit serial)"
    serial, check = int(match.group(2)), int(match.group(3))
    if serial % 7 != check:
        return (
            f"{number!r} fails the IATA check digit"
            f" ({match.group(2)} mod 7 = {serial % 7}, not {check})"
        )
    return ""
