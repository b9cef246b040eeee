"""Service network design: our solver against plain HiGHS on the same instances and time.

Run with ``.venv/bin/python bench/design_bench.py`` (about 7 minutes on 2 cores;
``--quick`` for a 1-minute smoke run). Instances come from
:func:`smartlogistics.design.generate_instance`, a generator in the style of the Canad "R"
instances of Crainic, Frangioni & Gendron (2001); the real R files cannot be downloaded
here, so the figures are not comparable with published R results.

For every instance three solvers get the same wall-clock limit:

* ``highs-weak``: HiGHS on the textbook arc-based MIP (all arc x commodity flow variables,
  capacity rows ``sum_k x <= u y``, no strong inequalities);
* ``highs-strong``: the same plus the strong linking rows ``x_ak <= min(d_k, u_a) y_a``;
* ``ours``: ``smartlogistics.design.solve(method="auto")`` (exact on small models, the
  matheuristic otherwise).

Every returned solution is re-checked with ``check_solution``; objectives are recomputed
from the flows. Per size the table shows medians over the seeds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from smartlogistics.design import (
    DesignInstance,
    DesignSolution,
    check_solution,
    choose_method,
    generate_instance,
    solve,
)
from smartlogistics.design.exact import solve_exact

# (label, nodes, arcs, commodities, F, C, seeds, time limit s)
SIZES = [
    ("small", 10, 35, 10, 5.0, 2.0, (1, 2, 3), 10.0),
    ("medium", 20, 120, 40, 10.0, 8.0, (1, 2, 3), 20.0),
    ("large", 25, 300, 150, 10.0, 8.0, (1,), 60.0),
]
QUICK = [
    ("small", 10, 35, 10, 5.0, 2.0, (1,), 5.0),
    ("medium", 20, 120, 40, 10.0, 8.0, (1,), 10.0),
]

Solver = Callable[[DesignInstance, float, int], DesignSolution]

SOLVERS: dict[str, Solver] = {
    "highs-weak": lambda inst, t, seed: solve_exact(
        inst, time_limit=t, strong=False, prune=False, mip_rel_gap=1e-4, seed=seed
    ),
    "highs-strong": lambda inst, t, seed: solve_exact(
        inst, time_limit=t, strong=True, prune=False, mip_rel_gap=1e-4, seed=seed
    ),
    "ours": lambda inst, t, seed: solve(
        inst, time_limit=t, method="auto", seed=seed, mip_rel_gap=1e-4
    ),
}


def _fmt(value: float | None, spec: str = ",.0f") -> str:
    return "-" if value is None else format(value, spec)


def _median(values: list[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return statistics.median(kept) if len(kept) == len(values) and kept else None


def _wins(label: str, objectives: dict[str, list[float]]) -> str:
    ours = objectives["ours"]
    parts = []
    for name in ("highs-weak", "highs-strong"):
        theirs = objectives[name]
        better = sum(o < t - 1e-6 * max(1.0, t) for o, t in zip(ours, theirs, strict=True))
        ties = sum(abs(o - t) <= 1e-6 * max(1.0, t) for o, t in zip(ours, theirs, strict=True))
        ratios = [o / t for o, t in zip(ours, theirs, strict=True) if t > 0]
        parts.append(
            f"vs {name}: better on {better}, equal on {ties} of {len(ours)} seeds, "
            f"median objective ratio {statistics.median(ratios):.3f}"
        )
    return f"{label}: " + "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one seed, short limits")
    args = parser.parse_args()
    sizes = QUICK if args.quick else SIZES
    started = time.perf_counter()
    summary: list[str] = []
    print("| size (N/A/K, F, C) | limit | solver | objective | bound | gap | seconds | statuses |")
    print("|---|---|---|---|---|---|---|---|")
    for label, n, a, k, f, c, seeds, limit in sizes:
        instances = [
            generate_instance(n, a, k, fixed_ratio=f, capacity_ratio=c, seed=s) for s in seeds
        ]
        chosen = choose_method(instances[0])
        objectives: dict[str, list[float]] = {}
        for name, solver in SOLVERS.items():
            results = []
            for inst, seed in zip(instances, seeds, strict=True):
                sol = solver(inst, limit, seed)
                problems = check_solution(inst, sol)
                assert not problems, (label, name, problems[:3])
                results.append(sol)
            objectives[name] = [
                r.objective if r.objective is not None else float("inf") for r in results
            ]
            shown = f"ours ({chosen})" if name == "ours" else name
            print(
                f"| {label} ({n}/{a}/{k}, {f:g}, {c:g}) | {limit:g} s | {shown} "
                f"| {_fmt(_median([r.objective for r in results]))} "
                f"| {_fmt(_median([r.bound for r in results]))} "
                f"| {_fmt(_median([r.gap for r in results]), '.2%')} "
                f"| {_fmt(_median([r.seconds for r in results]), '.1f')} "
                f"| {' '.join(r.status for r in results)} |",
                flush=True,
            )
        summary.append(_wins(label, objectives))
    print()
    for line in summary:
        print(line)
    print(f"\ntotal bench time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
