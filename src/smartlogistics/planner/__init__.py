"""Amsterdam Circle Lines: the synchromodal planner.

Orders are mode-free; the planner books each on a chain of truck legs and scheduled barge
or rail departures, minimising cost + CO2 price + lateness under the services' capacities,
and replans when reality changes. Only the private solver module imports HiGHS.
"""

from smartlogistics.planner.generator import (
    available_demand_models,
    demand_assumptions,
    generate_orders,
    load_demand,
)
from smartlogistics.planner.order import TEU_EQUIVALENT_TONNES, CargoClass, Order
from smartlogistics.planner.orders_io import orders_text, read_orders, write_orders

__all__ = [
    "TEU_EQUIVALENT_TONNES",
    "CargoClass",
    "Order",
    "available_demand_models",
    "demand_assumptions",
    "generate_orders",
    "load_demand",
    "orders_text",
    "read_orders",
    "write_orders",
]
