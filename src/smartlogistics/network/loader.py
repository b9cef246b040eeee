"""Reading regions: the packaged ones by name, or a user's own YAML file.

A region file is written for people: a ``sources`` table first, then locations,
terminals, the waterway and railway networks as undirected segments with speed
classes, a rule that generates road links between all freight nodes, vehicle classes,
tariffs and the services as stop lists. The loader expands it into a
:class:`~smartlogistics.network.region.Region`; every problem is an
:class:`~smartlogistics.errors.InvalidInputError` naming the path in the file
(``waterways.segments[4].km``, ``services[2].departures[1]``).
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from smartlogistics.errors import InvalidInputError
from smartlogistics.network._schema import (
    CorridorNetwork,
    RegionFile,
    RoadNetwork,
    ServiceEntry,
    StopEntry,
    TariffEntry,
    VehicleEntry,
)
from smartlogistics.network.geo import great_circle_km
from smartlogistics.network.link import Link
from smartlogistics.network.location import Location
from smartlogistics.network.mode import Mode
from smartlogistics.network.region import Region, no_connection_problem, no_terminal_problem
from smartlogistics.network.route import NoRouteError
from smartlogistics.network.service import Service
from smartlogistics.network.terminal import Terminal
from smartlogistics.provenance import Source, check_source
from smartlogistics.values import parse_model

__all__ = [
    "available_regions",
    "clear_region_cache",
    "load_region",
    "load_region_file",
    "load_region_with_services",
    "region_from_mapping",
]

#: Top-level keys a services file may carry: ``services`` replaces the region's plan,
#: the others are merged into (and override entries of) the region's own tables.
_SERVICE_FILE_KEYS = ("services", "vehicles", "tariffs", "sources")

_DATA = "data"


def available_regions() -> list[str]:
    """Names of the regions shipped with the package, sorted (``["amsterdam"]``)."""
    folder = resources.files("smartlogistics.network").joinpath(_DATA)
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in folder.iterdir()
        if entry.is_file() and entry.name.endswith(".yaml")
    )


def load_region(name: str = "amsterdam") -> Region:
    """Return the packaged region ``name``, parsed once and cached (regions are immutable).

    Raises
    ------
    InvalidInputError
        Unknown region (field ``region``), or a problem in the packaged file.
    """
    return _load_packaged(name.strip().lower())


@functools.lru_cache(maxsize=8)
def _load_packaged(name: str) -> Region:
    return _region_from_text(_packaged_text(name), source_name=f"{name}.yaml")


def _packaged_text(name: str) -> str:
    known = available_regions()
    if name not in known:
        raise InvalidInputError("region", f"unknown region {name!r}; available: {', '.join(known)}")
    return (
        resources.files("smartlogistics.network")
        .joinpath(_DATA, f"{name}.yaml")
        .read_text(encoding="utf-8")
    )


def load_region_with_services(name: str, path: str | os.PathLike[str]) -> Region:
    """Return packaged region ``name`` with its service plan replaced by a services file's.

    A planner tries another Circle Lines plan (an extra shuttle, other frequencies) without
    copying the whole region. The file is YAML (JSON is valid YAML) in the region file's
    schema, holding ``services:`` and optionally ``vehicles:``, ``tariffs:`` and
    ``sources:``; ``services`` replaces the region's, the other tables are merged into the
    region's own (entries with the same key override). Validation is the region's own, so
    errors name the field as in a region file (``services[2].stops[1].location``).

    Raises
    ------
    InvalidInputError
        Unknown region, unreadable or non-YAML file (field ``path``), a key other than the
        four above (field ``path``), or any validation problem of the resulting region.
    """
    p = Path(path)
    try:
        extra = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInputError("path", f"cannot read {str(p)!r}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InvalidInputError("path", f"{p.name} is not valid YAML{where}") from None
    if not isinstance(extra, Mapping) or "services" not in extra:
        raise InvalidInputError("path", f"{p.name} must be a mapping with a 'services' list")
    unknown = sorted(str(k) for k in extra if k not in _SERVICE_FILE_KEYS)
    if unknown:
        allowed = ", ".join(_SERVICE_FILE_KEYS)
        raise InvalidInputError("path", f"{p.name}: unknown key {unknown[0]!r}; allowed: {allowed}")
    data = dict(yaml.safe_load(_packaged_text(name.strip().lower())))
    for key in ("vehicles", "tariffs", "sources"):
        if key in extra:
            data[key] = {**(data.get(key) or {}), **(extra[key] or {})}
    data["services"] = extra["services"]
    return region_from_mapping(data, source_name=p.name)


def clear_region_cache() -> None:
    """Forget the parsed packaged regions (for benchmarks and tests)."""
    _load_packaged.cache_clear()


def load_region_file(path: str | os.PathLike[str]) -> Region:
    """Read a region from a YAML file of the same schema as the packaged ones.

    Raises
    ------
    InvalidInputError
        The file cannot be read (field ``path``), is not YAML, or fails validation.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError("path", f"cannot read {str(p)!r}: {exc.strerror}") from None
    return _region_from_text(text, source_name=p.name)


