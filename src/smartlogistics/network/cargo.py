"""Cargo units the region moves: containers, air cargo units and flower trolleys."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated

from pydantic import Field, model_validator

from smartlogistics.errors import InvalidInputError
from smartlogistics.values import ValueObject

__all__ = ["DEFAULT_UNITS", "CargoUnit", "CargoUnitKind", "default_unit"]


class CargoUnitKind(StrEnum):
    """Kind of loading unit."""

    TEU_CONTAINER = "teu_container"
    FEU_CONTAINER = "feu_container"
    AIR_PIECE = "air_piece"
    ULD = "uld"
    FLOWER_TROLLEY = "flower_trolley"


class CargoUnit(ValueObject):
    """A loading unit with its size in TEU and its weights.

    Attributes
    ----------
    id
        Name of the unit type (``"20ft"``, ``"uld_pmc"``).
    kind
        What kind of unit it is.
    teu
        Slots it takes on a container vessel or train, in TEU (``0`` for cargo that
        travels loose and is charged by weight).
    tare_t
        Weight of the empty unit, tonnes.
    gross_t
        Weight as loaded (tare plus goods), tonnes; at least ``tare_t``.
    max_gross_t
        Maximum permitted gross weight, tonnes.
    source
        Source references for the numbers.
    """

    id: Annotated[str, Field(min_length=1)]
    kind: CargoUnitKind
    teu: Annotated[float, Field(ge=0)]
    tare_t: Annotated[float, Field(ge=0)]
    gross_t: Annotated[float, Field(ge=0)]
    max_gross_t: Annotated[float, Field(gt=0)]
    source: Annotated[str, Field(min_length=1)]

    @model_validator(mode="after")
    def _check_weights(self) -> CargoUnit:
        if self.gross_t < self.tare_t:
            raise InvalidInputError(
                "gross_t", f"{self.gross_t:g} t is less than the tare weight {self.tare_t:g} t"
            )
        if self.gross_t > self.max_gross_t:
            raise InvalidInputError(
                "gross_t", f"{self.gross_t:g} t exceeds the maximum gross {self.max_gross_t:g} t"
            )
        return self

    @property
    def net_t(self) -> float:
        """Weight of the goods, tonnes."""
        return self.gross_t - self.tare_t

    def loaded(self, net_t: float) -> CargoUnit:
        """Return the same unit carrying ``net_t`` tonnes of goods.

        Raises
        ------
        InvalidInputError
            ``net_t`` is negative (field ``net_t``) or the result exceeds the maximum
            gross weight (field ``gross_t``).
        """
        if net_t < 0:
            raise InvalidInputError("net_t", f"{net_t:g} t is negative")
        data = self.model_dump()
        data["gross_t"] = self.tare_t + net_t
        return CargoUnit(**data)


def _empty(
    id: str, kind: CargoUnitKind, teu: float, tare_t: float, max_gross_t: float, source: str
) -> CargoUnit:
    return CargoUnit(
        id=id, kind=kind, teu=teu, tare_t=tare_t, gross_t=tare_t, max_gross_t=max_gross_t,
        source=source,
    )  # fmt: skip


DEFAULT_UNITS: Mapping[str, CargoUnit] = MappingProxyType(
    {
        u.id: u
        for u in (
            # Tare 2.2 t / 3.7 t: the project brief's typical steel dry boxes; max gross
            # 30.48 t is the ISO 668 rating of 1CC/1AA containers (not re-checked here).
            _empty(
                "20ft",
                CargoUnitKind.TEU_CONTAINER,
                1.0,
                2.2,
                30.48,
                "assumption: typical tare of a 20ft steel dry container"
                "; assumption: ISO 668 max gross 30480 kg, from memory",
            ),
            _empty(
                "40ft",
                CargoUnitKind.FEU_CONTAINER,
                2.0,
                3.7,
                30.48,
                "assumption: typical tare of a 40ft steel dry container"
                "; assumption: ISO 668 max gross 30480 kg, from memory",
            ),
            # ULD figures are typical manufacturer values, from memory: PMC (P6P, 96x125 in
            # main-deck pallet) about 110 kg tare, 6,804 kg max gross; AKE (LD3 lower-deck
            # container) about 80 kg tare, 1,588 kg max gross.
            _empty(
                "uld_pmc",
                CargoUnitKind.ULD,
                0.0,
                0.11,
                6.804,
                "assumption: typical PMC pallet tare and rating, not checked",
            ),
            _empty(
                "uld_ake",
                CargoUnitKind.ULD,
                0.0,
                0.08,
                1.588,
                "assumption: typical AKE (LD3) tare and rating, not checked",
            ),
            # A 40ft reefer takes about 40 Danish trolleys, hence 0.05 TEU each.
            _empty(
                "cc_trolley",
                CargoUnitKind.FLOWER_TROLLEY,
                0.05,
                0.04,
                0.4,
                "assumption: Danish (CC) flower trolley about 40 kg empty, 400 kg loaded"
                ", about 40 per 40ft reefer",
            ),
            _empty(
                "air_piece",
                CargoUnitKind.AIR_PIECE,
                0.0,
                0.0,
                1.0,
                "assumption: generic loose air cargo piece up to 1 t, charged by weight",
            ),
        )
    }
)
"""The default unit types, empty (``gross_t == tare_t``), keyed by id."""


def default_unit(id: str) -> CargoUnit:
    """Return the default unit type ``id`` (``"20ft"``, ``"40ft"``, ``"uld_pmc"``, ...).

    Raises
    ------
    InvalidInputError
        Unknown id (field ``unit``).
    """
    try:
        return DEFAULT_UNITS[id]
    except KeyError:
        known = ", ".join(DEFAULT_UNITS)
        raise InvalidInputError("unit", f"unknown unit {id!r}; known: {known}") from None
