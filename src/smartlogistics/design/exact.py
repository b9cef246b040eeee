"""Exact method: the arc-based MIP with strong linking inequalities, solved by HiGHS.

The model (see :mod:`smartlogistics.design._model`) has a flow variable per useful
(arc, commodity) pair, a binary per arc, flow conservation, the capacity rows
``sum_k x[a,k] <= u_a y[a]`` and the strong linking inequalities
``x[a,k] <= min(d_k, u_a) y[a]`` (Gendron & Crainic 1994). The strong rows close most of
the weak relaxation's gap, which is what makes branch and bound practical on small and
medium instances; on large ones their number (arcs x commodities) makes each LP slow,
which is why :mod:`~smartlogistics.design.matheuristic` exists.
"""

from __future__ import annotations

import time

import numpy as np

from smartlogistics.design._model import ArcModel, FloatArray, build_arc_model, design_lp
from smartlogistics.design.instance import DesignInstance
from smartlogistics.design.solution import DesignSolution, Status, make_solution

__all__ = ["solve_exact"]


def pair_flows(m: ArcModel, values: FloatArray) -> list[tuple[int, int, float]]:
    """``(arc, commodity, amount)`` of the non-zero flow columns in ``values``."""
    x = values[: m.n_pairs]
    nz = np.flatnonzero(x > 0)
    return list(zip(m.pair_arc[nz].tolist(), m.pair_com[nz].tolist(), x[nz].tolist(), strict=True))


def solve_exact(
    instance: DesignInstance,
    *,
    time_limit: float,
    mip_rel_gap: float = 1e-6,
    strong: bool = True,
    prune: bool = True,
    seed: int = 0,
    method_name: str = "exact",
) -> DesignSolution:
    """Solve the arc-based MIP with HiGHS within ``time_limit`` seconds.

    Parameters
    ----------
    mip_rel_gap
        Relative gap at which HiGHS stops and the status is ``optimal``.
    strong, prune
        Add the strong linking inequalities / drop useless flow variables. Both default
        on; the benchmark turns them off to measure plain HiGHS on the textbook model.
    seed
        HiGHS's random seed.
    """
    from smartlogistics.design._highs import HighsModel  # HiGHS loads only when solving

    started = time.perf_counter()
    m = build_arc_model(instance, prune=prune)
    if not float(m.demand.sum()) > 0:
        seconds = time.perf_counter() - started
        return make_solution(instance, "optimal", [], 0.0, seconds, method_name)
    lp = design_lp(m, strong=np.arange(m.n_pairs) if strong else None, integer=True)
    model = HighsModel(lp, seed=seed)
    left = time_limit - (time.perf_counter() - started)
    result = model.run(left, mip_rel_gap=mip_rel_gap)
    seconds = time.perf_counter() - started
    if result.outcome == "infeasible":
        return make_solution(instance, "infeasible", None, None, seconds, method_name)
    if result.values is None:
        return make_solution(instance, "unknown", None, result.dual_bound, seconds, method_name)
    status: Status = "optimal" if result.outcome == "optimal" else "feasible"
    return make_solution(
        instance, status, pair_flows(m, result.values), result.dual_bound, seconds, method_name
    )
