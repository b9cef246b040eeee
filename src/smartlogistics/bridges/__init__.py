"""In-process integrations between parts that stand alone: the hub, SmartGate, the planner.

The hub knows nothing of SmartGate or the planner; these bridges subscribe to its
publish/subscribe interface (``hub.bus.HubBus``) or write through its in-process API
(``hub.store.HubStore``, ``hub.events.EventStore``) on their behalf. ``sectors`` turns
SmartGate's synthetic history into insight's shipments for the sector views. The names
below resolve on first use (PEP 562), so importing one bridge does not load the others.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smartlogistics.bridges.planner import departure_movement, plan_movements
    from smartlogistics.bridges.sectors import sample_shipments
    from smartlogistics.bridges.smartgate import SmartGateBridge, customs_event

__all__ = [
    "SmartGateBridge",
    "customs_event",
    "departure_movement",
    "plan_movements",
    "sample_shipments",
]

_HOME = {
    "departure_movement": "smartlogistics.bridges.planner",
    "plan_movements": "smartlogistics.bridges.planner",
    "sample_shipments": "smartlogistics.bridges.sectors",
    "SmartGateBridge": "smartlogistics.bridges.smartgate",
    "customs_event": "smartlogistics.bridges.smartgate",
}


def __getattr__(name: str) -> Any:
    """Import the public name ``name`` from its module on first use."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'smartlogistics.bridges' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