def _region_from_text(text: str, *, source_name: str) -> Region:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise InvalidInputError("", f"{source_name} is not valid YAML{where}: {problem}") from None
    if not isinstance(data, Mapping):
        raise InvalidInputError("", f"{source_name} must contain a mapping at the top level")
    return region_from_mapping(data, source_name=source_name)


def region_from_mapping(data: Mapping[str, Any], *, source_name: str = "<mapping>") -> Region:
    """Build a region from the parsed contents of a region file.

    Parameters
    ----------
    data
        The file's top-level mapping (as returned by ``yaml.safe_load``).
    source_name
        Name of the input, used in messages about the input as a whole.

    Raises
    ------
    InvalidInputError
        With the path in the file of the first problem.
    """
    doc = parse_model(RegionFile, data)

    sources = {key: Source(id=key, **entry.model_dump()) for key, entry in doc.sources.items()}
    _check_sources_in_file(doc, sources)

    locations: dict[str, Location] = {}
    for i, raw in enumerate(doc.locations):
        loc = parse_model(Location, raw, f"locations[{i}]")
        if loc.id in locations:
            raise InvalidInputError(f"locations[{i}].id", f"duplicate location id {loc.id!r}")
        locations[loc.id] = loc

    terminals: dict[str, Terminal] = {}
    for i, raw in enumerate(doc.terminals):
        terminal = parse_model(Terminal, raw, f"terminals[{i}]")
        fld = f"terminals[{i}].location"
        _require(locations, terminal.location, fld)
        if terminal.location in terminals:
            raise InvalidInputError(fld, f"second terminal at {terminal.location!r}")
        terminals[terminal.location] = terminal

    # Explicit links first, so that ``links[i]`` in errors is the file's ``links[i]``.
    links = [parse_model(Link, raw, f"links[{i}]") for i, raw in enumerate(doc.links)]
    if doc.waterways is not None:
        links += _corridor_links(doc.waterways, Mode.INLAND_WATERWAY, "waterways", locations)
    if doc.railways is not None:
        links += _corridor_links(doc.railways, Mode.RAIL, "railways", locations)
    if doc.roads is not None:
        links += _road_links(doc.roads, locations)

    network = Region(
        name=doc.name,
        locations=locations,
        links=tuple(links),
        terminals=terminals,
        sources=sources,
        description=doc.description,
    )
    services = tuple(
        _service(raw, f"services[{i}]", network, doc.vehicles, doc.tariffs)
        for i, raw in enumerate(doc.services)
    )
    return Region(
        name=doc.name,
        locations=locations,
        links=tuple(links),
        terminals=terminals,
        services=services,
        sources=sources,
        description=doc.description,
    )


