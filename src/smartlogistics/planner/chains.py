"""Candidate chains: the time-expanded network of the planner, by path enumeration.

For every origin-destination pair the planner first builds **templates**, the static
shapes a chain can take, once, shared by all orders of that pair:

1. truck direct (door to door, no terminal handling);
2. truck pre-haul (if the origin is not the boarding stop) -> handling -> one service
   from stop ``i`` to a later stop ``j`` -> handling -> truck end-haul (if ``j`` is not the
   destination);
3. the same with two services and a transfer (handling and buffer) at a terminal both call
   at, e.g. Schiphol air cargo by road to Aalsmeer, the Aalsmeer shuttle to HCT, then the
   Rhine shuttle to Duisburg.

A template whose truck kilometres (pre + end) are not shorter than the direct truck's is
dropped: it costs more (the truck tariff is subadditive), emits more and arrives later.

Each template is then **dated** per order, vectorised over all orders of the pair: the
first ``K`` departures the order can catch after release + pre-haul + handling + the
mode's buffer (a binary search over the departures' start times), and for a transfer the
first connecting departure of the second service. Templates the order may not use are
skipped: forbidden modes, cooled cargo without reefer terminals or reefer capacity,
dangerous goods where a terminal or service does not take them. A candidate more than
``max_late_h`` late is dropped.

**Dominance**: the truck is uncapacitated, so a capacitated candidate whose objective
(cost + CO2 price + lateness - bonus) is not lower than the order's truck candidate can
never be in an optimal plan; it is dropped.

Emissions are linear in tonnes, so each template carries its WTW and TTW per tonne (and
per TEU for TEU-km categories), taken from the emissions factor table: the same
intensities :func:`~smartlogistics.emissions.calculate_chain` uses, without its per-call
validation cost in the hot path.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np
import numpy.typing as npt

from smartlogistics.emissions.factors import FactorTable
from smartlogistics.network.mode import Mode
from smartlogistics.network.region import Region
from smartlogistics.network.route import NoRouteError
from smartlogistics.planner._timetable import Timetable
from smartlogistics.planner.costs import CostModel
from smartlogistics.planner.order import CargoClass, Order

__all__ = [
    "MODES",
    "CandidateSet",
    "Closure",
    "HubSpec",
    "LegSpec",
    "OrderArrays",
    "RoadDelays",
    "Template",
    "TemplateBuilder",
    "TemplateKind",
    "TruckSlowdown",
    "build_templates",
    "clear_template_cache",
    "generate_candidates",
    "mode_mask",
    "promise_penalty",
    "template_cache_key",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

MODES: tuple[Mode, ...] = tuple(Mode)
"""Modes in a fixed order: bit ``i`` of a mode mask and column ``i`` of ``km_by_mode``."""
_MODE_INDEX = {m: i for i, m in enumerate(MODES)}


def mode_mask(modes: Sequence[Mode] | frozenset[Mode]) -> int:
    """Bit mask of ``modes`` (bit ``i`` for ``MODES[i]``)."""
    out = 0
    for m in modes:
        out |= 1 << _MODE_INDEX[m]
    return out


class TemplateKind(Enum):
    """Shape of a template."""

    TRUCK = "truck"
    SERVICE = "service"
    TRANSFER = "transfer"


@dataclass(frozen=True)
class LegSpec:
    """One transport leg of a template.

    Attributes
    ----------
    mode, origin, destination
        How and between which locations.
    km
        Distance: the road route for a truck, the sum of the mode's shortest paths between
        consecutive stops ridden for a service.
    hours
        Driving time of a truck leg (0 for a service leg: its times come from the timetable).
    category
        Emissions transport operation category.
    wtw_per_t, ttw_per_t, wtw_per_teu, ttw_per_teu
        kg CO2e per tonne (t-km categories) or per TEU (TEU-km categories) of the order.
    ride
        ``-1`` for a truck leg, else 0 or 1: which ride of the template.
    service, board, alight
        Index of the service in the timetable and the stops ridden (``-1`` for trucks).
    """

    mode: Mode
    origin: str
    destination: str
    km: float
    hours: float
    category: str
    wtw_per_t: float
    ttw_per_t: float
    wtw_per_teu: float
    ttw_per_teu: float
    ride: int
    service: int
    board: int
    alight: int


@dataclass(frozen=True)
class HubSpec:
    """One terminal a template's order is handled at.

    Attributes
    ----------
    location
        Terminal location id.
    handling_h
        Handling time.
    cost_per_teu, cost_per_tonne
        The terminal's charges. Containers pay per TEU; loose cargo pays per tonne where
        the terminal has a tonne tariff, else per TEU slot it takes when stuffed.
    category, wtw_per_t, ttw_per_t
        Hub operation category and its intensities per tonne handled.
    """

    location: str
    handling_h: float
    cost_per_teu: float
    cost_per_tonne: float
    category: str
    wtw_per_t: float
    ttw_per_t: float


@dataclass(frozen=True)
class Template:
    """A static chain shape between an origin and a destination (see the module doc).

    The aggregated coefficients make a candidate's cost and emissions a few vector
    operations over the orders of the pair.
    """

    index: int
    kind: TemplateKind
    origin: str
    destination: str
    legs: tuple[LegSpec, ...]
    hubs: tuple[HubSpec, ...]
    rides: tuple[tuple[int, int, int], ...]
    pre_km: float
    pre_h: float
    end_km: float
    end_h: float
    has_pre: bool
    has_end: bool
    modes: int
    reefer_ok: bool
    dg_ok: bool
    price_per_teu: float
    price_per_tonne: float
    hand_per_teu: float
    hand_loose_per_tonne: float
    hand_loose_per_slot: float
    wtw_per_t: float
    ttw_per_t: float
    wtw_per_teu: float
    ttw_per_teu: float
    km_by_mode: tuple[float, ...]
    main_mode: Mode
    board_h: float
    transfer_h: float
    alight_h: float
    buffer1_h: float
    buffer2_h: float


@dataclass(frozen=True, eq=False)
class OrderArrays:
    """The orders as columns (hours since the timetable's ``t0``).

    ``not_before_h`` and the ``truck_extra_*`` columns serve replanning: nothing may
    leave before "now", and an order waiting at a terminal mid-chain pays that terminal's
    handling (cost, hours, emissions) when it continues by a direct truck. They are
    ``-inf`` and zeros for a fresh plan.
    """

    orders: tuple[Order, ...]
    release_h: FloatArray
    due_h: FloatArray
    teu: FloatArray
    tonnes: FloatArray
    slots: FloatArray
    loose: BoolArray
    cooled: BoolArray
    dangerous: BoolArray
    late_rate: FloatArray
    trucks: FloatArray
    truck_min: FloatArray
    forbid: IntArray
    prefer: IntArray
    not_before_h: FloatArray
    truck_extra_eur: FloatArray
    truck_extra_h: FloatArray
    truck_extra_wtw: FloatArray
    truck_extra_ttw: FloatArray

    @classmethod
    def build(
        cls,
        orders: Sequence[Order],
        timetable: Timetable,
        costs: CostModel,
        *,
        not_before_h: FloatArray | None = None,
        truck_extra: tuple[FloatArray, FloatArray, FloatArray, FloatArray] | None = None,
    ) -> OrderArrays:
        """Columns of ``orders`` for ``timetable`` and ``costs``.

        ``truck_extra`` is (EUR, hours, WTW kg, TTW kg) per order, see the class doc.
        """
        n = len(orders)
        extra = truck_extra if truck_extra is not None else tuple(np.zeros(n) for _ in range(4))
        t0 = timetable.t0.timestamp()
        tariff = costs.truck

        def col(values: list[float]) -> FloatArray:
            return np.array(values, dtype=np.float64)

        teu = col([o.teu for o in orders])
        tonnes = col([o.tonnes for o in orders])
        loose = np.array([not o.cargo_class.is_containerised for o in orders], dtype=np.bool_)
        return cls(
            orders=tuple(orders),
            release_h=col([(o.release.timestamp() - t0) / 3600.0 for o in orders]),
            due_h=col([(o.due.timestamp() - t0) / 3600.0 for o in orders]),
            teu=teu,
            tonnes=tonnes,
            slots=col([o.slots_teu for o in orders]),
            loose=loose,
            cooled=np.array([o.cargo_class.needs_cooling for o in orders], dtype=np.bool_),
            dangerous=np.array(
                [o.cargo_class is CargoClass.DANGEROUS_GOODS for o in orders], dtype=np.bool_
            ),
            late_rate=col([costs.lateness_rate(o.cargo_class) for o in orders]),
            trucks=col([float(tariff.trucks(o.teu, o.tonnes)) for o in orders]),
            truck_min=col([tariff.minimum_eur(o.teu) for o in orders]),
            forbid=np.array([mode_mask(o.forbidden_modes) for o in orders], dtype=np.int64),
            prefer=np.array([mode_mask(o.preferred_modes) for o in orders], dtype=np.int64),
            not_before_h=not_before_h if not_before_h is not None else np.full(n, -np.inf),
            truck_extra_eur=extra[0],
            truck_extra_h=extra[1],
            truck_extra_wtw=extra[2],
            truck_extra_ttw=extra[3],
        )

    def __len__(self) -> int:
        return len(self.orders)


@dataclass(frozen=True, eq=False)
class CandidateSet:
    """All candidates of all orders, sorted by order then objective.

    Attributes
    ----------
    templates
        Every template, by index.
    order, template
        Order index and template index of each candidate.
    dep
        Local departure index of ride 0 and ride 1 (``-1`` where none), shape (n, 2).
    arrival_h, late_h
        Delivery at the destination (hours since ``t0``) and hours late.
    money, wtw_kg, ttw_kg, bonus, objective
        Transport + handling cost (EUR), emissions, the preferred-mode bonus and the
        objective (money + CO2 price x WTW + lateness penalty - bonus).
    res_ptr, res_row, res_val
        Resource usage in CSR form: candidate ``c`` uses ``res_val[res_ptr[c]:res_ptr[c+1]]``
        of the resource rows ``res_row[...]`` (``3 * segment + kind``).
    truck
        Candidate index of each order's direct truck, ``-1`` where it has none.
    first
        Index of each order's first (cheapest) candidate; ``first[o] == first[o + 1]``
        for an order without candidates.
    reasons
        Why each order without candidates has none.
    """

    templates: tuple[Template, ...]
    order: IntArray
    template: IntArray
    dep: IntArray
    arrival_h: FloatArray
    late_h: FloatArray
    money: FloatArray
    wtw_kg: FloatArray
    ttw_kg: FloatArray
    bonus: FloatArray
    objective: FloatArray
    res_ptr: IntArray
    res_row: IntArray
    res_val: FloatArray
    truck: IntArray
    first: IntArray
    reasons: Mapping[int, str]

    def __len__(self) -> int:
        return len(self.order)


# -- templates ------------------------------------------------------------------------------


class _Roads:
    """Cached road routes (km, hours) between locations; ``None`` where there is none."""

    def __init__(self, region: Region) -> None:
        self._region = region
        self._cache: dict[tuple[str, str], tuple[float, float] | None] = {}

    def get(self, a: str, b: str) -> tuple[float, float] | None:
        key = (a, b)
        if key not in self._cache:
            try:
                route = self._region.route(a, b, Mode.ROAD)
            except NoRouteError:
                self._cache[key] = None
            else:
                self._cache[key] = (route.distance_km, route.travel_time_h)
        return self._cache[key]


class _TemplateStore:
    """The templates of one key (see :func:`template_cache_key`), shared by its builders."""

    def __init__(self, region: Region) -> None:
        self.lock = threading.RLock()
        self.templates: list[Template] = []
        self.by_od: dict[tuple[str, str], list[int]] = {}
        self.truck_legs: dict[tuple[str, str], LegSpec] = {}
        self.ride_legs: dict[tuple[int, int, int, int], LegSpec] = {}
        self.hubs: dict[str, HubSpec] = {}
        self.roads = _Roads(region)
        self.columns: _TemplateColumns | None = None


_STORE_SIZE = 8
_stores: OrderedDict[str, _TemplateStore] = OrderedDict()
_stores_lock = threading.Lock()
_region_prints: weakref.WeakKeyDictionary[Region, str] = weakref.WeakKeyDictionary()


def _region_print(region: Region) -> str:
    """Digest of what templates use of ``region``: locations, links, terminals (memoised).

    Regions are immutable, so the digest is computed once per region object. Services are
    not part of it: they enter the key through the timetable.
    """
    found = _region_prints.get(region)
    if found is None:
        h = hashlib.blake2b(digest_size=20)
        for loc in region.locations.values():
            h.update(loc.model_dump_json().encode())
        h.update(b"|links")
        for link in region.links:
            h.update(link.model_dump_json().encode())
        h.update(b"|terminals")
        for term in region.terminals.values():
            h.update(term.model_dump_json().encode())
        found = _region_prints[region] = h.hexdigest()
    return found


def template_cache_key(
    region: Region,
    timetable: Timetable,
    costs: CostModel,
    factors: FactorTable,
    co2_price_eur_per_tonne: float,
) -> str:
    """Key of the templates built from these inputs (a digest of everything they use).

    Templates depend on the region's roads and terminals, on the *structure* of the
    timetable (per table and in its order: the service with all its fields, stops, stop
    offsets and segment distances; not the dated starts, which only the dating uses), on
    the cost model (truck tariff, buffers, bonus), on the emissions categories of the road,
    the hubs and the services' vehicles, and on the CO2 price (static dominance). Equal
    keys give equal templates, so :class:`TemplateBuilder` shares them between calls.
    """
    h = hashlib.blake2b(digest_size=20)
    h.update(_region_print(region).encode())
    for t in timetable.services:
        h.update(b"|table")
        h.update(t.service.model_dump_json().encode())
        h.update(repr(t.locations).encode())
        for a in (t.arr_h, t.dep_h, t.seg_km):
            h.update(np.ascontiguousarray(a, dtype=np.float64).tobytes())
    h.update(b"|costs")
    h.update(costs.model_dump_json().encode())
    h.update(b"|factors")
    h.update(factors.default_toc(Mode.ROAD).model_dump_json().encode())
    h.update(factors.default_hub().model_dump_json().encode())
    for category in sorted({t.service.vehicle_category for t in timetable.services}):
        h.update(factors.toc(category).model_dump_json().encode())
    h.update(f"|co2 {float(co2_price_eur_per_tonne)!r}".encode())
    return h.hexdigest()


def _store(key: str, region: Region) -> _TemplateStore:
    with _stores_lock:
        found = _stores.get(key)
        if found is None:
            found = _stores[key] = _TemplateStore(region)
            while len(_stores) > _STORE_SIZE:
                _stores.popitem(last=False)
        else:
            _stores.move_to_end(key)
        return found


def clear_template_cache() -> None:
    """Forget every cached template (they are rebuilt on demand)."""
    with _stores_lock:
        _stores.clear()


class TemplateBuilder:
    """Builds the templates of origin-destination pairs, cached across calls.

    The templates of a pair depend only on the inputs hashed by
    :func:`template_cache_key`, so builders with equal keys share one store (the last
    ``8`` keys are kept): replanning on a disrupted timetable of the same structure, or a
    second plan on the same network, does not build them again. Templates refer to
    services by their position in the timetable; the dated starts are read from the
    builder's own ``timetable``. ``cache=False`` builds a private store.
    """

    def __init__(
        self,
        region: Region,
        timetable: Timetable,
        costs: CostModel,
        factors: FactorTable,
        co2_price_eur_per_tonne: float,
        *,
        cache: bool = True,
    ) -> None:
        self.region = region
        self._co2 = co2_price_eur_per_tonne / 1000.0
        self._cum_km = [[0.0, *np.cumsum(t.seg_km).tolist()] for t in timetable.services]
        self._road_ok = {loc for loc, t in region.terminals.items() if t.serves(Mode.ROAD)}
        self._calls_at: dict[str, list[tuple[int, int]]] = {}
        for s, t in enumerate(timetable.services):
            for m, loc in enumerate(t.locations[:-1]):
                self._calls_at.setdefault(loc, []).append((s, m))
        self.timetable = timetable
        self.costs = costs
        if cache:
            key = template_cache_key(region, timetable, costs, factors, co2_price_eur_per_tonne)
            store = _store(key, region)
        else:
            store = _TemplateStore(region)
        self._store = store
        self.roads = store.roads
        self.templates: list[Template] = store.templates
        road = factors.default_toc(Mode.ROAD)
        self._road_category = road.id
        self._road_wtw = road.wtw_kg_per_unit_km
        self._road_ttw = road.ttw_kg_per_unit_km
        hub = factors.default_hub()
        self._hub = hub
        self._tocs = {
            t.service.vehicle_category: factors.toc(t.service.vehicle_category)
            for t in timetable.services
        }
        self._by_od = store.by_od
        self._truck_legs = store.truck_legs
        self._ride_legs = store.ride_legs
        self._hubs = store.hubs

    def columns(self) -> _TemplateColumns:
        """Return the templates as numpy columns (cached with them, rebuilt when grown)."""
        store = self._store
        with store.lock:
            cols = store.columns
            if cols is None or cols.n != len(store.templates):
                cols = store.columns = _TemplateColumns(store.templates)
            return cols

    # helpers
    def _truck_leg(self, a: str, b: str, km: float, hours: float) -> LegSpec:
        key = (a, b)
        leg = self._truck_legs.get(key)
        if leg is None:
            leg = self._truck_legs[key] = self._new_truck_leg(a, b, km, hours)
        return leg

    def _new_truck_leg(self, a: str, b: str, km: float, hours: float) -> LegSpec:
        return LegSpec(
            mode=Mode.ROAD, origin=a, destination=b, km=km, hours=hours,
            category=self._road_category, wtw_per_t=self._road_wtw * km,
            ttw_per_t=self._road_ttw * km, wtw_per_teu=0.0, ttw_per_teu=0.0,
            ride=-1, service=-1, board=-1, alight=-1,
        )  # fmt: skip

    def _ride_leg(self, ride: int, s: int, board: int, alight: int) -> LegSpec:
        key = (ride, s, board, alight)
        leg = self._ride_legs.get(key)
        if leg is None:
            leg = self._ride_legs[key] = self._new_ride_leg(ride, s, board, alight)
        return leg

    def _new_ride_leg(self, ride: int, s: int, board: int, alight: int) -> LegSpec:
        table = self.timetable.services[s]
        toc = self._tocs[table.service.vehicle_category]
        km = table.km(board, alight)
        per_teu = toc.unit == "teu_km"
        wtw, ttw = toc.wtw_kg_per_unit_km * km, toc.ttw_kg_per_unit_km * km
        return LegSpec(
            mode=table.service.mode, origin=table.locations[board],
            destination=table.locations[alight], km=km, hours=0.0, category=toc.id,
            wtw_per_t=0.0 if per_teu else wtw, ttw_per_t=0.0 if per_teu else ttw,
            wtw_per_teu=wtw if per_teu else 0.0, ttw_per_teu=ttw if per_teu else 0.0,
            ride=ride, service=s, board=board, alight=alight,
        )  # fmt: skip

    def _hub_spec(self, location: str) -> HubSpec:
        hub = self._hubs.get(location)
        if hub is None:
            hub = self._hubs[location] = self._new_hub_spec(location)
        return hub

    def _new_hub_spec(self, location: str) -> HubSpec:
        terminal = self.region.terminals[location]
        return HubSpec(
            location=location, handling_h=terminal.handling_time_h,
            cost_per_teu=terminal.cost_per_teu_eur, cost_per_tonne=terminal.cost_per_tonne_eur,
            category=self._hub.id, wtw_per_t=self._hub.wtw_kg_per_tonne,
            ttw_per_t=self._hub.ttw_kg_per_tonne,
        )  # fmt: skip

    def _add(
        self,
        kind: TemplateKind,
        origin: str,
        destination: str,
        rides: tuple[tuple[int, int, int], ...],
        pre: tuple[float, float],
        end: tuple[float, float],
    ) -> int:
        legs: list[LegSpec] = []
        hubs: list[HubSpec] = []
        tables = self.timetable.services
        if kind is TemplateKind.TRUCK:
            legs.append(self._truck_leg(origin, destination, pre[0], pre[1]))
        else:
            first = tables[rides[0][0]]
            last = tables[rides[-1][0]]
            board_loc = first.locations[rides[0][1]]
            alight_loc = last.locations[rides[-1][2]]
            if origin != board_loc:
                legs.append(self._truck_leg(origin, board_loc, pre[0], pre[1]))
            hubs.append(self._hub_spec(board_loc))
            for r, (s, i, j) in enumerate(rides):
                legs.append(self._ride_leg(r, s, i, j))
                if r + 1 < len(rides):
                    hubs.append(self._hub_spec(tables[s].locations[j]))
            hubs.append(self._hub_spec(alight_loc))
            if alight_loc != destination:
                legs.append(self._truck_leg(alight_loc, destination, end[0], end[1]))
        services = [tables[s].service for s, _, _ in rides]
        terminals = [self.region.terminals[h.location] for h in hubs]
        km_by_mode = [0.0] * len(MODES)
        for leg in legs:
            km_by_mode[_MODE_INDEX[leg.mode]] += leg.km
        main = services[0].mode if services else Mode.ROAD
        index = len(self.templates)
        self.templates.append(
            Template(
                index=index,
                kind=kind,
                origin=origin,
                destination=destination,
                legs=tuple(legs),
                hubs=tuple(hubs),
                rides=rides,
                pre_km=pre[0] if kind is not TemplateKind.TRUCK else 0.0,
                pre_h=pre[1] if kind is not TemplateKind.TRUCK else 0.0,
                end_km=end[0],
                end_h=end[1],
                has_pre=kind is not TemplateKind.TRUCK and pre[0] > 0,
                has_end=end[0] > 0,
                modes=mode_mask(frozenset(leg.mode for leg in legs)),
                reefer_ok=all(t.reefer for t in terminals)
                and all(s.reefer_capacity_teu > 0 for s in services),
                dg_ok=all(t.dangerous_goods for t in terminals)
                and all(s.dangerous_goods for s in services),
                price_per_teu=sum(s.price_per_teu_eur for s in services),
                price_per_tonne=sum(s.price_per_tonne_eur for s in services),
                hand_per_teu=sum(h.cost_per_teu for h in hubs),
                hand_loose_per_tonne=sum(h.cost_per_tonne for h in hubs if h.cost_per_tonne > 0),
                hand_loose_per_slot=sum(h.cost_per_teu for h in hubs if h.cost_per_tonne == 0),
                wtw_per_t=sum(x.wtw_per_t for x in legs) + sum(h.wtw_per_t for h in hubs),
                ttw_per_t=sum(x.ttw_per_t for x in legs) + sum(h.ttw_per_t for h in hubs),
                wtw_per_teu=sum(x.wtw_per_teu for x in legs),
                ttw_per_teu=sum(x.ttw_per_teu for x in legs),
                km_by_mode=tuple(km_by_mode),
                main_mode=main,
                board_h=hubs[0].handling_h if hubs else 0.0,
                transfer_h=hubs[1].handling_h if len(hubs) == 3 else 0.0,
                alight_h=hubs[-1].handling_h if hubs else 0.0,
                buffer1_h=self.costs.buffer_for(services[0].mode) if services else 0.0,
                buffer2_h=self.costs.buffer_for(services[1].mode) if len(services) > 1 else 0.0,
            )
        )
        return index

    def _ride(self, s: int, i: int, j: int) -> tuple[float, float]:
        """WTW per tonne and scheduled hours of riding service ``s`` from stop i to j."""
        table = self.timetable.services[s]
        toc = self._tocs[table.service.vehicle_category]
        cum = self._cum_km[s]
        per_t = toc.wtw_kg_per_unit_km * (cum[j] - cum[i]) if toc.unit == "t_km" else 0.0
        return per_t, float(table.arr_h[j] - table.dep_h[i])

    def _dominated(
        self,
        direct: tuple[float, float] | None,
        pre: tuple[float, float],
        end: tuple[float, float],
        rides: tuple[tuple[int, int, int], ...],
        hubs: tuple[str, ...],
    ) -> bool:
        """Whether the direct truck beats this template for *every* order (exact test).

        Per truck the template's truck legs cost ``A`` more than the direct truck (at both
        minimum charges); at most ``max_tonnes`` per truck it can save ``co2 x dWTW`` in
        CO2 cost; the preferred-mode bonus is at most one bonus per order; and if even its
        fastest timing arrives no earlier than the truck, it is never less late.
        """
        if direct is None or (pre[0] == 0 and end[0] == 0):
            return False
        tariff = self.costs.truck
        a = float("inf")
        for minimum in (tariff.min_drayage_20ft_eur, tariff.min_drayage_40ft_eur):

            def trip(km: float, minimum: float = minimum) -> float:
                return max(minimum, tariff.fixed_eur_per_trip + tariff.eur_per_km * km)

            extra = (trip(pre[0]) if pre[0] > 0 else 0.0) + (trip(end[0]) if end[0] > 0 else 0.0)
            a = min(a, extra - trip(direct[0]))
        w_template = self._road_wtw * (pre[0] + end[0]) + self._hub.wtw_kg_per_tonne * len(hubs)
        hours = pre[1] + end[1]
        for s, i, j in rides:
            w, h = self._ride(s, i, j)
            w_template += w
            hours += h + self.costs.buffer_for(self.timetable.services[s].service.mode)
        hours += sum(self.region.terminals[h].handling_time_h for h in hubs)
        saving = max(0.0, self._road_wtw * direct[0] - w_template) * tariff.max_tonnes
        if a - self._co2 * saving < self.costs.preferred_mode_bonus_eur:
            return False
        return hours >= direct[1]

    def for_od(self, origin: str, destination: str) -> list[int]:
        """Indexes of the templates from ``origin`` to ``destination`` (truck first if any)."""
        key = (origin, destination)
        found = self._by_od.get(key)
        if found is not None:
            return found
        with self._store.lock:
            found = self._by_od.get(key)
            if found is None:
                found = self._by_od[key] = self._build_od(origin, destination)
            return found

    def _build_od(self, origin: str, destination: str) -> list[int]:
        out: list[int] = []
        direct = self.roads.get(origin, destination)
        limit = direct[0] if direct is not None else float("inf")
        if direct is not None:
            out.append(self._add(TemplateKind.TRUCK, origin, destination, (), direct, (0, 0)))
        road_ok = self._road_ok

        def haul(a: str, b: str, terminal: str) -> tuple[float, float] | None:
            if a == b:
                return (0.0, 0.0)
            if terminal not in road_ok:
                return None
            return self.roads.get(a, b)

        tables = self.timetable.services
        for s, table in enumerate(tables):
            locs = table.locations
            for i in range(len(locs) - 1):
                if locs[i] == destination:
                    continue
                pre = haul(origin, locs[i], locs[i])
                if pre is None or pre[0] >= limit:
                    continue
                for j in range(i + 1, len(locs)):
                    if locs[j] == origin or locs[j] == locs[i]:
                        continue
                    end = haul(locs[j], destination, locs[j])
                    if end is None or pre[0] + end[0] >= limit:
                        continue
                    rides: tuple[tuple[int, int, int], ...] = ((s, i, j),)
                    if self._dominated(direct, pre, end, rides, (locs[i], locs[j])):
                        continue
                    out.append(
                        self._add(TemplateKind.SERVICE, origin, destination, rides, pre, end)
                    )
        for s1, t1 in enumerate(tables):
            l1 = t1.locations
            for i in range(len(l1) - 1):
                if l1[i] == destination:
                    continue
                pre = haul(origin, l1[i], l1[i])
                if pre is None or pre[0] >= limit:
                    continue
                for m in range(i + 1, len(l1)):
                    k_loc = l1[m]
                    if k_loc in (origin, destination, l1[i]):
                        continue
                    later1 = set(l1[m + 1 :])
                    for s2, m2 in self._calls_at.get(k_loc, ()):
                        if s2 == s1:
                            continue
                        l2 = tables[s2].locations
                        if l1[i] in l2[:m2]:
                            continue
                        for j in range(m2 + 1, len(l2)):
                            j_loc = l2[j]
                            if j_loc in (origin, k_loc, l1[i]) or j_loc in later1:
                                continue
                            end = haul(j_loc, destination, j_loc)
                            if end is None or pre[0] + end[0] >= limit:
                                continue
                            rides = ((s1, i, m), (s2, m2, j))
                            if self._dominated(direct, pre, end, rides, (l1[i], k_loc, j_loc)):
                                continue
                            out.append(
                                self._add(
                                    TemplateKind.TRANSFER, origin, destination, rides, pre, end
                                )
                            )
        return out


def build_templates(
    region: Region,
    timetable: Timetable,
    costs: CostModel,
    factors: FactorTable,
    pairs: Sequence[tuple[str, str]],
    co2_price_eur_per_tonne: float,
) -> TemplateBuilder:
    """Build the templates of every origin-destination pair in ``pairs``."""
    builder = TemplateBuilder(region, timetable, costs, factors, co2_price_eur_per_tonne)
    for od in pairs:
        builder.for_od(*od)
    return builder


# -- candidates -----------------------------------------------------------------------------


class _TemplateColumns:
    """The templates as numpy columns, indexed by template id."""

    def __init__(self, templates: Sequence[Template]) -> None:
        self.n = len(templates)

        def col(fn: Callable[[Template], float]) -> FloatArray:
            return np.array([fn(t) for t in templates], dtype=np.float64)

        def icol(fn: Callable[[Template], int]) -> IntArray:
            return np.array([fn(t) for t in templates], dtype=np.int64)

        self.kind = icol(lambda t: _KIND_CODE[t.kind])
        self.modes = icol(lambda t: t.modes)
        self.reefer_ok = np.array([t.reefer_ok for t in templates], dtype=np.bool_)
        self.dg_ok = np.array([t.dg_ok for t in templates], dtype=np.bool_)
        self.price_teu = col(lambda t: t.price_per_teu)
        self.price_t = col(lambda t: t.price_per_tonne)
        self.hand_teu = col(lambda t: t.hand_per_teu)
        self.hand_lt = col(lambda t: t.hand_loose_per_tonne)
        self.hand_ls = col(lambda t: t.hand_loose_per_slot)
        self.wtw_t = col(lambda t: t.wtw_per_t)
        self.ttw_t = col(lambda t: t.ttw_per_t)
        self.wtw_teu = col(lambda t: t.wtw_per_teu)
        self.ttw_teu = col(lambda t: t.ttw_per_teu)
        self.pre_km = col(lambda t: t.pre_km if t.has_pre else 0.0)
        self.end_km = col(lambda t: t.end_km if t.has_end else 0.0)
        self.has_pre = np.array([t.has_pre for t in templates], dtype=np.bool_)
        self.has_end = np.array([t.has_end for t in templates], dtype=np.bool_)
        self.truck_km = col(lambda t: t.legs[0].km if t.kind is TemplateKind.TRUCK else 0.0)
        self.truck_h = col(lambda t: t.legs[0].hours if t.kind is TemplateKind.TRUCK else 0.0)
        # time offsets: ready-to-board shift and the constant parts of the arrival
        self.lead1 = col(lambda t: t.pre_h + t.board_h + t.buffer1_h)
        self.tail = col(lambda t: t.alight_h + t.end_h)
        self.lead2 = col(lambda t: t.transfer_h + t.buffer2_h)
        self.s1 = icol(lambda t: t.rides[0][0] if t.rides else -1)
        self.i1 = icol(lambda t: t.rides[0][1] if t.rides else 0)
        self.j1 = icol(lambda t: t.rides[0][2] if t.rides else 0)
        self.s2 = icol(lambda t: t.rides[1][0] if len(t.rides) > 1 else -1)
        self.i2 = icol(lambda t: t.rides[1][1] if len(t.rides) > 1 else 0)
        self.j2 = icol(lambda t: t.rides[1][2] if len(t.rides) > 1 else 0)
        self.alight_h = col(lambda t: t.alight_h)
        # terminals called at: boarding, transfer, alighting (codes; -1 where none)
        self.loc_code: dict[str, int] = {}
        for t in templates:
            for h in t.hubs:
                self.loc_code.setdefault(h.location, len(self.loc_code))
        code = self.loc_code
        self.board_loc = icol(lambda t: code[t.hubs[0].location] if t.hubs else -1)
        self.mid_loc = icol(lambda t: code[t.hubs[1].location] if len(t.hubs) == 3 else -1)
        self.alight_loc = icol(lambda t: code[t.hubs[-1].location] if t.hubs else -1)


_KIND_CODE = {TemplateKind.TRUCK: 0, TemplateKind.SERVICE: 1, TemplateKind.TRANSFER: 2}


class _ServiceColumns:
    """All services' departures in one sorted array (service s shifted by s x BIG)."""

    BIG = 1.0e7

    def __init__(self, timetable: Timetable) -> None:
        tables = timetable.services
        n_stops = max((len(t.locations) for t in tables), default=1)
        self.arr = np.zeros((max(len(tables), 1), n_stops))
        self.dep = np.zeros((max(len(tables), 1), n_stops))
        keys: list[FloatArray] = []
        lo: list[int] = []
        pos = 0
        for s, t in enumerate(tables):
            self.arr[s, : len(t.locations)] = t.arr_h
            self.dep[s, : len(t.locations)] = t.dep_h
            keys.append(t.starts_h + s * self.BIG)
            lo.append(pos)
            pos += len(t.starts_h)
        lo.append(pos)
        self.keys = np.concatenate(keys) if keys else np.empty(0)
        self.starts = self.keys - np.repeat(
            np.arange(len(tables), dtype=np.float64) * self.BIG,
            [len(t.starts_h) for t in tables],
        )
        self.lo = np.array(lo, dtype=np.int64)
        self.n_seg = np.array([t.n_segments for t in tables] + [0], dtype=np.int64)
        self.seg_base = np.array([t.seg_base for t in tables] + [0], dtype=np.int64)

    def first_after(self, s: IntArray, t: FloatArray) -> tuple[IntArray, BoolArray]:
        """Local index of the first departure of service ``s`` starting at or after ``t``."""
        pos = np.searchsorted(self.keys, s * self.BIG + t, side="left").astype(np.int64)
        return pos - self.lo[s], pos < self.lo[s + 1]


