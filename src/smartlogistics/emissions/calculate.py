"""Emissions of transport chain elements and chains (ISO 14083:2023 / GLEC v3).

The method, in the order ISO 14083 gives it:

1. transport activity of a leg = consignment mass * activity distance (tonne-km), or
   TEU * activity distance (TEU-km) for categories expressed per TEU;
2. emissions of a leg = activity * the intensity of its transport operation category
   (default intensities already include average load and empty running), or the user's
   own intensity, or — primary data — the vehicle trip's fuel * the fuel factor, allocated
   to the leg by its share of the trip's tonne-km;
3. emissions of a hub operation = tonnes handled * the hub operation category intensity;
4. the chain's emissions are the sum over its elements; both WTW and TTW are reported,
   and WTT = WTW - TTW.

Everything here is a pure function of its arguments and the factor table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from smartlogistics.emissions.chain import (
    DistanceType,
    HubOperation,
    LegMethod,
    TransportChain,
    TransportLeg,
)
from smartlogistics.emissions.factors import FactorTable, load_default_factors
from smartlogistics.errors import InvalidInputError
from smartlogistics.network.mode import Mode

__all__ = [
    "USER_SUPPLIED",
    "ChainResult",
    "ElementResult",
    "calculate_chain",
    "calculate_element",
    "leg_emissions",
]

USER_SUPPLIED = "user_supplied"
"""``source`` and ``status`` of a result computed from intensities the user gave."""


@dataclass(frozen=True, slots=True)
class ElementResult:
    """Emissions of one transport chain element.

    Attributes
    ----------
    id
        The element's id, if it had one.
    type
        ``"leg"`` or ``"hub"``.
    mode
        Transport mode (``None`` for a hub operation).
    method
        ``default_intensity``, ``explicit_intensity`` or ``fuel_based``.
    category
        Transport or hub operation category used (``None`` for explicit and fuel-based).
    fuel
        Fuel factor used by the fuel-based method, else ``None``.
    mass_tonnes
        Consignment mass (legs) or tonnes handled (hubs).
    activity_distance_km
        Distance entering tonne-km (includes the +95 km of an air GCD); ``None`` for hubs.
    tonne_km
        Transport activity, tonne-km; ``None`` for hubs.
    teu_km
        TEU-km when the category is expressed per TEU-km, else ``None``.
    wtw_kg, ttw_kg, wtt_kg
        Well-to-wheel, tank-to-wheel and well-to-tank emissions, kg CO2e.
    source
        Source key of the factor used, or ``"user_supplied"``.
    version
        Edition of the source (empty for user-supplied intensities).
    status
        ``verified`` / ``derived`` / ``unverified`` of the factor, or ``"user_supplied"``.
    """

    id: str | None
    type: Literal["leg", "hub"]
    mode: Mode | None
    method: LegMethod
    category: str | None
    fuel: str | None
    mass_tonnes: float
    activity_distance_km: float | None
    tonne_km: float | None
    teu_km: float | None
    wtw_kg: float
    ttw_kg: float
    wtt_kg: float
    source: str
    version: str
    status: str

    def to_json(self) -> dict[str, Any]:
        """Return the result as a plain dict of JSON types (mode as its string value)."""
        return {
            "id": self.id,
            "type": self.type,
            "mode": self.mode.value if self.mode is not None else None,
            "method": self.method,
            "category": self.category,
            "fuel": self.fuel,
            "mass_tonnes": self.mass_tonnes,
            "activity_distance_km": self.activity_distance_km,
            "tonne_km": self.tonne_km,
            "teu_km": self.teu_km,
            "wtw_kg": self.wtw_kg,
            "ttw_kg": self.ttw_kg,
            "wtt_kg": self.wtt_kg,
            "source": self.source,
            "version": self.version,
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class ChainResult:
    """Emissions of a whole transport chain.

    Attributes
    ----------
    id, name
        The chain's identification.
    elements
        One :class:`ElementResult` per element, in chain order.
    tonne_km
        Total transport activity of the legs, tonne-km.
    wtw_kg, ttw_kg, wtt_kg
        Totals over all elements (legs and hubs), kg CO2e.
    wtw_kg_per_tkm, ttw_kg_per_tkm
        The chain's emission intensity: total emissions (hub operations included) per
        tonne-km of the chain; ``None`` for a chain without legs.
    """

    id: str | None
    name: str | None
    elements: tuple[ElementResult, ...]
    tonne_km: float
    wtw_kg: float
    ttw_kg: float
    wtt_kg: float
    wtw_kg_per_tkm: float | None
    ttw_kg_per_tkm: float | None

    def to_json(self) -> dict[str, Any]:
        """Return the result as a plain dict of JSON types."""
        return {
            "id": self.id,
            "name": self.name,
            "tonne_km": self.tonne_km,
            "wtw_kg": self.wtw_kg,
            "ttw_kg": self.ttw_kg,
            "wtt_kg": self.wtt_kg,
            "wtw_kg_per_tkm": self.wtw_kg_per_tkm,
            "ttw_kg_per_tkm": self.ttw_kg_per_tkm,
            "elements": [e.to_json() for e in self.elements],
        }


def _leg(leg: TransportLeg, table: FactorTable) -> ElementResult:
    distance = leg.activity_distance_km
    tkm = leg.mass_tonnes * distance
    teu_km: float | None = None
    category: str | None = None
    fuel_id: str | None = None
    if leg.wtw_kg_per_tkm is not None and leg.ttw_kg_per_tkm is not None:
        wtw = tkm * leg.wtw_kg_per_tkm
        ttw = tkm * leg.ttw_kg_per_tkm
        source, version, status = USER_SUPPLIED, "", USER_SUPPLIED
    elif leg.fuel is not None and leg.fuel_used is not None and leg.vehicle_tonne_km is not None:
        fuel = table.fuel(leg.fuel)
        share = tkm / leg.vehicle_tonne_km
        wtw = leg.fuel_used * fuel.wtw_kg_co2e_per_unit * share
        ttw = leg.fuel_used * fuel.ttw_kg_co2e_per_unit * share
        fuel_id, source, version, status = fuel.id, fuel.source, "", fuel.status
    else:
        toc = table.default_toc(leg.mode) if leg.category is None else table.toc(leg.category)
        if toc.mode is not leg.mode:
            raise InvalidInputError(
                "category",
                f"category {toc.id!r} is for mode {toc.mode.value}, not {leg.mode.value}",
            )
        if toc.unit == "teu_km":
            if leg.teu is None:
                raise InvalidInputError(
                    "teu",
                    f"required: category {toc.id!r} is expressed per TEU-km; give the "
                    "number of TEU of the consignment",
                )
            activity = teu_km = leg.teu * distance
        else:
            activity = tkm
        wtw = activity * toc.wtw_kg_per_unit_km
        ttw = activity * toc.ttw_kg_per_unit_km
        category, source, version, status = toc.id, toc.source, toc.version, toc.status
    return ElementResult(
        id=leg.id,
        type="leg",
        mode=leg.mode,
        method=leg.method,
        category=category,
        fuel=fuel_id,
        mass_tonnes=leg.mass_tonnes,
        activity_distance_km=distance,
        tonne_km=tkm,
        teu_km=teu_km,
        wtw_kg=wtw,
        ttw_kg=ttw,
        wtt_kg=wtw - ttw,
        source=source,
        version=version,
        status=status,
    )


def _hub(hub: HubOperation, table: FactorTable) -> ElementResult:
    category: str | None = None
    if hub.wtw_kg_per_tonne is not None and hub.ttw_kg_per_tonne is not None:
        wtw = hub.mass_tonnes * hub.wtw_kg_per_tonne
        ttw = hub.mass_tonnes * hub.ttw_kg_per_tonne
        source, version, status = USER_SUPPLIED, "", USER_SUPPLIED
    else:
        hoc = table.default_hub() if hub.category is None else table.hoc(hub.category)
        wtw = hub.mass_tonnes * hoc.wtw_kg_per_tonne
        ttw = hub.mass_tonnes * hoc.ttw_kg_per_tonne
        category, source, version, status = hoc.id, hoc.source, hoc.version, hoc.status
    return ElementResult(
        id=hub.id,
        type="hub",
        mode=None,
        method=hub.method,
        category=category,
        fuel=None,
        mass_tonnes=hub.mass_tonnes,
        activity_distance_km=None,
        tonne_km=None,
        teu_km=None,
        wtw_kg=wtw,
        ttw_kg=ttw,
        wtt_kg=wtw - ttw,
        source=source,
        version=version,
        status=status,
    )


def calculate_element(
    element: TransportLeg | HubOperation, factors: FactorTable | None = None
) -> ElementResult:
    """Compute the emissions of one transport chain element.

    Parameters
    ----------
    element
        A leg or a hub operation.
    factors
        Factor table to take categories and fuels from; the default table if ``None``.

    Returns
    -------
    ElementResult
        Activity, WTW/TTW/WTT emissions and the provenance of the factor used.

    Raises
    ------
    InvalidInputError
        ``category`` for an unknown category or one of another mode, ``fuel`` for an
        unknown fuel, ``teu`` when a per-TEU category is used without ``teu``.
    """
    table = factors if factors is not None else load_default_factors()
    if isinstance(element, TransportLeg):
        return _leg(element, table)
    return _hub(element, table)


def calculate_chain(chain: TransportChain, factors: FactorTable | None = None) -> ChainResult:
    """Compute the emissions of a transport chain: the sum over its elements.

    Parameters
    ----------
    chain
        The chain.
    factors
        Factor table; the default table if ``None``.

    Returns
    -------
    ChainResult
        Per-element results and totals; sums use :func:`math.fsum`, so a chain of many
        small elements loses no precision.

    Raises
    ------
    InvalidInputError
        As :func:`calculate_element`, with the element's index in the field, e.g.
        ``elements[2].category``.
    """
    table = factors if factors is not None else load_default_factors()
    results: list[ElementResult] = []
    for i, element in enumerate(chain.elements):
        try:
            results.append(_leg(element, table) if element.type == "leg" else _hub(element, table))
        except InvalidInputError as exc:
            raise InvalidInputError(f"elements[{i}].{exc.field}", exc.problem) from None
    tkm = math.fsum(r.tonne_km for r in results if r.tonne_km is not None)
    wtw = math.fsum(r.wtw_kg for r in results)
    ttw = math.fsum(r.ttw_kg for r in results)
    return ChainResult(
        id=chain.id,
        name=chain.name,
        elements=tuple(results),
        tonne_km=tkm,
        wtw_kg=wtw,
        ttw_kg=ttw,
        wtt_kg=wtw - ttw,
        wtw_kg_per_tkm=wtw / tkm if tkm > 0 else None,
        ttw_kg_per_tkm=ttw / tkm if tkm > 0 else None,
    )


def leg_emissions(
    mode: Mode | str,
    distance_km: float,
    tonnes: float,
    *,
    distance_type: DistanceType | str = DistanceType.ACTUAL,
    category: str | None = None,
    wtw_kg_per_tkm: float | None = None,
    ttw_kg_per_tkm: float | None = None,
    teu: float | None = None,
    factors: FactorTable | None = None,
) -> ElementResult:
    """Compute the emissions of a single leg: the shortcut behind ``emissions leg``.

    Parameters
    ----------
    mode
        Transport mode (a :class:`Mode` or its name or alias).
    distance_km
        The leg's distance, km, of kind ``distance_type``.
    tonnes
        Consignment mass, tonnes.
    distance_type
        ``actual`` (the default: the distance is used as given), ``shortest_feasible``,
        or ``great_circle``. For air, pass the great-circle distance with
        ``great_circle`` and 95 km is added once (EN 16258); pass ``actual`` for a flown
        distance or one that already includes the 95 km.
    category
        Transport operation category id; the mode's default when ``None`` and no explicit
        intensities are given.
    wtw_kg_per_tkm, ttw_kg_per_tkm
        Own intensities, kg CO2e per tonne-km, both or neither.
    teu
        Number of TEU, for categories expressed per TEU-km (sea container).
    factors
        Factor table; the default table if ``None``.

    Returns
    -------
    ElementResult
        As :func:`calculate_element`.

    Raises
    ------
    InvalidInputError
        Naming the leg's field: ``mass_tonnes`` (for ``tonnes``), ``distance_km``,
        ``category``, ``wtw_kg_per_tkm``/``ttw_kg_per_tkm``, ``teu``.
    """
    leg = TransportLeg(
        mode=mode,
        mass_tonnes=tonnes,
        distance_km=distance_km,
        distance_type=distance_type,
        category=category,
        wtw_kg_per_tkm=wtw_kg_per_tkm,
        ttw_kg_per_tkm=ttw_kg_per_tkm,
        teu=teu,
    )
    return calculate_element(leg, factors)
