"""The two baselines the plan is judged against, on the same candidates and costs.

* **road-only**: every order trucked door to door (today's default for most of the
  region's containers); an order that may not go by road, or whose truck arrives more than
  the lateness cap late, is unplannable under this policy.
* **greedy**: today's practice of first come, first served. Orders are taken in release
  order (ties by input order) and each takes its cheapest candidate (by the same objective
  the MIP minimises) that still fits the capacity left.

Greedy is also the MIP's warm start, so the MIP's objective is never above greedy's.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from smartlogistics.planner.chains import CandidateSet, OrderArrays

__all__ = ["NO_CAPACITY_REASON", "greedy_choice", "road_only_choice"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

NO_CAPACITY_REASON = "no capacity left on any departure the order can use"
_EPS = 1e-9


def road_only_choice(candidates: CandidateSet) -> IntArray:
    """Each order's direct-truck candidate, ``-1`` where it has none."""
    return candidates.truck.copy()


def greedy_choice(candidates: CandidateSet, orders: OrderArrays, capacity: FloatArray) -> IntArray:
    """First come, first served: the cheapest candidate that fits, in release order.

    Parameters
    ----------
    candidates
        The candidates, sorted by order then objective.
    orders
        The orders (for their release times).
    capacity
        Capacity of every resource row (``3 * segment + kind``).

    Returns
    -------
    numpy.ndarray
        Chosen candidate per order, ``-1`` where none fits (or none exists).
    """
    left = capacity.astype(np.float64).tolist()
    ptr = candidates.res_ptr.tolist()
    rows = candidates.res_row.tolist()
    vals = candidates.res_val.tolist()
    first = candidates.first.tolist()
    choice = np.full(len(orders), -1, dtype=np.int64)
    sequence = np.lexsort((np.arange(len(orders)), orders.release_h))
    for o in sequence.tolist():
        for c in range(first[o], first[o + 1]):
            a, b = ptr[c], ptr[c + 1]
            if all(left[rows[e]] + _EPS >= vals[e] for e in range(a, b)):
                for e in range(a, b):
                    left[rows[e]] -= vals[e]
                choice[o] = c
                break
    return choice
