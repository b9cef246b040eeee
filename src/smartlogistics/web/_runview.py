"""What the dashboard reads from a twin run: one typed view, whatever the storage says.

The page builders (:mod:`~smartlogistics.web._pagedata`) work on a :class:`RunView`, so
they do not depend on how the twin stores its results; :func:`from_stored` is the one
place that knows the stored layout (``twin.results``, ``docs/twin.md``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

if TYPE_CHECKING:
    from smartlogistics.twin.results import StoredRun

__all__ = [
    "DepartureView",
    "FlowView",
    "GateView",
    "PolicyView",
    "RunView",
    "from_result",
    "from_stored",
    "load_latest",
]


@dataclass(frozen=True)
class DepartureView:
    """One dated departure of a Circle Lines service as it ran (or was cancelled)."""

    service_id: str
    index: int
    mode: str
    depart: str
    arrive: str
    delay_h: float
    cancelled: bool
    capacity_teu: float
    load_teu: float
    orders: int


@dataclass(frozen=True)
class FlowView:
    """Freight moved between two nodes by one mode over the run."""

    origin: str
    destination: str
    mode: str
    tonnes: float
    teu: float


@dataclass(frozen=True)
class PolicyView:
    """One policy's results (every quantity over the whole run)."""

    cost_eur: float
    wtw_kg: float
    ttw_kg: float
    tonnes: float
    orders: int
    on_time_share: float
    lead_time_h_median: float
    lead_time_h_p95: float
    tkm_by_mode: dict[str, float]
    teu_by_mode: dict[str, float]
    trucks_per_day: list[float]
    departures: list[DepartureView]
    flows: list[FlowView]
    wtw_kg_by_mode: dict[str, float]
    wtw_kg_by_leg_type: dict[str, float]
    wtw_kg_by_sector: dict[str, float]
    load_factor: float | None = None
    replans: int = 0


@dataclass(frozen=True)
class GateView:
    """SmartGate over the run: lanes, release times, inspectors and the queue."""

    screened: int
    lanes: dict[str, int]
    release_median_min: float
    release_mean_min: float
    release_p95_min: float
    inspections: int
    orders_held: int
    inspectors: int
    inspector_utilisation: float
    queue: list[tuple[str, int, int]]
    red_reasons: list[tuple[str, int]]


