"""The dashboard over HTTP: pages, static files, page data from the database, the hub mount."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from smartlogistics.web import _pagedata
from smartlogistics.web._runview import from_result
from smartlogistics.web._theme import PAGES
from tests.web.conftest import MakeClient, TestClient

RESULT = Path(__file__).resolve().parents[1] / "data" / "web" / "twin_result_1day.json"
RUN_PAGES = ("overview", "map", "circle-lines", "smartgate", "emissions")
CARGO = "https://onerecord.iata.org/ns/cargo#"
LD = {"Content-Type": "application/ld+json"}


def _store_run(client: TestClient) -> tuple[str, dict[str, Any]]:
    from smartlogistics.twin.results import save_run
    from smartlogistics.twin.run import TwinResult

    raw: dict[str, Any] = json.loads(RESULT.read_text(encoding="utf-8"))
    engine = client.app.state.engine  # type: ignore[attr-defined]
    return save_run(engine, TwinResult.from_json(raw), label="test"), raw


def test_every_page_is_served_with_the_navigation(client: TestClient) -> None:
    for page in PAGES:
        response = client.get(f"/dashboard/{page.slug}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        html = response.text
        assert f"<h1>{page.title}</h1>" in html
        links = re.findall(r"<nav.*?</nav>", html, re.S)[0]
        assert re.findall(r'href="([^"]+)"', links) == [f"/dashboard/{p.slug}" for p in PAGES]
        assert 'aria-current="page"' in links
        # nothing is loaded from outside the app
        assert not re.search(r'(src|href)="(https?:)?//', html)
        script = "insight" if page.group == "insight" else page.slug
        assert f'src="/static/pages/{script}.js"' in html
        assert client.get(f"/static/pages/{script}.js").status_code == 200
    assert client.get("/dashboard/nope").status_code == 404
    for path in ("/", "/dashboard"):
        moved = client.get(path, follow_redirects=False)
        assert moved.status_code == 307
        assert moved.headers["location"] == "/dashboard/overview"


def test_plotly_and_the_basemap_come_from_the_package(client: TestClient) -> None:
    import importlib.util

    spec = importlib.util.find_spec("plotly")
    assert spec is not None and spec.origin is not None
    shipped = Path(spec.origin).parent / "package_data" / "plotly.min.js"
    response = client.get("/vendor/plotly.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.content == shipped.read_bytes()
    basemap = client.get("/static/basemap/benelux-west.geojson").json()
    assert sorted(f["properties"]["iso_a2"] for f in basemap["features"]) == [
        "BE",
        "DE",
        "FR",
        "LU",
        "NL",
    ]
    for name in ("dashboard.css", "dashboard.js", "favicon.svg"):
        assert client.get(f"/static/{name}").status_code == 200


def test_without_a_run_the_pages_say_how_to_make_one(client: TestClient) -> None:
    for slug in RUN_PAGES:
        body = client.get(f"/api/dashboard/{slug}").json()
        assert body == {"run": None, "empty": _pagedata.NO_RUN}
    hub = client.get("/api/dashboard/hub").json()
    assert hub["objects"] == {"total": 0, "by_type": []}
    assert hub["empty"]["command"] == "smartlogistics demo"
    kpis = client.get("/api/dashboard/kpis").json()
    assert kpis["run"] is None and kpis["empty"] is None
    assert kpis["summary"][0].startswith("No twin run is stored yet")


def test_the_pages_show_the_latest_stored_run(client: TestClient) -> None:
    run_id, raw = _store_run(client)
    view = from_result(raw, run_id=run_id)
    overview = client.get("/api/dashboard/overview").json()
    assert overview["run"]["id"] == run_id
    assert overview["run"]["finished_at"] is not None
    expected = _pagedata.overview(view)
    assert overview["kpis"] == expected["kpis"]
    assert overview["verdict"] == expected["verdict"]
    assert (
        client.get("/api/dashboard/map").json()["flows"]
        == (_pagedata.network_map(view, "amsterdam")["flows"])
    )
    assert (
        client.get("/api/dashboard/circle-lines").json()["policies"]
        == (_pagedata.circle_lines(view, "amsterdam")["policies"])
    )
    assert (
        client.get("/api/dashboard/smartgate").json()["totals"]
        == (_pagedata.smartgate(view)["totals"])
    )
    assert (
        client.get("/api/dashboard/emissions").json()["by_mode"]
        == (_pagedata.emissions(view)["by_mode"])
    )
    kpis = client.get("/api/dashboard/kpis").json()
    observed = {row["indicator"]: row for row in kpis["tables"][0]["rows"]}
    road = observed["Modal split, road share of tonne-km"]
    tkm = raw["policies"]["synchromodal"]["modal_split_tkm"]
    assert road["latest"] == round(100 * tkm["road"] / sum(tkm.values()), 3)
    assert road["latest_period"] == raw["scenario"]["start"][:4]


def test_hub_is_mounted_and_its_page_follows_it(make_client: MakeClient) -> None:
    client = make_client(auth="disabled")
    info = client.get("/hub/")
    assert info.status_code == 200
    piece = {"@context": {"cargo": CARGO}, "@type": "cargo:Piece", "cargo:goodsDescription": "x"}
    created = client.post("/hub/logistics-objects", json=piece, headers=LD)
    assert created.status_code == 201, created.text
    uri = created.headers["Location"]
    assert uri.startswith("http://127.0.0.1:8000/hub/logistics-objects/")
    code = {"@type": "cargo:CodeListElement", "cargo:code": "7J", "cargo:codeDescription": "RED"}
    for event_code in ({"@id": "https://onerecord.iata.org/ns/code-lists/StatusCode#ARR"}, code):
        event = {
            "@context": {"cargo": CARGO},
            "@type": "cargo:LogisticsEvent",
            "cargo:eventDate": {
                "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
                "@value": "2026-03-02T12:00:00Z",
            },
            "cargo:eventCode": event_code,
            "cargo:eventName": "arrived",
            "cargo:eventFor": {"@id": uri},
        }
        posted = client.post(
            uri.removeprefix("http://127.0.0.1:8000") + "/logistics-events", json=event, headers=LD
        )
        assert posted.status_code == 201, posted.text
    page = client.get("/api/dashboard/hub").json()
    assert page["empty"] is None
    assert page["base_url"] == "http://127.0.0.1:8000/hub"
    assert page["objects"] == {
        "total": 1,
        "by_type": [{"type": f"{CARGO}Piece", "label": "Piece", "count": 1}],
    }
    assert sorted((e["label"], e["count"]) for e in page["events"]["by_code"]) == [
        ("7J RED", 1),
        ("ARR", 1),
    ]
    feed = page["feed"]["events"]
    assert [e["code_label"] for e in feed] == ["7J RED", "ARR"]  # newest first
    assert feed[0]["seq"] > feed[1]["seq"] and page["feed"]["last_seq"] == feed[0]["seq"]
    assert {e["name"] for e in feed} == {"arrived"}
    newer = client.get(f"/api/dashboard/hub/events?after={feed[1]['seq']}").json()
    assert [e["seq"] for e in newer["events"]] == [feed[0]["seq"]]
    none = client.get(f"/api/dashboard/hub/events?after={feed[0]['seq']}").json()
    assert none == {"after": feed[0]["seq"], "last_seq": feed[0]["seq"], "events": []}
    assert client.get("/api/dashboard/hub/events?after=-1").status_code == 422


def test_an_unconfigured_hub_answers_503_and_the_rest_works(make_client: MakeClient) -> None:
    client = make_client(auth="oidc", oidc_jwks=None)
    response = client.get("/hub/logistics-objects/x")
    assert response.status_code == 503
    body = response.json()
    assert body["@type"] == "api:Error"
    assert "oidc_jwks" in json.dumps(body)
    assert client.get("/health").json()["status"] == "ok"
    assert client.get("/api/dashboard/hub").status_code == 200


@pytest.mark.parametrize("slug", ["labour", "sectors"])
def test_insight_pages_carry_the_insight_page_data(client: TestClient, slug: str) -> None:
    from smartlogistics.insight import labour_page_data

    body = client.get(f"/api/dashboard/{slug}").json()
    assert body["empty"] is None
    assert body["page"] == slug
    for chart in body["charts"]:
        assert chart["x"]["label"] and chart["y"]["label"]  # every axis titled
    if slug == "labour":
        assert body["summary"] == labour_page_data()["summary"]
