"""The dashboard: its pages and the JSON each page is drawn from.

Pages (HTML shells, rendered with Jinja2): ``/dashboard/<page>`` for ``overview``,
``map``, ``circle-lines``, ``smartgate``, ``hub``, ``emissions``, ``labour``, ``kpis`` and
``sectors``; ``/`` and ``/dashboard`` lead to the overview. Each page's script fetches
``/api/dashboard/<page>`` and draws every number from it, so what a page shows is exactly
what its API answers (the browser tests compare the two). The hub page also polls
``/api/dashboard/hub/events?after=<seq>`` for its live event feed.

The operational pages show the latest digital twin run stored in the database
(:func:`smartlogistics.twin.results.latest_run`) and the hub's store; with no run yet their
API answers ``{"run": null, "empty": {...}}`` and the page says how to make one
(``smartlogistics demo``). The twin, the insight models and the region load on the first
request that needs them, not when the app is built.

Charts use Plotly.js served from the installed ``plotly`` wheel (``/vendor/plotly.min.js``);
the map is SVG drawn on the package's Natural Earth basemap. Nothing is fetched from
outside the app.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from smartlogistics.web import _hubdata, _pagedata
from smartlogistics.web._deps import AppSettings, Database
from smartlogistics.web._theme import PAGES, Page, theme_json

__all__ = ["STATIC_DIR", "router"]

STATIC_DIR = Path(__file__).with_name("static")
TEMPLATE_DIR = Path(__file__).with_name("templates")

router = APIRouter(tags=["dashboard"])
_templates = Jinja2Templates(directory=TEMPLATE_DIR)
_PAGES = {page.slug: page for page in PAGES}
# Pages whose script draws Plotly charts (the hub page is tables and a feed only).
_CHART_PAGES = frozenset(
    {"overview", "circle-lines", "smartgate", "emissions", "labour", "kpis", "sectors"}
)


def _plotly_js() -> Path:
    """Path of ``plotly.min.js`` inside the installed ``plotly`` wheel (not imported)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or spec.origin is None:
        raise HTTPException(404, "plotly is not installed")
    path = Path(spec.origin).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise HTTPException(404, "plotly.min.js is missing from the plotly package")
    return path


def _nav() -> list[tuple[str, list[Page]]]:
    groups: dict[str, list[Page]] = {}
    for page in PAGES:
        groups.setdefault(page.group, []).append(page)
    return list(groups.items())


def _json_for_script(value: Any) -> str:
    """JSON safe inside a ``<script>`` element (no ``</script>`` can close it early)."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e")


# -- pages -------------------------------------------------------------------------------


@router.get("/", include_in_schema=False)
def root(request: Request) -> RedirectResponse:
    """Lead to the overview, the dashboard's front page."""
    return RedirectResponse(f"{request.scope.get('root_path', '')}/dashboard/overview")


@router.get("/dashboard", include_in_schema=False)
def dashboard_root(request: Request) -> RedirectResponse:
    """``/dashboard`` leads to the overview."""
    return RedirectResponse(f"{request.scope.get('root_path', '')}/dashboard/overview")


@router.get("/dashboard/{slug}", response_class=HTMLResponse, include_in_schema=False)
def page(request: Request, slug: str) -> HTMLResponse:
    """Render a page's shell: navigation, title, and the slots its script fills."""
    found = _PAGES.get(slug)
    if found is None:
        raise HTTPException(404, f"no dashboard page {slug!r}")
    root_path = request.scope.get("root_path", "")
    theme = theme_json()
    return _templates.TemplateResponse(
        request,
        f"{slug}.html",
        {
            "page": found,
            "nav": _nav(),
            "root": root_path,
            "static": f"{root_path}/static",
            "theme": theme,
            "theme_json": _json_for_script(theme),
            "page_json": _json_for_script(
                {"slug": slug, "api": f"{root_path}/api/dashboard/{slug}", "root": root_path}
            ),
            "charts": slug in _CHART_PAGES,
            "script": "insight" if found.group == "insight" else slug,
        },
    )


@router.get("/vendor/plotly.min.js", include_in_schema=False)
def plotly_js() -> FileResponse:
    """Plotly.js from the installed ``plotly`` wheel (cached by the browser for a day)."""
    return FileResponse(
        _plotly_js(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


# -- page data ---------------------------------------------------------------------------


@router.get("/api/dashboard/overview", summary="KPIs per policy against today's practice")
def overview_data(engine: Database) -> JSONResponse:
    """KPIs of the latest twin run per policy, their differences and the verdict."""
    return JSONResponse(_pagedata.overview(_pagedata.latest(engine)))


@router.get("/api/dashboard/map", summary="Nodes, links and flows by mode")
def map_data(engine: Database, settings: AppSettings) -> JSONResponse:
    """Return the region's nodes and Circle Lines network with the latest run's flows by mode."""
    return JSONResponse(_pagedata.network_map(_pagedata.latest(engine), settings.region))


@router.get("/api/dashboard/circle-lines", summary="Departures, load factors, timetable")
def circle_lines_data(engine: Database, settings: AppSettings) -> JSONResponse:
    """Circle Lines departures with their loads and the weekly timetable."""
    return JSONResponse(_pagedata.circle_lines(_pagedata.latest(engine), settings.region))


@router.get("/api/dashboard/smartgate", summary="Lanes, queue, clearance times, red reasons")
def smartgate_data(engine: Database) -> JSONResponse:
    """SmartGate in the latest twin run: lanes, the inspection queue, clearance times."""
    return JSONResponse(_pagedata.smartgate(_pagedata.latest(engine)))


@router.get("/api/dashboard/emissions", summary="CO2e per mode, leg type and sector")
def emissions_data(engine: Database) -> JSONResponse:
    """Emissions of the latest twin run per policy, mode, leg type and sector."""
    return JSONResponse(_pagedata.emissions(_pagedata.latest(engine)))


@router.get("/api/dashboard/hub", summary="The hub's objects and events")
def hub_data(engine: Database, settings: AppSettings) -> JSONResponse:
    """Return counts of the hub's logistics objects and events, and the newest events."""
    from smartlogistics.web.app import hub_base_url

    return JSONResponse(_hubdata.overview(engine, base_url=hub_base_url(settings)))


@router.get("/api/dashboard/hub/events", summary="The hub's newest logistics events")
def hub_events(
    engine: Database,
    after: Annotated[int, Query(ge=0, description="Only events after this sequence number.")] = 0,
    limit: Annotated[int, Query(ge=1, le=200, description="At most this many events.")] = 50,
) -> JSONResponse:
    """Events appended after ``after`` (newest first), for the live feed."""
    return JSONResponse(_hubdata.events_after(engine, after=after, limit=limit))


@router.get("/api/dashboard/labour", summary="Labour market: demand, supply, gaps")
def labour_data(engine: Database) -> JSONResponse:
    """Return the labour market model's default scenario (``smartlogistics.insight``)."""
    return JSONResponse(_pagedata.insight_page("labour", _pagedata.latest(engine)))


@router.get("/api/dashboard/kpis", summary="Programme KPIs against their targets")
def kpis_data(engine: Database) -> JSONResponse:
    """Return the programme's indicators, their targets and progress."""
    return JSONResponse(_pagedata.insight_page("kpis", _pagedata.latest(engine)))


@router.get("/api/dashboard/sectors", summary="Volumes, lead times and CO2e per sector")
def sectors_data(engine: Database) -> JSONResponse:
    """Trade flows per sector (Flowers, Food, High Tech, ...)."""
    return JSONResponse(_pagedata.insight_page("sectors", _pagedata.latest(engine)))
