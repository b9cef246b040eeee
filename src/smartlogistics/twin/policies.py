"""The three ways of running the region's transport the twin compares, on the same demand.

* **synchromodal** (the platform): every day at midnight the day's orders are planned with
  the planner's MIP on what earlier days booked (the first day with
  :func:`~smartlogistics.planner.plan_orders`, later days as rush orders of
  :func:`~smartlogistics.planner.replan`, which keeps what is booked and re-optimises a
  neighbourhood around the new orders), and every disruption triggers a replan the moment
  it is known.
* **greedy** (today's practice): first come, first served; each order takes its cheapest
  option that still has room (the planner's greedy baseline, run online day by day on the
  capacity left), booked once; when a chain breaks the forwarder calls a truck.
* **road_only**: every order trucked door to door.

A policy answers :meth:`Policy.order` with the current plan of an order; the processes
follow it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Literal, Protocol

from smartlogistics.planner import DisruptionSet, Order, Plan, plan_orders, replan
from smartlogistics.planner.disruption import (
    DepartureCancelled,
    DepartureDelayed,
    Disruption,
    RushOrders,
)
from smartlogistics.planner.plan import PlannedOrder
from smartlogistics.twin._planner import CandidateBooker
from smartlogistics.twin.disruptions import DisruptionEvent
from smartlogistics.twin.network import TwinNetwork
from smartlogistics.twin.recorder import Recorder, ReplanRecord

__all__ = [
    "POLICIES",
    "BookingPolicy",
    "Policy",
    "PolicyName",
    "SynchromodalPolicy",
    "make_policy",
]

PolicyName = Literal["synchromodal", "greedy", "road_only"]
#: The policies, in the order results list them.
POLICIES: tuple[PolicyName, ...] = ("synchromodal", "greedy", "road_only")


class Policy(Protocol):
    """What the processes need of a policy."""

    name: str

    def plan_day(self, day: int, orders: Sequence[Order], now_h: float, recorder: Recorder) -> bool:
        """Book the day's orders at ``now_h``; ``True`` if any plan changed."""
        ...

    def disrupt(self, event: DisruptionEvent, now_h: float, recorder: Recorder) -> bool:
        """Learn of a disruption at ``now_h``; ``True`` if any plan changed."""
        ...

    def order(self, order_id: str) -> PlannedOrder | None:
        """Return the current plan of an order, ``None`` before it is booked."""
        ...


