"""Units of the insight tables, and how their spellings are compared.

A CSV column may carry its unit in its header (``share [1]``), and some tables have a
``unit`` column (KPI series, volumes). Either must name the unit the model expects; a
different one is refused rather than converted, because a silently rescaled number is
worse than an error. A few spellings of each unit are accepted (``t``, ``tonnes``).
"""

from __future__ import annotations

from typing import Final

__all__ = ["UNIT_SPELLINGS", "canonical_unit", "same_unit"]

#: Canonical unit -> accepted spellings (compared in lower case without blanks).
UNIT_SPELLINGS: Final[dict[str, tuple[str, ...]]] = {
    "1": ("1", "fraction", "share", "-"),
    "%": ("%", "percent", "pct"),
    "pp": ("pp", "percentagepoints", "percentagepoint"),
    "t": ("t", "tonne", "tonnes", "ton", "tons"),
    "t/year": ("t/year", "t/yr", "t/a", "tonnes/year", "tonnesperyear", "t/y"),
    "TEU": ("teu",),
    "TEU/year": ("teu/year", "teu/yr", "teu/a", "teu/y"),
    "h": ("h", "hour", "hours", "hr"),
    "min": ("min", "minute", "minutes"),
    "kg": ("kg", "kilogram", "kilograms"),
    "kg CO2e": ("kgco2e", "kgco2-e", "kgco2eq"),
    "kg CO2e/t": ("kgco2e/t", "kgco2e/tonne", "kgco2eq/t"),
    "persons": ("persons", "person", "people", "jobs", "headcount"),
    "persons/year": ("persons/year", "persons/yr", "persons/a", "personsperyear", "persons/y"),
    "1/year": ("1/year", "1/yr", "/year", "/yr", "peryear", "1/a", "1/y"),
    "years": ("years", "year", "yr", "yrs", "a", "y"),
    "EUR m": ("eurm", "meur", "eurmillion", "millioneur"),
}

_LOOKUP: Final[dict[str, str]] = {
    spelling: unit for unit, spellings in UNIT_SPELLINGS.items() for spelling in spellings
}


def _key(text: str) -> str:
    return "".join(text.split()).lower()


def canonical_unit(text: str) -> str | None:
    """Return the canonical unit of a spelling (``"tonnes"`` -> ``"t"``), or ``None``."""
    return _LOOKUP.get(_key(text))


def same_unit(given: str, expected: str) -> bool:
    """Whether ``given`` names ``expected`` (a canonical unit or any unit text).

    Units outside :data:`UNIT_SPELLINGS` (a segment's own throughput unit, say
    ``stems``) match when they are equal ignoring case and blanks.
    """
    return (canonical_unit(given) or _key(given)) == (canonical_unit(expected) or _key(expected))
