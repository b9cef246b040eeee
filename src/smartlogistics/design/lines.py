"""Line-frequency service network design: which shuttle lines run, how often, and the flows.

The generic MCND of :mod:`smartlogistics.design` opens single arcs. A Circle Lines
decision is coarser: a *line* (a vessel or train running a fixed list of stops) runs at
one frequency per week out of a short allowed list, and that frequency sets the capacity
of every segment of the line at once. The MCND cannot state that (its binaries are per
arc; levels of one line would have to be mutually exclusive and the segments of one line
coupled), so this module states it directly, as a small extension of the same arc-based
model solved by the same HiGHS wrapper:

* one binary ``z[l,f]`` per line and allowed positive frequency, ``sum_f z[l,f] <= 1``
  (``= 1`` when 0 is not allowed): exactly one frequency per line, exactly;
* a flow variable ``x[a,k] >= 0`` per useful (arc, commodity) pair, with flow conservation
  per (commodity, node);
* per segment of a line: ``sum_k x <= cap_teu * sum_f f z[l,f]`` and the same for reefer
  slots (cooled commodities) and tonnes;
* the strong linking inequalities ``x[seg,k] <= sum_f min(d_k, cap * f) z[l,f]``
  (Gendron & Crainic 1994, per frequency level);
* optionally *pairs* of lines (a shuttle and its return) with equal frequency.

The network per commodity: a virtual origin ``O`` and destination ``D``, a direct truck
``O -> D``, pre-haul trucks ``O -> quay`` and end-haul trucks ``quay -> D`` (one quay node
per terminal); per line stop a *departure* node (on board, leaving the stop) and an
*arrival* node; arcs board (quay -> departure), segment (departure -> next arrival), stay
on board (arrival -> departure at the same stop) and alight (arrival -> quay). Every move
between a quay and a truck or a line costs half a handling, so truck -> line -> truck pays
two handlings and a transfer between lines at a quay (alight + board) one, as in the
planner. Costs are per TEU slot and per commodity: a :class:`LegCost` in euros plus kg
CO2e (WTW) priced at the problem's CO2 price, so the trucking tariff, handling tariffs
(per TEU or per tonne) and emission intensities (per tonne-km) can differ by commodity.
Segments carry only their CO2 cost; the operator's cost of a line is its fixed cost,
frequency x cost per departure.

Pruning is exact: an arc is kept for a commodity only if the cheapest chain through it
(at the arcs' variable costs, shortest paths from ``O`` and to ``D``) is cheaper than the
direct truck. The truck has no capacity limit, so flow on a chain that is not cheaper
can always move to it without raising the cost; every dropped variable is zero in some
optimal solution. A commodity left with no arc is routed by truck outside the MIP.
"""

from __future__ import annotations

import heapq
import math
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import numpy as np

from smartlogistics.design._model import LpData
from smartlogistics.design.solution import Status
from smartlogistics.errors import InvalidInputError

__all__ = [
    "FlowCommodity",
    "LegCost",
    "LineCandidate",
    "LineDesignProblem",
    "LineDesignResult",
    "LineTotals",
    "RouteLeg",
    "RouteShare",
    "SegmentLoad",
    "solve_line_design",
]

_EPS = 1e-7


@dataclass(frozen=True, slots=True)
class LegCost:
    """What one TEU slot costs on a leg: euros, kg CO2e well-to-wheel, and the km driven.

    Attributes
    ----------
    eur
        Money per TEU slot (truck tariff, handling tariff), without the CO2 price.
    kg
        kg CO2e WTW per TEU slot; priced at the problem's CO2 price in the objective.
    km
        Kilometres driven (truck legs; 0 for handling), for the TEU-km modal split.
    """

    eur: float
    kg: float = 0.0
    km: float = 0.0


