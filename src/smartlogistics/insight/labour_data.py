"""The input tables of the labour market model, validated together.

:class:`LabourData` holds every table the model reads: the throughput segments with
their base-year jobs (from the region facts), the occupation groups, the occupation mix
of each segment, the age profile of today's workforce, retirement and turnover rates,
the age distribution of inflow from education and migration, and the growth paths.
Each row cites its source (a source id or ``assumption: why``, see
:mod:`smartlogistics.provenance`). The package ships a default set
(``insight/data/labour.yaml``); an analyst replaces any table with a CSV file
(:mod:`smartlogistics.insight.labour_io`).

The cross-table rules are checked on construction, so a model run never meets a
half-valid table: shares of an occupation's age profile add up to one, turnover bands
cover every age exactly once, growth rates cover every projected year, and so on.
"""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from smartlogistics.errors import InvalidInputError
from smartlogistics.insight._exact import exact
from smartlogistics.provenance import Source, check_source
from smartlogistics.values import ValueObject, parse_model

__all__ = [
    "AgeBandShare",
    "GrowthRate",
    "InflowAgeShare",
    "LabourData",
    "MixShare",
    "Occupation",
    "RetirementRate",
    "Segment",
    "TurnoverRate",
    "default_labour_data",
    "load_labour_yaml",
    "sources_with_ids",
]

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
Text = Annotated[str, Field(min_length=1)]
Share = Annotated[float, Field(ge=0, le=1)]
Age = Annotated[int, Field(ge=0, le=120)]
Year = Annotated[int, Field(ge=1900, le=2200)]


class Segment(ValueObject):
    """A node or segment whose throughput drives labour demand.

    Attributes
    ----------
    id, name
        Key and display name (``schiphol_air``, "Schiphol air cargo").
    unit
        Unit of the annual throughput (``t/year``): volumes given for it must say it.
    base_throughput
        Throughput in the base year (the calibration point of the intensities).
    base_jobs
        Jobs of the segment in the base year (the region facts' figure).
    source
        Citation of both numbers.
    """

    id: Id
    name: Text
    unit: Text
    base_throughput: Annotated[float, Field(gt=0)]
    base_jobs: Annotated[float, Field(ge=0)]
    source: Text


class Occupation(ValueObject):
    """An occupation group and its labour-market parameters.

    Attributes
    ----------
    training_years
        Typical years of training to enter (difficulty index).
    vacancy_rate
        Unfilled share of base-year demand: base supply is demand x (1 - rate).
    automation_rate
        Annual fall of labour needed per unit of throughput (productivity and automation);
        negative when the work per unit grows (IT and data).
    education_inflow, migration_inflow
        Persons entering the occupation per year from education and by migration.
    """

    id: Id
    name: Text
    training_years: Annotated[float, Field(ge=0, le=20)]
    vacancy_rate: Annotated[float, Field(ge=0, lt=1)]
    automation_rate: Annotated[float, Field(gt=-1, lt=1)]
    education_inflow: Annotated[float, Field(ge=0)]
    migration_inflow: Annotated[float, Field(ge=0)]
    source: Text


class MixShare(ValueObject):
    """Share of a segment's base-year jobs held by an occupation group."""

    segment: Id
    occupation: Id
    share: Share
    source: Text


class AgeBandShare(ValueObject):
    """Share of an occupation's base-year workforce aged ``age_from``..``age_to``."""

    occupation: Id
    age_from: Age
    age_to: Age
    share: Share
    source: Text


class TurnoverRate(ValueObject):
    """Annual probability of leaving the occupation (not by retirement) at these ages."""

    occupation: Id
    age_from: Age
    age_to: Age
    rate: Share
    source: Text


class RetirementRate(ValueObject):
    """Annual probability that a worker of this age retires (ages not listed: 0)."""

    age: Age
    probability: Share
    source: Text


class GrowthRate(ValueObject):
    """Annual throughput growth of a segment in the years ``from_year``..``to_year``."""

    segment: Id
    from_year: Year
    to_year: Year
    rate: Annotated[float, Field(gt=-1, le=1)]
    source: Text


class InflowAgeShare(ValueObject):
    """Share of a channel's inflow (education or migration) at ages ``age_from``..``age_to``."""

    channel: Literal["education", "migration"]
    age_from: Age
    age_to: Age
    share: Share
    source: Text


