"""Matheuristic for large instances: slope scaling, a strong bound, MIP neighbourhood search.

Three phases share one time limit:

1. **Slope scaling** (Crainic, Gendron & Hernu 2004): solve the multicommodity flow LP
   with each arc's cost linearised as ``rho_a = c_a + f_a / F_a``, where ``F_a`` is the
   arc's flow in the previous iteration (``F_a = u_a`` at the start, an arc without flow
   keeps its last ``rho_a``). Every LP solution is a feasible design (the arcs with flow);
   the best is kept, then re-routed at true costs over its open arcs. Re-solves only
   change costs, so HiGHS warm-starts from the previous basis. The first LP is the weak
   linear relaxation, so its value is already a valid lower bound.
2. **Strong bound**: the LP relaxation with the strong linking inequalities
   ``x[a,k] <= min(d_k, u_a) y[a]`` added by a cutting-plane loop (only violated ones; a
   few rounds instead of arcs x commodities rows at once). Every round's optimal value is
   a valid lower bound; the last LP solution guides phase 3.
3. **MIP neighbourhood search**: the design MIP (with the cuts found) is solved
   repeatedly by HiGHS with most ``y`` fixed to the incumbent's values and a subset of
   arcs free, the incumbent offered as a start (``setSolution``) and a short time limit.
   Free sets alternate between arcs where the LP and the incumbent disagree most (with
   random tie-breaking, as in RINS), the arcs used by a random group of commodities, and
   random arcs. The neighbourhood grows when a sub-MIP is solved to optimality without
   improvement and shrinks when one times out. When it covers all arcs the sub-MIP is
   the full model, and its dual bound is a global bound (this is how small instances end
   ``optimal``).

Everything random draws from ``numpy.random.default_rng(seed)``; with the same seed and
the same time budget behaviour is reproducible up to where the time limits fall.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from smartlogistics.design._model import (
    ArcModel,
    FloatArray,
    IntArray,
    build_arc_model,
    design_lp,
    flow_lp,
    strong_rows,
)
from smartlogistics.design.exact import pair_flows
from smartlogistics.design.instance import DesignInstance
from smartlogistics.design.solution import DesignSolution, make_solution

if TYPE_CHECKING:
    from smartlogistics.design._highs import HighsModel

__all__ = ["solve_matheuristic"]

_SLOPE_SHARE = 0.15
"""Share of the time limit slope scaling may use at most."""
_BOUND_SHARE = 0.4
"""Time share (from the start) by which the cutting-plane bound loop must stop."""
_MAX_SLOPE_ITERATIONS = 60


class _Incumbent:
    """The best design found so far: cost, flow values of the pairs and open arcs."""

    def __init__(self, m: ArcModel) -> None:
        self.m = m
        self.cost = np.inf
        self.x: FloatArray = np.zeros(m.n_pairs)
        self.open = np.zeros(m.n_arcs, dtype=bool)
        self.tol = 1e-7 * max(1.0, float(m.demand.max(initial=1.0)))

    def loads(self, x: FloatArray) -> FloatArray:
        """Total flow per arc."""
        return np.bincount(self.m.pair_arc, weights=x, minlength=self.m.n_arcs).astype(np.float64)

    def consider(self, x: FloatArray) -> bool:
        """Keep ``x`` (a feasible flow) if its design is cheaper; return whether it was."""
        x = np.clip(x[: self.m.n_pairs], 0.0, None)
        load = self.loads(x)
        opened = load > self.tol
        cost = float(self.m.cost @ load + self.m.fixed[opened].sum())
        if cost < self.cost - 1e-9 * max(1.0, abs(cost)):
            self.cost, self.x, self.open = cost, x.copy(), opened
            return True
        return False

    def start_vector(self) -> FloatArray:
        """Return the incumbent as a full column vector of the design model."""
        return np.concatenate([self.x, self.open.astype(np.float64)])


def _slope_scaling(
    m: ArcModel, inc: _Incumbent, deadline: float, seed: int
) -> tuple[str, float | None]:
    """Phase 1; returns ``("ok"|"infeasible"|"timeout", weak LP bound or None)``."""
    from smartlogistics.design._highs import HighsModel

    lp = HighsModel(flow_lp(m), seed=seed)
    cols = np.arange(m.n_pairs, dtype=np.int64)
    rho = m.cost + m.fixed / m.capacity
    lp.set_costs(cols, rho[m.pair_arc])
    first = lp.run(deadline - time.perf_counter())
    if first.outcome == "infeasible":
        return "infeasible", None
    if first.values is None:
        return "timeout", None
    bound = first.objective if first.outcome == "optimal" else None
    inc.consider(first.values)
    x = first.values
    previous = inc.open.copy()
    stable = 0
    for _ in range(_MAX_SLOPE_ITERATIONS):
        if time.perf_counter() >= deadline:
            break
        load = inc.loads(np.clip(x, 0.0, None))
        used = load > inc.tol
        rho = np.where(used, m.cost + m.fixed / np.where(used, load, 1.0), rho)
        lp.set_costs(cols, rho[m.pair_arc])
        result = lp.run(deadline - time.perf_counter())
        if result.values is None:
            break
        x = result.values
        inc.consider(x)
        design = inc.loads(np.clip(x, 0.0, None)) > inc.tol
        stable = stable + 1 if np.array_equal(design, previous) else 0
        previous = design
        if stable >= 2:
            break
    # Re-route the best design at true costs over its open arcs only.
    if np.isfinite(inc.cost) and time.perf_counter() < deadline:
        lp.set_costs(cols, m.cost[m.pair_arc])
        rows = m.n_com * m.n_nodes + np.arange(m.n_arcs, dtype=np.int64)
        upper = np.where(inc.open, m.capacity, 0.0)
        lp.set_row_bounds(rows, np.full(m.n_arcs, -np.inf), upper)
        result = lp.run(deadline - time.perf_counter())
        if result.values is not None:
            inc.consider(result.values)
    return "ok", bound


def _strong_bound(
    m: ArcModel, model: HighsModel, deadline: float
) -> tuple[float | None, FloatArray | None]:
    """Phase 2: cutting-plane strong LP bound and the last LP solution."""
    added = np.zeros(m.n_pairs, dtype=bool)
    coef = m.pair_bound()
    tol = 1e-6 * np.maximum(1.0, m.demand[m.pair_com])
    bound: float | None = None
    values: FloatArray | None = None
    while time.perf_counter() < deadline:
        result = model.run(deadline - time.perf_counter())
        if result.outcome != "optimal" or result.values is None:
            break
        bound, values = result.objective, result.values
        x, y = values[: m.n_pairs], values[m.n_pairs :]
        violation = x - coef * y[m.pair_arc]
        new = np.flatnonzero((violation > tol) & ~added)
        if new.shape[0] == 0:
            break
        model.add_rows(*strong_rows(m, new))
        added[new] = True
    return bound, values


def _neighbourhoods(
    m: ArcModel, inc: _Incumbent, lp_values: FloatArray | None, rng: np.random.Generator
) -> list[Callable[[int], IntArray]]:
    """Free-set generators, each taking the wanted size."""
    n_arcs = m.n_arcs
    y_lp = lp_values[m.n_pairs :] if lp_values is not None else None
    x_lp = lp_values[: m.n_pairs] if lp_values is not None else None

    def disagreement(size: int) -> IntArray:
        base = np.zeros(n_arcs) if y_lp is None else np.abs(y_lp - inc.open)
        score = base + 0.5 * rng.random(n_arcs)
        return np.argsort(-score, kind="stable")[:size].astype(np.int64)

    def commodities(size: int) -> IntArray:
        chosen: set[int] = set()
        for k in rng.permutation(m.n_com).tolist():
            mask = m.pair_com == k
            used = mask & (inc.x > inc.tol)
            if x_lp is not None:
                used |= mask & (x_lp > inc.tol)
            chosen.update(m.pair_arc[used].tolist())
            if len(chosen) >= size:
                break
        picked = np.array(sorted(chosen), dtype=np.int64)
        if picked.shape[0] > size:
            picked = rng.choice(picked, size=size, replace=False)
        return picked

    def random(size: int) -> IntArray:
        return rng.choice(n_arcs, size=size, replace=False).astype(np.int64)

    return [disagreement, commodities, disagreement, random]


def solve_matheuristic(
    instance: DesignInstance,
    *,
    time_limit: float,
    seed: int = 0,
    mip_rel_gap: float = 1e-6,
) -> DesignSolution:
    """Find a good design within ``time_limit`` seconds and a valid lower bound.

    Parameters
    ----------
    mip_rel_gap
        The status is ``optimal`` when the final gap is at most this.
    seed
        Seeds the neighbourhood choice and HiGHS.
    """
    from smartlogistics.design._highs import HighsModel  # HiGHS loads only when solving

    started = time.perf_counter()
    deadline = started + time_limit
    m = build_arc_model(instance, prune=True)
    name = "matheuristic"
    if not float(m.demand.sum()) > 0:
        return make_solution(instance, "optimal", [], 0.0, time.perf_counter() - started, name)
    rng = np.random.default_rng(seed)
    inc = _Incumbent(m)
    outcome, bound = _slope_scaling(m, inc, started + _SLOPE_SHARE * time_limit, seed)
    if outcome == "infeasible":
        return make_solution(
            instance, "infeasible", None, None, time.perf_counter() - started, name
        )

    model = HighsModel(design_lp(m, strong=None, integer=False), seed=seed)
    strong, lp_values = _strong_bound(m, model, started + _BOUND_SHARE * time_limit)
    if strong is not None:
        bound = strong if bound is None else max(bound, strong)

    y_cols = m.n_pairs + np.arange(m.n_arcs, dtype=np.int64)
    model.set_integer(y_cols, True)
    generators = _neighbourhoods(m, inc, lp_values, rng)
    size = m.n_arcs if m.n_arcs <= 40 else max(20, m.n_arcs // 4)
    sub_limit = min(15.0, max(1.0, time_limit / 8))
    step = 0
    proven = False
    while not proven and deadline - time.perf_counter() > 0.05:
        full = size >= m.n_arcs
        if full:
            free = np.arange(m.n_arcs, dtype=np.int64)
        else:
            free = generators[step % len(generators)](size)
        step += 1
        fixed_y = inc.open.astype(np.float64)
        lower, upper = fixed_y.copy(), fixed_y.copy()
        lower[free], upper[free] = 0.0, 1.0
        model.set_col_bounds(y_cols, lower, upper)
        if np.isfinite(inc.cost):
            model.set_start(inc.start_vector())
        left = deadline - time.perf_counter()
        gap = mip_rel_gap if full else 1e-4
        result = model.run(left if full else min(sub_limit, left), mip_rel_gap=gap)
        improved = result.values is not None and inc.consider(result.values)
        if full and result.dual_bound is not None:
            bound = result.dual_bound if bound is None else max(bound, result.dual_bound)
            proven = result.outcome == "optimal"
        if result.outcome == "infeasible" and full:
            return make_solution(
                instance, "infeasible", None, None, time.perf_counter() - started, name
            )
        if result.outcome == "optimal" and not improved:
            size = min(m.n_arcs, int(size * 1.5) + 1)
        elif result.outcome == "limit" and not improved:
            size = max(5, int(size * 0.7))
        if bound is not None and np.isfinite(inc.cost):
            proven = proven or (inc.cost - bound) <= mip_rel_gap * max(abs(inc.cost), 1e-9)
    seconds = time.perf_counter() - started
    if not np.isfinite(inc.cost):
        return make_solution(instance, "unknown", None, bound, seconds, name)
    solution = make_solution(instance, "feasible", pair_flows(m, inc.x), bound, seconds, name)
    final_gap = solution.gap
    if final_gap is not None and final_gap <= mip_rel_gap:
        return make_solution(instance, "optimal", pair_flows(m, inc.x), bound, seconds, name)
    return solution
