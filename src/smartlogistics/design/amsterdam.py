"""The Amsterdam wrapper: candidate Circle Lines and frequencies -> the chosen service plan.

Issue 3, item 5(b). A week of orders (generated or read) becomes weekly TEU demand per
(origin, destination, cooled?) commodity (:func:`weekly_demand`); the candidate lines of
``data/candidate_lines_amsterdam.yaml`` (the region's default services plus extra lines,
each with allowed frequencies, :func:`load_candidate_lines`) become a line-frequency
design problem priced with the planner's cost model and the emissions factor table
(:func:`build_problem`), solved exactly by :func:`smartlogistics.design.lines.solve_line_design`.
:func:`design_circle_lines` does all of it and compares the design with *today* (all road,
the road-only baseline) and with the region's default service plan, evaluated in the same
weekly model; :func:`write_services_yaml` writes the chosen plan as a services file that
``load_region_with_services`` and ``smartlogistics plan solve --services`` accept.

Cost view: the **system's** (the standard one in service network design): trucking at the
truck tariff, terminal handling tariffs, the operators' cost per departure for every
departure run, and the CO2 price times WTW emissions of every leg and handling. The
shipper's service tariff (``price_per_teu_eur``) is a payment from shipper to operator,
not a cost of the system, and is left out; the operator's cost is in the fixed cost.
"""

from __future__ import annotations

import math
import os
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import Field, model_validator

from smartlogistics.design.lines import (
    FlowCommodity,
    LegCost,
    LineCandidate,
    LineDesignProblem,
    LineDesignResult,
    LineTotals,
    solve_line_design,
)
from smartlogistics.emissions import FactorTable, load_default_factors
from smartlogistics.errors import InvalidInputError
from smartlogistics.network import Mode, Region, Service, WeeklyDeparture, load_region
from smartlogistics.network.loader import region_from_mapping
from smartlogistics.planner.costs import CostModel, load_cost_model
from smartlogistics.planner.order import Order
from smartlogistics.provenance import check_source
from smartlogistics.values import ValueObject, parse_model

__all__ = [
    "DEFAULT_CO2_PRICE_EUR_PER_TONNE",
    "CandidateLine",
    "CandidateLines",
    "CircleLinesDesign",
    "DemandCommodity",
    "LineReport",
    "WeeklyDemand",
    "build_problem",
    "design_circle_lines",
    "load_candidate_lines",
    "weekly_demand",
    "write_services_yaml",
]

DEFAULT_CO2_PRICE_EUR_PER_TONNE = 100.0
"""The platform's default CO2 price (``Settings.co2_price_eur_per_tonne``); the CLI passes
the configured one."""

_SERVICE_KEYS = (
    "id", "name", "operator", "mode", "vehicle", "stops", "dwell_h", "dwell_source",
    "schedule_slack", "slack_source", "dangerous_goods", "source",
)  # fmt: skip
_REQUIRED_NEW = ("id", "name", "mode", "vehicle", "stops", "dwell_h", "dwell_source")
_DAY_PATTERNS = {
    1: (0,),
    2: (0, 3),
    3: (0, 2, 4),
    4: (0, 1, 3, 4),
    5: (0, 1, 2, 3, 4),
    6: (0, 1, 2, 3, 4, 5),
    7: (0, 1, 2, 3, 4, 5, 6),
}
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# --- the candidate file ---------------------------------------------------------------------


class _LineEntry(ValueObject):
    """One entry of ``lines:``: a region service by id, or a new line in its schema."""

    service: str | None = None
    id: str | None = None
    name: str | None = None
    operator: str | None = None
    mode: str | None = None
    vehicle: str | None = None
    stops: list[Any] | None = None
    dwell_h: float | None = None
    dwell_source: str | None = None
    schedule_slack: float | None = None
    slack_source: str | None = None
    dangerous_goods: bool | None = None
    source: str | None = None
    frequencies: Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=1)]
    frequencies_source: Annotated[str, Field(min_length=1)]
    departure_time: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] | None = None
    timetables: dict[int, list[str]] = Field(default_factory=dict)
    pair_with: str | None = None

    @model_validator(mode="after")
    def _check(self) -> _LineEntry:
        for i in range(1, len(self.frequencies)):
            if self.frequencies[i] <= self.frequencies[i - 1]:
                raise InvalidInputError(f"frequencies[{i}]", "must be strictly increasing")
        if self.service is not None:
            for key in _SERVICE_KEYS:
                if getattr(self, key) is not None:
                    raise InvalidInputError(
                        key, "not allowed with 'service' (the region's entry is used as it is)"
                    )
        else:
            for key in (*_REQUIRED_NEW, "dangerous_goods", "source", "departure_time"):
                if getattr(self, key) is None:
                    raise InvalidInputError(key, "required for a new line (without 'service')")
        for f, deps in self.timetables.items():
            if f not in self.frequencies or f == 0:
                raise InvalidInputError(f"timetables.{f}", "not a positive allowed frequency")
            if len(deps) != f:
                raise InvalidInputError(f"timetables.{f}", f"needs {f} departures, got {len(deps)}")
        return self


