"""The dashboard in Chromium: every page loads cleanly, shows its API's numbers, and the map
draws its nodes. Screenshots of every page go to ``test-output/``.

Every test runs on the ``page`` fixture, which fails the test on a console error, a page
error, a failed request, an HTTP error or any request that tries to leave 127.0.0.1.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from smartlogistics.web._theme import PAGES
from tests.browser.conftest import Server, screenshot

pytestmark = pytest.mark.browser

READY = "document.body.dataset.state === 'ready'"


def _open(tab: Any, slug: str) -> None:
    tab.goto(f"{tab.base}/dashboard/{slug}")
    tab.wait_for_function(READY, timeout=30_000)


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("\u2212", "-"))


def _shown(tab: Any) -> dict[str, list[float]]:
    """Every number marked ``data-kpi`` on the page, by its key."""
    pairs = tab.eval_on_selector_all(
        "[data-kpi]", "nodes => nodes.map(n => [n.dataset.kpi, n.textContent])"
    )
    out: dict[str, list[float]] = {}
    for key, text in pairs:
        out.setdefault(key, []).append(_number(text))
    return out


def _check_overview(tab: Any, server: Server) -> None:
    api = server.json("/api/dashboard/overview")
    shown = _shown(tab)
    expected = {
        f"{policy}.{kpi['key']}": value
        for kpi in api["kpis"]
        for policy, value in kpi["values"].items()
        if value is not None
    }
    assert set(shown) == set(expected)
    for key, values in shown.items():
        assert values == [expected[key]] * len(values), key
    assert tab.locator("#verdict-text").inner_text() == api["verdict"]["text"]
    assert tab.locator("#kpi-table tbody tr").count() == len(api["kpis"])


def _check_map(tab: Any, server: Server) -> None:
    api = server.json("/api/dashboard/map")
    main = tab.locator("#map-main svg.map")
    assert main.get_attribute("data-nodes") == str(len(api["nodes"]))
    drawn = tab.eval_on_selector_all("#map-main circle.node", "c => c.map(n => n.dataset.id)")
    assert sorted(drawn) == sorted(node["id"] for node in api["nodes"])
    assert tab.locator("#map-main path.land").count() == 5  # NL, BE, LU, DE, FR
    modes = "p => p.map(x => x.dataset.mode)"
    flows = tab.eval_on_selector_all("#map-main path.flow", modes)
    assert len(flows) == len(api["flows"]["synchromodal"])
    assert set(flows) == {f["mode"] for f in api["flows"]["synchromodal"]}
    shown = _shown(tab)
    assert shown.pop("nodes") == [len(api["nodes"])]
    for key, values in shown.items():
        policy, _, mode = key.split(".")
        assert values == [api["totals"][policy]["tkm"][mode]], key
    tab.select_option("#policy-select", "road_only")
    road = tab.eval_on_selector_all("#map-main path.flow", modes)
    assert len(road) == len(api["flows"]["road_only"])
    assert set(road) == {"road"}


def _check_circle_lines(tab: Any, server: Server) -> None:
    api = server.json("/api/dashboard/circle-lines")
    shown = _shown(tab)
    assert shown
    for key, values in shown.items():
        policy, field = key.split(".")
        assert values == [api["policies"][policy]["summary"][field]], key
    rows = tab.locator("#departures-table tbody tr").count()
    assert rows == len(api["policies"]["synchromodal"]["departures"])
    assert tab.locator("#timetable tbody tr").count() == len(api["timetable"])


def _check_smartgate(tab: Any, server: Server) -> None:
    api = server.json("/api/dashboard/smartgate")
    shown = _shown(tab)
    assert set(shown) == {
        "screened",
        "green_pct",
        "release_median_min",
        "inspector_utilisation_pct",
        "peak_queue",
    }
    for key, values in shown.items():
        assert values == [api["totals"][key]], key


def _check_emissions(tab: Any, server: Server) -> None:
    api = server.json("/api/dashboard/emissions")
    shown = _shown(tab)
    assert len(shown) == 4
    for key, values in shown.items():
        if "." in key:
            policy, field = key.split(".")
            assert values == [api["totals"][policy][field]], key
        else:
            assert values == [api[key]], key


def _check_hub(tab: Any, server: Server) -> None:
    api = server.json("/api/dashboard/hub")
    shown = _shown(tab)
    assert shown["objects.total"] == [api["objects"]["total"]]
    assert shown["events.total"] == [api["events"]["total"]]
    assert tab.locator("#feed li").count() == len(api["feed"]["events"])


def _check_insight(tab: Any, server: Server, slug: str) -> None:
    api = server.json(f"/api/dashboard/{slug}")
    assert tab.locator("#insight-charts .chart").count() == len(api["charts"])
    for table in api["tables"]:
        rows = tab.locator(f"table[data-table='{table['id']}'] tbody tr").count()
        assert rows == len(table["rows"]), table["id"]
    assert tab.locator("#insight-summary p").all_inner_texts() == api["summary"]


CHECKS = {
    "overview": _check_overview,
    "map": _check_map,
    "circle-lines": _check_circle_lines,
    "smartgate": _check_smartgate,
    "emissions": _check_emissions,
    "hub": _check_hub,
}


@pytest.mark.parametrize("slug", [page.slug for page in PAGES])
def test_page_loads_cleanly_and_shows_its_apis_numbers(
    page: Any, server: Server, slug: str
) -> None:
    _open(page, slug)
    nav = page.eval_on_selector_all("nav a", "links => links.map(a => a.getAttribute('href'))")
    assert nav == [f"/dashboard/{p.slug}" for p in PAGES]
    label = next(p.label for p in PAGES if p.slug == slug)
    assert page.locator("nav a.active").inner_text() == label
    assert page.locator("#empty-state").is_hidden()
    assert page.locator("#error-state").is_hidden()
    assert not re.search(r'[{\[]\s*"', page.locator("body").inner_text())  # no raw JSON
    charts = page.locator(".chart").count()
    assert page.locator(".chart .main-svg").count() >= charts  # every chart slot drawn
    screenshot(page, slug)
    if slug in CHECKS:
        CHECKS[slug](page, server)
    else:
        _check_insight(page, server, slug)
    assert all(url.startswith(f"{server.url}/") for url in page.watch.requests)


def test_hub_page_counts_and_feeds_live_events(page: Any, server: Server) -> None:
    _open(page, "hub")
    api = server.json("/api/dashboard/hub")
    assert api["objects"]["total"] > 0 and api["events"]["total"] > 0
    shown = _shown(page)
    assert shown["objects.total"] == [api["objects"]["total"]]
    assert shown["events.total"] == [api["events"]["total"]]
    assert page.locator("#feed li").count() == len(api["feed"]["events"])
    # a partner creates a piece and posts its arrival through the mounted ONE Record API
    piece = {
        "@context": {"cargo": "https://onerecord.iata.org/ns/cargo#"},
        "@type": "cargo:Piece",
        "cargo:goodsDescription": "cut flowers",
    }
    headers = {"Content-Type": "application/ld+json"}
    created = server.api.post("/hub/logistics-objects", json=piece, headers=headers)
    assert created.status_code == 201, created.text
    uri = created.headers["Location"]
    assert uri.startswith(f"{api['base_url']}/logistics-objects/")
    event = {
        "@context": {"cargo": "https://onerecord.iata.org/ns/cargo#"},
        "@type": "cargo:LogisticsEvent",
        "cargo:eventDate": {
            "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
            "@value": "2026-03-02T12:00:00Z",
        },
        "cargo:eventCode": {"@id": "https://onerecord.iata.org/ns/code-lists/StatusCode#ARR"},
        "cargo:eventFor": {"@id": uri},
    }
    posted = server.api.post(
        uri.removeprefix(server.url) + "/logistics-events", json=event, headers=headers
    )
    assert posted.status_code == 201, posted.text
    newest = api["feed"]["last_seq"] + 1
    page.wait_for_selector(f"#feed li[data-seq='{newest}']", timeout=15_000)
    assert page.locator("#feed li").first.get_attribute("data-seq") == str(newest)
    assert "ARR" in page.locator("#feed li").first.inner_text()
    screenshot(page, "hub-live")


def test_the_pages_show_the_stored_run(server: Server) -> None:
    """Sanity of the session database: the run the pages show is the stored one."""
    overview = server.json("/api/dashboard/overview")
    assert overview["empty"] is None
    assert overview["run"]["days"] == 1
