"""Page data for the dashboard and the report: tables and chart series with their units.

Each ``*_page_data`` function returns one JSON-able dict of the same shape, which the
dashboard pages (``web``) and the HTML report (:mod:`smartlogistics.insight.report`)
both draw, so the numbers on a page and in the report are the same numbers::

    {
      "page": "labour" | "kpis" | "sectors",
      "title": str,
      "summary": [str, ...],                      # sentences with the key numbers
      "notes": [str, ...],                        # how the numbers were made
      "tables": [{"id", "title",
                  "columns": [{"key", "label", "unit"}],   # unit may be null
                  "rows": [{key: value, ...}]}],
      "charts": [{"id", "title", "kind": "line" | "bar" | "stacked_bar",
                  "x": {"label", "unit"}, "y": {"label", "unit"},
                  "series": [{"name", "x": [...], "y": [...]}]}],
      "assumptions": [{"table", "item", "value", "source"}],
      "result": {...}                             # the model's own to_json()
    }

Names and shapes are stable: the dashboard depends on them (``docs/insight.md``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from smartlogistics.insight.kpis import (
    Indicator,
    KpiObservation,
    assess_kpis,
    labour_observations,
)
from smartlogistics.insight.labour import LabourResult, project_labour
from smartlogistics.insight.labour_data import LabourData
from smartlogistics.insight.scenario import Scenario
from smartlogistics.insight.sectors import (
    MODES,
    SectorMapping,
    SectorReport,
    Shipment,
    analyse_sectors,
    default_sector_mapping,
)

__all__ = ["kpi_page_data", "labour_page_data", "sector_page_data"]

Json = dict[str, Any]


def _col(key: str, label: str, unit: str | None = None) -> Json:
    return {"key": key, "label": label, "unit": unit}


def _table(id_: str, title: str, columns: list[Json], rows: list[Json]) -> Json:
    return {"id": id_, "title": title, "columns": columns, "rows": rows}


def _chart(
    id_: str,
    title: str,
    kind: str,
    x: tuple[str, str | None],
    y: tuple[str, str | None],
    series: list[Json],
) -> Json:
    return {
        "id": id_,
        "title": title,
        "kind": kind,
        "x": {"label": x[0], "unit": x[1]},
        "y": {"label": y[0], "unit": y[1]},
        "series": series,
    }


def _r(value: float | Fraction | None, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


# -- labour ------------------------------------------------------------------------------


def labour_page_data(
    result: LabourResult | None = None,
    *,
    data: LabourData | None = None,
    scenario: Scenario | None = None,
) -> Json:
    """Return the labour market page: gaps per occupation and year, bottlenecks, calibration.

    Parameters
    ----------
    result
        A finished run; else the model is run on ``data`` and ``scenario`` (defaults:
        the packaged tables, no overrides).
    data, scenario
        Used only when ``result`` is not given.
    """
    if result is None:
        result = project_labour(data, scenario)
    d = result.data
    years = list(result.years)
    end = d.end_year
    threshold = result.scenario.gap_threshold
    proj_rows: list[Json] = []
    for p in result.projections:
        for k, year in enumerate(years, start=1):
            c = p.cohorts[k]
            proj_rows.append(
                {
                    "occupation": p.occupation.name,
                    "year": year,
                    "demand": _r(p.demand[k]),
                    "supply": _r(p.supply[k]),
                    "gap": _r(p.gap[k]),
                    "gap_share": _r(100 * p.gap_share[k], 2),
                    "retired": _r(c.retired),
                    "left": _r(c.left),
                    "aged_out": _r(c.aged_out),
                    "inflow": _r(c.inflow),
                }
            )
    bottleneck_rows = [
        {
            "rank": b.rank,
            "occupation": b.name,
            "gap_end": _r(b.gap_end),
            "gap_share_end": _r(100 * b.gap_share_end, 2),
            "peak_gap_share": _r(100 * b.peak_gap_share, 2),
            "peak_year": b.peak_year,
            "first_year": b.first_year,
            "training_years": b.training_years,
            "vacancy_rate": _r(100 * b.vacancy_rate, 1),
            "difficulty": _r(b.difficulty, 3),
            "score": _r(b.score, 4),
        }
        for b in result.bottlenecks
    ]
    names = {s.id: s.name for s in d.segments}
    occ_names = {o.id: o.name for o in d.occupations}
    calibration_rows = [
        {
            "segment": names[r.segment],
            "occupation": occ_names[r.occupation],
            "base_jobs": float(r.base_jobs),
            "share": float(r.share),
            "jobs": _r(r.jobs),
            "base_throughput": float(r.base_throughput),
            "throughput_unit": r.unit,
            "intensity_per_kt": _r(1000 * r.intensity, 4),
        }
        for r in result.calibration
    ]
    throughput_rows = [
        {
            "segment": s.name,
            "year": year,
            "throughput": _r(result.throughput[s.id][k], 0),
            "unit": s.unit,
        }
        for s in d.segments
        for k, year in enumerate([d.base_year, *years])
    ]
    tables = [
        _table(
            "bottlenecks",
            f"Bottleneck ranking ({d.start_year}-{end})",
            [
                _col("rank", "Rank"),
                _col("occupation", "Occupation"),
                _col("gap_end", f"Gap {end}", "persons"),
                _col("gap_share_end", f"Gap {end} share of demand", "%"),
                _col("peak_gap_share", "Peak gap share", "%"),
                _col("peak_year", "Peak year"),
                _col("first_year", f"First year gap >= {100 * threshold:g} %"),
                _col("training_years", "Training", "years"),
                _col("vacancy_rate", "Vacancy rate", "%"),
                _col("difficulty", "Difficulty index", "0-1"),
                _col("score", "Score"),
            ],
            bottleneck_rows,
        ),
        _table(
            "projection",
            "Demand, supply and gap per occupation and year",
            [
                _col("occupation", "Occupation"),
                _col("year", "Year"),
                _col("demand", "Demand", "persons"),
                _col("supply", "Supply", "persons"),
                _col("gap", "Gap (demand - supply)", "persons"),
                _col("gap_share", "Gap share of demand", "%"),
                _col("retired", "Retired", "persons/year"),
                _col("left", "Left (turnover)", "persons/year"),
                _col("aged_out", "Aged out", "persons/year"),
                _col("inflow", "Inflow", "persons/year"),
            ],
            proj_rows,
        ),
        _table(
            "calibration",
            f"Calibration of labour intensities on the base year {d.base_year}",
            [
                _col("segment", "Segment"),
                _col("occupation", "Occupation"),
                _col("base_jobs", "Segment jobs", "persons"),
                _col("share", "Occupation share", "1"),
                _col("jobs", "Occupation jobs", "persons"),
                _col("base_throughput", "Base throughput"),
                _col("throughput_unit", "Throughput unit"),
                _col("intensity_per_kt", "Intensity", "persons per 1,000 units"),
            ],
            calibration_rows,
        ),
        _table(
            "throughput",
            "Throughput per segment and year",
            [
                _col("segment", "Segment"),
                _col("year", "Year"),
                _col("throughput", "Throughput"),
                _col("unit", "Unit"),
            ],
            throughput_rows,
        ),
    ]
    demand, supply, gap = (result.total(w) for w in ("demand", "supply", "gap"))
    charts = [
        _chart(
            "gap_by_occupation",
            "Labour gap per occupation (demand - supply)",
            "line",
            ("Year", None),
            ("Gap", "persons"),
            [
                {"name": p.occupation.name, "x": years, "y": [_r(g) for g in p.gap[1:]]}
                for p in result.projections
            ],
        ),
        _chart(
            "gap_share_by_occupation",
            "Labour gap as a share of demand",
            "line",
            ("Year", None),
            ("Gap share of demand", "%"),
            [
                {
                    "name": p.occupation.name,
                    "x": years,
                    "y": [_r(100 * g, 2) for g in p.gap_share[1:]],
                }
                for p in result.projections
            ],
        ),
        _chart(
            "demand_supply_total",
            "Demand and supply, all modelled occupations",
            "line",
            ("Year", None),
            ("Persons", "persons"),
            [
                {"name": "Demand", "x": years, "y": [_r(v) for v in demand[1:]]},
                {"name": "Supply", "x": years, "y": [_r(v) for v in supply[1:]]},
            ],
        ),
        _chart(
            "bottleneck_score",
            "Bottleneck score (size x difficulty x urgency)",
            "bar",
            ("Occupation", None),
            ("Score", "index"),
            [
                {
                    "name": "Score",
                    "x": [b.name for b in result.bottlenecks],
                    "y": [_r(b.score, 4) for b in result.bottlenecks],
                }
            ],
        ),
    ]
    top = result.bottlenecks[0]
    short_end = sum((max(p.gap[-1], Fraction(0)) for p in result.projections), Fraction(0))
    surplus = [p.occupation.name for p in result.projections if p.gap[-1] < 0]
    base_jobs = sum(s.base_jobs for s in d.segments)
    summary = [
        f"Base year {d.base_year}: {float(demand[0]):,.0f} jobs in the seven occupation groups,"
        f" of {base_jobs:,.0f} jobs in the four segments (the region facts); the rest"
        " (sales, management, growers, ...) is not modelled.",
        f"By {end} demand is {float(demand[-1]):,.0f} and supply {float(supply[-1]):,.0f}:"
        f" a net gap of {float(gap[-1]):,.0f} and a shortage (sum of the positive gaps) of"
        f" {float(short_end):,.0f} persons.",
        f"Worst bottleneck: {top.name}, short {top.gap_end:,.0f} persons in {end}"
        f" ({100 * top.gap_share_end:.1f} % of demand)"
        + (f", above {100 * threshold:g} % from {top.first_year}" if top.first_year else "")
        + ".",
    ]
    if surplus:
        summary.append(f"Surplus in {end} (automation outpaces the outflow): {', '.join(surplus)}.")
    notes = [
        "Demand = throughput of each segment x labour intensity x automation factor"
        " (1 - automation rate x pace)^(year - base year), summed over the segments.",
        f"Intensities are calibrated so that the base year {d.base_year} reproduces the"
        " jobs of the region facts: intensity = segment jobs x occupation share / base"
        " throughput.",
        "Supply starts at base-year demand x (1 - vacancy rate), spread over ages 16-70 by"
        " each occupation's age profile; each year the workforce ages one year, retires by"
        " the retirement profile, leaves by turnover and is refilled by education and"
        " migration.",
        "Why plausible: ageing occupations (drivers, crews, technicians) lose more people"
        " to retirement than their inflow replaces, while handling and paperwork gain from"
        " automation; IT demand grows with digitalisation. Every number except the four"
        " job totals is an assumption, listed below.",
        f"Scenario {result.scenario.name!r}: "
        + ", ".join(f"{k}={v}" for k, v in result.scenario.to_json().items() if k != "name"),
    ]
    return {
        "page": "labour",
        "title": "Labour market: demand, supply and bottlenecks",
        "summary": summary,
        "notes": notes,
        "tables": tables,
        "charts": charts,
        "assumptions": _labour_assumptions(d),
        "result": result.to_json(),
    }


def _labour_assumptions(d: LabourData) -> list[Json]:
    out: list[Json] = []
    for s in d.segments:
        out.append(
            {
                "table": "segments",
                "item": s.name,
                "value": f"{s.base_jobs:,.0f} jobs; {s.base_throughput:,.0f} {s.unit}",
                "source": s.source,
            }
        )
    for o in d.occupations:
        out.append(
            {
                "table": "occupations",
                "item": o.name,
                "value": f"training {o.training_years:g} y; vacancies {100 * o.vacancy_rate:g} %;"
                f" automation {100 * o.automation_rate:g} %/y; inflow {o.education_inflow:,.0f}"
                f" education + {o.migration_inflow:,.0f} migration per year",
                "source": o.source,
            }
        )
    for table in (
        "occupation_mix",
        "age_profile",
        "turnover",
        "retirement",
        "growth",
        "inflow_ages",
    ):
        rows = getattr(d, table)
        for source in dict.fromkeys(r.source for r in rows):
            n = sum(1 for r in rows if r.source == source)
            out.append(
                {"table": table, "item": f"{n} rows", "value": "see the table", "source": source}
            )
    return out


# -- KPIs --------------------------------------------------------------------------------


def kpi_page_data(
    observations: Iterable[KpiObservation] = (),
    *,
    labour: LabourResult | None = None,
    indicators: Sequence[Indicator] | None = None,
) -> Json:
    """Return the programme KPI page: progress against each target, and the series.

    Parameters
    ----------
    observations
        Statistics and the platform's measurements (twin, SmartGate).
    labour
        A labour run whose projected shortage becomes ``labour_shortage_share``.
    indicators
        Default: the packaged indicators.
    """
    obs = list(observations)
    if labour is not None:
        obs += labour_observations(labour)
    report = assess_kpis(obs, indicators)
    rows = []
    for p in report.progress:
        ind = p.indicator
        rows.append(
            {
                "indicator": ind.name,
                "status": p.status,
                "unit": ind.unit,
                "latest": _r(p.latest.value, 3) if p.latest else None,
                "latest_period": p.latest.period if p.latest else None,
                "baseline": _r(p.baseline, 3),
                "baseline_period": p.baseline_period,
                "target": _r(p.target_value, 3),
                "target_year": ind.target_year,
                "required_now": _r(p.required, 3),
                "progress": _r(100 * p.progress, 1) if p.progress is not None else None,
                "source": ind.source,
            }
        )
    series_rows = [
        {
            "indicator": p.indicator.name,
            "period": o.period,
            "value": o.value,
            "unit": p.indicator.unit,
            "source": o.source,
        }
        for p in report.progress
        for o in p.series
    ] + [
        {
            "indicator": ind.id,
            "period": o.period,
            "value": o.value,
            "unit": o.unit,
            "source": o.source,
        }
        for ind_id, series in report.inputs.items()
        for o in series
        for ind in [next(i for i in report.indicators if i.id == ind_id)]
    ]
    tables = [
        _table(
            "progress",
            "Progress against the programme's targets",
            [
                _col("indicator", "Indicator"),
                _col("status", "Status"),
                _col("unit", "Unit"),
                _col("latest", "Latest"),
                _col("latest_period", "Period"),
                _col("baseline", "Baseline"),
                _col("baseline_period", "Baseline period"),
                _col("target", "Target"),
                _col("target_year", "Target year"),
                _col("required_now", "Required now"),
                _col("progress", "Progress", "%"),
                _col("source", "Target source"),
            ],
            rows,
        ),
        _table(
            "series",
            "Observations",
            [
                _col("indicator", "Indicator"),
                _col("period", "Period"),
                _col("value", "Value"),
                _col("unit", "Unit"),
                _col("source", "Source"),
            ],
            series_rows,
        ),
    ]
    with_data = [p for p in report.progress if p.progress is not None]
    charts = [
        _chart(
            "progress",
            "Progress from baseline to target",
            "bar",
            ("Indicator", None),
            ("Progress", "%"),
            [
                {
                    "name": "Progress",
                    "x": [p.indicator.name for p in with_data],
                    "y": [_r(100 * (p.progress or 0), 1) for p in with_data],
                }
            ],
        ),
    ]
    for p in report.progress:
        if not p.series:
            continue
        ind = p.indicator
        series: list[Json] = [
            {
                "name": "Observed",
                "x": [o.period for o in p.series],
                "y": [o.value for o in p.series],
            }
        ]
        if p.target_value is not None:
            series.append(
                {
                    "name": "Target",
                    "x": [o.period for o in p.series],
                    "y": [p.target_value] * len(p.series),
                }
            )
        charts.append(
            _chart(
                f"series_{ind.id}", ind.name, "line", ("Period", None), (ind.name, ind.unit), series
            )
        )
    counts = report.to_json()["counts"]
    summary = [
        f"{counts['on track']} indicators on track, {counts['off track']} off track,"
        f" {counts['no data']} without data (of {len(report.progress)} targets).",
        *(
            f"{p.indicator.name}: {p.status} — {p.note}."
            for p in report.progress
            if p.status != "no data"
        ),
    ]
    va = next((i for i in report.indicators if i.id == "value_added_growth_gap"), None)
    notes = [
        "On track means: for a trajectory target, the latest value is at least as good as"
        " the straight line from the baseline to the target; for a threshold target, it"
        " meets the target.",
        *([va.interpretation] if va is not None and va.interpretation else []),
        "Load statistics with --series FILE (indicator, period, value, unit, source); the"
        " twin and SmartGate pass their measurements as observations.",
    ]
    assumptions = [
        {
            "table": "indicators",
            "item": i.name,
            "value": (
                f"target {i.target:g} {i.unit}"
                if i.target is not None
                else f"target change {100 * (i.target_change or 0):+g} %"
                if i.role == "target"
                else "input series"
            )
            + (f" by {i.target_year}" if i.target_year else ""),
            "source": i.source,
        }
        for i in report.indicators
    ]
    return {
        "page": "kpis",
        "title": "Programme KPIs: progress against the targets",
        "summary": summary,
        "notes": notes,
        "tables": tables,
        "charts": charts,
        "assumptions": assumptions,
        "result": report.to_json(),
    }


# -- sectors -----------------------------------------------------------------------------


def sector_page_data(
    shipments: Sequence[Shipment] | SectorReport,
    *,
    mapping: SectorMapping | None = None,
    by: Any = None,
    data_note: str | None = None,
) -> Json:
    """Return the sector page: volumes by mode and node, lead and clearance times, CO2e, trend.

    Parameters
    ----------
    shipments
        The shipments, or a finished :class:`SectorReport`.
    mapping, by
        Passed to :func:`~smartlogistics.insight.sectors.analyse_sectors`.
    data_note
        Where the shipments come from (shown first in the summary), e.g. that they are
        a generated sample.
    """
    mapping = mapping or default_sector_mapping()
    report = (
        shipments
        if isinstance(shipments, SectorReport)
        else analyse_sectors(shipments, mapping, by)
    )
    total_t = sum(s.tonnes for s in report.sectors)
    rows = [
        {
            "sector": s.sector,
            "shipments": s.shipments,
            "tonnes": _r(s.tonnes, 3),
            "share": _r(100 * s.tonnes / total_t, 1) if total_t else None,
            "lead_time_median_h": _r(s.lead_time_median_h),
            "lead_time_p90_h": _r(s.lead_time_p90_h),
            "clearance_median_min": _r(s.clearance_median_min),
            "clearance_p95_min": _r(s.clearance_p95_min),
            "co2e_t": _r(s.co2e_kg / 1000, 3) if s.co2e_n else None,
            "co2e_kg_per_t": _r(s.co2e_kg_per_t),
        }
        for s in report.sectors
    ]
    mode_rows = [
        {"sector": s.sector, "mode": m, "tonnes": _r(t, 3)}
        for s in report.sectors
        for m, t in s.tonnes_by_mode.items()
    ]
    node_rows = [
        {"sector": s.sector, "role": role, "node": n, "tonnes": _r(t, 3)}
        for s in report.sectors
        for role, table in (
            ("origin", s.tonnes_by_origin),
            ("destination", s.tonnes_by_destination),
        )
        for n, t in table.items()
    ]
    trend_rows = [
        {"sector": s.sector, "period": p, "shipments": n, "tonnes": _r(t, 3), "co2e_kg": _r(c, 1)}
        for s in report.sectors
        for p, n, t, c in s.trend
    ]
    rule_rows = [
        {"code": r.code, "sector": r.sector, "note": r.note, "source": r.source}
        for r in mapping.rules
    ]
    tables = [
        _table(
            "sectors",
            "Shipments per sector",
            [
                _col("sector", "Sector"),
                _col("shipments", "Shipments"),
                _col("tonnes", "Volume", "t"),
                _col("share", "Share of volume", "%"),
                _col("lead_time_median_h", "Lead time, median", "h"),
                _col("lead_time_p90_h", "Lead time, 90th percentile", "h"),
                _col("clearance_median_min", "Clearance, median", "min"),
                _col("clearance_p95_min", "Clearance, 95th percentile", "min"),
                _col("co2e_t", "CO2e", "t CO2e"),
                _col("co2e_kg_per_t", "CO2e per tonne", "kg CO2e/t"),
            ],
            rows,
        ),
        _table(
            "by_mode",
            "Volume per sector and mode",
            [
                _col("sector", "Sector"),
                _col("mode", "Mode"),
                _col("tonnes", "Volume", "t"),
            ],
            mode_rows,
        ),
        _table(
            "by_node",
            "Volume per sector and node",
            [
                _col("sector", "Sector"),
                _col("role", "Origin or destination"),
                _col("node", "Node"),
                _col("tonnes", "Volume", "t"),
            ],
            node_rows,
        ),
        _table(
            "trend",
            f"Trend per {report.granularity}",
            [
                _col("sector", "Sector"),
                _col("period", "Period"),
                _col("shipments", "Shipments"),
                _col("tonnes", "Volume", "t"),
                _col("co2e_kg", "CO2e", "kg CO2e"),
            ],
            trend_rows,
        ),
        _table(
            "mapping",
            "HS codes to sectors (longest code wins; no match: Other)",
            [
                _col("code", "HS code"),
                _col("sector", "Sector"),
                _col("note", "Goods"),
                _col("source", "Source"),
            ],
            rule_rows,
        ),
    ]
    names = [s.sector for s in report.sectors]
    charts = [
        _chart(
            "tonnes_by_mode",
            "Volume per sector and mode",
            "stacked_bar",
            ("Sector", None),
            ("Volume", "t"),
            [
                {
                    "name": m,
                    "x": names,
                    "y": [_r(s.tonnes_by_mode.get(m, 0.0), 3) for s in report.sectors],
                }
                for m in MODES
                if any(m in s.tonnes_by_mode for s in report.sectors)
            ],
        ),
        _chart(
            "co2e_by_sector",
            "CO2e per sector (shipments that report it)",
            "bar",
            ("Sector", None),
            ("CO2e", "t CO2e"),
            [{"name": "CO2e", "x": names, "y": [_r(s.co2e_kg / 1000, 3) for s in report.sectors]}],
        ),
        _chart(
            "lead_time_by_sector",
            "Lead time per sector",
            "bar",
            ("Sector", None),
            ("Lead time", "h"),
            [
                {
                    "name": "Median",
                    "x": names,
                    "y": [_r(s.lead_time_median_h) for s in report.sectors],
                },
                {
                    "name": "90th percentile",
                    "x": names,
                    "y": [_r(s.lead_time_p90_h) for s in report.sectors],
                },
            ],
        ),
        _chart(
            "trend",
            f"Volume per sector per {report.granularity}",
            "line",
            ("Period", None),
            ("Volume", "t"),
            [
                {
                    "name": s.sector,
                    "x": list(report.periods),
                    "y": [_r(t, 3) for _, _, t, _ in s.trend],
                }
                for s in report.sectors
                if s.shipments
            ],
        ),
    ]
    ranked = sorted((s for s in report.sectors if s.shipments), key=lambda s: -s.tonnes)
    summary = [
        *([data_note] if data_note else []),
        f"{sum(s.shipments for s in report.sectors):,} shipments, {total_t:,.1f} t in"
        f" {len(report.periods)} {report.granularity}(s) ({report.periods[0]} to"
        f" {report.periods[-1]}).",
        "Largest sectors by volume: "
        + ", ".join(
            f"{s.sector} {s.tonnes:,.1f} t ({100 * s.tonnes / total_t:.0f} %)" for s in ranked[:3]
        )
        + ".",
    ]
    notes = [
        "Sectors from the HS code: the longest matching chapter (2 digits), heading (4) or"
        " subheading (6) of the mapping wins; codes without a rule are Other.",
        "Percentiles interpolate linearly between order statistics; clearance and CO2e"
        " figures cover only the shipments that report them.",
    ]
    assumptions = [
        {"table": "sectors", "item": r.code, "value": r.sector, "source": r.source}
        for r in mapping.rules
    ]
    return {
        "page": "sectors",
        "title": "Sector insight: flows of the seven sectors",
        "summary": summary,
        "notes": notes,
        "tables": tables,
        "charts": charts,
        "assumptions": assumptions,
        "result": report.to_json(),
    }
