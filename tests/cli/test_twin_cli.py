"""``smartlogistics twin run`` and ``twin sweep``: JSON contract, storage, bad input (exit 2)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from smartlogistics.config import get_settings
from tests._cli import cli_error, cli_json

SMALL = ["--days", "1", "--seed", "11", "--set", "demand_scale=0.02", "--set", "risk_model=false"]


@pytest.fixture
def tmp_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'var' / 'twin.db'}"
    monkeypatch.setenv("SMARTLOGISTICS_DATABASE_URL", url)
    monkeypatch.setenv("SMARTLOGISTICS_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_run_json_and_stored(capsys: pytest.CaptureFixture[str], tmp_db: str) -> None:
    from smartlogistics.db import make_engine
    from smartlogistics.twin.results import latest_run

    data = cli_json(capsys, ["twin", "run", *SMALL, "--json"])
    assert (data["days"], data["seed"]) == (1, 11)
    assert data["scenario"]["demand_scale"] == 0.02
    assert list(data["policies"]) == ["synchromodal", "greedy", "road_only"]
    assert data["policies"]["road_only"]["delivered"] == round(28_120 * 0.02 / 7)
    engine = make_engine(tmp_db)
    stored = latest_run(engine)
    engine.dispose()
    assert stored is not None and stored.id == data["run_id"]
    assert stored.result.policies == data["policies"]


def test_run_without_storing_prints_a_table(
    capsys: pytest.CaptureFixture[str], tmp_db: str
) -> None:
    from smartlogistics.cli import run

    assert run(["twin", "run", *SMALL, "--no-store"]) == 0
    out = capsys.readouterr().out
    assert "total cost (EUR)" in out and "synchromodal vs today's practice" in out
    assert not Path(tmp_db.removeprefix("sqlite:///")).exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["twin", "run", "--set", "warp=9"], "error: warp: unknown twin parameter 'warp'"),
        (
            ["twin", "run", "--set", "inspectors=0"],
            "error: inspectors: Input should be greater than or equal to 1",
        ),
        (["twin", "run", "--days", "0"], "error: days: Input should be greater than or equal to 1"),
        (["twin", "run", "--set", "inspectors"], "error: --set: expected PARAM=VALUE"),
        (["twin", "sweep", "--set", "warp=1,2"], "error: warp: unknown twin parameter 'warp'"),
        (
            ["twin", "sweep", "--set", "demand_scale=0.1,3"],
            "error: demand_scale: Input should be less than or equal to 1",
        ),
        (
            ["twin", "sweep", "--set", "inspectors=1,two"],
            "error: inspectors: 'two' is not a valid int value",
        ),
        (
            ["twin", "sweep", "--set", "inspectors=1", "--set", "inspectors=2"],
            "error: inspectors: given twice",
        ),
        (
            ["twin", "sweep", "--set", "inspectors=1", "--seeds", "0"],
            "error: --seeds: must be at least 1, not 0",
        ),
        (
            ["twin", "sweep", "--set", "inspectors=1", "--scheduler", "127.0.0.1:8786"],
            "error: --scheduler: expected tcp://HOST:PORT",
        ),
    ],
)
def test_bad_input_exits_2_naming_it(
    capsys: pytest.CaptureFixture[str], tmp_db: str, argv: list[str], message: str
) -> None:
    assert cli_error(capsys, argv).startswith(message)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A Dask scheduler with one in-process worker thread (no process to spawn)."""
    from dask.distributed import LocalCluster

    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    )
    yield str(cluster.scheduler_address)
    cluster.close()


def test_sweep_json_on_a_scheduler(
    capsys: pytest.CaptureFixture[str], tmp_db: str, scheduler: str
) -> None:
    data = cli_json(
        capsys,
        ["twin", "sweep", "--days", "1", "--seed", "11", "--set", "demand_scale=0.01",
         "--set", "inspectors=1,2", "--scheduler", scheduler, "--json"],
    )  # fmt: skip
    assert data["parameters"] == ["demand_scale", "inspectors"]
    assert [r["scenario"]["inspectors"] for r in data["runs"]] == [1, 2]
    assert data["scheduler"] == scheduler and data["workers"] == 1
    # inspectors do not change the transport when nothing is held long: same costs
    costs = [r["policies"]["greedy"]["total_cost_eur"] for r in data["runs"]]
    assert costs[0] == pytest.approx(costs[1])
