"""Planner benchmark: plan 1,000 / 5,000 / 20,000 orders of a generated Amsterdam week.

Run from the project root: ``.venv/bin/python bench/planner_bench.py`` (all sizes and both
lateness policies, each in its own process so that the peak memory is per run), or
``--n 5000 --policy soft`` for one.
Prints wall time split into candidates / MIP / baselines / output (the plan's JSON
serialised to text included), peak RSS, solver status and gap, and cost, CO2e and on-time
share of the MIP plan against greedy and road-only, with the issue's targets.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date
from typing import Any

SIZES = (1_000, 5_000, 20_000)
SEED = 20260302
START = date(2026, 3, 2)  # a Monday
TIME_LIMIT_S = 45.0


POLICIES = ("hard_when_feasible", "soft")


def run_one(n: int, time_limit_s: float, policy: str) -> dict[str, Any]:
    from smartlogistics.network import load_region
    from smartlogistics.planner.generator import generate_orders
    from smartlogistics.planner.solve import plan_orders

    region = load_region("amsterdam")
    orders = generate_orders(region, n, seed=SEED, start=START, days=7)
    t0 = time.perf_counter()
    plan = plan_orders(region, orders, time_limit_s=time_limit_s, seed=SEED, lateness_policy=policy)
    t1 = time.perf_counter()
    text = json.dumps(plan.to_json())
    t2 = time.perf_counter()
    timings = dict(plan.solver.timings_s)
    timings["output"] = timings.get("output", 0.0) + (t2 - t1)

    def totals(t: Any) -> dict[str, Any]:
        return {
            "cost_eur": t.cost_eur,
            "objective_eur": t.objective_eur,
            "wtw_kg": t.wtw_kg,
            "on_time_share": t.on_time_share,
            "unplannable": t.unplannable,
            "modal_split_teu": dict(t.modal_split_teu),
        }

    full = sum(1 for d in plan.departures if d.load_factor_teu >= 0.999)
    used = sum(1 for d in plan.departures if d.load_teu > 0)
    return {
        "n": n,
        "policy": policy,
        "wall_s": t2 - t0,
        "timings_s": timings,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "status": plan.solver.status,
        "gap": plan.solver.gap,
        "columns": plan.solver.columns,
        "rows": plan.solver.rows,
        "candidates": plan.solver.candidates,
        "fixed": plan.solver.fixed_orders,
        "json_mb": len(text) / 1e6,
        "departures": len(plan.departures),
        "departures_used": used,
        "departures_full": full,
        "mip": totals(plan.totals),
        "greedy": totals(plan.baselines["greedy"].totals),
        "road_only": totals(plan.baselines["road_only"].totals),
    }


def pct(a: float, b: float) -> str:
    return f"{(a - b) / b * 100:+.1f}%" if b else "n/a"


def report(r: dict[str, Any]) -> None:
    t = r["timings_s"]
    mip, gr, rd = r["mip"], r["greedy"], r["road_only"]
    gap = "n/a" if r["gap"] is None else f"{r['gap'] * 100:.2f}%"
    print(f"\n== {r['n']:,} orders, {r['policy']} (seed {SEED}, week of {START}) ==")
    print(
        f"wall {r['wall_s']:.1f} s = candidates {t['candidates']:.1f} + MIP {t['mip']:.1f}"
        f" + baselines {t['baselines']:.2f} + output {t['output']:.1f}"
        f"   peak RSS {r['peak_rss_mb']:.0f} MB"
    )
    print(
        f"solver {r['status']}, gap {gap}; {r['candidates']:,} candidates,"
        f" MIP {r['columns']:,} columns x {r['rows']:,} rows, {r['fixed']:,} orders fixed;"
        f" departures used {r['departures_used']}/{r['departures']},"
        f" full {r['departures_full']}; plan JSON {r['json_mb']:.1f} MB"
    )
    print(f"{'':10} {'objective EUR':>14} {'cost EUR':>12} {'WTW t CO2e':>11} {'on time':>8}")
    for name, x in (("MIP", mip), ("greedy", gr), ("road-only", rd)):
        print(
            f"{name:10} {x['objective_eur']:14,.0f} {x['cost_eur']:12,.0f}"
            f" {x['wtw_kg'] / 1000:11,.1f} {x['on_time_share']:8.3f}"
            f"   TEU by mode { ({k: round(v) for k, v in x['modal_split_teu'].items()}) }"
        )
    print(
        f"MIP vs greedy: objective {pct(mip['objective_eur'], gr['objective_eur'])},"
        f" cost {pct(mip['cost_eur'], gr['cost_eur'])}  (target <= -10%)"
    )
    print(
        f"MIP vs road-only: CO2e {pct(mip['wtw_kg'], rd['wtw_kg'])} (target <= -40%),"
        f" on-time {mip['on_time_share']:.3f} vs {rd['on_time_share']:.3f}"
        f" (target: not lower)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, help="one size only, in this process")
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT_S)
    parser.add_argument("--policy", choices=POLICIES, default=POLICIES[0])
    parser.add_argument("--json", action="store_true", help="print the raw result as JSON")
    args = parser.parse_args()
    if args.n is not None:
        result = run_one(args.n, args.time_limit, args.policy)
        if args.json:
            print(json.dumps(result))
        else:
            report(result)
        return
    print(f"planner benchmark, MIP time limit {args.time_limit:g} s, HiGHS threads <= 2")
    for n in SIZES:
        for policy in POLICIES:
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--n",
                    str(n),
                    "--policy",
                    policy,
                    "--json",
                    "--time-limit",
                    str(args.time_limit),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            report(json.loads(out.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
