"""In-process integrations registered with the hub: SmartGate screening, planner bookings.

The hub knows nothing of SmartGate or the planner; these bridges subscribe to its
publish/subscribe interface (``hub.bus.HubBus``) or write through its in-process API
(``hub.store.HubStore``, ``hub.events.EventStore``) on their behalf.
"""

from smartlogistics.bridges.planner import departure_movement, plan_movements
from smartlogistics.bridges.smartgate import SmartGateBridge, customs_event

__all__ = ["SmartGateBridge", "customs_event", "departure_movement", "plan_movements"]
