"""The network the twin runs on: service plan, dated departures as they really run, trucks.

:class:`TwinNetwork` holds the region with the scenario's service plan (the packaged
Circle Lines plus any extra shuttle), the nominal dated timetable every policy books on,
and the *realized* timetable: the same departures with every disruption of the run
applied by the planner's own rules (cancelled ones gone, delays and lock waits in the stop
times). Departures and trucks in the simulation run on the realized times, whatever a
policy planned. It also prices what the plan does not: a truck that replaces a broken
chain, and the terminal handling before it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from smartlogistics.emissions.factors import FactorTable, load_default_factors
from smartlogistics.network import Mode, Region, Service, WeeklyDeparture
from smartlogistics.planner.costs import CostModel, load_cost_model
from smartlogistics.planner.disruption import Disruption
from smartlogistics.planner.order import Order
from smartlogistics.twin._planner import Timetable, nominal_timetable, realize

__all__ = ["DepartureRun", "TruckLeg", "TwinNetwork", "extra_rail_shuttles"]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def extra_rail_shuttles(region: Region, departures: int) -> list[Service]:
    """Return an extra ACT-Duisburg rail shuttle each way with ``departures`` runs a week.

    A copy of the packaged ``CL-RAIL-DUI-E`` / ``-W`` (same stops, capacity, tariff and
    emissions category) leaving 12 hours after them, Monday on (assumption: the cluster
    board's "extra rail shuttle to Duisburg" as a second daily path on the Betuweroute).
    """
    if departures <= 0:
        return []
    out: list[Service] = []
    for base_id, suffix in (("CL-RAIL-DUI-E", "E2"), ("CL-RAIL-DUI-W", "W2")):
        base = region.service(base_id)
        hour = (int(base.departures[0].time[:2]) + 12) % 24
        times = tuple(
            WeeklyDeparture.model_validate({"day": _DAYS[d], "time": f"{hour:02d}:00"})
            for d in range(departures)
        )
        out.append(
            base.model_copy(
                update={
                    "id": f"CL-RAIL-DUI-{suffix}",
                    "name": f"{base.name} (extra shuttle, twin scenario)",
                    "departures": times,
                    "source": "assumption: twin scenario, a copy of "
                    f"{base_id} 12 h later; {base.source}",
                }
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class DepartureRun:
    """One dated departure's stop times (hours since ``t0``) and capacities."""

    service: Service
    index: int
    locations: tuple[str, ...]
    arrive_h: tuple[float, ...]
    depart_h: tuple[float, ...]
    capacity_teu: float
    capacity_tonnes: float
    delay_h: float

    def stop(self, location: str, after: int = -1) -> int:
        """Return the index of the first stop at ``location`` after stop ``after``."""
        for i in range(after + 1, len(self.locations)):
            if self.locations[i] == location:
                return i
        raise KeyError(location)


@dataclass(frozen=True, slots=True)
class TruckLeg:
    """A truck the plan did not foresee, priced like the planner's trucks."""

    km: float
    hours: float
    trucks: int
    cost_eur: float
    wtw_kg: float
    ttw_kg: float


def _runs(tt: Timetable) -> dict[tuple[str, int], DepartureRun]:
    out: dict[tuple[str, int], DepartureRun] = {}
    for table in tt.services:
        for k, idx in enumerate(table.indices.tolist()):
            start = float(table.starts_h[k])
            out[(table.service.id, int(idx))] = DepartureRun(
                service=table.service,
                index=int(idx),
                locations=table.locations,
                arrive_h=tuple(start + float(x) for x in table.arr_h),
                depart_h=tuple(start + float(x) for x in table.dep_h),
                capacity_teu=table.service.capacity_teu,
                capacity_tonnes=table.service.capacity_tonnes,
                delay_h=0.0,
            )
    return out


class TwinNetwork:
    """The scenario's network, nominal and as it runs under the run's disruptions.

    Parameters
    ----------
    region
        The packaged region.
    services
        The service plan (the region's plus extras).
    t0
        Monday 00:00 local time of the first simulated day's week.
    horizon_h
        Hours of dated departures from ``t0``.
    disruptions
        Every disruption of the run (the ground truth).
    """

    def __init__(
        self,
        region: Region,
        services: Sequence[Service],
        t0: datetime,
        horizon_h: float,
        disruptions: Sequence[Disruption] = (),
    ) -> None:
        self.base_region = region
        self.services = tuple(services)
        self.region = region.with_services(self.services)
        self.t0 = t0
        self.costs: CostModel = load_cost_model(region.name)
        self.factors: FactorTable = load_default_factors()
        self.nominal = nominal_timetable(self.region, self.services, t0, horizon_h)
        self._nominal_runs = _runs(self.nominal)
        self.apply(disruptions)
        self._roads: dict[tuple[str, str], tuple[float, float]] = {}

    def apply(self, disruptions: Sequence[Disruption]) -> None:
        """Make ``disruptions`` the ground truth the departures and trucks run on."""
        self.disruptions = tuple(disruptions)
        self.realized = realize(self.region, self.nominal, self.disruptions)
        runs = _runs(self.realized.timetable)
        for key, run in runs.items():
            nominal = self._nominal_runs[key]
            delay = max(a - b for a, b in zip(run.arrive_h, nominal.arrive_h, strict=True))
            runs[key] = dataclasses.replace(run, delay_h=max(0.0, delay))
        self._runs = runs

    # -- time ---------------------------------------------------------------------------

    def hours(self, moment: datetime) -> float:
        """Return the hours from ``t0`` to ``moment``."""
        return (moment.timestamp() - self.t0.timestamp()) / 3600.0

    def at(self, hours: float) -> datetime:
        """Return the instant ``hours`` after ``t0`` (local time)."""
        return self.nominal.at(hours)

    # -- departures ---------------------------------------------------------------------

    def run(self, service_id: str, index: int) -> DepartureRun | None:
        """Return the departure as it runs, ``None`` when it is cancelled."""
        return self._runs.get((service_id, index))

    def nominal_run(self, service_id: str, index: int) -> DepartureRun:
        """Return the departure as timetabled."""
        return self._nominal_runs[(service_id, index)]

    def nominal_runs(self) -> list[DepartureRun]:
        """Return every timetabled departure, by start time."""
        return sorted(self._nominal_runs.values(), key=lambda r: (r.depart_h[0], r.service.id))

    # -- trucks and terminals -----------------------------------------------------------

    def truck_hours(self, origin: str, destination: str, start_h: float) -> float:
        """Return the driving time of a truck leaving at ``start_h`` (congestion included)."""
        base = self.road(origin, destination)[1]
        road = self.realized.road
        return base + (road.leg_extra(origin, destination, start_h) if road is not None else 0.0)

    def road(self, origin: str, destination: str) -> tuple[float, float]:
        """Return the road route distance (km) and normal driving time (h), cached."""
        if origin == destination:
            return 0.0, 0.0
        key = (origin, destination)
        found = self._roads.get(key)
        if found is None:
            route = self.region.route(origin, destination, Mode.ROAD)
            found = (route.distance_km, route.travel_time_h)
            self._roads[key] = found
        return found

    def handling_h(self, location: str) -> float:
        """Return the transshipment time at the terminal of ``location``."""
        terminal = self.region.terminals.get(location)
        return terminal.handling_time_h if terminal is not None else 0.0

    def handling_price(self, location: str, order: Order) -> tuple[float, float, float]:
        """Return the cost (EUR), WTW and TTW (kg) of handling ``order`` at ``location``."""
        terminal = self.region.terminals.get(location)
        if terminal is None:
            return 0.0, 0.0, 0.0
        if not order.cargo_class.is_containerised:
            cost = (
                terminal.cost_per_tonne_eur * order.tonnes
                if terminal.cost_per_tonne_eur > 0
                else terminal.cost_per_teu_eur * order.slots_teu
            )
        else:
            cost = terminal.cost_per_teu_eur * order.teu
        hub = self.factors.default_hub()
        return cost, hub.wtw_kg_per_tonne * order.tonnes, hub.ttw_kg_per_tonne * order.tonnes

    def truck(self, origin: str, destination: str, order: Order, start_h: float) -> TruckLeg:
        """Price a direct truck for ``order`` from ``origin`` to ``destination`` at ``start_h``."""
        km, _ = self.road(origin, destination)
        tariff = self.costs.truck
        toc = self.factors.default_toc(Mode.ROAD)
        return TruckLeg(
            km=km,
            hours=self.truck_hours(origin, destination, start_h),
            trucks=tariff.trucks(order.teu, order.tonnes),
            cost_eur=tariff.trip_eur(km, order.teu, order.tonnes),
            wtw_kg=toc.wtw_kg_per_unit_km * order.tonnes * km,
            ttw_kg=toc.ttw_kg_per_unit_km * order.tonnes * km,
        )

    def trucks_for(self, order: Order) -> int:
        """Return the trucks one road leg of ``order`` takes."""
        return self.costs.truck.trucks(order.teu, order.tonnes)
