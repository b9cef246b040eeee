"""KPIs from the twin's records: per policy, for SmartGate, and the dashboard's time series.

Every figure is computed here from the typed records the processes wrote
(:mod:`~smartlogistics.twin.recorder`); nothing is read back from SimPy or the planner.

Per policy (:func:`policy_kpis`): total cost (transport + terminal handling, EUR), the
CO2 cost and lateness penalties on top (``generalised_cost_eur``), CO2e WTW and TTW and
WTW per tonne delivered, modal split by tonne-km (every leg) and by TEU (each order's main
mode: its first service, or road), on-time share (delivered by the due time), door-to-door
lead time (release to delivery: mean, median, p95), service load factors (peak TEU over
the departure's segments / TEU capacity, over every departure that ran in the period),
truck trips per day (trucks of every road leg, by the local day it starts) and counts of
fallback trucks and replans.

SmartGate (:func:`smartgate_kpis`): consignments screened, lane counts and shares, arrival
to release time (median and p95 over released consignments, hours), inspections,
inspector utilisation (inspecting hours / (inspectors x hours from first arrival to last
release)), orders held by customs, the top reasons for red.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from smartlogistics.planner.order import CargoClass
from smartlogistics.twin.recorder import (
    CustomsRecord,
    DepartureRecord,
    HandlingRecord,
    LegRecord,
    MemoryRecorder,
    OrderRecord,
    QueueSample,
    ReplanRecord,
)

__all__ = ["percentile", "policy_kpis", "policy_series", "smartgate_kpis", "smartgate_series"]

_LANES = ("GREEN", "RFI", "RED", "DNL")
_MODES = ("road", "barge", "rail")


def percentile(values: Sequence[float], q: float) -> float | None:
    """Return the ``q``-th percentile (0-100) by linear interpolation, ``None`` for no values."""
    if not values:
        return None
    data = sorted(values)
    pos = (len(data) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def _share(parts: dict[str, float]) -> dict[str, float]:
    total = sum(parts.values())
    return {k: (v / total if total > 0 else 0.0) for k, v in parts.items()}


def _stats(values: Sequence[float]) -> dict[str, float | None]:
    return {
        "mean": (sum(values) / len(values)) if values else None,
        "median": percentile(values, 50),
        "p95": percentile(values, 95),
    }


def policy_kpis(
    rec: MemoryRecorder,
    *,
    days: int,
    start_h: float,
    co2_price_eur_per_tonne: float,
    lateness_rate: Callable[[CargoClass], float],
) -> dict[str, Any]:
    """Compute the KPIs of one policy's records (see the module doc for each figure)."""
    legs = list(rec.of(LegRecord))
    handlings = list(rec.of(HandlingRecord))
    orders = list(rec.of(OrderRecord))
    departures = list(rec.of(DepartureRecord))
    replans = list(rec.of(ReplanRecord))
    delivered = [o for o in orders if o.delivered_h is not None]
    transport = float(sum(x.cost_eur for x in legs))
    handling = float(sum(h.cost_eur for h in handlings))
    wtw = float(sum(x.wtw_kg for x in legs) + sum(h.wtw_kg for h in handlings))
    ttw = float(sum(x.ttw_kg for x in legs) + sum(h.ttw_kg for h in handlings))
    tonnes = float(sum(o.tonnes for o in delivered))
    late_h = {
        o.order_id: max(0.0, o.delivered_h - o.due_h)
        for o in delivered
        if o.delivered_h is not None
    }
    lateness = float(
        sum(
            lateness_rate(CargoClass(o.cargo_class)) * late_h.get(o.order_id, 0.0)
            for o in delivered
        )
    )
    on_time = sum(1 for o in delivered if late_h[o.order_id] <= 1e-6)
    tkm: dict[str, float] = dict.fromkeys(_MODES, 0.0)
    for x in legs:
        tkm[x.mode] = tkm.get(x.mode, 0.0) + x.tonnes * x.km
    teu: dict[str, float] = dict.fromkeys(_MODES, 0.0)
    for o in delivered:
        slots = o.teu if o.teu > 0 else o.tonnes / 10.0
        mode = o.main_mode or "road"
        teu[mode] = teu.get(mode, 0.0) + slots
    trucks_per_day = [0] * days
    truck_km = 0.0
    for x in legs:
        if x.trucks:
            day = int((x.depart_h - start_h) // 24)
            if 0 <= day < days:
                trucks_per_day[day] += x.trucks
            truck_km += x.trucks * x.km
    ran = [d for d in departures if not d.cancelled and d.capacity_teu > 0]
    by_mode: dict[str, list[DepartureRecord]] = defaultdict(list)
    for d in ran:
        by_mode[d.mode].append(d)

    def lf(items: Sequence[DepartureRecord]) -> dict[str, float | None]:
        cap = sum(d.capacity_teu for d in items)
        return {
            "mean": (sum(d.load_teu / d.capacity_teu for d in items) / len(items))
            if items
            else None,
            "teu_weighted": (sum(d.load_teu for d in items) / cap) if cap > 0 else None,
        }

    lead = [o.delivered_h - o.release_h for o in delivered if o.delivered_h is not None]
    co2_cost = co2_price_eur_per_tonne * wtw / 1000.0
    total = transport + handling
    return {
        "orders": len(orders),
        "delivered": len(delivered),
        "unplannable": sum(1 for o in orders if o.unplannable),
        "total_cost_eur": total,
        "transport_cost_eur": transport,
        "handling_cost_eur": handling,
        "co2_cost_eur": co2_cost,
        "lateness_penalty_eur": lateness,
        "generalised_cost_eur": total + co2_cost + lateness,
        "wtw_kg": wtw,
        "ttw_kg": ttw,
        "tonnes": tonnes,
        "wtw_kg_per_tonne": (wtw / tonnes) if tonnes > 0 else None,
        "modal_split_tkm": tkm,
        "modal_share_tkm": _share(tkm),
        "modal_split_teu": teu,
        "modal_share_teu": _share(teu),
        "on_time_share": (on_time / len(orders)) if orders else None,
        "late_orders": len(delivered) - on_time,
        "lead_time_h": _stats(lead),
        "load_factor": {**lf(ran), "by_mode": {m: lf(by_mode[m]) for m in sorted(by_mode)}},
        "departures": {
            "run": len(ran),
            "used": sum(1 for d in ran if d.orders > 0),
            "cancelled": sum(1 for d in departures if d.cancelled),
            "delayed": sum(1 for d in ran if d.delay_h > 1e-6),
        },
        "trucks_per_day": trucks_per_day,
        "truck_trips": sum(x.trucks for x in legs),
        "truck_km": truck_km,
        "fallback_trucks": sum(1 for x in legs if x.kind == "fallback"),
        "replans": len(replans),
        "planning_seconds": sum(r.seconds for r in replans),
    }


def policy_series(rec: MemoryRecorder, at: Callable[[float], datetime]) -> dict[str, Any]:
    """Build the dashboard's series of one policy: departures, flows, emissions, replans."""
    legs = list(rec.of(LegRecord))
    handlings = list(rec.of(HandlingRecord))
    departures = [
        {
            "service_id": d.service_id,
            "index": d.departure_index,
            "mode": d.mode,
            "depart": at(d.depart_h).isoformat(),
            "arrive": at(d.arrive_h).isoformat(),
            "capacity_teu": d.capacity_teu,
            "load_teu": d.load_teu,
            "load_factor": (d.load_teu / d.capacity_teu) if d.capacity_teu > 0 else None,
            "orders": d.orders,
            "cancelled": d.cancelled,
            "delay_h": d.delay_h,
        }
        for d in sorted(rec.of(DepartureRecord), key=lambda d: (d.depart_h, d.service_id))
    ]
    flows: dict[tuple[str, str, str], list[float]] = {}
    for x in legs:
        f = flows.setdefault((x.origin, x.destination, x.mode), [0.0, 0.0, 0.0])
        f[0] += x.tonnes
        f[1] += x.teu
        f[2] += 1
    by_mode: dict[str, float] = defaultdict(float)
    by_kind: dict[str, float] = defaultdict(float)
    by_sector: dict[str, float] = defaultdict(float)
    for x in legs:
        by_mode[x.mode] += x.wtw_kg
        by_kind[x.kind] += x.wtw_kg
        by_sector[x.sector] += x.wtw_kg
    for h in handlings:
        by_mode["handling"] += h.wtw_kg
        by_kind["handling"] += h.wtw_kg
        by_sector[h.sector] += h.wtw_kg
    return {
        "departures": departures,
        "flows": [
            {"from": a, "to": b, "mode": m, "tonnes": v[0], "teu": v[1], "legs": int(v[2])}
            for (a, b, m), v in sorted(flows.items())
        ],
        "emissions_wtw_kg": {
            "by_mode": dict(sorted(by_mode.items())),
            "by_leg_type": dict(sorted(by_kind.items())),
            "by_sector": dict(sorted(by_sector.items())),
        },
        "replans": [
            {
                "at": at(r.at_h).isoformat(),
                "trigger": r.trigger,
                "orders": r.orders,
                "affected": r.affected,
                "reoptimised": r.reoptimised,
                "changes": r.changes,
                "seconds": r.seconds,
                "status": r.status,
            }
            for r in rec.of(ReplanRecord)
        ],
    }


def smartgate_kpis(
    records: Iterable[CustomsRecord], *, inspectors: int, busy_h: float, span_h: float
) -> dict[str, Any]:
    """SmartGate's KPIs (see the module doc)."""
    items = list(records)
    lanes = Counter(r.lane for r in items)
    counts = {lane: lanes.get(lane, 0) for lane in _LANES}
    waits = [r.waited_h for r in items if r.released_h is not None]
    reasons = Counter(reason for r in items if r.lane == "RED" for reason in r.reasons)
    held = {r.order_id for r in items if r.released_h is not None and r.waited_h > 1e-9}
    capacity_h = inspectors * span_h
    return {
        "consignments": len(items),
        "screened": len(items),
        "lanes": counts,
        "lane_shares": {k: (v / len(items) if items else 0.0) for k, v in counts.items()},
        "release_h": {
            "median": percentile(waits, 50),
            "p95": percentile(waits, 95),
            "mean": (sum(waits) / len(waits)) if waits else None,
        },
        "inspections": sum(1 for r in items if r.inspected),
        "inspectors": inspectors,
        "inspector_utilisation": (busy_h / capacity_h) if capacity_h > 0 else 0.0,
        "orders_held": len(held),
        "top_red_reasons": [{"reason": k, "count": v} for k, v in reasons.most_common(10)],
    }


def smartgate_series(
    samples: Iterable[QueueSample], at: Callable[[float], datetime]
) -> list[dict[str, Any]]:
    """List the inspection queue over time: waiting and being inspected."""
    return [{"t": at(s.t_h).isoformat(), "waiting": s.waiting, "busy": s.busy} for s in samples]
