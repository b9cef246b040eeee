"""One entry point for service network design: pick a method and solve.

The rule for ``method="auto"``: the exact MIP when the model has at most
:data:`EXACT_MAX_FLOW_VARIABLES` flow variables after pruning (arc-commodity pairs that
some origin-destination path can use), the matheuristic otherwise. Up to that size HiGHS
with the strong linking inequalities usually proves optimality in seconds (Canad-style
instances with 10 nodes, 35 arcs and up to 50 commodities); beyond it, the arcs x
commodities strong rows make every node LP slow, and the matheuristic finds better designs
in the same time (see ``docs/design.md`` for the figures).
"""

from __future__ import annotations

from typing import Literal

from smartlogistics.design._model import build_arc_model
from smartlogistics.design.exact import solve_exact
from smartlogistics.design.instance import DesignInstance
from smartlogistics.design.matheuristic import solve_matheuristic
from smartlogistics.design.solution import DesignSolution
from smartlogistics.errors import InvalidInputError

__all__ = ["EXACT_MAX_FLOW_VARIABLES", "Method", "choose_method", "solve"]

Method = Literal["auto", "exact", "matheuristic"]

EXACT_MAX_FLOW_VARIABLES = 2_000
"""``auto`` uses the exact MIP up to this many (pruned) flow variables."""


def choose_method(instance: DesignInstance) -> Literal["exact", "matheuristic"]:
    """Return the method ``auto`` picks for ``instance`` (see the module docstring)."""
    pairs = build_arc_model(instance, prune=True).n_pairs
    return "exact" if pairs <= EXACT_MAX_FLOW_VARIABLES else "matheuristic"


def solve(
    instance: DesignInstance,
    *,
    time_limit: float = 60.0,
    method: Method = "auto",
    seed: int = 0,
    mip_rel_gap: float = 1e-6,
) -> DesignSolution:
    """Solve an MCND instance within ``time_limit`` seconds.

    Parameters
    ----------
    instance
        The validated instance.
    time_limit
        Wall-clock budget in seconds, > 0.
    method
        ``"exact"`` (HiGHS on the strong arc-based MIP), ``"matheuristic"`` (slope scaling
        then MIP neighbourhood search) or ``"auto"`` (:func:`choose_method`).
    seed
        Seed of every random choice (neighbourhoods, HiGHS).
    mip_rel_gap
        Relative gap under which the result counts as ``optimal``.

    Returns
    -------
    DesignSolution
        Recomputed objective, a valid lower bound and the flows.

    Raises
    ------
    InvalidInputError
        ``time_limit`` not > 0 or an unknown ``method``.
    """
    if not time_limit > 0:
        raise InvalidInputError("time_limit", f"must be > 0, got {time_limit:g}")
    if not 0 <= mip_rel_gap < 1:
        raise InvalidInputError("mip_rel_gap", f"must be in [0, 1), got {mip_rel_gap:g}")
    chosen = choose_method(instance) if method == "auto" else method
    if chosen == "exact":
        return solve_exact(instance, time_limit=time_limit, mip_rel_gap=mip_rel_gap, seed=seed)
    if chosen == "matheuristic":
        return solve_matheuristic(
            instance, time_limit=time_limit, seed=seed, mip_rel_gap=mip_rel_gap
        )
    raise InvalidInputError("method", f"must be auto, exact or matheuristic, got {method!r}")
