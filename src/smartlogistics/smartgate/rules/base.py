"""What every SmartGate rule shares: hits, severities, outcomes, agencies, configs.

A rule is a small named module that one agency owns and configures (customs, security =
the Royal Marechaussee (KMar) and aviation security, product safety = NVWA and ILT). It
looks at one :class:`~smartlogistics.smartgate.consignment.Consignment` and returns its
:class:`RuleHit` objects: what it found, how serious it is and which lane it suggests
(``none``, ``RFI``, ``RED`` or ``DNL``). The decision (``smartgate.decision``) combines
the suggestions of all rules with the risk model's score; a rule never decides alone.

Each rule's configuration is a :class:`RuleConfig` (a pydantic value object) loadable from
YAML or JSON (:func:`load_config`); the defaults are package data under
``smartgate/data/``, where every list entry carries a ``source`` that names a citation of
the file's ``sources`` table or says ``assumption: why`` (checked on load).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Generic, Protocol, TypeVar, runtime_checkable

import yaml
from pydantic import Field, model_validator

from smartlogistics.errors import InvalidInputError
from smartlogistics.provenance import Source, check_source
from smartlogistics.smartgate.consignment import Consignment, consignment_columns
from smartlogistics.values import ValueObject, parse_model

__all__ = [
    "Agency",
    "BaseRule",
    "Outcome",
    "Rule",
    "RuleConfig",
    "RuleHit",
    "Severity",
    "load_config",
]


class Severity(StrEnum):
    """How serious a hit is, from ``info`` to ``critical`` (ordered: see :attr:`rank`)."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for ``info`` up to 4 for ``critical``."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}


class Outcome(StrEnum):
    """The lane a hit suggests: nothing, a request for information, red, or do not load.

    The values are the lane names (``RFI``, ``RED``, ``DNL``) so that a hit reads as the
    decision it pushes towards; ``none`` is a hit that only informs.
    """

    NONE = "none"
    RFI = "RFI"
    RED = "RED"
    DNL = "DNL"


class Agency(StrEnum):
    """The agency that owns a rule (one inspection for all of them at the JIC)."""

    CUSTOMS = "customs"
    SECURITY = "security"
    PRODUCT_SAFETY = "product_safety"


