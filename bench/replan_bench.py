"""Replanning benchmark: plan 5,000 generated orders, then replan after a disruption.

Run from the project root: ``.venv/bin/python bench/replan_bench.py``. The disruption
cancels the busiest departures (by orders on board in the plan) until about 300 orders
ride them, with ``now`` one hour before the first of them. Prints how many orders the
disruption touches, the median of several runs of the :func:`replan` call alone (the
first, cold, run shown apart), the changes, and the re-solve's status and gap.
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import date, timedelta

from smartlogistics.network import load_region
from smartlogistics.planner.disruption import load_disruptions
from smartlogistics.planner.generator import generate_orders
from smartlogistics.planner.replan import replan
from smartlogistics.planner.solve import plan_orders

N = 5_000
SEED = 20260302
START = date(2026, 3, 2)
TARGET = 300
RUNS = 5


def main() -> None:
    region = load_region("amsterdam")
    orders = generate_orders(region, N, seed=SEED, start=START, days=7)
    plan = plan_orders(region, orders, time_limit_s=45, seed=SEED)
    # busiest departures in the middle of the week
    mid = [d for d in plan.departures if d.orders > 0]
    mid.sort(key=lambda d: -d.orders)
    chosen, riders = [], 0
    for d in mid:
        if riders >= TARGET:
            break
        chosen.append(d)
        riders += d.orders
    now = min(d.depart for d in chosen) - timedelta(hours=1)
    doc = {
        "now": now.isoformat(),
        "disruptions": [
            {
                "type": "departure_cancelled",
                "service_id": d.service_id,
                "depart": d.depart.isoformat(),
            }
            for d in chosen
        ],
    }
    dis = load_disruptions(json.dumps(doc))
    times = []
    result = None
    for _ in range(RUNS):
        t0 = time.perf_counter()
        result = replan(plan, dis)
        times.append(time.perf_counter() - t0)
    assert result is not None
    s = result.plan.solver
    gap = "n/a" if s.gap is None else f"{s.gap * 100:.2f}%"
    print(
        f"replan benchmark: {N:,} orders (seed {SEED}), {len(chosen)} busiest departures cancelled"
    )
    print(
        f"orders on the cancelled departures: {riders}; affected {result.affected},"
        f" re-optimised {result.reoptimised}"
    )
    print(
        f"replan call: cold {times[0]:.2f} s, median of {RUNS}"
        f" {statistics.median(times):.2f} s  (target <= 1 s)"
    )
    print(f"timings of the last run: {dict(s.timings_s)}")
    kinds: dict[str, int] = {}
    for c in result.changes:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    print(
        f"changes {len(result.changes)} {kinds}; re-solve {s.status}, gap {gap},"
        f" {s.columns} columns x {s.rows} rows"
    )
    b, a = result.totals_before, result.totals_after
    print(
        f"cost {b.cost_eur:,.0f} -> {a.cost_eur:,.0f} EUR;"
        f" WTW {b.wtw_kg / 1000:,.1f} -> {a.wtw_kg / 1000:,.1f} t;"
        f" on time {b.on_time_share:.3f} -> {a.on_time_share:.3f}"
    )


if __name__ == "__main__":
    main()
