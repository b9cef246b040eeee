"""Service network design: the multicommodity capacitated fixed-charge network design problem.

Which shuttles should Circle Lines run? The standard model of that decision (MCND) picks
arcs to open, each with a fixed cost, and routes splittable commodity demands over them at
a variable cost per unit, within arc capacities. This package reads and validates
instances (:func:`load_instance`), solves them (:func:`solve`: an exact HiGHS MIP with
strong linking inequalities for small instances, a slope-scaling + MIP neighbourhood
search matheuristic for large ones) and checks solutions independently
(:func:`check_solution`). Only the private ``_highs`` module imports ``highspy``.

Circle Lines themselves are decided one level up: a line runs at one of a few allowed
frequencies, which sets the capacity of all its segments at once. :mod:`.lines` solves
that line-frequency design exactly (:func:`solve_line_design`), and :mod:`.amsterdam`
builds it for the Amsterdam region from candidate lines and a week of orders
(:func:`design_circle_lines`, :func:`write_services_yaml`).
"""

from smartlogistics.design.amsterdam import (
    CandidateLine,
    CandidateLines,
    CircleLinesDesign,
    DemandCommodity,
    LineReport,
    WeeklyDemand,
    build_problem,
    design_circle_lines,
    load_candidate_lines,
    weekly_demand,
    write_services_yaml,
)
from smartlogistics.design.generate import generate_instance
from smartlogistics.design.instance import Commodity, DesignArc, DesignInstance, load_instance
from smartlogistics.design.lines import (
    FlowCommodity,
    LegCost,
    LineCandidate,
    LineDesignProblem,
    LineDesignResult,
    LineTotals,
    solve_line_design,
)
from smartlogistics.design.solution import DesignSolution, Status, check_solution
from smartlogistics.design.solve import EXACT_MAX_FLOW_VARIABLES, Method, choose_method, solve

__all__ = [
    "EXACT_MAX_FLOW_VARIABLES",
    "CandidateLine",
    "CandidateLines",
    "CircleLinesDesign",
    "Commodity",
    "DemandCommodity",
    "DesignArc",
    "DesignInstance",
    "DesignSolution",
    "FlowCommodity",
    "LegCost",
    "LineCandidate",
    "LineDesignProblem",
    "LineDesignResult",
    "LineReport",
    "LineTotals",
    "Method",
    "Status",
    "WeeklyDemand",
    "build_problem",
    "check_solution",
    "choose_method",
    "design_circle_lines",
    "generate_instance",
    "load_candidate_lines",
    "load_instance",
    "solve",
    "solve_line_design",
    "weekly_demand",
    "write_services_yaml",
]
