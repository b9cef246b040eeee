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
slowed window on a slowed link). The MIP is re-solved over the affected orders plus
*one exchange step*: the orders whose current chain uses a departure segment that some
affected order's candidate could use (they may have to make room), and the orders with a
candidate on a segment an affected order's old chain used (they may take the capacity it
frees). Every other order keeps its chain, and its capacity use is subtracted. In the
MIP every candidate other than the order's old remainder costs ``change_penalty_eur``
more (rush and previously unplannable orders pay none).

An order no chain can serve is planned late or listed unplannable with the reason; no
order is ever dropped.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
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
from smartlogistics.planner.solve import _chain, _spread, validate_orders

__all__ = ["Change", "ReplanResult", "replan"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
_EPS = 1e-6

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
    time_limit_s: float = 5.0,
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
        For HiGHS on the neighbourhood MIP.
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
        legs = [_retime(x, tt, where) for x in old.legs]
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
    capacity = _capacity(tt)
    n_seg = tt.n_segments
    fixed_use = np.zeros(3 * n_seg)
    for i, p in enumerate(final):
        if p is not None:
            _add_use(fixed_use, p, tt, where, orders[i])
    # segments of candidates and of the old chains
    cand_seg = cands.res_row // 3
    owner = np.repeat(cands.order, np.diff(cands.res_ptr))
    aff_cand_seg = np.zeros(n_seg, dtype=np.bool_)
    aff_cand_seg[cand_seg[affected[owner]]] = True
    aff_old_seg = np.zeros(n_seg, dtype=np.bool_)
    keep_segs: list[IntArray] = []
    for n in range(n_open):
        c = int(keep[n])
        rows = cands.res_row[cands.res_ptr[c] : cands.res_ptr[c + 1]] if c >= 0 else None
        segs = rows // 3 if rows is not None else np.empty(0, dtype=np.int64)
        keep_segs.append(segs)
        if affected[n]:
            aff_old_seg[segs] = True
    for n, op in enumerate(opens):  # old chains of affected orders that lost them
        if affected[n] and keep[n] < 0 and op.old_sig is not None:
            old = old_by_id[op.sub.id]
            for s_, k_, a_, b_ in _rides(old.legs, tt, where):
                base = tt.services[s_].seg_base + k_ * tt.services[s_].n_segments
                aff_old_seg[base + a_ : base + b_] = True
    hood = affected.copy()
    for n in range(n_open):
        if not hood[n] and len(keep_segs[n]) and aff_cand_seg[keep_segs[n]].any():
            hood[n] = True
    touches_old = np.zeros(n_open, dtype=np.bool_)
    np.logical_or.at(touches_old, owner, aff_old_seg[cand_seg])
    hood |= touches_old
    for n in np.nonzero(~hood)[0].tolist():
        c = int(keep[n])
        rows = cands.res_row[cands.res_ptr[c] : cands.res_ptr[c + 1]]
        np.add.at(fixed_use, rows, cands.res_val[cands.res_ptr[c] : cands.res_ptr[c + 1]])
    left = np.maximum(capacity - fixed_use, 0.0)
    members = np.nonzero(hood)[0]
    choice, report = _solve(cands, costs, left, members, keep, opens, time_limit_s, params.mip_gap)
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
    leg: PlannedLeg, tt: Timetable, where: dict[tuple[str, int], tuple[int, int]]
) -> PlannedLeg:
    """Return the leg with the times of its departure on the disrupted timetable."""
    if leg.service_id is None or leg.departure_index is None:
        return leg
    found = where.get((leg.service_id, leg.departure_index))
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


def _capacity(tt: Timetable) -> FloatArray:
    cap = np.zeros(3 * tt.n_segments, dtype=np.float64)
    for t in tt.services:
        n = len(t.starts_h) * t.n_segments
        if n == 0:
            continue
        block = cap[3 * t.seg_base : 3 * (t.seg_base + n)].reshape(n, 3)
        block[:, 0] = t.service.capacity_teu
        block[:, 1] = t.service.capacity_tonnes
        block[:, 2] = t.service.reefer_capacity_teu
    return cap


def _add_use(
    use: FloatArray,
    p: PlannedOrder,
    tt: Timetable,
    where: dict[tuple[str, int], tuple[int, int]],
    src: Order,
) -> None:
    """Add the capacity the service legs of ``p`` take to ``use``."""
    for s, k, a, b in _rides(p.legs, tt, where):
        t = tt.services[s]
        base = t.seg_base + k * t.n_segments
        segs = np.arange(base + a, base + b)
        use[3 * segs] += src.slots_teu
        use[3 * segs + 1] += src.tonnes
        if src.cargo_class.needs_cooling:
            use[3 * segs + 2] += src.slots_teu


