"""The result of a design solve and an independent checker of its feasibility.

A :class:`DesignSolution` is built from the flows a solver returns, never from the
solver's own objective value: the open arcs are the arcs that carry flow, and the
objective is recomputed as variable cost times flow plus the fixed cost of every open arc.
:func:`check_solution` re-verifies a solution against its instance (flow conservation per
commodity, capacity, linking, objective); the tests run it on every solution they get.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from smartlogistics.design.instance import DesignInstance

__all__ = ["DesignSolution", "Status", "check_solution", "make_solution"]

Status = Literal["optimal", "feasible", "infeasible", "unknown"]
"""``optimal``: proven within the relative gap asked for; ``feasible``: a solution without
that proof; ``infeasible``: no design can carry the demand; ``unknown``: no solution found
in the time limit."""

_DIGITS = 6
"""Flow amounts are rounded to this many decimals (solver noise is ~1e-9 of the demand)."""


@dataclass(frozen=True, slots=True)
class DesignSolution:
    """A design (open arcs) with its commodity flows, objective and a lower bound.

    Attributes
    ----------
    status
        See :data:`Status`.
    objective
        Recomputed cost of :attr:`flows`; ``None`` when there is no solution.
    bound
        A valid lower bound on the optimal cost; ``None`` when none is known.
    seconds
        Wall time of the solve, model building included.
    open_arcs
        Sorted indices of the arcs that carry flow.
    flows
        ``(arc index, commodity index, amount)`` for every non-zero flow, sorted.
    method
        ``"exact"`` or ``"matheuristic"``, the method that produced the solution.
    """

    status: Status
    objective: float | None
    bound: float | None
    seconds: float
    open_arcs: tuple[int, ...] = ()
    flows: tuple[tuple[int, int, float], ...] = ()
    method: str = "exact"

    @property
    def gap(self) -> float | None:
        """``(objective - bound) / max(|objective|, 1e-9)``, or ``None`` without both."""
        if self.objective is None or self.bound is None:
            return None
        return max(0.0, (self.objective - self.bound) / max(abs(self.objective), 1e-9))

    def to_json(self) -> dict[str, Any]:
        """Return the ``design solve --json`` contract as plain JSON types."""
        return {
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "seconds": round(self.seconds, 3),
            "open_arcs": list(self.open_arcs),
            "flows": [[a, k, amount] for a, k, amount in self.flows],
        }


def _tolerance(instance: DesignInstance) -> float:
    biggest = max((c.demand for c in instance.commodities), default=1.0)
    return 1e-6 * max(1.0, biggest)


def solution_cost(instance: DesignInstance, flows: Iterable[tuple[int, int, float]]) -> float:
    """Variable cost of ``flows`` plus the fixed cost of every arc they use."""
    total = 0.0
    used: set[int] = set()
    for a, _k, amount in flows:
        total += instance.arcs[a].variable_cost * amount
        used.add(a)
    return total + sum(instance.arcs[a].fixed_cost for a in used)


def make_solution(
    instance: DesignInstance,
    status: Status,
    flows: Iterable[tuple[int, int, float]] | None,
    bound: float | None,
    seconds: float,
    method: str,
) -> DesignSolution:
    """Build a solution from raw solver flows: drop noise, round, recompute the objective.

    Parameters
    ----------
    flows
        ``(arc, commodity, amount)`` triples as the solver returned them (any order,
        zeros and tiny negative noise allowed); ``None`` when there is no solution.
    bound
        A valid lower bound; it is capped at the objective when it exceeds it only by
        rounding noise, so that a proven optimum shows a zero gap.
    """
    if flows is None:
        return DesignSolution(status, None, bound, seconds, method=method)
    tol = _tolerance(instance)
    kept = sorted((int(a), int(k), round(float(v), _DIGITS)) for a, k, v in flows if float(v) > tol)
    objective = solution_cost(instance, kept)
    if bound is not None and bound > objective:
        bound = objective if bound - objective <= 1e-6 * max(1.0, abs(objective)) else bound
    open_arcs = tuple(sorted({a for a, _k, _v in kept}))
    return DesignSolution(status, objective, bound, seconds, open_arcs, tuple(kept), method)


def check_solution(instance: DesignInstance, solution: DesignSolution) -> list[str]:
    """Problems of ``solution`` as a design for ``instance``; empty when it is feasible.

    Checks indices, non-negativity, flow conservation of every commodity at every node,
    arc capacities, that flow uses only open arcs (linking), and that the reported
    objective is the recomputed cost. Tolerance: 1e-6 of the largest demand (at least
    1e-6), absolute, per check.
    """
    if solution.objective is None:
        return [] if not solution.flows else ["flows given without an objective"]
    problems: list[str] = []
    tol = _tolerance(instance)
    n_arcs, n_com = len(instance.arcs), len(instance.commodities)
    index = instance.node_index()
    balance = [[0.0] * len(instance.nodes) for _ in range(n_com)]
    load = [0.0] * n_arcs
    opened = set(solution.open_arcs)
    for a, k, amount in solution.flows:
        if not (0 <= a < n_arcs and 0 <= k < n_com):
            problems.append(f"flow ({a}, {k}): no such arc or commodity")
            continue
        if amount < -tol or not math.isfinite(amount):
            problems.append(f"flow ({a}, {k}): amount {amount} is not >= 0")
        if a not in opened:
            problems.append(f"flow ({a}, {k}): arc {a} carries flow but is not open")
        arc = instance.arcs[a]
        balance[k][index[arc.source]] += amount
        balance[k][index[arc.target]] -= amount
        load[a] += amount
    for a, value in enumerate(load):
        if value > instance.arcs[a].capacity + tol:
            problems.append(
                f"arc {a}: load {value:g} exceeds capacity {instance.arcs[a].capacity:g}"
            )
    for k, com in enumerate(instance.commodities):
        o, d = index[com.origin], index[com.destination]
        for n, value in enumerate(balance[k]):
            want = com.demand if n == o else -com.demand if n == d else 0.0
            if abs(value - want) > tol:
                problems.append(
                    f"commodity {k} at node {instance.nodes[n]!r}: net outflow {value:g}, "
                    f"expected {want:g}"
                )
    cost = solution_cost(instance, solution.flows) + sum(
        instance.arcs[a].fixed_cost for a in opened - {a for a, _k, _v in solution.flows}
    )
    if abs(cost - solution.objective) > 1e-6 * max(1.0, abs(cost)):
        problems.append(f"objective {solution.objective:g} differs from the cost {cost:g}")
    return problems
