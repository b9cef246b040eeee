"""The arc-based MCND model as NumPy arrays (private; no solver imported here).

Columns: one flow variable ``x[a,k] >= 0`` for every kept (arc, commodity) *pair*, then,
in design models, one ``y[a]`` in [0, 1] per arc. Rows, in this order:

* flow conservation, one per (commodity, node): out-flow minus in-flow equals the demand at
  the origin, minus the demand at the destination and 0 elsewhere;
* capacity, one per arc: ``sum_k x[a,k] - u_a y[a] <= 0`` (flow models: ``sum_k x[a,k] <=
  u_a``);
* optionally the strong linking inequalities ``x[a,k] - min(d_k, u_a) y[a] <= 0`` (Gendron
  & Crainic 1994), for all pairs or for the ones a cutting-plane loop found violated.

*Pruning* drops pairs that no origin-destination path of the commodity can use: arcs whose
tail is not reachable from the origin or whose head cannot reach the destination, arcs
into the origin or out of the destination, and every pair of a zero-demand commodity. Any
feasible flow decomposes into paths and cycles; removing cycles keeps it feasible and costs
no more (costs are non-negative), so pruning keeps an optimal solution.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from smartlogistics.design.instance import DesignInstance

__all__ = ["ArcModel", "LpData", "build_arc_model", "design_lp", "flow_lp", "strong_rows"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class LpData:
    """A linear (or mixed-integer) program in column-wise sparse form, minimisation."""

    col_cost: FloatArray
    col_lower: FloatArray
    col_upper: FloatArray
    row_lower: FloatArray
    row_upper: FloatArray
    start: IntArray
    index: IntArray
    value: FloatArray
    integrality: NDArray[np.int32] | None = None

    @property
    def num_col(self) -> int:
        """Number of columns."""
        return int(self.col_cost.shape[0])

    @property
    def num_row(self) -> int:
        """Number of rows."""
        return int(self.row_lower.shape[0])


@dataclass(frozen=True, slots=True)
class ArcModel:
    """An instance as arrays plus the kept (arc, commodity) pairs."""

    n_nodes: int
    tail: IntArray
    head: IntArray
    cost: FloatArray
    capacity: FloatArray
    fixed: FloatArray
    origin: IntArray
    dest: IntArray
    demand: FloatArray
    pair_arc: IntArray
    pair_com: IntArray

    @property
    def n_arcs(self) -> int:
        """Number of arcs."""
        return int(self.tail.shape[0])

    @property
    def n_com(self) -> int:
        """Number of commodities."""
        return int(self.origin.shape[0])

    @property
    def n_pairs(self) -> int:
        """Number of flow variables."""
        return int(self.pair_arc.shape[0])

    def pair_bound(self) -> FloatArray:
        """``min(d_k, u_a)`` for every pair: the strong linking coefficient."""
        return np.minimum(self.demand[self.pair_com], self.capacity[self.pair_arc])


def _reach(n: int, start: int, adjacency: list[list[int]]) -> set[int]:
    seen = {start}
    queue = deque([start])
    while queue:
        u = queue.popleft()
        for v in adjacency[u]:
            if v not in seen:
                seen.add(v)
                queue.append(v)
    return seen


def build_arc_model(instance: DesignInstance, *, prune: bool = True) -> ArcModel:
    """Arrays of ``instance`` and its flow-variable pairs (all pairs if not ``prune``)."""
    index = instance.node_index()
    n = len(instance.nodes)
    tail = np.array([index[a.source] for a in instance.arcs], dtype=np.int64)
    head = np.array([index[a.target] for a in instance.arcs], dtype=np.int64)
    origin = np.array([index[c.origin] for c in instance.commodities], dtype=np.int64)
    dest = np.array([index[c.destination] for c in instance.commodities], dtype=np.int64)
    demand = np.array([c.demand for c in instance.commodities], dtype=np.float64)
    n_arcs, n_com = len(instance.arcs), len(instance.commodities)
    if prune:
        out_adj: list[list[int]] = [[] for _ in range(n)]
        in_adj: list[list[int]] = [[] for _ in range(n)]
        for t, h in zip(tail.tolist(), head.tolist(), strict=True):
            out_adj[t].append(h)
            in_adj[h].append(t)
        fwd = {o: _reach(n, o, out_adj) for o in set(origin.tolist())}
        bwd = {d: _reach(n, d, in_adj) for d in set(dest.tolist())}
        arcs_list, coms_list = [], []
        for k in range(n_com):
            if demand[k] <= 0:
                continue
            o, d = int(origin[k]), int(dest[k])
            f = np.array([node in fwd[o] for node in range(n)])
            b = np.array([node in bwd[d] for node in range(n)])
            keep = f[tail] & b[head] & (head != o) & (tail != d)
            idx = np.flatnonzero(keep)
            arcs_list.append(idx)
            coms_list.append(np.full(idx.shape[0], k, dtype=np.int64))
        pair_arc = np.concatenate(arcs_list) if arcs_list else np.zeros(0, dtype=np.int64)
        pair_com = np.concatenate(coms_list) if coms_list else np.zeros(0, dtype=np.int64)
    else:
        pair_com = np.repeat(np.arange(n_com, dtype=np.int64), n_arcs)
        pair_arc = np.tile(np.arange(n_arcs, dtype=np.int64), n_com)
    return ArcModel(
        n_nodes=n,
        tail=tail,
        head=head,
        cost=np.array([a.variable_cost for a in instance.arcs], dtype=np.float64),
        capacity=np.array([a.capacity for a in instance.arcs], dtype=np.float64),
        fixed=np.array([a.fixed_cost for a in instance.arcs], dtype=np.float64),
        origin=origin,
        dest=dest,
        demand=demand,
        pair_arc=pair_arc.astype(np.int64),
        pair_com=pair_com.astype(np.int64),
    )


def _csc(
    rows: IntArray, cols: IntArray, vals: FloatArray, n_cols: int
) -> tuple[IntArray, IntArray, FloatArray]:
    order = np.lexsort((rows, cols))
    counts = np.bincount(cols, minlength=n_cols)
    start = np.zeros(n_cols + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    return start, rows[order].astype(np.int64), vals[order].astype(np.float64)


def _conservation(m: ArcModel) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """Entries of the flow columns in the conservation rows and the rows' right-hand side."""
    p = np.arange(m.n_pairs, dtype=np.int64)
    base = m.pair_com * m.n_nodes
    rows = np.concatenate([base + m.tail[m.pair_arc], base + m.head[m.pair_arc]])
    cols = np.concatenate([p, p])
    vals = np.concatenate([np.ones(m.n_pairs), -np.ones(m.n_pairs)])
    rhs = np.zeros(m.n_com * m.n_nodes)
    ks = np.arange(m.n_com, dtype=np.int64)
    rhs[ks * m.n_nodes + m.origin] += m.demand
    rhs[ks * m.n_nodes + m.dest] -= m.demand
    return rows, cols, vals, rhs


