"""Scheduled services (the Circle Lines shuttles) and their timetables."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator, model_validator

from smartlogistics.errors import InvalidInputError
from smartlogistics.network.location import LocationId
from smartlogistics.network.mode import ModeField
from smartlogistics.values import ValueObject

__all__ = ["DatedStop", "Departure", "Service", "StopCall", "Weekday", "WeeklyDeparture"]

_HOURS_PER_WEEK = 168.0


class Weekday(StrEnum):
    """Day of the week, Monday first (ISO 8601)."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @property
    def number(self) -> int:
        """0 for Monday up to 6 for Sunday (as :meth:`datetime.weekday`)."""
        return list(Weekday).index(self)


class WeeklyDeparture(ValueObject):
    """A departure that repeats every week: a day and a local time ``HH:MM``.

    Also accepts the compact string form ``"mon 06:00"`` used in region files.
    """

    day: Weekday
    time: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, str):
            day, _, time = data.strip().partition(" ")
            return {"day": day.lower(), "time": time.strip()}
        return data

    @property
    def week_offset_h(self) -> float:
        """Hours since Monday 00:00 of the same week."""
        hours, minutes = self.time.split(":")
        return self.day.number * 24 + int(hours) + int(minutes) / 60

    def __str__(self) -> str:
        return f"{self.day.value} {self.time}"


class StopCall(ValueObject):
    """A call at one stop, as offsets in hours from the service's start.

    The start (offset 0) is the weekly departure time at the first stop, so the first
    stop has ``arrival_h == 0`` and leaves at its ``departure_h`` once loaded.
    """

    location: LocationId
    arrival_h: Annotated[float, Field(ge=0)]
    departure_h: Annotated[float, Field(ge=0)]

    @field_validator("departure_h")
    @classmethod
    def _not_before_arrival(cls, value: float, info: ValidationInfo) -> float:
        arrival = info.data.get("arrival_h")
        if arrival is not None and value < arrival:
            raise ValueError(f"{value:g} h is before the arrival at {arrival:g} h")
        return value

    @property
    def dwell_h(self) -> float:
        """Time spent at the stop, hours."""
        return self.departure_h - self.arrival_h


class DatedStop(ValueObject):
    """A stop of a concrete departure with calendar times."""

    location: LocationId
    arrival: datetime
    departure: datetime


class Departure(ValueObject):
    """One concrete, dated trip of a service.

    Attributes
    ----------
    service_id
        The service it belongs to.
    index
        Running number of the trip in the requested period (0, 1, ...), in time order.
    stops
        Calendar arrival and departure at each stop.
    """

    service_id: str
    index: Annotated[int, Field(ge=0)]
    stops: tuple[DatedStop, ...]

    @property
    def start(self) -> datetime:
        """Departure from the first stop."""
        return self.stops[0].departure

    @property
    def end(self) -> datetime:
        """Arrival at the last stop."""
        return self.stops[-1].arrival

    def stop_at(self, location: str) -> DatedStop:
        """Return the first call at ``location``.

        Raises
        ------
        InvalidInputError
            If the trip does not call there (field ``location``).
        """
        for stop in self.stops:
            if stop.location == location:
                return stop
        raise InvalidInputError(
            "location",
            f"departure {self.index} of {self.service_id!r} does not call at {location!r}",
        )


