"""Page data: the shapes the dashboard relies on, and numbers equal to the models'."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from smartlogistics.insight.kpis import read_observations
from smartlogistics.insight.labour import project_labour
from smartlogistics.insight.pages import kpi_page_data, labour_page_data, sector_page_data
from smartlogistics.insight.sectors import analyse_sectors, read_shipments
from tests.insight._tiny import tiny_data

DATA = Path(__file__).resolve().parents[1] / "data" / "insight"
PAGE_KEYS = {"page", "title", "summary", "notes", "tables", "charts", "assumptions", "result"}


def _check_shape(page: dict[str, Any]) -> None:
    assert set(page) == PAGE_KEYS
    json.dumps(page)  # JSON-able
    for table in page["tables"]:
        assert set(table) == {"id", "title", "columns", "rows"}
        keys = [c["key"] for c in table["columns"]]
        assert all(set(c) == {"key", "label", "unit"} for c in table["columns"])
        assert all(set(row) == set(keys) for row in table["rows"]), table["id"]
    for chart in page["charts"]:
        assert set(chart) == {"id", "title", "kind", "x", "y", "series"}
        assert chart["kind"] in {"line", "bar", "stacked_bar"}
        assert chart["y"]["unit"], chart["id"]  # every value axis has a unit
        for series in chart["series"]:
            assert len(series["x"]) == len(series["y"])
    for item in page["assumptions"]:
        assert set(item) == {"table", "item", "value", "source"}


def _table(page: dict[str, Any], table_id: str) -> list[dict[str, Any]]:
    return next(t["rows"] for t in page["tables"] if t["id"] == table_id)


def _chart(page: dict[str, Any], chart_id: str) -> dict[str, Any]:
    return next(c for c in page["charts"] if c["id"] == chart_id)


def test_labour_page_numbers_are_the_models() -> None:
    result = project_labour(tiny_data())
    page = labour_page_data(result)
    _check_shape(page)
    assert page["result"] == result.to_json()
    assert _table(page, "projection") == [
        {"occupation": "Crew", "year": 2026, "demand": 49.5, "supply": 27.0, "gap": 22.5,
         "gap_share": 45.45, "retired": 10.0, "left": 7.5, "aged_out": 7.5, "inflow": 12.0},
        {"occupation": "Crew", "year": 2027, "demand": 49.0, "supply": 25.1, "gap": 23.9,
         "gap_share": 48.73, "retired": 4.8, "left": 5.6, "aged_out": 3.6, "inflow": 12.0},
    ]  # fmt: skip
    gap = _chart(page, "gap_by_occupation")
    assert gap["series"] == [{"name": "Crew", "x": [2026, 2027], "y": [22.5, 23.9]}]
    assert gap["y"] == {"label": "Gap", "unit": "persons"}
    (calibration,) = _table(page, "calibration")
    assert calibration["intensity_per_kt"] == 50.0  # 50 persons per 1,000 t
    assert any(a["source"] == "assumption: hand-checked test value" for a in page["assumptions"])


def test_default_labour_page_explains_itself() -> None:
    page = labour_page_data()
    _check_shape(page)
    assert page["summary"][0].startswith("Base year 2025: 132,445 jobs")
    assert "178,000" in page["summary"][0]
    assert any(n.startswith("Why plausible") for n in page["notes"])
    ranking = _table(page, "bottlenecks")
    assert [r["rank"] for r in ranking] == list(range(1, 8))
    facts = [a for a in page["assumptions"] if a["table"] == "segments"]
    assert [a["source"].split(":")[0] for a in facts] == [
        "slam-2011", "slam-2011", "slam-2011", "derived",
    ]  # fmt: skip


def test_kpi_page() -> None:
    page = kpi_page_data(read_observations(DATA / "kpi_series.csv"), labour=project_labour())
    _check_shape(page)
    rows = {r["indicator"]: r for r in _table(page, "progress")}
    rail = rows["Modal split, rail share of tonne-km"]
    assert (rail["status"], rail["latest"], rail["target"], rail["progress"]) == (
        "off track", 12, 20, 20.0,
    )  # fmt: skip
    labour = rows["Labour shortage (sum of positive gaps / demand)"]
    assert labour["latest_period"] == "2040" and labour["status"] == "off track"
    assert (
        page["summary"][0] == "3 indicators on track, 3 off track, 2 without data (of 8 targets)."
    )
    assert _chart(page, "series_rail_share")["series"][0] == {
        "name": "Observed", "x": ["2024", "2026"], "y": [10.0, 12.0],
    }  # fmt: skip
    inputs = [r for r in _table(page, "series") if r["indicator"] == "value_added_growth_nl"]
    assert [r["value"] for r in inputs] == [1.0, 1.0]


def test_kpi_page_without_data() -> None:
    page = kpi_page_data()
    _check_shape(page)
    assert page["summary"] == ["0 indicators on track, 0 off track, 8 without data (of 8 targets)."]


def test_sector_page() -> None:
    shipments = read_shipments(DATA / "shipments.csv")
    page = sector_page_data(shipments, data_note="fixture")
    _check_shape(page)
    assert page["summary"][0] == "fixture"
    assert page["result"] == analyse_sectors(shipments).to_json()
    rows = {r["sector"]: r for r in _table(page, "sectors")}
    assert rows["Flowers"]["tonnes"] == 6 and rows["Flowers"]["co2e_kg_per_t"] == 2
    assert rows["Fashion"]["co2e_t"] is None  # no shipment reports CO2e
    modes = _chart(page, "tonnes_by_mode")
    assert [s["name"] for s in modes["series"]] == ["road", "barge", "air"]
    assert modes["series"][0]["y"][0] == 4  # Flowers by road
