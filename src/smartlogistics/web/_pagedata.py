"""The dashboard pages' data, built from the latest twin run stored in the database.

Each function returns the JSON of one page's API (``/api/dashboard/<page>``): the run's
summary under ``run`` and either ``empty`` (no run yet: what to do) or the page's numbers.
Numbers are rounded here to the precision the page shows, so the page only adds
thousands separators and units, and a test can compare the two exactly.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine

from smartlogistics.web._geometry import flow_path, region_geometry
from smartlogistics.web._runview import PolicyView, RunView
from smartlogistics.web._theme import LANES, MODES, POLICIES

__all__ = [
    "KPIS",
    "NO_RUN",
    "circle_lines",
    "emissions",
    "insight_page",
    "kpi_observations",
    "label",
    "latest",
    "network_map",
    "overview",
    "smartgate",
    "verdict",
]

NO_RUN: dict[str, str] = {
    "title": "No twin run yet",
    "message": (
        "This page shows the latest run of the digital twin of the region. None is stored "
        "in this database yet: run the demo, which simulates a week of the region's freight "
        "under the three policies, stores the results and serves this dashboard."
    ),
    "command": "smartlogistics demo",
}

POLICY_ORDER = [key for key, _, _ in POLICIES]
MODE_ORDER = [key for key, _, _ in MODES]
LANE_ORDER = [key for key, _, _ in LANES]

#: The overview's KPIs: (key, label, unit, decimals, better, note).
KPIS: tuple[tuple[str, str, str, int, str, str | None], ...] = (
    ("cost_eur", "Total cost", "€", 0, "lower", "transport, handling and fallback trucks"),
    ("co2e_t", "CO2e well-to-wheel", "t", 1, "lower", "ISO 14083 / GLEC"),
    ("co2e_kg_per_t", "CO2e per tonne delivered", "kg/t", 2, "lower", None),
    ("on_time_pct", "On time", "%", 1, "higher", "delivered by the due time"),
    ("lead_time_h", "Door-to-door lead time", "h", 1, "lower", "median, release to delivery"),
    ("lead_time_p95_h", "Lead time, 95th percentile", "h", 1, "lower", None),
    ("road_tkm_pct", "Road share of tonne-km", "%", 1, "lower", None),
    ("load_factor_pct", "Service load factor", "%", 1, "higher", "TEU carried / TEU offered"),
    ("trucks_per_day", "Trucks on the road per day", "trucks/day", 0, "lower", "mean"),
)

LEG_TYPE_LABELS = {
    "direct": "Door-to-door truck",
    "pre": "Pre-haul",
    "main": "Main leg (barge, rail)",
    "end": "End-haul",
    "fallback": "Fallback truck",
    "handling": "Terminal handling",
}


#: Readable names of SmartGate's rules and the risk model, the reasons for red.
REASON_LABELS = {
    "model": "Risk model score above the red threshold",
    "sanctions": "Sanctions and embargoes",
    "denied_parties": "Denied-party screening match",
    "dangerous_goods": "Dangerous goods declaration",
    "product_safety": "Product safety alert",
    "value_density": "Implausible declared value",
    "data_quality": "Incomplete or implausible data (7+1)",
}


def label(key: str) -> str:
    """Return a readable label for a stored key (``port_containers`` → ``Port containers``)."""
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def latest(engine: Engine) -> RunView | None:
    """Return the latest finished twin run in the database as a :class:`RunView`."""
    from smartlogistics.web._runview import load_latest  # the twin loads on use

    return load_latest(engine)


def _r(value: float | None, decimals: int) -> float | None:
    """Round for display; ``None`` stays ``None`` and ``-0.0`` becomes ``0.0``."""
    if value is None or not math.isfinite(value):
        return None
    out = round(value, decimals)
    return out + 0.0 if out != 0 else 0.0


def _pct(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole else 0.0


def _empty() -> dict[str, Any]:
    return {"run": None, "empty": NO_RUN}


def _modes(values: Iterable[Mapping[str, float]]) -> list[str]:
    used: set[str] = {mode for table in values for mode, v in table.items() if v}
    return [m for m in MODE_ORDER if m in used] + sorted(used - set(MODE_ORDER))


# -- overview ----------------------------------------------------------------------------


def _kpi_values(policy: PolicyView) -> dict[str, float | None]:
    tkm = sum(policy.tkm_by_mode.values())
    days = policy.trucks_per_day
    return {
        "cost_eur": policy.cost_eur,
        "co2e_t": policy.wtw_kg / 1000.0,
        "co2e_kg_per_t": policy.wtw_kg / policy.tonnes if policy.tonnes else None,
        "on_time_pct": 100.0 * policy.on_time_share,
        "lead_time_h": policy.lead_time_h_median,
        "lead_time_p95_h": policy.lead_time_h_p95,
        "road_tkm_pct": _pct(policy.tkm_by_mode.get("road", 0.0), tkm),
        "load_factor_pct": None if policy.load_factor is None else 100.0 * policy.load_factor,
        "trucks_per_day": sum(days) / len(days) if days else 0.0,
    }


def _diff(value: float | None, base: float | None, decimals: int) -> dict[str, Any] | None:
    if value is None or base is None:
        return None
    return {
        "abs": _r(value - base, decimals),
        "pct": _r(100.0 * (value - base) / base, 1) if base else None,
    }


def _fmt(value: float | None, decimals: int) -> str:
    """Format like the page does (``Intl.NumberFormat("en-US")``)."""
    return "n/a" if value is None else f"{value:,.{decimals}f}"


def verdict(values: Mapping[str, Mapping[str, float | None]]) -> dict[str, Any]:
    """Say whether synchromodal beats today's practice, with the numbers.

    The test is issue 6's target: lower total cost than today's practice (greedy), at
    least 30% less CO2e than road-only, and an on-time share no lower than today's.

    Parameters
    ----------
    values
        KPI values per policy (``cost_eur``, ``co2e_t``, ``on_time_pct``), unrounded: the
        checks and percentages use them as they are, the text shows them with the
        decimals of the KPI table.

    Returns
    -------
    dict
        ``{"beats_today": bool, "text": str, "checks": [{"key", "label", "ok"}]}``.
    """
    syn, today, road = values["synchromodal"], values["greedy"], values["road_only"]
    cost_s, cost_g = syn["cost_eur"] or 0.0, today["cost_eur"] or 0.0
    co2_s, co2_r = syn["co2e_t"] or 0.0, road["co2e_t"] or 0.0
    on_s, on_g = syn["on_time_pct"] or 0.0, today["on_time_pct"] or 0.0
    saving_pct = 100.0 * (co2_r - co2_s) / co2_r if co2_r else 0.0
    cost_pct = 100.0 * (cost_g - cost_s) / cost_g if cost_g else 0.0
    checks = [
        {
            "key": "cost",
            "ok": cost_s < cost_g,
            "label": f"total cost € {_fmt(cost_s, 0)} against € {_fmt(cost_g, 0)} today",
        },
        {
            "key": "co2e",
            "ok": saving_pct >= 30.0,
            "label": (
                f"CO2e {_fmt(co2_s, 1)} t against {_fmt(co2_r, 1)} t by road only "
                f"({_fmt(saving_pct, 1)} % less; target at least 30 %)"
            ),
        },
        {
            "key": "on_time",
            "ok": on_s >= on_g,
            "label": f"on time {_fmt(on_s, 1)} % against {_fmt(on_g, 1)} % today",
        },
    ]
    beats = all(c["ok"] for c in checks)
    cheaper = (
        f"costs € {_fmt(cost_g - cost_s, 0)} less ({_fmt(cost_pct, 1)} %)"
        if cost_s < cost_g
        else f"costs € {_fmt(cost_s - cost_g, 0)} more ({_fmt(-cost_pct, 1)} %)"
    )
    cleaner = f"emits {_fmt(saving_pct, 1)} % less CO2e than road-only ({_fmt(co2_s, 1)} t)"
    punctual = f"delivers {_fmt(on_s, 1)} % on time against {_fmt(on_g, 1)} % today"
    if beats:
        text = (
            f"Synchromodal planning beats today's practice: it {cheaper}, {cleaner}, "
            f"and {punctual}."
        )
    else:
        failed = ", ".join(str(c["label"]) for c in checks if not c["ok"])
        text = (
            f"Synchromodal planning does not beat today's practice on this run ({failed}): "
            f"it {cheaper}, {cleaner}, and {punctual}."
        )
    return {"beats_today": beats, "text": text, "checks": checks}


def overview(run: RunView | None) -> dict[str, Any]:
    """Return the overview page's data (see ``docs/dashboard.md``)."""
    if run is None:
        return _empty()
    raw = {p: _kpi_values(run.policies[p]) for p in POLICY_ORDER}
    kpis = []
    for key, label, unit, decimals, better, note in KPIS:
        values = {p: _r(raw[p][key], decimals) for p in POLICY_ORDER}
        kpis.append(
            {
                "key": key,
                "label": label,
                "unit": unit,
                "decimals": decimals,
                "better": better,
                "note": note,
                "values": values,
                "vs_greedy": {
                    p: _diff(values[p], values["greedy"], decimals)
                    for p in POLICY_ORDER
                    if p != "greedy"
                },
                "vs_road_only": {
                    p: _diff(values[p], values["road_only"], decimals)
                    for p in POLICY_ORDER
                    if p != "road_only"
                },
            }
        )
    split_modes = _modes(run.policies[p].tkm_by_mode for p in POLICY_ORDER)
    split = {}
    for p in POLICY_ORDER:
        tkm = run.policies[p].tkm_by_mode
        total = sum(tkm.values())
        split[p] = {m: _r(_pct(tkm.get(m, 0.0), total), 1) for m in split_modes}
    return {
        "run": run.summary(),
        "empty": None,
        "policy_order": POLICY_ORDER,
        "kpis": kpis,
        "tiles": ["cost_eur", "co2e_t", "on_time_pct", "trucks_per_day"],
        "verdict": verdict(raw),
        "modal_split": {"unit": "%", "modes": split_modes, "values": split},
        "trucks_per_day": {
            "unit": "trucks/day",
            "days": run.day_labels,
            "values": {p: [_r(v, 0) for v in run.policies[p].trucks_per_day] for p in POLICY_ORDER},
        },
    }


