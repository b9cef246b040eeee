"""The one module of ``design`` that imports ``highspy`` (private).

:class:`HighsModel` holds one HiGHS instance with a model passed in bulk (column-wise
arrays through ``passModel``, no per-variable Python calls) and exposes the few in-place
changes the methods need: costs, bounds, integrality, extra rows, a start solution. HiGHS
keeps its basis across such changes, so LP re-solves are warm-started. Instances come from
the platform's :func:`smartlogistics._highs.new_highs`, which keeps HiGHS's licence banner
off stdout (it would corrupt ``--json`` output).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import highspy
import numpy as np

from smartlogistics._highs import new_highs, solver_threads
from smartlogistics.design._model import FloatArray, IntArray, LpData

__all__ = ["HighsModel", "RunResult", "threads"]

Outcome = Literal["optimal", "infeasible", "limit", "error"]


def threads() -> int:
    """HiGHS threads: at most 2 (the benchmark machines have 2 cores)."""
    return solver_threads()


@dataclass(frozen=True, slots=True)
class RunResult:
    """What one HiGHS run returned.

    Attributes
    ----------
    outcome
        ``optimal``, ``infeasible``, ``limit`` (time or other limit reached) or ``error``.
    values
        Column values of the best primal solution, ``None`` if there is none.
    objective
        HiGHS's objective of ``values`` (informative only; callers recompute it).
    dual_bound
        For a MIP the best dual bound, for an LP solved to optimality its value;
        ``None`` when not valid.
    """

    outcome: Outcome
    values: FloatArray | None
    objective: float | None
    dual_bound: float | None


class HighsModel:
    """A HiGHS instance holding one model, with quiet output and a fixed seed."""

    def __init__(self, lp: LpData, *, seed: int = 0) -> None:
        self._h = new_highs()  # output off, licence banner kept off stdout
        h = self._h
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", threads())
        h.setOptionValue("random_seed", int(seed) % 2_147_483_647)
        integrality = (
            lp.integrality if lp.integrality is not None else np.zeros(lp.num_col, np.int32)
        )
        h.passModel(
            lp.num_col,
            lp.num_row,
            int(lp.value.shape[0]),
            int(highspy.MatrixFormat.kColwise),
            int(highspy.ObjSense.kMinimize),
            0.0,
            lp.col_cost,
            lp.col_lower,
            lp.col_upper,
            lp.row_lower,
            lp.row_upper,
            lp.start[:-1].astype(np.int32),
            lp.index.astype(np.int32),
            lp.value,
            integrality.astype(np.int32),
        )
        self._is_mip = lp.integrality is not None and bool(lp.integrality.any())
        self.num_col = lp.num_col
        self.num_row = lp.num_row

    def set_costs(self, cols: IntArray, costs: FloatArray) -> None:
        """Change the objective coefficients of ``cols``."""
        self._h.changeColsCost(int(cols.shape[0]), cols.astype(np.int32), costs)

    def set_col_bounds(self, cols: IntArray, lower: FloatArray, upper: FloatArray) -> None:
        """Change the bounds of ``cols``."""
        self._h.changeColsBounds(int(cols.shape[0]), cols.astype(np.int32), lower, upper)

    def set_row_bounds(self, rows: IntArray, lower: FloatArray, upper: FloatArray) -> None:
        """Change the bounds of ``rows``."""
        # changeRowsBounds exists at runtime but is missing from highspy 1.16's stubs.
        self._h.changeRowsBounds(  # type: ignore[attr-defined]
            int(rows.shape[0]), rows.astype(np.int32), lower, upper
        )

    def set_integer(self, cols: IntArray, integer: bool) -> None:
        """Make ``cols`` integer or continuous."""
        kind = highspy.HighsVarType.kInteger if integer else highspy.HighsVarType.kContinuous
        types = np.full(int(cols.shape[0]), int(kind), dtype=np.uint8)
        self._h.changeColsIntegrality(int(cols.shape[0]), cols.astype(np.int32), types)
        self._is_mip = integer

    def add_rows(
        self,
        lower: FloatArray,
        upper: FloatArray,
        start: IntArray,
        index: IntArray,
        value: FloatArray,
    ) -> None:
        """Append rows given row-wise (``start`` has one entry per row)."""
        n = int(lower.shape[0])
        if n:
            self._h.addRows(
                n,
                lower,
                upper,
                int(index.shape[0]),
                start.astype(np.int32),
                index.astype(np.int32),
                value,
            )
            self.num_row += n

    def set_start(self, values: FloatArray) -> None:
        """Offer a full primal solution as the MIP's starting incumbent."""
        sol = highspy.HighsSolution()
        sol.col_value = values
        sol.value_valid = True
        self._h.setSolution(sol)

    def run(self, time_limit: float, *, mip_rel_gap: float = 1e-4) -> RunResult:
        """Solve with a time limit (seconds) and, for a MIP, a relative gap."""
        h = self._h
        h.setOptionValue("time_limit", max(0.01, float(time_limit)))
        h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        ms = highspy.HighsModelStatus
        outcome: Outcome
        if status == ms.kOptimal:
            outcome = "optimal"
        elif status in (ms.kInfeasible, ms.kUnboundedOrInfeasible):
            outcome = "infeasible"
        elif status in (
            ms.kTimeLimit,
            ms.kIterationLimit,
            ms.kInterrupt,
            ms.kSolutionLimit,
            ms.kUnknown,
            ms.kObjectiveBound,
            ms.kObjectiveTarget,
        ):
            outcome = "limit"
        else:
            outcome = "error"
        has_primal = info.primal_solution_status == 2  # kSolutionStatusFeasible
        values = np.array(h.getSolution().col_value, dtype=np.float64) if has_primal else None
        objective = float(info.objective_function_value) if has_primal else None
        bound: float | None = None
        if self._is_mip:
            db = float(info.mip_dual_bound)
            bound = db if np.isfinite(db) else None
        elif outcome == "optimal":
            bound = objective
        return RunResult(outcome, values, objective, bound)
