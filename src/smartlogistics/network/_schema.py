"""Schema of the region YAML file (private): the parts that are not public value objects.

Locations, terminals, explicit links and the computed services are validated with the
public models themselves (:class:`Location`, :class:`Terminal`, :class:`Link`,
:class:`Service`); what is here describes the compact, human-written forms the loader
expands: corridor segments with speed classes, the road rule, vehicle classes, tariffs
and service stop lists.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from smartlogistics.network.mode import ModeField
from smartlogistics.values import ValueObject

__all__ = [
    "CorridorNetwork",
    "DelayEntry",
    "RegionFile",
    "RoadNetwork",
    "RoadOverride",
    "SegmentEntry",
    "ServiceEntry",
    "SourceEntry",
    "SpeedEntry",
    "StopEntry",
    "TariffEntry",
    "VehicleEntry",
]

NonEmpty = Annotated[str, Field(min_length=1)]
NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]


class _Strict(ValueObject):
    """The file's compact forms are value objects too (validated with ``parse_model``)."""


class SourceEntry(_Strict):
    """One row of the ``sources`` table (the id is the key)."""

    author: NonEmpty
    title: NonEmpty
    year: int | None = None
    url: str | None = None
    note: str | None = None


class SpeedEntry(_Strict):
    """A speed class: one speed (``kmh``) or, for rivers, ``down_kmh`` and ``up_kmh``."""

    kmh: Positive | None = None
    down_kmh: Positive | None = None
    up_kmh: Positive | None = None
    source: NonEmpty

    @model_validator(mode="after")
    def _one_form(self) -> SpeedEntry:
        river = self.down_kmh is not None or self.up_kmh is not None
        if self.kmh is not None and river:
            raise ValueError("give either kmh or down_kmh and up_kmh, not both")
        if self.kmh is None and (self.down_kmh is None or self.up_kmh is None):
            raise ValueError("give kmh, or both down_kmh and up_kmh")
        return self

    @property
    def has_current(self) -> bool:
        """Whether the class has different downstream and upstream speeds."""
        return self.kmh is None


class DelayEntry(_Strict):
    """Waiting on a segment (a lock, a border crossing), added in both directions."""

    name: NonEmpty
    wait_h: NonNegative
    source: NonEmpty


class SegmentEntry(_Strict):
    """An undirected stretch of waterway or railway; the loader makes two directed links."""

    a: NonEmpty
    b: NonEmpty
    km: Positive
    speed: NonEmpty
    name: str | None = None
    downstream: str | None = None
    delays: tuple[DelayEntry, ...] = ()
    source: NonEmpty


class CorridorNetwork(_Strict):
    """A mode's network given as segments with speed classes."""

    speeds: Annotated[dict[str, SpeedEntry], Field(min_length=1)]
    segments: tuple[SegmentEntry, ...]


class RoadOverride(_Strict):
    """A documented road distance replacing the circuity rule for one pair (both ways)."""

    a: NonEmpty
    b: NonEmpty
    km: Positive
    source: NonEmpty


class RoadNetwork(_Strict):
    """The road rule: links between all freight nodes, great-circle distance times circuity."""

    circuity_factor: Annotated[float, Field(ge=1)]
    distance_source: NonEmpty
    speed_kmh: Positive
    speed_source: NonEmpty
    name: str | None = None
    overrides: tuple[RoadOverride, ...] = ()


class VehicleEntry(_Strict):
    """A vehicle class (vessel type, train type) that services refer to."""

    name: NonEmpty
    mode: ModeField
    capacity_teu: NonNegative
    capacity_tonnes: Positive
    reefer_capacity_teu: NonNegative = 0.0
    vehicle_category: NonEmpty
    cost_per_departure_eur: NonNegative
    source: NonEmpty


class TariffEntry(_Strict):
    """The flat shipper tariff of a mode's services."""

    price_per_teu_eur: NonNegative
    price_per_tonne_eur: NonNegative
    source: NonEmpty


class StopEntry(_Strict):
    """A stop in a service's list: a location id, optionally with dwell or fixed offsets."""

    location: NonEmpty
    dwell_h: NonNegative | None = None
    arrival_h: NonNegative | None = None
    departure_h: NonNegative | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        return {"location": data} if isinstance(data, str) else data


class ServiceEntry(_Strict):
    """A service as written in the file; the loader computes its stop offsets."""

    id: NonEmpty
    name: NonEmpty
    operator: str | None = None
    mode: ModeField
    vehicle: NonEmpty
    stops: Annotated[tuple[StopEntry, ...], Field(min_length=2)]
    dwell_h: NonNegative
    dwell_source: NonEmpty
    schedule_slack: NonNegative = 0.0
    slack_source: str | None = None
    departures: Annotated[list[Any], Field(min_length=1)]
    dangerous_goods: bool
    source: NonEmpty


class RegionFile(_Strict):
    """The top level of a region file."""

    schema_version: Literal[1]
    name: Annotated[str, Field(pattern=r"^[a-z0-9_-]+$")]
    description: str = ""
    sources: dict[str, SourceEntry]
    locations: Annotated[list[dict[str, Any]], Field(min_length=1)]
    terminals: list[dict[str, Any]] = Field(default_factory=list)
    links: list[dict[str, Any]] = Field(default_factory=list)
    waterways: CorridorNetwork | None = None
    railways: CorridorNetwork | None = None
    roads: RoadNetwork | None = None
    vehicles: dict[str, VehicleEntry] = Field(default_factory=dict)
    tariffs: dict[ModeField, TariffEntry] = Field(default_factory=dict)
    services: list[dict[str, Any]] = Field(default_factory=list)