@dataclass(frozen=True, slots=True)
class LineCandidate:
    """A candidate line: stops, the vehicle's capacity and cost, allowed frequencies.

    Attributes
    ----------
    id, mode
        Identity and mode (``"barge"``, ``"rail"``) for the modal split.
    stops
        Location ids in calling order (a loop may end where it started).
    segment_km
        Distance between consecutive stops on the mode's network.
    capacity_teu, reefer_capacity_teu, capacity_tonnes
        Capacity of one departure.
    cost_per_departure_eur
        The operator's cost of one departure, whatever the load.
    frequencies
        Allowed departures per week, strictly increasing; without 0 the line must run.
    """

    id: str
    mode: str
    stops: tuple[str, ...]
    segment_km: tuple[float, ...]
    capacity_teu: float
    reefer_capacity_teu: float
    capacity_tonnes: float
    cost_per_departure_eur: float
    frequencies: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.stops) < 2:
            raise InvalidInputError("stops", f"line {self.id!r}: needs at least two stops")
        if len(self.segment_km) != len(self.stops) - 1:
            raise InvalidInputError(
                "segment_km", f"line {self.id!r}: one distance per pair of consecutive stops"
            )
        if not self.frequencies:
            raise InvalidInputError("frequencies", f"line {self.id!r}: must not be empty")
        for i, f in enumerate(self.frequencies):
            if f < 0:
                raise InvalidInputError(f"frequencies[{i}]", f"must be >= 0, got {f}")
            if i and f <= self.frequencies[i - 1]:
                raise InvalidInputError(f"frequencies[{i}]", "must be strictly increasing")
        for name in ("capacity_teu", "reefer_capacity_teu", "capacity_tonnes"):
            if not getattr(self, name) >= 0:
                raise InvalidInputError(name, f"line {self.id!r}: must be >= 0")
        if not self.cost_per_departure_eur >= 0:
            raise InvalidInputError("cost_per_departure_eur", f"line {self.id!r}: must be >= 0")


@dataclass(frozen=True, slots=True)
class FlowCommodity:
    """Weekly demand of one (origin, destination, cooled?) flow and its per-TEU costs.

    Attributes
    ----------
    origin, destination
        Location ids.
    demand_teu
        TEU slots per week (> 0).
    tonnes_per_teu
        Average tonnes per slot, for the lines' tonne capacity.
    cooled
        Needs reefer slots on every line it rides.
    direct
        The door-to-door truck.
    pre, end
        Truck from the origin to a terminal, from a terminal to the destination (a zero
        :class:`LegCost` where the terminal *is* the origin or destination); terminals
        missing here cannot be reached by truck.
    handling
        One handling (boarding, alighting or a transfer) at a terminal; terminals missing
        here may not handle the commodity (no reefer plugs, ...).
    ride_kg_per_km
        kg CO2e per TEU slot and km on each line it may ride (by line id).
    """

    origin: str
    destination: str
    demand_teu: float
    tonnes_per_teu: float
    cooled: bool
    direct: LegCost
    pre: Mapping[str, LegCost] = field(default_factory=dict)
    end: Mapping[str, LegCost] = field(default_factory=dict)
    handling: Mapping[str, LegCost] = field(default_factory=dict)
    ride_kg_per_km: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LineDesignProblem:
    """Candidate lines, weekly commodities, the CO2 price and equal-frequency pairs."""

    lines: tuple[LineCandidate, ...]
    commodities: tuple[FlowCommodity, ...]
    co2_price_eur_per_tonne: float
    pairs: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        ids = [line.id for line in self.lines]
        for i, line_id in enumerate(ids):
            if line_id in ids[:i]:
                raise InvalidInputError(f"lines[{i}].id", f"duplicate line id {line_id!r}")
        if not self.commodities:
            raise InvalidInputError("commodities", "empty demand: no commodity to route")
        for k, c in enumerate(self.commodities):
            if not c.demand_teu > 0:
                raise InvalidInputError(f"commodities[{k}].demand_teu", "must be > 0")
        if self.co2_price_eur_per_tonne < 0:
            raise InvalidInputError("co2_price_eur_per_tonne", "must not be negative")
        for i, (a, b) in enumerate(self.pairs):
            for j, x in enumerate((a, b)):
                if x not in ids:
                    raise InvalidInputError(f"pairs[{i}][{j}]", f"unknown line {x!r}")


@dataclass(frozen=True, slots=True)
class SegmentLoad:
    """Weekly flow on one segment of a line against its capacity."""

    line: str
    index: int
    origin: str
    destination: str
    km: float
    load_teu: float
    capacity_teu: float

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types."""
        return {
            "index": self.index,
            "from": self.origin,
            "to": self.destination,
            "km": self.km,
            "load_teu": round(self.load_teu, 3),
            "capacity_teu": self.capacity_teu,
        }


@dataclass(frozen=True, slots=True)
class RouteLeg:
    """One leg of a route: a truck (``line`` None) or a ride on a line."""

    mode: str
    line: str | None
    origin: str
    destination: str

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types."""
        return {"mode": self.mode, "line": self.line, "from": self.origin, "to": self.destination}


