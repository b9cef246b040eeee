"""The twin's SimPy processes: planning, departures, orders moving through the network.

One :class:`Execution` runs one policy on one SimPy environment:

* the **control process** books each day's orders at local midnight (the rolling horizon:
  every day, the orders released that day are planned on what earlier days booked) and
  passes each disruption to the policy when it becomes known; the synchromodal policy
  replans then, the others do not react;
* a **departure process** per dated barge or train departure that anyone books: it leaves
  every stop and reaches the next at the times the departure really runs (the realized
  timetable: delays, lock waits), and holds its riders' TEU and tonnes on every segment
  against the departure's capacity;
* an **order process** per order: it waits for its cargo (SmartGate's release for air
  imports), then follows the current plan of its order leg by leg: trucks drive (slower in
  congestion), at a terminal the cargo is handled, waits for its departure, rides it and is
  handled again where it alights. A plan that changes while it waits is followed from
  where the cargo is. A chain that breaks (a departure cancelled or gone before the cargo
  is ready, or full) is replaced by a direct truck from where the cargo is: what a
  forwarder does today.

Nothing here computes a KPI: each step hands a typed record to the injected
:class:`~smartlogistics.twin.recorder.Recorder`, and milestones go to an optional callback
(the hub).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import simpy

from smartlogistics.planner.order import Order
from smartlogistics.planner.plan import PlannedLeg
from smartlogistics.twin.demand import Demand, sector_of
from smartlogistics.twin.disruptions import DisruptionEvent
from smartlogistics.twin.network import DepartureRun, TwinNetwork
from smartlogistics.twin.policies import Policy
from smartlogistics.twin.recorder import (
    DepartureRecord,
    HandlingRecord,
    LegKind,
    LegRecord,
    OrderRecord,
    Recorder,
)

__all__ = ["Execution", "Milestone", "MilestoneSink"]

_EPS = 1e-6

MilestoneKind = Literal["ready", "departed", "arrived", "delivered"]


@dataclass(frozen=True, slots=True)
class Milestone:
    """A moment in an order's journey, for the hub's LogisticsEvents."""

    order_id: str
    kind: MilestoneKind
    t_h: float
    location: str
    mode: str | None
    service_id: str | None


MilestoneSink = Callable[[Milestone], None]


class _Departure:
    """A dated departure as a SimPy process: leaves and reaches its stops on time."""

    def __init__(self, env: simpy.Environment, run: DepartureRun) -> None:
        self.env = env
        self.run = run
        n = len(run.locations)
        self.left = [env.event() for _ in range(n)]
        self.reached = [env.event() for _ in range(n)]
        self.teu = [0.0] * (n - 1)
        self.tonnes = [0.0] * (n - 1)
        self.peak_teu = [0.0] * (n - 1)
        self.riders: set[str] = set()
        env.process(self._go())

    def _go(self) -> Generator[Any, Any, None]:
        run = self.run
        for i in range(len(run.locations)):
            yield self.env.timeout(max(0.0, run.arrive_h[i] - self.env.now))
            self.reached[i].succeed()
            yield self.env.timeout(max(0.0, run.depart_h[i] - self.env.now))
            self.left[i].succeed()

    def fits(self, board: int, alight: int, teu: float, tonnes: float) -> bool:
        """Whether ``teu`` and ``tonnes`` fit on every segment from ``board`` to ``alight``."""
        run = self.run
        return all(
            self.teu[s] + teu <= run.capacity_teu + _EPS
            and self.tonnes[s] + tonnes <= run.capacity_tonnes + _EPS
            for s in range(board, alight)
        )

    def hold(self, order_id: str, board: int, alight: int, teu: float, tonnes: float) -> None:
        """Reserve the segments for a rider."""
        for s in range(board, alight):
            self.teu[s] += teu
            self.tonnes[s] += tonnes
            self.peak_teu[s] = max(self.peak_teu[s], self.teu[s])
        self.riders.add(order_id)

    def release(self, order_id: str, board: int, alight: int, teu: float, tonnes: float) -> None:
        """Give a reservation back (the rider took another chain)."""
        for s in range(board, alight):
            self.teu[s] -= teu
            self.tonnes[s] -= tonnes
        self.riders.discard(order_id)


class Execution:
    """One policy's run over the simulated period.

    Parameters
    ----------
    policy
        Books and (maybe) replans.
    network
        Realized departures, truck times and prices.
    demand
        The orders, by day.
    ready_h
        Hours since ``t0`` when each air import's cargo is released by customs.
    events
        The run's disruptions.
    start_h
        Hours since ``t0`` of the first day's local midnight.
    recorder
        Gets every record.
    milestones
        Gets every milestone (``None``: not kept).
    progress
        Called with the simulated hour after each control step.
    """

    def __init__(
        self,
        policy: Policy,
        network: TwinNetwork,
        demand: Demand,
        ready_h: Mapping[str, float],
        events: Sequence[DisruptionEvent],
        start_h: float,
        recorder: Recorder,
        *,
        milestones: MilestoneSink | None = None,
        progress: Callable[[float], None] | None = None,
    ) -> None:
        self.env = simpy.Environment(initial_time=start_h)
        self.policy = policy
        self.network = network
        self.demand = demand
        self.ready_h = ready_h
        self.events = tuple(events)
        self.start_h = start_h
        self.recorder = recorder
        self.milestones = milestones
        self.progress = progress
        self.changed = self.env.event()
        self.departures: dict[tuple[str, int], _Departure] = {}
        self._name = policy.name

    # -- control --------------------------------------------------------------------------

    def _notify(self) -> None:
        old, self.changed = self.changed, self.env.event()
        old.succeed()

    def _control(self) -> Generator[Any, Any, None]:
        steps: list[tuple[float, int, int, DisruptionEvent | None]] = [
            (self.start_h + 24.0 * d, 0, d, None) for d in range(len(self.demand.by_day))
        ]
        steps.extend((e.known_h, 1, k, e) for k, e in enumerate(self.events))
        steps.sort(key=lambda s: (s[0], s[1], s[2]))
        for t, kind, k, event in steps:
            yield self.env.timeout(max(0.0, t - self.env.now))
            now = self.env.now
            if kind == 0:
                changed = self.policy.plan_day(k, self.demand.by_day[k], now, self.recorder)
            else:
                assert event is not None
                changed = self.policy.disrupt(event, now, self.recorder)
            if changed:
                self._notify()
            if self.progress is not None:
                self.progress(now)

    # -- departures -----------------------------------------------------------------------

    def _departure(self, service_id: str, index: int) -> _Departure | None:
        key = (service_id, index)
        dep = self.departures.get(key)
        if dep is None:
            run = self.network.run(service_id, index)
            if run is None:
                return None
            dep = _Departure(self.env, run)
            self.departures[key] = dep
        return dep

    # -- orders ---------------------------------------------------------------------------

    def _mark(
        self,
        order: Order,
        kind: MilestoneKind,
        location: str,
        mode: str | None = None,
        service: str | None = None,
    ) -> None:
        if self.milestones is not None:
            self.milestones(Milestone(order.id, kind, self.env.now, location, mode, service))

    def _leg(
        self,
        order: Order,
        kind: LegKind,
        leg: PlannedLeg | None,
        origin: str,
        destination: str,
        depart: float,
        arrive: float,
        *,
        mode: str = "road",
        km: float = 0.0,
        cost: float = 0.0,
        wtw: float = 0.0,
        ttw: float = 0.0,
    ) -> None:
        truck = (leg.service_id is None) if leg is not None else True
        self.recorder.record(
            LegRecord(
                policy=self._name,
                order_id=order.id,
                kind=kind,
                mode=leg.mode if leg is not None else mode,
                service_id=leg.service_id if leg is not None else None,
                departure_index=leg.departure_index if leg is not None else None,
                origin=origin,
                destination=destination,
                depart_h=depart,
                arrive_h=arrive,
                teu=leg.teu if leg is not None else order.teu,
                tonnes=order.tonnes,
                km=leg.distance_km if leg is not None else km,
                trucks=self.network.trucks_for(order) if truck else 0,
                cost_eur=leg.cost_eur if leg is not None else cost,
                wtw_kg=leg.wtw_kg if leg is not None else wtw,
                ttw_kg=leg.ttw_kg if leg is not None else ttw,
                sector=sector_of(order),
            )
        )

    def _handle(self, order: Order, where: str) -> Generator[Any, Any, None]:
        start = self.env.now
        yield self.env.timeout(self.network.handling_h(where))
        cost, wtw, ttw = self.network.handling_price(where, order)
        self.recorder.record(
            HandlingRecord(
                self._name, order.id, where, start, self.env.now, cost, wtw, ttw, sector_of(order)
            )
        )

    def _wait(self, until: simpy.Event | float) -> Generator[Any, Any, bool]:
        """Wait for ``until`` (an event or an hour); ``False`` if the plan changed first."""
        target = until if isinstance(until, simpy.Event) else self.env.timeout(until - self.env.now)
        result = yield target | self.changed
        return target in result

    def _order(self, order: Order) -> Generator[Any, Any, None]:
        net = self.network
        env = self.env
        release = net.hours(order.release)
        ready = max(release, self.ready_h.get(order.id, release))
        yield env.timeout(max(0.0, ready - env.now))
        while self.policy.order(order.id) is None:
            yield self.changed
        self._mark(order, "ready", order.origin)
        where = order.origin
        done = 0  # legs of the current plan already executed
        handled = False  # handled at ``where`` (after alighting or before boarding)
        fallback = False
        main_mode: str | None = None
        rides = 0
        while where != order.destination:
            planned = self.policy.order(order.id)
            legs: tuple[PlannedLeg, ...] = planned.legs if planned is not None else ()
            if planned is not None and planned.status == "unplannable" and done == 0:
                self.recorder.record(
                    OrderRecord(
                        self._name, order.id, sector_of(order), order.cargo_class.value,
                        release, ready, None, net.hours(order.due), order.tonnes, order.teu,
                        None, False, True,
                    )
                )  # fmt: skip
                return
            leg = legs[done] if done < len(legs) else None
            if leg is None or leg.origin != where:
                yield from self._fallback(order, where, handled)
                fallback = True
                where = order.destination
                break
            if leg.service_id is None:  # a truck
                start = net.hours(leg.depart)
                if start > env.now + _EPS and not (yield from self._wait(start)):
                    continue
                hours = net.truck_hours(leg.origin, leg.destination, env.now)
                depart = env.now
                kind: LegKind = "direct" if len(legs) == 1 else ("pre" if rides == 0 else "end")
                self._mark(order, "departed", where, "road")
                yield env.timeout(hours)
                self._leg(order, kind, leg, leg.origin, leg.destination, depart, env.now)
                where = leg.destination
                done += 1
                handled = False
                self._mark(order, "arrived", where, "road")
                continue
            # a ride on a dated departure
            if not handled:
                yield from self._handle(order, where)
                handled = True
                continue  # the plan may have changed meanwhile
            assert leg.departure_index is not None
            dep = self._departure(leg.service_id, leg.departure_index)
            if dep is None:  # cancelled and still booked: today's practice takes a truck
                yield from self._fallback(order, where, handled)
                fallback = True
                where = order.destination
                break
            board = dep.run.stop(leg.origin)
            alight = dep.run.stop(leg.destination, board)
            if dep.left[board].triggered or not dep.fits(board, alight, leg.teu, order.tonnes):
                yield from self._fallback(order, where, handled)
                fallback = True
                where = order.destination
                break
            dep.hold(order.id, board, alight, leg.teu, order.tonnes)
            if not (yield from self._wait(dep.left[board])):
                # the plan changed: give the places back; the loop holds them again if
                # the order keeps this ride, or follows its new chain
                dep.release(order.id, board, alight, leg.teu, order.tonnes)
                continue
            depart = env.now
            self._mark(order, "departed", where, leg.mode, leg.service_id)
            yield dep.reached[alight]
            self._leg(order, "main", leg, leg.origin, leg.destination, depart, env.now)
            rides += 1
            main_mode = main_mode or leg.mode
            where = leg.destination
            done += 1
            self._mark(order, "arrived", where, leg.mode, leg.service_id)
            yield from self._handle(order, where)
            handled = True
        self._mark(order, "delivered", order.destination)
        self.recorder.record(
            OrderRecord(
                self._name, order.id, sector_of(order), order.cargo_class.value, release,
                ready, env.now, net.hours(order.due), order.tonnes, order.teu,
                main_mode or "road", fallback, False,
            )
        )  # fmt: skip

    def _fallback(self, order: Order, where: str, handled: bool) -> Generator[Any, Any, None]:
        """Drive a direct truck from ``where`` to the destination (handling first at a terminal)."""
        net = self.network
        if where != order.origin and not handled:
            yield from self._handle(order, where)
        truck = net.truck(where, order.destination, order, self.env.now)
        depart = self.env.now
        self._mark(order, "departed", where, "road")
        yield self.env.timeout(truck.hours)
        self._leg(
            order, "fallback", None, where, order.destination, depart, self.env.now,
            km=truck.km, cost=truck.cost_eur, wtw=truck.wtw_kg, ttw=truck.ttw_kg,
        )  # fmt: skip

    # -- the run --------------------------------------------------------------------------

    def run(self) -> None:
        """Run until every order is delivered; then record every departure of the period."""
        self.env.process(self._control())
        for order in self.demand.orders:
            self.env.process(self._order(order))
        self.env.run()
        end_h = self.start_h + 24.0 * len(self.demand.by_day)
        for nominal in self.network.nominal_runs():
            if not self.start_h <= nominal.depart_h[0] < end_h:
                continue
            key = (nominal.service.id, nominal.index)
            run = self.network.run(*key)
            dep = self.departures.get(key)
            self.recorder.record(
                DepartureRecord(
                    policy=self._name,
                    service_id=nominal.service.id,
                    departure_index=nominal.index,
                    mode=nominal.service.mode.value,
                    depart_h=(run or nominal).depart_h[0],
                    arrive_h=(run or nominal).arrive_h[-1],
                    delay_h=run.delay_h if run is not None else 0.0,
                    cancelled=run is None,
                    capacity_teu=nominal.capacity_teu,
                    load_teu=max(dep.peak_teu, default=0.0) if dep is not None else 0.0,
                    orders=len(dep.riders) if dep is not None else 0,
                )
            )
