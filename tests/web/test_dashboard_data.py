"""The dashboard's page data from a real twin result: every number traced to the raw KPIs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from smartlogistics.network import load_region
from smartlogistics.web import _pagedata
from smartlogistics.web._runview import RunView, from_result

RESULT = Path(__file__).resolve().parents[1] / "data" / "web" / "twin_result_1day.json"
POLICIES = ["synchromodal", "greedy", "road_only"]


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(RESULT.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def run(raw: dict[str, Any]) -> RunView:
    return from_result(raw, run_id="r1", created_at="2026-12-01T10:00:00+00:00")


def _kpi(page: dict[str, Any], key: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [k for k in page["kpis"] if k["key"] == key]
    assert len(found) == 1
    return found[0]


def test_no_run_pages_say_how_to_make_one() -> None:
    for page in (
        _pagedata.overview(None),
        _pagedata.network_map(None, "amsterdam"),
        _pagedata.circle_lines(None, "amsterdam"),
        _pagedata.smartgate(None),
        _pagedata.emissions(None),
    ):
        assert page == {"run": None, "empty": _pagedata.NO_RUN}
    assert _pagedata.NO_RUN["command"] == "smartlogistics demo"


def test_overview_kpis_are_the_twins_rounded(raw: dict[str, Any], run: RunView) -> None:
    page = _pagedata.overview(run)
    assert page["run"] == {
        "id": "r1",
        "created_at": "2026-12-01T10:00:00+00:00",
        "finished_at": None,
        "days": raw["days"],
        "seed": raw["seed"],
        "start": raw["scenario"]["start"],
    }
    assert page["policy_order"] == POLICIES
    for p in POLICIES:
        k = raw["policies"][p]
        assert _kpi(page, "cost_eur")["values"][p] == round(k["total_cost_eur"])
        assert _kpi(page, "co2e_t")["values"][p] == round(k["wtw_kg"] / 1000, 1)
        assert _kpi(page, "co2e_kg_per_t")["values"][p] == round(k["wtw_kg_per_tonne"], 2)
        assert _kpi(page, "on_time_pct")["values"][p] == round(100 * k["on_time_share"], 1)
        assert _kpi(page, "lead_time_h")["values"][p] == round(k["lead_time_h"]["median"], 1)
        tkm = k["modal_split_tkm"]
        road = 100 * tkm["road"] / sum(tkm.values())
        assert _kpi(page, "road_tkm_pct")["values"][p] == round(road, 1)
        trucks = sum(k["trucks_per_day"]) / len(k["trucks_per_day"])
        assert _kpi(page, "trucks_per_day")["values"][p] == round(trucks)
        split = page["modal_split"]["values"][p]
        assert sum(split.values()) == pytest.approx(100, abs=0.2)
    cost = _kpi(page, "cost_eur")
    s, g, r = (cost["values"][p] for p in POLICIES)
    assert cost["vs_greedy"]["synchromodal"] == {
        "abs": s - g,
        "pct": round(100 * (s - g) / g, 1) + 0.0,
    }
    assert cost["vs_road_only"]["synchromodal"]["abs"] == s - r
    assert page["trucks_per_day"]["values"]["greedy"] == raw["policies"]["greedy"]["trucks_per_day"]


def test_verdict_agrees_with_the_twins_own_comparison(raw: dict[str, Any], run: RunView) -> None:
    verdict = _pagedata.overview(run)["verdict"]
    targets = raw["comparison"]["targets"]
    checks = {c["key"]: c["ok"] for c in verdict["checks"]}
    assert checks == {
        "cost": targets["lower_cost_than_greedy"],
        "co2e": targets["co2_30pct_below_road_only"],
        "on_time": targets["on_time_not_below_greedy"],
    }
    assert verdict["beats_today"] is all(targets.values())
    saving = 100 * -raw["comparison"]["wtw_vs_road_only"]
    expected = "beats" if verdict["beats_today"] else "does not beat"
    assert verdict["text"].startswith(f"Synchromodal planning {expected} today's practice")
    assert f"{saving:,.1f} % less CO2e than road-only" in verdict["text"]


def test_verdict_names_the_failed_target() -> None:
    values = {
        "synchromodal": {"cost_eur": 120.0, "co2e_t": 8.0, "on_time_pct": 90.0},
        "greedy": {"cost_eur": 100.0, "co2e_t": 9.0, "on_time_pct": 95.0},
        "road_only": {"cost_eur": 150.0, "co2e_t": 10.0, "on_time_pct": 99.0},
    }
    verdict = _pagedata.verdict(values)
    assert verdict["beats_today"] is False
    assert [c["ok"] for c in verdict["checks"]] == [False, False, False]
    assert verdict["text"] == (
        "Synchromodal planning does not beat today's practice on this run (total cost "
        "€ 120 against € 100 today, CO2e 8.0 t against 10.0 t by road only (20.0 % less; "
        "target at least 30 %), on time 90.0 % against 95.0 % today): it costs € 20 more "
        "(20.0 %), emits 20.0 % less CO2e than road-only (8.0 t), and delivers 90.0 % on "
        "time against 95.0 % today."
    )


def test_map_draws_every_freight_node_and_every_flow(raw: dict[str, Any], run: RunView) -> None:
    page = _pagedata.network_map(run, "amsterdam")
    region = load_region("amsterdam")
    freight = {loc.id for loc in region.locations.values() if loc.kind.value != "junction"}
    assert {n["id"] for n in page["nodes"]} == freight
    assert all(seg["mode"] in ("barge", "rail") for seg in page["network"])
    for p in POLICIES:
        flows = raw["series"]["policies"][p]["flows"]
        drawn = page["flows"][p]
        assert len(drawn) == sum(1 for f in flows if f["tonnes"] > 0)
        assert sum(f["tonnes"] for f in drawn) == pytest.approx(
            sum(f["tonnes"] for f in flows), abs=len(drawn)
        )
        for flow in drawn:
            start, end = flow["path"][0], flow["path"][-1]
            a, b = region.locations[flow["from"]], region.locations[flow["to"]]
            assert start == [a.lon, a.lat] and end == [b.lon, b.lat]
    barge = [f for f in page["flows"]["synchromodal"] if f["mode"] == "barge"]
    assert any(len(f["path"]) > 2 for f in barge)  # along the waterways, via junctions


def test_circle_lines_counts_every_departure(raw: dict[str, Any], run: RunView) -> None:
    page = _pagedata.circle_lines(run, "amsterdam")
    for p in POLICIES:
        departures = raw["series"]["policies"][p]["departures"]
        view = page["policies"][p]
        assert len(view["departures"]) == len(departures)
        summary = view["summary"]
        assert summary["departures"] == raw["policies"][p]["departures"]["run"]
        assert summary["cancelled"] == raw["policies"][p]["departures"]["cancelled"]
        assert summary["delayed"] == raw["policies"][p]["departures"]["delayed"]
        assert summary["replans"] == raw["policies"][p]["replans"]
        ran = [d for d in departures if not d["cancelled"]]
        assert summary["teu"] == round(sum(d["load_teu"] for d in ran), 1)
    services = {s.id for s in load_region("amsterdam").services}
    assert {row["id"] for row in page["timetable"]} == services
    assert len(page["disruptions"]) == len(raw["disruptions"])


def test_smartgate_page_is_the_twins_smartgate(raw: dict[str, Any], run: RunView) -> None:
    page = _pagedata.smartgate(run)
    gate = raw["smartgate"]
    assert page["totals"]["screened"] == gate["screened"]
    assert {lane["lane"]: lane["count"] for lane in page["lanes"]} == gate["lanes"]
    assert page["totals"]["release_median_min"] == round(60 * gate["release_h"]["median"], 1)
    assert page["totals"]["release_p95_min"] == round(60 * gate["release_h"]["p95"], 1)
    assert page["totals"]["inspector_utilisation_pct"] == round(
        100 * gate["inspector_utilisation"], 1
    )
    assert [r["count"] for r in page["red_reasons"]] == [
        r["count"] for r in gate["top_red_reasons"]
    ]
    assert len(page["queue"]["t"]) == len(raw["series"]["smartgate_queue"])


def test_emissions_add_up_to_the_policy_totals(raw: dict[str, Any], run: RunView) -> None:
    page = _pagedata.emissions(run)
    for p in POLICIES:
        total = raw["policies"][p]["wtw_kg"] / 1000
        assert page["totals"][p]["wtw_t"] == round(total, 1)
        for part in ("by_mode", "by_leg_type", "by_sector"):
            assert sum(v for v in page[part][p].values() if v) == pytest.approx(total, abs=0.05)
    road = raw["policies"]["road_only"]["wtw_kg"]
    syn = raw["policies"]["synchromodal"]["wtw_kg"]
    assert page["saving_vs_road_only_pct"] == round(100 * (road - syn) / road, 1)
    sectors = {
        sector
        for p in POLICIES
        for sector in raw["series"]["policies"][p]["emissions_wtw_kg"]["by_sector"]
    }
    assert set(page["sector_labels"]) == sectors
    assert page["sector_labels"]["port_containers"] == "Port containers"
