"""SmartGate screening: batch throughput of ``Screener.screen_batch``, rules only and with a model.

Run with ``.venv/bin/python bench/smartgate_screen_bench.py`` (about a minute on 2 cores;
``--quick`` for fewer repeats, ``--n`` for another batch size).

The batch is the SYNTHETIC Schiphol history of
:func:`smartlogistics.smartgate.history.generate_history` (20,000 consignments, seed 7).
A seeded sprinkle of rule triggers makes it varied: about 1 % each of
denied-party names, dangerous-goods words, vague descriptions and missing 7+1 elements.
The model is trained once on a separate 20,000-row history (seed 8).

Figures are consignments a second in-process, the median of several runs, as wall time
and as the process's CPU time (the machine is shared: CPU time says what the code costs,
wall time what a run got). The issue's target is 20,000 a second on 2 cores. The
consignments are validated before timing (parsing a file is not screening); the time
covers rules, input hashes, model scoring, explanations of the flagged and the decisions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np

from smartlogistics.smartgate import (
    CapacityThreshold,
    ColumnSpec,
    Consignment,
    RuleSet,
    Screener,
    generate_history,
    train,
)
from smartlogistics.smartgate.consignment import CSV_COLUMNS

WHEN = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
SPEC = ColumnSpec(label="label", id="id", date="date", value="value_at_stake")


def consignments(n: int, seed: int) -> list[Consignment]:
    """``n`` generated consignments with a seeded sprinkle of rule triggers."""
    frame = generate_history(n, seed=seed)
    rng = np.random.default_rng(seed)
    out: list[Consignment] = []
    for row in frame.loc[:, list(CSV_COLUMNS)].to_dict("records"):
        data: dict[str, Any] = {str(k): v for k, v in row.items() if v is not None and v == v}
        u = rng.random()
        if u < 0.01:
            data["consignee_name"] = "ACME Trading Co. Ltd"
        elif u < 0.02:
            data["description"] = "toy drones with Li-ion battery packs"
        elif u < 0.03:
            data["description"] = "Gifts"
        elif u < 0.04:
            data.pop("consignor_address", None)
        out.append(Consignment.model_validate(data))
    return out


def _rates(fn: Callable[[], object], n: int, repeats: int) -> tuple[float, float, list[float]]:
    """Median consignments a second by wall time and by CPU time, and every wall rate."""
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(n / (time.perf_counter() - start))
        cpu.append(n / max(time.process_time() - start_cpu, 1e-9))
    return statistics.median(wall), statistics.median(cpu), wall


def _line(label: str, n: int, repeats: int, fn: Callable[[], object], extra: str = "") -> None:
    wall, cpu, rates = _rates(fn, n, repeats)
    runs = ", ".join(f"{r:,.0f}" for r in rates)
    print(f"{label:<14}: {wall:,.0f} consignments/s wall, {cpu:,.0f}/s CPU (median of {repeats};")
    print(f"{'':<16}wall runs {runs}){extra}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--n", type=int, default=20_000)
    args = parser.parse_args()
    repeats = 3 if args.quick else 7
    n = args.n

    batch = consignments(n, seed=7)
    rules = RuleSet.default()
    print(f"{n:,} SYNTHETIC consignments; {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}")

    rules_only = Screener(rules, capacity=CapacityThreshold(0.02))
    rules_only.screen_batch(batch[:500], now=WHEN)  # warm caches and imports
    _line("rules only", n, repeats, lambda: rules_only.screen_batch(batch, now=WHEN))

    history = generate_history(20_000, seed=8).astype(str)
    model = train(history, SPEC, seed=0)
    with_model = Screener(rules, model=model, capacity=CapacityThreshold(0.02))
    with_model.screen_batch(batch[:500], now=WHEN)
    _line(
        "rules + model",
        n,
        repeats,
        lambda: with_model.screen_batch(batch, now=WHEN),
        f"; model {model.version}, explains the flagged",
    )
    scoring_only = Screener(rules, model=model, capacity=CapacityThreshold(0.02), explain="none")
    scoring_only.screen_batch(batch[:500], now=WHEN)
    _line(
        "rules + score",
        n,
        repeats,
        lambda: scoring_only.screen_batch(batch, now=WHEN),
        "; no explanations (explain='none')",
    )
    decisions = with_model.screen_batch(batch, now=WHEN)
    lanes: dict[str, int] = {}
    for d in decisions:
        lanes[d.lane.value] = lanes.get(d.lane.value, 0) + 1
    print(f"{'lanes':<14}: {dict(sorted(lanes.items()))}")

    start = time.perf_counter()
    k = min(n, 300)
    for c in batch[:k]:
        rules_only.screen(c, now=WHEN)
    print(f"{'one at a time':<14}: {(time.perf_counter() - start) / k * 1e6:,.0f} µs a consignment")
    print(f"load afterwards {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
