"""The twin's demand: the region's orders over the simulated days and Schiphol's imports.

Transport orders come from the planner's order generator (the region's demand model:
port containers to and from the hinterland, air cargo between Schiphol, European
airports and distribution centres, Aalsmeer flowers), scaled by ``demand_scale``.
Every air cargo order that leaves Schiphol is an *import*: it carries
``consignments_per_air_order`` house consignments drawn from SmartGate's synthetic
history generator (SYNTHETIC data), which SmartGate screens before the cargo may leave.
Each source draws from its own seeded stream (:mod:`~smartlogistics.twin._streams`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from smartlogistics.network import Region
from smartlogistics.planner import CargoClass, Order, generate_orders
from smartlogistics.smartgate import Consignment, generate_history
from smartlogistics.twin._streams import stream_seed
from smartlogistics.twin.scenario import TwinScenario

__all__ = ["AIRPORT", "TIMEZONE", "Demand", "draw_demand", "sector_of"]

#: The airport whose imports SmartGate screens.
AIRPORT = "SPL"
#: The region's time zone (the order generator's default).
TIMEZONE = "Europe/Amsterdam"

_HISTORY_ONLY = ("date", "label", "value_at_stake", "is_synthetic")


def sector_of(order: Order) -> str:
    """Return the sector of an order for the emissions view: port containers, air cargo, flowers."""
    if order.cargo_class is CargoClass.AIR_CARGO:
        return "air_cargo"
    if order.cargo_class is CargoClass.FLOWERS:
        return "flowers"
    return "port_containers"


@dataclass(frozen=True)
class Demand:
    """Everything the run's customers ask for, identical for every policy.

    Attributes
    ----------
    orders
        All transport orders, by release.
    by_day
        The orders released on each simulated day (local days from the start).
    consignments
        House consignments of the air imports, in arrival order.
    consignment_order
        The order id each consignment travels in.
    """

    orders: tuple[Order, ...]
    by_day: tuple[tuple[Order, ...], ...]
    consignments: tuple[Consignment, ...]
    consignment_order: tuple[str, ...]

    def air_imports(self) -> list[Order]:
        """Return the orders whose cargo SmartGate must release first."""
        return [o for o in self.orders if _is_import(o)]


def _is_import(order: Order) -> bool:
    return order.cargo_class is CargoClass.AIR_CARGO and order.origin == AIRPORT


def _clean(record: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        if key in _HISTORY_ONLY or value is None:
            continue
        if isinstance(value, float) and math.isnan(value):
            continue
        out[key] = value
    return out


def draw_demand(scenario: TwinScenario, region: Region) -> Demand:
    """Draw the run's orders and consignments (deterministic for the scenario's seed)."""
    zone = ZoneInfo(TIMEZONE)
    first = datetime.combine(scenario.start, datetime.min.time(), tzinfo=zone)
    orders = generate_orders(
        region,
        scenario.orders,
        seed=stream_seed(scenario.seed, "demand"),
        start=scenario.start,
        days=scenario.days,
        tz=TIMEZONE,
    )
    by_day: list[list[Order]] = [[] for _ in range(scenario.days)]
    bounds = [(first + timedelta(days=d)).timestamp() for d in range(1, scenario.days)]
    for order in orders:
        ts = order.release.timestamp()
        day = sum(1 for b in bounds if ts >= b)
        by_day[day].append(order)
    imports = [o for o in orders if _is_import(o)]
    per = scenario.consignments_per_air_order
    consignments: list[Consignment] = []
    owner: list[str] = []
    if imports:
        frame = generate_history(
            len(imports) * per,
            seed=stream_seed(scenario.seed, "consignments"),
            start=scenario.start,
        )
        records = frame.to_dict("records")
        for k, order in enumerate(imports):
            for j in range(per):
                fields = _clean({str(key): v for key, v in records[k * per + j].items()})
                fields["id"] = f"{order.id}-H{j + 1:02d}"
                consignments.append(Consignment(**fields))
                owner.append(order.id)
    return Demand(
        orders=tuple(orders),
        by_day=tuple(tuple(day) for day in by_day),
        consignments=tuple(consignments),
        consignment_order=tuple(owner),
    )
