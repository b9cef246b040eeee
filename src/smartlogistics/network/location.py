"""Locations of the region: freight nodes and network junctions."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from smartlogistics.errors import InvalidInputError
from smartlogistics.values import ValueObject

__all__ = ["Location", "LocationId", "LocationKind"]

LocationId = Annotated[str, Field(pattern=r"^[A-Z0-9_-]+$", max_length=16)]
"""A short upper-case slug such as ``"ACT"`` naming a location in a region."""


class LocationKind(StrEnum):
    """What a location is.

    All kinds but :attr:`JUNCTION` are freight nodes where cargo can be loaded,
    unloaded or transshipped. A junction is a waypoint of the waterway or rail network
    (a river fork, a canal entrance, a rail junction) that links pass through.
    """

    SEAPORT_TERMINAL = "seaport_terminal"
    INLAND_TERMINAL = "inland_terminal"
    RAIL_TERMINAL = "rail_terminal"
    AIRPORT_CARGO_AREA = "airport_cargo_area"
    FLOWER_AUCTION = "flower_auction"
    DISTRIBUTION_CENTRE = "distribution_centre"
    JUNCTION = "junction"

    @property
    def is_freight_node(self) -> bool:
        """Whether cargo can be handled here (everything except a junction)."""
        return self is not LocationKind.JUNCTION


class Location(ValueObject):
    """A place in the region's network.

    Attributes
    ----------
    id
        Short slug (``ACT``), unique within a region.
    name
        Human-readable name.
    lat, lon
        WGS 84 coordinates in decimal degrees.
    kind
        What the place is; see :class:`LocationKind`.
    country
        ISO 3166-1 alpha-2 country code.
    unlocode
        UN/LOCODE (``NLAMS``) when one exists; its first two letters must be ``country``.
    unlocode_source
        Where the code comes from (required when ``unlocode`` is given): codes are easy
        to misremember, so each carries its own provenance.
    source
        Source reference for the coordinates and kind (a source id from the region's
        ``sources`` table, or ``assumption: <reason>``).
    """

    id: LocationId
    name: Annotated[str, Field(min_length=1)]
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    kind: LocationKind
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    unlocode: Annotated[str | None, Field(pattern=r"^[A-Z]{2}[A-Z2-9]{3}$")] = None
    unlocode_source: Annotated[str | None, Field(min_length=1)] = None
    source: Annotated[str, Field(min_length=1)]

    @model_validator(mode="after")
    def _check_unlocode(self) -> Location:
        if self.unlocode is None:
            if self.unlocode_source is not None:
                raise InvalidInputError("unlocode_source", "given without an unlocode")
            return self
        if self.unlocode_source is None:
            raise InvalidInputError("unlocode_source", "required when unlocode is given")
        if self.unlocode[:2] != self.country:
            raise InvalidInputError(
                "unlocode",
                f"country part {self.unlocode[:2]!r} does not match country {self.country!r}",
            )
        return self

    @property
    def is_freight_node(self) -> bool:
        """Whether cargo can be handled here (see :attr:`LocationKind.is_freight_node`)."""
        return self.kind.is_freight_node
