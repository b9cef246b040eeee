"""Small, fast twin scenarios and a cached run shared by the twin tests."""

from __future__ import annotations

import functools
from typing import Any

from smartlogistics.twin import TwinResult, TwinScenario, run_twin

#: One day, 3 % of the region's orders (about 120), rules-only SmartGate: a few seconds.
SMALL = TwinScenario(days=1, demand_scale=0.03, risk_model=False, seed=11)


@functools.lru_cache(maxsize=4)
def small_run(scenario: TwinScenario = SMALL) -> TwinResult:
    """The run of ``scenario``, computed once per test session."""
    return run_twin(scenario)


def without_timings(data: Any) -> Any:
    """``data`` with every wall-clock figure removed (they differ between equal runs)."""
    if isinstance(data, dict):
        return {
            k: without_timings(v)
            for k, v in data.items()
            if k not in ("timings_s", "seconds", "planning_seconds")
        }
    if isinstance(data, list):
        return [without_timings(v) for v in data]
    return data


def make_network(scenario: TwinScenario = SMALL) -> Any:
    """The run's network as ``run_twin`` builds it (no disruptions applied)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from smartlogistics.network import load_region
    from smartlogistics.twin._planner import week_start
    from smartlogistics.twin.network import TwinNetwork

    region = load_region("amsterdam")
    zone = ZoneInfo("Europe/Amsterdam")
    first = datetime.combine(scenario.start, datetime.min.time(), tzinfo=zone)
    t0 = week_start(first, zone)
    start_h = (first.timestamp() - t0.timestamp()) / 3600.0
    return TwinNetwork(region, region.services, t0, start_h + 24.0 * (scenario.days + 7) + 120.0)