@dataclass(frozen=True)
class RunView:
    """A stored twin run as the dashboard shows it."""

    id: str
    created_at: str | None
    finished_at: str | None
    days: int
    seed: int
    start: str
    timezone: str
    scenario: dict[str, Any]
    policies: dict[str, PolicyView]
    smartgate: GateView
    hub_objects: int
    hub_events: int
    day_labels: list[str] = field(default_factory=list)
    disruptions: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Return the run's identity as every page's API shows it under ``run``."""
        return {
            "id": self.id,
            "created_at": self.created_at,
            "finished_at": self.finished_at,
            "days": self.days,
            "seed": self.seed,
            "start": self.start,
        }


def load_latest(engine: Engine) -> RunView | None:
    """Return the latest finished twin run stored in the database, ``None`` when none is.

    The twin (SimPy, the planner) is imported here, on the first request that needs it.
    """
    from smartlogistics.twin.results import latest_run

    stored = latest_run(engine)
    return None if stored is None else from_stored(stored)


def _f(value: Any) -> float:
    """Return a stored number, ``None`` read as 0 (no departures, no delivered order)."""
    return 0.0 if value is None else float(value)


def _departure(d: Mapping[str, Any]) -> DepartureView:
    return DepartureView(
        service_id=str(d["service_id"]),
        index=int(d["index"]),
        mode=str(d["mode"]),
        depart=str(d["depart"]),
        arrive=str(d["arrive"]),
        delay_h=_f(d["delay_h"]),
        cancelled=bool(d["cancelled"]),
        capacity_teu=_f(d["capacity_teu"]),
        load_teu=_f(d["load_teu"]),
        orders=int(d["orders"]),
    )


def _policy(kpis: Mapping[str, Any], series: Mapping[str, Any]) -> PolicyView:
    emissions = series["emissions_wtw_kg"]
    lead = kpis["lead_time_h"]
    return PolicyView(
        cost_eur=_f(kpis["total_cost_eur"]),
        wtw_kg=_f(kpis["wtw_kg"]),
        ttw_kg=_f(kpis["ttw_kg"]),
        tonnes=_f(kpis["tonnes"]),
        orders=int(kpis["orders"]),
        on_time_share=_f(kpis["on_time_share"]),
        lead_time_h_median=_f(lead["median"]),
        lead_time_h_p95=_f(lead["p95"]),
        tkm_by_mode={m: _f(v) for m, v in kpis["modal_split_tkm"].items()},
        teu_by_mode={m: _f(v) for m, v in kpis["modal_split_teu"].items()},
        trucks_per_day=[_f(v) for v in kpis["trucks_per_day"]],
        departures=[_departure(d) for d in series["departures"]],
        flows=[
            FlowView(
                origin=str(f["from"]),
                destination=str(f["to"]),
                mode=str(f["mode"]),
                tonnes=_f(f["tonnes"]),
                teu=_f(f["teu"]),
            )
            for f in series["flows"]
        ],
        wtw_kg_by_mode={m: _f(v) for m, v in emissions["by_mode"].items()},
        wtw_kg_by_leg_type={k: _f(v) for k, v in emissions["by_leg_type"].items()},
        wtw_kg_by_sector={k: _f(v) for k, v in emissions["by_sector"].items()},
        load_factor=kpis["load_factor"]["teu_weighted"],
        replans=int(kpis["replans"]),
    )


def _gate(kpis: Mapping[str, Any], queue: list[Mapping[str, Any]]) -> GateView:
    release = kpis["release_h"]
    return GateView(
        screened=int(kpis["screened"]),
        lanes={lane: int(n) for lane, n in kpis["lanes"].items()},
        release_median_min=60.0 * _f(release["median"]),
        release_mean_min=60.0 * _f(release["mean"]),
        release_p95_min=60.0 * _f(release["p95"]),
        inspections=int(kpis["inspections"]),
        orders_held=int(kpis["orders_held"]),
        inspectors=int(kpis["inspectors"]),
        inspector_utilisation=_f(kpis["inspector_utilisation"]),
        queue=[(str(q["t"]), int(q["waiting"]), int(q["busy"])) for q in queue],
        red_reasons=[(str(r["reason"]), int(r["count"])) for r in kpis["top_red_reasons"]],
    )


def _day_label(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day:%a} {day.day} {day:%b}"


def from_result(
    result: Mapping[str, Any],
    *,
    run_id: str,
    created_at: str | None = None,
    finished_at: str | None = None,
    timezone: str = "Europe/Amsterdam",
) -> RunView:
    """Read a twin result (``TwinResult.to_json()``, ``docs/twin.md``) as a :class:`RunView`.

    Parameters
    ----------
    result
        The result JSON: ``days``, ``seed``, ``scenario``, ``policies`` (KPIs per policy),
        ``smartgate``, ``hub``, ``series`` (``days``, per-policy ``departures``, ``flows``
        and ``emissions_wtw_kg``, ``smartgate_queue``).
    run_id, created_at, finished_at
        The stored run's id and times (ISO 8601).
    timezone
        The time zone of the run's local times.
    """
    series = result["series"]
    policies = {
        name: _policy(kpis, series["policies"][name]) for name, kpis in result["policies"].items()
    }
    return RunView(
        id=run_id,
        created_at=created_at,
        finished_at=finished_at,
        days=int(result["days"]),
        seed=int(result["seed"]),
        start=str(result["scenario"].get("start", series["days"][0] if series["days"] else "")),
        timezone=timezone,
        scenario=dict(result["scenario"]),
        policies=policies,
        smartgate=_gate(result["smartgate"], series["smartgate_queue"]),
        hub_objects=int(result["hub"]["objects"]),
        hub_events=int(result["hub"]["events"]),
        day_labels=[_day_label(d) for d in series["days"]],
        disruptions=[(str(d["kind"]), str(d["label"])) for d in result["disruptions"]],
    )


def from_stored(stored: StoredRun) -> RunView:
    """Turn a run as ``twin.results`` stores it into the dashboard's :class:`RunView`."""
    info = stored.info
    return from_result(
        stored.result.to_json(),
        run_id=info.id,
        created_at=info.created_at.isoformat(),
        finished_at=info.finished_at.isoformat() if info.finished_at is not None else None,
    )
