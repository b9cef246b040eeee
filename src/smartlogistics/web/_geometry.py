"""The map's geometry: the region's freight nodes, its Circle Lines network and flow paths.

Freight nodes are the region's locations that are not junctions; the network is every
barge and rail link drawn once per pair of ends (links come in both directions), through
the junctions the waterways and railways pass. A flow between two terminals by barge or
rail follows the network's shortest route (so a barge to Duisburg is drawn along the
Amsterdam-Rhine Canal and the Waal, not as the crow flies); a truck flow is a straight
line, because the region models roads as a rule rather than as a road network.
"""

from __future__ import annotations

import contextlib
from functools import lru_cache
from typing import Any

from smartlogistics.network import Mode, NoRouteError, Region, load_region

__all__ = ["INSET_VIEW", "MAP_VIEW", "flow_path", "region_geometry", "region_services"]

#: What the main map shows: (lon_min, lat_min, lon_max, lat_max), Paris CDG to Alkmaar.
MAP_VIEW = (1.9, 48.65, 9.4, 53.45)
#: The inset around Amsterdam: the port, Schiphol, Aalsmeer and Hoofddorp.
INSET_VIEW = (4.55, 52.18, 5.35, 52.7)

_COUNTRY_LABELS = (
    ("Netherlands", 5.75, 52.85),
    ("Belgium", 4.6, 50.45),
    ("Germany", 8.3, 51.75),
    ("France", 3.4, 49.45),
    ("Luxembourg", 6.1, 49.55),
    ("North Sea", 3.2, 52.9),
)


@lru_cache(maxsize=4)
def _region(name: str) -> Region:
    return load_region(name)


@lru_cache(maxsize=4)
def region_geometry(name: str) -> dict[str, Any]:
    """Return the region's nodes and Circle Lines network for the map.

    Parameters
    ----------
    name
        The region (``"amsterdam"``).

    Returns
    -------
    dict
        ``{"nodes": [{"id", "name", "kind", "lat", "lon", "country"}], "network": [{"mode",
        "from", "to", "path": [[lon, lat], ...]}], "country_labels": [[name, lon, lat]],
        "view", "inset_view"}``.
    """
    region = _region(name)
    nodes = [
        {
            "id": loc.id,
            "name": loc.name,
            "kind": loc.kind.value,
            "lat": loc.lat,
            "lon": loc.lon,
            "country": loc.country,
        }
        for loc in region.locations.values()
        if loc.kind.value != "junction"
    ]
    seen: set[tuple[str, str, str]] = set()
    network = []
    for link in region.links:
        if link.mode is Mode.ROAD:
            continue
        a, b = sorted((link.origin, link.destination))
        key = (link.mode.value, a, b)
        if key in seen:
            continue
        seen.add(key)
        ends = (region.locations[a], region.locations[b])
        network.append(
            {
                "mode": link.mode.value,
                "from": a,
                "to": b,
                "path": [[loc.lon, loc.lat] for loc in ends],
            }
        )
    return {
        "nodes": nodes,
        "network": network,
        "country_labels": [list(label) for label in _COUNTRY_LABELS],
        "view": list(MAP_VIEW),
        "inset_view": list(INSET_VIEW),
    }


@lru_cache(maxsize=512)
def flow_path(
    name: str, origin: str, destination: str, mode: str
) -> tuple[tuple[float, float], ...]:
    """Return the drawn path of a flow: ``((lon, lat), ...)`` from origin to destination.

    Barge and rail flows follow the mode's shortest route through the network; other modes
    (and a pair the network does not connect) are a straight line.
    """
    region = _region(name)
    stops: tuple[str, ...] = (origin, destination)
    if mode in ("barge", "rail"):
        with contextlib.suppress(NoRouteError):  # not connected: a straight line
            stops = region.route(origin, destination, Mode(mode)).path
    return tuple((region.locations[s].lon, region.locations[s].lat) for s in stops)


@lru_cache(maxsize=4)
def _services(name: str) -> tuple[dict[str, Any], ...]:
    region = _region(name)
    rows = []
    for service in region.services:
        days = [f"{d.day.value[:3].title()} {d.time}" for d in service.departures]
        rows.append(
            {
                "id": service.id,
                "name": service.name,
                "mode": service.mode.value,
                "stops": [stop.location for stop in service.stops],
                "departures": days,
                "weekly": len(service.departures),
                "capacity_teu": service.capacity_teu,
                "hours": round(service.stops[-1].arrival_h, 1),
            }
        )
    return tuple(rows)


def region_services(name: str) -> list[dict[str, Any]]:
    """Return the region's Circle Lines timetable, one row per service.

    Returns
    -------
    list of dict
        ``{"id", "name", "mode", "stops": [location ids], "departures": ["Mon 08:00",
        ...] (local time), "weekly", "capacity_teu", "hours"}`` (``hours``: first
        departure to last arrival).
    """
    return [dict(row) for row in _services(name)]
