"""SmartGate's rules and the one-stop rule set that runs them all in one pass.

Each rule is a small module an agency owns and configures (``sanctions``,
``denied_parties``, ``data_quality`` and ``value_density`` for customs,
``dangerous_goods`` for security, ``product_safety`` for NVWA/ILT). A :class:`RuleSet`
runs any number of them over a consignment, or a batch, and returns every hit: one pass,
one list, one decision for all agencies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate.consignment import Consignment, as_batch
from smartlogistics.smartgate.rules.base import (
    Agency,
    BaseRule,
    Outcome,
    Rule,
    RuleConfig,
    RuleHit,
    Severity,
    load_config,
)
from smartlogistics.smartgate.rules.dangerous_goods import DangerousGoodsRule
from smartlogistics.smartgate.rules.data_quality import DataQualityRule
from smartlogistics.smartgate.rules.denied_parties import DeniedPartyRule
from smartlogistics.smartgate.rules.product_safety import ProductSafetyRule
from smartlogistics.smartgate.rules.sanctions import SanctionsRule
from smartlogistics.smartgate.rules.value_density import ValueDensityRule

__all__ = [
    "Agency",
    "BaseRule",
    "DangerousGoodsRule",
    "DataQualityRule",
    "DeniedPartyRule",
    "Outcome",
    "ProductSafetyRule",
    "Rule",
    "RuleConfig",
    "RuleHit",
    "RuleSet",
    "SanctionsRule",
    "Severity",
    "ValueDensityRule",
    "load_config",
]


class RuleSet:
    """Rules run together over each consignment, all hits returned.

    Parameters
    ----------
    rules
        The rules, each with a unique ``name``; their hits come in this order. A rule
        whose configuration says ``enabled: false`` is skipped but still versioned.

    Raises
    ------
    InvalidInputError
        ``rules[i].name`` when two rules share a name.
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        seen: set[str] = set()
        for i, rule in enumerate(self.rules):
            if rule.name in seen:
                raise InvalidInputError(f"rules[{i}].name", f"{rule.name!r} used twice")
            seen.add(rule.name)
        self._active = tuple(r for r in self.rules if _enabled(r))
        text = ";".join(f"{r.name}={r.version}" for r in self.rules)
        self._version = "rs-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
        self._versions = MappingProxyType({r.name: r.version for r in self.rules})

    @classmethod
    def default(cls) -> RuleSet:
        """All six rules with their packaged configurations (customs, security, NVWA)."""
        return cls(
            [
                DataQualityRule.default(),
                SanctionsRule.default(),
                DeniedPartyRule.default(),
                DangerousGoodsRule.default(),
                ValueDensityRule.default(),
                ProductSafetyRule.default(),
            ]
        )

    @property
    def version(self) -> str:
        """``"rs-"`` and 12 hex digits of the SHA-256 of every rule's name and version."""
        return self._version

    @property
    def versions(self) -> Mapping[str, str]:
        """Version of each rule by name (read-only; shared by all decisions)."""
        return self._versions

    def check(self, consignment: Consignment) -> list[RuleHit]:
        """All hits of all enabled rules on one consignment, in rule order."""
        hits: list[RuleHit] = []
        for rule in self._active:
            hits.extend(rule.check(consignment))
        return hits

    def check_batch(self, consignments: Sequence[Consignment]) -> list[list[RuleHit]]:
        """All hits per consignment, in order; each rule sees the whole batch at once.

        The batch is wrapped in a :class:`~smartlogistics.smartgate.consignment.ConsignmentBatch`
        so that the rules share its columns.
        """
        batch = as_batch(consignments)
        out: list[list[RuleHit]] = [[] for _ in batch]
        for rule in self._active:
            for hits, found in zip(out, rule.check_batch(batch), strict=True):
                if found:
                    hits.extend(found)
        return out


def _enabled(rule: Rule) -> bool:
    config = getattr(rule, "config", None)
    return not isinstance(config, RuleConfig) or config.enabled
