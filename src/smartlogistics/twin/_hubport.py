"""The twin's way into the ONE Record hub: a small port, and what it writes through it.

:class:`HubPort` is all the twin needs of a hub: create logistics objects in bulk, add
logistics events, count both. :class:`StoreHub` implements it on the hub's in-process API
(``HubStore`` and ``EventStore`` on the platform database); :class:`MemoryHub` keeps
documents in memory and exists for unit tests only.

:class:`HubWriter` turns the run into ONE Record 2.3 documents (cargo ontology 3.3):

* a ``cargo:Shipment`` per transport order (goods description, gross weight);
* a house ``cargo:Waybill`` per import consignment, pointing at its order's shipment;
* a ``cargo:TransportMovement`` per dated barge or train departure the synchromodal plan
  uses (mode, departure and arrival terminal, the service and departure as transport
  identifier), by the planner bridge's mapping;
* ``cargo:LogisticsEvent`` milestones on the shipment: departed (``DEP``), arrived
  (``ARR``), delivered (``DLV``) of the synchromodal run, and the customs outcome of every
  consignment with its CSN status code (``7I`` released, ``7H``/``7J`` blocked, ``6H``
  not loaded), as the SmartGate bridge posts it.

Writes are buffered and sent in batches; the events of a run are deterministic for its
seed (only the ids' prefix differs between runs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from smartlogistics.bridges.planner import departure_movement
from smartlogistics.bridges.smartgate import customs_event
from smartlogistics.planner.order import Order
from smartlogistics.smartgate import Decision

if TYPE_CHECKING:
    from smartlogistics.twin.demand import Demand
    from smartlogistics.twin.network import TwinNetwork
    from smartlogistics.twin.policies import Policy
    from smartlogistics.twin.processes import Milestone

__all__ = [
    "CARGO",
    "BackgroundHub",
    "HubPort",
    "HubWriter",
    "MemoryHub",
    "StoreHub",
    "milestone_event",
    "shipment_doc",
    "waybill_doc",
]

CARGO = "https://onerecord.iata.org/ns/cargo#"
_STATUS = "https://onerecord.iata.org/ns/code-lists/StatusCode#"
_KGM = "https://onerecord.iata.org/ns/code-lists/MeasurementUnitCode#KGM"
_CONTEXT = {"cargo": CARGO}
_BATCH = 500
_MILESTONE_CODES = {"departed": "DEP", "arrived": "ARR", "delivered": "DLV"}
_MILESTONE_NAMES = {
    "departed": "departed",
    "arrived": "arrived",
    "delivered": "delivered to the consignee",
}


class HubPort(Protocol):
    """What the twin needs of a hub."""

    def object_uri(self, object_id: str) -> str:
        """Return the URI a logistics object with local id ``object_id`` gets."""
        ...

    def create_objects(self, docs: Sequence[Mapping[str, Any]]) -> int:
        """Create logistics objects (each with its ``@id``); return how many."""
        ...

    def add_events(self, events: Sequence[tuple[str, Mapping[str, Any]]]) -> int:
        """Add ``(object id, event document)`` pairs; return how many."""
        ...

    def counts(self) -> tuple[int, int]:
        """Objects and events created through this port."""
        ...


@dataclass
class MemoryHub:
    """An in-memory :class:`HubPort` (unit tests only; the demo uses the real hub)."""

    base_url: str = "http://hub.test"
    objects: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    events: list[tuple[str, Mapping[str, Any]]] = field(default_factory=list)

    def object_uri(self, object_id: str) -> str:
        """``{base_url}/logistics-objects/{id}``."""
        return f"{self.base_url}/logistics-objects/{object_id}"

    def create_objects(self, docs: Sequence[Mapping[str, Any]]) -> int:
        """Keep the documents by ``@id`` (a repeated id is an error, as in the hub)."""
        for doc in docs:
            uri = str(doc["@id"])
            if uri in self.objects:
                raise ValueError(f"object {uri} exists already")
            self.objects[uri] = doc
        return len(docs)

    def add_events(self, events: Sequence[tuple[str, Mapping[str, Any]]]) -> int:
        """Keep the events (the object must exist, as in the hub)."""
        for object_id, _ in events:
            if self.object_uri(object_id) not in self.objects:
                raise ValueError(f"no object {object_id}")
        self.events.extend(events)
        return len(events)

    def counts(self) -> tuple[int, int]:
        """Objects and events kept."""
        return len(self.objects), len(self.events)


class StoreHub:
    """A :class:`HubPort` on the hub's in-process API (``HubStore`` + ``EventStore``).

    Parameters
    ----------
    store
        The hub's ``HubStore`` (``smartlogistics.hub.store``).
    agent
        The logistics agent the twin acts as (it owns what it creates).
    """

    def __init__(self, store: Any, agent: str) -> None:
        from smartlogistics.hub.events import EventStore

        self.store = store
        self.events = EventStore(store)
        self.agent = agent
        self._objects = 0
        self._events = 0

    def object_uri(self, object_id: str) -> str:
        """Return the hub's URI of a local id."""
        return str(self.store.object_uri(object_id))

    def create_objects(self, docs: Sequence[Mapping[str, Any]]) -> int:
        """Create all in one transaction (validated first)."""
        if docs:
            self.store.create_objects(list(docs), self.agent)
        self._objects += len(docs)
        return len(docs)

    def add_events(self, events: Sequence[tuple[str, Mapping[str, Any]]]) -> int:
        """Append every event to its object's event store (one transaction each)."""
        for object_id, doc in events:
            self.events.append(object_id, dict(doc), self.agent)
        self._events += len(events)
        return len(events)

    def counts(self) -> tuple[int, int]:
        """Objects and events created through this port."""
        return self._objects, self._events