def _spread(start: IntArray, width: IntArray) -> IntArray:
    """Concatenate ``arange(start[c], start[c] + width[c])`` over all ``c``."""
    total = int(width.sum())
    offsets = np.zeros(len(width), dtype=np.int64)
    np.cumsum(width[:-1], out=offsets[1:])
    return np.repeat(start - offsets, width) + np.arange(total, dtype=np.int64)


@dataclass(frozen=True)
class TruckSlowdown:
    """Slower trucking on some road links in a time window (replanning).

    A truck leg that *starts* in ``[start_h, end_h)`` spends ``factor`` times the normal
    time on every affected link of its road route.

    Attributes
    ----------
    links
        Directed road links ``(from, to)`` affected; ``None`` for every road link.
    factor
        Multiplier of the travel time (> 1).
    start_h, end_h
        The window, hours since the timetable's ``t0``.
    """

    links: frozenset[tuple[str, str]] | None
    factor: float
    start_h: float
    end_h: float


@dataclass(frozen=True)
class Closure:
    """A terminal where nothing boards or alights in ``[start_h, end_h)`` (replanning)."""

    location: str
    start_h: float
    end_h: float


class RoadDelays:
    """Extra driving hours of truck legs under :class:`TruckSlowdown` windows."""

    def __init__(self, region: Region, slowdowns: Sequence[TruckSlowdown]) -> None:
        self.region = region
        self.slowdowns = tuple(slowdowns)
        self._affected: dict[tuple[str, str], tuple[float, ...]] = {}

    def affected_h(self, a: str, b: str) -> tuple[float, ...]:
        """Return the normal hours on affected links of the road route ``a -> b``, per slowdown."""
        key = (a, b)
        found = self._affected.get(key)
        if found is None:
            if a == b or not self.slowdowns:
                found = tuple(0.0 for _ in self.slowdowns)
            else:
                try:
                    links = self.region.route(a, b, Mode.ROAD).links
                except NoRouteError:
                    links = ()
                found = tuple(
                    sum(
                        x.travel_time_h
                        for x in links
                        if sd.links is None or (x.origin, x.destination) in sd.links
                    )
                    for sd in self.slowdowns
                )
            self._affected[key] = found
        return found

    def extra(self, affected: FloatArray, start_h: FloatArray) -> FloatArray:
        """Extra hours of legs with ``affected`` (n, slowdowns) hours starting at ``start_h``."""
        out = np.zeros(len(start_h))
        for w, sd in enumerate(self.slowdowns):
            inside = (start_h >= sd.start_h) & (start_h < sd.end_h)
            out += np.where(inside, (sd.factor - 1.0) * affected[:, w], 0.0)
        return out

    def leg_extra(self, a: str, b: str, start_h: float) -> float:
        """Extra hours of one truck leg ``a -> b`` starting at ``start_h``."""
        aff = np.array([self.affected_h(a, b)], dtype=np.float64).reshape(1, -1)
        return float(self.extra(aff, np.array([start_h]))[0])


