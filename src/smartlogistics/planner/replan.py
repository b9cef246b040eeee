"""Synchromodal replanning: apply disruptions to a plan at "now" and re-optimise the rest.

:func:`replan` takes a :class:`~smartlogistics.planner.plan.Plan` and a
:class:`~smartlogistics.planner.disruption.DisruptionSet` and returns a
:class:`ReplanResult`: the new full plan and the list of what changed and why.

**What stays.** A leg that departed before ``now`` stays (an order on board a delayed
barge stays on it, and its times move with the barge). Where the order is at ``now``
decides what is left to choose:

* nothing departed yet: the whole chain is free (trucks may not leave before ``now``);
* a pre-haul truck under way to terminal X: the rest is re-planned from X at the truck's
  arrival (a direct truck from X is the same truck driving on);
* on board, or arrived, at terminal K mid-chain: the rest is re-planned from K at the
  arrival there; whatever comes next (a service or a truck) pays the handling at K;
* the last leg under way (or the destination reached by the service): nothing to choose,
  only the times are updated.

**What is re-optimised (the neighbourhood).** The free remainders are dated again on the
disrupted timetable with the plan's candidate rules. *Affected* orders are the rush
orders, the previously unplannable orders, and every order whose old remainder is no
longer a candidate or touches a disruption (rides a cancelled, delayed, lock-held or
reduced departure; calls at a closed terminal in its window; a truck leg that starts in a
slowed window on a slowed link) or arrives at another time. The MIP is re-solved over the
affected orders plus a *capped exchange step*, per capacity row (a departure segment's
TEU, tonnes or reefer TEU):

* *make room*: on a row where the affected orders' candidates could ask for more than
  is left when every other order keeps its chain (a *tight* row), the unaffected orders
  riding it, cheapest to move first (their best other candidate plus the change penalty,
  minus their chain), until their load covers the shortfall, at most
  :data:`EXCHANGE_PER_ROW` of them per row;
* *use what is freed*: on a row the affected orders' old chains used, the unaffected
  orders with a candidate there that beats their own chain even after the change
  penalty, largest saving first, until they fill what is freed, at most
  :data:`EXCHANGE_PER_ROW` per row.

Only these orders can make room for an affected order or gain from what it leaves: an
order on a row with room to spare frees nothing anybody needs, and an order whose
candidates on the freed rows do not beat its chain by the change penalty would not move.
The caps keep the MIP small on busy corridors, where dozens of orders ride each
departure; the ones left out are those dearest to move. Every other order keeps its
chain, and its capacity use is subtracted. In the MIP every candidate other than the
order's old remainder costs ``change_penalty_eur`` more (rush and previously unplannable
orders pay none).

**The MIP.** Two exact reductions first (a row that even the largest use of every member
cannot fill is dropped; in each order the cheapest column on no remaining row, its truck
or "unserved", dominates every column that costs as much or more, and orders left with
that column alone are decided outside the MIP). HiGHS starts from the old chains of the
unaffected members and greedy (by release, cheapest that fits) for the affected, with a
relative gap of :data:`REPLAN_MIP_GAP` (1 %) and a time limit of 1 s by default. The
report's objective and bound are the whole neighbourhood's (the orders decided outside
add their cost to both); the gap is relative to that objective and says nothing about
orders outside the neighbourhood.

An order no chain can serve is planned late or listed unplannable with the reason; no
order is ever dropped.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from smartlogistics.emissions.factors import FactorTable, load_default_factors
from smartlogistics.errors import InvalidInputError
from smartlogistics.network import load_region
from smartlogistics.network.mode import Mode
from smartlogistics.network.region import Region
from smartlogistics.network.service import Service
from smartlogistics.planner._timetable import Timetable, build_timetable, week_start
from smartlogistics.planner.baselines import NO_CAPACITY_REASON
from smartlogistics.planner.chains import (
    MODES,
    CandidateSet,
    OrderArrays,
    RoadDelays,
    TemplateKind,
    build_templates,
    generate_candidates,
)
from smartlogistics.planner.costs import load_cost_model
from smartlogistics.planner.disruption import (
    Disruption,
    DisruptionSet,
    Effects,
    RushOrders,
    apply_to_timetable,
    resolve_disruptions,
)
from smartlogistics.planner.order import Order
from smartlogistics.planner.plan import (
    DepartureLoad,
    Handling,
    Plan,
    PlannedLeg,
    PlannedOrder,
    SolverReport,
    Totals,
)
from smartlogistics.planner.solve import _chain, _spread, departure_loads, validate_orders

__all__ = ["Change", "ReplanResult", "replan"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
_EPS = 1e-6

#: Relative gap HiGHS is asked for when replanning (the plan's own ``mip_gap`` is for a
#: full plan): a repair should answer at once, and 1 % of the re-solved orders' objective
#: is a few EUR per order. The gap reached is reported in ``solver.gap``.
REPLAN_MIP_GAP = 0.01

#: Default time limit of the neighbourhood MIP, seconds (HiGHS returns its best solution,
#: at worst the warm start, with status ``time_limit``).
REPLAN_TIME_LIMIT_S = 1.0

#: At most this many orders per resource row join the exchange step (make room, or take
#: freed capacity); see :func:`_neighbourhood`.
EXCHANGE_PER_ROW = 8

Sig = tuple[tuple[str, str | None, int | None, str, str], ...]


def _leg_text(leg: PlannedLeg) -> str:
    what = leg.mode if leg.service_id is None else f"{leg.service_id}[{leg.departure_index}]"
    return (
        f"{what} {leg.origin} {leg.depart.isoformat()} -> {leg.destination}"
        f" {leg.arrive.isoformat()}"
    )


@dataclass(frozen=True)
class Change:
    """One order whose plan changed.

    Attributes
    ----------
    order_id
        The order.
    kind
        ``rebooked`` (another remaining chain), ``retimed`` (same chain, other times),
        ``added`` (rush order), ``unplannable`` (lost its chain), ``planned`` (was
        unplannable).
    before, after
        Leg summaries (``CL-RHINE-E[0] ACT <time> -> DUI <time>``, ``road ...``).
    reason
        The disruption (``disruptions[i] (what)``) that made the old chain infeasible,
        late or different, ``re-optimised: freed capacity`` or ``rush order``.
    delta_cost_eur, delta_wtw_kg, delta_late_hours
        After minus before.
    """

    order_id: str
    kind: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    reason: str
    delta_cost_eur: float
    delta_wtw_kg: float
    delta_late_hours: float

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form."""
        return {
            "order_id": self.order_id,
            "kind": self.kind,
            "before": list(self.before),
            "after": list(self.after),
            "reason": self.reason,
            "delta_cost_eur": self.delta_cost_eur,
            "delta_wtw_kg": self.delta_wtw_kg,
            "delta_late_hours": self.delta_late_hours,
        }


