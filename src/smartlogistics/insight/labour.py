"""The labour market model: demand and supply per occupation and year, gaps, bottlenecks.

**Demand** of occupation ``o`` in year ``y`` is::

    D(o, y) = sum_s T(s, y) * I(o, s) * P(o, y)

with ``T(s, y)`` the throughput of segment ``s`` (base-year level, or a scenario's
volumes, grown by the segment's annual growth rates), ``I(o, s)`` the labour intensity
(persons per unit of throughput) and ``P(o, y) = (1 - automation_rate(o) * pace) **
(y - base_year)`` the productivity and automation trend. The intensities are
**calibrated** so that the base year reproduces the facts: ``I(o, s) = base_jobs(s) *
share(o, s) / base_throughput(s)``.

**Supply** starts from the base-year workforce ``D_facts(o) * (1 - vacancy_rate(o))``
spread over single-year ages by the occupation's age profile (uniform within a band)
and is projected by :func:`smartlogistics.insight.cohort.project_cohorts` with the
retirement profile (moved by the scenario's retirement age shift), the occupation's
turnover and the inflow from education and migration spread by their age distributions.

**Gap** = demand - supply (positive: staff short). The **bottleneck ranking** combines
the size of the gap, its timing and how hard the occupation is to fill; see
:func:`difficulty_index` and :class:`Bottleneck`. All of it runs in exact fractions;
results are floats only in :meth:`LabourResult.to_json`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from smartlogistics.errors import InvalidInputError
from smartlogistics.insight._exact import exact
from smartlogistics.insight.cohort import CohortYear, project_cohorts
from smartlogistics.insight.labour_data import LabourData, Occupation, default_labour_data
from smartlogistics.insight.scenario import Scenario

__all__ = [
    "Bottleneck",
    "CalibrationRow",
    "LabourResult",
    "OccupationProjection",
    "difficulty_index",
    "project_labour",
]

#: Training years at which the training part of the difficulty index is full.
TRAINING_YEARS_CAP = 4
#: Vacancy rate at which the vacancy part of the difficulty index is full.
VACANCY_RATE_CAP = Fraction(1, 10)


def difficulty_index(occupation: Occupation) -> float:
    """How hard an occupation is to fill, 0 (easy) .. 1 (hard).

    The mean of two parts, each capped at 1: training years / 4 (four years of training
    is as long as a vocational or bachelor programme, the longest route into these
    groups) and vacancy rate / 10 % (a rate at which employers report structural
    shortage). Both parts are documented assumptions (``docs/insight.md``).
    """
    training = min(exact(occupation.training_years) / TRAINING_YEARS_CAP, Fraction(1))
    vacancy = min(exact(occupation.vacancy_rate) / VACANCY_RATE_CAP, Fraction(1))
    return float((training + vacancy) / 2)


@dataclass(frozen=True, slots=True)
class CalibrationRow:
    """How one intensity was derived from the base-year facts."""

    segment: str
    occupation: str
    base_jobs: Fraction
    share: Fraction
    base_throughput: Fraction
    unit: str

    @property
    def jobs(self) -> Fraction:
        """Base-year jobs of the occupation in the segment."""
        return self.base_jobs * self.share

    @property
    def intensity(self) -> Fraction:
        """Persons per unit of annual throughput."""
        return self.jobs / self.base_throughput

    def to_json(self) -> dict[str, Any]:
        """As plain JSON (floats)."""
        return {
            "segment": self.segment,
            "occupation": self.occupation,
            "base_jobs": float(self.base_jobs),
            "share": float(self.share),
            "jobs": float(self.jobs),
            "base_throughput": float(self.base_throughput),
            "throughput_unit": self.unit,
            "intensity_persons_per_unit": float(self.intensity),
        }


@dataclass(frozen=True, slots=True)
class OccupationProjection:
    """Demand, supply and the cohorts of one occupation, base year first.

    Attributes
    ----------
    supply
        Persons in the occupation per year (the cohorts' totals).
    gap
        Demand - supply per year (positive: short of staff).
    gap_share
        Gap / demand per year (0 where demand is 0).
    """

    occupation: Occupation
    years: tuple[int, ...]
    demand: tuple[Fraction, ...]
    cohorts: tuple[CohortYear, ...]
    supply: tuple[Fraction, ...]
    gap: tuple[Fraction, ...]
    gap_share: tuple[Fraction, ...]

    @classmethod
    def build(
        cls,
        occupation: Occupation,
        years: tuple[int, ...],
        demand: tuple[Fraction, ...],
        cohorts: tuple[CohortYear, ...],
    ) -> OccupationProjection:
        """Derive supply, gap and gap share from demand and the cohorts."""
        supply = tuple(c.total for c in cohorts)
        gap = tuple(d - s for d, s in zip(demand, supply, strict=True))
        share = tuple(g / d if d else Fraction(0) for g, d in zip(gap, demand, strict=True))
        return cls(occupation, years, demand, cohorts, supply, gap, share)


@dataclass(frozen=True, slots=True)
class Bottleneck:
    """One occupation in the bottleneck ranking.

    Attributes
    ----------
    gap_end, gap_share_end
        Gap in persons and as a share of demand in the last projected year.
    peak_gap, peak_gap_share, peak_year
        Largest gap share over the projected years, its gap and year.
    first_year
        First projected year whose gap share reaches the threshold; ``None`` if none.
    difficulty
        :func:`difficulty_index`.
    score
        ``max(peak_gap_share, 0) * (1 + difficulty) * urgency``, with urgency ``1 +
        (end_year - first_year + 1) / years`` (``1`` when no year reaches the
        threshold): large, early and hard-to-fill gaps rank first.
    rank
        1 = the worst bottleneck (ties by the larger end gap).
    """

    occupation: str
    name: str
    gap_end: float
    gap_share_end: float
    peak_gap: float
    peak_gap_share: float
    peak_year: int
    first_year: int | None
    difficulty: float
    training_years: float
    vacancy_rate: float
    score: float
    rank: int

    def to_json(self) -> dict[str, Any]:
        """As plain JSON."""
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class LabourResult:
    """The outcome of one run of the labour model."""

    data: LabourData
    scenario: Scenario
    throughput: Mapping[str, tuple[Fraction, ...]]
    projections: tuple[OccupationProjection, ...]
    calibration: tuple[CalibrationRow, ...]
    bottlenecks: tuple[Bottleneck, ...]

    @property
    def years(self) -> tuple[int, ...]:
        """The projected years (without the base year)."""
        return tuple(self.data.years)

    def projection(self, occupation: str) -> OccupationProjection:
        """Return the projection of ``occupation``."""
        return next(p for p in self.projections if p.occupation.id == occupation)

    def total(self, what: str) -> tuple[Fraction, ...]:
        """Sum of ``demand``, ``supply`` or ``gap`` over occupations, base year first."""
        series = [getattr(p, what) for p in self.projections]
        return tuple(sum(values, Fraction(0)) for values in zip(*series, strict=True))

    def to_json(self) -> dict[str, Any]:
        """Plain JSON: years, per-occupation series (projected years), ranking, calibration."""
        data = self.data
        occupations = []
        for p in self.projections:
            c = p.cohorts
            occupations.append(
                {
                    "id": p.occupation.id,
                    "name": p.occupation.name,
                    "base": {"demand": float(p.demand[0]), "supply": float(p.supply[0])},
                    "demand": _floats(p.demand[1:]),
                    "supply": _floats(p.supply[1:]),
                    "gap": _floats(p.gap[1:]),
                    "gap_share": _floats(p.gap_share[1:]),
                    "retired": _floats(y.retired for y in c[1:]),
                    "left": _floats(y.left for y in c[1:]),
                    "aged_out": _floats(y.aged_out for y in c[1:]),
                    "inflow": _floats(y.inflow for y in c[1:]),
                }
            )
        demand, supply, gap = (self.total(w) for w in ("demand", "supply", "gap"))
        return {
            "scenario": self.scenario.to_json(),
            "base_year": data.base_year,
            "years": list(self.years),
            "unit": "persons",
            "occupations": occupations,
            "totals": {
                "base": {"demand": float(demand[0]), "supply": float(supply[0])},
                "demand": _floats(demand[1:]),
                "supply": _floats(supply[1:]),
                "gap": _floats(gap[1:]),
                "gap_share": _floats(
                    g / d if d else Fraction(0) for g, d in zip(gap[1:], demand[1:], strict=True)
                ),
            },
            "bottlenecks": [b.to_json() for b in self.bottlenecks],
            "throughput": [
                {
                    "segment": s.id,
                    "name": s.name,
                    "unit": s.unit,
                    "base": float(self.throughput[s.id][0]),
                    "values": _floats(self.throughput[s.id][1:]),
                }
                for s in data.segments
            ],
            "calibration": [row.to_json() for row in self.calibration],
            "jobs_covered": {
                "base_jobs": float(sum((exact(s.base_jobs) for s in data.segments), Fraction(0))),
                "modelled": float(sum((r.jobs for r in self.calibration), Fraction(0))),
            },
        }


def _floats(values: Any) -> list[float]:
    return [float(v) for v in values]


def project_labour(
    data: LabourData | None = None, scenario: Scenario | None = None
) -> LabourResult:
    """Run the labour model.

    Parameters
    ----------
    data
        The tables (default: :func:`default_labour_data`).
    scenario
        Overrides (default: none).

    Returns
    -------
    LabourResult
        Demand, supply, gaps and the bottleneck ranking, base year first in each series.

    Raises
    ------
    InvalidInputError
        ``scenario.growth.<s>`` or ``scenario.volumes.<s>`` naming an unknown segment;
        ``scenario.automation_pace`` or ``scenario.turnover_scale`` when a rate leaves
        its range; ``scenario.growth_shift`` when a growth factor is not positive.
    """
    data = data or default_labour_data()
    scenario = scenario or Scenario()
    segments = {s.id: s for s in data.segments}
    for table in ("growth", "volumes"):
        for seg in getattr(scenario, table):
            if seg not in segments:
                raise InvalidInputError(
                    f"scenario.{table}.{seg}",
                    f"unknown segment; known: {', '.join(segments)}",
                )
    throughput = _throughput(data, scenario)
    calibration = tuple(
        CalibrationRow(
            row.segment,
            row.occupation,
            exact(segments[row.segment].base_jobs),
            exact(row.share),
            exact(segments[row.segment].base_throughput),
            segments[row.segment].unit,
        )
        for row in data.occupation_mix
    )
    retirement = _retirement(data, scenario.retirement_age_shift)
    inflow_e = _spread(data, [(r.age_from, r.age_to, r.share) for r in data.inflow_ages
                              if r.channel == "education"])  # fmt: skip
    inflow_m = _spread(data, [(r.age_from, r.age_to, r.share) for r in data.inflow_ages
                              if r.channel == "migration"])  # fmt: skip
    years = (data.base_year, *data.years)
    pace = exact(scenario.automation_pace)
    projections: list[OccupationProjection] = []
    for occ in data.occupations:
        rows = [r for r in calibration if r.occupation == occ.id]
        step = 1 - exact(occ.automation_rate) * pace
        if step <= 0:
            raise InvalidInputError(
                "scenario.automation_pace",
                f"automation rate x pace reaches 100 % or more for {occ.id!r}",
            )
        demand = tuple(
            sum((throughput[r.segment][k] * r.intensity for r in rows), Fraction(0)) * step**k
            for k in range(len(years))
        )
        facts = sum((r.jobs for r in rows), Fraction(0))
        staffed = facts * (1 - exact(occ.vacancy_rate))
        shares = _spread(
            data,
            [(r.age_from, r.age_to, r.share) for r in data.age_profile if r.occupation == occ.id],
        )
        turnover = _turnover(data, occ.id, exact(scenario.turnover_scale))
        e_scale = exact(occ.education_inflow) * exact(scenario.education_inflow_scale)
        m_scale = exact(occ.migration_inflow) * exact(scenario.migration_inflow_scale)
        cohorts = project_cohorts(
            [staffed * s for s in shares],
            start_year=data.base_year,
            years=len(data.years),
            retirement=retirement,
            turnover=turnover,
            inflow=[e_scale * e + m_scale * m for e, m in zip(inflow_e, inflow_m, strict=True)],
        )
        projections.append(OccupationProjection.build(occ, years, demand, tuple(cohorts)))
    bottlenecks = _rank(data, projections, exact(scenario.gap_threshold))
    return LabourResult(data, scenario, throughput, tuple(projections), calibration, bottlenecks)


def _throughput(data: LabourData, scenario: Scenario) -> dict[str, tuple[Fraction, ...]]:
    out: dict[str, tuple[Fraction, ...]] = {}
    shift = exact(scenario.growth_shift)
    for seg in data.segments:
        level = exact(scenario.volumes.get(seg.id, seg.base_throughput))
        series = [level]
        for year in data.years:
            if seg.id in scenario.growth:
                rate = exact(scenario.growth[seg.id])
            else:
                rate = _rate(data, seg.id, year)
            factor = 1 + rate + shift
            if factor <= 0:
                raise InvalidInputError(
                    "scenario.growth_shift",
                    f"growth of segment {seg.id!r} in {year} falls to -100 % or below",
                )
            level *= factor
            series.append(level)
        out[seg.id] = tuple(series)
    return out


def _rate(data: LabourData, segment: str, year: int) -> Fraction:
    for g in data.growth:
        if g.segment == segment and g.from_year <= year <= g.to_year:
            return exact(g.rate)
    raise AssertionError("LabourData checks that growth covers every year")  # pragma: no cover


def _spread(data: LabourData, bands: list[tuple[int, int, float]]) -> list[Fraction]:
    """Single-year shares by age from band shares, uniform within each band."""
    out = [Fraction(0)] * len(data.ages)
    for age_from, age_to, share in bands:
        width = age_to - age_from + 1
        for age in range(age_from, age_to + 1):
            out[age - data.min_age] += exact(share) / width
    return out


def _retirement(data: LabourData, shift: int) -> list[Fraction]:
    table = {r.age: exact(r.probability) for r in data.retirement}
    return [table.get(age - shift, Fraction(0)) for age in data.ages]


def _turnover(data: LabourData, occupation: str, scale: Fraction) -> list[Fraction]:
    out = [Fraction(0)] * len(data.ages)
    for row in data.turnover:
        if row.occupation != occupation:
            continue
        rate = exact(row.rate) * scale
        if rate > 1:
            raise InvalidInputError(
                "scenario.turnover_scale",
                f"turnover of {occupation!r} at ages {row.age_from}-{row.age_to} exceeds 100 %",
            )
        for age in range(row.age_from, row.age_to + 1):
            out[age - data.min_age] = rate
    return out


def _rank(
    data: LabourData, projections: list[OccupationProjection], threshold: Fraction
) -> tuple[Bottleneck, ...]:
    years = list(data.years)
    n_years = len(years)
    rows: list[tuple[Fraction, Fraction, Bottleneck]] = []
    for p in projections:
        gap, share = p.gap[1:], p.gap_share[1:]
        peak = max(range(n_years), key=lambda k: (share[k], -k))
        first = next((years[k] for k in range(n_years) if share[k] >= threshold), None)
        difficulty = difficulty_index(p.occupation)
        urgency = Fraction(1) if first is None else 1 + Fraction(data.end_year - first + 1, n_years)
        score = max(share[peak], Fraction(0)) * (1 + exact(difficulty)) * urgency
        b = Bottleneck(
            occupation=p.occupation.id,
            name=p.occupation.name,
            gap_end=float(gap[-1]),
            gap_share_end=float(share[-1]),
            peak_gap=float(gap[peak]),
            peak_gap_share=float(share[peak]),
            peak_year=years[peak],
            first_year=first,
            difficulty=difficulty,
            training_years=p.occupation.training_years,
            vacancy_rate=p.occupation.vacancy_rate,
            score=float(score),
            rank=0,
        )
        rows.append((score, gap[-1], b))
    rows.sort(key=lambda r: (-r[0], -r[1], r[2].occupation))
    out = []
    for i, (_, _, b) in enumerate(rows, start=1):
        out.append(Bottleneck(**{**b.to_json(), "rank": i}))
    return tuple(out)