class SynchromodalPolicy:
    """The planner's MIP in a daily rolling horizon, replanning at every disruption.

    Parameters
    ----------
    network
        The scenario's network (region, service plan, time base).
    co2_price_eur_per_tonne
        CO2 price of the objective.
    plan_time_limit_s, replan_time_limit_s
        HiGHS limits.
    seed
        Recorded in the plan.
    """

    name = "synchromodal"

    def __init__(
        self,
        network: TwinNetwork,
        co2_price_eur_per_tonne: float,
        *,
        plan_time_limit_s: float = 10.0,
        replan_time_limit_s: float = 1.0,
        seed: int | None = None,
    ) -> None:
        self.network = network
        self.co2 = co2_price_eur_per_tonne
        self.plan_time_limit_s = plan_time_limit_s
        self.replan_time_limit_s = replan_time_limit_s
        self.seed = seed
        self.plan: Plan | None = None
        self._pending: list[Disruption] = []
        self._orders: dict[str, PlannedOrder] = {}

    def _adopt(self, plan: Plan) -> None:
        self.plan = plan
        self._orders = {o.id: o for o in plan.orders}

    def _replan(
        self, disruptions: Sequence[Disruption], now_h: float, trigger: str, recorder: Recorder
    ) -> None:
        assert self.plan is not None
        clock = time.perf_counter()
        result = replan(
            self.plan,
            DisruptionSet(now=self.network.at(now_h), disruptions=tuple(disruptions)),
            time_limit_s=self.replan_time_limit_s,
            region=self.network.base_region,
            services=self.network.services,
            factors=self.network.factors,
        )
        self._adopt(result.plan)
        recorder.record(
            ReplanRecord(
                policy=self.name,
                at_h=now_h,
                trigger=trigger,
                orders=len(result.plan.orders),
                affected=result.affected,
                reoptimised=result.reoptimised,
                changes=len(result.changes),
                seconds=time.perf_counter() - clock,
                status=result.plan.solver.status,
            )
        )

    def plan_day(self, day: int, orders: Sequence[Order], now_h: float, recorder: Recorder) -> bool:
        """Plan the day's orders (first day: a full plan; later: rush orders of a replan)."""
        if not orders and not self._pending:
            return False
        if self.plan is None:
            if not orders:
                return False
            clock = time.perf_counter()
            plan = plan_orders(
                self.network.region,
                orders,
                co2_price_eur_per_tonne=self.co2,
                time_limit_s=self.plan_time_limit_s,
                factors=self.network.factors,
                seed=self.seed,
            )
            self._adopt(plan)
            recorder.record(
                ReplanRecord(
                    policy=self.name, at_h=now_h, trigger=f"day {day + 1}: plan",
                    orders=len(orders), affected=len(orders), reoptimised=plan.solver.columns,
                    changes=len(orders), seconds=time.perf_counter() - clock,
                    status=plan.solver.status,
                )
            )  # fmt: skip
            if self._pending:
                pending, self._pending = self._pending, []
                self._replan(pending, now_h, "disruptions known before the first plan", recorder)
            return True
        items: list[Disruption] = [*self._pending]
        self._pending = []
        if orders:
            items.append(RushOrders(type="rush_orders", orders=tuple(orders)))
        self._replan(items, now_h, f"day {day + 1}: new orders", recorder)
        return True

    def disrupt(self, event: DisruptionEvent, now_h: float, recorder: Recorder) -> bool:
        """Replan at once when the disruption touches a booking; else with the next plan.

        A delayed or cancelled departure that carries nothing booked changes no order's
        chain now; it is applied with the next day's orders (which then see it), which
        spares a replan (each new disruption rebuilds the planner's chain templates).
        """
        if self.plan is None or not self._touches(event.disruption):
            self._pending.append(event.disruption)
            return False
        items = [*self._pending, event.disruption]
        self._pending = []
        self._replan(items, now_h, event.label(), recorder)
        return True

    def _touches(self, disruption: Disruption) -> bool:
        if isinstance(disruption, DepartureDelayed | DepartureCancelled):
            depart = disruption.depart.timestamp()
            for dep in self.plan.departures if self.plan is not None else ():
                if dep.service_id == disruption.service_id and dep.orders > 0:
                    start = dep.depart.timestamp()
                    if abs(start - depart) < 60.0:
                        return True
            return False
        return True

    def order(self, order_id: str) -> PlannedOrder | None:
        """Return the order's plan in the newest plan."""
        return self._orders.get(order_id)


class BookingPolicy:
    """Greedy (today's practice) or road-only: book once, never replan.

    Parameters
    ----------
    name
        ``"greedy"`` or ``"road_only"``.
    network
        The scenario's network.
    co2_price_eur_per_tonne
        CO2 price of the objective greedy ranks options by.
    """

    def __init__(self, name: str, network: TwinNetwork, co2_price_eur_per_tonne: float) -> None:
        self.name = name
        self.booker = CandidateBooker(
            network.region,
            network.nominal,
            co2_price_eur_per_tonne,
            name,
            costs=network.costs,
            factors=network.factors,
        )
        self._orders: dict[str, PlannedOrder] = {}

    def plan_day(self, day: int, orders: Sequence[Order], now_h: float, recorder: Recorder) -> bool:
        """Book the day's orders on the capacity left."""
        if not orders:
            return False
        clock = time.perf_counter()
        for planned in self.booker.book(orders):
            self._orders[planned.id] = planned
        recorder.record(
            ReplanRecord(
                policy=self.name, at_h=now_h, trigger=f"day {day + 1}: bookings",
                orders=len(orders), affected=len(orders), reoptimised=0, changes=len(orders),
                seconds=time.perf_counter() - clock,
            )
        )  # fmt: skip
        return True

    def disrupt(self, event: DisruptionEvent, now_h: float, recorder: Recorder) -> bool:
        """Today's practice does not replan: broken chains become trucks when they break."""
        return False

    def order(self, order_id: str) -> PlannedOrder | None:
        """Return the order's booking."""
        return self._orders.get(order_id)


def make_policy(
    name: str,
    network: TwinNetwork,
    co2_price_eur_per_tonne: float,
    *,
    plan_time_limit_s: float = 10.0,
    replan_time_limit_s: float = 1.0,
    seed: int | None = None,
) -> Policy:
    """Build the policy called ``name``.

    Raises
    ------
    ValueError
        Unknown name (callers validate names first).
    """
    if name == "synchromodal":
        return SynchromodalPolicy(
            network,
            co2_price_eur_per_tonne,
            plan_time_limit_s=plan_time_limit_s,
            replan_time_limit_s=replan_time_limit_s,
            seed=seed,
        )
    if name in ("greedy", "road_only"):
        return BookingPolicy(name, network, co2_price_eur_per_tonne)
    raise ValueError(f"unknown policy {name!r}")