def _check_sources_in_file(doc: RegionFile, known: Mapping[str, Source]) -> None:
    """Check every source string with its path in the file.

    The region checks the expanded links and services too, but a generated link's index
    means nothing to the person editing the file, so the loader checks first.
    """
    texts: list[tuple[str, str | None]] = []
    for section in ("locations", "terminals", "links"):
        for i, raw in enumerate(getattr(doc, section)):
            for key in ("source", "unlocode_source"):
                value = raw.get(key)
                texts.append((f"{section}[{i}].{key}", value if isinstance(value, str) else None))
    for key, net in (("waterways", doc.waterways), ("railways", doc.railways)):
        if net is None:
            continue
        texts += [(f"{key}.speeds.{k}.source", s.source) for k, s in net.speeds.items()]
        for i, seg in enumerate(net.segments):
            texts.append((f"{key}.segments[{i}].source", seg.source))
            texts += [
                (f"{key}.segments[{i}].delays[{j}].source", d.source)
                for j, d in enumerate(seg.delays)
            ]
    if doc.roads is not None:
        texts += [
            ("roads.distance_source", doc.roads.distance_source),
            ("roads.speed_source", doc.roads.speed_source),
        ]
        texts += [
            (f"roads.overrides[{i}].source", o.source) for i, o in enumerate(doc.roads.overrides)
        ]
    texts += [(f"vehicles.{k}.source", v.source) for k, v in doc.vehicles.items()]
    texts += [(f"tariffs.{m.value}.source", t.source) for m, t in doc.tariffs.items()]
    for i, raw in enumerate(doc.services):
        for key in ("source", "dwell_source", "slack_source"):
            value = raw.get(key)
            texts.append((f"services[{i}].{key}", value if isinstance(value, str) else None))
    for fld, text in texts:
        if text is not None:
            check_source(text, known, fld)


def _require(locations: Mapping[str, Location], location: str, fld: str) -> None:
    if location not in locations:
        raise InvalidInputError(fld, f"unknown location {location!r}")


def _refs(*parts: str | None) -> str:
    return "; ".join(p for p in parts if p)


def _corridor_links(
    net: CorridorNetwork, mode: Mode, key: str, locations: Mapping[str, Location]
) -> list[Link]:
    """Two directed links per segment; river classes get downstream/upstream times."""
    out: list[Link] = []
    for i, seg in enumerate(net.segments):
        fld = f"{key}.segments[{i}]"
        _require(locations, seg.a, f"{fld}.a")
        _require(locations, seg.b, f"{fld}.b")
        if seg.a == seg.b:
            raise InvalidInputError(f"{fld}.b", f"same as a ({seg.a!r})")
        speed = net.speeds.get(seg.speed)
        if speed is None:
            raise InvalidInputError(
                f"{fld}.speed", f"unknown speed class {seg.speed!r}; known: {', '.join(net.speeds)}"
            )
        if speed.has_current and seg.downstream not in (seg.a, seg.b):
            raise InvalidInputError(
                f"{fld}.downstream",
                f"speed class {seg.speed!r} has a current: name the downstream end"
                f" ({seg.a!r} or {seg.b!r})",
            )
        if not speed.has_current and seg.downstream is not None:
            raise InvalidInputError(
                f"{fld}.downstream", f"speed class {seg.speed!r} has no current"
            )
        wait = sum(d.wait_h for d in seg.delays)
        waits = (
            f" plus {wait:g} h waiting ({', '.join(d.name for d in seg.delays)})" if wait else ""
        )
        for origin, destination in ((seg.a, seg.b), (seg.b, seg.a)):
            if speed.kmh is not None:
                kmh, how = speed.kmh, ""
            elif destination == seg.downstream:
                kmh, how = speed.down_kmh or 0.0, " downstream"
            else:
                kmh, how = speed.up_kmh or 0.0, " upstream"
            hours = round(seg.km / kmh + wait, 2)
            source = _refs(
                seg.source,
                speed.source,
                *(d.source for d in seg.delays),
                f"derived: {seg.km:g} km at {kmh:g} km/h{how}{waits}",
            )
            out.append(
                Link(
                    origin=origin,
                    destination=destination,
                    mode=mode,
                    distance_km=seg.km,
                    travel_time_h=hours,
                    name=seg.name,
                    source=source,
                )
            )
    return out


def _road_links(roads: RoadNetwork, locations: Mapping[str, Location]) -> list[Link]:
    """Road links between every ordered pair of freight nodes."""
    overrides: dict[frozenset[str], tuple[float, str]] = {}
    for i, ov in enumerate(roads.overrides):
        _require(locations, ov.a, f"roads.overrides[{i}].a")
        _require(locations, ov.b, f"roads.overrides[{i}].b")
        overrides[frozenset((ov.a, ov.b))] = (ov.km, ov.source)
    nodes = [loc for loc in locations.values() if loc.is_freight_node]
    out: list[Link] = []
    for a in nodes:
        for b in nodes:
            if a.id == b.id:
                continue
            override = overrides.get(frozenset((a.id, b.id)))
            if override is not None:
                km, dist_source = override
            else:
                gc = great_circle_km(a.lat, a.lon, b.lat, b.lon)
                km = round(gc * roads.circuity_factor, 1)
                dist_source = _refs(
                    roads.distance_source,
                    f"derived: great-circle {gc:.1f} km x circuity {roads.circuity_factor:g}",
                )
            out.append(
                Link(
                    origin=a.id,
                    destination=b.id,
                    mode=Mode.ROAD,
                    distance_km=km,
                    travel_time_h=round(km / roads.speed_kmh, 2),
                    name=roads.name,
                    source=_refs(
                        dist_source,
                        roads.speed_source,
                        f"derived: {km:g} km at {roads.speed_kmh:g} km/h",
                    ),
                )
            )
    return out