class LabourData(ValueObject):
    """Every table of the labour model, checked against each other.

    Attributes
    ----------
    base_year
        Calibration year: base-year throughput x intensities = the facts' jobs.
    start_year, end_year
        Projected years (``start_year`` is ``base_year + 1``).
    min_age, max_age
        Working ages modelled as single-year cohorts; at ``max_age`` everyone leaves.
    sources
        Citations keyed by id; every row's ``source`` must resolve in it.
    """

    base_year: Year
    start_year: Year
    end_year: Year
    min_age: Age
    max_age: Age
    sources: dict[str, Source]
    segments: tuple[Segment, ...]
    occupations: tuple[Occupation, ...]
    occupation_mix: tuple[MixShare, ...]
    age_profile: tuple[AgeBandShare, ...]
    turnover: tuple[TurnoverRate, ...]
    retirement: tuple[RetirementRate, ...]
    growth: tuple[GrowthRate, ...]
    inflow_ages: tuple[InflowAgeShare, ...]

    # -- lookups -------------------------------------------------------------------------

    @property
    def years(self) -> range:
        """The projected years."""
        return range(self.start_year, self.end_year + 1)

    @property
    def ages(self) -> range:
        """The modelled ages."""
        return range(self.min_age, self.max_age + 1)

    def segment(self, segment_id: str) -> Segment:
        """Return the segment ``segment_id``."""
        return next(s for s in self.segments if s.id == segment_id)

    def occupation(self, occupation_id: str) -> Occupation:
        """Return the occupation ``occupation_id``."""
        return next(o for o in self.occupations if o.id == occupation_id)

    def replace(self, **tables: Any) -> LabourData:
        """Return a copy with some tables replaced, checked again as a whole."""
        data = {name: getattr(self, name) for name in type(self).model_fields}
        data.update(tables)
        return LabourData(**data)

    # -- checks --------------------------------------------------------------------------

    @model_validator(mode="after")
    def _consistent(self) -> LabourData:
        if self.start_year != self.base_year + 1:
            raise InvalidInputError("start_year", f"must be base_year + 1 = {self.base_year + 1}")
        if self.end_year < self.start_year:
            raise InvalidInputError("end_year", "must not be before start_year")
        if self.max_age <= self.min_age:
            raise InvalidInputError("max_age", "must be above min_age")
        self._check_sources()
        segments = _ids(self.segments, "segments")
        occupations = _ids(self.occupations, "occupations")
        self._check_mix(segments, occupations)
        self._check_bands("age_profile", self.age_profile, occupations, shares=True)
        self._check_bands("turnover", self.turnover, occupations, shares=False)
        self._check_retirement()
        self._check_growth(segments)
        self._check_inflow()
        return self

    def _check_sources(self) -> None:
        known = set(self.sources)
        for table in ("segments", "occupations", "occupation_mix", "age_profile", "turnover",
                      "retirement", "growth", "inflow_ages"):  # fmt: skip
            for i, row in enumerate(getattr(self, table)):
                check_source(row.source, known, f"{table}[{i}].source")

    def _check_mix(self, segments: set[str], occupations: set[str]) -> None:
        totals: dict[str, Fraction] = defaultdict(Fraction)
        seen: set[tuple[str, str]] = set()
        for i, row in enumerate(self.occupation_mix):
            _known(row.segment, segments, f"occupation_mix[{i}].segment", "segment")
            _known(row.occupation, occupations, f"occupation_mix[{i}].occupation", "occupation")
            if (row.segment, row.occupation) in seen:
                raise InvalidInputError(
                    f"occupation_mix[{i}]", f"{row.segment}/{row.occupation} given twice"
                )
            seen.add((row.segment, row.occupation))
            totals[row.segment] += exact(row.share)
            if totals[row.segment] > 1:
                raise InvalidInputError(
                    f"occupation_mix[{i}].share",
                    f"shares of segment {row.segment!r} add up to {float(totals[row.segment])},"
                    " more than 1",
                )

    def _check_bands(
        self,
        table: str,
        rows: Sequence[AgeBandShare | TurnoverRate],
        occupations: set[str],
        *,
        shares: bool,
    ) -> None:
        by_occ: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for i, row in enumerate(rows):
            _known(row.occupation, occupations, f"{table}[{i}].occupation", "occupation")
            self._check_band(table, i, row.age_from, row.age_to)
            by_occ[row.occupation].append((row.age_from, row.age_to, i))
        for occ in sorted(occupations):
            bands = sorted(by_occ.get(occ, []))
            if not bands:
                raise InvalidInputError(table, f"no rows for occupation {occ!r}")
            _no_overlap(table, bands, f"occupation {occ!r}")
            if shares:
                parts = (rows[i] for _, _, i in bands)
                total = sum(
                    (exact(r.share) for r in parts if isinstance(r, AgeBandShare)), Fraction(0)
                )
                if total != 1:
                    raise InvalidInputError(
                        table, f"shares of occupation {occ!r} add up to {float(total)}, not 1"
                    )
            else:
                covered = sum(b - a + 1 for a, b, _ in bands)
                if covered != len(self.ages):
                    raise InvalidInputError(
                        table,
                        f"bands of occupation {occ!r} cover {covered} of the ages"
                        f" {self.min_age}-{self.max_age}; every age needs a rate",
                    )

    def _check_band(self, table: str, i: int, age_from: int, age_to: int) -> None:
        if age_to < age_from:
            raise InvalidInputError(f"{table}[{i}].age_to", "must not be below age_from")
        if age_from < self.min_age or age_to > self.max_age:
            raise InvalidInputError(
                f"{table}[{i}]",
                f"ages {age_from}-{age_to} outside the modelled {self.min_age}-{self.max_age}",
            )

    def _check_retirement(self) -> None:
        seen: set[int] = set()
        for i, row in enumerate(self.retirement):
            if row.age not in self.ages:
                raise InvalidInputError(
                    f"retirement[{i}].age",
                    f"{row.age} outside the modelled {self.min_age}-{self.max_age}",
                )
            if row.age in seen:
                raise InvalidInputError(f"retirement[{i}].age", f"age {row.age} given twice")
            seen.add(row.age)

    def _check_growth(self, segments: set[str]) -> None:
        by_seg: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for i, row in enumerate(self.growth):
            _known(row.segment, segments, f"growth[{i}].segment", "segment")
            if row.to_year < row.from_year:
                raise InvalidInputError(f"growth[{i}].to_year", "must not be before from_year")
            by_seg[row.segment].append((row.from_year, row.to_year, i))
        for seg in sorted(segments):
            bands = sorted(by_seg.get(seg, []))
            _no_overlap("growth", bands, f"segment {seg!r}")
            for year in self.years:
                if not any(a <= year <= b for a, b, _ in bands):
                    raise InvalidInputError(
                        "growth", f"segment {seg!r} has no growth rate for {year}"
                    )

    def _check_inflow(self) -> None:
        by_channel: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for i, row in enumerate(self.inflow_ages):
            self._check_band("inflow_ages", i, row.age_from, row.age_to)
            by_channel[row.channel].append((row.age_from, row.age_to, i))
        for channel in ("education", "migration"):
            bands = sorted(by_channel.get(channel, []))
            if not bands:
                raise InvalidInputError("inflow_ages", f"no rows for channel {channel!r}")
            _no_overlap("inflow_ages", bands, f"channel {channel!r}")
            total = sum((exact(self.inflow_ages[i].share) for _, _, i in bands), Fraction(0))
            if total != 1:
                raise InvalidInputError(
                    "inflow_ages", f"shares of channel {channel!r} add up to {float(total)}, not 1"
                )


