"""Shared fixtures of the SmartGate tests: a complete, clean consignment to vary."""

from __future__ import annotations

from typing import Any

import pytest

from smartlogistics.smartgate.consignment import Consignment


def clean_data(**changes: Any) -> dict[str, Any]:
    """A complete 7+1 filing that no default rule objects to (then ``changes``)."""
    data: dict[str, Any] = {
        "id": "C-1",
        "house_awb": "HAWB0001",
        "master_awb": "074-12345675",
        "pieces": 2,
        "gross_weight_kg": 40.0,
        "description": "laptop computers",
        "consignor_name": "Shenzhen Bright Computers Co Ltd",
        "consignor_address": "1 Keji Road, Nanshan, Shenzhen",
        "consignor_country": "CN",
        "consignee_name": "Dutch Office Supplies BV",
        "consignee_address": "Evert van de Beekstraat 1, 1118 CL Schiphol",
        "consignee_country": "NL",
        "hs_code": "847130",
        "consignee_eori": "NL123456789",
        "declared_value": 8000.0,
        "currency": "EUR",
        "origin_airport": "PVG",
        "routing": ["PVG", "AMS"],
        "carrier": "KL",
        "declarant": "Example Forwarding BV",
        "flight": "KL0896",
        "filed_at": "2026-12-01T08:00:00+01:00",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def clean(**changes: Any) -> Consignment:
    """The clean consignment with ``changes`` (``None`` removes a field)."""
    return Consignment(**clean_data(**changes))


@pytest.fixture
def consignment() -> Consignment:
    return clean()
