"""Allocation of a shared vehicle's emissions to the shipments it carried.

ISO 14083 allocates the emissions of a vehicle trip (or of a transport operation
category's operations) to the consignments on board in proportion to their transport
activity: mass * distance, tonne-km. A shipment carried twice as far, or twice as heavy,
gets twice the share.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from smartlogistics.errors import InvalidInputError

__all__ = ["Allocation", "allocate_by_tonne_km"]


@dataclass(frozen=True, slots=True)
class Allocation:
    """A shipment's share of a vehicle's emissions.

    Attributes
    ----------
    shipment_id
        The shipment, as given.
    tonne_km
        Its transport activity, mass * distance.
    share
        Its fraction of the vehicle's tonne-km (the shares sum to 1).
    wtw_kg, ttw_kg, wtt_kg
        Its part of the vehicle's emissions, kg CO2e.
    """

    shipment_id: str
    tonne_km: float
    share: float
    wtw_kg: float
    ttw_kg: float
    wtt_kg: float

    def to_json(self) -> dict[str, Any]:
        """Return the allocation as a plain dict."""
        return {
            "shipment_id": self.shipment_id,
            "tonne_km": self.tonne_km,
            "share": self.share,
            "wtw_kg": self.wtw_kg,
            "ttw_kg": self.ttw_kg,
            "wtt_kg": self.wtt_kg,
        }


def _finite_non_negative(name: str, value: float) -> None:
    if not (math.isfinite(value) and value >= 0):
        raise InvalidInputError(name, f"must be a finite number ≥ 0, got {value!r}")


def allocate_by_tonne_km(
    total_wtw_kg: float,
    total_ttw_kg: float,
    shipments: Sequence[tuple[str, float, float]],
) -> list[Allocation]:
    """Share a vehicle's emissions among its shipments in proportion to tonne-km.

    Parameters
    ----------
    total_wtw_kg, total_ttw_kg
        The vehicle's (trip's) well-to-wheel and tank-to-wheel emissions, kg CO2e;
        ``total_wtw_kg ≥ total_ttw_kg ≥ 0``.
    shipments
        ``(shipment_id, mass_tonnes, distance_km)`` for every shipment on board; masses
        and distances > 0.

    Returns
    -------
    list of Allocation
        In the order given. The allocated emissions sum to the totals within float
        rounding (a few ulp).

    Raises
    ------
    InvalidInputError
        ``shipments`` when empty; ``shipments[i].mass_tonnes`` or
        ``shipments[i].distance_km`` when not a positive finite number;
        ``total_wtw_kg``/``total_ttw_kg`` when negative or WTW < TTW.
    """
    _finite_non_negative("total_wtw_kg", total_wtw_kg)
    _finite_non_negative("total_ttw_kg", total_ttw_kg)
    if total_wtw_kg < total_ttw_kg:
        raise InvalidInputError(
            "total_wtw_kg", f"must be ≥ total_ttw_kg ({total_ttw_kg:g}), since WTW = WTT + TTW"
        )
    if not shipments:
        raise InvalidInputError("shipments", "at least one shipment is needed")
    tkms: list[float] = []
    for i, (_, mass, distance) in enumerate(shipments):
        for name, value in (("mass_tonnes", mass), ("distance_km", distance)):
            if not (math.isfinite(value) and value > 0):
                raise InvalidInputError(
                    f"shipments[{i}].{name}", f"must be a finite number > 0, got {value!r}"
                )
        tkms.append(mass * distance)
    total_tkm = math.fsum(tkms)
    out: list[Allocation] = []
    for (shipment_id, _, _), tkm in zip(shipments, tkms, strict=True):
        share = tkm / total_tkm
        wtw = total_wtw_kg * share
        ttw = total_ttw_kg * share
        out.append(Allocation(str(shipment_id), tkm, share, wtw, ttw, wtw - ttw))
    return out