def _ids(rows: Iterable[Segment | Occupation], table: str) -> set[str]:
    seen: set[str] = set()
    for i, row in enumerate(rows):
        if row.id in seen:
            raise InvalidInputError(f"{table}[{i}].id", f"{row.id!r} given twice")
        seen.add(row.id)
    if not seen:
        raise InvalidInputError(table, "must not be empty")
    return seen


def _known(value: str, known: set[str], field: str, what: str) -> None:
    if value not in known:
        raise InvalidInputError(
            field, f"unknown {what} {value!r}; known: {', '.join(sorted(known))}"
        )


def _no_overlap(table: str, bands: list[tuple[int, int, int]], owner: str) -> None:
    for (a1, b1, _), (a2, b2, i2) in itertools.pairwise(bands):
        if a2 <= b1:
            raise InvalidInputError(f"{table}[{i2}]", f"{owner}: {a2}-{b2} overlaps {a1}-{b1}")


_DATA = "data"


def load_labour_yaml(path: str | Path) -> LabourData:
    """Read a complete labour data set from a YAML file (the packaged file's format).

    Raises
    ------
    InvalidInputError
        ``file`` when it cannot be read or parsed; the table path of a bad row otherwise.
    """
    import yaml

    target = Path(path)
    try:
        doc = yaml.safe_load(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInputError("file", f"no such file: {str(target)!r}") from None
    except yaml.YAMLError as exc:
        raise InvalidInputError("file", f"{str(target)!r} is not valid YAML: {exc}") from None
    return _from_doc(doc)


def _from_doc(doc: object) -> LabourData:
    if not isinstance(doc, Mapping):
        raise InvalidInputError("file", "expected a mapping of tables")
    data = {key: value for key, value in doc.items() if key != "schema_version"}
    data["sources"] = sources_with_ids(data.get("sources"))
    return parse_model(LabourData, data)


def sources_with_ids(table: object) -> object:
    """Put each entry's key into it as ``id`` (a YAML ``sources`` table is keyed by id)."""
    if not isinstance(table, Mapping):
        return table  # the model reports the wrong type
    return {
        key: ({"id": key, **entry} if isinstance(entry, Mapping) else entry)
        for key, entry in table.items()
    }


@functools.cache
def default_labour_data() -> LabourData:
    """Return the packaged default tables (``insight/data/labour.yaml``), parsed once."""
    import yaml

    text = (
        resources.files("smartlogistics.insight")
        .joinpath(_DATA, "labour.yaml")
        .read_text(encoding="utf-8")
    )
    return _from_doc(yaml.safe_load(text))