def flow_lp(m: ArcModel) -> LpData:
    """Multicommodity flow LP over all arcs with shared capacities (costs set later)."""
    rows, cols, vals, rhs = _conservation(m)
    n_cons = rhs.shape[0]
    p = np.arange(m.n_pairs, dtype=np.int64)
    rows = np.concatenate([rows, n_cons + m.pair_arc])
    cols = np.concatenate([cols, p])
    vals = np.concatenate([vals, np.ones(m.n_pairs)])
    start, index, value = _csc(rows, cols, vals, m.n_pairs)
    return LpData(
        col_cost=m.cost[m.pair_arc].copy(),
        col_lower=np.zeros(m.n_pairs),
        col_upper=np.full(m.n_pairs, np.inf),
        row_lower=np.concatenate([rhs, np.full(m.n_arcs, -np.inf)]),
        row_upper=np.concatenate([rhs, m.capacity]),
        start=start,
        index=index,
        value=value,
    )


def design_lp(m: ArcModel, *, strong: IntArray | None, integer: bool) -> LpData:
    """Build the design model: flow columns then ``y`` columns, with strong rows for ``strong``.

    Parameters
    ----------
    strong
        Pair indices that get a strong linking row (all pairs: ``np.arange(n_pairs)``);
        ``None`` for none.
    integer
        Mark ``y`` integer (the MIP) or leave it continuous (the LP relaxation).
    """
    rows, cols, vals, rhs = _conservation(m)
    n_cons = rhs.shape[0]
    n_p, n_a = m.n_pairs, m.n_arcs
    p = np.arange(n_p, dtype=np.int64)
    arcs = np.arange(n_a, dtype=np.int64)
    parts_r = [rows, n_cons + m.pair_arc, n_cons + arcs]
    parts_c = [cols, p, n_p + arcs]
    parts_v = [vals, np.ones(n_p), -m.capacity]
    n_strong = 0
    if strong is not None and strong.shape[0]:
        n_strong = int(strong.shape[0])
        srow = n_cons + n_a + np.arange(n_strong, dtype=np.int64)
        parts_r += [srow, srow]
        parts_c += [strong, n_p + m.pair_arc[strong]]
        parts_v += [np.ones(n_strong), -m.pair_bound()[strong]]
    start, index, value = _csc(
        np.concatenate(parts_r), np.concatenate(parts_c), np.concatenate(parts_v), n_p + n_a
    )
    integrality = None
    if integer:
        integrality = np.concatenate(
            [np.zeros(n_p, dtype=np.int32), np.ones(n_a, dtype=np.int32)]
        ).astype(np.int32)
    return LpData(
        col_cost=np.concatenate([m.cost[m.pair_arc], m.fixed]),
        col_lower=np.zeros(n_p + n_a),
        col_upper=np.concatenate([np.full(n_p, np.inf), np.ones(n_a)]),
        row_lower=np.concatenate([rhs, np.full(n_a + n_strong, -np.inf)]),
        row_upper=np.concatenate([rhs, np.zeros(n_a + n_strong)]),
        start=start,
        index=index,
        value=value,
        integrality=integrality,
    )


def strong_rows(
    m: ArcModel, pairs: IntArray
) -> tuple[FloatArray, FloatArray, IntArray, IntArray, FloatArray]:
    """Row-wise strong linking rows for ``pairs`` of a design model (for ``addRows``)."""
    n = int(pairs.shape[0])
    start = np.arange(0, 2 * n, 2, dtype=np.int64)
    index = np.empty(2 * n, dtype=np.int64)
    value = np.empty(2 * n, dtype=np.float64)
    index[0::2] = pairs
    index[1::2] = m.n_pairs + m.pair_arc[pairs]
    value[0::2] = 1.0
    value[1::2] = -m.pair_bound()[pairs]
    return np.full(n, -np.inf), np.zeros(n), start, index, value
