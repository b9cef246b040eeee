"""Greenhouse-gas emissions of transport chains, by ISO 14083:2023 and the GLEC Framework v3.

A transport chain is a sequence of legs and hub operations; each element's emissions are
its activity (tonne-km, TEU-km or tonnes handled) times an intensity from a factor table,
or measured fuel times a fuel factor, reported well-to-wheel (WTW) and tank-to-wheel (TTW)
in kg CO2e. The default factor table ships with the package and says for every row where
it comes from and whether it was verified (see ``docs/emissions.md``).

The package is pure functions over value objects: no I/O besides reading its own
package data, and the two explicit readers :func:`load_chain` and
:func:`load_factor_table` for user files.

Examples
--------
>>> from smartlogistics.emissions import leg_emissions
>>> r = leg_emissions("road", 203, 5.0, category="road_rigid_truck_26_32t_euro6")
>>> round(r.tonne_km, 6), round(r.wtw_kg, 6)
(1015.0, 164.43)
"""

from __future__ import annotations

from smartlogistics.emissions.allocation import Allocation, allocate_by_tonne_km
from smartlogistics.emissions.calculate import (
    USER_SUPPLIED,
    ChainResult,
    ElementResult,
    calculate_chain,
    calculate_element,
    leg_emissions,
)
from smartlogistics.emissions.chain import (
    AIR_GCD_UPLIFT_KM,
    ChainElement,
    DistanceType,
    HubOperation,
    LegMethod,
    TransportChain,
    TransportLeg,
    air_activity_distance_km,
    load_chain,
)
from smartlogistics.emissions.factors import (
    FactorSource,
    FactorStatus,
    FactorTable,
    FuelFactor,
    HubOperationCategory,
    TransportOperationCategory,
    load_default_factors,
    load_factor_table,
)

__all__ = [
    "AIR_GCD_UPLIFT_KM",
    "USER_SUPPLIED",
    "Allocation",
    "ChainElement",
    "ChainResult",
    "DistanceType",
    "ElementResult",
    "FactorSource",
    "FactorStatus",
    "FactorTable",
    "FuelFactor",
    "HubOperation",
    "HubOperationCategory",
    "LegMethod",
    "TransportChain",
    "TransportLeg",
    "TransportOperationCategory",
    "air_activity_distance_km",
    "allocate_by_tonne_km",
    "calculate_chain",
    "calculate_element",
    "leg_emissions",
    "load_chain",
    "load_default_factors",
    "load_factor_table",
]
