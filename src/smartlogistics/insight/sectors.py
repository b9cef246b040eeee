"""Sector insight: shipments classified by HS code into the programme's seven sectors.

The mapping (``insight/data/sectors.yaml``) assigns HS chapters (2 digits), headings (4)
and subheadings (6) to Flowers, Food, High Tech, Life Sciences, Media, Aerospace and
Fashion; the **longest matching code wins** (heading 9018, medical instruments, is Life
Sciences although chapter 90 is High Tech), and a code no rule matches is ``Other``.

:func:`analyse_sectors` aggregates a table of :class:`Shipment` per sector: volumes by
mode and by origin and destination node, lead times (mean, median, 90th percentile),
clearance times (median, 95th percentile, over the shipments that report one), CO2e
(total and per tonne, over the shipments that report it) and the trend per period.
Percentiles interpolate linearly between order statistics (the common "type 7"
definition, as NumPy's default), so the median of 1, 2, 3, 4 is 2.5.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from smartlogistics.errors import InvalidInputError
from smartlogistics.insight._table import Column, TableSpec, read_rows
from smartlogistics.insight.periods import GRANULARITIES, Granularity, Period, parse_period
from smartlogistics.provenance import Source, check_source
from smartlogistics.values import ValueObject, parse_model

__all__ = [
    "MODES",
    "SECTORS",
    "SectorMapping",
    "SectorReport",
    "SectorRule",
    "SectorSummary",
    "Shipment",
    "analyse_sectors",
    "default_sector_mapping",
    "load_sector_mapping",
    "parse_mode",
    "quantile",
    "read_shipments",
]

#: The programme's seven sectors, then the rest.
SECTORS: tuple[str, ...] = (
    "Flowers",
    "Food",
    "High Tech",
    "Life Sciences",
    "Media",
    "Aerospace",
    "Fashion",
    "Other",
)

ModeName = Literal["road", "barge", "rail", "air", "sea"]
#: Transport modes, as the rest of the platform names them.
MODES: tuple[ModeName, ...] = ("road", "barge", "rail", "air", "sea")
_MODE_ALIASES: Mapping[str, ModeName] = {
    "truck": "road", "lorry": "road", "iww": "barge", "inland_waterway": "barge",
    "inland waterway": "barge", "train": "rail", "ship": "sea", "deep_sea": "sea",
}  # fmt: skip


def parse_mode(text: str) -> ModeName:
    """Read a mode: ``road``, ``barge``, ``rail``, ``air``, ``sea`` or an alias (``truck``).

    Raises
    ------
    ValueError
        For any other text, listing the modes.
    """
    key = text.strip().lower()
    for mode in MODES:
        if key == mode:
            return mode
    if key in _MODE_ALIASES:
        return _MODE_ALIASES[key]
    raise ValueError(f"unknown mode {text!r}; expected one of {', '.join(MODES)}")


class SectorRule(ValueObject):
    """One HS code (chapter, heading or subheading) assigned to a sector."""

    code: Annotated[str, Field(pattern=r"^(\d{2}|\d{4}|\d{6})$")]
    sector: str
    note: Annotated[str, Field(min_length=1)]
    source: Annotated[str, Field(min_length=1)]

    @field_validator("sector")
    @classmethod
    def _sector(cls, value: str) -> str:
        if value not in SECTORS:
            raise ValueError(f"unknown sector {value!r}; expected one of {', '.join(SECTORS)}")
        return value


class SectorMapping(ValueObject):
    """HS codes to sectors: the longest matching rule wins; no match is ``Other``."""

    sources: dict[str, Source]
    sectors: tuple[str, ...] = SECTORS
    rules: tuple[SectorRule, ...]

    @model_validator(mode="after")
    def _rules(self) -> SectorMapping:
        if self.sectors != SECTORS:
            raise InvalidInputError("sectors", f"must be {', '.join(SECTORS)}")
        seen: set[str] = set()
        for i, rule in enumerate(self.rules):
            check_source(rule.source, self.sources, f"rules[{i}].source")
            if rule.code in seen:
                raise InvalidInputError(f"rules[{i}].code", f"{rule.code} given twice")
            seen.add(rule.code)
        return self

    @functools.cached_property
    def _by_code(self) -> dict[str, SectorRule]:
        return {rule.code: rule for rule in self.rules}

    def rule_for(self, hs_code: str) -> SectorRule | None:
        """Return the rule of the longest code that ``hs_code`` starts with, or ``None``."""
        for digits in (6, 4, 2):
            rule = self._by_code.get(hs_code[:digits]) if len(hs_code) >= digits else None
            if rule is not None:
                return rule
        return None

    def classify(self, hs_code: str) -> str:
        """Return the sector of an HS code (``"Other"`` when no rule matches)."""
        rule = self.rule_for(hs_code)
        return "Other" if rule is None else rule.sector

    def to_json(self) -> dict[str, Any]:
        """Return the rules as plain JSON."""
        return {"sectors": list(SECTORS), "rules": [r.model_dump() for r in self.rules]}


def _mapping_from_doc(doc: object) -> SectorMapping:
    from smartlogistics.insight.labour_data import sources_with_ids

    if not isinstance(doc, dict):
        raise InvalidInputError("file", "expected a mapping with sources and rules")
    doc = {k: v for k, v in doc.items() if k != "schema_version"}
    doc["sources"] = sources_with_ids(doc.get("sources"))
    return parse_model(SectorMapping, doc)


@functools.cache
def default_sector_mapping() -> SectorMapping:
    """Return the packaged mapping (``insight/data/sectors.yaml``), parsed once."""
    import yaml

    text = (
        resources.files("smartlogistics.insight")
        .joinpath("data", "sectors.yaml")
        .read_text(encoding="utf-8")
    )
    return _mapping_from_doc(yaml.safe_load(text))


def load_sector_mapping(path: str | Path) -> SectorMapping:
    """Read an analyst's own mapping in the packaged file's format (YAML).

    Raises
    ------
    InvalidInputError
        The file name for an unreadable or malformed file; the rule's path otherwise.
    """
    import yaml

    target = Path(path)
    try:
        doc = yaml.safe_load(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInputError(str(target), "no such file") from None
    except yaml.YAMLError as exc:
        raise InvalidInputError(str(target), f"not valid YAML: {exc}") from None
    try:
        return _mapping_from_doc(doc)
    except InvalidInputError as err:
        raise InvalidInputError(f"{target}: {err.field}", err.problem) from None


class Shipment(ValueObject):
    """One shipment as sector insight reads it.

    Attributes
    ----------
    hs_code
        2 to 10 digits, an even number of them (HS chapter, heading, subheading, or a
        national 8/10-digit code, classified by its first six digits).
    mode
        ``road``, ``barge``, ``rail``, ``air`` or ``sea`` (aliases such as ``truck``).
    origin, destination
        Node names or codes (``SPL``, ``ACT``, ``PVG``).
    tonnes
        Gross weight (t).
    period
        ``YYYY``, ``YYYY-Qn``, ``YYYY-MM`` or a date.
    lead_time_h
        Door-to-door or node-to-node lead time (h).
    clearance_min, co2e_kg
        Customs clearance time (min) and well-to-wheel CO2e (kg), when known.
    """

    id: Annotated[str, Field(min_length=1)]
    hs_code: Annotated[str, Field(pattern=r"^(\d\d){1,5}$")]
    mode: ModeName
    origin: Annotated[str, Field(min_length=1)]
    destination: Annotated[str, Field(min_length=1)]
    tonnes: Annotated[float, Field(gt=0)]
    period: str
    lead_time_h: Annotated[float, Field(ge=0)]
    clearance_min: Annotated[float, Field(ge=0)] | None = None
    co2e_kg: Annotated[float, Field(ge=0)] | None = None

    @field_validator("mode", mode="before")
    @classmethod
    def _mode(cls, value: object) -> object:
        return parse_mode(value) if isinstance(value, str) else value

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        return str(parse_period(value))

    @property
    def when(self) -> Period:
        """The period, parsed."""
        return parse_period(self.period)

    def to_json(self) -> dict[str, Any]:
        """Return the shipment as plain JSON."""
        return self.model_dump(mode="json")


_SHIPMENTS = TableSpec(
    "shipment",
    "shipments",
    "shipments",
    (
        Column("id", "text"),
        Column("hs_code", "text"),
        Column("mode", "text"),
        Column("origin", "text"),
        Column("destination", "text"),
        Column("tonnes", unit="t"),
        Column("period", "text"),
        Column("lead_time_h", unit="h"),
        Column("clearance_min", unit="min", required=False),
        Column("co2e_kg", unit="kg CO2e", required=False),
    ),
)


def read_shipments(path: str | Path) -> list[Shipment]:
    """Read a shipments table (CSV or JSON; columns in ``docs/insight.md``).

    Header units, when written, must be ``tonnes [t]``, ``lead_time_h [h]``,
    ``clearance_min [min]`` and ``co2e_kg [kg CO2e]``.

    Raises
    ------
    InvalidInputError
        The file name with ``line N, column 'c'`` for a bad header, unit, cell or a
        repeated id.
    """
    file = str(path)
    out: list[Shipment] = []
    first: dict[str, str] = {}
    for row in read_rows(_SHIPMENTS, path):
        values = {k: v for k, v in row.values.items() if v is not None}
        try:
            shipment = Shipment(**values)
        except InvalidInputError as err:
            raise InvalidInputError(file, f"{row.at(err.field or None)}: {err.problem}") from None
        if shipment.id in first:
            raise InvalidInputError(
                file,
                f"{row.at('id')}: id {shipment.id!r} given twice (first at {first[shipment.id]})",
            )
        first[shipment.id] = row.at()
        out.append(shipment)
    if not out:
        raise InvalidInputError(file, "has no rows")
    return out


def quantile(values: Sequence[float], q: float) -> float:
    """Return the ``q`` quantile of ``values`` by linear interpolation (type 7).

    Raises
    ------
    ValueError
        For no values or ``q`` outside 0..1.
    """
    if not values:
        raise ValueError("no values")
    if not 0 <= q <= 1:
        raise ValueError("q must lie in 0..1")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass(frozen=True, slots=True)
class SectorSummary:
    """One sector's shipments, aggregated (times in h and min, masses in t and kg)."""

    sector: str
    shipments: int
    tonnes: float
    tonnes_by_mode: Mapping[str, float]
    tonnes_by_origin: Mapping[str, float]
    tonnes_by_destination: Mapping[str, float]
    lead_time_mean_h: float | None
    lead_time_median_h: float | None
    lead_time_p90_h: float | None
    clearance_n: int
    clearance_median_min: float | None
    clearance_p95_min: float | None
    co2e_n: int
    co2e_kg: float
    co2e_kg_per_t: float | None
    trend: tuple[tuple[str, int, float, float], ...]

    def to_json(self) -> dict[str, Any]:
        """Return plain JSON; ``trend`` as a list of period records."""
        out = {name: getattr(self, name) for name in self.__slots__ if name != "trend"}
        for name in ("tonnes_by_mode", "tonnes_by_origin", "tonnes_by_destination"):
            out[name] = dict(out[name])
        out["trend"] = [
            {"period": p, "shipments": n, "tonnes": t, "co2e_kg": c} for p, n, t, c in self.trend
        ]
        return out


