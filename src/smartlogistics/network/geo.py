"""Geodesy helpers for the region model."""

from __future__ import annotations

import math

__all__ = ["EARTH_RADIUS_KM", "great_circle_km"]

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG arithmetic mean radius R1), in km."""


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points on a spherical Earth, in km.

    Uses the haversine formula with the mean Earth radius (6371.0088 km). On the scale of
    the region (up to a few hundred km) the spherical model is within about 0.5% of the
    ellipsoidal distance, far below the uncertainty of a road circuity factor.

    Parameters
    ----------
    lat1, lon1, lat2, lon2
        Latitudes and longitudes in decimal degrees (WGS 84).

    Returns
    -------
    float
        Distance in kilometres, ``>= 0``.
    """
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