@dataclass(frozen=True)
class ReplanResult:
    """The replanned plan and what changed.

    Attributes
    ----------
    plan
        The new full plan (every input order and the rush orders).
    changes
        Changed orders, in input order.
    totals_before, totals_after
        Totals of the old plan and of the new one.
    affected, reoptimised
        Orders touched by a disruption (rush orders included) and orders in the MIP.
    """

    plan: Plan
    changes: tuple[Change, ...]
    totals_before: Totals
    totals_after: Totals
    affected: int
    reoptimised: int

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form: ``plan``, ``changes``, ``totals`` before/after and counts."""
        return {
            "plan": self.plan.to_json(),
            "changes": [c.to_json() for c in self.changes],
            "totals": {
                "before": self.totals_before.to_json(),
                "after": self.totals_after.to_json(),
            },
            "affected": self.affected,
            "reoptimised": self.reoptimised,
        }


@dataclass
class _Open:
    """An order with something left to choose."""

    index: int  # in the new plan's input orders
    sub: Order  # the remainder as an order: from where it is, ready when it is there
    prefix_legs: tuple[PlannedLeg, ...]
    prefix_handling: tuple[Handling, ...]
    at_terminal: bool
    old_sig: Sig | None  # old remaining chain; None for rush / unplannable
    causes: list[int]
    release: datetime  # the order's own release


def _sig(legs: Sequence[PlannedLeg]) -> Sig:
    return tuple((x.mode, x.service_id, x.departure_index, x.origin, x.destination) for x in legs)


def replan(
    plan: Plan,
    disruptions: DisruptionSet,
    *,
    now: datetime | None = None,
    time_limit_s: float = REPLAN_TIME_LIMIT_S,
    mip_gap: float = REPLAN_MIP_GAP,
    region: Region | None = None,
    services: Sequence[Service] | None = None,
    factors: FactorTable | None = None,
) -> ReplanResult:
    """Apply ``disruptions`` to ``plan`` at ``now`` and re-optimise (see the module doc).

    Parameters
    ----------
    plan
        The plan to repair (e.g. ``Plan.from_json`` of a plan file).
    disruptions
        What happened; ``disruptions.now`` is the default ``now``.
    now
        The moment of replanning (aware); legs departed before it stay.
    time_limit_s
        For HiGHS on the neighbourhood MIP (default 1 s: HiGHS then returns its best
        solution, at worst the warm start, with status ``time_limit``).
    mip_gap
        Relative gap for HiGHS (default 1 %), recorded in ``solver.mip_gap``; the gap
        reached is ``solver.gap``.
    region, services
        The network and service plan the plan was made on; default the packaged region
        named in the plan and its services.
    factors
        Emissions factor table; default the packaged one.

    Returns
    -------
    ReplanResult
        The new plan (``applied_disruptions`` extended) and the changes.

    Raises
    ------
    InvalidInputError
        A disruption that names an unknown service, departure, terminal, lock or road link,
        or a bad rush order, naming the field (``disruptions[1].depart: ...``).
    """
    clock = time.perf_counter()
    at = now if now is not None else disruptions.now
    if at.tzinfo is None:
        raise InvalidInputError("now", f"{at.isoformat()} has no UTC offset")
    if time_limit_s <= 0:
        raise InvalidInputError("time_limit_s", "must be positive")
    if not 0 <= mip_gap < 1:
        raise InvalidInputError("mip_gap", "must be in [0, 1)")
    region = region if region is not None else load_region(plan.region)
    if services is None and plan.services:
        services = plan.services
    if services is not None:
        region = region.with_services(services, plan.service_sources)
    params = plan.parameters
    costs = load_cost_model(params.cost_model).model_copy(
        update={"lateness_policy": params.lateness_policy}
    )
    co2 = params.co2_price_eur_per_tonne
    table = factors if factors is not None else load_default_factors()
    tz = ZoneInfo(params.timezone)

    # the disruptions: earlier replans' first (their rush orders are already inputs)
    items: list[tuple[str, Disruption]] = []
    for a, doc in enumerate(plan.applied_disruptions):
        earlier = DisruptionSet.model_validate(doc)
        items.extend(
            (f"applied_disruptions[{a}].disruptions[{i}]", d)
            for i, d in enumerate(earlier.disruptions)
            if not isinstance(d, RushOrders)
        )
    first_new = len(items)
    items.extend((f"disruptions[{i}]", d) for i, d in enumerate(disruptions.disruptions))
    rush: list[Order] = []
    rush_cause: dict[str, int] = {}
    known = {o.id for o in plan.input_orders}
    for n, (fld, d) in enumerate(items[first_new:], start=first_new):
        if isinstance(d, RushOrders):
            for j, o in enumerate(d.orders):
                if o.id in known:
                    raise InvalidInputError(
                        f"{fld}.orders[{j}].id", f"order {o.id!r}: duplicate id"
                    )
                known.add(o.id)
                try:
                    validate_orders(region, [o])
                except InvalidInputError as exc:
                    field = exc.field.replace("orders[0]", f"{fld}.orders[{j}]")
                    raise InvalidInputError(field, exc.problem) from None
                rush.append(o)
                rush_cause[o.id] = n
    orders = (*plan.input_orders, *rush)
    anchor = min((o.release for o in plan.input_orders), default=at)
    t0 = week_start(anchor, tz)
    last_due = max((o.due.timestamp() for o in orders), default=t0.timestamp())
    longest = max((s.duration_h for s in region.services), default=0.0)
    horizon_h = (last_due - t0.timestamp()) / 3600.0 + costs.max_late_h + longest + 24.0
    nominal = build_timetable(region, region.services, t0, horizon_h)
    fx = resolve_disruptions(items, region, nominal)
    tt = apply_to_timetable(fx, region, nominal)
    now_h = tt.hours(at)
    where: dict[tuple[str, int], tuple[int, int]] = {}
    for s, t in enumerate(tt.services):
        for k, idx in enumerate(t.indices.tolist()):
            where[(t.service.id, idx)] = (s, k)
    dep_causes: dict[tuple[str, int], list[int]] = {}
    for (s, k), change in fx.departures.items():
        nt = nominal.services[s]
        dep_causes[(nt.service.id, int(nt.indices[k]))] = change.causes

    # classify every order
    old_by_id = {o.id: o for o in plan.orders}
    opens: list[_Open] = []
    final: list[PlannedOrder | None] = [None] * len(orders)
    retimed_cause: dict[int, list[int]] = {}
    for i, order in enumerate(orders):
        old = old_by_id.get(order.id)
        if old is None or old.status == "unplannable":
            causes = [rush_cause[order.id]] if order.id in rush_cause else []
            opens.append(_Open(i, order, (), (), False, None, causes, order.release))
            continue
        legs = [_retime(x, tt, where, dep_causes) for x in old.legs]
        m = 0
        while m < len(legs) and tt.hours(legs[m].depart) < now_h - _EPS:
            m += 1
        causes = _leg_causes(old.legs[m:], legs[m:], old, fx, tt, dep_causes, region)
        ride_causes = [c for x in old.legs[:m] for c in _ride_causes(x, dep_causes)]
        if m == 0:
            opens.append(_Open(i, order, (), (), False, _sig(old.legs), causes, order.release))
            continue
        last = legs[m - 1]
        rides_done = sum(1 for x in legs[:m] if x.service_id is not None)
        prefix_h = old.handling[:rides_done]
        if m == len(legs) and last.service_id is None:
            final[i] = old  # the last truck is under way: nothing changes
            continue
        if last.service_id is None:  # a pre-haul truck on its way to the terminal
            ready, at_terminal = tt.hours(last.arrive), False
        else:
            ready, at_terminal = tt.hours(last.arrive), True
        if last.destination == order.destination:
            final[i] = _arrived(old, order, legs, tt, costs, co2)
            if final[i] != old:
                retimed_cause[i] = ride_causes
            continue
        for cl, cause in zip(fx.closures, fx.closure_causes, strict=True):
            if at_terminal and cl.location == last.destination and cl.start_h <= ready < cl.end_h:
                ready = cl.end_h
                causes.append(cause)
        sub = order.model_copy(update={"origin": last.destination, "release": tt.at(ready)})
        opens.append(
            _Open(
                i, sub, tuple(legs[:m]), prefix_h, at_terminal, _sig(old.legs[m:]),
                ride_causes + causes, order.release,
            )
        )  # fmt: skip
    t_classify = time.perf_counter() - clock

    # candidates of every open remainder on the disrupted timetable
    clock = time.perf_counter()
    subs = [o.sub for o in opens]
    n_open = len(opens)
    extra = _terminal_extra(opens, region, table)
    arrays = OrderArrays.build(
        subs, tt, costs, not_before_h=np.full(n_open, now_h), truck_extra=extra
    )
    pairs = sorted({(o.origin, o.destination) for o in subs})
    builder = build_templates(region, tt, costs, table, pairs, co2)
    delays = RoadDelays(region, fx.slowdowns) if fx.slowdowns else None
    slack = np.array([costs.change_penalty_eur if o.old_sig is not None else 0.0 for o in opens])
    cands = generate_candidates(
        arrays, builder, costs, co2, params.candidates_per_template,
        keep_slack=slack, closures=fx.closures, road_delays=delays,
    )  # fmt: skip
    keep = np.full(n_open, -1, dtype=np.int64)
    sig_cache: dict[tuple[int, int, int], Sig] = {}
    for n, op in enumerate(opens):
        if op.old_sig is None:
            continue
        for c in range(int(cands.first[n]), int(cands.first[n + 1])):
            if _cand_sig(cands, c, tt, sig_cache) == op.old_sig:
                keep[n] = c
                break
    t_cand = time.perf_counter() - clock

    # affected orders and the neighbourhood
    clock = time.perf_counter()
    old_arrival = {o.id: o.arrival for o in plan.orders}
    affected = np.zeros(n_open, dtype=np.bool_)
    for n, op in enumerate(opens):
        if op.old_sig is None or keep[n] < 0 or op.causes:
            affected[n] = True
            continue
        arr = old_arrival.get(op.sub.id)
        if arr is not None and abs(cands.arrival_h[keep[n]] - tt.hours(arr)) > _EPS:
            affected[n] = True
    capacity = tt.capacity()
    fixed_use = np.zeros(3 * tt.n_segments)
    for i, p in enumerate(final):
        if p is not None:
            _add_use(fixed_use, p, tt, where, orders[i])
    freed = np.zeros(3 * tt.n_segments)  # what the affected orders' old remainders use
    for n, op in enumerate(opens):
        if affected[n] and keep[n] < 0 and op.old_sig is not None:
            old = old_by_id[op.sub.id]
            _add_use(freed, old, tt, where, op.sub, skip=len(op.prefix_legs))
    hood, left = _neighbourhood(
        cands, keep, affected, fixed_use, capacity, freed, costs.change_penalty_eur,
        costs.unserved_penalty_eur, EXCHANGE_PER_ROW,
    )  # fmt: skip
    members = np.nonzero(hood)[0]
    choice, report = _solve(
        cands, costs, left, members, keep, affected, opens, time_limit_s, mip_gap
    )
    t_mip = time.perf_counter() - clock

    # decode
    clock = time.perf_counter()
    changes: list[Change] = []
    for n, op in enumerate(opens):
        c = int(choice[n]) if hood[n] else int(keep[n])
        old = old_by_id.get(op.sub.id)
        if c == keep[n] and c >= 0 and old is not None and not affected[n]:
            final[op.index] = old
            continue
        new = _decode(op, n, c, arrays, cands, tt, costs, co2, delays, region, table)
        final[op.index] = new
        ch = _change(op, old, new, fx, c == keep[n] and c >= 0, keep[n] < 0)
        if ch is not None:
            changes.append(ch)
    for i, p in enumerate(final):
        if i in retimed_cause and p is not None:
            old = old_by_id[p.id]
            causes = retimed_cause[i]
            why = fx.labels[causes[0]] if causes else "re-optimised: freed capacity"
            changes.append(_make_change(p.id, "retimed", old, p, why))
    planned = tuple(p for p in final if p is not None)
    assert len(planned) == len(orders)
    index = {o.id: n for n, o in enumerate(orders)}
    changes.sort(key=lambda ch: index[ch.order_id])
    totals = _totals(planned, orders, co2)
    departures = _loads(planned, orders, tt, where)
    t_out = time.perf_counter() - clock
    solver = dataclasses.replace(
        report,
        mip_gap=mip_gap,
        timings_s={
            "classify": round(t_classify, 4),
            "candidates": round(t_cand, 4),
            "mip": round(t_mip, 4),
            "output": round(t_out, 4),
        },
    )
    applied = (*plan.applied_disruptions, {**disruptions.to_json(), "now": at.isoformat()})
    new_plan = Plan(
        region=plan.region,
        parameters=params,
        input_orders=tuple(orders),
        orders=planned,
        departures=departures,
        totals=totals,
        baselines=plan.baselines,
        solver=solver,
        applied_disruptions=applied,
        services=tuple(services) if services is not None else (),
        service_sources=region.cited_sources(services) if services is not None else {},
    )
    return ReplanResult(
        plan=new_plan,
        changes=tuple(changes),
        totals_before=plan.totals,
        totals_after=totals,
        affected=int(affected.sum()),
        reoptimised=len(members),
    )


# -- helpers --------------------------------------------------------------------------------


def _retime(
    leg: PlannedLeg,
    tt: Timetable,
    where: dict[tuple[str, int], tuple[int, int]],
    changed: Mapping[tuple[str, int], object],
) -> PlannedLeg:
    """Return the leg with the times of its departure on the disrupted timetable.

    Only departures in ``changed`` (the disruptions' departures) can have other times.
    """
    if leg.service_id is None or leg.departure_index is None:
        return leg
    key = (leg.service_id, leg.departure_index)
    if key not in changed:
        return leg
    found = where.get(key)
    if found is None:  # cancelled
        return leg
    s, k = found
    t = tt.services[s]
    a = t.locations.index(leg.origin)
    b = t.locations.index(leg.destination, a + 1)
    start = float(t.starts_h[k])
    return dataclasses.replace(
        leg, depart=tt.at(start + float(t.dep_h[a])), arrive=tt.at(start + float(t.arr_h[b]))
    )


def _rides(
    legs: Sequence[PlannedLeg], tt: Timetable, where: dict[tuple[str, int], tuple[int, int]]
) -> list[tuple[int, int, int, int]]:
    out = []
    for leg in legs:
        if leg.service_id is None or leg.departure_index is None:
            continue
        found = where.get((leg.service_id, leg.departure_index))
        if found is None:
            continue
        s, k = found
        t = tt.services[s]
        a = t.locations.index(leg.origin)
        out.append((s, k, a, t.locations.index(leg.destination, a + 1)))
    return out


def _ride_causes(leg: PlannedLeg, dep_causes: dict[tuple[str, int], list[int]]) -> list[int]:
    if leg.service_id is None or leg.departure_index is None:
        return []
    return list(dep_causes.get((leg.service_id, leg.departure_index), []))


def _leg_causes(
    old_legs: Sequence[PlannedLeg],
    new_legs: Sequence[PlannedLeg],
    old: PlannedOrder,
    fx: Effects,
    tt: Timetable,
    dep_causes: dict[tuple[str, int], list[int]],
    region: Region,
) -> list[int]:
    """Return the disruptions that touch the remaining legs of an order's old chain."""
    causes: list[int] = []
    for leg in old_legs:
        causes.extend(_ride_causes(leg, dep_causes))
    for leg in new_legs:
        if leg.service_id is None:
            start = tt.hours(leg.depart)
            for sd, cause in zip(fx.slowdowns, fx.slowdown_causes, strict=True):
                if sd.start_h <= start < sd.end_h and (
                    sd.links is None or _uses(region, leg, sd.links)
                ):
                    causes.append(cause)
            continue
        for cl, cause in zip(fx.closures, fx.closure_causes, strict=True):
            for loc, t in ((leg.origin, leg.depart), (leg.destination, leg.arrive)):
                if loc == cl.location and cl.start_h <= tt.hours(t) < cl.end_h:
                    causes.append(cause)
    return causes


def _uses(region: Region, leg: PlannedLeg, links: frozenset[tuple[str, str]]) -> bool:
    """Whether the road route of a truck leg uses one of ``links``."""
    route = region.route(leg.origin, leg.destination, Mode.ROAD)
    return any((x.origin, x.destination) in links for x in route.links)


def _arrived(
    old: PlannedOrder,
    order: Order,
    legs: Sequence[PlannedLeg],
    tt: Timetable,
    costs: Any,
    co2: float,
) -> PlannedOrder:
    """Update the times of an order whose last service is under way to its destination."""
    if tuple(legs) == old.legs:
        return old
    shift = legs[-1].arrive - old.legs[-1].arrive
    handling = tuple(
        dataclasses.replace(h, start=h.start + shift, end=h.end + shift)
        if h.start >= old.legs[-1].arrive
        else h
        for h in old.handling
    )
    arrival = (old.arrival or legs[-1].arrive) + shift
    late = max(0.0, (arrival.timestamp() - order.due.timestamp()) / 3600.0)
    lateness = costs.lateness_rate(order.cargo_class) * late
    return dataclasses.replace(
        old, legs=tuple(legs), handling=handling, arrival=arrival, late_hours=late,
        lateness_penalty_eur=lateness,
        objective_eur=old.cost_eur + old.co2_cost_eur + lateness - old.bonus_eur,
    )  # fmt: skip


def _terminal_extra(
    opens: Sequence[_Open], region: Region, factors: FactorTable
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Return the handling (EUR, h, WTW, TTW) a truck pays at the terminal an order waits at."""
    n = len(opens)
    eur, hours, wtw, ttw = (np.zeros(n) for _ in range(4))
    hub = factors.default_hub()
    for j, op in enumerate(opens):
        if not op.at_terminal:
            continue
        term = region.terminals[op.sub.origin]
        o = op.sub
        if o.cargo_class.is_containerised:
            eur[j] = term.cost_per_teu_eur * o.teu
        elif term.cost_per_tonne_eur > 0:
            eur[j] = term.cost_per_tonne_eur * o.tonnes
        else:
            eur[j] = term.cost_per_teu_eur * o.slots_teu
        hours[j] = term.handling_time_h
        wtw[j] = hub.wtw_kg_per_tonne * o.tonnes
        ttw[j] = hub.ttw_kg_per_tonne * o.tonnes
    return eur, hours, wtw, ttw


def _cand_sig(
    cands: CandidateSet, c: int, tt: Timetable, cache: dict[tuple[int, int, int], Sig]
) -> Sig:
    key = (int(cands.template[c]), int(cands.dep[c, 0]), int(cands.dep[c, 1]))
    found = cache.get(key)
    if found is not None:
        return found
    tpl = cands.templates[key[0]]
    out: list[tuple[str, str | None, int | None, str, str]] = []
    for leg in tpl.legs:
        if leg.ride < 0:
            out.append((Mode.ROAD.value, None, None, leg.origin, leg.destination))
        else:
            t = tt.services[leg.service]
            idx = int(t.indices[int(cands.dep[c, leg.ride])])
            out.append((leg.mode.value, t.service.id, idx, leg.origin, leg.destination))
    sig: Sig = tuple(out)
    cache[key] = sig
    return sig


def _add_use(
    use: FloatArray,
    p: PlannedOrder,
    tt: Timetable,
    where: dict[tuple[str, int], tuple[int, int]],
    src: Order,
    *,
    skip: int = 0,
) -> None:
    """Add the capacity the service legs of ``p`` (after the first ``skip``) take to ``use``."""
    for s, k, a, b in _rides(p.legs[skip:], tt, where):
        t = tt.services[s]
        base = t.seg_base + k * t.n_segments
        segs = np.arange(base + a, base + b)
        use[3 * segs] += src.slots_teu
        use[3 * segs + 1] += src.tonnes
        if src.cargo_class.needs_cooling:
            use[3 * segs + 2] += src.slots_teu


def _neighbourhood(
    cands: CandidateSet,
    keep: IntArray,
    affected: BoolArray,
    fixed_use: FloatArray,
    capacity: FloatArray,
    freed_old: FloatArray,
    penalty: float,
    unserved: float,
    per_row: int,
) -> tuple[BoolArray, FloatArray]:
    """Return the orders to re-solve and the capacity left to them (see the module doc).

    The affected orders, plus the capped exchange step. On every resource row where the
    affected orders could need more than the room left if everybody else stays (*tight*
    rows), the unaffected orders riding it, cheapest to move first (their best other
    candidate plus the change penalty minus their chain), until their load covers the
    shortfall, at most ``per_row`` of them. On every row the affected orders' old chains
    free, the unaffected orders with a candidate there that beats their own chain even
    after the change penalty, largest saving first, until they fill what is freed, at most
    ``per_row``. Everybody else keeps the chain; its use is subtracted from ``left``.
    """
    n_open = len(keep)
    n_rows = len(capacity)
    counts = np.diff(cands.res_ptr)
    owner = np.repeat(cands.order, counts)
    cand_of = np.repeat(np.arange(len(cands), dtype=np.int64), counts)
    rows, vals = cands.res_row, cands.res_val
    kept_entry = cand_of == keep[owner]
    stays = kept_entry & ~affected[owner]
    room = capacity - fixed_use - _by_row(rows[stays], vals[stays], n_rows)
    # what the affected orders could ask of each row: each order once per row
    mine = np.nonzero(affected[owner])[0]
    _, once = np.unique(owner[mine] * n_rows + rows[mine], return_index=True)
    pick = mine[once]
    need = _by_row(rows[pick], vals[pick], n_rows)
    short = need - np.maximum(room, 0.0)
    hood = affected.copy()
    objective = cands.objective
    kept_obj = np.zeros(n_open)
    kept_obj[keep >= 0] = objective[keep[keep >= 0]]
    # make room: unaffected orders on tight rows, cheapest to move first
    on_tight = np.nonzero(stays & (short[rows] > _EPS))[0]
    if len(on_tight):
        other = objective.copy()
        other[keep[keep >= 0]] = np.inf
        best_other = np.full(n_open, np.inf)
        np.minimum.at(best_other, cands.order, other)
        move = np.where(np.isfinite(best_other), best_other + penalty, unserved) - kept_obj
        o, r = owner[on_tight], rows[on_tight]
        chosen = _take(r, move[o], vals[on_tight], short, per_row)
        hood[o[chosen]] = True
    # use what is freed: unaffected orders with a better candidate on a freed row
    was_mine = kept_entry & affected[owner]
    freed = freed_old + _by_row(rows[was_mine], vals[was_mine], n_rows)
    gain = kept_obj[owner] - objective[cand_of] - penalty
    better = np.nonzero(
        ~affected[owner] & ~kept_entry & (keep[owner] >= 0) & (freed[rows] > _EPS) & (gain > _EPS)
    )[0]
    if len(better):
        o, r = owner[better], rows[better]
        first = np.lexsort((-gain[better], r * n_open + o))
        first = first[np.r_[True, np.diff((r * n_open + o)[first]) != 0]]  # best per order
        chosen = _take(r[first], -gain[better][first], vals[better][first], freed, per_row)
        hood[o[first][chosen]] = True
    out = hood[owner] | ~stays
    left = capacity - fixed_use - _by_row(rows[~out], vals[~out], n_rows)
    return hood, np.maximum(left, 0.0)


def _by_row(rows: IntArray, vals: FloatArray, n_rows: int) -> FloatArray:
    """Sum ``vals`` by resource row."""
    out: FloatArray = np.bincount(rows, vals, minlength=n_rows).astype(np.float64, copy=False)
    return out


def _take(
    rows: IntArray, rank: FloatArray, load: FloatArray, target: FloatArray, per_row: int
) -> BoolArray:
    """Per row, the entries in ``rank`` order while their load before is below ``target``.

    At most ``per_row`` entries of each row; returns a mask over the entries.
    """
    order = np.lexsort((rank, rows))
    r = rows[order]
    start = np.r_[True, r[1:] != r[:-1]]
    group_start = np.maximum.accumulate(np.where(start, np.arange(len(r)), 0))
    position = np.arange(len(r)) - group_start
    cum = np.cumsum(load[order])
    before = cum - load[order] - (cum - load[order])[group_start]
    ok = (position < per_row) & (before < target[r] - _EPS)
    out = np.zeros(len(rows), dtype=np.bool_)
    out[order[ok]] = True
    return out


def _solve(
    cands: CandidateSet,
    costs: Any,
    left: FloatArray,
    members: IntArray,
    keep: IntArray,
    affected: BoolArray,
    opens: Sequence[_Open],
    time_limit_s: float,
    mip_gap: float,
) -> tuple[IntArray, SolverReport]:
    """Solve the MIP over the neighbourhood, change penalty on every non-kept candidate.

    Before HiGHS, two exact reductions: a capacity row that even the largest use of every
    member cannot fill is dropped, and in each order the cheapest column that uses no
    remaining row (its truck, or "unserved") dominates every column that costs as much or
    more. Orders left with that one column are decided outside the MIP; the objective and
    the bound of the report add their cost, so the gap is the whole neighbourhood's.
    """
    n_open = len(opens)
    choice = np.full(n_open, -1, dtype=np.int64)
    if len(members) == 0:
        return choice, SolverReport(
            status="trivial", objective=0.0, bound=0.0, gap=0.0, seconds=0.0,
            candidates=len(cands), columns=0, rows=0, fixed_orders=n_open,
        )  # fmt: skip
    clock = time.perf_counter()
    penalty = costs.change_penalty_eur
    unserved = costs.unserved_penalty_eur
    n_groups = len(members)
    n_rows = len(left)
    # columns: the members' candidates, then "unserved" for members without a truck
    cols = _spread(cands.first[members], cands.first[members + 1] - cands.first[members])
    no_truck = members[cands.truck[members] < 0]
    group_of = np.full(n_open, -1, dtype=np.int64)
    group_of[members] = np.arange(n_groups)
    has_old = np.array([op.old_sig is not None for op in opens], dtype=np.bool_)
    owner = cands.order[cols]
    changed = has_old[owner] & (keep[owner] != cols)
    cost = np.concatenate(
        [cands.objective[cols] + np.where(changed, penalty, 0.0), np.full(len(no_truck), unserved)]
    )
    group = np.concatenate([group_of[owner], group_of[no_truck]])
    source = np.concatenate([cols, -1 - np.arange(len(no_truck), dtype=np.int64)])
    width = cands.res_ptr[cols + 1] - cands.res_ptr[cols]
    entries = _spread(cands.res_ptr[cols], width)
    e_col = np.repeat(np.arange(len(cols), dtype=np.int64), width)
    e_row, e_val = cands.res_row[entries], cands.res_val[entries]
    # rows that cannot bind: an order's use of a row is the same for all its candidates
    _, once = np.unique(group[e_col] * n_rows + e_row, return_index=True)
    worst = _by_row(e_row[once], e_val[once], n_rows)
    live = (worst > left + 1e-9)[e_row]
    e_col, e_row, e_val = e_col[live], e_row[live], e_val[live]
    free = np.bincount(e_col, minlength=len(cost)) == 0
    # the cheapest free column of each order dominates every column not cheaper
    rank = np.lexsort((np.arange(len(cost)), cost, ~free, group))
    starts = np.searchsorted(group[rank], np.arange(n_groups), side="left")
    rep = rank[starts]  # every order has a free column (truck or unserved), cheapest first
    useful = cost < cost[rep][group] - 1e-9
    useful[rep] = True
    size = np.bincount(group[useful], minlength=n_groups)
    in_mip = size[group] >= 2
    fixed_groups = np.nonzero(size < 2)[0]
    fixed_cost = float(cost[rep[fixed_groups]].sum())
    chosen_src = np.full(n_groups, -1, dtype=np.int64)
    chosen_src[fixed_groups] = source[rep[fixed_groups]]
    mip_groups = np.nonzero(size >= 2)[0]
    report_cols, report_rows = 0, 0
    status, objective, bound, seconds = "trivial", fixed_cost, fixed_cost, 0.0
    if len(mip_groups):
        mcols = np.nonzero(useful & in_mip)[0]
        g_new = np.full(n_groups, -1, dtype=np.int64)
        g_new[mip_groups] = np.arange(len(mip_groups))
        mcols = mcols[np.argsort(g_new[group[mcols]], kind="stable")]
        pos = np.full(len(cost), -1, dtype=np.int64)
        pos[mcols] = np.arange(len(mcols))
        take = pos[e_col] >= 0
        m_col, m_row, m_val = pos[e_col[take]], e_row[take], e_val[take]
        by = np.argsort(m_col, kind="stable")
        m_col, m_row, m_val = m_col[by], m_row[by], m_val[by]
        rows_used, row_index = np.unique(m_row, return_inverse=True)
        ptr = np.zeros(len(mcols) + 1, dtype=np.int64)
        np.cumsum(np.bincount(m_col, minlength=len(mcols)), out=ptr[1:])
        res_row = row_index.astype(np.int64)
        m_cost, m_group = cost[mcols], g_new[group[mcols]]
        start = _warm_start(
            m_cost, m_group, ptr, res_row, m_val, left[rows_used], source[mcols],
            rep_pos=pos[rep[mip_groups]], keep=keep, members=members[mip_groups],
            affected=affected, opens=opens,
        )  # fmt: skip
        from smartlogistics.planner._solver import solve_assignment  # HiGHS: load on use

        result = solve_assignment(
            m_cost, m_group, len(mip_groups), ptr, res_row, m_val, left[rows_used], start,
            time_limit_s=max(time_limit_s - (time.perf_counter() - clock), 0.01),
            mip_gap=mip_gap, mip_abs_gap=mip_gap * fixed_cost if fixed_cost > 0 else None,
        )  # fmt: skip
        chosen_src[mip_groups] = source[mcols[result.choice]]
        status, seconds = result.status, result.seconds
        objective = fixed_cost + result.objective
        bound = fixed_cost + result.bound if np.isfinite(result.bound) else -np.inf
        report_cols, report_rows = len(mcols), len(rows_used) + len(mip_groups)
    choice[members] = np.where(chosen_src >= 0, chosen_src, -1)
    gap = (objective - bound) / max(abs(objective), 1e-9) if np.isfinite(bound) else np.inf
    return choice, SolverReport(
        status=status,
        objective=objective,
        bound=bound if np.isfinite(bound) else None,
        gap=float(gap) if np.isfinite(gap) else None,
        seconds=seconds,
        candidates=len(cands),
        columns=report_cols,
        rows=report_rows,
        fixed_orders=n_open - len(mip_groups),
    )


def _warm_start(
    cost: FloatArray,
    group: IntArray,
    ptr: IntArray,
    res_row: IntArray,
    res_val: FloatArray,
    cap: FloatArray,
    source: IntArray,
    *,
    rep_pos: IntArray,
    keep: IntArray,
    members: IntArray,
    affected: BoolArray,
    opens: Sequence[_Open],
) -> IntArray:
    """Return a feasible start: the old chains of the unaffected, then greedy for the rest.

    The unaffected members keep their chains (they fit together: the disruptions did not
    touch them); then the affected members, by release time, take their cheapest column
    that fits the room left, else their truck or "unserved" column (``rep_pos``).
    """
    n = len(members)
    bounds = np.searchsorted(group, np.arange(n + 1), side="left")
    at = {int(src): j for j, src in enumerate(source.tolist()) if src >= 0}
    room = cap.copy()
    start = rep_pos.copy()

    def fits(j: int) -> bool:
        r, v = res_row[ptr[j] : ptr[j + 1]], res_val[ptr[j] : ptr[j + 1]]
        if np.all(room[r] + 1e-9 >= v):
            room[r] -= v
            return True
        return False

    later: list[int] = []
    for g in range(n):
        o = int(members[g])
        j = at.get(int(keep[o]), -1) if keep[o] >= 0 else -1
        if not affected[o] and j >= 0 and fits(j):
            start[g] = j
        else:
            later.append(g)
    later.sort(key=lambda g: (opens[int(members[g])].sub.release.timestamp(), g))
    for g in later:
        for j in sorted(range(int(bounds[g]), int(bounds[g + 1])), key=lambda j: float(cost[j])):
            if fits(j):
                start[g] = j
                break
    return start


def _decode(
    op: _Open,
    n: int,
    c: int,
    arrays: OrderArrays,
    cands: CandidateSet,
    tt: Timetable,
    costs: Any,
    co2: float,
    delays: RoadDelays | None,
    region: Region,
    factors: FactorTable,
) -> PlannedOrder:
    """Prefix legs plus the chosen remainder (or the reason it has none)."""
    order = op.sub
    full = op.prefix_legs
    if c < 0:
        reason = cands.reasons.get(n, NO_CAPACITY_REASON)
        if op.prefix_legs:
            reason = f"stranded at {order.origin}: {reason}"
        return PlannedOrder(
            id=order.id, status="unplannable", reason=reason, legs=full,
            handling=op.prefix_handling, release=_release(op), due=order.due, arrival=None,
            late_hours=0.0, cost_eur=sum(x.cost_eur for x in full), co2_cost_eur=0.0,
            lateness_penalty_eur=0.0, bonus_eur=0.0, objective_eur=0.0, wtw_kg=0.0,
            ttw_kg=0.0, main_mode=None,
        )  # fmt: skip
    tpl = cands.templates[int(cands.template[c])]
    legs, handling, arrival = _chain(order, arrays, n, tpl, cands.dep[c], tt, costs, delays)
    if tpl.kind is TemplateKind.TRUCK and op.at_terminal:
        hub = factors.default_hub()
        start = legs[0].depart
        h = float(arrays.truck_extra_h[n])
        begin = tt.at(tt.hours(start) - h)
        handling = (
            Handling(
                location=order.origin, start=begin, end=start,
                cost_eur=float(arrays.truck_extra_eur[n]), category=hub.id,
                wtw_kg=float(arrays.truck_extra_wtw[n]), ttw_kg=float(arrays.truck_extra_ttw[n]),
            ),
            *handling,
        )  # fmt: skip
    all_legs = (*op.prefix_legs, *legs)
    all_handling = (*op.prefix_handling, *handling)
    cost = sum(x.cost_eur for x in all_legs) + sum(h.cost_eur for h in all_handling)
    wtw = sum(x.wtw_kg for x in all_legs) + sum(h.wtw_kg for h in all_handling)
    ttw = sum(x.ttw_kg for x in all_legs) + sum(h.ttw_kg for h in all_handling)
    late = max(0.0, (arrival.timestamp() - order.due.timestamp()) / 3600.0)
    lateness = costs.lateness_rate(order.cargo_class) * late
    modes = {Mode.parse(x.mode) for x in all_legs}
    bonus = costs.preferred_mode_bonus_eur if modes & set(order.preferred_modes) else 0.0
    co2_cost = co2 / 1000.0 * wtw
    main = next((x.mode for x in all_legs if x.service_id is not None), Mode.ROAD.value)
    return PlannedOrder(
        id=order.id, status="planned", reason=None, legs=all_legs, handling=all_handling,
        release=_release(op), due=order.due, arrival=arrival, late_hours=late, cost_eur=cost,
        co2_cost_eur=co2_cost, lateness_penalty_eur=lateness, bonus_eur=bonus,
        objective_eur=cost + co2_cost + lateness - bonus, wtw_kg=wtw, ttw_kg=ttw,
        main_mode=main,
    )  # fmt: skip


def _release(op: _Open) -> datetime:
    return op.release


def _make_change(
    order_id: str, kind: str, old: PlannedOrder | None, new: PlannedOrder, reason: str
) -> Change:
    before = tuple(_leg_text(x) for x in old.legs) if old is not None else ()
    return Change(
        order_id=order_id,
        kind=kind,
        before=before,
        after=tuple(_leg_text(x) for x in new.legs),
        reason=reason,
        delta_cost_eur=new.cost_eur - (old.cost_eur if old is not None else 0.0),
        delta_wtw_kg=new.wtw_kg - (old.wtw_kg if old is not None else 0.0),
        delta_late_hours=new.late_hours - (old.late_hours if old is not None else 0.0),
    )


def _change(
    op: _Open,
    old: PlannedOrder | None,
    new: PlannedOrder,
    fx: Effects,
    kept: bool,
    lost: bool,
) -> Change | None:
    why = fx.labels[op.causes[0]] if op.causes else "re-optimised: freed capacity"
    if old is None:
        return _make_change(new.id, "added", None, new, "rush order")
    if old.status == "unplannable":
        if new.status == "unplannable":
            return None
        return _make_change(new.id, "planned", old, new, why)
    if new.status == "unplannable":
        return _make_change(new.id, "unplannable", old, new, why)
    if kept:
        if _sig(new.legs) == _sig(old.legs) and new.arrival == old.arrival:
            return None
        return _make_change(new.id, "retimed", old, new, why)
    del lost
    return _make_change(new.id, "rebooked", old, new, why)


def _totals(planned: Sequence[PlannedOrder], orders: Sequence[Order], co2: float) -> Totals:
    by_id = {o.id: o for o in orders}
    tkm = dict.fromkeys((m.value for m in MODES), 0.0)
    teu = dict.fromkeys((m.value for m in MODES), 0.0)
    ok = [p for p in planned if p.status == "planned"]
    for p in ok:
        for x in p.legs:
            tkm[x.mode] += x.tonnes * x.distance_km
        teu[p.main_mode or Mode.ROAD.value] += by_id[p.id].slots_teu
    late = sum(1 for p in ok if p.late_hours > 1e-9)
    money = sum(p.cost_eur for p in ok)
    wtw = sum(p.wtw_kg for p in ok)
    lateness = sum(p.lateness_penalty_eur for p in ok)
    bonus = sum(p.bonus_eur for p in ok)
    return Totals.summing(
        orders=len(planned),
        planned=len(ok),
        late=late,
        cost_eur=money,
        wtw_kg=wtw,
        ttw_kg=sum(p.ttw_kg for p in ok),
        lateness_penalty_eur=lateness,
        bonus_eur=bonus,
        co2_price_eur_per_tonne=co2,
        modal_split_tkm=tkm,
        modal_split_teu=teu,
    )


def _loads(
    planned: Sequence[PlannedOrder],
    orders: Sequence[Order],
    tt: Timetable,
    where: dict[tuple[str, int], tuple[int, int]],
) -> tuple[DepartureLoad, ...]:
    by_id = {o.id: o for o in orders}
    load = np.zeros(3 * tt.n_segments)
    riders = np.zeros(tt.n_departures, dtype=np.int64)
    for p in planned:
        src = by_id[p.id]
        for s, k, a, b in _rides(p.legs, tt, where):
            t = tt.services[s]
            base = t.seg_base + k * t.n_segments
            segs = np.arange(base + a, base + b)
            load[3 * segs] += src.slots_teu
            load[3 * segs + 1] += src.tonnes
            if src.cargo_class.needs_cooling:
                load[3 * segs + 2] += src.slots_teu
            riders[t.first_departure + k] += 1
    return departure_loads(tt, load, riders)
