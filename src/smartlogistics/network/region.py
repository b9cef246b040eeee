"""The region: locations, links, terminals and services, validated together."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from smartlogistics.errors import InvalidInputError
from smartlogistics.network._routing import shortest_path
from smartlogistics.network.link import Link
from smartlogistics.network.location import Location
from smartlogistics.network.mode import Mode
from smartlogistics.network.route import NoRouteError, Route
from smartlogistics.network.service import Service
from smartlogistics.network.terminal import Terminal
from smartlogistics.provenance import Source, check_source, source_refs

__all__ = ["Region", "RouteBy"]

RouteBy = Literal["distance", "time"]
"""What :meth:`Region.route` minimises."""

_EPS = 1e-9


def no_terminal_problem(location: str, mode: Mode) -> str:
    """Message for a stop at a location without a terminal of the service's mode."""
    return f"{location!r} has no {mode.value} terminal"


def no_connection_problem(origin: str, destination: str, mode: Mode) -> str:
    """Message for two consecutive stops not connected by the mode's links."""
    return f"no {mode.value} connection from {origin!r} to {destination!r}"


@dataclass(frozen=True, eq=False)
class Region:
    """A region's multimodal network, checked for consistency when constructed.

    Construction validates that every link, terminal and service refers to known
    locations, that services only call at terminals of their mode, that consecutive
    stops are connected by the mode's links and are not scheduled faster than the
    network allows, and (when a ``sources`` table is given) that every ``source``
    reference names a known source. Problems raise
    :class:`~smartlogistics.errors.InvalidInputError` naming the field, e.g.
    ``links[12].destination: unknown location 'XYZ'``.

    Attributes
    ----------
    name
        Short name (``"amsterdam"``).
    locations
        Locations by id.
    links
        Directed links of all modes.
    terminals
        Terminals by location id.
    services
        Scheduled services.
    sources
        Citation table by source id; empty to skip the provenance check.
    description
        One line about the region.
    """

    name: str
    locations: Mapping[str, Location]
    links: tuple[Link, ...]
    terminals: Mapping[str, Terminal]
    services: tuple[Service, ...] = ()
    sources: Mapping[str, Source] = field(default_factory=dict)
    description: str = ""
    _adjacency: Mapping[Mode, Mapping[str, tuple[Link, ...]]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "locations", MappingProxyType(dict(self.locations)))
        setattr_(self, "terminals", MappingProxyType(dict(self.terminals)))
        setattr_(self, "sources", MappingProxyType(dict(self.sources)))
        setattr_(self, "links", tuple(self.links))
        setattr_(self, "services", tuple(self.services))
        self._check_locations()
        self._check_links()
        adjacency: dict[Mode, dict[str, list[Link]]] = defaultdict(lambda: defaultdict(list))
        for link in self.links:
            adjacency[link.mode][link.origin].append(link)
        setattr_(
            self,
            "_adjacency",
            MappingProxyType(
                {
                    mode: MappingProxyType({k: tuple(v) for k, v in by_origin.items()})
                    for mode, by_origin in adjacency.items()
                }
            ),
        )
        self._check_terminals()
        self._check_services()
        if self.sources:
            self._check_sources()

    # -- validation ---------------------------------------------------------------------

    def _check_locations(self) -> None:
        for key, loc in self.locations.items():
            if key != loc.id:
                raise InvalidInputError(
                    f"locations.{key}.id", f"key {key!r} does not match id {loc.id!r}"
                )

    def _known(self, location: str, fld: str) -> None:
        if location not in self.locations:
            raise InvalidInputError(fld, f"unknown location {location!r}")

    def _check_links(self) -> None:
        seen: dict[tuple[str, str, Mode], int] = {}
        for i, link in enumerate(self.links):
            self._known(link.origin, f"links[{i}].origin")
            self._known(link.destination, f"links[{i}].destination")
            key = (link.origin, link.destination, link.mode)
            if key in seen:
                raise InvalidInputError(
                    f"links[{i}]",
                    f"duplicate {link.mode.value} link {link.origin} -> {link.destination}"
                    f" (also links[{seen[key]}])",
                )
            seen[key] = i

    def _check_terminals(self) -> None:
        for key, terminal in self.terminals.items():
            if key != terminal.location:
                raise InvalidInputError(
                    f"terminals.{key}.location",
                    f"key {key!r} does not match location {terminal.location!r}",
                )
            self._known(terminal.location, f"terminals.{key}.location")
            if not self.locations[key].is_freight_node:
                raise InvalidInputError(
                    f"terminals.{key}.location", f"{key!r} is a junction, not a freight node"
                )

    def _check_services(self) -> None:
        ids: set[str] = set()
        for k, service in enumerate(self.services):
            if service.id in ids:
                raise InvalidInputError(f"services[{k}].id", f"duplicate service id {service.id!r}")
            ids.add(service.id)
            for i, stop in enumerate(service.stops):
                fld = f"services[{k}].stops[{i}]"
                self._known(stop.location, f"{fld}.location")
                if not self.has_terminal(stop.location, service.mode):
                    raise InvalidInputError(
                        f"{fld}.location", no_terminal_problem(stop.location, service.mode)
                    )
                if i == 0:
                    continue
                prev = service.stops[i - 1]
                links = self._path(prev.location, stop.location, service.mode, "time")
                if links is None:
                    raise InvalidInputError(
                        f"{fld}.location",
                        no_connection_problem(prev.location, stop.location, service.mode),
                    )
                fastest = sum(link.travel_time_h for link in links)
                scheduled = stop.arrival_h - prev.departure_h
                if scheduled + _EPS < fastest:
                    raise InvalidInputError(
                        f"{fld}.arrival_h",
                        f"{scheduled:g} h after leaving {prev.location!r} is shorter than the"
                        f" fastest {service.mode.value} travel time ({fastest:.2f} h)",
                    )

    def _check_sources(self) -> None:
        for key, src in self.sources.items():
            if key != src.id:
                raise InvalidInputError(
                    f"sources.{key}.id", f"key {key!r} does not match id {src.id!r}"
                )
        for key, loc in self.locations.items():
            check_source(loc.source, self.sources, f"locations.{key}.source")
            if loc.unlocode_source is not None:
                check_source(loc.unlocode_source, self.sources, f"locations.{key}.unlocode_source")
        for i, link in enumerate(self.links):
            check_source(link.source, self.sources, f"links[{i}].source")
        for key, terminal in self.terminals.items():
            check_source(terminal.source, self.sources, f"terminals.{key}.source")
        for k, service in enumerate(self.services):
            check_source(service.source, self.sources, f"services[{k}].source")

    # -- queries ------------------------------------------------------------------------

    def location(self, id: str) -> Location:
        """Return the location ``id``.

        Raises
        ------
        InvalidInputError
            Unknown id (field ``location``).
        """
        try:
            return self.locations[id]
        except KeyError:
            raise InvalidInputError("location", f"unknown location {id!r}") from None

    @property
    def freight_nodes(self) -> tuple[Location, ...]:
        """Locations where cargo can be handled (all but junctions), in file order."""
        return tuple(loc for loc in self.locations.values() if loc.is_freight_node)

    def terminal(self, location: str) -> Terminal | None:
        """Return the terminal at ``location``, or ``None`` (e.g. at a junction)."""
        self.location(location)
        return self.terminals.get(location)

    def has_terminal(self, location: str, mode: Mode) -> bool:
        """Whether ``location`` has a terminal serving ``mode``."""
        terminal = self.terminals.get(location)
        return terminal is not None and terminal.serves(mode)

    def with_services(
        self, services: Sequence[Service], sources: Mapping[str, Source] | None = None
    ) -> Region:
        """Return this region with another service plan (validated like the region).

        ``sources`` adds the citations the new services refer to (entries with the same key
        replace the region's), so a what-if plan keeps its provenance.
        """
        merged = {**self.sources, **(sources or {})}
        return dataclasses.replace(self, services=tuple(services), sources=merged)

    def cited_sources(self, services: Sequence[Service]) -> dict[str, Source]:
        """Return the entries of this region's ``sources`` table that ``services`` cite."""
        keys = {ref.key for s in services for ref in source_refs(s.source)}
        return {k: v for k, v in self.sources.items() if k in keys}

    def service(self, id: str) -> Service:
        """Return the service ``id``.

        Raises
        ------
        InvalidInputError
            Unknown id (field ``service``).
        """
        for service in self.services:
            if service.id == id:
                return service
        raise InvalidInputError("service", f"unknown service {id!r}")

    def links_for(self, mode: Mode) -> tuple[Link, ...]:
        """All links of ``mode``, in construction order."""
        return tuple(link for link in self.links if link.mode is mode)

    def link(self, origin: str, destination: str, mode: Mode) -> Link | None:
        """Return the direct link ``origin -> destination`` by ``mode``, if there is one."""
        for link in self._adjacency.get(mode, {}).get(origin, ()):
            if link.destination == destination:
                return link
        return None

    def _path(
        self, origin: str, destination: str, mode: Mode, by: RouteBy
    ) -> tuple[Link, ...] | None:
        if by == "distance":
            return shortest_path(self._adjacency.get(mode, {}), origin, destination, _by_distance)
        return shortest_path(self._adjacency.get(mode, {}), origin, destination, _by_time)

    def route(
        self, origin: str, destination: str, mode: Mode, *, by: RouteBy = "distance"
    ) -> Route:
        """Shortest route by ``mode`` (Dijkstra on the directed links of that mode).

        Parameters
        ----------
        origin, destination
            Location ids.
        mode
            The mode to travel by; only that mode's links are used.
        by
            ``"distance"`` (km) or ``"time"`` (hours, including lock/border waiting).

        Raises
        ------
        InvalidInputError
            Unknown location (field ``origin`` / ``destination``) or bad ``by``.
        NoRouteError
            The destination cannot be reached by ``mode`` (field ``destination``).
        """
        self._known(origin, "origin")
        self._known(destination, "destination")
        if by not in ("distance", "time"):
            raise InvalidInputError("by", f"expected 'distance' or 'time', not {by!r}")
        links = self._path(origin, destination, mode, by)
        if links is None:
            raise NoRouteError(
                "destination", f"no {mode.value} route from {origin!r} to {destination!r}"
            )
        return Route.from_links(origin, destination, mode, links)

    # -- export -------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """Return the region as plain JSON types (what ``region show --json`` prints)."""
        return {
            "name": self.name,
            "description": self.description,
            "nodes": [_location_json(loc) for loc in self.locations.values()],
            "links": [
                {
                    "from": link.origin,
                    "to": link.destination,
                    "mode": link.mode.value,
                    "distance_km": link.distance_km,
                    "travel_time_h": link.travel_time_h,
                    **({"name": link.name} if link.name is not None else {}),
                    "source": link.source,
                }
                for link in self.links
            ],
            "terminals": [
                {
                    "location": t.location,
                    "modes": sorted(m.value for m in t.modes),
                    "handling_time_h": t.handling_time_h,
                    "cost_per_teu_eur": t.cost_per_teu_eur,
                    "cost_per_tonne_eur": t.cost_per_tonne_eur,
                    "reefer": t.reefer,
                    "dangerous_goods": t.dangerous_goods,
                    "source": t.source,
                }
                for t in self.terminals.values()
            ],
            "services": [_service_json(s) for s in self.services],
            "sources": [
                src.model_dump(mode="json", exclude_none=True) for src in self.sources.values()
            ],
        }


