"""Sweeps: the grid, its errors, and the same table on Dask as in one process."""

from __future__ import annotations

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.twin.sweep import run_serial, run_sweep, sweep_scenarios
from tests.twin._small import SMALL

TINY = SMALL.replace(demand_scale=0.01)


def test_grid_times_seeds_in_order() -> None:
    out = sweep_scenarios(TINY, {"inspectors": [1, 3], "co2_price_eur_per_tonne": [0.0, 200.0]}, 2)
    assert [(s.inspectors, s.co2_price_eur_per_tonne, s.seed) for s in out] == [
        (i, c, TINY.seed + k) for i in (1, 3) for c in (0.0, 200.0) for k in (0, 1)
    ]


@pytest.mark.parametrize(
    ("grid", "seeds", "field"),
    [
        ({"teleporters": [1]}, 1, "teleporters"),
        ({"inspectors": []}, 1, "inspectors"),
        ({"inspectors": [0]}, 1, "inspectors"),
        ({"seed": [1, 2]}, 2, "seed"),
        ({"inspectors": [1]}, 0, "seeds"),
    ],
)
def test_bad_grids(grid: dict[str, list[object]], seeds: int, field: str) -> None:
    with pytest.raises(InvalidInputError) as exc:
        sweep_scenarios(TINY, grid, seeds)
    assert exc.value.field == field


def test_dask_sweep_equals_serial() -> None:
    grid = {"extra_rail_dui_departures": [0, 5]}
    serial = run_serial(TINY, grid, policies=["synchromodal", "greedy", "road_only"])
    done: list[tuple[int, int]] = []
    dask = run_sweep(TINY, grid, progress=lambda d, n: done.append((d, n)))
    assert dask.rows == serial.rows
    assert dask.workers == 2 and dask.scheduler == "local"
    assert done[-1] == (2, 2)
    assert [r["scenario"]["extra_rail_dui_departures"] for r in dask.rows] == [0, 5]
    table = dask.table()
    assert [t["extra_rail_dui_departures"] for t in table] == [0, 5]
    assert dask.to_json()["parameters"] == ["extra_rail_dui_departures"]


def test_unreachable_scheduler_is_named() -> None:
    with pytest.raises(InvalidInputError) as exc:
        run_sweep(TINY, {"inspectors": [1]}, scheduler="tcp://127.0.0.1:9", connect_timeout_s=1.0)
    assert exc.value.field == "--scheduler"
