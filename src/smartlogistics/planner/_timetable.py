"""Dated departures of the services over a planning horizon, as numpy arrays (private).

The planner works in hours since a reference instant ``t0`` (Monday 00:00 local time of the
week of the earliest release). Every service's stops have fixed offsets from its start, so
a departure is one number (its start) and the time at any stop is start + offset: catching
the first departure after a time is a binary search over the starts.

Capacity is per *segment*: the stretch between two consecutive stops of one dated
departure. A segment has a global id ``seg_base[s] + k * n_segments[s] + i`` for departure
``k`` of service ``s`` leaving stop ``i``; the resource rows of the MIP are
``3 * segment + kind`` with kind 0 = TEU, 1 = tonnes, 2 = reefer TEU.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from smartlogistics.network.region import Region
from smartlogistics.network.service import Service

__all__ = ["ServiceTable", "Timetable", "build_timetable", "week_start"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Resource kinds of a segment.
TEU, TONNES, REEFER = 0, 1, 2


def week_start(moment: datetime, tz: tzinfo) -> datetime:
    """Monday 00:00 in ``tz`` of the week containing ``moment``."""
    local = moment.astimezone(tz)
    monday = (local - timedelta(days=local.weekday())).date()
    return datetime(monday.year, monday.month, monday.day, tzinfo=tz)


@dataclass(frozen=True, eq=False)
class ServiceTable:
    """One service over the horizon: stop offsets, distances and dated starts.

    Attributes
    ----------
    service
        The service.
    locations
        Stop location ids, in order.
    arr_h, dep_h
        Offsets of arrival and departure at each stop, hours after the start.
    seg_km
        Distance by the service's mode between consecutive stops (shortest path), km.
    starts_h
        Start of every dated departure in the horizon, hours since ``t0``, increasing.
    first_departure
        Global index of this service's first dated departure.
    seg_base
        Global id of the first segment of this service's first departure.
    indices
        Index of each start among the service's nominal departures in the horizon (the
        ``departure_index`` of plans); ``arange`` unless replanning moved departures out.
    """

    service: Service
    locations: tuple[str, ...]
    arr_h: FloatArray
    dep_h: FloatArray
    seg_km: FloatArray
    starts_h: FloatArray
    first_departure: int
    seg_base: int
    indices: IntArray

    @property
    def n_segments(self) -> int:
        """Segments per departure (stops - 1)."""
        return len(self.locations) - 1

    def km(self, board: int, alight: int) -> float:
        """Distance ridden from stop ``board`` to stop ``alight``."""
        return float(self.seg_km[board:alight].sum())


@dataclass(frozen=True, eq=False)
class Timetable:
    """All services' dated departures over the planning horizon.

    Attributes
    ----------
    t0
        The reference instant (aware), Monday 00:00 local time.
    weeks
        Weeks expanded from ``t0``.
    services
        One table per service, in the order given.
    """

    t0: datetime
    weeks: int
    services: tuple[ServiceTable, ...]

    @property
    def n_departures(self) -> int:
        """Dated departures of all services."""
        return sum(len(s.starts_h) for s in self.services)

    @property
    def n_segments(self) -> int:
        """Segments of all dated departures."""
        return sum(len(s.starts_h) * s.n_segments for s in self.services)

    def capacity(self) -> npt.NDArray[np.float64]:
        """Capacity of every resource row ``3 * segment + kind`` (TEU, tonnes, reefer TEU).

        Each dated departure segment offers its service's capacities; the planner's MIP and
        the replanner's both draw their capacity rows from here.
        """
        cap = np.zeros(3 * self.n_segments, dtype=np.float64)
        for t in self.services:
            n = len(t.starts_h) * t.n_segments
            if n == 0:
                continue
            block = cap[3 * t.seg_base : 3 * (t.seg_base + n)].reshape(n, 3)
            block[:, 0] = t.service.capacity_teu
            block[:, 1] = t.service.capacity_tonnes
            block[:, 2] = t.service.reefer_capacity_teu
        return cap

    def departure(self, global_index: int) -> tuple[ServiceTable, int]:
        """Return the service table and local index of a global departure index."""
        for table in self.services:
            k = global_index - table.first_departure
            if 0 <= k < len(table.starts_h):
                return table, k
        raise IndexError(global_index)

    def at(self, hours: float) -> datetime:
        """Return the instant ``hours`` after ``t0``, in ``t0``'s time zone."""
        ts = self.t0.timestamp() + hours * 3600.0
        return datetime.fromtimestamp(round(ts, 6), tz=self.t0.tzinfo)

    def hours(self, moment: datetime) -> float:
        """Hours from ``t0`` to ``moment`` (elapsed time, DST-safe)."""
        return (moment.timestamp() - self.t0.timestamp()) / 3600.0


def build_timetable(
    region: Region, services: Sequence[Service], t0: datetime, horizon_h: float
) -> Timetable:
    """Expand ``services`` over ``horizon_h`` hours from ``t0`` (a local Monday 00:00).

    Distances between consecutive stops are the mode's shortest paths in ``region``.
    """
    weeks = max(1, math.ceil(horizon_h / 168.0))
    t0_ts = t0.timestamp()
    tables: list[ServiceTable] = []
    first = 0
    seg_base = 0
    for service in services:
        locations = service.stop_ids
        seg_km = np.array(
            [region.route(a, b, service.mode).distance_km for a, b in pairwise(locations)],
            dtype=np.float64,
        )
        starts = np.array(
            [(d.stops[0].arrival.timestamp() - t0_ts) / 3600.0 for d in service.calls(t0, weeks)],
            dtype=np.float64,
        )
        starts.sort()
        table = ServiceTable(
            service=service,
            locations=locations,
            arr_h=np.array([s.arrival_h for s in service.stops], dtype=np.float64),
            dep_h=np.array([s.departure_h for s in service.stops], dtype=np.float64),
            seg_km=seg_km,
            starts_h=starts,
            first_departure=first,
            seg_base=seg_base,
            indices=np.arange(len(starts), dtype=np.int64),
        )
        tables.append(table)
        first += len(starts)
        seg_base += len(starts) * table.n_segments
    return Timetable(t0=t0, weeks=weeks, services=tuple(tables))