@dataclass(frozen=True, slots=True)
class SectorReport:
    """Every sector's summary (all eight, empty ones included) for one shipments table."""

    granularity: Granularity
    periods: tuple[str, ...]
    sectors: tuple[SectorSummary, ...]
    classified_by: Mapping[str, str]

    def sector(self, name: str) -> SectorSummary:
        """Return the summary of sector ``name``."""
        return next(s for s in self.sectors if s.sector == name)

    def to_json(self) -> dict[str, Any]:
        """Return plain JSON."""
        return {
            "granularity": self.granularity,
            "periods": list(self.periods),
            "sectors": [s.to_json() for s in self.sectors],
            "total": {
                "shipments": sum(s.shipments for s in self.sectors),
                "tonnes": sum(s.tonnes for s in self.sectors),
                "co2e_kg": sum(s.co2e_kg for s in self.sectors),
            },
        }


def analyse_sectors(
    shipments: Sequence[Shipment],
    mapping: SectorMapping | None = None,
    by: Granularity | None = None,
) -> SectorReport:
    """Aggregate shipments per sector.

    Parameters
    ----------
    shipments
        The table (at least one shipment).
    mapping
        HS codes to sectors (default: :func:`default_sector_mapping`).
    by
        Granularity of the trend; default: the finest one every shipment's period has
        (days and months give months, years give years).

    Raises
    ------
    InvalidInputError
        ``shipments`` when empty; ``by`` when a shipment's period is coarser than it.
    """
    if not shipments:
        raise InvalidInputError("shipments", "no shipments to analyse")
    mapping = mapping or default_sector_mapping()
    if by is None:
        finest = min(GRANULARITIES.index(s.when.granularity) for s in shipments)
        by = GRANULARITIES[min(finest, GRANULARITIES.index("month"))]
    elif by not in GRANULARITIES:
        raise InvalidInputError("by", f"expected one of {', '.join(GRANULARITIES)}")
    groups: dict[str, list[Shipment]] = defaultdict(list)
    classified: dict[str, str] = {}
    periods: set[Period] = set()
    for i, s in enumerate(shipments):
        if not s.when.finer_or_equal(by):
            raise InvalidInputError(
                "by",
                f"shipment {s.id!r} (shipments[{i}]) has period {s.period}, coarser than a {by}",
            )
        sector = mapping.classify(s.hs_code)
        classified[s.hs_code] = sector
        groups[sector].append(s)
        periods.add(s.when.at(by))
    ordered = sorted(periods)
    summaries = tuple(_summary(name, groups.get(name, []), ordered, by) for name in SECTORS)
    return SectorReport(by, tuple(str(p) for p in ordered), summaries, classified)


