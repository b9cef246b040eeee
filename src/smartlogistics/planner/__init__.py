"""Amsterdam Circle Lines: the synchromodal planner.

Orders are mode-free; the planner books each on a chain of truck legs and scheduled barge
or rail departures, minimising cost + CO2 price + lateness under the services' capacities,
and replans when reality changes. Only the private solver module imports HiGHS.
"""

from smartlogistics.planner.disruption import DisruptionSet, load_disruptions
from smartlogistics.planner.generator import (
    available_demand_models,
    demand_assumptions,
    generate_orders,
    load_demand,
)
from smartlogistics.planner.order import TEU_EQUIVALENT_TONNES, CargoClass, Order
from smartlogistics.planner.orders_io import orders_text, read_orders, write_orders
from smartlogistics.planner.plan import Plan
from smartlogistics.planner.replan import Change, ReplanResult, replan
from smartlogistics.planner.solve import plan_orders

__all__ = [
    "TEU_EQUIVALENT_TONNES",
    "CargoClass",
    "Change",
    "DisruptionSet",
    "Order",
    "Plan",
    "ReplanResult",
    "available_demand_models",
    "demand_assumptions",
    "generate_orders",
    "load_demand",
    "load_disruptions",
    "orders_text",
    "plan_orders",
    "read_orders",
    "replan",
    "write_orders",
]
