"""The digital twin of the Amsterdam region: a week of freight, every part at work in it.

SimPy processes generate the region's demand (the planner's order generator, SmartGate's
consignment generator), screen import air cargo with SmartGate (red consignments queue for
a limited number of inspectors), plan transport in a daily rolling horizon, execute it on
barges, trains and trucks with stochastic disruptions that trigger replanning, and record
typed KPI records through an injected recorder. The same demand and disruptions run under
three policies (common random numbers): synchromodal, greedy (today's practice) and
road-only. Sweeps run scenarios on Dask; results are stored in the platform database.
"""

from smartlogistics.twin.policies import POLICIES, PolicyName
from smartlogistics.twin.run import Progress, TwinResult, compare, run_twin
from smartlogistics.twin.scenario import (
    PARAMETERS,
    TwinScenario,
    apply_assignments,
    parse_assignment,
    parse_value,
    parse_values,
)

__all__ = [
    "PARAMETERS",
    "POLICIES",
    "PolicyName",
    "Progress",
    "TwinResult",
    "TwinScenario",
    "apply_assignments",
    "compare",
    "parse_assignment",
    "parse_value",
    "parse_values",
    "run_twin",
]
