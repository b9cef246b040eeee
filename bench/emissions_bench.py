"""Benchmark of the emissions calculation: 100,000 legs and a 10,000-element chain.

Run with ``.venv/bin/python bench/emissions_bench.py``; prints the median of several runs.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from smartlogistics.emissions import (
    HubOperation,
    TransportChain,
    TransportLeg,
    calculate_chain,
    calculate_element,
    leg_emissions,
    load_default_factors,
)
from smartlogistics.network.mode import Mode

RUNS = 5
LEGS = 100_000
CHAIN_ELEMENTS = 10_000
MODES = (Mode.ROAD, Mode.INLAND_WATERWAY, Mode.RAIL, Mode.AIR)


def _median(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    table = load_default_factors()
    legs = [
        TransportLeg(mode=MODES[i % 4], mass_tonnes=1 + i % 20, distance_km=10 + i % 500)
        for i in range(LEGS)
    ]
    raw = [
        {"type": "leg", "mode": "barge", "mass_tonnes": 10, "distance_km": 50 + i % 100}
        if i % 2 == 0
        else {"type": "hub", "mass_tonnes": 10}
        for i in range(CHAIN_ELEMENTS)
    ]
    chain = TransportChain.model_validate({"id": "bench", "elements": raw})

    def calculate_legs() -> None:
        for leg in legs:
            calculate_element(leg, table)

    def build_and_calculate_legs() -> None:
        for i in range(LEGS):
            leg_emissions(MODES[i % 4], 10 + i % 500, 1 + i % 20, factors=table)

    def build_chain() -> None:
        TransportChain.model_validate({"elements": raw})

    def calc_chain() -> None:
        calculate_chain(chain, table)

    assert isinstance(chain.elements[1], HubOperation)
    print(f"median of {RUNS} runs")
    t = _median(calculate_legs)
    print(f"calculate_element, {LEGS:,} prebuilt legs: {t:8.3f} s ({t / LEGS * 1e6:.2f} µs/leg)")
    t = _median(build_and_calculate_legs)
    print(f"leg_emissions (validate + calculate), {LEGS:,} legs: {t:8.3f} s")
    t = _median(build_chain)
    print(f"validate a {CHAIN_ELEMENTS:,}-element chain from dicts: {t:8.3f} s")
    t = _median(calc_chain)
    print(f"calculate_chain, {CHAIN_ELEMENTS:,} elements: {t:8.3f} s")


if __name__ == "__main__":
    main()
