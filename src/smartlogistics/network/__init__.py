"""The region's multimodal network: pure data and model, no I/O beyond package data.

Locations (freight nodes with UN/LOCODEs where one exists, and network junctions),
directed links per mode with distances and travel times, terminals with handling times
and costs, and the scheduled Circle Lines services with timetables and capacities.
The ``amsterdam`` region ships as package data; :func:`load_region` reads it::

    from smartlogistics.network import Mode, load_region

    region = load_region("amsterdam")
    route = region.route("ACT", "DUI", Mode.INLAND_WATERWAY)
"""

from __future__ import annotations

from smartlogistics.network.cargo import DEFAULT_UNITS, CargoUnit, CargoUnitKind, default_unit
from smartlogistics.network.geo import great_circle_km
from smartlogistics.network.link import Link
from smartlogistics.network.loader import (
    available_regions,
    clear_region_cache,
    load_region,
    load_region_file,
    load_region_with_services,
    region_from_mapping,
)
from smartlogistics.network.location import Location, LocationKind
from smartlogistics.network.mode import Mode
from smartlogistics.network.region import Region, RouteBy
from smartlogistics.network.route import NoRouteError, Route
from smartlogistics.network.service import (
    DatedStop,
    Departure,
    Service,
    StopCall,
    Weekday,
    WeeklyDeparture,
)
from smartlogistics.network.terminal import Terminal
from smartlogistics.provenance import (
    RESERVED_SOURCE_KEYS,
    Source,
    SourceRef,
    check_source,
    source_refs,
)

__all__ = [
    "DEFAULT_UNITS",
    "RESERVED_SOURCE_KEYS",
    "CargoUnit",
    "CargoUnitKind",
    "DatedStop",
    "Departure",
    "Link",
    "Location",
    "LocationKind",
    "Mode",
    "NoRouteError",
    "Region",
    "Route",
    "RouteBy",
    "Service",
    "Source",
    "SourceRef",
    "StopCall",
    "Terminal",
    "Weekday",
    "WeeklyDeparture",
    "available_regions",
    "check_source",
    "clear_region_cache",
    "default_unit",
    "great_circle_km",
    "load_region",
    "load_region_file",
    "load_region_with_services",
    "region_from_mapping",
    "source_refs",
]