def generate_candidates(
    orders: OrderArrays,
    builder: TemplateBuilder,
    costs: CostModel,
    co2_price_eur_per_tonne: float,
    candidates_per_template: int = 2,
    *,
    lateness_policy: str | None = None,
    keep_slack: FloatArray | None = None,
    closures: Sequence[Closure] = (),
    road_delays: RoadDelays | None = None,
) -> CandidateSet:
    """Date every template for every order and keep the non-dominated candidates.

    Vectorised over all (order, template) pairs at once; see the module doc for the rules.

    Parameters
    ----------
    orders
        The orders as columns.
    builder
        The templates (built for every pair of ``orders``).
    costs
        The cost model.
    co2_price_eur_per_tonne
        EUR per tonne CO2e (WTW) in the objective.
    candidates_per_template
        How many consecutive catchable departures per template and order (``K``).
    lateness_policy
        ``"hard_when_feasible"`` or ``"soft"``; default the cost model's.
    keep_slack
        Per order, EUR added to the truck's objective in the dominance test (replanning:
        the change penalty a move to the truck would pay), default 0.
    closures
        Terminals closed for boarding and alighting in a window (replanning).
    road_delays
        Slower truck legs in windows (replanning).

    Returns
    -------
    CandidateSet
        Sorted by order, then objective (the truck first among equals).
    """
    policy = lateness_policy if lateness_policy is not None else costs.lateness_policy
    hard = policy == "hard_when_feasible"
    tc = builder.columns()
    sc = _ServiceColumns(builder.timetable)
    tariff = costs.truck
    cap = costs.max_late_h
    co2 = co2_price_eur_per_tonne / 1000.0
    n_orders = len(orders)
    # (order, template) pairs of every origin-destination group
    groups: dict[tuple[str, str], list[int]] = {}
    for i, o in enumerate(orders.orders):
        groups.setdefault((o.origin, o.destination), []).append(i)
    po_parts: list[IntArray] = []
    pt_parts: list[IntArray] = []
    for od, members in groups.items():
        tpls = np.array(builder.for_od(*od), dtype=np.int64)
        if len(tpls) == 0:
            continue
        m = np.array(members, dtype=np.int64)
        po_parts.append(np.repeat(m, len(tpls)))
        pt_parts.append(np.tile(tpls, len(m)))
    po = np.concatenate(po_parts) if po_parts else np.empty(0, dtype=np.int64)
    pt = np.concatenate(pt_parts) if pt_parts else np.empty(0, dtype=np.int64)
    ok = (orders.forbid[po] & tc.modes[pt]) == 0
    ok &= tc.reefer_ok[pt] | ~orders.cooled[po]
    ok &= tc.dg_ok[pt] | ~orders.dangerous[po]
    po, pt = po[ok], pt[ok]
    compatible = np.zeros(n_orders, dtype=np.bool_)
    compatible[po] = True
    caught = np.zeros(n_orders, dtype=np.bool_)

    tonnes, slots, teu = orders.tonnes[po], orders.slots[po], orders.teu[po]
    loose, ntr, tmin = orders.loose[po], orders.trucks[po], orders.truck_min[po]
    wtw = tonnes * tc.wtw_t[pt] + slots * tc.wtw_teu[pt]
    ttw = tonnes * tc.ttw_t[pt] + slots * tc.ttw_teu[pt]
    bonus = np.where((orders.prefer[po] & tc.modes[pt]) != 0, costs.preferred_mode_bonus_eur, 0.0)
    fixed, per_km = tariff.fixed_eur_per_trip, tariff.eur_per_km
    money = np.where(
        loose,
        tc.price_t[pt] * tonnes + tc.hand_lt[pt] * tonnes + tc.hand_ls[pt] * slots,
        (tc.price_teu[pt] + tc.hand_teu[pt]) * teu,
    )
    money += np.where(tc.has_pre[pt], ntr * np.maximum(tmin, fixed + per_km * tc.pre_km[pt]), 0.0)
    money += np.where(tc.has_end[pt], ntr * np.maximum(tmin, fixed + per_km * tc.end_km[pt]), 0.0)
    is_truck = tc.kind[pt] == 0
    money = np.where(is_truck, ntr * np.maximum(tmin, fixed + per_km * tc.truck_km[pt]), money)
    # a direct truck from a terminal the order waits at pays that terminal's handling
    money += np.where(is_truck, orders.truck_extra_eur[po], 0.0)
    wtw += np.where(is_truck, orders.truck_extra_wtw[po], 0.0)
    ttw += np.where(is_truck, orders.truck_extra_ttw[po], 0.0)
    static = money + co2 * wtw - bonus
    rel, due, rate = orders.release_h[po], orders.due_h[po], orders.late_rate[po]
    go = np.maximum(rel, orders.not_before_h[po])  # trucks leave at release, not before now
    aff = _affected_columns(builder, road_delays)

    # trucks
    tr = np.nonzero(is_truck)[0]
    tr_start = go[tr] + orders.truck_extra_h[po[tr]]
    tr_arr = tr_start + tc.truck_h[pt[tr]]
    if road_delays is not None:
        tr_arr += road_delays.extra(aff["direct"][pt[tr]], tr_start)
    tr_late = np.maximum(0.0, tr_arr - due[tr])
    caught[po[tr]] = True
    keep_tr = tr_late <= cap
    tr, tr_arr, tr_late = tr[keep_tr], tr_arr[keep_tr], tr_late[keep_tr]

    sv = np.nonzero(~is_truck)[0]
    s1, i1, j1 = tc.s1[pt[sv]], tc.i1[pt[sv]], tc.j1[pt[sv]]
    s2, i2, j2 = tc.s2[pt[sv]], tc.i2[pt[sv]], tc.j2[pt[sv]]
    transfer = tc.kind[pt[sv]] == 2
    s2c = np.where(transfer, s2, 0)
    pre_go = np.where(tc.has_pre[pt[sv]], go[sv], rel[sv])
    ready = pre_go + tc.lead1[pt[sv]]
    if road_delays is not None:
        ready += road_delays.extra(aff["pre"][pt[sv]], pre_go)
    # board a departure that leaves at or after the order is ready, and not before now
    ready = np.maximum(ready, orders.not_before_h[po[sv]])
    k0, _ = sc.first_after(s1, ready - sc.dep[s1, i1])
    picks: list[tuple[IntArray, IntArray, IntArray, FloatArray, FloatArray]] = []
    for r in range(candidates_per_template):
        k1 = k0 + r
        valid = (k1 + sc.lo[s1]) < sc.lo[s1 + 1]
        g1 = np.minimum(k1 + sc.lo[s1], sc.lo[s1 + 1] - 1)
        start1 = sc.starts[g1]
        at_k = start1 + sc.arr[s1, j1]
        k2, ok2 = sc.first_after(s2c, at_k + tc.lead2[pt[sv]] - sc.dep[s2c, i2])
        valid &= ok2 | ~transfer
        g2 = np.minimum(k2 + sc.lo[s2c], sc.lo[s2c + 1] - 1)
        last_at = np.where(transfer, sc.starts[g2] + sc.arr[s2c, j2], at_k)
        arrival = last_at + tc.tail[pt[sv]]
        if road_delays is not None:
            arrival += road_delays.extra(aff["end"][pt[sv]], last_at + tc.alight_h[pt[sv]])
        for cl in closures:
            code = tc.loc_code.get(cl.location, -1)

            def shut(loc: IntArray, t: FloatArray, cl: Closure = cl, code: int = code) -> BoolArray:
                out: BoolArray = (loc == code) & (t >= cl.start_h) & (t < cl.end_h)
                return out

            board_t = start1 + sc.dep[s1, i1]
            bad = shut(tc.board_loc[pt[sv]], board_t)
            bad |= shut(tc.mid_loc[pt[sv]], at_k) & transfer
            bad |= shut(tc.mid_loc[pt[sv]], sc.starts[g2] + sc.dep[s2c, i2]) & transfer
            bad |= shut(tc.alight_loc[pt[sv]], last_at)
            valid &= ~bad
        caught[po[sv[valid]]] = True
        late = np.maximum(0.0, arrival - due[sv])
        keep = valid & (late <= cap)
        picks.append(
            (sv[keep], k1[keep], np.where(transfer[keep], k2[keep], -1), arrival[keep], late[keep])
        )
    c_pair = np.concatenate([tr, *(p[0] for p in picks)])
    c_k1 = np.concatenate([np.full(len(tr), -1, dtype=np.int64), *(p[1] for p in picks)])
    c_k2 = np.concatenate([np.full(len(tr), -1, dtype=np.int64), *(p[2] for p in picks)])
    c_arr = np.concatenate([tr_arr, *(p[3] for p in picks)])
    c_late = np.concatenate([tr_late, *(p[4] for p in picks)])
    c_order, c_tpl = po[c_pair], pt[c_pair]
    c_obj = static[c_pair] + rate[c_pair] * c_late
    c_truck = tc.kind[c_tpl] == 0
    # due dates as promises: late candidates of an order with an on-time one are fallbacks
    if hard:
        on_time = c_late <= _LATE_EPS
        has_on_time = np.zeros(n_orders, dtype=np.bool_)
        has_on_time[c_order[on_time]] = True
        c_obj = c_obj + np.where(~on_time & has_on_time[c_order], promise_penalty(costs), 0.0)
    # dominance: the truck is uncapacitated, a candidate not cheaper than it never wins
    truck_obj = np.full(n_orders, np.inf)
    truck_obj[c_order[c_truck]] = c_obj[c_truck]
    slack = keep_slack if keep_slack is not None else np.zeros(n_orders)
    keep = c_truck | (c_obj < truck_obj[c_order] + slack[c_order])
    c_pair, c_k1, c_k2, c_arr, c_late = (a[keep] for a in (c_pair, c_k1, c_k2, c_arr, c_late))
    c_order, c_tpl, c_obj, c_truck = c_order[keep], c_tpl[keep], c_obj[keep], c_truck[keep]
    perm = np.lexsort((~c_truck, c_obj, c_order))
    c_pair, c_k1, c_k2, c_arr, c_late = (a[perm] for a in (c_pair, c_k1, c_k2, c_arr, c_late))
    c_order, c_tpl, c_obj, c_truck = c_order[perm], c_tpl[perm], c_obj[perm], c_truck[perm]

    # resource usage, CSR: ride 1 segments then ride 2 segments, three kinds each
    t1s, t2s = tc.s1[c_tpl], tc.s2[c_tpl]
    w1 = np.where(c_truck, 0, tc.j1[c_tpl] - tc.i1[c_tpl])
    w2 = np.where(c_k2 >= 0, tc.j2[c_tpl] - tc.i2[c_tpl], 0)
    seg1 = sc.seg_base[t1s] + np.maximum(c_k1, 0) * sc.n_seg[t1s] + tc.i1[c_tpl]
    seg2 = sc.seg_base[t2s] + np.maximum(c_k2, 0) * sc.n_seg[t2s] + tc.i2[c_tpl]
    seg = np.concatenate([_spread(seg1, w1), _spread(seg2, w2)])
    owner = np.concatenate(
        [
            np.repeat(np.arange(len(c_order), dtype=np.int64), w1),
            np.repeat(np.arange(len(c_order), dtype=np.int64), w2),
        ]
    )
    by_cand = np.argsort(owner, kind="stable")
    seg, owner = seg[by_cand], owner[by_cand]
    o_of = c_order[owner]
    cooled = orders.cooled[o_of]
    n_entries = np.where(cooled, 3, 2)
    res_row = np.repeat(3 * seg, n_entries)
    kind_off = _spread(np.zeros(len(seg), dtype=np.int64), n_entries)
    res_row = res_row + kind_off
    vals_by_kind = np.stack([orders.slots[o_of], orders.tonnes[o_of], orders.slots[o_of]], axis=1)
    res_val = vals_by_kind[np.repeat(np.arange(len(seg)), n_entries), kind_off]
    per_cand = np.zeros(len(c_order), dtype=np.int64)
    np.add.at(per_cand, owner, n_entries)
    res_ptr = np.zeros(len(c_order) + 1, dtype=np.int64)
    np.cumsum(per_cand, out=res_ptr[1:])

    truck = np.full(n_orders, -1, dtype=np.int64)
    where_truck = np.nonzero(c_truck)[0]
    truck[c_order[where_truck]] = where_truck
    first = np.searchsorted(c_order, np.arange(n_orders + 1), side="left").astype(np.int64)
    reasons = {
        int(o): _reason(orders.orders[o], bool(compatible[o]), bool(caught[o]), costs)
        for o in np.nonzero(first[1:] == first[:-1])[0]
    }
    return CandidateSet(
        templates=tuple(builder.templates),
        order=c_order,
        template=c_tpl,
        dep=np.stack([c_k1, c_k2], axis=1),
        arrival_h=c_arr,
        late_h=c_late,
        money=money[c_pair],
        wtw_kg=wtw[c_pair],
        ttw_kg=ttw[c_pair],
        bonus=bonus[c_pair],
        objective=c_obj,
        res_ptr=res_ptr,
        res_row=res_row,
        res_val=res_val,
        truck=truck,
        first=first,
        reasons=reasons,
    )


