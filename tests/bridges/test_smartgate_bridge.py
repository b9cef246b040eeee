"""The SmartGate bridge on the hub's bus: a complete house waybill is screened once."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, text

from smartlogistics.bridges import SmartGateBridge
from smartlogistics.db import upgrade
from smartlogistics.hub.bus import HubBus
from smartlogistics.hub.store import HubStore
from smartlogistics.smartgate import Screener

BASE = "http://hub.test"
AGENT = f"{BASE}/logistics-objects/forwarder"
CARGO = "https://onerecord.iata.org/ns/cargo#"
PID = "https://onerecord.iata.org/ns/code-lists/ParticipantIdentifier#"


def _party(role: str, name: str, street: str, city: str, country: str) -> dict[str, Any]:
    address = {
        "@type": "cargo:Address",
        "cargo:streetAddressLines": [street],
        "cargo:cityName": city,
        "cargo:country": {"@id": "https://vocabulary.uncefact.org/CountryId#" + country},
    }
    return {
        "@type": "cargo:Party",
        "cargo:partyRole": {"@id": PID + role},
        "cargo:partyDetails": {
            "@type": "cargo:Company",
            "cargo:name": name,
            "cargo:basedAtLocation": {"@type": "cargo:Location", "cargo:address": address},
        },
    }


def _shipment(description: str) -> dict[str, Any]:
    return {
        "@context": {"cargo": CARGO},
        "@id": f"{BASE}/logistics-objects/ship-1",
        "@type": "cargo:Shipment",
        "cargo:goodsDescription": description,
        "cargo:totalGrossWeight": {
            "@type": "cargo:Value",
            "cargo:numericalValue": 12.5,
            "cargo:unit": {
                "@id": "https://onerecord.iata.org/ns/code-lists/MeasurementUnitCode#KGM"
            },
        },
        "cargo:pieces": [
            {"@id": f"{BASE}/logistics-objects/piece-1"},
            {"@id": f"{BASE}/logistics-objects/piece-2"},
        ],
        "cargo:involvedParties": [
            _party("SHP", "Kowloon Watch Co", "1 Nathan Road", "Hong Kong", "HK"),
            _party("CNE", "Amstel Horloges BV", "Damrak 1", "Amsterdam", "NL"),
        ],
    }


def _waybill(object_id: str, number: str | None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": {"cargo": CARGO},
        "@id": f"{BASE}/logistics-objects/{object_id}",
        "@type": "cargo:Waybill",
        "cargo:waybillType": {"@id": "cargo:HOUSE"},
        "cargo:masterWaybill": {
            "@type": "cargo:Waybill",
            "cargo:waybillType": {"@id": "cargo:MASTER"},
            "cargo:waybillPrefix": "074",
            "cargo:waybillNumber": "12345675",
        },
        "cargo:shipment": {"@id": f"{BASE}/logistics-objects/ship-1"},
    }
    if number is not None:
        doc["cargo:waybillNumber"] = number
    return doc


def _events(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT object_id, body FROM hub_events ORDER BY seq")).all()
    out = []
    for object_id, body in rows:
        doc = body if isinstance(body, dict) else json.loads(body)
        code = doc["cargo:eventCode"]
        out.append((object_id, str(code.get("cargo:code"))))
    return out


def test_complete_house_waybill_is_screened_and_answered(database: Engine) -> None:
    upgrade(database)
    store = HubStore(database, base_url=BASE)
    bus = HubBus(database, synchronous=True)
    store.add_commit_listener(bus.wake)
    bridge = SmartGateBridge(store, Screener(), AGENT)
    bridge.register(bus, name=None)
    store.create_object(_shipment("wrist watches, stainless steel"), AGENT)
    store.create_object(_waybill("hawb-0", None), AGENT)  # no house AWB: incomplete, waits
    assert bridge.decisions == {}
    store.create_object(_waybill("hawb-1", "HK778812"), AGENT)
    decision = bridge.decisions["hawb-1"]
    assert (decision.lane.value, decision.status_code) == ("GREEN", "7I")
    assert _events(database) == [("ship-1", "7I")]
    # the same data again (at-least-once delivery): not screened twice
    assert bridge.screen_waybill("hawb-1") is decision
    assert _events(database) == [("ship-1", "7I")]
    bridge.close()


def test_vague_description_gets_a_request_for_information(database: Engine) -> None:
    upgrade(database)
    store = HubStore(database, base_url=BASE)
    bridge = SmartGateBridge(store, Screener(), AGENT)
    store.create_object(_shipment("gifts"), AGENT)
    store.create_object(_waybill("hawb-2", "HK778813"), AGENT)
    decision = bridge.screen_waybill("hawb-2")
    assert decision is not None
    assert (decision.lane.value, decision.status_code) == ("RFI", "7H")
    assert _events(database) == [("ship-1", "7H")]
    assert bridge.screen_waybill("ship-1") is None  # not a waybill