# -- network map -------------------------------------------------------------------------


def network_map(run: RunView | None, region: str) -> dict[str, Any]:
    """Return the map's data: nodes, network, flows per policy with drawn paths."""
    if run is None:
        return _empty()
    geometry = region_geometry(region)
    flows: dict[str, list[dict[str, Any]]] = {}
    totals: dict[str, dict[str, dict[str, float | None]]] = {}
    for p in POLICY_ORDER:
        view = run.policies[p]
        flows[p] = [
            {
                "from": f.origin,
                "to": f.destination,
                "mode": f.mode,
                "tonnes": _r(f.tonnes, 0),
                "teu": _r(f.teu, 1),
                "path": [list(p) for p in flow_path(region, f.origin, f.destination, f.mode)],
            }
            for f in sorted(view.flows, key=lambda f: (-f.tonnes, f.origin, f.destination, f.mode))
            if f.tonnes > 0
        ]
        total = sum(view.tkm_by_mode.values())
        totals[p] = {
            "tkm": {m: _r(v, 0) for m, v in view.tkm_by_mode.items()},
            "share_tkm": {m: _r(_pct(v, total), 1) for m, v in view.tkm_by_mode.items()},
        }
    return {
        "run": run.summary(),
        "empty": None,
        **geometry,
        "basemap_url": "/static/basemap/benelux-west.geojson",
        "policy_order": POLICY_ORDER,
        "default_policy": "synchromodal",
        "modes": _modes(run.policies[p].tkm_by_mode for p in POLICY_ORDER),
        "flows": flows,
        "totals": totals,
    }


