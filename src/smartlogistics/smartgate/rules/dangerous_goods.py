"""Dangerous-goods signals: a description that speaks of DG the declared data do not declare.

Owned by security (KMar and aviation security; ILT for dangerous goods by air). Undeclared
dangerous goods (lithium batteries declared as toys, perfume as cosmetics samples) are
the classic air-safety risk. The rule searches the goods description for configured
signals (``data/dangerous_goods.yaml``: lithium batteries, explosives, flammables,
perfume, gases, toxics and corrosives, radioactive material, dry ice) and for UN numbers
(``UN3480``). A signal is *declared* when the consignment's HS code starts with one of
the signal's declaring prefixes (a lithium battery under 8507); an undeclared signal, or
any signal without an HS code, is a RED hit for screening. A UN number counts as declared
when the HS code declares any signal.

All patterns are compiled once into one case-insensitive regular expression with a named
group per signal, so a description is scanned in a single pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from smartlogistics.errors import InvalidInputError
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

__all__ = ["DangerousGoodsConfig", "DangerousGoodsRule", "DgSignal"]


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a regular expression: {exc}") from None
    return pattern


class DgSignal(ValueObject):
    """One dangerous-goods signal.

    Attributes
    ----------
    id
        Identifier (a Python identifier: it names a regex group).
    label
        What it stands for, in the hit's message.
    patterns
        Regular expressions, matched case-insensitively on word boundaries.
    declaring_hs
        HS code prefixes (chapter, heading or subheading) that declare these goods.
    source
        Citation or ``assumption: why``.
    """

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    label: Annotated[str, Field(min_length=1)]
    patterns: Annotated[tuple[str, ...], Field(min_length=1)]
    declaring_hs: tuple[Annotated[str, Field(pattern=r"^\d{2,6}$")], ...] = ()
    source: str

    @field_validator("patterns")
    @classmethod
    def _valid(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for i, pattern in enumerate(value):
            try:
                _compiles(pattern)
            except ValueError as exc:
                raise InvalidInputError(f"[{i}]", str(exc)) from None
        return value


class DangerousGoodsConfig(RuleConfig):
    r"""Configuration of :class:`DangerousGoodsRule`.

    Attributes
    ----------
    signals
        The signals (ids unique).
    un_number_pattern
        Regular expression of a UN number (``UN ?-?\d{4}``); ``un_source`` cites it.
    outcome, severity
        What an undeclared signal gets (default RED, high).
    """

    agency: Agency = Agency.SECURITY
    signals: tuple[DgSignal, ...] = ()
    un_number_pattern: str = r"UN ?-?\d{4}"
    un_source: str = "assumption: UN numbers identify dangerous goods"
    outcome: Outcome = Outcome.RED
    severity: Severity = Severity.HIGH

    @field_validator("un_number_pattern")
    @classmethod
    def _valid(cls, value: str) -> str:
        return _compiles(value)

    @model_validator(mode="after")
    def _unique(self) -> DangerousGoodsConfig:
        seen: set[str] = {"un_number"}
        for i, signal in enumerate(self.signals):
            if signal.id in seen:
                raise InvalidInputError(f"signals[{i}].id", f"{signal.id!r} used twice")
            seen.add(signal.id)
        return self

    def citations(self) -> Iterable[tuple[str, str]]:
        """Every signal's ``source`` and the UN number's."""
        yield "un_source", self.un_source
        for i, signal in enumerate(self.signals):
            yield f"signals[{i}].source", signal.source


class DangerousGoodsRule(BaseRule[DangerousGoodsConfig]):
    """Dangerous-goods words or UN numbers in a description whose HS code does not declare DG."""

    name = "dangerous_goods"

    def __init__(self, config: DangerousGoodsConfig) -> None:
        super().__init__(config)
        groups = [
            f"(?P<{s.id}>" + "|".join(f"(?:{p})" for p in s.patterns) + ")" for s in config.signals
        ]
        groups.append(f"(?P<un_number>{config.un_number_pattern})")
        self._regex = re.compile(r"\b(?:" + "|".join(groups) + r")\b", re.IGNORECASE)
        self._signals = {s.id: s for s in config.signals}
        self._all_declaring = tuple(p for s in config.signals for p in s.declaring_hs)

    @classmethod
    def default(cls) -> DangerousGoodsRule:
        """Build the rule with the packaged signals."""
        return cls(packaged_config(DangerousGoodsConfig, "dangerous_goods"))

    def check(self, consignment: Consignment) -> list[RuleHit]:
        """Return one hit per undeclared signal found in the description.

        Messages read ``"description mentions lithium batteries ('Li-ion') but HS 950300
        does not declare them"`` or ``"... ('UN3480') but no HS code declares them"``;
        details hold the ``signal`` id and the ``matched`` text.
        """
        return self._check_values(consignment.description, consignment.hs_code)

    def check_batch(self, consignments: Sequence[Consignment]) -> list[list[RuleHit]]:
        """Return every consignment's hits, scanning each distinct description/HS pair once."""
        return self.batch_by_fields(consignments, ("description", "hs_code"), self._check_values)

    def _check_values(self, description: str | None, hs: str | None) -> list[RuleHit]:
        if description is None:
            return []
        found: dict[str, str] = {}
        for match in self._regex.finditer(description):
            group = match.lastgroup
            if group is not None and group not in found:
                found[group] = match.group(0)
        if not found:
            return []
        hits: list[RuleHit] = []
        for group, text in found.items():
            if group == "un_number":
                label, declaring = "a UN number", self._all_declaring
            else:
                signal = self._signals[group]
                label, declaring = signal.label, signal.declaring_hs
            if hs is not None and hs.startswith(declaring):
                continue
            where = f"HS {hs} does not declare them" if hs else "no HS code declares them"
            hits.append(
                self.hit(
                    self.config.severity,
                    self.config.outcome,
                    f"description mentions {label} ({text!r}) but {where}",
                    ("description", "hs_code"),
                    {"signal": group, "matched": text},
                )
            )
        return hits
