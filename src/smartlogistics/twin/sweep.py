"""Scenario sweeps on Dask distributed: every combination x seeds as an independent twin run.

The what-if tool of the cluster board: an extra rail shuttle to Duisburg, a higher CO2
price, more inspectors. :func:`sweep_scenarios` expands a grid (``{"inspectors": [2, 3],
"co2_price_eur_per_tonne": [100, 200]}``) over ``seeds`` seeds (the base seed, +1, ...)
into scenarios; :func:`run_sweep` runs each as one task on a Dask cluster — a
``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)`` by default, or an
existing one by scheduler address — and tabulates the KPIs. Runs are independent and
deterministic, so the table does not depend on the cluster or the order tasks finish in
(rows are in grid order). :func:`run_serial` runs the same tasks one after another in this
process (the benchmark's baseline).
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from smartlogistics.errors import InvalidInputError
from smartlogistics.twin.policies import POLICIES
from smartlogistics.twin.run import run_twin
from smartlogistics.twin.scenario import PARAMETERS, TwinScenario

__all__ = ["SweepResult", "run_serial", "run_sweep", "summarise", "sweep_scenarios"]

SweepProgress = Callable[[int, int], None]
"""``progress(done, total)`` after each finished run."""


def sweep_scenarios(
    base: TwinScenario, grid: Mapping[str, Sequence[Any]], seeds: int = 1
) -> list[TwinScenario]:
    """Every combination of ``grid`` on ``base``, each with ``seeds`` seeds, in grid order.

    Raises
    ------
    InvalidInputError
        An unknown parameter, an empty value list, ``seeds`` below 1, or an impossible
        value (naming the parameter).
    """
    if seeds < 1:
        raise InvalidInputError("seeds", f"must be at least 1, not {seeds}")
    for name, values in grid.items():
        if name not in PARAMETERS:
            raise InvalidInputError(name, f"unknown twin parameter {name!r}")
        if name == "seed" and seeds > 1:
            raise InvalidInputError("seed", "give seeds by --seeds or by seed=..., not both")
        if not values:
            raise InvalidInputError(name, "no values given")
    names = list(grid)
    out: list[TwinScenario] = []
    for combo in itertools.product(*(grid[n] for n in names)):
        scenario = base.replace(**dict(zip(names, combo, strict=True)))
        out.extend(scenario.replace(seed=scenario.seed + k) for k in range(seeds))
    return out


def summarise(data: Mapping[str, Any]) -> dict[str, Any]:
    """Pick the sweep table's figures of one run (``TwinResult.to_json()``)."""
    policies = {}
    for name, k in data["policies"].items():
        policies[name] = {
            "total_cost_eur": k["total_cost_eur"],
            "generalised_cost_eur": k["generalised_cost_eur"],
            "wtw_kg": k["wtw_kg"],
            "wtw_kg_per_tonne": k["wtw_kg_per_tonne"],
            "on_time_share": k["on_time_share"],
            "modal_share_tkm": k["modal_share_tkm"],
            "truck_trips": k["truck_trips"],
            "fallback_trucks": k["fallback_trucks"],
            "load_factor_teu": k["load_factor"]["teu_weighted"],
        }
    gate = data["smartgate"]
    return {
        "scenario": data["scenario"],
        "policies": policies,
        "smartgate": {
            "red_share": gate["lane_shares"]["RED"],
            "release_p95_h": gate["release_h"]["p95"],
            "inspector_utilisation": gate["inspector_utilisation"],
        },
        "comparison": data["comparison"],
    }


def _run_one(scenario: dict[str, Any], policies: list[str]) -> dict[str, Any]:
    """One sweep task (a top-level function, so Dask can ship it to any worker)."""
    result = run_twin(TwinScenario.from_json(scenario), policies=policies)
    return summarise(result.to_json())