class Service(ValueObject):
    """A scheduled shuttle: a fixed sequence of stops run on a weekly timetable.

    Prices are a deliberately simple flat tariff: a shipper pays ``price_per_teu_eur``
    per TEU (or ``price_per_tonne_eur`` per tonne for non-containerised cargo) from any
    stop to any later stop of the same trip, whatever the distance. The operator's cost
    of running one departure is ``cost_per_departure_eur`` regardless of load; the
    planner uses it to decide whether a departure is worth running.

    Attributes
    ----------
    id, name, operator
        Identity (``operator`` is optional).
    mode
        Mode the service runs on; every stop needs a terminal of this mode.
    stops
        At least two calls, no two consecutive at the same place, offsets non-decreasing.
    departures
        Weekly departure times at the first stop, strictly increasing within the week.
    capacity_teu, capacity_tonnes, reefer_capacity_teu
        Capacity of one departure (reefer slots are part of ``capacity_teu``).
    dangerous_goods
        Whether the service accepts dangerous goods.
    vehicle_category
        Id of the emissions transport-operation category the vehicle belongs to.
    cost_per_departure_eur, price_per_teu_eur, price_per_tonne_eur
        Operator's fixed cost per departure and the shipper's flat tariff (see above).
    source
        Source references for the numbers.
    """

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$")]
    name: Annotated[str, Field(min_length=1)]
    operator: str | None = None
    mode: ModeField
    stops: Annotated[tuple[StopCall, ...], Field(min_length=2)]
    departures: Annotated[tuple[WeeklyDeparture, ...], Field(min_length=1)]
    capacity_teu: Annotated[float, Field(ge=0)]
    capacity_tonnes: Annotated[float, Field(gt=0)]
    reefer_capacity_teu: Annotated[float, Field(ge=0)] = 0.0
    dangerous_goods: bool
    vehicle_category: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    cost_per_departure_eur: Annotated[float, Field(ge=0)]
    price_per_teu_eur: Annotated[float, Field(ge=0)]
    price_per_tonne_eur: Annotated[float, Field(ge=0)]
    source: Annotated[str, Field(min_length=1)]

    @model_validator(mode="after")
    def _check(self) -> Service:
        if self.stops[0].arrival_h != 0:
            raise InvalidInputError(
                "stops[0].arrival_h", "the first stop's arrival must be 0 (offsets count from it)"
            )
        for i in range(1, len(self.stops)):
            prev, stop = self.stops[i - 1], self.stops[i]
            if stop.location == prev.location:
                raise InvalidInputError(
                    f"stops[{i}].location", f"same location as the previous stop {prev.location!r}"
                )
            if stop.arrival_h < prev.departure_h:
                raise InvalidInputError(
                    f"stops[{i}].arrival_h",
                    f"offset {stop.arrival_h:g} h is before the departure from the previous"
                    f" stop at {prev.departure_h:g} h",
                )
        for i in range(1, len(self.departures)):
            prev_dep, dep = self.departures[i - 1], self.departures[i]
            if dep.week_offset_h <= prev_dep.week_offset_h:
                raise InvalidInputError(
                    f"departures[{i}]", f"timetable out of order: {dep} is not after {prev_dep}"
                )
        if self.reefer_capacity_teu > self.capacity_teu:
            raise InvalidInputError(
                "reefer_capacity_teu",
                f"{self.reefer_capacity_teu:g} exceeds capacity_teu {self.capacity_teu:g}",
            )
        return self

    @property
    def departures_per_week(self) -> int:
        """Number of weekly departures."""
        return len(self.departures)

    @property
    def stop_ids(self) -> tuple[str, ...]:
        """Location ids of the stops, in order."""
        return tuple(s.location for s in self.stops)

    @property
    def duration_h(self) -> float:
        """Time from the start at the first stop to the arrival at the last, hours."""
        return self.stops[-1].arrival_h

    def calls(self, week_start: datetime, weeks: int = 1) -> tuple[Departure, ...]:
        """Concrete departures starting in ``weeks`` weeks from ``week_start``.

        Parameters
        ----------
        week_start
            A Monday at 00:00 (naive or time-zone aware; the result follows it).
        weeks
            Number of weeks to expand (``>= 1``).

        Raises
        ------
        InvalidInputError
            ``week_start`` is not a Monday at midnight, or ``weeks < 1``.
        """
        if week_start.weekday() != 0 or week_start.time() != datetime.min.time():
            raise InvalidInputError("week_start", "must be a Monday at 00:00")
        if weeks < 1:
            raise InvalidInputError("weeks", "must be at least 1")
        return tuple(self._iter_calls(week_start, weeks))

    def _iter_calls(self, week_start: datetime, weeks: int) -> Iterator[Departure]:
        index = 0
        for week in range(weeks):
            for dep in self.departures:
                t0 = week_start + timedelta(hours=week * _HOURS_PER_WEEK + dep.week_offset_h)
                stops = tuple(
                    DatedStop(
                        location=s.location,
                        arrival=t0 + timedelta(hours=s.arrival_h),
                        departure=t0 + timedelta(hours=s.departure_h),
                    )
                    for s in self.stops
                )
                yield Departure(service_id=self.id, index=index, stops=stops)
                index += 1