# -- Circle Lines ------------------------------------------------------------------------


def _timetable(region: str) -> list[dict[str, Any]]:
    from smartlogistics.web._geometry import region_services

    return region_services(region)


def circle_lines(run: RunView | None, region: str) -> dict[str, Any]:
    """Return the Circle Lines page's data: departures, load factors, the timetable."""
    if run is None:
        return _empty()
    names = {s["id"]: s["name"] for s in _timetable(region)}
    policies: dict[str, Any] = {}
    for p in POLICY_ORDER:
        departures = sorted(run.policies[p].departures, key=lambda d: (d.depart, d.service_id))
        by_service: dict[str, dict[str, Any]] = {}
        rows = []
        for d in departures:
            row = by_service.setdefault(
                d.service_id,
                {
                    "service_id": d.service_id,
                    "mode": d.mode,
                    "departures": 0,
                    "cancelled": 0,
                    "teu": 0.0,
                    "capacity_teu": 0.0,
                },
            )
            if d.cancelled:
                row["cancelled"] += 1
            else:
                row["departures"] += 1
                row["teu"] += d.load_teu
                row["capacity_teu"] += d.capacity_teu
            rows.append(
                {
                    "service_id": d.service_id,
                    "index": d.index,
                    "mode": d.mode,
                    "depart": d.depart,
                    "arrive": d.arrive,
                    "delay_h": _r(d.delay_h, 1),
                    "cancelled": d.cancelled,
                    "capacity_teu": _r(d.capacity_teu, 0),
                    "load_teu": _r(d.load_teu, 1),
                    "load_factor_pct": _r(_pct(d.load_teu, d.capacity_teu), 1),
                    "orders": d.orders,
                }
            )
        ran = [d for d in departures if not d.cancelled]
        delayed = [d for d in ran if d.delay_h > 0]
        carried = sum(d.load_teu for d in ran)
        offered = sum(d.capacity_teu for d in ran)
        policies[p] = {
            "summary": {
                "replans": run.policies[p].replans,
                "departures": len(ran),
                "cancelled": len(departures) - len(ran),
                "teu": _r(carried, 1),
                "load_factor_pct": _r(_pct(carried, offered), 1),
                "delayed": len(delayed),
                "mean_delay_h": _r(
                    sum(d.delay_h for d in delayed) / len(delayed) if delayed else 0.0, 1
                ),
            },
            "by_service": [
                {
                    **row,
                    "name": names.get(row["service_id"], row["service_id"]),
                    "teu": _r(row["teu"], 1),
                    "capacity_teu": _r(row["capacity_teu"], 0),
                    "load_factor_pct": _r(_pct(row["teu"], row["capacity_teu"]), 1),
                }
                for row in sorted(by_service.values(), key=lambda r: r["service_id"])
            ],
            "departures": rows,
        }
    return {
        "run": run.summary(),
        "empty": None,
        "timezone": run.timezone,
        "policy_order": POLICY_ORDER,
        "default_policy": "synchromodal",
        "policies": policies,
        "timetable": _timetable(region),
        "disruptions": [
            {"kind": kind, "kind_label": label(kind), "label": text}
            for kind, text in run.disruptions
        ],
    }