class _CandidateFile(ValueObject):
    schema_version: int
    region: Annotated[str, Field(min_length=1)]
    sources: dict[str, dict[str, Any]] = Field(default_factory=dict)
    lines: Annotated[list[dict[str, Any]], Field(min_length=1)]


@dataclass(frozen=True, slots=True)
class CandidateLine:
    """A candidate line with its allowed frequencies and its expanded service.

    Attributes
    ----------
    id, name, mode, vehicle
        As in the region file (``vehicle`` is a key of its ``vehicles:``).
    frequencies, frequencies_source
        Allowed departures per week and why.
    current_frequency
        Departures per week in the region's default plan (0 for a new line).
    entry
        The region-schema service entry without ``departures``.
    service
        The service as the region expands it (capacities, offsets, costs), at its largest
        allowed frequency.
    segment_km
        Distances between consecutive stops on the mode's network.
    pair_with
        The return line that runs at the same frequency, if any.
    """

    id: str
    name: str
    mode: Mode
    vehicle: str
    frequencies: tuple[int, ...]
    frequencies_source: str
    current_frequency: int
    entry: Mapping[str, Any]
    service: Service
    segment_km: tuple[float, ...]
    pair_with: str | None
    departure_time: str
    timetables: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    region_departures: tuple[str, ...] = ()

    @property
    def stops(self) -> tuple[str, ...]:
        """Location ids of the stops in calling order."""
        return self.service.stop_ids

    def departures(self, frequency: int) -> tuple[str, ...]:
        """Return the weekly timetable (``"mon 06:00"``, ...) at ``frequency`` a week."""
        if frequency <= 0:
            return ()
        if frequency in self.timetables:
            return self.timetables[frequency]
        if self.region_departures and frequency == self.current_frequency:
            return self.region_departures
        return generated_timetable(frequency, self.departure_time)


@dataclass(frozen=True, slots=True)
class CandidateLines:
    """The candidate file: the region it belongs to, its sources and its lines."""

    region: str
    sources: Mapping[str, Mapping[str, Any]]
    lines: tuple[CandidateLine, ...]
    name: str = "candidate_lines_amsterdam.yaml"

    def line(self, id: str) -> CandidateLine:
        """Return the line ``id`` (``InvalidInputError`` on field ``line`` if unknown)."""
        for line in self.lines:
            if line.id == id:
                return line
        raise InvalidInputError("line", f"unknown candidate line {id!r}")


def generated_timetable(frequency: int, first: str) -> tuple[str, ...]:
    """Departures for ``frequency`` a week from a first departure time ``HH:MM``.

    1-7 a week on fixed weekday patterns (3: mon wed fri, 5: mon-fri), a multiple of 7 as
    that many a day spread over 24 h, any other number evenly over the week; sorted by
    time in the week, as the region's schema wants.
    """
    hours, minutes = (int(x) for x in first.split(":"))
    base = hours * 60 + minutes
    if frequency in _DAY_PATTERNS:
        offsets = [d * 1440 + base for d in _DAY_PATTERNS[frequency]]
    elif frequency % 7 == 0:
        per_day = frequency // 7
        offsets = [
            d * 1440 + base + round(i * 1440 / per_day) for d in range(7) for i in range(per_day)
        ]
    else:
        offsets = [base + round(i * 10080 / frequency) for i in range(frequency)]
    week = sorted({o % 10080 for o in offsets})
    return tuple(f"{_DAYS[o // 1440]} {o % 1440 // 60:02d}:{o % 60:02d}" for o in week)


