"""SmartGate's synthetic import history as insight shipments: the sector views' sample.

``insight sectors`` and ``insight report`` without ``--input``, and the dashboard's Sectors
page, analyse this seeded sample. It knows both SmartGate (the history generator) and
insight (the ``Shipment`` table), which stand alone, so it is a bridge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from smartlogistics.errors import InvalidInputError

if TYPE_CHECKING:
    from smartlogistics.insight import Shipment

__all__ = [
    "SAMPLE_CLEARANCE_MEDIAN_MIN",
    "SAMPLE_DISTANCE_KM",
    "SAMPLE_LEAD_MEDIAN_H",
    "SAMPLE_SEED",
    "SAMPLE_SIZE",
    "sample_shipments",
]

#: Defaults of the generated sample (``sectors`` and ``report`` without ``--input``).
SAMPLE_SIZE = 2000
SAMPLE_SEED = 7
#: Assumptions of the sample conversion (SmartGate's history has no times or emissions).
SAMPLE_DISTANCE_KM = 8000.0
SAMPLE_LEAD_MEDIAN_H = 36.0
SAMPLE_CLEARANCE_MEDIAN_MIN = 20.0


def sample_shipments(n: int = SAMPLE_SIZE, seed: int = SAMPLE_SEED) -> list[Shipment]:
    """Convert SmartGate's synthetic import history into shipments (a seeded sample).

    Each consignment becomes an air shipment from its origin airport to Schiphol
    (``SPL``) with its HS code, gross weight and date. The history has no times or
    emissions, so these are drawn or computed from stated assumptions: lead time
    lognormal with median 36 h (sigma 0.4), clearance time lognormal with median 20 min
    (sigma 0.8), CO2e by the emissions module's default air factor over 8,000 km.
    """
    import numpy as np

    from smartlogistics.emissions import leg_emissions
    from smartlogistics.insight import Shipment
    from smartlogistics.smartgate.history import generate_history

    if n < 1:
        raise InvalidInputError("n", f"must be at least 1, got {n}")
    frame = generate_history(n, seed=seed)
    rng = np.random.default_rng(seed)
    lead = SAMPLE_LEAD_MEDIAN_H * np.exp(rng.normal(0.0, 0.4, n))
    clearance = SAMPLE_CLEARANCE_MEDIAN_MIN * np.exp(rng.normal(0.0, 0.8, n))
    per_tonne = leg_emissions("air", SAMPLE_DISTANCE_KM, 1.0).wtw_kg
    weights: list[float] = frame["gross_weight_kg"].astype(float).tolist()
    columns = zip(
        frame["id"].astype(str),
        frame["hs_code"].astype(str),
        frame["origin_airport"].astype(str),
        frame["date"].astype(str),
        weights,
        lead.tolist(),
        clearance.tolist(),
        strict=True,
    )
    out = [
        Shipment(
            id=ident,
            hs_code=hs_code,
            mode="air",
            origin=origin,
            destination="SPL",
            tonnes=kg / 1000,
            period=day,
            lead_time_h=round(lead_h, 2),
            clearance_min=round(clear_min, 2),
            co2e_kg=round(per_tonne * kg / 1000, 3),
        )
        for ident, hs_code, origin, day, kg, lead_h, clear_min in columns
    ]
    return out