# -- SmartGate ---------------------------------------------------------------------------


def smartgate(run: RunView | None) -> dict[str, Any]:
    """Return the SmartGate page's data: lanes, queue, clearance times, red reasons."""
    if run is None:
        return _empty()
    gate = run.smartgate
    lanes = [lane for lane in LANE_ORDER if lane in gate.lanes] + sorted(
        set(gate.lanes) - set(LANE_ORDER)
    )
    screened = gate.screened
    queue_t = [t for t, _, _ in gate.queue]
    waiting = [w for _, w, _ in gate.queue]
    busy = [b for _, _, b in gate.queue]
    return {
        "run": run.summary(),
        "empty": None,
        "totals": {
            "screened": screened,
            "green_pct": _r(_pct(gate.lanes.get("GREEN", 0), screened), 1),
            "release_median_min": _r(gate.release_median_min, 1),
            "release_p95_min": _r(gate.release_p95_min, 1),
            "inspections": gate.inspections,
            "orders_held": gate.orders_held,
            "inspectors": gate.inspectors,
            "inspector_utilisation_pct": _r(100.0 * gate.inspector_utilisation, 1),
            "peak_queue": max(waiting, default=0),
        },
        "lanes": [
            {
                "lane": lane,
                "count": gate.lanes[lane],
                "pct": _r(_pct(gate.lanes[lane], screened), 1),
            }
            for lane in lanes
        ],
        "clearance": [
            {"stat": "median", "label": "Median", "min": _r(gate.release_median_min, 1)},
            {"stat": "mean", "label": "Mean", "min": _r(gate.release_mean_min, 1)},
            {"stat": "p95", "label": "95th percentile", "min": _r(gate.release_p95_min, 1)},
        ],
        "queue": {"t": queue_t, "waiting": waiting, "busy": busy, "max": max(waiting, default=0)},
        "red_reasons": [
            {"reason": reason, "label": REASON_LABELS.get(reason, label(reason)), "count": n}
            for reason, n in gate.red_reasons[:10]
        ],
    }