def _packaged_region_data(name: str) -> dict[str, Any]:
    text = (
        resources.files("smartlogistics.network")
        .joinpath("data", f"{name}.yaml")
        .read_text("utf-8")
    )
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def _read_yaml(path: str | os.PathLike[str]) -> object:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError("path", f"cannot read {str(p)!r}: {exc.strerror}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InvalidInputError("path", f"{p.name} is not valid YAML{where}") from None


def load_candidate_lines(path: str | os.PathLike[str] | None = None) -> CandidateLines:
    """Read and check a candidate lines file (default: the packaged Amsterdam one).

    Every line is expanded by the region's own loader, so its stops, vehicle, terminals
    and connections are checked as in a region file; problems name the field in the
    candidate file (``lines[3].stops[1].location: unknown location 'XYZ'``).

    Raises
    ------
    InvalidInputError
        Naming the first bad field.
    """
    if path is None:
        source = resources.files("smartlogistics.design").joinpath(
            "data", "candidate_lines_amsterdam.yaml"
        )
        raw: object = yaml.safe_load(source.read_text("utf-8"))
        name = "candidate_lines_amsterdam.yaml"
    else:
        raw = _read_yaml(path)
        name = Path(path).name
    if not isinstance(raw, Mapping):
        raise InvalidInputError("path", f"{name} must contain a mapping at the top level")
    doc = parse_model(_CandidateFile, raw)
    if doc.schema_version != 1:
        raise InvalidInputError("schema_version", f"must be 1, got {doc.schema_version}")
    try:
        region_data = _packaged_region_data(doc.region.strip().lower())
    except (FileNotFoundError, OSError):
        raise InvalidInputError("region", f"unknown region {doc.region!r}") from None
    by_id = {str(s["id"]): s for s in region_data.get("services", [])}
    known_sources = {**region_data.get("sources", {}), **doc.sources}
    entries: list[_LineEntry] = []
    service_entries: list[dict[str, Any]] = []
    for i, raw_line in enumerate(doc.lines):
        entry = parse_model(_LineEntry, raw_line, f"lines[{i}]")
        check_source(entry.frequencies_source, known_sources, f"lines[{i}].frequencies_source")
        if entry.service is not None:
            base = by_id.get(entry.service)
            if base is None:
                raise InvalidInputError(
                    f"lines[{i}].service", f"no service {entry.service!r} in the region"
                )
            service = {k: v for k, v in base.items() if k != "departures"}
        else:
            base = None
            service = {k: getattr(entry, k) for k in _SERVICE_KEYS if getattr(entry, k) is not None}
        top = max(entry.frequencies)
        deps = list(_departures_for(entry, base, top)) or ["mon 00:00"]
        entries.append(entry)
        service_entries.append({**service, "departures": deps})
    data = {**region_data, "sources": known_sources, "services": service_entries}
    try:
        region = region_from_mapping(data, source_name=name)
    except InvalidInputError as exc:
        raise _as_line_error(exc) from None
    lines: list[CandidateLine] = []
    ids: dict[str, int] = {}
    for i, (entry, svc_entry, expanded) in enumerate(
        zip(entries, service_entries, region.services, strict=True)
    ):
        if expanded.id in ids:
            raise InvalidInputError(
                f"lines[{i}].id",
                f"duplicate line id {expanded.id!r} (also lines[{ids[expanded.id]}])",
            )
        ids[expanded.id] = i
        for f, timetable in entry.timetables.items():
            _check_timetable(timetable, f"lines[{i}].timetables.{f}")
        base = by_id.get(entry.service) if entry.service else None
        region_deps = tuple(str(d) for d in base["departures"]) if base else ()
        first = entry.departure_time or (
            WeeklyDeparture.model_validate(region_deps[0]).time if region_deps else "06:00"
        )
        km = tuple(
            region.route(a, b, expanded.mode).distance_km
            for a, b in zip(expanded.stop_ids, expanded.stop_ids[1:], strict=False)
        )
        lines.append(
            CandidateLine(
                id=expanded.id,
                name=expanded.name,
                mode=expanded.mode,
                vehicle=str(svc_entry["vehicle"]),
                frequencies=tuple(entry.frequencies),
                frequencies_source=entry.frequencies_source,
                current_frequency=len(region_deps),
                entry={k: v for k, v in svc_entry.items() if k != "departures"},
                service=expanded,
                segment_km=km,
                pair_with=entry.pair_with,
                departure_time=first,
                timetables={f: tuple(v) for f, v in entry.timetables.items()},
                region_departures=region_deps,
            )
        )
    for i, line in enumerate(lines):
        if line.pair_with is not None and line.pair_with not in ids:
            raise InvalidInputError(f"lines[{i}].pair_with", f"unknown line {line.pair_with!r}")
        if line.pair_with == line.id:
            raise InvalidInputError(f"lines[{i}].pair_with", "a line cannot pair with itself")
    return CandidateLines(region=region.name, sources=doc.sources, lines=tuple(lines), name=name)


def _departures_for(entry: _LineEntry, base: Mapping[str, Any] | None, f: int) -> tuple[str, ...]:
    if f <= 0:
        return ()
    if f in entry.timetables:
        return tuple(entry.timetables[f])
    region_deps = tuple(str(d) for d in base["departures"]) if base else ()
    if region_deps and f == len(region_deps):
        return region_deps
    first = entry.departure_time
    if first is None:
        first = WeeklyDeparture.model_validate(region_deps[0]).time if region_deps else "06:00"
    return generated_timetable(f, first)


def _check_timetable(deps: Sequence[str], fld: str) -> None:
    prev: WeeklyDeparture | None = None
    for j, text in enumerate(deps):
        dep = parse_model(WeeklyDeparture, text, f"{fld}[{j}]")
        if prev is not None and dep.week_offset_h <= prev.week_offset_h:
            raise InvalidInputError(f"{fld}[{j}]", f"out of order: {dep} is not after {prev}")
        prev = dep


def _as_line_error(exc: InvalidInputError) -> InvalidInputError:
    """``services[i]...`` of the expanded region is ``lines[i]...`` of the candidate file."""
    if exc.field.startswith("services["):
        return InvalidInputError("lines" + exc.field.removeprefix("services"), exc.problem)
    return exc


# --- weekly demand ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DemandCommodity:
    """Weekly demand between two locations, cooled or not, with what trucking it costs.

    Attributes
    ----------
    origin, destination, cooled
        The commodity's key.
    orders, teu, tonnes
        Orders, TEU slots (``Order.slots_teu``) and tonnes per week.
    container_teu, loose_tonnes, loose_slots
        The containerised part (TEU) and the loose part (air cargo, flowers), for the
        terminals' TEU and tonne tariffs.
    truck_groups
        ``(trucks per order, minimum charge per truck EUR, orders per week)``: the truck
        tariff of an order depends on its size, so the truck cost per slot is the orders'
        own tariffs summed, not one average order's.
    """

    origin: str
    destination: str
    cooled: bool
    orders: float
    teu: float
    tonnes: float
    container_teu: float
    loose_tonnes: float
    loose_slots: float
    truck_groups: tuple[tuple[int, float, float], ...]

    @property
    def tonnes_per_teu(self) -> float:
        """Average tonnes per slot."""
        return self.tonnes / self.teu

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types."""
        return {
            "origin": self.origin,
            "destination": self.destination,
            "cooled": self.cooled,
            "orders": round(self.orders, 3),
            "teu": round(self.teu, 3),
            "tonnes": round(self.tonnes, 3),
        }


@dataclass(frozen=True, slots=True)
class WeeklyDemand:
    """A week of demand as commodities (sorted by key)."""

    commodities: tuple[DemandCommodity, ...]
    weeks: float
    orders: int

    @property
    def teu(self) -> float:
        """TEU slots per week."""
        return sum(c.teu for c in self.commodities)

    @property
    def tonnes(self) -> float:
        """Tonnes per week."""
        return sum(c.tonnes for c in self.commodities)

    def to_json(self) -> dict[str, Any]:
        """Summary as plain JSON types (totals and the number of commodities)."""
        return {
            "orders": self.orders,
            "weeks": self.weeks,
            "commodities": len(self.commodities),
            "teu_per_week": round(self.teu, 3),
            "tonnes_per_week": round(self.tonnes, 3),
        }


def weekly_demand(
    orders: Sequence[Order],
    region: Region,
    cost_model: CostModel | None = None,
    *,
    weeks: float | None = None,
) -> WeeklyDemand:
    """Aggregate orders into weekly demand per (origin, destination, cooled?) commodity.

    Parameters
    ----------
    orders
        The orders (a generated week, or read from a file).
    region
        Their region; every origin and destination must be one of its locations.
    cost_model
        For the trucks and minimum charge of each order; default the region's.
    weeks
        How many weeks the orders cover; default from their release times: the span
        from the first to the last release in whole weeks, at least 1.

    Raises
    ------
    InvalidInputError
        No orders (field ``orders``), an unknown location (``orders[i].origin``), or
        ``weeks`` not positive.
    """
    if not orders:
        raise InvalidInputError("orders", "empty demand: no orders to design the lines for")
    costs = cost_model if cost_model is not None else load_cost_model(region.name)
    if weeks is None:
        releases = [o.release for o in orders]
        span_days = (max(releases) - min(releases)).total_seconds() / 86400
        weeks = float(max(1, math.ceil(span_days / 7 - 1e-9)))
    if not weeks > 0:
        raise InvalidInputError("weeks", f"must be > 0, got {weeks:g}")
    acc: dict[tuple[str, str, bool], list[float]] = {}
    groups: dict[tuple[str, str, bool], dict[tuple[int, float], float]] = {}
    for i, o in enumerate(orders):
        for name in ("origin", "destination"):
            loc = getattr(o, name)
            if loc not in region.locations:
                raise InvalidInputError(f"orders[{i}].{name}", f"unknown location {loc!r}")
        key = (o.origin, o.destination, o.cargo_class.needs_cooling)
        a = acc.setdefault(key, [0.0] * 6)
        slots = o.slots_teu
        a[0] += 1
        a[1] += slots
        a[2] += o.tonnes
        if o.cargo_class.is_containerised:
            a[3] += o.teu
        else:
            a[4] += o.tonnes
            a[5] += slots
        g = groups.setdefault(key, {})
        tkey = (costs.truck.trucks(o.teu, o.tonnes), costs.truck.minimum_eur(o.teu))
        g[tkey] = g.get(tkey, 0.0) + 1
    commodities = tuple(
        DemandCommodity(
            origin=k[0],
            destination=k[1],
            cooled=k[2],
            orders=a[0] / weeks,
            teu=a[1] / weeks,
            tonnes=a[2] / weeks,
            container_teu=a[3] / weeks,
            loose_tonnes=a[4] / weeks,
            loose_slots=a[5] / weeks,
            truck_groups=tuple((t, m, n / weeks) for (t, m), n in sorted(groups[k].items())),
        )
        for k, a in sorted(acc.items())
    )
    return WeeklyDemand(commodities=commodities, weeks=float(weeks), orders=len(orders))


# --- the design problem ----------------------------------------------------------------------


def build_problem(
    demand: WeeklyDemand,
    candidates: CandidateLines,
    region: Region,
    *,
    cost_model: CostModel | None = None,
    factors: FactorTable | None = None,
    co2_price_eur_per_tonne: float = DEFAULT_CO2_PRICE_EUR_PER_TONNE,
) -> LineDesignProblem:
    """Price every leg per TEU slot and commodity and build the line design problem.

    Trucks: the planner's truck tariff for each order of the commodity (trucks x
    max(minimum, fixed + EUR/km x km)), summed and divided by the slots, and the road
    default category's WTW per tonne-km x km x tonnes per slot. Handling at a terminal:
    its TEU tariff for containers; for loose cargo its tonne tariff where it has one,
    else the TEU tariff per slot (as the planner does), plus the default hub category's
    WTW per tonne. Rides: the line's vehicle category WTW per tonne-km (or TEU-km) x km.
    Cooled commodities use only terminals with reefer plugs and lines with reefer slots.
    """
    costs = cost_model if cost_model is not None else load_cost_model(region.name)
    table = factors if factors is not None else load_default_factors()
    road = table.default_toc(Mode.ROAD)
    hub = table.default_hub()
    tariff = costs.truck
    terminals = sorted({s for line in candidates.lines for s in line.stops})
    km_cache: dict[tuple[str, str], float] = {}

    def road_km(a: str, b: str) -> float:
        if (a, b) not in km_cache:
            km_cache[(a, b)] = region.route(a, b, Mode.ROAD).distance_km
        return km_cache[(a, b)]

    def truck(c: DemandCommodity, km: float) -> LegCost:
        eur = sum(
            n * trucks * max(minimum, tariff.fixed_eur_per_trip + tariff.eur_per_km * km)
            for trucks, minimum, n in c.truck_groups
        )
        per_t = road.wtw_kg_per_unit_km * km
        kg = per_t * c.tonnes_per_teu if road.unit == "t_km" else per_t
        return LegCost(eur / c.teu, kg, km)

    ride_rate: dict[str, tuple[float, bool]] = {}
    for line in candidates.lines:
        toc = table.toc(line.service.vehicle_category)
        ride_rate[line.id] = (toc.wtw_kg_per_unit_km, toc.unit == "t_km")
    flows: list[FlowCommodity] = []
    for c in demand.commodities:
        tps = c.tonnes_per_teu
        handling: dict[str, LegCost] = {}
        pre: dict[str, LegCost] = {}
        end: dict[str, LegCost] = {}
        for t in terminals:
            term = region.terminals.get(t)
            if term is None or (c.cooled and not term.reefer):
                continue
            loose = (
                c.loose_tonnes * term.cost_per_tonne_eur
                if term.cost_per_tonne_eur > 0
                else c.loose_slots * term.cost_per_teu_eur
            )
            eur = (c.container_teu * term.cost_per_teu_eur + loose) / c.teu
            handling[t] = LegCost(eur, hub.wtw_kg_per_tonne * tps)
            by_road = term.serves(Mode.ROAD)
            if t == c.origin:
                pre[t] = LegCost(0.0)
            elif by_road:
                pre[t] = truck(c, road_km(c.origin, t))
            if t == c.destination:
                end[t] = LegCost(0.0)
            elif by_road:
                end[t] = truck(c, road_km(t, c.destination))
        rides = {
            line.id: rate * tps if per_t else rate
            for line in candidates.lines
            for rate, per_t in [ride_rate[line.id]]
            if not c.cooled or line.service.reefer_capacity_teu > 0
        }
        flows.append(
            FlowCommodity(
                origin=c.origin,
                destination=c.destination,
                demand_teu=c.teu,
                tonnes_per_teu=tps,
                cooled=c.cooled,
                direct=truck(c, road_km(c.origin, c.destination)),
                pre=pre,
                end=end,
                handling=handling,
                ride_kg_per_km=rides,
            )
        )
    lines = tuple(
        LineCandidate(
            id=line.id,
            mode=line.mode.value,
            stops=line.stops,
            segment_km=line.segment_km,
            capacity_teu=line.service.capacity_teu,
            reefer_capacity_teu=line.service.reefer_capacity_teu,
            capacity_tonnes=line.service.capacity_tonnes,
            cost_per_departure_eur=line.service.cost_per_departure_eur,
            frequencies=line.frequencies,
        )
        for line in candidates.lines
    )
    pairs = sorted(
        {
            tuple(sorted((line.id, line.pair_with)))
            for line in candidates.lines
            if line.pair_with is not None
        }
    )
    return LineDesignProblem(
        lines=lines,
        commodities=tuple(flows),
        co2_price_eur_per_tonne=co2_price_eur_per_tonne,
        pairs=tuple((a, b) for a, b in pairs),
    )


# --- the result ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineReport:
    """A line of the chosen design: frequency, capacity, load and cost per week.

    Attributes
    ----------
    frequency, current_frequency
        Departures per week in the design and in the region's default plan.
    weekly_capacity_teu
        Frequency x the vehicle's TEU capacity.
    peak_load_teu
        The largest weekly load on one of its segments.
    load_factor
        TEU-km carried over TEU-km offered (frequency x capacity x the line's km).
    teu_km
        TEU-km carried per week.
    fixed_cost_eur
        Frequency x cost per departure.
    """

    id: str
    name: str
    mode: str
    vehicle: str
    stops: tuple[str, ...]
    frequency: int
    current_frequency: int
    allowed_frequencies: tuple[int, ...]
    weekly_capacity_teu: float
    peak_load_teu: float
    load_factor: float
    teu_km: float
    fixed_cost_eur: float
    segments: tuple[dict[str, Any], ...]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types."""
        return {
            "id": self.id,
            "name": self.name,
            "mode": self.mode,
            "vehicle": self.vehicle,
            "stops": list(self.stops),
            "frequency_per_week": self.frequency,
            "current_frequency_per_week": self.current_frequency,
            "allowed_frequencies": list(self.allowed_frequencies),
            "weekly_capacity_teu": self.weekly_capacity_teu,
            "peak_load_teu": round(self.peak_load_teu, 3),
            "load_factor": round(self.load_factor, 4),
            "teu_km": round(self.teu_km, 1),
            "fixed_cost_eur": round(self.fixed_cost_eur, 2),
            "segments": list(self.segments),
        }


def _scenario_json(result: LineDesignResult, price: float) -> dict[str, Any]:
    t = result.totals
    assert t is not None
    co2_t = price / 1000.0
    road_co2 = co2_t * t.truck_kg
    teu_km_total = sum(t.teu_km.values()) or 1.0
    teu_total = sum(t.teu.values()) or 1.0
    return {
        "cost_eur": {
            "fixed": round(t.fixed_eur, 2),
            "variable": round(t.handling_eur + co2_t * (t.ride_kg + t.handling_kg), 2),
            "road": round(t.truck_eur + road_co2, 2),
            "total": round(t.total_eur, 2),
            "of_which_handling": round(t.handling_eur, 2),
            "of_which_co2": round(t.co2_eur, 2),
        },
        "wtw_kg": round(t.wtw_kg, 1),
        "modal_split_teu_km": {m: round(v, 1) for m, v in t.teu_km.items()},
        "modal_share_teu_km": {m: round(v / teu_km_total, 4) for m, v in t.teu_km.items()},
        "modal_split_teu": {m: round(v, 3) for m, v in t.teu.items()},
        "modal_share_teu": {m: round(v / teu_total, 4) for m, v in t.teu.items()},
        "frequencies": {k: v for k, v in result.frequencies.items() if v > 0},
    }


def _change(new: LineTotals, old: LineTotals) -> dict[str, Any]:
    def pct(a: float, b: float) -> float | None:
        return None if b == 0 else round(100.0 * (a - b) / b, 2)

    return {
        "cost_eur": round(new.total_eur - old.total_eur, 2),
        "cost_pct": pct(new.total_eur, old.total_eur),
        "wtw_kg": round(new.wtw_kg - old.wtw_kg, 1),
        "wtw_pct": pct(new.wtw_kg, old.wtw_kg),
    }


@dataclass(frozen=True, slots=True)
class CircleLinesDesign:
    """The chosen Circle Lines service plan with its cost, CO2e and modal shift.

    Attributes
    ----------
    region
        Region name.
    parameters
        CO2 price, time limit, gap, seed and where the candidates came from.
    demand
        The weekly demand designed for.
    candidates
        The candidate lines (for :func:`write_services_yaml`).
    design, default_plan, road_only
        The optimised design and the two references solved in the same weekly model:
        the region's default service plan at its current frequencies, and no lines at
        all (every TEU by truck: *today's road share* of these flows).
    """

    region: str
    parameters: Mapping[str, Any]
    demand: WeeklyDemand
    candidates: CandidateLines
    design: LineDesignResult
    default_plan: LineDesignResult
    road_only: LineDesignResult

    @property
    def lines(self) -> tuple[LineReport, ...]:
        """Every line the design runs (frequency > 0), in candidate-file order."""
        loads: dict[str, list[Any]] = defaultdict(list)
        for seg in self.design.segment_loads:
            loads[seg.line].append(seg)
        out: list[LineReport] = []
        for line in self.candidates.lines:
            f = self.design.frequencies.get(line.id, 0)
            if f <= 0:
                continue
            segs = loads[line.id]
            cap = line.service.capacity_teu * f
            carried = sum(s.load_teu * s.km for s in segs)
            offered = sum(cap * s.km for s in segs)
            out.append(
                LineReport(
                    id=line.id,
                    name=line.name,
                    mode=line.mode.value,
                    vehicle=line.vehicle,
                    stops=line.stops,
                    frequency=f,
                    current_frequency=line.current_frequency,
                    allowed_frequencies=line.frequencies,
                    weekly_capacity_teu=cap,
                    peak_load_teu=max((s.load_teu for s in segs), default=0.0),
                    load_factor=carried / offered if offered > 0 else 0.0,
                    teu_km=carried,
                    fixed_cost_eur=f * line.service.cost_per_departure_eur,
                    segments=tuple(s.to_json() for s in segs),
                )
            )
        return tuple(out)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types: solver, lines, totals and the two comparisons."""
        price = float(self.parameters["co2_price_eur_per_tonne"])
        d = self.design
        assert d.totals is not None and self.road_only.totals is not None
        assert self.default_plan.totals is not None
        return {
            "region": self.region,
            "parameters": dict(self.parameters),
            "demand": self.demand.to_json(),
            "solver": {
                "status": d.status,
                "objective": None if d.objective is None else round(d.objective, 2),
                "bound": None if d.bound is None else round(d.bound, 2),
                "gap": None if d.gap is None else round(d.gap, 6),
                "seconds": round(d.seconds, 3),
                "columns": d.columns,
                "rows": d.rows,
            },
            "lines": [line.to_json() for line in self.lines],
            "frequency_changes": {
                line.id: {
                    "current": line.current_frequency,
                    "chosen": d.frequencies.get(line.id, 0),
                }
                for line in self.candidates.lines
                if line.current_frequency != d.frequencies.get(line.id, 0)
            },
            "design": _scenario_json(d, price),
            "default_plan": _scenario_json(self.default_plan, price),
            "road_only": _scenario_json(self.road_only, price),
            "vs_road_only": _change(d.totals, self.road_only.totals),
            "vs_default_plan": _change(d.totals, self.default_plan.totals),
        }


def design_circle_lines(
    orders: Sequence[Order],
    *,
    candidates: CandidateLines | None = None,
    region: Region | None = None,
    cost_model: CostModel | None = None,
    factors: FactorTable | None = None,
    co2_price_eur_per_tonne: float = DEFAULT_CO2_PRICE_EUR_PER_TONNE,
    time_limit_s: float = 60.0,
    mip_gap: float = 1e-3,
    weeks: float | None = None,
    seed: int = 0,
) -> CircleLinesDesign:
    """Choose the Circle Lines and their frequencies for a week of orders.

    Parameters
    ----------
    orders
        The demand (a generated week or an orders file).
    candidates
        Candidate lines; default the packaged Amsterdam file.
    region
        Default: the candidates' packaged region.
    cost_model, factors
        Truck tariff and emissions table; default the packaged ones.
    co2_price_eur_per_tonne
        EUR per tonne CO2e WTW in the objective.
    time_limit_s, mip_gap
        For HiGHS on the design MIP (the two references come on top; they are LPs).
    weeks
        Weeks the orders cover (default from their release times).
    seed
        HiGHS's random seed.

    Raises
    ------
    InvalidInputError
        Empty demand, unknown locations, bad parameters, naming the field.
    """
    if not time_limit_s > 0:
        raise InvalidInputError("time_limit_s", f"must be > 0, got {time_limit_s:g}")
    if co2_price_eur_per_tonne < 0:
        raise InvalidInputError("co2_price_eur_per_tonne", "must not be negative")
    cands = candidates if candidates is not None else load_candidate_lines()
    reg = region if region is not None else load_region(cands.region)
    costs = cost_model if cost_model is not None else load_cost_model(reg.name)
    demand = weekly_demand(orders, reg, costs, weeks=weeks)
    problem = build_problem(
        demand, cands, reg, cost_model=costs, factors=factors,
        co2_price_eur_per_tonne=co2_price_eur_per_tonne,
    )  # fmt: skip
    today = {line.id: line.current_frequency for line in cands.lines}
    road_only = solve_line_design(problem, fixed=dict.fromkeys(today, 0), seed=seed)
    default_plan = solve_line_design(problem, fixed=today, seed=seed)
    design = solve_line_design(
        problem, time_limit=time_limit_s, mip_gap=mip_gap, start=today, seed=seed
    )
    parameters = {
        "co2_price_eur_per_tonne": co2_price_eur_per_tonne,
        "time_limit_s": time_limit_s,
        "mip_gap": mip_gap,
        "seed": seed,
        "candidates": cands.name,
        "cost_view": "system",
    }
    return CircleLinesDesign(
        region=reg.name,
        parameters=parameters,
        demand=demand,
        candidates=cands,
        design=design,
        default_plan=default_plan,
        road_only=road_only,
    )


def services_mapping(design: CircleLinesDesign) -> dict[str, Any]:
    """Return the chosen plan in the region's services schema (the file's contents)."""
    services = []
    for line in design.candidates.lines:
        f = design.design.frequencies.get(line.id, 0)
        if f > 0:
            services.append({**line.entry, "departures": list(line.departures(f))})
    out: dict[str, Any] = {}
    if design.candidates.sources:
        out["sources"] = {k: dict(v) for k, v in design.candidates.sources.items()}
    out["services"] = services
    return out


def write_services_yaml(design: CircleLinesDesign, path: str | os.PathLike[str]) -> Path:
    """Write the chosen service plan as a services YAML file and return its path.

    The file holds ``sources:`` (the candidate file's own citations) and ``services:``,
    one entry per line that runs, in the region file's schema with the chosen
    frequency's timetable; ``load_region_with_services(region, path)`` and
    ``smartlogistics plan solve --services PATH`` read it unchanged.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    header = (
        f"# Circle Lines service plan chosen by `smartlogistics design amsterdam` ({stamp}).\n"
        f"# Region {design.region}; load with load_region_with_services({design.region!r},"
        " path).\n"
    )
    body = yaml.safe_dump(services_mapping(design), sort_keys=False, allow_unicode=True, width=100)
    p.write_text(header + body, encoding="utf-8")
    return p
