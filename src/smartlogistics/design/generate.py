"""Random MCND instances in the style of the Canad "R" set, for tests and benchmarks.

The R instances of Crainic, Frangioni & Gendron (2001, "Bundle-based relaxation methods
for multicommodity capacitated fixed charge network design", Discrete Applied Mathematics
112) are generated from a node count, an arc count, a commodity count, a *fixed-cost
level* F and a *capacity tightness* C. The original files and generator are not available
here, so this module reimplements the idea, not the exact distributions:

* nodes are random points in a 100 x 100 square, numbered 1..n;
* the arcs contain a directed cycle through all nodes in random order (so every demand
  is routable) plus distinct random ordered pairs up to the arc count;
* variable cost ``c_a``: the arc's Euclidean length, rounded, at least 1;
* commodities: distinct random origin-destination pairs, demand uniform on 5..50;
* capacity ``u_a = T / C * U(0.75, 1.25)`` with ``T`` the total demand, so that
  ``C ~ |A| T / sum_a u_a``: ``C = 1`` is loose (one arc could carry everything), ``C = 8``
  tight;
* fixed cost ``f_a = F * dbar * c_a * U(0.75, 1.25)`` with ``dbar`` the mean demand: at
  ``F = 1`` opening an arc costs about as much as sending one average commodity over it,
  at ``F = 10`` ten times that.

All draws come from ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

import numpy as np

from smartlogistics.design.instance import DesignInstance
from smartlogistics.errors import InvalidInputError

__all__ = ["generate_instance"]


def generate_instance(
    n_nodes: int,
    n_arcs: int,
    n_commodities: int,
    *,
    fixed_ratio: float = 5.0,
    capacity_ratio: float = 2.0,
    seed: int = 0,
) -> DesignInstance:
    """Draw one instance (see the module docstring for the distributions).

    Raises
    ------
    InvalidInputError
        Sizes that cannot be met: fewer arcs than nodes, more than ``n (n - 1)``, or
        more commodities than origin-destination pairs.
    """
    if n_nodes < 2:
        raise InvalidInputError("n_nodes", "must be >= 2")
    if not n_nodes <= n_arcs <= n_nodes * (n_nodes - 1):
        raise InvalidInputError("n_arcs", f"must be in [{n_nodes}, {n_nodes * (n_nodes - 1)}]")
    if not 1 <= n_commodities <= n_nodes * (n_nodes - 1):
        raise InvalidInputError("n_commodities", "must be between 1 and n (n - 1)")
    if not (fixed_ratio >= 0 and capacity_ratio > 0):
        raise InvalidInputError("fixed_ratio", "F must be >= 0 and C > 0")
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0.0, 100.0, size=(n_nodes, 2))
    order = rng.permutation(n_nodes).tolist()
    pairs: list[tuple[int, int]] = [(order[i], order[(i + 1) % n_nodes]) for i in range(n_nodes)]
    taken = set(pairs)
    others = [(i, j) for i in range(n_nodes) for j in range(n_nodes) if i != j]
    for idx in rng.permutation(len(others)).tolist():
        if len(pairs) >= n_arcs:
            break
        if others[idx] not in taken:
            taken.add(others[idx])
            pairs.append(others[idx])
    od = [others[i] for i in rng.choice(len(others), size=n_commodities, replace=False)]
    demand = rng.integers(5, 51, size=n_commodities)
    total, mean = float(demand.sum()), float(demand.mean())
    arcs = []
    for i, j in pairs:
        cost = max(1, round(float(np.hypot(*(xy[i] - xy[j])))))
        capacity = max(1, round(total / capacity_ratio * rng.uniform(0.75, 1.25)))
        fixed = round(fixed_ratio * mean * cost * rng.uniform(0.75, 1.25))
        arcs.append(
            {
                "from": i + 1,
                "to": j + 1,
                "variable_cost": cost,
                "capacity": capacity,
                "fixed_cost": fixed,
            }
        )
    commodities = [
        {"origin": o + 1, "destination": d + 1, "demand": int(q)}
        for (o, d), q in zip(od, demand.tolist(), strict=True)
    ]
    return DesignInstance.from_mapping(
        {"nodes": list(range(1, n_nodes + 1)), "arcs": arcs, "commodities": commodities}
    )