def _solve(
    cands: CandidateSet,
    costs: Any,
    left: FloatArray,
    members: IntArray,
    keep: IntArray,
    opens: Sequence[_Open],
    time_limit_s: float,
    mip_gap: float,
) -> tuple[IntArray, SolverReport]:
    """Solve the MIP over the neighbourhood, change penalty on every non-kept candidate."""
    n_open = len(opens)
    choice = np.full(n_open, -1, dtype=np.int64)
    if len(members) == 0:
        return choice, SolverReport(
            status="trivial", objective=0.0, bound=0.0, gap=0.0, seconds=0.0,
            candidates=len(cands), columns=0, rows=0, fixed_orders=n_open,
        )  # fmt: skip
    penalty = costs.change_penalty_eur
    unserved = costs.unserved_penalty_eur
    cols = np.concatenate(
        [np.arange(cands.first[o], cands.first[o + 1], dtype=np.int64) for o in members]
    )
    group_of = np.full(n_open, -1, dtype=np.int64)
    group_of[members] = np.arange(len(members))
    no_truck = members[cands.truck[members] < 0]
    col_group = np.concatenate([group_of[cands.order[cols]], group_of[no_truck]])
    has_old = np.array([opens[o].old_sig is not None for o in range(n_open)], dtype=np.bool_)
    cost_c = cands.objective[cols] + np.where(
        has_old[cands.order[cols]] & (keep[cands.order[cols]] != cols), penalty, 0.0
    )
    col_cost = np.concatenate([cost_c, np.full(len(no_truck), unserved)])
    counts = np.concatenate(
        [cands.res_ptr[cols + 1] - cands.res_ptr[cols], np.zeros(len(no_truck), dtype=np.int64)]
    )
    entries = _spread(cands.res_ptr[cols], counts[: len(cols)])
    rows_used, row_index = np.unique(cands.res_row[entries], return_inverse=True)
    ptr = np.zeros(len(col_cost) + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    order_cols = np.argsort(col_group, kind="stable")
    col_cost, col_group = col_cost[order_cols], col_group[order_cols]
    counts_sorted = counts[order_cols]
    new_ptr = np.zeros(len(col_cost) + 1, dtype=np.int64)
    np.cumsum(counts_sorted, out=new_ptr[1:])
    gather = _spread(ptr[:-1][order_cols], counts_sorted)
    res_row = row_index.astype(np.int64)[gather]
    res_val = cands.res_val[entries][gather]
    source = np.concatenate([cols, -1 - np.arange(len(no_truck))])[order_cols]
    cap = left[rows_used]
    # warm start: kept chains that fit, then the cheapest that fits, else unserved / truck
    position = {int(src): j for j, src in enumerate(source.tolist())}
    slack_pos = {int(no_truck[-1 - src]): j for j, src in enumerate(source.tolist()) if src < 0}
    room = cap.copy()
    start = np.zeros(len(members), dtype=np.int64)
    for g, o in enumerate(members.tolist()):
        tries = [int(keep[o])] if keep[o] >= 0 else []
        tries += sorted(
            range(int(cands.first[o]), int(cands.first[o + 1])),
            key=lambda c: float(col_cost[position[c]]),
        )
        picked = -1
        for c in tries:
            j = position[c]
            r, v = res_row[new_ptr[j] : new_ptr[j + 1]], res_val[new_ptr[j] : new_ptr[j + 1]]
            if np.all(room[r] + 1e-9 >= v):
                room[r] -= v
                picked = j
                break
        start[g] = picked if picked >= 0 else slack_pos.get(o, position.get(int(cands.truck[o]), 0))
    from smartlogistics.planner._solver import solve_assignment  # HiGHS: load on use

    result = solve_assignment(
        col_cost, col_group, len(members), new_ptr, res_row, res_val, cap, start,
        time_limit_s=time_limit_s, mip_gap=mip_gap,
    )  # fmt: skip
    chosen = source[result.choice]
    choice[members] = np.where(chosen >= 0, chosen, -1)
    return choice, SolverReport(
        status=result.status,
        objective=result.objective,
        bound=result.bound if np.isfinite(result.bound) else None,
        gap=result.gap if np.isfinite(result.gap) else None,
        seconds=result.seconds,
        candidates=len(cands),
        columns=len(col_cost),
        rows=len(rows_used) + len(members),
        fixed_orders=n_open - len(members),
    )


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
    co2_cost = co2 / 1000.0 * wtw
    n = len(planned)
    return Totals(
        orders=n,
        planned=len(ok),
        unplannable=n - len(ok),
        late=late,
        cost_eur=money,
        co2_cost_eur=co2_cost,
        lateness_penalty_eur=lateness,
        bonus_eur=bonus,
        objective_eur=money + co2_cost + lateness - bonus,
        wtw_kg=wtw,
        ttw_kg=sum(p.ttw_kg for p in ok),
        on_time_share=(len(ok) - late) / n if n else 1.0,
        modal_split_tkm={k: v for k, v in tkm.items() if v > 0},
        modal_split_teu={k: v for k, v in teu.items() if v > 0},
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
    out: list[DepartureLoad] = []
    for t in tt.services:
        n_dep, n_seg = len(t.starts_h), t.n_segments
        if n_dep == 0:
            continue
        block = load[3 * t.seg_base : 3 * (t.seg_base + n_dep * n_seg)].reshape(n_dep, n_seg, 3)
        peak = block.max(axis=1)
        svc = t.service
        for k in range(n_dep):
            out.append(
                DepartureLoad(
                    service_id=svc.id, index=int(t.indices[k]),
                    depart=tt.at(float(t.starts_h[k] + t.dep_h[0])),
                    arrive=tt.at(float(t.starts_h[k] + t.arr_h[-1])),
                    capacity_teu=svc.capacity_teu, load_teu=float(peak[k, 0]),
                    capacity_tonnes=svc.capacity_tonnes, load_tonnes=float(peak[k, 1]),
                    reefer_capacity_teu=svc.reefer_capacity_teu,
                    load_reefer_teu=float(peak[k, 2]),
                    orders=int(riders[t.first_departure + k]),
                )
            )  # fmt: skip
    out.sort(key=lambda d: (d.depart, d.service_id, d.index))
    return tuple(out)
