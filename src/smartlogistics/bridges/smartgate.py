"""SmartGate on the hub: screen a house waybill when its data is complete, post the outcome.

:class:`SmartGateBridge` registers with the hub's publish/subscribe interface
(``HubBus.subscribe``) for created or updated ``cargo:Waybill`` objects. For a house (or
direct) waybill it reads the waybill and the objects it refers to from the hub (shipment,
pieces, products, parties, locations, one level of references at a time), turns them
into SmartGate's input with ``consignment_from_onerecord`` and, once the ICS2 7+1 data is
complete, screens it and posts the outcome on the shipment as a ``cargo:LogisticsEvent``
whose event code is the CSN customs status code (``7I`` released, ``7H`` request for
information, ``7J`` screening, ``6H`` do not load), as ONE Record's PLACI orchestration
conveys customs status. A waybill with incomplete data waits for its next change; one
that was screened is not screened again for the same data (idempotent: the bus delivers
named handlers at least once). The hub imports nothing of this module.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from smartlogistics.smartgate import Decision, Screener, consignment_from_onerecord

__all__ = ["CSN_LIST_NAME", "SmartGateBridge", "customs_event"]

log = logging.getLogger("smartlogistics.bridges.smartgate")

CARGO = "https://onerecord.iata.org/ns/cargo#"
WAYBILL = CARGO + "Waybill"
#: The code list named in the customs events' ``eventCode``.
CSN_LIST_NAME = "Cargo-IMP CSN customs status code"
_LANE_NAMES = {
    "GREEN": "customs release (SmartGate green lane)",
    "RFI": "customs: request for information",
    "RED": "customs: screening or inspection required",
    "DNL": "customs: do not load",
}


def customs_event(
    shipment_uri: str, decision: Decision, *, when: str, consignment: str | None = None
) -> dict[str, Any]:
    """Return the ``cargo:LogisticsEvent`` of a SmartGate decision on a shipment.

    Parameters
    ----------
    shipment_uri
        The shipment the customs status is for.
    decision
        SmartGate's decision (lane and CSN code).
    when
        ISO 8601 time of the status (the decision or the release).
    consignment
        The house consignment the decision concerns, named in the event.
    """
    name = _LANE_NAMES[decision.lane.value]
    if consignment:
        name = f"{name}: {consignment}"
    return {
        "@context": {"cargo": CARGO},
        "@type": "cargo:LogisticsEvent",
        "cargo:eventCode": {
            "@type": "cargo:CodeListElement",
            "cargo:code": decision.status_code,
            "cargo:codeListName": CSN_LIST_NAME,
            "cargo:codeDescription": decision.lane.value,
        },
        "cargo:eventName": name,
        "cargo:eventDate": {"@type": "http://www.w3.org/2001/XMLSchema#dateTime", "@value": when},
        "cargo:eventTimeType": {"@id": "cargo:ACTUAL"},
        "cargo:eventFor": {"@id": shipment_uri},
    }


def _refs(node: Any, out: set[str]) -> None:
    if isinstance(node, Mapping):
        ident = node.get("@id")
        if isinstance(ident, str) and len(node) <= 2:
            out.add(ident)
        for key, value in node.items():
            if key != "@id":
                _refs(value, out)
    elif isinstance(node, list):
        for item in node:
            _refs(item, out)


def _shipment_ref(body: Mapping[str, Any]) -> str | None:
    for key in ("cargo:shipment", CARGO + "shipment", "shipment"):
        value = body.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, Mapping) and isinstance(value.get("@id"), str):
            return str(value["@id"])
        if isinstance(value, str):
            return value
    return None


class SmartGateBridge:
    """Screens house waybills that reach the hub and posts SmartGate's outcome.

    Parameters
    ----------
    store
        The hub's ``HubStore``.
    screener
        SmartGate's screener (rules, optional model, capacity).
    agent
        The logistics agent the bridge reads and posts as (customs' agent).
    depth
        How many levels of references to follow from the waybill.
    """

    def __init__(self, store: Any, screener: Screener, agent: str, *, depth: int = 3) -> None:
        from smartlogistics.hub.events import EventStore

        self.store = store
        self.events = EventStore(store)
        self.screener = screener
        self.agent = agent
        self.depth = depth
        self.decisions: dict[str, Decision] = {}
        self._screened: dict[str, str] = {}
        self._subscription: Any = None

    def register(self, bus: Any, *, name: str | None = "smartgate") -> None:
        """Subscribe to created and updated waybills on ``bus`` (a ``HubBus``)."""
        self._subscription = bus.subscribe(
            self.handle,
            kinds=("LOGISTICS_OBJECT_CREATED", "LOGISTICS_OBJECT_UPDATED"),
            object_types=(WAYBILL,),
            name=name,
        )

    def close(self) -> None:
        """Unsubscribe."""
        if self._subscription is not None:
            self._subscription.close()
            self._subscription = None

    def handle(self, change: Any) -> Decision | None:
        """Screen the waybill of ``change`` if its data is complete; return the decision."""
        object_id = self.store.object_id_of(change.object_uri)
        if object_id is None:
            return None
        return self.screen_waybill(object_id)

    def _fetch(self, uri: str) -> dict[str, Any] | None:
        object_id = self.store.object_id_of(uri)
        if object_id is None:
            return None
        try:
            return dict(self.store.get_object(object_id, self.agent, embedded=True).body)
        except Exception:  # unknown or unreadable: the adapter treats it as missing data
            return None

    def screen_waybill(self, object_id: str) -> Decision | None:
        """Screen one waybill now (``None`` when not a house waybill or data incomplete)."""
        waybill = self._fetch(self.store.object_uri(object_id))
        if waybill is None:
            return None
        kind = waybill.get("cargo:waybillType") or waybill.get(CARGO + "waybillType")
        kind_id = kind.get("@id", "") if isinstance(kind, Mapping) else str(kind or "")
        if not (kind_id.endswith("HOUSE") or kind_id.endswith("DIRECT")):
            return None
        shipment_uri = _shipment_ref(waybill)
        if shipment_uri is None:
            return None
        objects: list[dict[str, Any]] = [waybill]
        seen = {str(waybill.get("@id"))}
        frontier = {shipment_uri}
        for _ in range(self.depth):
            found: set[str] = set()
            for uri in sorted(frontier - seen):
                seen.add(uri)
                doc = self._fetch(uri)
                if doc is not None:
                    objects.append(doc)
                    _refs(doc, found)
            frontier = found
        consignment = consignment_from_onerecord(waybill, objects=objects[1:], id=object_id)
        if consignment.missing_placi_elements():
            return None
        digest = consignment.input_hash()
        if self._screened.get(object_id) == digest:
            return self.decisions.get(object_id)
        decision = self.screener.screen(consignment)
        self._screened[object_id] = digest
        self.decisions[object_id] = decision
        when = decision.decided_at.isoformat() if decision.decided_at else ""
        doc = customs_event(shipment_uri, decision, when=when, consignment=object_id)
        ship_id = self.store.object_id_of(shipment_uri)
        if ship_id is not None:
            self.events.append(ship_id, doc, self.agent)
        return decision
