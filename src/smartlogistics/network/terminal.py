"""Terminals: what a freight node can handle, how fast and at what cost."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from smartlogistics.network.location import LocationId
from smartlogistics.network.mode import Mode, ModeField
from smartlogistics.values import ValueObject

__all__ = ["Terminal"]


class Terminal(ValueObject):
    """The handling facilities at one freight node.

    A planner needs to know which modes can be exchanged at a node, how long a
    transshipment takes and what it costs; services may only call where a terminal
    serves their mode.

    Attributes
    ----------
    location
        Id of the location the terminal is at (one terminal per location).
    modes
        Modes the terminal can load and unload (non-empty).
    handling_time_h
        Time to transship one unit between modes, hours.
    cost_per_teu_eur
        Handling charge per TEU moved through the terminal, EUR.
    cost_per_tonne_eur
        Handling charge per tonne of non-containerised cargo (air pieces, flower
        trolleys), EUR; ``0`` where the terminal prices containers only.
    reefer
        Whether the terminal has reefer plugs or cooled handling.
    dangerous_goods
        Whether dangerous goods may be handled.
    source
        Source references for the numbers and flags.
    """

    location: LocationId
    modes: Annotated[frozenset[ModeField], Field(min_length=1)]
    handling_time_h: Annotated[float, Field(ge=0)]
    cost_per_teu_eur: Annotated[float, Field(ge=0)]
    cost_per_tonne_eur: Annotated[float, Field(ge=0)]
    reefer: bool
    dangerous_goods: bool
    source: Annotated[str, Field(min_length=1)]

    def serves(self, mode: Mode) -> bool:
        """Whether the terminal handles ``mode``."""
        return mode in self.modes
