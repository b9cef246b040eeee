"""Transport chains: the legs and hub operations whose emissions ISO 14083 adds up.

A transport chain (TC) is the sequence of transport chain elements (TCE) that moves a
consignment from origin to destination; every change of vehicle or hub starts a new
element. An element is either a :class:`TransportLeg` (emissions ∝ tonne-km) or a
:class:`HubOperation` (emissions ∝ tonnes handled).

The classes are frozen value objects validated on construction; bad input raises
:class:`~smartlogistics.errors.InvalidInputError` naming the field (``mass_tonnes``,
``elements[1].wtw_kg_per_tkm`` ...). The JSON chain file read by :func:`load_chain` is
exactly the JSON form of :class:`TransportChain`.

Distances and the +95 km of air
-------------------------------
A leg's ``distance_km`` is what the user measured, and ``distance_type`` says what kind of
distance it is. The *activity distance* used for tonne-km is
:attr:`TransportLeg.activity_distance_km`; it is the only place where EN 16258's +95 km
for air is added, and only for ``mode == air`` with ``distance_type == great_circle``. An
air distance given as ``actual`` (e.g. a flown track, or a GCD to which the caller already
added 95 km) is used as it is. So the 95 km is added exactly once, by this property, and
nothing else in the package adds it.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from smartlogistics.errors import InvalidInputError
from smartlogistics.network.mode import Mode, ModeField
from smartlogistics.values import ValueObject, parse_model

__all__ = [
    "AIR_GCD_UPLIFT_KM",
    "ChainElement",
    "DistanceType",
    "HubOperation",
    "LegMethod",
    "TransportChain",
    "TransportLeg",
    "air_activity_distance_km",
    "load_chain",
]

AIR_GCD_UPLIFT_KM = 95.0
"""Kilometres added to an air great-circle distance (EN 16258 practice, kept by GLEC)."""

LegMethod = Literal["default_intensity", "explicit_intensity", "fuel_based"]
"""How an element's emissions are obtained: a factor-table category, intensities given
by the user, or measured fuel consumption (primary data)."""

# Relative slack for "the vehicle's tonne-km is at least this leg's": the two numbers are
# often computed independently from the same inputs and may differ in the last bits.
_TKM_SLACK = 1e-9


class DistanceType(StrEnum):
    """Kind of distance a leg's ``distance_km`` is (ISO 14083 § 9.2).

    ``actual``
        distance actually travelled (or already an activity distance);
    ``shortest_feasible``
        shortest feasible distance (SFD) over the mode's network, ISO 14083's default for
        surface modes;
    ``great_circle``
        great-circle distance (GCD); for air the activity distance is GCD + 95 km.
    """

    ACTUAL = "actual"
    SHORTEST_FEASIBLE = "shortest_feasible"
    GREAT_CIRCLE = "great_circle"


def air_activity_distance_km(gcd_km: float) -> float:
    """Return the activity distance of an air leg from its great-circle distance.

    EN 16258 practice, kept by the GLEC Framework: GCD + 95 km, for routing around
    airports and holding patterns. :attr:`TransportLeg.activity_distance_km` calls this
    for ``mode=air, distance_type=great_circle``; do not call it yourself as well.

    Parameters
    ----------
    gcd_km
        Great-circle distance between the airports, km (≥ 0).

    Returns
    -------
    float
        ``gcd_km + 95``.
    """
    if not gcd_km >= 0:
        raise InvalidInputError("distance_km", f"must be ≥ 0, got {gcd_km!r}")
    return gcd_km + AIR_GCD_UPLIFT_KM


class TransportLeg(ValueObject):
    """One transport chain element moved by one vehicle: a leg.

    Emissions come from exactly one of:

    * ``category`` — a transport operation category of the factor table (the default
      method; when no method is given the mode's default category is used);
    * ``wtw_kg_per_tkm`` + ``ttw_kg_per_tkm`` — the user's own intensities, kg CO2e per
      tonne-km, both required (WTW ≥ TTW ≥ 0);
    * ``fuel`` + ``fuel_used`` + ``vehicle_tonne_km`` — primary data: the fuel the vehicle
      burnt on the whole trip, in the fuel's unit (kg or litre), allocated to this leg by
      its share of the trip's tonne-km (ISO 14083 allocation). ``vehicle_tonne_km`` is the
      trip's total, so it is at least this leg's tonne-km.

    Attributes
    ----------
    type
        Always ``"leg"``; the tag of the chain file's element union.
    id
        Optional identifier, unique within a chain.
    origin, destination
        Optional free text (a UN/LOCODE, a terminal id): carried, not used.
    mode
        Transport mode; aliases such as ``"truck"`` or ``"iww"`` are accepted.
    mass_tonnes
        Consignment mass, tonnes (> 0).
    distance_km
        Distance as measured, km (> 0); see ``distance_type``.
    distance_type
        What kind of distance ``distance_km`` is; air GCD gets +95 km.
    teu
        Number of TEU of the consignment; needed when the category's unit is TEU-km.
    """

    type: Literal["leg"] = "leg"
    id: str | None = None
    origin: str | None = None
    destination: str | None = None
    mode: ModeField
    mass_tonnes: float = Field(gt=0)
    distance_km: float = Field(gt=0)
    distance_type: DistanceType = DistanceType.ACTUAL
    category: str | None = None
    wtw_kg_per_tkm: float | None = Field(default=None, ge=0)
    ttw_kg_per_tkm: float | None = Field(default=None, ge=0)
    fuel: str | None = None
    fuel_used: float | None = Field(default=None, gt=0)
    vehicle_tonne_km: float | None = Field(default=None, gt=0)
    teu: float | None = Field(default=None, gt=0)

    @property
    def activity_distance_km(self) -> float:
        """Distance entering tonne-km: ``distance_km``, plus 95 km for an air GCD."""
        if self.mode is Mode.AIR and self.distance_type is DistanceType.GREAT_CIRCLE:
            return air_activity_distance_km(self.distance_km)
        return self.distance_km

    @property
    def tonne_km(self) -> float:
        """Transport activity of the leg: mass * activity distance, tonne-km."""
        return self.mass_tonnes * self.activity_distance_km

    @property
    def method(self) -> LegMethod:
        """Which of the three ways of getting emissions this leg uses."""
        if self.wtw_kg_per_tkm is not None:
            return "explicit_intensity"
        if self.fuel is not None:
            return "fuel_based"
        return "default_intensity"

    @model_validator(mode="after")
    def _one_method(self) -> TransportLeg:
        explicit = (self.wtw_kg_per_tkm, self.ttw_kg_per_tkm)
        if (explicit[0] is None) != (explicit[1] is None):
            given, missing = (
                ("wtw_kg_per_tkm", "ttw_kg_per_tkm")
                if explicit[1] is None
                else ("ttw_kg_per_tkm", "wtw_kg_per_tkm")
            )
            raise InvalidInputError(missing, f"required together with {given}")
        fuel_fields = {
            "fuel": self.fuel,
            "fuel_used": self.fuel_used,
            "vehicle_tonne_km": self.vehicle_tonne_km,
        }
        present = [k for k, v in fuel_fields.items() if v is not None]
        if present and len(present) < len(fuel_fields):
            missing_f = next(k for k, v in fuel_fields.items() if v is None)
            raise InvalidInputError(
                missing_f,
                "required for the fuel-based method, which needs fuel, fuel_used and "
                "vehicle_tonne_km",
            )
        methods = [
            name
            for name, on in (
                ("category", self.category is not None),
                ("wtw_kg_per_tkm", explicit[0] is not None),
                ("fuel", bool(present)),
            )
            if on
        ]
        if len(methods) > 1:
            raise InvalidInputError(
                methods[0],
                f"cannot be combined with {methods[1]}: give one way of getting emissions "
                "(a category, explicit wtw/ttw intensities, or fuel data)",
            )
        wtw, ttw = explicit
        if wtw is not None and ttw is not None and wtw < ttw:
            raise InvalidInputError(
                "wtw_kg_per_tkm",
                f"must be ≥ ttw_kg_per_tkm ({ttw:g}), since WTW = WTT + TTW; got {wtw:g}",
            )
        if self.vehicle_tonne_km is not None:
            own = self.tonne_km
            if self.vehicle_tonne_km < own * (1 - _TKM_SLACK):
                raise InvalidInputError(
                    "vehicle_tonne_km",
                    f"must be ≥ this leg's {own:g} tonne-km (the trip's total includes "
                    f"this consignment); got {self.vehicle_tonne_km:g}",
                )
        return self


class HubOperation(ValueObject):
    """A hub operation: handling a consignment at a terminal or warehouse.

    Emissions are per tonne handled, from a hub operation category (``category``; the
    table's default HOC when none is named) or from explicit ``wtw_kg_per_tonne`` +
    ``ttw_kg_per_tonne``.

    Attributes
    ----------
    type
        Always ``"hub"``.
    id
        Optional identifier, unique within a chain.
    location
        Optional free text (UN/LOCODE, terminal id): carried, not used.
    mass_tonnes
        Tonnes handled (> 0).
    category
        Hub operation category id.
    wtw_kg_per_tonne, ttw_kg_per_tonne
        Explicit intensities, kg CO2e per tonne, both required (WTW ≥ TTW ≥ 0).
    """

    type: Literal["hub"] = "hub"
    id: str | None = None
    location: str | None = None
    mass_tonnes: float = Field(gt=0)
    category: str | None = None
    wtw_kg_per_tonne: float | None = Field(default=None, ge=0)
    ttw_kg_per_tonne: float | None = Field(default=None, ge=0)

    @property
    def method(self) -> LegMethod:
        """``explicit_intensity`` when intensities are given, else ``default_intensity``."""
        return "explicit_intensity" if self.wtw_kg_per_tonne is not None else "default_intensity"

    @model_validator(mode="after")
    def _one_method(self) -> HubOperation:
        wtw, ttw = self.wtw_kg_per_tonne, self.ttw_kg_per_tonne
        if (wtw is None) != (ttw is None):
            given, missing = (
                ("wtw_kg_per_tonne", "ttw_kg_per_tonne")
                if ttw is None
                else ("ttw_kg_per_tonne", "wtw_kg_per_tonne")
            )
            raise InvalidInputError(missing, f"required together with {given}")
        if self.category is not None and wtw is not None:
            raise InvalidInputError(
                "category",
                "cannot be combined with wtw_kg_per_tonne: give a category or explicit "
                "intensities, not both",
            )
        if wtw is not None and ttw is not None and wtw < ttw:
            raise InvalidInputError(
                "wtw_kg_per_tonne",
                f"must be ≥ ttw_kg_per_tonne ({ttw:g}), since WTW = WTT + TTW; got {wtw:g}",
            )
        return self


ChainElement = Annotated[TransportLeg | HubOperation, Field(discriminator="type")]
"""A transport chain element: a leg or a hub operation, told apart by ``type``."""


class TransportChain(ValueObject):
    """A transport chain: the elements that move one consignment, in order.

    Attributes
    ----------
    id, name
        Optional identification.
    elements
        At least one :class:`TransportLeg` or :class:`HubOperation`. Element ids, where
        given, are unique.
    """

    id: str | None = None
    name: str | None = None
    elements: tuple[ChainElement, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> TransportChain:
        seen: set[str] = set()
        for i, element in enumerate(self.elements):
            if element.id is None:
                continue
            if element.id in seen:
                raise InvalidInputError(f"elements[{i}].id", f"duplicate element id {element.id!r}")
            seen.add(element.id)
        return self


def load_chain(source: str | Path) -> TransportChain:
    """Read a transport chain from a JSON file or JSON text.

    The format is the JSON of :class:`TransportChain`::

        {"id": "c1", "elements": [
            {"type": "leg", "mode": "barge", "mass_tonnes": 10, "distance_km": 230},
            {"type": "hub", "mass_tonnes": 10},
            {"type": "leg", "mode": "road", "mass_tonnes": 10, "distance_km": 25}]}

    Parameters
    ----------
    source
        A :class:`~pathlib.Path`, or a string: JSON text when it starts with ``{`` (after
        whitespace), otherwise a file path.

    Raises
    ------
    InvalidInputError
        ``file`` when the file cannot be read or is not JSON (with line and column);
        otherwise the offending field, e.g. ``elements[1].mass_tonnes``.
    """
    if isinstance(source, str) and source.lstrip().startswith("{"):
        text = source
    else:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise InvalidInputError(
                "file", f"cannot read {str(source)!r}: {exc.strerror}"
            ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            "file", f"not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    if not isinstance(data, dict):
        raise InvalidInputError("file", "a transport chain must be a JSON object")
    return parse_model(TransportChain, data)