# -- emissions ---------------------------------------------------------------------------


def emissions(run: RunView | None) -> dict[str, Any]:
    """Return the emissions page's data: CO2e per mode, leg type and sector."""
    if run is None:
        return _empty()
    by_mode: dict[str, dict[str, float | None]] = {}
    by_leg: dict[str, dict[str, float | None]] = {}
    by_sector: dict[str, dict[str, float | None]] = {}
    totals: dict[str, dict[str, float | None]] = {}
    sector_totals: dict[str, float] = defaultdict(float)
    for p in POLICY_ORDER:
        view = run.policies[p]
        by_mode[p] = {m: _r(v / 1000.0, 2) for m, v in view.wtw_kg_by_mode.items()}
        by_leg[p] = {k: _r(v / 1000.0, 2) for k, v in view.wtw_kg_by_leg_type.items()}
        by_sector[p] = {s: _r(v / 1000.0, 2) for s, v in view.wtw_kg_by_sector.items()}
        for s, v in view.wtw_kg_by_sector.items():
            sector_totals[s] += v
        totals[p] = {
            "wtw_t": _r(view.wtw_kg / 1000.0, 1),
            "ttw_t": _r(view.ttw_kg / 1000.0, 1),
            "per_tonne_kg": _r(view.wtw_kg / view.tonnes if view.tonnes else 0.0, 2),
        }
    syn = run.policies["synchromodal"]
    intensity = {
        m: _r(1000.0 * syn.wtw_kg_by_mode.get(m, 0.0) / tkm, 1)
        for m, tkm in syn.tkm_by_mode.items()
        if tkm > 0
    }
    road = run.policies["road_only"].wtw_kg
    leg_types = [k for k in LEG_TYPE_LABELS if any(k in by_leg[p] for p in POLICY_ORDER)]
    return {
        "run": run.summary(),
        "empty": None,
        "unit": "t CO2e",
        "policy_order": POLICY_ORDER,
        "modes": _modes(run.policies[p].wtw_kg_by_mode for p in POLICY_ORDER),
        "leg_types": leg_types,
        "leg_type_labels": {k: LEG_TYPE_LABELS[k] for k in leg_types},
        "sectors": sorted(sector_totals, key=lambda s: -sector_totals[s]),
        "sector_labels": {s: label(s) for s in sector_totals},
        "by_mode": by_mode,
        "by_leg_type": by_leg,
        "by_sector": by_sector,
        "totals": totals,
        "intensity": intensity,
        "saving_vs_road_only_pct": _r(_pct(road - syn.wtw_kg, road), 1),
        "method": (
            "CO2e well-to-wheel (WTW) per ISO 14083:2023 and the GLEC Framework v3, computed "
            "by the platform's emissions module for every executed leg and terminal "
            "handling. Intensity: WTW grams per tonne-kilometre of the synchromodal policy's "
            "legs of that mode."
        ),
    }