_LATE_EPS = 1e-9


def promise_penalty(costs: CostModel) -> float:
    """Objective added to a late fallback of an order that has an on-time candidate.

    Half the unserved penalty: far above any real cost difference between two chains of one
    order, and below leaving an order without a truck option unserved.
    """
    return costs.unserved_penalty_eur / 2.0


def _affected_columns(builder: TemplateBuilder, delays: RoadDelays | None) -> dict[str, FloatArray]:
    """Per template and slowdown: normal hours of its truck legs on slowed links."""
    if delays is None:
        return {}
    n_sd = len(delays.slowdowns)
    out = {k: np.zeros((len(builder.templates), n_sd)) for k in ("direct", "pre", "end")}
    for t in builder.templates:
        for leg in t.legs:
            if leg.ride >= 0:
                continue
            if t.kind is TemplateKind.TRUCK:
                which = "direct"
            elif leg.origin == t.origin and t.has_pre:
                which = "pre"
            else:
                which = "end"
            out[which][t.index] = delays.affected_h(leg.origin, leg.destination)
    return out


def _reason(order: Order, compatible: bool, caught: bool, costs: CostModel) -> str:
    route = f"from {order.origin!r} to {order.destination!r}"
    if not compatible:
        needs: list[str] = []
        if order.forbidden_modes:
            needs.append("forbidden modes " + ", ".join(m.value for m in order.forbidden_modes))
        if order.cargo_class.needs_cooling:
            needs.append("cooled cargo needs reefer terminals and reefer capacity")
        if order.cargo_class is CargoClass.DANGEROUS_GOODS:
            needs.append("dangerous goods need DG terminals and services")
        why = "; ".join(needs) if needs else "no road route and no service chain"
        return f"no chain {route} fits the order ({why})"
    if not caught:
        return (
            f"no departure {route} can be caught after release in time to deliver within"
            f" {costs.max_late_h:g} h of the due time"
        )
    return f"every chain {route} arrives more than {costs.max_late_h:g} h after the due time"
