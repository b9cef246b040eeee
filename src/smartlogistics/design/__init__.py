"""Service network design: the multicommodity capacitated fixed-charge network design problem.

Which shuttles should Circle Lines run? The standard model of that decision (MCND) picks
arcs to open, each with a fixed cost, and routes splittable commodity demands over them at
a variable cost per unit, within arc capacities. This package reads and validates
instances (:func:`load_instance`), solves them (:func:`solve`: an exact HiGHS MIP with
strong linking inequalities for small instances, a slope-scaling + MIP neighbourhood
search matheuristic for large ones) and checks solutions independently
(:func:`check_solution`). Only the private ``_highs`` module imports ``highspy``.
"""

from smartlogistics.design.generate import generate_instance
from smartlogistics.design.instance import Commodity, DesignArc, DesignInstance, load_instance
from smartlogistics.design.solution import DesignSolution, Status, check_solution
from smartlogistics.design.solve import EXACT_MAX_FLOW_VARIABLES, Method, choose_method, solve

__all__ = [
    "EXACT_MAX_FLOW_VARIABLES",
    "Commodity",
    "DesignArc",
    "DesignInstance",
    "DesignSolution",
    "Method",
    "Status",
    "check_solution",
    "choose_method",
    "generate_instance",
    "load_instance",
    "solve",
]
