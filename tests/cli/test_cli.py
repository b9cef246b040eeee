"""The command line: JSON contracts, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from smartlogistics import __version__
from smartlogistics.cli import run
from smartlogistics.emissions import load_default_factors
from smartlogistics.network import Mode
from tests._cli import cli_error, cli_json

DATA = Path(__file__).resolve().parents[1] / "data"


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    return cli_json(capsys, argv)


def _error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    return cli_error(capsys, argv)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"]) == 0
    assert capsys.readouterr().out == f"smartlogistics {__version__}\n"


def test_region_show_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "region", "show", "amsterdam", "--json")
    nodes = {n["id"]: n for n in data["nodes"]}
    for required in ("ACT", "HCT", "SPL", "AAL", "DUI", "RTM", "VEN", "TIE"):
        assert required in nodes
    for node in data["nodes"]:
        assert {"id", "name", "lat", "lon", "kind"} <= node.keys()
    act = nodes["ACT"]
    assert act["kind"] == "seaport_terminal"
    assert act["unlocode"] == "NLAMS"
    for link in data["links"]:
        assert {"from", "to", "mode", "distance_km"} <= link.keys()
        assert link["from"] in nodes and link["to"] in nodes
        assert link["distance_km"] > 0
    modes = {s["mode"] for s in data["services"]}
    assert {"barge", "rail"} <= modes
    for svc in data["services"]:
        assert {"id", "mode", "stops", "departures_per_week", "capacity_teu"} <= svc.keys()
        assert svc["departures_per_week"] >= 1
        assert all(stop in nodes for stop in svc["stops"])


def test_region_route_barge_act_duisburg(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(
        capsys, "region", "route", "--from", "ACT", "--to", "DUI", "--mode", "barge", "--json"
    )
    assert data["path"][0] == "ACT"
    assert data["path"][-1] == "DUI"
    assert "TIE" in data["path"]
    assert 200 <= data["distance_km"] <= 240


def test_emissions_leg_default_road(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(
        capsys,
        "emissions",
        "leg",
        "--mode",
        "road",
        "--distance-km",
        "100",
        "--tonnes",
        "10",
        "--json",
    )
    toc = load_default_factors().default_toc(Mode.ROAD)
    assert data["tonne_km"] == pytest.approx(1000.0)
    assert data["wtw_kg"] == pytest.approx(1000.0 * toc.wtw_kg_per_unit_km)
    assert data["ttw_kg"] == pytest.approx(1000.0 * toc.ttw_kg_per_unit_km)
    assert data["category"] == "road_artic_truck_lt34t_diesel_eu"
    assert data["source"]


def test_emissions_leg_explicit_intensities(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(
        capsys,
        "emissions",
        "leg",
        "--mode",
        "barge",
        "--distance-km",
        "423",
        "--tonnes",
        "0.087",
        "--wtw-intensity",
        "0.1",
        "--ttw-intensity",
        "0.08",
        "--json",
    )
    assert data["tonne_km"] == pytest.approx(36.801)
    assert data["wtw_kg"] == pytest.approx(3.6801)
    assert data["ttw_kg"] == pytest.approx(2.94408)


def test_emissions_route_barge_on_network(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(
        capsys,
        "emissions",
        "route",
        "--from",
        "ACT",
        "--to",
        "DUI",
        "--mode",
        "barge",
        "--tonnes",
        "20",
        "--json",
    )
    assert 200 <= data["network_distance_km"] <= 240
    assert data["tonne_km"] == pytest.approx(20 * data["network_distance_km"])
    assert data["path"][0] == "ACT" and data["path"][-1] == "DUI"


def test_emissions_route_air_adds_95_km_to_great_circle(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = _json(
        capsys,
        "emissions",
        "route",
        "--from",
        "SPL",
        "--to",
        "DUI",
        "--mode",
        "air",
        "--tonnes",
        "2",
        "--json",
    )
    assert data["tonne_km"] == pytest.approx(2 * (data["network_distance_km"] + 95.0))


def test_emissions_chain_file(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(
        capsys, "emissions", "chain", str(DATA / "emissions" / "ileap_example_chain.json"), "--json"
    )
    assert data["tonne_km"] == pytest.approx(64.728)
    assert data["wtw_kg"] == pytest.approx(8.42769)


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["region", "show", "atlantis"], "region: unknown region 'atlantis'"),
        (["emissions", "leg", "--mode", "plane", "--distance-km", "1", "--tonnes", "1"], "--mode"),
        (
            ["emissions", "leg", "--mode", "road", "--distance-km", "1", "--tonnes", "-3"],
            "--tonnes",
        ),
        (
            ["emissions", "leg", "--mode", "road", "--distance-km", "0", "--tonnes", "1"],
            "--distance-km",
        ),
        (
            ["emissions", "leg", "--mode", "road", "--distance-km", "x", "--tonnes", "1"],
            "--distance-km",
        ),
        (
            [
                "emissions",
                "leg",
                "--mode",
                "road",
                "--distance-km",
                "5",
                "--tonnes",
                "1",
                "--category",
                "teleport",
            ],
            "category",
        ),
        (
            [
                "emissions",
                "leg",
                "--mode",
                "road",
                "--distance-km",
                "5",
                "--tonnes",
                "1",
                "--wtw-intensity",
                "0.1",
            ],
            "--ttw-intensity",
        ),
        (
            [
                "emissions",
                "route",
                "--from",
                "ACT",
                "--to",
                "NOWHERE",
                "--mode",
                "road",
                "--tonnes",
                "1",
            ],
            "NOWHERE",
        ),
        (["emissions", "chain", "does-not-exist.json"], "does-not-exist.json"),
        (["region", "frobnicate"], "frobnicate"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    assert needle in _error(capsys, *argv)


def test_bad_chain_file_names_the_field(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "chain.json"
    bad.write_text(
        json.dumps(
            {"elements": [{"type": "leg", "mode": "road", "mass_tonnes": -1, "distance_km": 10}]}
        )
    )
    assert "elements[0].mass_tonnes" in _error(capsys, "emissions", "chain", str(bad))
    bad.write_text("{not json")
    assert "file" in _error(capsys, "emissions", "chain", str(bad))


def test_console_script_exits_2_without_traceback() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "smartlogistics",
            "emissions",
            "leg",
            "--mode",
            "road",
            "--distance-km",
            "-1",
            "--tonnes",
            "1",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1


def test_plan_generate_orders_writes_a_readable_seeded_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from smartlogistics.planner import read_orders

    out = tmp_path / "week.csv"
    args = ["plan", "generate-orders", "--n", "200", "--seed", "7", "--start", "2026-12-07"]
    summary = _json(capsys, *args, "--out", str(out), "--json")
    orders = read_orders(out)
    assert summary["orders"] == len(orders) == 200
    assert summary["teu"] == pytest.approx(sum(o.teu for o in orders), abs=1e-3)
    assert min(o.release for o in orders).date().isoformat() == "2026-12-07"
    again = tmp_path / "again.csv"
    _json(capsys, *args, "--out", str(again), "--json")
    assert again.read_bytes() == out.read_bytes()


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--out", "x.txt"], "--out: must end in .json or .csv"),
        (["--out", "x.json", "--start", "2026-13-01"], "--start: expected a date"),
        (["--out", "x.json", "--n", "0"], "n: must be at least 1"),
    ],
)
def test_plan_generate_orders_bad_input(
    capsys: pytest.CaptureFixture[str], extra: list[str], needle: str
) -> None:
    assert needle in _error(capsys, "plan", "generate-orders", *extra)


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    """Run the installed command in a fresh process (HiGHS writes to the C-level stdout)."""
    return subprocess.run(
        [sys.executable, "-m", "smartlogistics", *argv],
        capture_output=True,
        text=True,
        check=False,
    )


def test_plan_solve_json_and_plan_file(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    proc = _cli(
        "plan",
        "solve",
        "--orders",
        str(DATA / "planner" / "orders.json"),
        "--out",
        str(out),
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    printed = json.loads(proc.stdout)
    assert json.loads(out.read_text(encoding="utf-8")) == printed
    ids = [o["id"] for o in json.loads((DATA / "planner" / "orders.json").read_text())["orders"]]
    assert [o["id"] for o in printed["orders"]] == ids
    for key in ("cost_eur", "wtw_kg", "ttw_kg", "on_time_share", "modal_split_tkm"):
        assert key in printed["totals"]
        assert key in printed["baselines"]["road_only"]
        assert key in printed["baselines"]["greedy"]
    assert printed["solver"]["status"] in ("optimal", "trivial")
    assert printed["solver"]["objective"] <= printed["baselines"]["greedy"]["objective_eur"] + 1e-6
    for order in printed["orders"]:
        for leg in order["legs"]:
            assert {
                "mode",
                "service_id",
                "from",
                "to",
                "depart",
                "arrive",
                "teu",
                "tonnes",
                "cost_eur",
                "wtw_kg",
            } <= leg.keys()
            assert leg["depart"][-6] in "+-"


def test_plan_solve_with_a_services_file_uses_only_its_services(tmp_path: Path) -> None:
    proc = _cli(
        "plan",
        "solve",
        "--orders",
        str(DATA / "planner" / "orders.json"),
        "--services",
        str(DATA / "network" / "services_extra_rail.yaml"),
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    used = {d["service_id"] for d in json.loads(proc.stdout)["departures"]}
    assert used <= {"CL-RHINE-E", "CL-RAIL-DUI-DAILY"}
    assert "CL-RAIL-DUI-DAILY" in used


def test_plan_solve_bad_orders_name_order_and_field(tmp_path: Path) -> None:
    data = json.loads((DATA / "planner" / "orders.json").read_text(encoding="utf-8"))
    data["orders"][1]["origin"] = "ATLANTIS"
    bad = tmp_path / "orders.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    proc = _cli("plan", "solve", "--orders", str(bad), "--json")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"error: orders[1].origin: order '{data['orders'][1]['id']}': unknown location 'ATLANTIS'"
    ]
    missing = _cli("plan", "solve", "--orders", str(tmp_path / "none.json"))
    assert missing.returncode == 2
    assert "--orders" in missing.stderr


def test_db_upgrade_and_current(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from smartlogistics.config import get_settings
    from smartlogistics.db import head_revision

    head = head_revision()
    monkeypatch.setenv("SMARTLOGISTICS_DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'x.db'}")
    get_settings.cache_clear()
    try:
        assert _json(capsys, "db", "current", "--json") == {
            "current": None,
            "head": head,
            "up_to_date": False,
        }
        moved = _json(capsys, "db", "upgrade", "--json")
        assert (moved["from"], moved["to"]) == (None, head)
        assert _json(capsys, "db", "current", "--json")["up_to_date"] is True
        monkeypatch.setenv("SMARTLOGISTICS_DATABASE_URL", "mysql://x@y/z")
        get_settings.cache_clear()
        assert _error(capsys, "db", "upgrade") == (
            "error: database_url: unsupported database 'mysql'; use sqlite or postgresql"
        )
    finally:
        get_settings.cache_clear()


def test_plan_replan_after_a_cancelled_departure(tmp_path: Path) -> None:
    plan_path = tmp_path / "plan.json"
    solved = _cli(
        "plan", "solve", "--orders", str(DATA / "planner" / "orders.json"), "--out", str(plan_path)
    )
    assert solved.returncode == 0, solved.stderr
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    used = next(d for d in plan["departures"] if d["load_teu"] > 0)
    riders = [
        o["id"]
        for o in plan["orders"]
        if any(
            leg["service_id"] == used["service_id"]
            and leg["depart"] >= used["depart"]
            and leg["depart"] <= used["arrive"]
            for leg in o["legs"]
        )
    ]
    assert riders
    first_release = min(o["release"] for o in plan["input_orders"])
    disruption = tmp_path / "disruption.json"
    disruption.write_text(
        json.dumps(
            {
                "now": first_release,
                "disruptions": [
                    {
                        "type": "departure_cancelled",
                        "service_id": used["service_id"],
                        "depart": used["depart"],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    new_plan = tmp_path / "new.json"
    proc = _cli(
        "plan",
        "replan",
        "--plan",
        str(plan_path),
        "--disruption",
        str(disruption),
        "--out",
        str(new_plan),
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["plan"] == json.loads(new_plan.read_text(encoding="utf-8"))
    changed = {c["order_id"] for c in result["changes"]}
    assert set(riders) <= changed
    assert [o["id"] for o in result["plan"]["orders"]] == [o["id"] for o in plan["orders"]]
    for order in result["plan"]["orders"]:
        for leg in order["legs"]:
            assert not (leg["service_id"] == used["service_id"] and leg["depart"] == used["depart"])


def test_plan_replan_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text("{broken", encoding="utf-8")
    proc = _cli(
        "plan",
        "replan",
        "--plan",
        str(bad),
        "--disruption",
        str(DATA / "planner" / "disruption_example.json"),
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: Invalid value for --plan: not valid JSON: line 1")
    proc = _cli("plan", "replan", "--plan", str(bad), "--disruption", "x.json", "--now", "today")
    assert proc.returncode == 2
    assert "--now" in proc.stderr
