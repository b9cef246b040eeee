"""The HTML report: self-contained (nothing fetched), every chart and table in it; CSVs."""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from smartlogistics.insight.kpis import read_observations
from smartlogistics.insight.pages import kpi_page_data, labour_page_data, sector_page_data
from smartlogistics.insight.report import chart_figure, render_report, write_csv_tables
from smartlogistics.insight.sectors import read_shipments
from tests.insight._tiny import tiny_data

DATA = Path(__file__).resolve().parents[1] / "data" / "insight"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def pages() -> list[dict[str, Any]]:
    from smartlogistics.insight.labour import project_labour

    return [
        labour_page_data(project_labour(tiny_data())),
        kpi_page_data(read_observations(DATA / "kpi_series.csv")),
        sector_page_data(read_shipments(DATA / "shipments.csv")),
    ]


@pytest.fixture(scope="module")
def report(pages: list[dict[str, Any]]) -> str:
    return render_report(pages)


def test_nothing_is_fetched(report: str) -> None:
    tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", report, flags=re.IGNORECASE)
    assert tags, "the report has script tags"
    for tag in tags:
        assert not re.search(r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", tag), tag
    assert "<script src" not in report.lower()
    assert "<link" not in report.lower()


def test_plotly_is_inlined_and_every_chart_drawn(report: str, pages: list[dict[str, Any]]) -> None:
    from plotly.offline import get_plotlyjs  # type: ignore[import-untyped]

    assert get_plotlyjs()[:200] in report
    charts = [(p["page"], c) for p in pages for c in p["charts"]]
    assert report.count('<div class="chart" id="chart-') == len(charts)
    assert report.count("Plotly.newPlot(") == len(charts)
    for page, chart in charts:
        traces = json.dumps(chart_figure(chart)["data"], ensure_ascii=False)
        assert f'Plotly.newPlot("chart-{page}-{chart["id"]}", {traces}' in report


def test_axes_carry_units_and_data_is_in_the_report(
    report: str, pages: list[dict[str, Any]]
) -> None:
    gap = next(c for c in pages[0]["charts"] if c["id"] == "gap_by_occupation")
    layout = chart_figure(gap)["layout"]
    assert layout["yaxis"]["title"]["text"] == "Gap (persons)"
    assert layout["title"]["text"] == "Labour gap per occupation (demand - supply)"
    assert '"y": [22.5, 23.9]' in report  # the tiny model's gaps
    assert "<th>Gap (demand - supply) (persons)</th>" in report
    assert "assumption: hand-checked test value" in report  # assumptions visible
    assert '<td class="status-off">off track</td>' in report
    for page in pages:
        for table in page["tables"]:
            assert html_escape(table["title"]) in report


def html_escape(text: str) -> str:
    import html

    return html.escape(text)


def test_csv_export_of_every_table(tmp_path: Path, pages: list[dict[str, Any]]) -> None:
    files = write_csv_tables(tmp_path, pages)
    expected = [
        f"{p['page']}-{t['id']}.csv" for p in pages for t in [*p["tables"], {"id": "assumptions"}]
    ]
    assert [f.name for f in files] == expected
    with (tmp_path / "labour-projection.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:5] == ["occupation", "year", "demand [persons]", "supply [persons]",
                           "gap [persons]"]  # fmt: skip
    assert rows[1][:5] == ["Crew", "2026", "49.5", "27.0", "22.5"]
    with (tmp_path / "sectors-sectors.csv").open(encoding="utf-8") as fh:
        sectors = list(csv.DictReader(fh))
    assert [r["sector"] for r in sectors][:2] == ["Flowers", "Food"]
    assert sectors[1]["lead_time_median_h [h]"] == ""  # no Food shipments: empty, not 0


@pytest.mark.browser
def test_the_report_opens_offline_and_draws_every_chart(
    tmp_path: Path, report: str, pages: list[dict[str, Any]]
) -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is missing; browser tests must run under CI=true")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    path = tmp_path / "report.html"
    path.write_text(report, encoding="utf-8")
    errors: list[str] = []
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "request", lambda r: None if r.url.startswith("file:") else outside.append(r.url)
            )
            page.goto(path.as_uri())
            n_charts = sum(len(pg["charts"]) for pg in pages)
            page.wait_for_function(
                f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {n_charts}"
            )
            drawn = page.locator(".js-plotly-plot").count()
            shots = Path(__file__).resolve().parents[2] / "test-output"
            shots.mkdir(exist_ok=True)
            page.screenshot(path=str(shots / "insight-report.png"), full_page=False)
        finally:
            browser.close()
    assert drawn == n_charts
    assert errors == []
    assert outside == []
