"""The twin's ONE Record documents are valid for the hub; the writer's counts add up."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Engine

from smartlogistics.db import upgrade
from smartlogistics.hub.events import EventStore
from smartlogistics.hub.store import HubStore
from smartlogistics.twin import run_twin
from smartlogistics.twin._hubport import MemoryHub
from tests.twin._small import SMALL

BASE = "http://hub.test"
CARGO = "https://onerecord.iata.org/ns/cargo#"


def test_memory_hub_gets_every_object_and_event() -> None:
    hub = MemoryHub(BASE)
    result = run_twin(SMALL, hub=hub, run_id="r1")
    types = Counter(str(doc["@type"]) for doc in hub.objects.values())
    assert types["cargo:Shipment"] == SMALL.orders
    assert types["cargo:Waybill"] == result.smartgate["consignments"]
    assert types["cargo:TransportMovement"] >= 1
    assert result.hub == {"objects": len(hub.objects), "events": len(hub.events)}
    codes = Counter(
        str(
            doc["cargo:eventCode"].get("cargo:code")
            or doc["cargo:eventCode"]["@id"].rsplit("#")[-1]
        )
        for _, doc in hub.events
    )
    lanes = result.smartgate["lanes"]
    # one customs event per released consignment (CSN 7I green, 7H RFI, 7J red), and the
    # synchromodal run's departure from the origin and delivery of every order
    assert codes["7I"] == lanes["GREEN"]
    assert codes["7H"] == lanes["RFI"]
    assert codes["7J"] == lanes["RED"]
    assert codes["6H"] == 0  # a DNL consignment is never released
    assert codes["DEP"] == SMALL.orders
    assert codes["DLV"] == SMALL.orders
    assert all(uri.startswith(f"{BASE}/logistics-objects/r1-") for uri in hub.objects)


def test_documents_validate_in_the_real_hub(database: Engine) -> None:
    upgrade(database)
    store = HubStore(database, base_url=BASE)
    hub = MemoryHub(BASE)
    run_twin(SMALL.replace(days=1, demand_scale=0.01), hub=hub, run_id="v")
    for doc in hub.objects.values():
        object_id = store.object_id_of(str(doc["@id"]))
        assert object_id is not None
        body = store.normalise_object(doc, str(doc["@id"]))
        assert body["@id"] == doc["@id"]
    events = EventStore(store)
    for object_id, doc in hub.events[:20]:
        events.prepare(doc, object_id, "e1")