def _sum_by(items: Sequence[Shipment], key: str) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for s in items:
        out[str(getattr(s, key))] += s.tonnes
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def _summary(
    name: str, items: list[Shipment], periods: list[Period], by: Granularity
) -> SectorSummary:
    leads = [s.lead_time_h for s in items]
    clear = [s.clearance_min for s in items if s.clearance_min is not None]
    with_co2 = [s for s in items if s.co2e_kg is not None]
    co2 = sum(s.co2e_kg for s in with_co2 if s.co2e_kg is not None)
    co2_t = sum(s.tonnes for s in with_co2)
    trend = []
    for period in periods:
        inside = [s for s in items if s.when.at(by) == period]
        trend.append((
            str(period),
            len(inside),
            sum(s.tonnes for s in inside),
            sum(s.co2e_kg for s in inside if s.co2e_kg is not None),
        ))  # fmt: skip
    return SectorSummary(
        sector=name,
        shipments=len(items),
        tonnes=sum(s.tonnes for s in items),
        tonnes_by_mode={m: t for m, t in _sum_by(items, "mode").items()},
        tonnes_by_origin=_sum_by(items, "origin"),
        tonnes_by_destination=_sum_by(items, "destination"),
        lead_time_mean_h=sum(leads) / len(leads) if leads else None,
        lead_time_median_h=quantile(leads, 0.5) if leads else None,
        lead_time_p90_h=quantile(leads, 0.9) if leads else None,
        clearance_n=len(clear),
        clearance_median_min=quantile(clear, 0.5) if clear else None,
        clearance_p95_min=quantile(clear, 0.95) if clear else None,
        co2e_n=len(with_co2),
        co2e_kg=co2,
        co2e_kg_per_t=co2 / co2_t if co2_t else None,
        trend=tuple(trend),
    )