def _ceil_quarter(hours: float) -> float:
    """Round up to the next quarter hour, as timetables are written."""
    return math.ceil(hours * 4 - 1e-9) / 4


def _service(
    raw: Mapping[str, Any],
    prefix: str,
    network: Region,
    vehicles: Mapping[str, VehicleEntry],
    tariffs: Mapping[Mode, TariffEntry],
) -> Service:
    """Expand one service entry: vehicle class, tariff and computed stop offsets."""
    entry = parse_model(ServiceEntry, raw, prefix)
    vehicle = vehicles.get(entry.vehicle)
    if vehicle is None:
        raise InvalidInputError(
            f"{prefix}.vehicle",
            f"unknown vehicle {entry.vehicle!r}; known: {', '.join(vehicles) or 'none'}",
        )
    if vehicle.mode is not entry.mode:
        raise InvalidInputError(
            f"{prefix}.vehicle",
            f"{entry.vehicle!r} is a {vehicle.mode.value} vehicle,"
            f" the service is {entry.mode.value}",
        )
    tariff = tariffs.get(entry.mode)
    if tariff is None:
        raise InvalidInputError(f"{prefix}.mode", f"no tariff for mode {entry.mode.value!r}")
    stops = _stop_calls(entry, prefix, network)
    data: dict[str, Any] = {
        "id": entry.id,
        "name": entry.name,
        "operator": entry.operator,
        "mode": entry.mode,
        "stops": stops,
        "departures": entry.departures,
        "capacity_teu": vehicle.capacity_teu,
        "capacity_tonnes": vehicle.capacity_tonnes,
        "reefer_capacity_teu": vehicle.reefer_capacity_teu,
        "dangerous_goods": entry.dangerous_goods,
        "vehicle_category": vehicle.vehicle_category,
        "cost_per_departure_eur": vehicle.cost_per_departure_eur,
        "price_per_teu_eur": tariff.price_per_teu_eur,
        "price_per_tonne_eur": tariff.price_per_tonne_eur,
        "source": _refs(
            entry.source, vehicle.source, tariff.source, entry.dwell_source, entry.slack_source
        ),
    }
    return parse_model(Service, data, prefix)


def _stop_calls(entry: ServiceEntry, prefix: str, network: Region) -> list[dict[str, float | str]]:
    """Stop offsets: explicit where given, else the fastest time times (1 + slack), rounded up."""
    calls: list[dict[str, float | str]] = []
    prev: StopEntry | None = None
    prev_departure = 0.0
    for j, stop in enumerate(entry.stops):
        fld = f"{prefix}.stops[{j}].location"
        _require(network.locations, stop.location, fld)
        if not network.has_terminal(stop.location, entry.mode):
            raise InvalidInputError(fld, no_terminal_problem(stop.location, entry.mode))
        if stop.arrival_h is not None:
            arrival = stop.arrival_h
        elif prev is None:
            arrival = 0.0
        else:
            try:
                fastest = network.route(
                    prev.location, stop.location, entry.mode, by="time"
                ).travel_time_h
            except NoRouteError:
                raise InvalidInputError(
                    fld, no_connection_problem(prev.location, stop.location, entry.mode)
                ) from None
            arrival = prev_departure + _ceil_quarter(fastest * (1 + entry.schedule_slack))
        if stop.departure_h is not None:
            departure = stop.departure_h
        else:
            departure = arrival + (stop.dwell_h if stop.dwell_h is not None else entry.dwell_h)
        calls.append({"location": stop.location, "arrival_h": arrival, "departure_h": departure})
        prev, prev_departure = stop, departure
    return calls
