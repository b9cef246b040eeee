"""Directed links of the network."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from smartlogistics.errors import InvalidInputError
from smartlogistics.network.location import LocationId
from smartlogistics.network.mode import ModeField
from smartlogistics.values import ValueObject

__all__ = ["Link"]


class Link(ValueObject):
    """One directed connection between two locations by one mode.

    Links are directed because the two directions can differ: on a river the upstream
    trip is much slower than the downstream one, so a river stretch is two links with
    the same distance and different travel times.

    Attributes
    ----------
    origin, destination
        Location ids.
    mode
        Transport mode of the link.
    distance_km
        Distance along the infrastructure, km (``> 0``).
    travel_time_h
        Typical travel time including lock or border waiting, hours (``> 0``).
    name
        Name of the infrastructure (``"Waal"``, ``"Betuweroute"``), when known.
    source
        Source references for the numbers (see :mod:`smartlogistics.provenance`).
    """

    origin: LocationId
    destination: LocationId
    mode: ModeField
    distance_km: Annotated[float, Field(gt=0)]
    travel_time_h: Annotated[float, Field(gt=0)]
    name: str | None = None
    source: Annotated[str, Field(min_length=1)]

    @model_validator(mode="after")
    def _check_ends(self) -> Link:
        if self.origin == self.destination:
            raise InvalidInputError("destination", f"same as origin {self.origin!r}")
        return self

    @property
    def speed_kmh(self) -> float:
        """Average speed over the link including waiting, km/h."""
        return self.distance_km / self.travel_time_h