@dataclass(frozen=True, slots=True)
class RouteShare:
    """Part of a commodity's weekly flow on one chain of legs."""

    commodity: int
    teu: float
    legs: tuple[RouteLeg, ...]

    @property
    def main_mode(self) -> str:
        """The first line's mode, ``road`` for a truck-only chain."""
        return next((leg.mode for leg in self.legs if leg.line is not None), "road")

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types."""
        return {
            "commodity": self.commodity,
            "teu": round(self.teu, 3),
            "main_mode": self.main_mode,
            "legs": [leg.to_json() for leg in self.legs],
        }


@dataclass(frozen=True, slots=True)
class LineTotals:
    """Weekly cost, CO2e and modal split of a solution.

    Attributes
    ----------
    fixed_eur
        Operators' cost of the departures run.
    handling_eur
        Handling tariffs at boarding, transfer and alighting terminals.
    truck_eur
        Truck tariffs (direct, pre- and end-haul).
    truck_kg, ride_kg, handling_kg
        kg CO2e WTW of trucks, of the lines' rides and of handling.
    co2_eur
        The CO2 price times all of them.
    teu_km
        TEU-km by mode (``road`` and the lines' modes).
    teu
        TEU by main mode: the first line a chain rides, ``road`` for truck-only chains.
    """

    fixed_eur: float
    handling_eur: float
    truck_eur: float
    truck_kg: float
    ride_kg: float
    handling_kg: float
    co2_eur: float
    teu_km: Mapping[str, float]
    teu: Mapping[str, float]

    @property
    def wtw_kg(self) -> float:
        """All kg CO2e WTW."""
        return self.truck_kg + self.ride_kg + self.handling_kg

    @property
    def total_eur(self) -> float:
        """Fixed + handling + truck + CO2 cost: the objective."""
        return self.fixed_eur + self.handling_eur + self.truck_eur + self.co2_eur


@dataclass(frozen=True, slots=True)
class LineDesignResult:
    """The chosen frequencies, the flows and how well the MIP was solved.

    Attributes
    ----------
    status
        ``optimal`` (within the gap asked for), ``feasible``, ``infeasible`` or ``unknown``.
    objective
        Recomputed from the flows and frequencies (:attr:`totals`), never HiGHS's number.
    bound
        HiGHS's dual bound (capped at the objective), ``None`` if not known.
    seconds
        Wall time, model building included.
    frequencies
        Departures per week by line id (every candidate, 0 for closed lines).
    segment_loads
        Weekly load and capacity of every segment of every line that runs.
    routes
        The flow decomposed into chains per commodity.
    totals
        Cost, CO2e and modal split.
    columns, rows
        Size of the MIP.
    """

    status: Status
    objective: float | None
    bound: float | None
    seconds: float
    frequencies: Mapping[str, int]
    segment_loads: tuple[SegmentLoad, ...]
    routes: tuple[RouteShare, ...]
    totals: LineTotals | None
    columns: int
    rows: int

    @property
    def gap(self) -> float | None:
        """``(objective - bound) / max(|objective|, 1e-9)``; ``None`` without both."""
        if self.objective is None or self.bound is None:
            return None
        return max(0.0, (self.objective - self.bound) / max(abs(self.objective), 1e-9))


class _Kind(IntEnum):
    DIRECT = 0
    PRE = 1
    END = 2
    BOARD = 3
    SEG = 4
    STAY = 5
    ALIGHT = 6


@dataclass(frozen=True, slots=True)
class _Arc:
    kind: _Kind
    tail: int
    head: int
    line: int = -1
    pos: int = -1  # stop index (board, stay, alight) or segment index
    place: str = ""  # the terminal of a pre/end/board/alight arc


class _Graph:
    """The common line network: terminal quays, on-board nodes and the arcs between them.

    Node 0 is the virtual origin ``O``, node 1 the virtual destination ``D``, then one
    *quay* node per terminal and a departure and an arrival node per stop of each line.
    Every move between a quay and a truck or a vessel costs half a handling: a chain
    truck -> line -> truck pays two handlings, a transfer between lines at a quay
    (alight + board) one, as in the planner, and transfers need no arc per pair of lines.
    """

    def __init__(self, lines: Sequence[LineCandidate], levels: Sequence[tuple[int, ...]]):
        terminals = sorted({s for line in lines for s in line.stops})
        self.terminal_node = {t: 2 + i for i, t in enumerate(terminals)}
        n = 2 + len(terminals)
        self.dep: list[list[int]] = []
        self.arr: list[list[int]] = []
        for line in lines:
            m = len(line.stops)
            self.dep.append(list(range(n, n + m - 1)))  # stops 0..m-2
            n += m - 1
            self.arr.append([-1, *range(n, n + m - 1)])  # stops 1..m-1
            n += m - 1
        self.n_nodes = n
        arcs: list[_Arc] = []
        running = [bool(lv) for lv in levels]
        for li, line in enumerate(lines):
            if not running[li]:
                continue
            m = len(line.stops)
            for i in range(m - 1):
                t = self.terminal_node[line.stops[i]]
                arcs.append(_Arc(_Kind.BOARD, t, self.dep[li][i], li, i, line.stops[i]))
                arcs.append(_Arc(_Kind.SEG, self.dep[li][i], self.arr[li][i + 1], li, i))
            for j in range(1, m):
                t = self.terminal_node[line.stops[j]]
                arcs.append(_Arc(_Kind.ALIGHT, self.arr[li][j], t, li, j, line.stops[j]))
                if j < m - 1:
                    arcs.append(_Arc(_Kind.STAY, self.arr[li][j], self.dep[li][j], li, j))
        self.arcs = arcs


_ZERO = LegCost(0.0)


def _half(leg: LegCost) -> LegCost:
    return LegCost(leg.eur / 2, leg.kg / 2)


def _arc_leg(c: FlowCommodity, arc: _Arc, lines: Sequence[LineCandidate]) -> LegCost | None:
    """Cost of ``arc`` for commodity ``c`` (``None``: the commodity may not use it)."""
    if arc.kind in (_Kind.BOARD, _Kind.ALIGHT):
        line = lines[arc.line]
        if c.cooled and line.reefer_capacity_teu <= 0:
            return None
        if line.id not in c.ride_kg_per_km:
            return None
        hand = c.handling.get(arc.place)
        return None if hand is None else _half(hand)
    if arc.kind is _Kind.SEG:
        line = lines[arc.line]
        per_km = c.ride_kg_per_km.get(line.id)
        if per_km is None or (c.cooled and line.reefer_capacity_teu <= 0):
            return None
        return LegCost(0.0, per_km * line.segment_km[arc.pos], 0.0)
    return LegCost(0.0)  # stay on board


@dataclass(slots=True)
class _Built:
    lp: LpData
    col_arc: list[_Arc]
    col_com: list[int]
    col_leg: list[LegCost]
    col_hand: list[LegCost]
    z_cols: list[list[tuple[int, int]]]  # per line: (column, frequency)
    fixed_freq: list[int]  # per line: the frequency when it is not a decision (-1)
    road_only_cost: float  # objective of commodities fixed to their direct truck
    road_only: list[int]  # commodities with only the direct truck


def _useful_commodity_arcs(
    c: FlowCommodity, graph: _Graph, lines: Sequence[LineCandidate], price: float
) -> list[tuple[_Arc, LegCost, LegCost]]:
    """Return the arcs commodity ``c`` may usefully use (exact pruning), with costs.

    Each arc comes with its transport part (truck, ride) and its handling part.
    """

    def money(leg: LegCost) -> float:
        return leg.eur + price * leg.kg

    direct = money(c.direct)
    hand = {t: money(h) for t, h in c.handling.items() if t in graph.terminal_node}
    pre = {t: money(v) for t, v in c.pre.items() if t in hand and t != c.destination}
    end = {t: money(v) for t, v in c.end.items() if t in hand and t != c.origin}
    if not pre or not end:
        return []
    best_out = min(hand[t] + end[t] for t in end)
    best_in = min(pre[t] + hand[t] for t in pre)
    pre = {t: v for t, v in pre.items() if v + hand[t] + best_out < direct - 1e-9}
    end = {t: v for t, v in end.items() if best_in + hand[t] + v < direct - 1e-9}
    if not pre or not end:
        return []
    candidates: list[tuple[_Arc, LegCost, LegCost]] = []
    for t in pre:
        arc = _Arc(_Kind.PRE, 0, graph.terminal_node[t], place=t)
        candidates.append((arc, c.pre[t], _half(c.handling[t])))
    for t in end:
        arc = _Arc(_Kind.END, graph.terminal_node[t], 1, place=t)
        candidates.append((arc, c.end[t], _half(c.handling[t])))
    for arc in graph.arcs:
        leg = _arc_leg(c, arc, lines)
        if leg is None:
            continue
        if arc.kind in (_Kind.BOARD, _Kind.ALIGHT):
            candidates.append((arc, _ZERO, leg))
        else:
            candidates.append((arc, leg, _ZERO))
    # Exact cost pruning: keep an arc only if the cheapest chain through it, at the
    # arcs' variable costs, is cheaper than the direct truck (which has no capacity
    # limit, so flow on a chain that is not cheaper can always move to it).
    costs = [money(leg) + money(hand) for _a, leg, hand in candidates]
    out_adj: dict[int, list[tuple[int, float]]] = defaultdict(list)
    in_adj: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for (arc, _leg, _hand), cost in zip(candidates, costs, strict=True):
        out_adj[arc.tail].append((arc.head, cost))
        in_adj[arc.head].append((arc.tail, cost))
    from_o = _dijkstra(0, out_adj)
    to_d = _dijkstra(1, in_adj)
    limit = direct - 1e-9 * max(1.0, abs(direct))
    return [
        (arc, leg, hand)
        for (arc, leg, hand), cost in zip(candidates, costs, strict=True)
        if from_o.get(arc.tail, math.inf) + cost + to_d.get(arc.head, math.inf) < limit
    ]


def _dijkstra(start: int, adj: Mapping[int, list[tuple[int, float]]]) -> dict[int, float]:
    """Cheapest cost from ``start`` to every node reachable along ``adj``."""
    dist = {start: 0.0}
    heap = [(0.0, start)]
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist.get(u, math.inf):
            continue
        for v, c in adj.get(u, ()):
            nd = d + c
            if nd < dist.get(v, math.inf):
                dist[v] = nd
                heapq.heappush(heap, (nd, v))
    return dist


def _build(
    problem: LineDesignProblem, fixed: Mapping[str, int] | None, strong: bool
) -> tuple[_Built, _Graph]:
    lines = problem.lines
    price = problem.co2_price_eur_per_tonne / 1000.0
    levels: list[tuple[int, ...]] = []
    fixed_freq: list[int] = []
    for line in lines:
        if fixed is not None and line.id in fixed:
            f = int(fixed[line.id])
            if f < 0:
                raise InvalidInputError(f"fixed.{line.id}", f"must be >= 0, got {f}")
            levels.append((f,) if f > 0 else ())
            fixed_freq.append(f)
        else:
            levels.append(tuple(f for f in line.frequencies if f > 0))
            fixed_freq.append(-1)
    graph = _Graph(lines, levels)

    col_cost: list[float] = []
    col_arc: list[_Arc] = []
    col_com: list[int] = []
    col_leg: list[LegCost] = []
    col_hand: list[LegCost] = []
    rows_i: list[int] = []
    rows_j: list[int] = []
    rows_v: list[float] = []
    row_lo: list[float] = []
    row_hi: list[float] = []

    def new_row(lo: float, hi: float) -> int:
        row_lo.append(lo)
        row_hi.append(hi)
        return len(row_lo) - 1

    seg_cols: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    road_only: list[int] = []
    road_only_cost = 0.0
    for k, c in enumerate(problem.commodities):
        arcs = _useful_commodity_arcs(c, graph, lines, price)
        if not arcs:
            road_only.append(k)
            road_only_cost += (c.direct.eur + price * c.direct.kg) * c.demand_teu
            continue
        arcs.insert(0, (_Arc(_Kind.DIRECT, 0, 1), c.direct, _ZERO))
        node_row: dict[int, int] = {}
        for arc, leg, hand in arcs:
            col = len(col_cost)
            col_cost.append(leg.eur + hand.eur + price * (leg.kg + hand.kg))
            col_arc.append(arc)
            col_com.append(k)
            col_leg.append(leg)
            col_hand.append(hand)
            for node, sign in ((arc.tail, 1.0), (arc.head, -1.0)):
                row = node_row.get(node)
                if row is None:
                    rhs = c.demand_teu if node == 0 else -c.demand_teu if node == 1 else 0.0
                    row = node_row[node] = new_row(rhs, rhs)
                rows_i.append(row)
                rows_j.append(col)
                rows_v.append(sign)
            if arc.kind is _Kind.SEG:
                seg_cols[(arc.line, arc.pos)].append((col, k))
    n_x = len(col_cost)

    # frequency columns and rows
    z_cols: list[list[tuple[int, int]]] = []
    col_lo = [0.0] * n_x
    col_hi = [math.inf] * n_x
    integrality = [0] * n_x
    for li, line in enumerate(lines):
        zs: list[tuple[int, int]] = []
        for f in levels[li]:
            zs.append((len(col_cost), f))
            col_cost.append(line.cost_per_departure_eur * f)
            fixed_here = fixed_freq[li] >= 0
            col_lo.append(1.0 if fixed_here else 0.0)
            col_hi.append(1.0)
            integrality.append(1)
        z_cols.append(zs)
        if zs and fixed_freq[li] < 0:
            must_run = 0 not in line.frequencies
            row = new_row(1.0 if must_run else -math.inf, 1.0)
            for col, _f in zs:
                rows_i.append(row)
                rows_j.append(col)
                rows_v.append(1.0)
    commodities = problem.commodities
    teu_w = [1.0] * len(commodities)
    reefer_w = [1.0 if c.cooled else 0.0 for c in commodities]
    tonne_w = [c.tonnes_per_teu for c in commodities]
    for (li, _pos), cols in seg_cols.items():
        line = lines[li]
        zs = z_cols[li]
        for cap, weights in (
            (line.capacity_teu, teu_w),
            (line.reefer_capacity_teu, reefer_w),
            (line.capacity_tonnes, tonne_w),
        ):
            used = [(col, weights[k]) for col, k in cols if weights[k] > 0]
            if not used:
                continue
            row = new_row(-math.inf, 0.0)
            for col, w in used:
                rows_i.append(row)
                rows_j.append(col)
                rows_v.append(w)
            for zcol, f in zs:
                rows_i.append(row)
                rows_j.append(zcol)
                rows_v.append(-cap * f)
        if strong and fixed_freq[li] < 0:
            for col, k in cols:
                c = commodities[k]
                row = new_row(-math.inf, 0.0)
                rows_i.append(row)
                rows_j.append(col)
                rows_v.append(1.0)
                for zcol, f in zs:
                    cap = line.reefer_capacity_teu if c.cooled else line.capacity_teu
                    rows_i.append(row)
                    rows_j.append(zcol)
                    rows_v.append(-min(c.demand_teu, cap * f))
    index_of = {line.id: li for li, line in enumerate(lines)}
    for a, b in problem.pairs:
        la, lb = index_of[a], index_of[b]
        if fixed_freq[la] >= 0 and fixed_freq[lb] >= 0:
            continue
        row = new_row(0.0, 0.0)
        for li, sign in ((la, 1.0), (lb, -1.0)):
            for zcol, f in z_cols[li]:
                rows_i.append(row)
                rows_j.append(zcol)
                rows_v.append(sign * f)
            if fixed_freq[li] > 0:  # a fixed partner: its frequency moves to the bound
                row_lo[row] -= sign * fixed_freq[li]
                row_hi[row] -= sign * fixed_freq[li]
    n_col = len(col_cost)
    ri = np.asarray(rows_i, dtype=np.int64)
    rj = np.asarray(rows_j, dtype=np.int64)
    rv = np.asarray(rows_v, dtype=np.float64)
    order = np.argsort(rj, kind="stable")
    counts = np.bincount(rj, minlength=n_col) if n_col else np.zeros(0, np.int64)
    start = np.zeros(n_col + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    lp = LpData(
        col_cost=np.asarray(col_cost, dtype=np.float64),
        col_lower=np.asarray(col_lo, dtype=np.float64),
        col_upper=np.asarray(col_hi, dtype=np.float64),
        row_lower=np.asarray(row_lo, dtype=np.float64),
        row_upper=np.asarray(row_hi, dtype=np.float64),
        start=start,
        index=ri[order],
        value=rv[order],
        integrality=np.asarray(integrality, dtype=np.int32),
    )
    built = _Built(
        lp, col_arc, col_com, col_leg, col_hand, z_cols, fixed_freq, road_only_cost, road_only
    )
    return built, graph


def solve_line_design(
    problem: LineDesignProblem,
    *,
    time_limit: float = 60.0,
    mip_gap: float = 1e-3,
    fixed: Mapping[str, int] | None = None,
    start: Mapping[str, int] | None = None,
    strong: bool = True,
    seed: int = 0,
) -> LineDesignResult:
    """Choose one frequency per line and route the weekly demand at least total cost.

    Parameters
    ----------
    problem
        Lines, commodities, CO2 price, pairs.
    time_limit, mip_gap
        HiGHS's wall-clock limit (seconds) and relative gap for ``optimal``.
    fixed
        Frequencies that are not decisions (by line id; any value >= 0, allowed or
        not): how a given service plan, or all-road (every line 0), is evaluated in
        the same model.
    start
        Frequencies of a known design (for example today's plan) offered to HiGHS as a
        starting incumbent: its flows are solved first with those frequencies fixed, so
        the result is never worse than it.
    strong
        Add the strong linking inequalities (default; off only to measure them).
    seed
        HiGHS's random seed.

    Returns
    -------
    LineDesignResult
        Frequencies, loads, routes and totals recomputed from the flows.
    """
    from smartlogistics.design._highs import HighsModel  # HiGHS loads only when solving

    if not time_limit > 0:
        raise InvalidInputError("time_limit", "must be > 0")
    clock = time.perf_counter()
    built, graph = _build(problem, fixed, strong)
    lp = built.lp
    if lp.num_col == 0:
        return _decode(problem, built, graph, np.zeros(0), "optimal", None, clock)
    model = HighsModel(lp, seed=seed)
    if start is not None:
        values = _start_values(problem, built, fixed, start, time_limit, seed)
        if values is not None:
            model.set_start(values)
    run = model.run(max(0.01, time_limit - (time.perf_counter() - clock)), mip_rel_gap=mip_gap)
    if run.values is None:
        status: Status = "infeasible" if run.outcome == "infeasible" else "unknown"
        return LineDesignResult(
            status,
            None,
            run.dual_bound,
            time.perf_counter() - clock,
            {},
            (),
            (),
            None,
            lp.num_col,
            lp.num_row,
        )
    status = "optimal" if run.outcome == "optimal" else "feasible"
    bound = None if run.dual_bound is None else run.dual_bound + built.road_only_cost
    return _decode(problem, built, graph, run.values, status, bound, clock)


def _start_values(
    problem: LineDesignProblem,
    built: _Built,
    fixed: Mapping[str, int] | None,
    start: Mapping[str, int],
    time_limit: float,
    seed: int,
) -> np.ndarray[Any, np.dtype[np.float64]] | None:
    """Column values of the best flows under the ``start`` frequencies, or ``None``."""
    from smartlogistics.design._highs import HighsModel

    lp = built.lp
    lower = lp.col_lower.copy()
    upper = lp.col_upper.copy()
    for li, line in enumerate(problem.lines):
        if built.fixed_freq[li] >= 0:
            continue
        want = int(start.get(line.id, 0))
        if want not in line.frequencies:
            return None
        for col, f in built.z_cols[li]:
            lower[col] = upper[col] = 1.0 if f == want else 0.0
    trial = HighsModel(
        LpData(
            lp.col_cost,
            lower,
            upper,
            lp.row_lower,
            lp.row_upper,
            lp.start,
            lp.index,
            lp.value,
            lp.integrality,
        ),
        seed=seed,
    )
    run = trial.run(max(0.5, time_limit / 4))
    del fixed
    return run.values if run.outcome == "optimal" else None


def _decode(
    problem: LineDesignProblem,
    built: _Built,
    graph: _Graph,
    values: np.ndarray[Any, np.dtype[np.float64]],
    status: Status,
    bound: float | None,
    clock: float,
) -> LineDesignResult:
    lines = problem.lines
    price = problem.co2_price_eur_per_tonne / 1000.0
    freq: dict[str, int] = {}
    for li, line in enumerate(lines):
        f = built.fixed_freq[li]
        if f < 0:
            f = 0
            for col, level in built.z_cols[li]:
                if values[col] > 0.5:
                    f = level
        freq[line.id] = f
    biggest = max(c.demand_teu for c in problem.commodities)
    tol = _EPS * max(1.0, biggest)
    fixed_eur = sum(line.cost_per_departure_eur * freq[line.id] for line in lines)
    handling_eur = truck_eur = truck_kg = ride_kg = handling_kg = 0.0
    teu_km: dict[str, float] = defaultdict(float)
    seg_load: dict[tuple[int, int], float] = defaultdict(float)
    per_com: dict[int, list[tuple[_Arc, float]]] = defaultdict(list)
    for col in range(len(built.col_arc)):
        x = float(values[col])
        if x <= tol:
            continue
        arc, leg, k = built.col_arc[col], built.col_leg[col], built.col_com[col]
        hand = built.col_hand[col]
        per_com[k].append((arc, x))
        handling_eur += hand.eur * x
        handling_kg += hand.kg * x
        if arc.kind in (_Kind.DIRECT, _Kind.PRE, _Kind.END):
            truck_eur += leg.eur * x
            truck_kg += leg.kg * x
            teu_km["road"] += leg.km * x
        elif arc.kind is _Kind.SEG:
            line = lines[arc.line]
            ride_kg += leg.kg * x
            teu_km[line.mode] += line.segment_km[arc.pos] * x
            seg_load[(arc.line, arc.pos)] += x
    routes: list[RouteShare] = []
    for k in built.road_only:
        c = problem.commodities[k]
        truck_eur += c.direct.eur * c.demand_teu
        truck_kg += c.direct.kg * c.demand_teu
        teu_km["road"] += c.direct.km * c.demand_teu
        routes.append(_direct_route(k, c))
    for k in sorted(per_com):
        routes.extend(_decompose(k, problem.commodities[k], per_com[k], lines))
    routes.sort(key=lambda r: (r.commodity, -r.teu))
    teu: dict[str, float] = defaultdict(float)
    for r in routes:
        teu[r.main_mode] += r.teu
    modes = ["road", *sorted({line.mode for line in lines})]
    totals = LineTotals(
        fixed_eur=fixed_eur,
        handling_eur=handling_eur,
        truck_eur=truck_eur,
        truck_kg=truck_kg,
        ride_kg=ride_kg,
        handling_kg=handling_kg,
        co2_eur=price * (truck_kg + ride_kg + handling_kg),
        teu_km={m: teu_km.get(m, 0.0) for m in modes},
        teu={m: teu.get(m, 0.0) for m in modes},
    )
    loads = tuple(
        SegmentLoad(
            line=line.id,
            index=i,
            origin=line.stops[i],
            destination=line.stops[i + 1],
            km=line.segment_km[i],
            load_teu=seg_load.get((li, i), 0.0),
            capacity_teu=line.capacity_teu * freq[line.id],
        )
        for li, line in enumerate(lines)
        if freq[line.id] > 0
        for i in range(len(line.stops) - 1)
    )
    objective = totals.total_eur
    if bound is not None and bound > objective:
        bound = objective
    if bound is None and status == "optimal":
        bound = objective
    return LineDesignResult(
        status=status,
        objective=objective,
        bound=bound,
        seconds=time.perf_counter() - clock,
        frequencies=freq,
        segment_loads=loads,
        routes=tuple(routes),
        totals=totals,
        columns=built.lp.num_col,
        rows=built.lp.num_row,
    )


def _direct_route(k: int, c: FlowCommodity) -> RouteShare:
    return RouteShare(k, c.demand_teu, (RouteLeg("road", None, c.origin, c.destination),))


def _decompose(
    k: int, c: FlowCommodity, flows: list[tuple[_Arc, float]], lines: Sequence[LineCandidate]
) -> list[RouteShare]:
    """Split one commodity's arc flows into origin-destination chains (largest first)."""
    residual = [x for _a, x in flows]
    out_of: dict[int, list[int]] = defaultdict(list)
    for i, (arc, _x) in enumerate(flows):
        out_of[arc.tail].append(i)
    tol = _EPS * max(1.0, c.demand_teu)
    shares: list[RouteShare] = []
    for _ in range(4 * len(flows) + 1):
        path: list[int] = []
        node, seen = 0, {0}
        while node != 1:
            nxt = max(out_of.get(node, []), key=lambda i: residual[i], default=-1)
            if nxt < 0 or residual[nxt] <= tol or flows[nxt][0].head in seen:
                path = []
                break
            path.append(nxt)
            node = flows[nxt][0].head
            seen.add(node)
        if not path:
            break
        amount = min(residual[i] for i in path)
        for i in path:
            residual[i] -= amount
        shares.append(RouteShare(k, amount, _legs(c, [flows[i][0] for i in path], lines)))
    return shares


def _legs(
    c: FlowCommodity, arcs: list[_Arc], lines: Sequence[LineCandidate]
) -> tuple[RouteLeg, ...]:
    legs: list[RouteLeg] = []
    ride: tuple[int, int] | None = None  # (line, boarding stop)
    for arc in arcs:
        if arc.kind is _Kind.DIRECT:
            legs.append(RouteLeg("road", None, c.origin, c.destination))
        elif arc.kind is _Kind.PRE and arc.place != c.origin:
            legs.append(RouteLeg("road", None, c.origin, arc.place))
        elif arc.kind is _Kind.END and arc.place != c.destination:
            legs.append(RouteLeg("road", None, arc.place, c.destination))
        elif arc.kind is _Kind.BOARD:
            ride = (arc.line, arc.pos)
        elif arc.kind is _Kind.ALIGHT and ride is not None:
            line = lines[ride[0]]
            legs.append(RouteLeg(line.mode, line.id, line.stops[ride[1]], arc.place))
            ride = None
    return tuple(legs)
