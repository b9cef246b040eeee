"""Plan a batch of orders: candidates, baselines, the MIP, and the plan.

:func:`plan_orders` is the planner's entry point::

    from smartlogistics.network import load_region
    from smartlogistics.planner.solve import plan_orders

    plan = plan_orders(load_region("amsterdam"), orders, time_limit_s=60)
    plan.totals.cost_eur, plan.baselines["greedy"].totals.cost_eur, plan.solver.gap

Steps: validate the orders against the region; expand the services' departures over the
horizon; build the chain templates of every origin-destination pair and date them per
order (:mod:`~smartlogistics.planner.chains`); run the two baselines
(:mod:`~smartlogistics.planner.baselines`); solve the MIP warm-started from greedy; decode
the chosen candidates into legs with times, costs and emissions.

Orders whose only option is the truck are decided without the MIP (it can only cost
capacity, and the truck uses none). Orders without a truck option get an extra "unserved"
column priced ``unserved_penalty_eur``, so that the MIP is always feasible and an order
that loses its place on a full departure is reported unplannable with the reason instead
of making the whole plan infeasible.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from smartlogistics.config import get_settings
from smartlogistics.emissions.factors import FactorTable, load_default_factors
from smartlogistics.errors import InvalidInputError
from smartlogistics.network.mode import Mode
from smartlogistics.network.region import Region
from smartlogistics.network.service import Service
from smartlogistics.planner._timetable import Timetable, build_timetable, week_start
from smartlogistics.planner.baselines import NO_CAPACITY_REASON, greedy_choice, road_only_choice
from smartlogistics.planner.chains import (
    MODES,
    CandidateSet,
    OrderArrays,
    RoadDelays,
    Template,
    TemplateKind,
    build_templates,
    generate_candidates,
)
from smartlogistics.planner.costs import LATENESS_POLICIES, CostModel, load_cost_model
from smartlogistics.planner.order import Order
from smartlogistics.planner.plan import (
    DepartureLoad,
    Handling,
    Plan,
    PlannedLeg,
    PlannedOrder,
    PlanParameters,
    PolicyResult,
    SolverReport,
    Totals,
)

__all__ = ["plan_orders", "validate_orders"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_EPS = 1e-9


def validate_orders(region: Region, orders: Sequence[Order]) -> None:
    """Check that every order's locations are in ``region`` and ids are unique.

    Raises
    ------
    InvalidInputError
        ``orders[i].origin: order 'X': unknown location 'FOO'`` and the like.
    """
    seen: dict[str, int] = {}
    for i, order in enumerate(orders):
        for name in ("origin", "destination"):
            loc = getattr(order, name)
            if loc not in region.locations:
                raise InvalidInputError(
                    f"orders[{i}].{name}", f"order {order.id!r}: unknown location {loc!r}"
                )
            if not region.locations[loc].is_freight_node:
                raise InvalidInputError(
                    f"orders[{i}].{name}",
                    f"order {order.id!r}: {loc!r} is a network junction, not a freight node",
                )
        if order.id in seen:
            raise InvalidInputError(
                f"orders[{i}].id",
                f"order {order.id!r}: duplicate id (also orders[{seen[order.id]}])",
            )
        seen[order.id] = i


def plan_orders(
    region: Region,
    orders: Sequence[Order],
    *,
    services: Sequence[Service] | None = None,
    cost_model: CostModel | None = None,
    co2_price_eur_per_tonne: float | None = None,
    time_limit_s: float = 60.0,
    mip_gap: float = 0.005,
    candidates_per_template: int = 2,
    timezone: str = "Europe/Amsterdam",
    factors: FactorTable | None = None,
    seed: int | None = None,
    lateness_policy: str | None = None,
) -> Plan:
    """Plan ``orders`` on ``region``'s trucks and services.

    Parameters
    ----------
    region
        The network (locations, roads, terminals; services unless ``services`` is given).
    orders
        The orders; ids unique, locations in the region.
    services
        The service plan to use instead of ``region.services`` (checked against the
        region).
    cost_model
        Default: the packaged cost model named like the region (``amsterdam``).
    co2_price_eur_per_tonne
        EUR per tonne CO2e (WTW); default ``Settings.co2_price_eur_per_tonne``.
    time_limit_s, mip_gap
        For HiGHS (the MIP alone; candidate generation and output come on top).
    candidates_per_template
        Dated departures tried per chain template and order (``K``).
    timezone
        Time zone of the timetables' local times and of the plan's output times.
    factors
        Emissions factor table; default the packaged one.
    seed
        Recorded in the plan's parameters (e.g. the order generator's seed).
    lateness_policy
        ``"hard_when_feasible"`` (due dates are promises: late only when no on-time chain
        exists) or ``"soft"`` (penalties only); default the cost model's.

    Returns
    -------
    Plan
        Every input order planned or unplannable with its reason.

    Raises
    ------
    InvalidInputError
        Bad orders or parameters, naming the field.
    """
    clock = time.perf_counter()
    validate_orders(region, orders)
    if candidates_per_template < 1:
        raise InvalidInputError("candidates_per_template", "must be at least 1")
    if time_limit_s <= 0:
        raise InvalidInputError("time_limit_s", "must be positive")
    if not 0 <= mip_gap < 1:
        raise InvalidInputError("mip_gap", "must be in [0, 1)")
    try:
        tz = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInputError("timezone", f"unknown time zone {timezone!r}") from None
    if services is not None:
        region = region.with_services(services)
    costs = cost_model if cost_model is not None else load_cost_model(region.name)
    if lateness_policy is not None:
        if lateness_policy not in LATENESS_POLICIES:
            raise InvalidInputError(
                "lateness_policy",
                f"expected one of {', '.join(LATENESS_POLICIES)}, not {lateness_policy!r}",
            )
        costs = costs.model_copy(update={"lateness_policy": lateness_policy})
    co2 = (
        get_settings().co2_price_eur_per_tonne
        if co2_price_eur_per_tonne is None
        else co2_price_eur_per_tonne
    )
    if co2 < 0:
        raise InvalidInputError("co2_price_eur_per_tonne", "must not be negative")
    table = factors if factors is not None else load_default_factors()
    params = PlanParameters(
        co2_price_eur_per_tonne=float(co2),
        candidates_per_template=candidates_per_template,
        time_limit_s=float(time_limit_s),
        mip_gap=float(mip_gap),
        cost_model=costs.name,
        timezone=timezone,
        seed=seed,
        lateness_policy=costs.lateness_policy,
    )
    anchor = min((o.release for o in orders), default=None)
    t0 = week_start(anchor, tz) if anchor is not None else week_start(datetime.now(tz), tz)
    last_due = max((o.due.timestamp() for o in orders), default=t0.timestamp())
    longest = max((s.duration_h for s in region.services), default=0.0)
    horizon_h = (last_due - t0.timestamp()) / 3600.0 + costs.max_late_h + longest + 24.0
    timetable = build_timetable(region, region.services, t0, horizon_h)

    pairs = sorted({(o.origin, o.destination) for o in orders})
    builder = build_templates(region, timetable, costs, table, pairs, co2)
    arrays = OrderArrays.build(orders, timetable, costs)
    cands = generate_candidates(arrays, builder, costs, co2, candidates_per_template)
    capacity = timetable.capacity()
    t_cand = time.perf_counter() - clock

    clock = time.perf_counter()
    greedy = greedy_choice(cands, arrays, capacity)
    road = road_only_choice(cands)
    t_base = time.perf_counter() - clock

    clock = time.perf_counter()
    choice, report = _optimise(cands, costs, capacity, greedy, time_limit_s, mip_gap)
    t_mip = time.perf_counter() - clock

    clock = time.perf_counter()
    planned = tuple(
        _decode(i, arrays, cands, timetable, costs, co2, choice[i]) for i in range(len(arrays))
    )
    baselines = {
        "road_only": PolicyResult(
            totals=_totals(road, arrays, cands, co2),
            departures=_departure_loads(road, arrays, cands, timetable),
        ),
        "greedy": PolicyResult(
            totals=_totals(greedy, arrays, cands, co2),
            departures=_departure_loads(greedy, arrays, cands, timetable),
        ),
    }
    totals = _totals(choice, arrays, cands, co2)
    departures = _departure_loads(choice, arrays, cands, timetable)
    t_out = time.perf_counter() - clock
    solver = dataclasses.replace(
        report,
        timings_s={
            "candidates": round(t_cand, 4),
            "baselines": round(t_base, 4),
            "mip": round(t_mip, 4),
            "output": round(t_out, 4),
        },
    )
    return Plan(
        region=region.name,
        parameters=params,
        input_orders=tuple(orders),
        orders=planned,
        departures=departures,
        totals=totals,
        baselines=baselines,
        solver=solver,
        services=tuple(services) if services is not None else (),
        service_sources=region.cited_sources(services) if services is not None else {},
    )


def _objective(choice: IntArray, cands: CandidateSet, penalty: float, free: IntArray) -> float:
    chosen = choice[choice >= 0]
    unserved = int(np.count_nonzero(choice[free] < 0))
    return float(cands.objective[chosen].sum()) + penalty * unserved


def _optimise(
    cands: CandidateSet,
    costs: CostModel,
    capacity: FloatArray,
    greedy: IntArray,
    time_limit_s: float,
    mip_gap: float,
) -> tuple[IntArray, SolverReport]:
    """Solve the MIP over the orders that have a choice; the rest are fixed."""
    n_orders = len(cands.first) - 1
    count = np.diff(cands.first)
    has_truck = cands.truck >= 0
    free = np.nonzero((count >= 2) | ((count == 1) & ~has_truck))[0]
    choice = np.where(count == 1, cands.first[:-1], -1).astype(np.int64)
    penalty = costs.unserved_penalty_eur
    mip_orders = free
    if len(mip_orders) == 0:
        objective = _objective(choice, cands, penalty, free)
        return choice, SolverReport(
            status="trivial", objective=objective, bound=objective, gap=0.0, seconds=0.0,
            candidates=len(cands), columns=0, rows=0, fixed_orders=n_orders,
        )  # fmt: skip
    # columns: every candidate of the free orders, then one "unserved" column per free
    # order without a truck
    cols = np.concatenate([np.arange(cands.first[o], cands.first[o + 1]) for o in mip_orders])
    group_of_order = np.full(n_orders, -1, dtype=np.int64)
    group_of_order[mip_orders] = np.arange(len(mip_orders))
    no_truck = mip_orders[~has_truck[mip_orders]]
    col_group = np.concatenate([group_of_order[cands.order[cols]], group_of_order[no_truck]])
    col_cost = np.concatenate([cands.objective[cols], np.full(len(no_truck), penalty)])
    counts = np.concatenate(
        [cands.res_ptr[cols + 1] - cands.res_ptr[cols], np.zeros(len(no_truck), dtype=np.int64)]
    )
    entries = _spread(cands.res_ptr[cols], counts[: len(cols)])
    rows_used, row_index = np.unique(cands.res_row[entries], return_inverse=True)
    ptr = np.zeros(len(col_cost) + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    order_cols = np.argsort(col_group, kind="stable")
    # sort columns by group (HiGHS does not need it; the decoding does)
    col_cost, col_group = col_cost[order_cols], col_group[order_cols]
    counts_sorted = counts[order_cols]
    new_ptr = np.zeros(len(col_cost) + 1, dtype=np.int64)
    np.cumsum(counts_sorted, out=new_ptr[1:])
    gather = _spread(ptr[:-1][order_cols], counts_sorted)
    res_row = row_index.astype(np.int64)[gather]
    res_val = cands.res_val[entries][gather]
    source = np.concatenate([cols, -1 - np.arange(len(no_truck))])[order_cols]
    # warm start: greedy's choice as column indexes
    position = np.full(len(cands), -1, dtype=np.int64)
    is_cand = source >= 0
    position[source[is_cand]] = np.nonzero(is_cand)[0]
    slack_col = np.full(n_orders, -1, dtype=np.int64)
    slack_col[no_truck[-1 - source[~is_cand]]] = np.nonzero(~is_cand)[0]
    g = greedy[mip_orders]
    start = np.where(g >= 0, position[np.maximum(g, 0)], slack_col[mip_orders])
    from smartlogistics.planner._solver import solve_assignment  # HiGHS: load on use

    result = solve_assignment(
        col_cost, col_group, len(mip_orders), new_ptr, res_row, res_val,
        capacity[rows_used], start, time_limit_s=time_limit_s, mip_gap=mip_gap,
    )  # fmt: skip
    picked = source[result.choice]
    choice[mip_orders] = np.where(picked >= 0, picked, -1)
    fixed_part = float(cands.objective[choice[(count == 1) & has_truck]].sum())
    objective = fixed_part + result.objective
    bound = fixed_part + result.bound if np.isfinite(result.bound) else None
    gap = (objective - bound) / max(abs(objective), _EPS) if bound is not None else None
    return choice, SolverReport(
        status=result.status,
        objective=objective,
        bound=bound,
        gap=gap,
        seconds=result.seconds,
        candidates=len(cands),
        columns=len(col_cost),
        rows=len(rows_used) + len(mip_orders),
        fixed_orders=n_orders - len(mip_orders),
    )


def _spread(start: IntArray, width: IntArray) -> IntArray:
    total = int(width.sum())
    offsets = np.zeros(len(width), dtype=np.int64)
    if len(width) > 1:
        np.cumsum(width[:-1], out=offsets[1:])
    return np.repeat(start - offsets, width) + np.arange(total, dtype=np.int64)


# -- totals and loads -----------------------------------------------------------------------


def _totals(choice: IntArray, arrays: OrderArrays, cands: CandidateSet, co2: float) -> Totals:
    chosen = choice[choice >= 0]
    orders = arrays.orders
    money = float(cands.money[chosen].sum())
    wtw = float(cands.wtw_kg[chosen].sum())
    ttw = float(cands.ttw_kg[chosen].sum())
    o_idx = cands.order[chosen]
    late_h = cands.late_h[chosen]
    lateness = float((arrays.late_rate[o_idx] * late_h).sum())
    bonus = float(cands.bonus[chosen].sum())
    km = np.array([t.km_by_mode for t in cands.templates], dtype=np.float64).reshape(-1, len(MODES))
    main = np.array([MODES.index(t.main_mode) for t in cands.templates], dtype=np.int64)
    tpl = cands.template[chosen]
    tkm = (arrays.tonnes[o_idx][:, None] * km[tpl]).sum(axis=0) if len(chosen) else np.zeros(0)
    teu = np.bincount(main[tpl], weights=arrays.slots[o_idx], minlength=len(MODES))
    late = int(np.count_nonzero(late_h > _EPS))
    return Totals.summing(
        orders=len(orders),
        planned=len(chosen),
        late=late,
        cost_eur=money,
        wtw_kg=wtw,
        ttw_kg=ttw,
        lateness_penalty_eur=lateness,
        bonus_eur=bonus,
        co2_price_eur_per_tonne=co2,
        modal_split_tkm={m.value: float(tkm[i]) for i, m in enumerate(MODES) if len(tkm)},
        modal_split_teu={m.value: float(teu[i]) for i, m in enumerate(MODES)},
    )


def _departure_loads(
    choice: IntArray, arrays: OrderArrays, cands: CandidateSet, timetable: Timetable
) -> tuple[DepartureLoad, ...]:
    chosen = choice[choice >= 0]
    counts = cands.res_ptr[chosen + 1] - cands.res_ptr[chosen]
    entries = _spread(cands.res_ptr[chosen], counts)
    load = np.zeros(3 * timetable.n_segments, dtype=np.float64)
    np.add.at(load, cands.res_row[entries], cands.res_val[entries])
    riders = np.zeros(timetable.n_departures, dtype=np.int64)
    tpl = cands.template[chosen]
    for r in (0, 1):
        k = cands.dep[chosen, r]
        has = k >= 0
        if not has.any():
            continue
        s = np.array(
            [cands.templates[t].rides[r][0] if has[n] else 0 for n, t in enumerate(tpl)],
            dtype=np.int64,
        )
        first = np.array([t.first_departure for t in timetable.services], dtype=np.int64)
        np.add.at(riders, (first[s] + k)[has], 1)
    return departure_loads(timetable, load, riders)


def departure_loads(
    timetable: Timetable, load: FloatArray, riders: IntArray
) -> tuple[DepartureLoad, ...]:
    """Report every dated departure's capacity and peak load, in time order.

    ``load`` holds the use of every resource row ``3 * segment + kind`` and ``riders`` the
    orders on every departure; a departure's load is its busiest segment's.
    """
    out: list[DepartureLoad] = []
    for t in timetable.services:
        n_dep, n_seg = len(t.starts_h), t.n_segments
        if n_dep == 0:
            continue
        block = load[3 * t.seg_base : 3 * (t.seg_base + n_dep * n_seg)].reshape(n_dep, n_seg, 3)
        peak = block.max(axis=1)
        svc = t.service
        for k in range(n_dep):
            out.append(
                DepartureLoad(
                    service_id=svc.id,
                    index=int(t.indices[k]),
                    depart=timetable.at(float(t.starts_h[k] + t.dep_h[0])),
                    arrive=timetable.at(float(t.starts_h[k] + t.arr_h[-1])),
                    capacity_teu=svc.capacity_teu,
                    load_teu=float(peak[k, 0]),
                    capacity_tonnes=svc.capacity_tonnes,
                    load_tonnes=float(peak[k, 1]),
                    reefer_capacity_teu=svc.reefer_capacity_teu,
                    load_reefer_teu=float(peak[k, 2]),
                    orders=int(riders[t.first_departure + k]),
                )
            )
    out.sort(key=lambda d: (d.depart, d.service_id, d.index))
    return tuple(out)


# -- decoding -------------------------------------------------------------------------------


def _decode(
    i: int,
    arrays: OrderArrays,
    cands: CandidateSet,
    timetable: Timetable,
    costs: CostModel,
    co2: float,
    c: int,
) -> PlannedOrder:
    order = arrays.orders[i]
    if c < 0:
        return PlannedOrder(
            id=order.id, status="unplannable",
            reason=cands.reasons.get(i, NO_CAPACITY_REASON), legs=(), handling=(),
            release=order.release, due=order.due, arrival=None, late_hours=0.0, cost_eur=0.0,
            co2_cost_eur=0.0, lateness_penalty_eur=0.0, bonus_eur=0.0, objective_eur=0.0,
            wtw_kg=0.0, ttw_kg=0.0, main_mode=None,
        )  # fmt: skip
    tpl = cands.templates[int(cands.template[c])]
    legs, handling, arrival = _chain(order, arrays, i, tpl, cands.dep[c], timetable, costs)
    late = float(cands.late_h[c])
    cost = sum(x.cost_eur for x in legs) + sum(h.cost_eur for h in handling)
    wtw = sum(x.wtw_kg for x in legs) + sum(h.wtw_kg for h in handling)
    ttw = sum(x.ttw_kg for x in legs) + sum(h.ttw_kg for h in handling)
    lateness = float(arrays.late_rate[i]) * late
    bonus = float(cands.bonus[c])
    co2_cost = co2 / 1000.0 * wtw
    return PlannedOrder(
        id=order.id,
        status="planned",
        reason=None,
        legs=legs,
        handling=handling,
        release=order.release,
        due=order.due,
        arrival=arrival,
        late_hours=late,
        cost_eur=cost,
        co2_cost_eur=co2_cost,
        lateness_penalty_eur=lateness,
        bonus_eur=bonus,
        objective_eur=cost + co2_cost + lateness - bonus,
        wtw_kg=wtw,
        ttw_kg=ttw,
        main_mode=tpl.main_mode.value,
    )


def _chain(
    order: Order,
    arrays: OrderArrays,
    i: int,
    tpl: Template,
    dep: IntArray,
    timetable: Timetable,
    costs: CostModel,
    road: RoadDelays | None = None,
) -> tuple[tuple[PlannedLeg, ...], tuple[Handling, ...], datetime]:
    """Return the legs, handlings and delivery time of ``tpl`` for order ``i`` on ``dep``.

    Trucks leave at release but not before ``arrays.not_before_h`` (replanning's "now"); a
    direct truck waits ``truck_extra_h`` first (handling at the terminal the order waits
    at, listed by the caller); ``road`` slows truck legs as in candidate generation.
    """
    tariff = costs.truck
    tonnes = order.tonnes
    slots = float(arrays.slots[i])
    loose = bool(arrays.loose[i])
    ntr = float(arrays.trucks[i])
    tmin = float(arrays.truck_min[i])
    at = timetable.at
    t = float(arrays.release_h[i])
    go = max(t, float(arrays.not_before_h[i]))
    if tpl.kind is TemplateKind.TRUCK:
        t = go + float(arrays.truck_extra_h[i])
    elif tpl.has_pre:
        t = go
    legs: list[PlannedLeg] = []
    handling: list[Handling] = []
    hubs = list(tpl.hubs)

    def handle(t: float) -> float:
        hub = hubs.pop(0)
        if loose:
            cost = (
                hub.cost_per_tonne * tonnes if hub.cost_per_tonne > 0 else hub.cost_per_teu * slots
            )
        else:
            cost = hub.cost_per_teu * order.teu
        end = t + hub.handling_h
        handling.append(
            Handling(
                location=hub.location, start=at(t), end=at(end), cost_eur=cost,
                category=hub.category, wtw_kg=hub.wtw_per_t * tonnes,
                ttw_kg=hub.ttw_per_t * tonnes,
            )
        )  # fmt: skip
        return end

    for leg in tpl.legs:
        if leg.ride < 0:
            if tpl.kind is not TemplateKind.TRUCK and legs:
                t = handle(t)  # alighting terminal before the end-haul
            cost = ntr * max(tmin, tariff.fixed_eur_per_trip + tariff.eur_per_km * leg.km)
            arrive = t + leg.hours
            if road is not None:
                arrive += road.leg_extra(leg.origin, leg.destination, t)
            legs.append(
                PlannedLeg(
                    mode=Mode.ROAD.value, service_id=None, departure_index=None,
                    origin=leg.origin, destination=leg.destination, depart=at(t),
                    arrive=at(arrive), teu=order.teu, tonnes=tonnes, distance_km=leg.km,
                    cost_eur=cost, category=leg.category, wtw_kg=leg.wtw_per_t * tonnes,
                    ttw_kg=leg.ttw_per_t * tonnes,
                )
            )  # fmt: skip
            t = arrive
            continue
        t = handle(t)  # boarding (or transfer) terminal
        table = timetable.services[leg.service]
        k = int(dep[leg.ride])
        start = float(table.starts_h[k])
        depart = start + float(table.dep_h[leg.board])
        arrive = start + float(table.arr_h[leg.alight])
        svc = table.service
        price = svc.price_per_tonne_eur * tonnes if loose else svc.price_per_teu_eur * order.teu
        legs.append(
            PlannedLeg(
                mode=svc.mode.value, service_id=svc.id, departure_index=int(table.indices[k]),
                origin=leg.origin, destination=leg.destination, depart=at(depart),
                arrive=at(arrive), teu=slots, tonnes=tonnes, distance_km=leg.km,
                cost_eur=price, category=leg.category,
                wtw_kg=leg.wtw_per_t * tonnes + leg.wtw_per_teu * slots,
                ttw_kg=leg.ttw_per_t * tonnes + leg.ttw_per_teu * slots,
            )
        )  # fmt: skip
        t = arrive
    if hubs:
        t = handle(t)  # alighting terminal at the destination
    return tuple(legs), tuple(handling), at(t)