# -- insight ---------------------------------------------------------------------------

#: The insight page-data function behind each insight page (``smartlogistics.insight``).
INSIGHT_FUNCTIONS = {
    "labour": "labour_page_data",
    "kpis": "kpi_page_data",
    "sectors": "sector_page_data",
}


@lru_cache(maxsize=1)
def _labour() -> Any:
    from smartlogistics.insight import project_labour

    return project_labour()


@lru_cache(maxsize=1)
def _sector_page() -> dict[str, Any]:
    from smartlogistics.bridges.sectors import SAMPLE_SEED, SAMPLE_SIZE, sample_shipments
    from smartlogistics.insight import sector_page_data

    note = (
        f"A generated sample of {SAMPLE_SIZE:,} SYNTHETIC import air cargo consignments at "
        f"Schiphol (SmartGate's history generator, seed {SAMPLE_SEED}), as "
        "'smartlogistics insight sectors' uses without --input: the twin's shipments carry "
        "no HS codes yet. Lead times, clearance times and CO2e are assumptions "
        "(docs/insight.md)."
    )
    page: dict[str, Any] = sector_page_data(
        sample_shipments(SAMPLE_SIZE, SAMPLE_SEED), data_note=note
    )
    return page


def kpi_observations(run: RunView) -> list[Any]:
    """Return the programme indicators the twin run measures (synchromodal policy, SmartGate).

    Each becomes a :class:`~smartlogistics.insight.KpiObservation` of the run's first
    day's year: CO2e per tonne, the road, rail and barge shares of tonne-km, the median
    lead time, the green-lane share and the median time to release.
    """
    from smartlogistics.insight.kpis import KpiObservation

    syn = run.policies["synchromodal"]
    tkm = sum(syn.tkm_by_mode.values())
    gate = run.smartgate
    period = run.start[:4]
    source = f"twin run {run.id} ({run.days} simulated days, seed {run.seed}), synchromodal"
    values = [
        ("co2e_per_tonne", syn.wtw_kg / syn.tonnes if syn.tonnes else None, "kg CO2e/t"),
        ("road_share", _pct(syn.tkm_by_mode.get("road", 0.0), tkm), "%"),
        ("rail_share", _pct(syn.tkm_by_mode.get("rail", 0.0), tkm), "%"),
        ("barge_share", _pct(syn.tkm_by_mode.get("barge", 0.0), tkm), "%"),
        ("lead_time_median", syn.lead_time_h_median, "h"),
        ("green_lane_share", _pct(gate.lanes.get("GREEN", 0), gate.screened), "%"),
        ("clearance_time_median", gate.release_median_min, "min"),
    ]
    return [
        KpiObservation(
            indicator=key,
            period=period,
            value=round(value, 3),
            unit=unit,
            source=source
            if key not in ("green_lane_share", "clearance_time_median")
            else f"twin run {run.id}, SmartGate",
        )
        for key, value, unit in values
        if value is not None
    ]


def insight_page(kind: str, run: RunView | None) -> dict[str, Any]:
    """Return an insight page's data from :mod:`smartlogistics.insight`'s page functions.

    The labour page is the model's default scenario; the KPI page assesses the targets
    with the latest twin run's measurements (:func:`kpi_observations`) and the labour
    projection; the sector page analyses the insight CLI's seeded sample of shipments.
    The page data's shape is the insight package's (``docs/insight.md``).
    """
    from smartlogistics.insight import kpi_page_data, labour_page_data

    summary = None if run is None else run.summary()
    if kind == "labour":
        data: dict[str, Any] = labour_page_data(_labour())
    elif kind == "kpis":
        data = kpi_page_data(kpi_observations(run) if run is not None else (), labour=_labour())
        if run is None:
            data["summary"] = [
                "No twin run is stored yet, so only the labour projection is assessed; "
                "run 'smartlogistics demo' for the platform's own measurements.",
                *data["summary"],
            ]
    else:
        data = _sector_page()
    return {"run": summary, "empty": None, **data}