def _by_distance(link: Link) -> float:
    return link.distance_km


def _by_time(link: Link) -> float:
    return link.travel_time_h


def _location_json(loc: Location) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": loc.id,
        "name": loc.name,
        "lat": loc.lat,
        "lon": loc.lon,
        "kind": loc.kind.value,
    }
    if loc.unlocode is not None:
        out["unlocode"] = loc.unlocode
        out["unlocode_source"] = loc.unlocode_source
    out["country"] = loc.country
    out["source"] = loc.source
    return out


def _service_json(s: Service) -> dict[str, Any]:
    out: dict[str, Any] = {"id": s.id, "name": s.name}
    if s.operator is not None:
        out["operator"] = s.operator
    stop_calls: Sequence[dict[str, Any]] = [
        {"location": c.location, "arrival_h": c.arrival_h, "departure_h": c.departure_h}
        for c in s.stops
    ]
    out.update(
        {
            "mode": s.mode.value,
            "stops": list(s.stop_ids),
            "stop_calls": list(stop_calls),
            "departures": [str(d) for d in s.departures],
            "departures_per_week": s.departures_per_week,
            "capacity_teu": s.capacity_teu,
            "capacity_tonnes": s.capacity_tonnes,
            "reefer_capacity_teu": s.reefer_capacity_teu,
            "dangerous_goods": s.dangerous_goods,
            "vehicle_category": s.vehicle_category,
            "cost_per_departure_eur": s.cost_per_departure_eur,
            "price_per_teu_eur": s.price_per_teu_eur,
            "price_per_tonne_eur": s.price_per_tonne_eur,
            "source": s.source,
        }
    )
    return out
