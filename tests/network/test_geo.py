from __future__ import annotations

import math

import pytest

from smartlogistics.network.geo import EARTH_RADIUS_KM, great_circle_km


def _law_of_cosines_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return EARTH_RADIUS_KM * math.acos(c)


def test_amsterdam_paris() -> None:
    # 429.86 km on a sphere of R = 6371.0088 km (the often quoted straight-line distance
    # is about 430 km); checked independently with the spherical law of cosines below.
    d = great_circle_km(52.3676, 4.9041, 48.8566, 2.3522)
    assert d == pytest.approx(429.86, abs=0.01)
    assert d == pytest.approx(_law_of_cosines_km(52.3676, 4.9041, 48.8566, 2.3522), rel=1e-9)


def test_one_degree_of_latitude_is_r_times_pi_over_180() -> None:
    assert great_circle_km(0, 0, 1, 0) == pytest.approx(EARTH_RADIUS_KM * math.pi / 180, rel=1e-12)


def test_symmetric_and_zero() -> None:
    assert great_circle_km(52.42, 4.79, 51.45, 6.73) == great_circle_km(51.45, 6.73, 52.42, 4.79)
    assert great_circle_km(52.42, 4.79, 52.42, 4.79) == 0.0


def test_antipodes_is_half_circumference() -> None:
    assert great_circle_km(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_KM, rel=1e-12)