@dataclass(frozen=True, slots=True)
class RuleHit:
    """One finding of one rule on one consignment.

    Attributes
    ----------
    rule
        Name of the rule (``"sanctions"``).
    agency
        The agency that owns the rule and acts on the hit.
    severity
        How serious it is.
    outcome
        The lane it suggests (``none`` only informs).
    message
        What was found, in words an officer can act on.
    fields
        The consignment fields the hit concerns (``("consignee_name",)``).
    details
        Machine-readable extras, e.g. the matched list entry and its score.
    """

    rule: str
    agency: Agency
    severity: Severity
    outcome: Outcome
    message: str
    fields: tuple[str, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form."""
        out: dict[str, Any] = {
            "rule": self.rule,
            "agency": self.agency.value,
            "severity": self.severity.value,
            "outcome": self.outcome.value,
            "message": self.message,
            "fields": list(self.fields),
        }
        if self.details:
            out["details"] = dict(self.details)
        return out


class RuleConfig(ValueObject):
    """Base of every rule's configuration.

    Attributes
    ----------
    version
        Version of the configuration (bumped by its owner when the list changes); part of
        every decision's rule-set version.
    agency
        The owning agency; each rule has its default.
    enabled
        A disabled rule is skipped (and still listed in the rule-set version).
    sources
        Citations by id, for the ``source`` strings of the entries.
    """

    version: str = Field(min_length=1, max_length=40)
    agency: Agency
    enabled: bool = True
    sources: Mapping[str, Source] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _source_ids(cls, data: Any) -> Any:
        # In files the ids are the keys of ``sources``; put them into the entries too.
        if isinstance(data, dict) and isinstance(data.get("sources"), dict):
            sources = {
                key: ({"id": key, **value} if isinstance(value, dict) else value)
                for key, value in data["sources"].items()
            }
            data = {**data, "sources": sources}
        return data

    @model_validator(mode="after")
    def _cited(self) -> RuleConfig:
        for path, text in self.citations():
            check_source(text, self.sources, path)
        return self

    def citations(self) -> Iterable[tuple[str, str]]:
        """Yield ``(field path, source string)`` for every cited entry (override)."""
        return ()

    def fingerprint(self) -> str:
        """SHA-256 (hex, 12 characters) of the configuration's canonical JSON."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


C = TypeVar("C", bound=RuleConfig)


def load_config(cls: type[C], source: str | Path | Mapping[str, Any]) -> C:
    """Load a rule configuration from a YAML or JSON file, or from a mapping.

    Parameters
    ----------
    cls
        The configuration class.
    source
        A path (``.yaml``, ``.yml`` or ``.json``) or the parsed mapping.

    Returns
    -------
    C
        The validated configuration.

    Raises
    ------
    InvalidInputError
        ``file`` when the file cannot be read or parsed, else the first bad field
        (``entries[3].source: unknown source 'x'``).
    """
    if isinstance(source, Mapping):
        data: object = dict(source)
    else:
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InvalidInputError("file", f"cannot read {str(path)!r}: {exc.strerror}") from None
        try:
            data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
        except (json.JSONDecodeError, yaml.YAMLError) as exc:
            raise InvalidInputError("file", f"{str(path)!r} is not valid: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidInputError("file", "a rule configuration must be a mapping")
    data.pop("schema_version", None)
    data.pop("rule", None)
    return parse_model(cls, data)


def packaged_config(cls: type[C], name: str) -> C:
    """Load the default configuration ``smartgate/data/<name>.yaml``."""
    text = (resources.files("smartlogistics.smartgate") / "data" / f"{name}.yaml").read_text(
        encoding="utf-8"
    )
    data = yaml.safe_load(text)
    return load_config(cls, data)


@runtime_checkable
class Rule(Protocol):
    """What the rule set needs of a rule."""

    @property
    def name(self) -> str:
        """Unique name of the rule."""
        ...

    @property
    def version(self) -> str:
        """Version of the rule and its configuration."""
        ...

    @property
    def agency(self) -> Agency:
        """The owning agency."""
        ...

    def check(self, consignment: Consignment) -> list[RuleHit]:
        """Return the rule's hits on one consignment (empty when it finds nothing)."""
        ...

    def check_batch(self, consignments: Sequence[Consignment]) -> list[list[RuleHit]]:
        """Return the hits of every consignment, in order (may be vectorised)."""
        ...


class BaseRule(Generic[C]):
    """A rule with a configuration: name, version and agency come from class and config.

    Subclasses set :attr:`name` and :attr:`rule_version` (the code's version, bumped when
    the logic changes) and implement :meth:`check`; :attr:`version` is
    ``"<rule_version>/<config version>+<config fingerprint>"``, so a changed list changes
    every decision's rule-set version even if nobody bumped the number.
    """

    name: ClassVar[str]
    rule_version: ClassVar[str] = "1"

    def __init__(self, config: C) -> None:
        self.config = config
        self._version = f"{self.rule_version}/{config.version}+{config.fingerprint()}"

    @property
    def version(self) -> str:
        """Code version, config version and config fingerprint."""
        return self._version

    @property
    def agency(self) -> Agency:
        """The owning agency (from the configuration)."""
        return self.config.agency

    def check(self, consignment: Consignment) -> list[RuleHit]:
        """Return the rule's hits on one consignment."""
        raise NotImplementedError

    def check_batch(self, consignments: Sequence[Consignment]) -> list[list[RuleHit]]:
        """Return the hits of every consignment (a loop; vectorised rules override)."""
        check = self.check
        return [check(c) for c in consignments]

    def batch_by_fields(
        self,
        consignments: Sequence[Consignment],
        fields: Sequence[str],
        check_values: Callable[..., list[RuleHit]],
    ) -> list[list[RuleHit]]:
        """Run ``check_values(*values)`` once per distinct combination of ``fields`` in a batch.

        For rules whose hits depend only on a few fields (countries and airports, the
        description and HS code): consignments that share those values share the result
        (hits are immutable), so a batch costs one dictionary look-up a consignment plus
        one check per distinct combination. Every consignment gets its own list.

        Parameters
        ----------
        consignments
            The batch.
        fields
            The consignment fields the rule reads, in ``check_values``'s argument order.
        check_values
            The rule's check on those values (what :meth:`check` runs on one consignment).

        Returns
        -------
        list of list of RuleHit
            Per consignment, in order.
        """
        columns = consignment_columns(consignments, fields)
        memo: dict[tuple[Any, ...], list[RuleHit]] = {}
        out: list[list[RuleHit]] = []
        append = out.append
        for key in zip(*(columns[name] for name in fields), strict=True):
            hits = memo.get(key)
            if hits is None:
                hits = memo[key] = check_values(*key)
            append(list(hits) if hits else [])
        return out

    def hit(
        self,
        severity: Severity,
        outcome: Outcome,
        message: str,
        fields: tuple[str, ...],
        details: Mapping[str, Any] | None = None,
    ) -> RuleHit:
        """Make a hit of this rule."""
        return RuleHit(self.name, self.agency, severity, outcome, message, fields, details or {})
