"""Properties: emissions are linear in mass and distance; allocation conserves the total."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartlogistics.emissions import allocate_by_tonne_km, leg_emissions, load_default_factors
from smartlogistics.network.mode import Mode

positive = st.floats(min_value=1e-3, max_value=1e5, allow_nan=False, allow_infinity=False)
factor = st.floats(min_value=0.01, max_value=100.0)
categories = st.sampled_from([t.id for t in load_default_factors().tocs if t.unit == "t_km"])


@given(category=categories, tonnes=positive, distance=positive, k=factor)
def test_linear_in_mass(category: str, tonnes: float, distance: float, k: float) -> None:
    mode = load_default_factors().toc(category).mode
    a = leg_emissions(mode, distance, tonnes, category=category)
    b = leg_emissions(mode, distance, tonnes * k, category=category)
    assert b.wtw_kg == pytest.approx(k * a.wtw_kg, rel=1e-9)
    assert b.ttw_kg == pytest.approx(k * a.ttw_kg, rel=1e-9)
    assert a.tonne_km is not None and b.tonne_km is not None
    assert b.tonne_km == pytest.approx(k * a.tonne_km, rel=1e-9)


@given(category=categories, tonnes=positive, distance=positive, k=factor)
def test_linear_in_distance(category: str, tonnes: float, distance: float, k: float) -> None:
    mode = load_default_factors().toc(category).mode
    a = leg_emissions(mode, distance, tonnes, category=category)
    b = leg_emissions(mode, distance * k, tonnes, category=category)
    assert b.wtw_kg == pytest.approx(k * a.wtw_kg, rel=1e-9)
    assert b.wtt_kg == pytest.approx(k * a.wtt_kg, rel=1e-6, abs=1e-12)


@given(tonnes=positive, distance=positive)
def test_wtw_is_wtt_plus_ttw(tonnes: float, distance: float) -> None:
    for mode in Mode:
        r = leg_emissions(mode, distance, tonnes, teu=1.0)
        assert r.wtw_kg == pytest.approx(r.wtt_kg + r.ttw_kg, rel=1e-12)
        assert r.wtw_kg >= r.ttw_kg >= 0


@given(
    wtw=st.floats(min_value=0, max_value=1e6),
    ttw_share=st.floats(min_value=0, max_value=1),
    shipments=st.lists(st.tuples(positive, positive), min_size=1, max_size=40),
)
def test_allocation_conserves_totals(
    wtw: float, ttw_share: float, shipments: list[tuple[float, float]]
) -> None:
    ttw = wtw * ttw_share
    parts = allocate_by_tonne_km(wtw, ttw, [(str(i), m, d) for i, (m, d) in enumerate(shipments)])
    assert len(parts) == len(shipments)
    assert math.fsum(p.wtw_kg for p in parts) == pytest.approx(wtw, rel=1e-12, abs=1e-12)
    assert math.fsum(p.ttw_kg for p in parts) == pytest.approx(ttw, rel=1e-12, abs=1e-12)
    assert all(p.wtw_kg >= 0 and p.share >= 0 for p in parts)
