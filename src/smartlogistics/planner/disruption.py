"""Disruptions that replanning reacts to, and the JSON file that lists them.

A disruption file says *when* the planner looks (``now``) and *what* went wrong::

    {"now": "2026-03-02T05:00:00+01:00",
     "disruptions": [
       {"type": "departure_cancelled", "service_id": "CL-RHINE-E",
        "depart": "2026-03-02T06:00:00+01:00"},
       {"type": "departure_delayed", "service_id": "CL-NWCC-S",
        "depart": "2026-03-02T14:00:00+01:00", "hours": 5},
       {"type": "capacity_reduced", "service_id": "CL-RAIL-DUI-E",
        "depart": "2026-03-02T20:00:00+01:00", "capacity_teu": 60},
       {"type": "terminal_closed", "location": "UTR",
        "start": "2026-03-03T00:00:00+01:00", "end": "2026-03-03T12:00:00+01:00"},
       {"type": "lock_closed", "lock": "Prins Bernhardsluizen",
        "start": "2026-03-02T10:00:00+01:00", "end": "2026-03-02T18:00:00+01:00"},
       {"type": "road_slowed", "from": "ACT", "to": "AMS-RING", "factor": 1.5,
        "start": "2026-03-02T07:00:00+01:00", "end": "2026-03-02T10:00:00+01:00"},
       {"type": "rush_orders", "orders": [{"id": "R1", "origin": "ACT", ...}]}]}

A departure is named by its service and its *scheduled* departure time at the first stop
(``depart``; ISO 8601 with offset, matched to the minute). The value objects here check
form only (types, positive hours, windows that end after they start, every time with an
offset); :func:`resolve_disruptions` checks them against the region and the timetable
(unknown service, departure, terminal, lock or road link) and turns them into the effects
the candidate generation understands. Errors name the field:
``disruptions[2].hours: must be > 0``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import AwareDatetime, Field, field_validator, model_validator

from smartlogistics.errors import InvalidInputError
from smartlogistics.network.mode import Mode
from smartlogistics.network.region import Region
from smartlogistics.planner._timetable import ServiceTable, Timetable
from smartlogistics.planner.chains import Closure, TruckSlowdown
from smartlogistics.planner.order import Order
from smartlogistics.values import ValueObject, parse_model

__all__ = [
    "CapacityReduced",
    "DepartureCancelled",
    "DepartureDelayed",
    "Disruption",
    "DisruptionSet",
    "Effects",
    "LockClosed",
    "RoadSlowed",
    "RushOrders",
    "TerminalClosed",
    "apply_to_timetable",
    "load_disruptions",
    "lock_names",
    "resolve_disruptions",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_MATCH_H = 1.0 / 60.0  # a departure matches ``depart`` within a minute


def _positive(value: float) -> float:
    if not value > 0:
        raise ValueError("must be > 0")
    return value


class _Window(ValueObject):
    start: AwareDatetime
    end: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> _Window:
        if self.end.timestamp() <= self.start.timestamp():
            raise InvalidInputError("end", f"{self.end.isoformat()} is not after start")
        return self


class DepartureCancelled(ValueObject):
    """A dated departure does not run: its capacity is gone."""

    type: Literal["departure_cancelled"]
    service_id: Annotated[str, Field(min_length=1)]
    depart: AwareDatetime

    def label(self) -> str:
        """Short description for change reasons."""
        return f"departure {self.service_id} {self.depart.isoformat()} cancelled"


class DepartureDelayed(ValueObject):
    """A dated departure runs ``hours`` late: every stop time shifts by that much."""

    type: Literal["departure_delayed"]
    service_id: Annotated[str, Field(min_length=1)]
    depart: AwareDatetime
    hours: float

    _check_hours = field_validator("hours")(_positive)

    def label(self) -> str:
        """Short description for change reasons."""
        return f"departure {self.service_id} {self.depart.isoformat()} delayed {self.hours:g} h"


class CapacityReduced(ValueObject):
    """A dated departure runs with less capacity (TEU and/or tonnes)."""

    type: Literal["capacity_reduced"]
    service_id: Annotated[str, Field(min_length=1)]
    depart: AwareDatetime
    capacity_teu: Annotated[float, Field(ge=0)] | None = None
    capacity_tonnes: Annotated[float, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _some(self) -> CapacityReduced:
        if self.capacity_teu is None and self.capacity_tonnes is None:
            raise InvalidInputError("capacity_teu", "give capacity_teu or capacity_tonnes")
        return self

    def label(self) -> str:
        """Short description for change reasons."""
        parts = [
            f"{v:g} {unit}"
            for v, unit in ((self.capacity_teu, "TEU"), (self.capacity_tonnes, "t"))
            if v is not None
        ]
        return (
            f"departure {self.service_id} {self.depart.isoformat()} capacity reduced to"
            f" {' / '.join(parts)}"
        )


class TerminalClosed(_Window):
    """Nothing boards, alights or transfers at ``location`` in ``[start, end)``."""

    type: Literal["terminal_closed"]
    location: Annotated[str, Field(min_length=1)]

    def label(self) -> str:
        """Short description for change reasons."""
        return f"terminal {self.location} closed {self.start.isoformat()} to {self.end.isoformat()}"


class LockClosed(_Window):
    """A lock (or a waterway link) is closed: barges wait until it reopens.

    Give ``lock`` (a name, or part of one, of the waiting on a waterway segment of the
    region, e.g. ``"Prins Bernhardsluizen"``) or ``from`` and ``to`` of the waterway link
    (either direction is closed).
    """

    type: Literal["lock_closed"]
    lock: Annotated[str, Field(min_length=1)] | None = None
    from_: str | None = Field(default=None, alias="from", min_length=1)
    to: Annotated[str, Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _named(self) -> LockClosed:
        if self.lock is None and (self.from_ is None or self.to is None):
            raise InvalidInputError("lock", "give lock, or from and to of the waterway link")
        if self.lock is not None and (self.from_ is not None or self.to is not None):
            raise InvalidInputError("lock", "give lock or from/to, not both")
        return self

    def label(self) -> str:
        """Short description for change reasons."""
        what = self.lock if self.lock is not None else f"waterway {self.from_}-{self.to}"
        return f"lock {what} closed {self.start.isoformat()} to {self.end.isoformat()}"


class RoadSlowed(_Window):
    """Trucks starting in ``[start, end)`` drive ``factor`` times slower on the links."""

    type: Literal["road_slowed"]
    from_: str | None = Field(default=None, alias="from", min_length=1)
    to: Annotated[str, Field(min_length=1)] | None = None
    factor: float

    @field_validator("factor")
    @classmethod
    def _above_one(cls, value: float) -> float:
        if not value > 1:
            raise ValueError("must be > 1")
        return value

    @model_validator(mode="after")
    def _both_or_none(self) -> RoadSlowed:
        if (self.from_ is None) != (self.to is None):
            raise InvalidInputError("to", "give both from and to, or neither (all road links)")
        return self

    def label(self) -> str:
        """Short description for change reasons."""
        what = "all roads" if self.from_ is None else f"road {self.from_}-{self.to}"
        return f"{what} slowed x{self.factor:g} {self.start.isoformat()} to {self.end.isoformat()}"


class RushOrders(ValueObject):
    """Orders added at ``now``."""

    type: Literal["rush_orders"]
    orders: tuple[Order, ...]

    def label(self) -> str:
        """Short description for change reasons."""
        return "rush order"


Disruption = Annotated[
    DepartureCancelled
    | DepartureDelayed
    | CapacityReduced
    | TerminalClosed
    | LockClosed
    | RoadSlowed
    | RushOrders,
    Field(discriminator="type"),
]


class DisruptionSet(ValueObject):
    """What went wrong, seen at ``now``.

    Attributes
    ----------
    now
        The moment of replanning: legs that departed before it stay as they are.
    disruptions
        In file order; reasons cite them as ``disruptions[i]``.
    """

    now: AwareDatetime
    disruptions: tuple[Disruption, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form (the file format)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def load_disruptions(path_or_text: str | Path) -> DisruptionSet:
    """Read a disruption file (a path, or the JSON text itself).

    A ``str`` that starts with ``{`` (after white space) is the JSON text; anything else is
    a path.

    Raises
    ------
    InvalidInputError
        Unreadable or malformed file (field ``file``), or a bad field, named like
        ``disruptions[2].hours: must be > 0``.
    """
    if isinstance(path_or_text, str) and path_or_text.lstrip().startswith("{"):
        text = path_or_text
    else:
        try:
            text = Path(path_or_text).read_text(encoding="utf-8")
        except OSError as exc:
            raise InvalidInputError("file", f"cannot read {str(path_or_text)!r}: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError("file", f"not JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(data, dict):
        raise InvalidInputError("file", "a disruption file is a JSON object")
    return parse_model(DisruptionSet, data)


# -- resolution against the region and the timetable ----------------------------------------


@dataclass
class DepartureChange:
    """What the disruptions do to one dated departure.

    Attributes
    ----------
    cancelled
        It does not run.
    delay_h
        Shift of every stop time (departure_delayed).
    capacity_teu, capacity_tonnes
        Reduced capacities (``None``: unchanged).
    causes
        Indexes of the disruptions that touch it.
    shift_h
        Final shift of each stop's times (delay plus lock waiting), filled by
        :func:`apply_to_timetable`.
    """

    cancelled: bool = False
    delay_h: float = 0.0
    capacity_teu: float | None = None
    capacity_tonnes: float | None = None
    causes: list[int] = field(default_factory=list)
    shift_h: FloatArray | None = None


@dataclass
class Effects:
    """The disruptions resolved to the planner's terms (hours since ``t0``).

    Attributes
    ----------
    departures
        Changes by (service index in the timetable, local departure index).
    locks
        Per lock disruption: its index, window and the closed waterway links.
    closures, closure_causes
        Terminal closures and the index of the disruption of each.
    slowdowns, slowdown_causes
        Road slowdowns and the index of the disruption of each.
    rush
        Rush orders with the index of their disruption.
    labels
        ``disruptions[i] (what)`` of each disruption, by index, for change reasons.
    """

    departures: dict[tuple[int, int], DepartureChange] = field(default_factory=dict)
    locks: list[tuple[int, float, float, frozenset[tuple[str, str]]]] = field(default_factory=list)
    closures: list[Closure] = field(default_factory=list)
    closure_causes: list[int] = field(default_factory=list)
    slowdowns: list[TruckSlowdown] = field(default_factory=list)
    slowdown_causes: list[int] = field(default_factory=list)
    rush: list[tuple[int, Order]] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)


def lock_names(region: Region) -> dict[tuple[str, str], str]:
    """Return the waiting (lock) names of every waterway link, as the region file has them.

    The loader writes a segment's delays into its links' ``source`` as ``... plus 1.25 h
    waiting (Prinses Marijkesluizen, Prins Bernhardsluizen)``; this reads them back.
    """
    out: dict[tuple[str, str], str] = {}
    marker = " h waiting ("
    for link in region.links:
        if link.mode is not Mode.INLAND_WATERWAY:
            continue
        pos = link.source.find(marker)
        if pos >= 0 and link.source.endswith(")"):
            out[(link.origin, link.destination)] = link.source[pos + len(marker) : -1]
    return out


def _find_departure(
    timetable: Timetable, service_id: str, depart: datetime, fld: str
) -> tuple[int, int]:
    for s, table in enumerate(timetable.services):
        if table.service.id != service_id:
            continue
        t = timetable.hours(depart) - float(table.dep_h[0])
        k = int(np.searchsorted(table.starts_h, t - _MATCH_H))
        if k < len(table.starts_h) and abs(float(table.starts_h[k]) - t) <= _MATCH_H:
            return s, k
        near = ", ".join(
            timetable.at(float(x + table.dep_h[0])).isoformat() for x in table.starts_h[:3]
        )
        raise InvalidInputError(
            f"{fld}.depart",
            f"no departure of {service_id!r} leaves its first stop at {depart.isoformat()}"
            f" (its departures in the horizon start {near}, ...)",
        )
    raise InvalidInputError(f"{fld}.service_id", f"unknown service {service_id!r}")


def resolve_disruptions(
    items: Sequence[tuple[str, Disruption]], region: Region, timetable: Timetable
) -> Effects:
    """Check disruptions against ``region`` and ``timetable`` and collect their effects.

    Parameters
    ----------
    items
        ``(field prefix, disruption)`` pairs, e.g. ``("disruptions[2]", d)``; their
        position is the disruption's index in reasons.
    region, timetable
        The network and its dated departures (nominal times).

    Raises
    ------
    InvalidInputError
        Unknown service, departure, terminal, lock or road link, naming the field.
    """
    fx = Effects()
    locks = lock_names(region)
    for i, (fld, d) in enumerate(items):
        fx.labels[i] = f"{fld} ({d.label()})"
        if isinstance(d, DepartureCancelled | DepartureDelayed | CapacityReduced):
            key = _find_departure(timetable, d.service_id, d.depart, fld)
            change = fx.departures.setdefault(key, DepartureChange())
            change.causes.append(i)
            if isinstance(d, DepartureCancelled):
                change.cancelled = True
            elif isinstance(d, DepartureDelayed):
                change.delay_h += d.hours
            else:
                if d.capacity_teu is not None:
                    change.capacity_teu = d.capacity_teu
                if d.capacity_tonnes is not None:
                    change.capacity_tonnes = d.capacity_tonnes
        elif isinstance(d, TerminalClosed):
            if d.location not in region.terminals:
                raise InvalidInputError(f"{fld}.location", f"unknown terminal {d.location!r}")
            fx.closures.append(
                Closure(d.location, timetable.hours(d.start), timetable.hours(d.end))
            )
            fx.closure_causes.append(i)
        elif isinstance(d, LockClosed):
            if d.lock is not None:
                name = d.lock.casefold()
                links = frozenset(k for k, v in locks.items() if name in v.casefold())
                if not links:
                    known = sorted(set(locks.values()))
                    raise InvalidInputError(
                        f"{fld}.lock", f"no lock {d.lock!r} on the waterways; known: {known}"
                    )
            else:
                a, b = d.from_ or "", d.to or ""
                if region.link(a, b, Mode.INLAND_WATERWAY) is None:
                    raise InvalidInputError(f"{fld}.from", f"no waterway link from {a!r} to {b!r}")
                links = frozenset({(a, b), (b, a)})
            fx.locks.append((i, timetable.hours(d.start), timetable.hours(d.end), links))
        elif isinstance(d, RoadSlowed):
            road: frozenset[tuple[str, str]] | None = None
            if d.from_ is not None and d.to is not None:
                if region.link(d.from_, d.to, Mode.ROAD) is None:
                    raise InvalidInputError(
                        f"{fld}.from", f"no road link from {d.from_!r} to {d.to!r}"
                    )
                road = frozenset({(d.from_, d.to)})
            fx.slowdowns.append(
                TruckSlowdown(road, d.factor, timetable.hours(d.start), timetable.hours(d.end))
            )
            fx.slowdown_causes.append(i)
        else:
            fx.rush.extend((i, o) for o in d.orders)
    return fx


def _lock_waits(
    region: Region,
    table: ServiceTable,
    start_h: float,
    shift: FloatArray,
    locks: Sequence[tuple[int, float, float, frozenset[tuple[str, str]]]],
) -> tuple[FloatArray, list[int]]:
    """Shift of each stop after waiting at closed locks, and the locks that held it."""
    out = shift.copy()
    causes: list[int] = []
    for i in range(len(table.locations) - 1):
        route = region.route(table.locations[i], table.locations[i + 1], table.service.mode)
        t = start_h + float(table.dep_h[i]) + float(out[i])
        wait = 0.0
        for link in route.links:
            for idx, lo, hi, links in locks:
                if (link.origin, link.destination) in links and lo <= t + wait < hi:
                    wait += hi - (t + wait)
                    causes.append(idx)
            t += link.travel_time_h
        if wait > 0:
            out[i + 1 :] += wait
    return out, causes


def apply_to_timetable(fx: Effects, region: Region, timetable: Timetable) -> Timetable:
    """Return the timetable with the disruptions' departure effects applied.

    Cancelled departures are removed. A departure with changed times or capacity is moved
    out of its service's table into a table of its own (one start, its own stop offsets
    and capacities), so that every table keeps fixed offsets and the vectorised dating
    stays exact. ``ServiceTable.indices`` keeps each departure's original index.

    Lock closures: every barge departure (of every service) whose trip enters a closed
    waterway link in the window waits there until the lock reopens; that stop and all
    later ones shift by the wait. The time at a link is the departure from the previous
    stop plus the links' normal travel times before it.
    """
    if fx.locks:
        for s, table in enumerate(timetable.services):
            if table.service.mode is not Mode.INLAND_WATERWAY:
                continue
            for k, start in enumerate(table.starts_h.tolist()):
                change = fx.departures.get((s, k))
                delay = change.delay_h if change is not None else 0.0
                base = np.full(len(table.locations), delay)
                shifted, causes = _lock_waits(region, table, start, base, fx.locks)
                if causes:
                    change = fx.departures.setdefault((s, k), DepartureChange())
                    change.causes.extend(c for c in causes if c not in change.causes)
                    change.shift_h = shifted
    tables: list[ServiceTable] = []
    extra: list[tuple[ServiceTable, int, DepartureChange]] = []
    for s, table in enumerate(timetable.services):
        keep = [k for k in range(len(table.starts_h)) if (s, k) not in fx.departures]
        tables.append(
            _table(table, table.starts_h[keep], table.indices[keep], table.arr_h, table.dep_h)
        )
        for k in range(len(table.starts_h)):
            change = fx.departures.get((s, k))
            if change is not None and not change.cancelled:
                extra.append((table, k, change))
    for table, k, change in extra:
        shift = change.shift_h
        if shift is None:
            shift = np.full(len(table.locations), change.delay_h)
            change.shift_h = shift
        service = table.service
        update: dict[str, float] = {}
        if change.capacity_teu is not None:
            update["capacity_teu"] = change.capacity_teu
            update["reefer_capacity_teu"] = min(service.reefer_capacity_teu, change.capacity_teu)
        if change.capacity_tonnes is not None:
            update["capacity_tonnes"] = change.capacity_tonnes
        tables.append(
            _table(
                table,
                table.starts_h[[k]],
                table.indices[[k]],
                table.arr_h + shift,
                table.dep_h + shift,
                service.model_copy(update=update) if update else None,
            )
        )
    first = 0
    seg_base = 0
    out: list[ServiceTable] = []
    for t in tables:
        out.append(
            ServiceTable(
                service=t.service, locations=t.locations, arr_h=t.arr_h, dep_h=t.dep_h,
                seg_km=t.seg_km, starts_h=t.starts_h, first_departure=first,
                seg_base=seg_base, indices=t.indices,
            )
        )  # fmt: skip
        first += len(t.starts_h)
        seg_base += len(t.starts_h) * t.n_segments
    return Timetable(t0=timetable.t0, weeks=timetable.weeks, services=tuple(out))


def _table(
    table: ServiceTable,
    starts: FloatArray,
    indices: IntArray,
    arr_h: FloatArray,
    dep_h: FloatArray,
    service: Any = None,
) -> ServiceTable:
    return ServiceTable(
        service=service if service is not None else table.service,
        locations=table.locations, arr_h=arr_h, dep_h=dep_h, seg_km=table.seg_km,
        starts_h=starts, first_departure=0, seg_base=0, indices=indices,
    )  # fmt: skip
