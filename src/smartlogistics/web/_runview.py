"""What the dashboard reads from a twin run: one typed view, whatever the storage says.

The page builders (:mod:`~smartlogistics.web._pagedata`) work on a :class:`RunView`, so
they do not depend on how the twin stores its results; :func:`from_stored` is the one
place that knows the stored layout (``twin.results``, ``docs/twin.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

__all__ = [
    "DepartureView",
    "FlowView",
    "GateView",
    "PolicyView",
    "RunView",
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
    tkm: float


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


@dataclass(frozen=True)
class GateView:
    """SmartGate over the run: lanes, release times, inspectors and the queue."""

    screened: int
    lanes: dict[str, int]
    release_min_by_lane: dict[str, tuple[float, float]]
    release_median_min: float
    release_p95_min: float
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
    try:
        from smartlogistics.twin.results import latest_run
    except ImportError:  # the twin's results store is not part of this build yet
        return None
    stored = latest_run(engine)
    return None if stored is None else from_stored(stored)


def from_stored(stored: Any) -> RunView:
    """Turn a run as ``twin.results`` stores it into the dashboard's :class:`RunView`."""
    raise NotImplementedError("twin.results layout not known yet")