@dataclass(frozen=True)
class SweepResult:
    """A sweep's table.

    Attributes
    ----------
    parameters
        The swept parameter names (plus ``seed`` when several seeds ran).
    rows
        One :func:`summarise` per run, in grid order.
    seconds
        Wall time of the runs.
    scheduler
        ``local`` or the scheduler address used; ``serial`` for :func:`run_serial`.
    workers
        Dask workers that took part (1 for serial).
    """

    parameters: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]
    seconds: float
    scheduler: str
    workers: int

    def to_json(self) -> dict[str, Any]:
        """Plain JSON: ``parameters``, ``runs`` (the rows), ``seconds``, ``scheduler``..."""
        return {
            "parameters": list(self.parameters),
            "runs": list(self.rows),
            "seconds": self.seconds,
            "scheduler": self.scheduler,
            "workers": self.workers,
        }

    def table(self, policy: str = "synchromodal") -> list[dict[str, Any]]:
        """Flat rows for a table: the swept values, then one policy's figures."""
        out = []
        for row in self.rows:
            k = row["policies"].get(policy, {})
            cmp = row["comparison"]
            out.append(
                {
                    **{p: row["scenario"][p] for p in self.parameters},
                    "cost_eur": k.get("total_cost_eur"),
                    "wtw_t": (k["wtw_kg"] / 1000.0) if "wtw_kg" in k else None,
                    "on_time": k.get("on_time_share"),
                    "cost_vs_greedy": cmp.get("cost_vs_greedy"),
                    "wtw_vs_road_only": cmp.get("wtw_vs_road_only"),
                    "release_p95_h": row["smartgate"]["release_p95_h"],
                    "inspector_utilisation": row["smartgate"]["inspector_utilisation"],
                }
            )
        return out


def _parameters(grid: Mapping[str, Sequence[Any]], seeds: int) -> tuple[str, ...]:
    names = list(grid)
    if seeds > 1 and "seed" not in names:
        names.append("seed")
    return tuple(names)


def run_serial(
    base: TwinScenario,
    grid: Mapping[str, Sequence[Any]],
    *,
    seeds: int = 1,
    policies: Sequence[str] = POLICIES,
    progress: SweepProgress | None = None,
) -> SweepResult:
    """Run the sweep's tasks one after another in this process."""
    scenarios = sweep_scenarios(base, grid, seeds)
    clock = time.perf_counter()
    rows = []
    for k, s in enumerate(scenarios):
        rows.append(_run_one(s.to_json(), list(policies)))
        if progress is not None:
            progress(k + 1, len(scenarios))
    return SweepResult(
        _parameters(grid, seeds), tuple(rows), time.perf_counter() - clock, "serial", 1
    )


def run_sweep(
    base: TwinScenario,
    grid: Mapping[str, Sequence[Any]],
    *,
    seeds: int = 1,
    scheduler: str | None = None,
    n_workers: int = 2,
    policies: Sequence[str] = POLICIES,
    progress: SweepProgress | None = None,
    connect_timeout_s: float = 10.0,
) -> SweepResult:
    """Run every scenario of the sweep as one task on a Dask cluster.

    Parameters
    ----------
    base, grid, seeds
        See :func:`sweep_scenarios`.
    scheduler
        ``tcp://host:port`` of a running Dask scheduler; ``None`` starts a
        ``LocalCluster(n_workers, threads_per_worker=1, processes=True)`` for the sweep.
    n_workers
        Workers of the local cluster.
    policies
        Policies each run compares.
    progress
        Called with (done, total) as runs finish.
    connect_timeout_s
        How long to try to reach ``scheduler``.

    Raises
    ------
    InvalidInputError
        Bad grid (see :func:`sweep_scenarios`); ``--scheduler`` when no scheduler answers
        at the address.
    """
    scenarios = sweep_scenarios(base, grid, seeds)
    from dask.distributed import Client, LocalCluster, as_completed

    cluster: LocalCluster | None = None
    if scheduler is None:
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",  # any free port: 8787 may be taken
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)  # type: ignore[no-untyped-call]
        where = "local"
    else:
        try:
            client = Client(scheduler, timeout=f"{connect_timeout_s}s")  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError, ValueError) as exc:
            raise InvalidInputError(
                "--scheduler", f"no Dask scheduler answers at {scheduler!r}: {exc}"
            ) from None
        where = scheduler
    try:
        workers = len(client.scheduler_info().get("workers", {}))
        clock = time.perf_counter()
        futures = [
            client.submit(_run_one, s.to_json(), list(policies), pure=False) for s in scenarios
        ]
        index = {f.key: k for k, f in enumerate(futures)}
        rows: list[dict[str, Any] | None] = [None] * len(futures)
        finished = as_completed(futures)  # type: ignore[no-untyped-call]
        for done, future in enumerate(finished, start=1):
            rows[index[future.key]] = future.result()
            if progress is not None:
                progress(done, len(futures))
        seconds = time.perf_counter() - clock
    finally:
        client.close()  # type: ignore[no-untyped-call]
        if cluster is not None:
            cluster.close()
    return SweepResult(
        _parameters(grid, seeds),
        tuple(r for r in rows if r is not None),
        seconds,
        where,
        workers,
    )
