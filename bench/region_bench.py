"""Timings of the network model: cold region load and route queries.

Run with ``.venv/bin/python bench/region_bench.py``; prints median wall times.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

from smartlogistics.network import Mode, clear_region_cache, load_region

RUNS = 7
QUERIES = 1_000


def median_s(fn: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def load_cold() -> object:
    clear_region_cache()
    return load_region("amsterdam")


def main() -> None:
    region = load_region("amsterdam")
    ids = [loc.id for loc in region.freight_nodes]
    rng = random.Random(14083)
    modes = [Mode.ROAD, Mode.INLAND_WATERWAY, Mode.RAIL]
    queries: list[tuple[str, str, Mode]] = []
    while len(queries) < QUERIES:
        a, b, mode = rng.choice(ids), rng.choice(ids), rng.choice(modes)
        if region.has_terminal(a, mode) and region.has_terminal(b, mode):
            queries.append((a, b, mode))

    def routes() -> None:
        for a, b, mode in queries:
            region.route(a, b, mode, by="time")

    print(f"region: {len(region.locations)} locations, {len(region.links)} links, "
          f"{len(region.services)} services")  # fmt: skip
    print(f"load_region cold     median {median_s(load_cold) * 1e3:8.1f} ms over {RUNS} runs")
    print(f"{QUERIES} route queries  median {median_s(routes) * 1e3:8.1f} ms over {RUNS} runs")


if __name__ == "__main__":
    main()
