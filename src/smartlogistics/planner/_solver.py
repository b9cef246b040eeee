"""The MIP of the planner with HiGHS (private; the only module that imports ``highspy``).

The model is a set partitioning with capacity side constraints::

    min  sum_c cost_c x_c
    s.t. sum_{c of group g} x_c  = 1          for every group (order)
         sum_c usage_{r,c} x_c  <= capacity_r  for every resource row r
         x_c in {0, 1}

It is passed to HiGHS in one call, column-wise, from numpy arrays.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
import numpy.typing as npt

from smartlogistics._highs import new_highs

__all__ = ["MipResult", "solve_assignment"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_STATUS = {
    "kOptimal": "optimal",
    "kTimeLimit": "time_limit",
    "kInfeasible": "infeasible",
    "kUnbounded": "unbounded",
    "kUnboundedOrInfeasible": "infeasible",
    "kInterrupt": "interrupted",
    "kIterationLimit": "iteration_limit",
    "kSolutionLimit": "solution_limit",
    "kObjectiveBound": "objective_bound",
    "kObjectiveTarget": "objective_target",
    "kMemoryLimit": "memory_limit",
}


@dataclass(frozen=True, eq=False)
class MipResult:
    """What HiGHS returned.

    Attributes
    ----------
    status
        ``"optimal"`` (within the gap), ``"time_limit"``, ``"infeasible"``, ...
    objective, bound, gap
        Objective of the returned solution, HiGHS's best bound and relative gap.
    seconds
        Wall time of building and solving.
    choice
        The chosen column of every group.
    """

    status: str
    objective: float
    bound: float
    gap: float
    seconds: float
    choice: IntArray


def solve_assignment(
    cost: FloatArray,
    group: IntArray,
    n_groups: int,
    res_ptr: IntArray,
    res_row: IntArray,
    res_val: FloatArray,
    capacity: FloatArray,
    start: IntArray,
    *,
    time_limit_s: float,
    mip_gap: float,
    mip_abs_gap: float | None = None,
    threads: int = 2,
) -> MipResult:
    """Choose one column per group within the capacities at least cost.

    Parameters
    ----------
    cost
        Cost of each column.
    group
        Group (0 .. ``n_groups - 1``) of each column; columns are sorted by group.
    n_groups
        Number of groups.
    res_ptr, res_row, res_val
        Resource usage of the columns, CSR by column; rows 0 .. ``len(capacity) - 1``.
    capacity
        Capacity of each resource row.
    start
        A feasible choice (column per group) to start from: the greedy plan.
    time_limit_s, mip_gap
        HiGHS's ``time_limit`` and ``mip_rel_gap``.
    mip_abs_gap
        HiGHS's ``mip_abs_gap`` (stop when objective - bound is at most this), default
        HiGHS's own; replanning uses it to keep the gap relative to the objective of the
        orders decided outside the MIP as well.
    threads
        At most this many threads (HiGHS's ``threads``).

    Returns
    -------
    MipResult
        If HiGHS stops without a solution, the start is returned with its status.
    """
    t0 = time.perf_counter()
    n_col = len(cost)
    n_res = len(capacity)
    # column-wise matrix: each column's resource rows, then its group row
    per_col = np.diff(res_ptr) + 1
    starts = np.zeros(n_col + 1, dtype=np.int64)
    np.cumsum(per_col, out=starts[1:])
    index = np.empty(int(starts[-1]), dtype=np.int32)
    value = np.empty(int(starts[-1]), dtype=np.float64)
    group_pos = starts[1:] - 1
    res_pos = np.ones(int(starts[-1]), dtype=np.bool_)
    res_pos[group_pos] = False
    index[res_pos] = res_row
    value[res_pos] = res_val
    index[group_pos] = n_res + group
    value[group_pos] = 1.0

    lp = highspy.HighsLp()
    lp.num_col_ = n_col
    lp.num_row_ = n_res + n_groups
    lp.col_cost_ = cost.astype(np.float64)
    lp.col_lower_ = np.zeros(n_col)
    lp.col_upper_ = np.ones(n_col)
    lp.row_lower_ = np.concatenate([np.full(n_res, -highspy.kHighsInf), np.ones(n_groups)])
    lp.row_upper_ = np.concatenate([capacity.astype(np.float64), np.ones(n_groups)])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = starts.astype(np.int32)
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    lp.a_matrix_.num_col_ = n_col
    lp.a_matrix_.num_row_ = n_res + n_groups
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n_col

    h = new_highs()
    h.setOptionValue("time_limit", float(max(time_limit_s, 0.01)))
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    if mip_abs_gap is not None:
        h.setOptionValue("mip_abs_gap", float(max(mip_abs_gap, 0.0)))
    h.setOptionValue("threads", int(max(1, min(threads, 2))))
    h.setOptionValue("presolve", "on")
    h.passModel(lp)
    x0 = np.zeros(n_col)
    x0[start] = 1.0
    h.setSolution(n_col, np.arange(n_col, dtype=np.int32), x0)
    h.run()
    status_name = h.modelStatusToString(h.getModelStatus())
    raw = str(h.getModelStatus()).rsplit(".", 1)[-1]
    status = _STATUS.get(raw, status_name.lower().replace(" ", "_"))
    info = h.getInfo()
    start_obj = float(cost[start].sum())
    if info.primal_solution_status == 2:  # kSolutionStatusFeasible
        x = np.asarray(h.getSolution().col_value)
        # the largest x of each group (x is binary up to tolerance)
        order = np.lexsort((-x, group))
        first = np.searchsorted(group[order], np.arange(n_groups), side="left")
        choice = order[first].astype(np.int64)
        objective = float(cost[choice].sum())
        bound = float(info.mip_dual_bound)
    else:
        choice = start.astype(np.int64)
        objective = start_obj
        bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else -np.inf
    bound = min(bound, objective)
    gap = (objective - bound) / max(abs(objective), 1e-9) if np.isfinite(bound) else np.inf
    return MipResult(
        status=status,
        objective=objective,
        bound=bound,
        gap=float(gap),
        seconds=time.perf_counter() - t0,
        choice=choice,
    )
