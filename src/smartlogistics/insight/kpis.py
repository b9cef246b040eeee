"""The programme KPI monitor: indicators, targets, time series and progress.

An :class:`Indicator` is a programme target made measurable (``insight/data/kpis.yaml``
cites each one); a :class:`KpiObservation` is one value of one indicator in one period,
with its unit and source. Observations come from statistics (CSV, :func:`read_observations`)
or from the platform's own measurements, passed in as values (the twin's modal split,
CO2e per tonne and lead times, SmartGate's green-lane share and clearance times, and
the labour model through :func:`labour_observations`).

:func:`assess_kpis` reports for every target indicator its **status**:

- ``no data``: no observation (or, for a change target, only the baseline);
- ``on track`` / ``off track``: for ``kind: trajectory``, whether the latest value is at
  least as good as the straight line from the baseline (``baseline_value`` in
  ``baseline_year``, else the first observation) to the target in ``target_year`` (held
  at the target after it); for ``kind: threshold``, and for a single observation that
  is its own baseline, whether it meets the target.

with the numbers (latest, baseline, target, required now, progress share). The value
added indicator is derived from two input series, the cluster's and the country's annual
growth in %: ``gap_k = 100 * (prod_j<=k (1 + c_j/100) - prod_j<=k (1 + n_j/100))``
percentage points of cumulative growth over the common periods (see the YAML's
interpretation note).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from smartlogistics.errors import InvalidInputError
from smartlogistics.insight._exact import exact
from smartlogistics.insight._table import Column, TableSpec, read_rows
from smartlogistics.insight._units import same_unit
from smartlogistics.insight.labour import LabourResult
from smartlogistics.insight.periods import Period, parse_period
from smartlogistics.provenance import Source, check_source
from smartlogistics.values import ValueObject, parse_model

__all__ = [
    "Indicator",
    "KpiObservation",
    "KpiProgress",
    "KpiReport",
    "Status",
    "assess_kpis",
    "default_indicators",
    "labour_observations",
    "read_observations",
]

Status = Literal["on track", "off track", "no data"]

_TOLERANCE = 1e-9


class Indicator(ValueObject):
    """A programme indicator and its target.

    Attributes
    ----------
    id, name, unit
        Key, display name, unit every observation must state.
    direction
        ``higher`` or ``lower`` is better.
    role
        ``target`` (progress is assessed) or ``input`` (feeds a derived indicator).
    kind
        ``trajectory`` or ``threshold`` (module docstring).
    target, target_change
        The target value, or the target as a relative change from the baseline
        (``-0.30`` = 30 % less); exactly one for a target indicator.
    target_year
        Year the target is due.
    baseline_value, baseline_year
        A fixed starting point of the trajectory; else the first observation.
    derived_from
        Input indicators it is computed from (only ``value_added_growth_gap``).
    source, interpretation
        Citation, and how the programme's words were read.
    """

    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    name: Annotated[str, Field(min_length=1)]
    unit: Annotated[str, Field(min_length=1)]
    direction: Literal["higher", "lower"]
    role: Literal["target", "input"] = "target"
    kind: Literal["trajectory", "threshold"] = "trajectory"
    target: float | None = None
    target_change: float | None = None
    target_year: int | None = None
    baseline_value: float | None = None
    baseline_year: int | None = None
    derived_from: tuple[str, ...] = ()
    source: Annotated[str, Field(min_length=1)]
    interpretation: str = ""

    @model_validator(mode="after")
    def _target(self) -> Indicator:
        if self.role == "target":
            if (self.target is None) == (self.target_change is None):
                raise InvalidInputError("target", "give exactly one of target, target_change")
            if self.target_year is None:
                raise InvalidInputError("target_year", "a target indicator needs one")
        if (self.baseline_value is None) != (self.baseline_year is None):
            raise InvalidInputError("baseline_year", "give baseline_value and baseline_year")
        return self

    def to_json(self) -> dict[str, Any]:
        """Return the indicator as plain JSON."""
        return self.model_dump(mode="json")


class KpiObservation(ValueObject):
    """One value of an indicator in one period, e.g. from the twin or a statistics file.

    Attributes
    ----------
    indicator
        The indicator's id.
    period
        ``2024``, ``2024-Q2``, ``2024-05`` or ``2024-05-17``.
    value, unit
        The value in the indicator's unit (checked by :func:`assess_kpis`).
    source
        Where the value comes from (``CBS StatLine table ...``, ``twin run seed 7``).
    """

    indicator: Annotated[str, Field(min_length=1)]
    period: str
    value: float
    unit: Annotated[str, Field(min_length=1)]
    source: Annotated[str, Field(min_length=1)]

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        return str(parse_period(value))

    @property
    def when(self) -> Period:
        """The period, parsed."""
        return parse_period(self.period)

    def to_json(self) -> dict[str, Any]:
        """Return the observation as plain JSON."""
        return self.model_dump(mode="json")


@dataclass(frozen=True, slots=True)
class KpiProgress:
    """Progress of one target indicator (see the module docstring for the rules)."""

    indicator: Indicator
    status: Status
    series: tuple[KpiObservation, ...]
    latest: KpiObservation | None
    baseline: float | None
    baseline_period: str | None
    target_value: float | None
    required: float | None
    progress: float | None
    note: str

    def to_json(self) -> dict[str, Any]:
        """Return plain JSON with the numbers and the series."""
        ind = self.indicator
        return {
            "indicator": ind.id,
            "name": ind.name,
            "unit": ind.unit,
            "direction": ind.direction,
            "kind": ind.kind,
            "status": self.status,
            "latest": None if self.latest is None else self.latest.value,
            "latest_period": None if self.latest is None else self.latest.period,
            "baseline": self.baseline,
            "baseline_period": self.baseline_period,
            "target": self.target_value,
            "target_year": ind.target_year,
            "required_now": self.required,
            "progress": self.progress,
            "note": self.note,
            "source": ind.source,
            "interpretation": ind.interpretation,
            "series": [
                {"period": o.period, "value": o.value, "source": o.source} for o in self.series
            ],
        }


@dataclass(frozen=True, slots=True)
class KpiReport:
    """Progress of every target indicator, and the input series."""

    progress: tuple[KpiProgress, ...]
    inputs: Mapping[str, tuple[KpiObservation, ...]]
    indicators: tuple[Indicator, ...]

    def status(self, indicator: str) -> KpiProgress:
        """Return the progress of ``indicator``."""
        return next(p for p in self.progress if p.indicator.id == indicator)

    def to_json(self) -> dict[str, Any]:
        """Return plain JSON: one entry per target indicator, then the inputs."""
        names = {i.id: i for i in self.indicators}
        return {
            "indicators": [p.to_json() for p in self.progress],
            "inputs": [
                {
                    "indicator": key,
                    "name": names[key].name,
                    "unit": names[key].unit,
                    "series": [o.to_json() for o in series],
                }
                for key, series in self.inputs.items()
            ],
            "counts": {
                status: sum(1 for p in self.progress if p.status == status)
                for status in ("on track", "off track", "no data")
            },
        }


class _IndicatorFile(ValueObject):
    sources: dict[str, Source]
    indicators: tuple[Indicator, ...]


@functools.cache
def default_indicators() -> tuple[Indicator, ...]:
    """Return the packaged indicators (``insight/data/kpis.yaml``), their sources checked."""
    import yaml

    from smartlogistics.insight.labour_data import sources_with_ids

    text = (
        resources.files("smartlogistics.insight")
        .joinpath("data", "kpis.yaml")
        .read_text(encoding="utf-8")
    )
    doc = yaml.safe_load(text)
    doc.pop("schema_version", None)
    doc["sources"] = sources_with_ids(doc.get("sources"))
    parsed = parse_model(_IndicatorFile, doc)
    for i, ind in enumerate(parsed.indicators):
        check_source(ind.source, parsed.sources, f"indicators[{i}].source")
    return parsed.indicators


_SERIES = TableSpec(
    "observation",
    "observations",
    "observations",
    (
        Column("indicator", "text"),
        Column("period", "text"),
        Column("value"),
        Column("unit", "text"),
        Column("source", "text"),
    ),
)


def read_observations(
    path: str | Path, indicators: Sequence[Indicator] | None = None
) -> list[KpiObservation]:
    """Read a KPI series file (``indicator,period,value,unit,source``; CSV or JSON).

    Raises
    ------
    InvalidInputError
        The file name with ``line N, column 'c'`` for an unknown indicator, a unit other
        than the indicator's, a bad period or number, or a repeated indicator and period.
    """
    known = {i.id: i for i in (indicators or default_indicators())}
    file = str(path)
    out: list[KpiObservation] = []
    seen: dict[tuple[str, str], str] = {}
    for row in read_rows(_SERIES, path):
        ind = known.get(row.text("indicator"))
        if ind is None:
            raise InvalidInputError(
                file,
                f"{row.at('indicator')}: unknown indicator {row.text('indicator')!r};"
                f" known: {', '.join(known)}",
            )
        if not same_unit(row.text("unit"), ind.unit):
            raise InvalidInputError(
                file,
                f"{row.at('unit')}: unit {row.text('unit')!r} does not match the expected"
                f" {ind.unit!r} of {ind.id!r}",
            )
        try:
            period = str(parse_period(row.text("period")))
        except ValueError as exc:
            raise InvalidInputError(file, f"{row.at('period')}: {exc}") from None
        key = (ind.id, period)
        if key in seen:
            raise InvalidInputError(
                file, f"{row.at('period')}: {ind.id} {period} given twice (first at {seen[key]})"
            )
        seen[key] = row.at()
        out.append(
            KpiObservation(
                indicator=ind.id,
                period=period,
                value=row.number("value"),
                unit=ind.unit,
                source=row.text("source"),
            )
        )
    return out


def labour_observations(result: LabourResult) -> list[KpiObservation]:
    """Return the labour model's projected shortage per year as ``labour_shortage_share`` (%).

    The shortage is the sum of the positive gaps over all demand: a surplus of warehouse
    staff does not fill a gap of truck drivers.
    """
    out = []
    for k, year in enumerate(result.years, start=1):
        demand = sum((p.demand[k] for p in result.projections), Fraction(0))
        short = sum((max(p.gap[k], Fraction(0)) for p in result.projections), Fraction(0))
        out.append(
            KpiObservation(
                indicator="labour_shortage_share",
                period=str(year),
                value=float(100 * short / demand) if demand else 0.0,
                unit="%",
                source=f"insight labour model: projection, scenario {result.scenario.name!r}",
            )
        )
    return out


def assess_kpis(
    observations: Iterable[KpiObservation], indicators: Sequence[Indicator] | None = None
) -> KpiReport:
    """Assess every target indicator against its observations.

    Parameters
    ----------
    observations
        From files and from the platform, in any order.
    indicators
        Default: :func:`default_indicators`.

    Returns
    -------
    KpiReport
        One :class:`KpiProgress` per target indicator (in the indicators' order).

    Raises
    ------
    InvalidInputError
        ``observations[i].indicator`` for an unknown indicator, ``observations[i].unit``
        for a unit other than the indicator's, ``observations[i].period`` for a period
        given twice for the same indicator.
    """
    inds = tuple(indicators or default_indicators())
    known = {i.id: i for i in inds}
    series: dict[str, dict[Period, KpiObservation]] = defaultdict(dict)
    for i, obs in enumerate(observations):
        ind = known.get(obs.indicator)
        if ind is None:
            raise InvalidInputError(
                f"observations[{i}].indicator",
                f"unknown indicator {obs.indicator!r}; known: {', '.join(known)}",
            )
        if not same_unit(obs.unit, ind.unit):
            raise InvalidInputError(
                f"observations[{i}].unit",
                f"{obs.unit!r} does not match the expected {ind.unit!r} of {ind.id!r}",
            )
        if obs.when in series[ind.id]:
            raise InvalidInputError(
                f"observations[{i}].period", f"{ind.id} {obs.period} given twice"
            )
        series[ind.id][obs.when] = obs
    ordered = {key: tuple(v for _, v in sorted(values.items())) for key, values in series.items()}
    progress = []
    for ind in inds:
        if ind.role != "target":
            continue
        values = ordered.get(ind.id, ())
        if not values and ind.derived_from:
            values = _derive(ind, [ordered.get(key, ()) for key in ind.derived_from])
        progress.append(_assess(ind, values))
    inputs = {i.id: ordered.get(i.id, ()) for i in inds if i.role == "input"}
    return KpiReport(tuple(progress), inputs, inds)


def _derive(ind: Indicator, inputs: list[tuple[KpiObservation, ...]]) -> tuple[KpiObservation, ...]:
    """Cumulative growth gap in percentage points over the periods of both inputs."""
    if len(inputs) != 2:  # pragma: no cover - only the value-added indicator is derived
        return ()
    cluster = {o.period: o for o in inputs[0]}
    national = {o.period: o for o in inputs[1]}
    common = sorted((p for p in cluster if p in national), key=parse_period)
    out = []
    c = n = Fraction(1)
    for period in common:
        c *= 1 + exact(cluster[period].value) / 100
        n *= 1 + exact(national[period].value) / 100
        out.append(
            KpiObservation(
                indicator=ind.id,
                period=period,
                value=float(100 * (c - n)),
                unit=ind.unit,
                source=f"derived: cumulative growth of {cluster[period].source} minus"
                f" {national[period].source}",
            )
        )
    return tuple(out)


def _assess(ind: Indicator, values: tuple[KpiObservation, ...]) -> KpiProgress:
    if not values:
        return KpiProgress(ind, "no data", (), None, None, None, None, None, None,
                           "no observations")  # fmt: skip
    latest = values[-1]
    if ind.baseline_value is not None and ind.baseline_year is not None:
        base, base_t, base_label = (
            ind.baseline_value,
            float(ind.baseline_year),
            str(ind.baseline_year),
        )
    else:
        first = values[0]
        base, base_t, base_label = first.value, first.when.decimal_year, first.period
    if ind.target is not None:
        target = ind.target
    else:
        assert ind.target_change is not None
        target = base * (1 + ind.target_change)
        if len(values) == 1 and ind.baseline_value is None:
            note = "only the baseline observation: the change cannot be judged"
            return KpiProgress(
                ind, "no data", values, latest, base, base_label, target, None, None, note
            )
    assert ind.target_year is not None
    t, t_target = latest.when.decimal_year, float(ind.target_year)
    single = len(values) == 1 and ind.baseline_value is None
    if ind.kind == "threshold" or t_target <= base_t or single:
        required = target  # one observation is its own baseline: it must meet the target
    elif t >= t_target:
        required = target
    else:
        required = base + (target - base) * max(t - base_t, 0.0) / (t_target - base_t)
    meets = _meets(ind, latest.value, required)
    progress = (latest.value - base) / (target - base) if target != base else float(meets)
    note = (
        f"latest {latest.value:g} {ind.unit} ({latest.period}) against {required:g} required"
        f" now and {target:g} by {ind.target_year}"
    )
    return KpiProgress(ind, "on track" if meets else "off track", values, latest, base,
                       base_label, target, required, progress, note)  # fmt: skip


def _meets(ind: Indicator, value: float, required: float) -> bool:
    if ind.direction == "higher":
        return value >= required - _TOLERANCE
    return value <= required + _TOLERANCE