def _writer(url: str, base_url: str, agent: str, inbox: Any, outbox: Any) -> None:
    """Run the background hub process: apply every queued write to a ``StoreHub``."""
    from smartlogistics.db import make_engine
    from smartlogistics.hub.store import HubStore

    engine = make_engine(url)
    try:
        hub = StoreHub(HubStore(engine, base_url=base_url), agent)
        while True:
            item = inbox.get()
            if item is None:
                break
            kind, payload = item
            if kind == "objects":
                hub.create_objects(payload)
            else:
                hub.add_events(payload)
        outbox.put(("ok", hub.counts()))
    except BaseException as exc:  # reported to the parent, which raises it
        outbox.put(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        engine.dispose()


class BackgroundHub:
    """A :class:`HubPort` whose writes a separate process applies to the hub's database.

    The twin hands documents over as it runs, and the writer process validates and stores
    them on the second core while the simulation goes on (every batch is one hub
    transaction, in the order given). :meth:`close` waits for the writer and raises if it
    failed. Ids are the hub's (``{base_url}/logistics-objects/{id}``).

    Parameters
    ----------
    database_url
        The platform database (migrated).
    base_url
        The hub's base URL (the ids' prefix).
    agent
        The logistics agent the twin acts as.
    """

    def __init__(self, database_url: str, base_url: str, agent: str) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self.base_url = base_url.rstrip("/")
        self._inbox: Any = ctx.Queue(maxsize=64)
        self._outbox: Any = ctx.Queue()
        self._process = ctx.Process(
            target=_writer,
            args=(database_url, self.base_url, agent, self._inbox, self._outbox),
            daemon=True,
        )
        self._process.start()
        self._objects = 0
        self._events = 0
        self._closed: tuple[int, int] | None = None

    def object_uri(self, object_id: str) -> str:
        """Return the hub's URI of a local id."""
        return f"{self.base_url}/logistics-objects/{object_id}"

    def create_objects(self, docs: Sequence[Mapping[str, Any]]) -> int:
        """Queue the creation of ``docs`` (one hub transaction)."""
        self._inbox.put(("objects", [dict(d) for d in docs]))
        self._objects += len(docs)
        return len(docs)

    def add_events(self, events: Sequence[tuple[str, Mapping[str, Any]]]) -> int:
        """Queue ``events``."""
        self._inbox.put(("events", [(o, dict(d)) for o, d in events]))
        self._events += len(events)
        return len(events)

    def close(self) -> tuple[int, int]:
        """Wait until every write is stored; return (objects, events) the hub stored.

        Raises
        ------
        RuntimeError
            The writer failed (its error is in the message).
        """
        if self._closed is None:
            self._inbox.put(None)
            status, value = self._outbox.get()
            self._process.join()
            if status != "ok":
                raise RuntimeError(f"hub writer failed: {value}")
            self._closed = (int(value[0]), int(value[1]))
        return self._closed

    def terminate(self) -> None:
        """Stop the writer at once (an interrupted run); what it committed stays."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=5)

    def counts(self) -> tuple[int, int]:
        """Objects and events stored (after :meth:`close`), else queued so far."""
        return self._closed if self._closed is not None else (self._objects, self._events)


def _iso(network: TwinNetwork, t_h: float) -> str:
    return network.at(t_h).isoformat()


def shipment_doc(uri: str, order: Order) -> dict[str, Any]:
    """Return a ``cargo:Shipment`` for a transport order."""
    what = order.cargo_class.value.replace("_", " ")
    return {
        "@context": _CONTEXT,
        "@id": uri,
        "@type": "cargo:Shipment",
        "cargo:goodsDescription": (
            f"{what}, order {order.id}, {order.origin} to {order.destination}"
        ),
        "cargo:totalGrossWeight": {
            "@type": "cargo:Value",
            "cargo:numericalValue": round(order.tonnes * 1000.0, 3),
            "cargo:unit": {"@id": _KGM},
        },
    }


def waybill_doc(uri: str, shipment_uri: str, house_awb: str | None) -> dict[str, Any]:
    """Return a house ``cargo:Waybill`` pointing at its shipment."""
    doc: dict[str, Any] = {
        "@context": _CONTEXT,
        "@id": uri,
        "@type": "cargo:Waybill",
        "cargo:waybillType": {"@id": "cargo:HOUSE"},
        "cargo:shipment": {"@id": shipment_uri},
    }
    if house_awb:
        doc["cargo:waybillNumber"] = house_awb
    return doc


def milestone_event(shipment_uri: str, kind: str, when: str, where: str) -> dict[str, Any]:
    """Return a ``cargo:LogisticsEvent`` of a transport milestone (IATA status code)."""
    return {
        "@context": _CONTEXT,
        "@type": "cargo:LogisticsEvent",
        "cargo:eventCode": {"@id": _STATUS + _MILESTONE_CODES[kind]},
        "cargo:eventName": f"{_MILESTONE_NAMES[kind]} at {where}",
        "cargo:eventDate": {"@type": "http://www.w3.org/2001/XMLSchema#dateTime", "@value": when},
        "cargo:eventTimeType": {"@id": "cargo:ACTUAL"},
        "cargo:eventFor": {"@id": shipment_uri},
    }


class HubWriter:
    """Writes a run's objects and events through a :class:`HubPort` (see the module doc).

    Parameters
    ----------
    hub
        The port.
    network
        The run's network (time base).
    demand
        The run's orders and consignments.
    prefix
        Prefix of every local id, unique per run (``twin-1a2b...``).
    """

    def __init__(self, hub: HubPort, network: TwinNetwork, demand: Demand, prefix: str) -> None:
        self.hub = hub
        self.network = network
        self.demand = demand
        self.prefix = prefix
        self._events: list[tuple[str, Mapping[str, Any]]] = []
        self._origin = {o.id: o.origin for o in demand.orders}
        self._departed: set[str] = set()

    def shipment_id(self, order_id: str) -> str:
        """Return the local id of an order's shipment."""
        return f"{self.prefix}-{order_id}"

    def start(self) -> None:
        """Create the shipments and waybills of the run."""
        docs: list[Mapping[str, Any]] = [
            shipment_doc(self.hub.object_uri(self.shipment_id(o.id)), o) for o in self.demand.orders
        ]
        for c, order_id in zip(
            self.demand.consignments, self.demand.consignment_order, strict=True
        ):
            docs.append(
                waybill_doc(
                    self.hub.object_uri(f"{self.prefix}-{c.id}"),
                    self.hub.object_uri(self.shipment_id(order_id)),
                    c.house_awb,
                )
            )
        for k in range(0, len(docs), _BATCH):
            self.hub.create_objects(docs[k : k + _BATCH])

    def _event(self, object_id: str, doc: Mapping[str, Any]) -> None:
        self._events.append((object_id, doc))
        if len(self._events) >= _BATCH:
            self.flush()

    def customs(self, index: int, decision: Decision, released_h: float) -> None:
        """Post a consignment's customs outcome on its order's shipment."""
        order_id = self.demand.consignment_order[index]
        sid = self.shipment_id(order_id)
        doc = customs_event(
            self.hub.object_uri(sid),
            decision,
            when=_iso(self.network, released_h),
            consignment=self.demand.consignments[index].id,
        )
        self._event(sid, doc)

    def milestone(self, m: Milestone) -> None:
        """Post the departure from the origin and the delivery of an order.

        The milestones in between (every leg's departure and arrival) stay in the twin's
        records: posting them would triple the hub's events for little news.
        """
        if m.kind == "departed":
            if m.location != self._origin.get(m.order_id) or m.order_id in self._departed:
                return
            self._departed.add(m.order_id)
        elif m.kind != "delivered":
            return
        sid = self.shipment_id(m.order_id)
        self._event(
            sid,
            milestone_event(
                self.hub.object_uri(sid), m.kind, _iso(self.network, m.t_h), m.location
            ),
        )

    def movements(self, policy: Policy) -> None:
        """Create a transport movement per departure the policy's final plan books."""
        seen: dict[tuple[str, int], tuple[str, str]] = {}
        for order in self.demand.orders:
            planned = policy.order(order.id)
            if planned is None:
                continue
            for leg in planned.legs:
                if leg.service_id is None or leg.departure_index is None:
                    continue
                seen.setdefault(
                    (leg.service_id, leg.departure_index), (leg.origin, leg.destination)
                )
        docs = []
        for (service_id, index), _ in sorted(seen.items()):
            run = self.network.nominal_run(service_id, index)
            uri = self.hub.object_uri(f"{self.prefix}-{service_id}-{index}")
            docs.append(
                departure_movement(
                    uri,
                    run.service,
                    index,
                    run.locations,
                    self.network.at(run.depart_h[0]),
                    self.network.at(run.arrive_h[-1]),
                )
            )
        for k in range(0, len(docs), _BATCH):
            self.hub.create_objects(docs[k : k + _BATCH])

    def flush(self) -> None:
        """Send the buffered events."""
        if self._events:
            events, self._events = self._events, []
            self.hub.add_events(events)

    def counts(self) -> dict[str, int]:
        """Objects and events written through the port (waiting for a background hub)."""
        close = getattr(self.hub, "close", None)
        objects, events = close() if callable(close) else self.hub.counts()
        return {"objects": objects, "events": events}

    def abort(self) -> None:
        """Stop a background hub's writer after an interrupted run."""
        terminate = getattr(self.hub, "terminate", None)
        if callable(terminate):
            terminate()
