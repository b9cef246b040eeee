"""The planner's HTTP API: ``POST /planner/plan`` plans mode-free orders.

The body is the orders JSON of ``docs/orders.md`` (``{"orders": [...]}`` or a bare list of
the same entries); the answer is the plan JSON (``Plan.to_json()``, ``docs/planner.md``):
every order's legs, the departures' loads, the totals against the greedy and road-only
baselines and the solver's report. Orders are checked against the app's region
(``settings.region``) before anything is planned; bad input is a 422 in the app's standard
shape, naming the field (``body.orders[2].origin``).

Planning is CPU work (HiGHS), so the endpoint is a plain ``def`` that FastAPI runs in its
threadpool; NumPy and HiGHS load on the first request, not when the app is built.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import JSONResponse

from smartlogistics.errors import InvalidInputError
from smartlogistics.web._deps import AppSettings
from smartlogistics.web._errors import rebase_field

__all__ = ["router"]

router = APIRouter(prefix="/planner", tags=["planner"])

#: Most orders one request may plan (a week of the region's demand is a few thousand).
MAX_ORDERS = 5_000


def _orders_text(body: object) -> tuple[str, str]:
    """Return the body as orders-file text and the field path its orders sit at."""
    if isinstance(body, str | bytes):
        raise InvalidInputError("body", "expected a JSON body (Content-Type: application/json)")
    if isinstance(body, dict):
        orders, root = body.get("orders"), "body.orders"
    elif isinstance(body, list):
        orders, root = body, "body"
    else:
        raise InvalidInputError("body", 'expected {"orders": [...]} or a list of orders')
    if isinstance(orders, list) and len(orders) > MAX_ORDERS:
        raise InvalidInputError(root, f"at most {MAX_ORDERS} orders per request, got {len(orders)}")
    return json.dumps(body), root


@router.post(
    "/plan",
    summary="Plan mode-free orders on trucks and Circle Lines departures",
    responses={422: {"description": "An order is malformed or names an unknown location"}},
)
def plan(
    settings: AppSettings,
    body: Annotated[Any, Body(description="Orders JSON (docs/orders.md).")],
    time_limit_s: Annotated[
        float, Query(gt=0, le=120, description="HiGHS time limit for the MIP, seconds.")
    ] = 10.0,
    co2_price_eur_per_tonne: Annotated[
        float | None, Query(ge=0, description="EUR per tonne CO2e; default from settings.")
    ] = None,
) -> JSONResponse:
    """Plan the orders (synchromodal MIP) and answer the plan JSON with its baselines."""
    from smartlogistics.network import load_region
    from smartlogistics.planner import plan_orders, read_orders  # NumPy, HiGHS: on use

    text, root = _orders_text(body)
    region = load_region(settings.region)
    try:
        orders = read_orders(text, region=region, format="json")
    except InvalidInputError as exc:
        field = rebase_field(rebase_field(exc.field, "orders", root), "file", "body")
        raise InvalidInputError(field, exc.problem) from None
    price = (
        settings.co2_price_eur_per_tonne
        if co2_price_eur_per_tonne is None
        else co2_price_eur_per_tonne
    )
    result = plan_orders(region, orders, co2_price_eur_per_tonne=price, time_limit_s=time_limit_s)
    return JSONResponse(result.to_json())
