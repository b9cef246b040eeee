"""The planner's building blocks the twin needs beyond ``plan_orders`` and ``replan``.

The planner's public entry points plan a batch with the MIP (its baselines appear only as
totals) and repair a plan. The twin also runs *today's practice* online, order by order
and day by day with the capacity earlier days booked, and needs every order's chain to
execute it; and it needs the dated timetable and the disruptions' effects on it as the
ground truth its departures run on. Those come from the planner's own modules here, in
one place, so the twin prices and dates chains exactly as the planner does:
``chains`` (templates, candidates), ``baselines`` (road-only, greedy), ``disruption``
(effects on the timetable) and two names the planner keeps private (``_timetable``'s
builder and ``solve._decode``, which turns a chosen candidate into a planned order). If
the planner grows a public "plan with policy X on capacity left" API, this module shrinks
to calls of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

import numpy as np
import numpy.typing as npt

from smartlogistics.emissions.factors import FactorTable, load_default_factors
from smartlogistics.network.region import Region
from smartlogistics.network.service import Service
from smartlogistics.planner._timetable import Timetable, build_timetable, week_start
from smartlogistics.planner.baselines import greedy_choice, road_only_choice
from smartlogistics.planner.chains import (
    OrderArrays,
    RoadDelays,
    build_templates,
    generate_candidates,
)
from smartlogistics.planner.costs import CostModel, load_cost_model
from smartlogistics.planner.disruption import (
    Disruption,
    apply_to_timetable,
    resolve_disruptions,
)
from smartlogistics.planner.order import Order
from smartlogistics.planner.plan import PlannedOrder
from smartlogistics.planner.solve import _decode

__all__ = [
    "CandidateBooker",
    "Realized",
    "Timetable",
    "nominal_timetable",
    "realize",
    "week_start",
]

FloatArray = npt.NDArray[np.float64]


def nominal_timetable(
    region: Region, services: Sequence[Service], t0: datetime, horizon_h: float
) -> Timetable:
    """Every dated departure of ``services`` from ``t0`` over ``horizon_h`` hours."""
    return build_timetable(region, services, t0, horizon_h)


class Realized:
    """The timetable as it really runs: every disruption of the run applied.

    Attributes
    ----------
    timetable
        The disrupted timetable (cancelled departures removed, delays and lock waits in
        the stop times).
    road
        Extra truck hours under the road slowdowns, or ``None`` without any.
    """

    def __init__(self, timetable: Timetable, road: RoadDelays | None) -> None:
        self.timetable = timetable
        self.road = road


def realize(region: Region, nominal: Timetable, disruptions: Sequence[Disruption]) -> Realized:
    """Apply ``disruptions`` to ``nominal`` with the planner's own rules (ground truth)."""
    items = [(f"disruptions[{i}]", d) for i, d in enumerate(disruptions)]
    fx = resolve_disruptions(items, region, nominal)
    tt = apply_to_timetable(fx, region, nominal)
    return Realized(tt, RoadDelays(region, fx.slowdowns) if fx.slowdowns else None)


class CandidateBooker:
    """Book orders one batch at a time by road-only or greedy on the capacity left.

    Greedy is the planner's baseline (release order, the cheapest candidate by the plan's
    objective that fits), run online: each call books a batch on what earlier calls left.

    Parameters
    ----------
    region
        The region with the service plan in use.
    timetable
        The nominal timetable all bookings are made on.
    co2_price_eur_per_tonne
        CO2 price of the objective.
    policy
        ``"greedy"`` or ``"road_only"``.
    """

    def __init__(
        self,
        region: Region,
        timetable: Timetable,
        co2_price_eur_per_tonne: float,
        policy: str,
        *,
        costs: CostModel | None = None,
        factors: FactorTable | None = None,
    ) -> None:
        if policy not in ("greedy", "road_only"):
            raise ValueError(f"unknown booking policy {policy!r}")
        self.region = region
        self.timetable = timetable
        self.co2 = co2_price_eur_per_tonne
        self.policy = policy
        self.costs = costs if costs is not None else load_cost_model(region.name)
        self.factors = factors if factors is not None else load_default_factors()
        self.capacity_left: FloatArray = timetable.capacity()

    def book(self, orders: Sequence[Order]) -> list[PlannedOrder]:
        """Book ``orders`` (chains with times, cost and emissions, or unplannable)."""
        if not orders:
            return []
        tt = self.timetable
        arrays = OrderArrays.build(orders, tt, self.costs)
        pairs = sorted({(o.origin, o.destination) for o in orders})
        builder = build_templates(self.region, tt, self.costs, self.factors, pairs, self.co2)
        cands = generate_candidates(arrays, builder, self.costs, self.co2, 2)
        if self.policy == "road_only":
            choice = road_only_choice(cands)
        else:
            choice = greedy_choice(cands, arrays, self.capacity_left)
            for c in choice[choice >= 0].tolist():
                a, b = int(cands.res_ptr[c]), int(cands.res_ptr[c + 1])
                np.subtract.at(self.capacity_left, cands.res_row[a:b], cands.res_val[a:b])
        return [
            _decode(i, arrays, cands, tt, self.costs, self.co2, int(choice[i]))
            for i in range(len(arrays))
        ]


def local_t0(moment: datetime, tz: tzinfo) -> datetime:
    """Monday 00:00 local time of the week of ``moment`` (the planner's ``t0``)."""
    return week_start(moment, tz)
