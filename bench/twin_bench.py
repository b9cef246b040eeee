"""Digital twin benchmark: the demo's week, and a sweep on Dask against serial.

Run from the project root: ``.venv/bin/python bench/twin_bench.py [--repeats N]``.

1. **Demo week**: ``run_twin(TwinScenario())`` — 7 days, the three policies, SmartGate with
   the risk model, the hub written by the background writer on a fresh SQLite file — as
   ``smartlogistics demo`` runs it (target: at most 60 s on 2 cores). One warm-up run
   first trains and caches the risk model (under a temporary ``var_dir``), as a first
   demo does once; the figure is the median of the repeats, with the stages.
2. **Sweep**: 8 runs (extra rail shuttle 0/5 x CO2 price 100/200 x 2 seeds, each 7 days
   at 10 % of the region's demand; two seeds so that the serial runs cannot live off the
   chain templates an identical earlier run left in the process's cache) on a
   ``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)`` against the same 8
   runs one after another in this process (target: the cluster at most 60 % of serial).
   The cluster's start-up is included in its time; the serial runs get a warm process
   (caches filled by a first run).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

GRID: dict[str, list[Any]] = {
    "extra_rail_dui_departures": [0, 5],
    "co2_price_eur_per_tonne": [100.0, 200.0],
}
SEEDS = 2


def demo_week(repeats: int) -> None:
    from smartlogistics.db import make_engine, upgrade
    from smartlogistics.twin import TwinScenario, run_twin
    from smartlogistics.twin._hubport import BackgroundHub

    scenario = TwinScenario()
    base = "http://127.0.0.1:8000/hub"
    walls: list[float] = []
    for k in range(repeats + 1):
        folder = Path(tempfile.mkdtemp(prefix="twin-bench-"))
        url = f"sqlite:///{folder / 'bench.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        hub = BackgroundHub(url, base, f"{base}/logistics-objects/digital-twin")
        clock = time.perf_counter()
        result = run_twin(scenario, hub=hub)
        wall = time.perf_counter() - clock
        label = "warm-up (trains the model)" if k == 0 else f"run {k}"
        print(
            f"  {label}: {wall:.1f} s  stages {result.timings_s}  hub {result.hub}",
            flush=True,
        )
        if k > 0:
            walls.append(wall)
    cmp = result.comparison
    print(
        f"demo week (7 days, {scenario.orders:,} orders, 3 policies, hub): median "
        f"{statistics.median(walls):.1f} s of {len(walls)} (min {min(walls):.1f}, max "
        f"{max(walls):.1f}); target <= 60 s"
    )
    print(
        f"  synchromodal vs greedy: cost {100 * cmp['cost_vs_greedy']:+.2f} %, on time "
        f"{100 * cmp['on_time_vs_greedy']:+.2f} points; CO2e vs road-only "
        f"{100 * cmp['wtw_vs_road_only']:+.1f} %; targets {cmp['targets']}"
    )


def sweep(repeats: int) -> None:
    from smartlogistics.twin import TwinScenario
    from smartlogistics.twin.sweep import run_serial, run_sweep

    base = TwinScenario(days=7, demand_scale=0.1)
    run_serial(base.replace(days=1, demand_scale=0.02), {"inspectors": [2]})  # warm caches
    serial: list[float] = []
    dask: list[float] = []
    for k in range(repeats):
        clock = time.perf_counter()
        s = run_serial(base, GRID, seeds=SEEDS)
        serial.append(time.perf_counter() - clock)
        clock = time.perf_counter()
        d = run_sweep(base, GRID, seeds=SEEDS)
        dask.append(time.perf_counter() - clock)
        assert d.rows == s.rows, "the cluster's table differs from the serial one"
        print(
            f"  repeat {k + 1}: serial {serial[-1]:.1f} s, 2-worker cluster {dask[-1]:.1f} s "
            f"(runs alone {d.seconds:.1f} s)",
            flush=True,
        )
    ms, md = statistics.median(serial), statistics.median(dask)
    print(
        f"sweep of {len(s.rows)} scenarios: serial median {ms:.1f} s, LocalCluster(2x1) "
        f"median {md:.1f} s = {100 * md / ms:.0f} % of serial; target <= 60 %"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", choices=("demo", "sweep"), default=None)
    args = parser.parse_args()
    os.environ.setdefault("SMARTLOGISTICS_VAR_DIR", tempfile.mkdtemp(prefix="twin-bench-var-"))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, load {os.getloadavg()}")
    if args.only in (None, "demo"):
        demo_week(args.repeats)
    if args.only in (None, "sweep"):
        sweep(args.repeats)


if __name__ == "__main__":
    main()
