"""Routes through the network and the error for an unreachable destination."""

from __future__ import annotations

from smartlogistics.errors import InvalidInputError
from smartlogistics.network.link import Link
from smartlogistics.network.mode import ModeField
from smartlogistics.values import ValueObject

__all__ = ["NoRouteError", "Route"]


class NoRouteError(InvalidInputError):
    """No path by the requested mode connects the two locations."""


class Route(ValueObject):
    """A path through the network by one mode.

    Attributes
    ----------
    origin, destination
        Location ids.
    mode
        Mode of every link on the path.
    path
        Location ids visited, from origin to destination inclusive.
    links
        The links taken, in order (empty when origin equals destination).
    distance_km, travel_time_h
        Sums over the links.
    """

    origin: str
    destination: str
    mode: ModeField
    path: tuple[str, ...]
    links: tuple[Link, ...]
    distance_km: float
    travel_time_h: float

    @classmethod
    def from_links(
        cls, origin: str, destination: str, mode: ModeField, links: tuple[Link, ...]
    ) -> Route:
        """Build the route that follows ``links`` (assumed contiguous) from ``origin``."""
        return cls(
            origin=origin,
            destination=destination,
            mode=mode,
            path=(origin, *(link.destination for link in links)),
            links=links,
            distance_km=sum(link.distance_km for link in links),
            travel_time_h=sum(link.travel_time_h for link in links),
        )

    def passes(self, location: str) -> bool:
        """Whether the path visits ``location`` (including its ends)."""
        return location in self.path
