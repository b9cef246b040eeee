"""The planner's bookings as ONE Record ``cargo:TransportMovement`` objects in the hub.

A dated barge or train departure that a plan books becomes one transport movement (one
vehicle moving, however many shipments it carries): its mode (the ``ModeCode`` list),
its first and last stop as departure and arrival locations, and the service id with the
departure's index as transport identifier. The hub does not import this module; the twin
and the CLI call it and write through the hub's in-process API.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from smartlogistics.network import Mode, Service
from smartlogistics.planner.plan import Plan

__all__ = ["MODE_CODES", "departure_movement", "plan_movements"]

CARGO = "https://onerecord.iata.org/ns/cargo#"
_MODE_LIST = "https://onerecord.iata.org/ns/code-lists/ModeCode#"

#: The ONE Record ``ModeCode`` of each mode.
MODE_CODES = {
    Mode.ROAD: "ROAD_TRANSPORT",
    Mode.RAIL: "RAIL_TRANSPORT",
    Mode.INLAND_WATERWAY: "INLAND_WATER_TRANSPORT",
    Mode.SEA: "MARITIME_TRANSPORT",
    Mode.AIR: "AIR_TRANSPORT",
}


def _location(code: str) -> dict[str, Any]:
    return {"@type": "cargo:Location", "cargo:locationName": code}


def departure_movement(
    uri: str,
    service: Service,
    index: int,
    stops: Sequence[str],
    depart: datetime,
    arrive: datetime,
) -> dict[str, Any]:
    """Return the ``cargo:TransportMovement`` of one dated departure (compacted JSON-LD).

    Parameters
    ----------
    uri
        The object's URI in the hub.
    service, index
        The service and the departure's index in the plan's horizon.
    stops
        Its stop locations, in order.
    depart, arrive
        Scheduled departure from the first stop and arrival at the last.
    """
    return {
        "@context": {"cargo": CARGO},
        "@id": uri,
        "@type": "cargo:TransportMovement",
        "cargo:modeCode": {"@id": _MODE_LIST + MODE_CODES[service.mode]},
        "cargo:transportIdentifier": f"{service.id}/{index}",
        "cargo:departureLocation": _location(stops[0]),
        "cargo:arrivalLocation": _location(stops[-1]),
        "cargo:movementTimes": [
            {
                "@type": "cargo:MovementTime",
                "cargo:direction": {"@id": "cargo:OUTBOUND"},
                "cargo:movementTimestamp": {
                    "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
                    "@value": depart.isoformat(),
                },
                "cargo:movementTimeType": {"@id": "cargo:SCHEDULED"},
            },
            {
                "@type": "cargo:MovementTime",
                "cargo:direction": {"@id": "cargo:INBOUND"},
                "cargo:movementTimestamp": {
                    "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
                    "@value": arrive.isoformat(),
                },
                "cargo:movementTimeType": {"@id": "cargo:SCHEDULED"},
            },
        ],
    }


def plan_movements(plan: Plan, services: Sequence[Service], uri_of: Any) -> list[dict[str, Any]]:
    """One transport movement per departure the plan books (in departure order).

    Parameters
    ----------
    plan
        The plan.
    services
        The service plan it was made on (to find each departure's stops and mode).
    uri_of
        ``(service_id, index) -> URI`` of the movement in the hub.
    """
    by_id = {s.id: s for s in services}
    out = []
    for dep in plan.departures:
        if dep.orders <= 0:
            continue
        service = by_id[dep.service_id]
        out.append(
            departure_movement(
                uri_of(dep.service_id, dep.index),
                service,
                dep.index,
                service.stop_ids,
                dep.depart,
                dep.arrive,
            )
        )
    return out
