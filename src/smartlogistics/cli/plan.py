"""``smartlogistics plan``: Circle Lines orders, plans and replans."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from smartlogistics.cli._output import console, print_json, write_json
from smartlogistics.cli.region import JsonFlag
from smartlogistics.config import get_settings
from smartlogistics.network import Region, load_region, load_region_with_services

__all__ = ["plan_app"]

plan_app = typer.Typer(
    help="Synchromodal planning of mode-free orders on the Circle Lines network.",
    no_args_is_help=True,
)


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"expected a date as YYYY-MM-DD, got {text!r}", param_hint=option
        ) from None


@plan_app.command("generate-orders")
def generate_orders_command(
    out: Annotated[Path, typer.Option("--out", help="Orders file to write (.json or .csv).")],
    n: Annotated[int, typer.Option("--n", help="Number of orders.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    start: Annotated[str, typer.Option("--start", help="First day, YYYY-MM-DD.")] = "2026-12-07",
    days: Annotated[int, typer.Option("--days", help="Number of days of demand.")] = 7,
    region_name: Annotated[str, typer.Option("--region", help="Region name.")] = "amsterdam",
    as_json: JsonFlag = False,
) -> None:
    """Draw a seeded week of the region's demand and write it as an orders file."""
    if out.suffix.lower() not in (".json", ".csv"):
        raise typer.BadParameter(f"must end in .json or .csv, got {out.name!r}", param_hint="--out")
    from smartlogistics.planner import generate_orders, write_orders  # NumPy: load on use

    region = load_region(region_name)
    orders = generate_orders(region, n, seed=seed, start=_date(start, "--start"), days=days)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_orders(orders, out)
    classes = Counter(o.cargo_class.value for o in orders)
    summary = {
        "out": str(out),
        "orders": len(orders),
        "seed": seed,
        "first_release": orders[0].release.isoformat() if orders else None,
        "last_release": orders[-1].release.isoformat() if orders else None,
        "teu": round(sum(o.teu for o in orders), 3),
        "tonnes": round(sum(o.tonnes for o in orders), 3),
        "cargo_classes": dict(sorted(classes.items())),
    }
    if as_json:
        print_json(summary)
        return
    table = Table(title=f"{len(orders)} orders written to {out}", show_header=False)
    for key, value in summary.items():
        table.add_row(key, str(value))
    console.print(table)


def _region(name: str, services: Path | None) -> Region:
    if services is None:
        return load_region(name)
    if not services.is_file():
        raise typer.BadParameter(f"no such file: {services}", param_hint="--services")
    return load_region_with_services(name, services)


def _file(path: Path, option: str) -> Path:
    if not path.is_file():
        raise typer.BadParameter(f"no such file: {path}", param_hint=option)
    return path


def _policy_row(name: str, totals: dict[str, Any]) -> list[str]:
    split = totals.get("modal_share_tkm") or {}
    shares = ", ".join(f"{mode} {share:.0%}" for mode, share in sorted(split.items()) if share)
    return [
        name,
        f"{totals['cost_eur']:,.0f}",
        f"{totals['wtw_kg'] / 1000:,.1f}",
        f"{totals['on_time_share']:.1%}",
        shares,
    ]


def print_plan_summary(payload: dict[str, Any]) -> None:
    """Print a plan's totals against its baselines and the solver report."""
    table = Table(title="plan against today's practice")
    for col in ("policy", "cost €", "CO2e t (WTW)", "on time", "modal split (t·km)"):
        table.add_column(col)
    table.add_row(*_policy_row("synchromodal (MIP)", payload["totals"]))
    for name, result in payload["baselines"].items():
        table.add_row(*_policy_row(name, result))
    console.print(table)
    solver = payload["solver"]
    gap, bound = solver.get("gap"), solver.get("bound")
    console.print(
        f"solver: {solver['status']}, objective {solver['objective']:,.0f}, "
        f"bound {'n/a' if bound is None else f'{bound:,.0f}'}, "
        f"gap {'n/a' if gap is None else f'{gap:.2%}'}, {solver['seconds']:.1f} s"
    )
    unplannable = [o for o in payload["orders"] if o["status"] != "planned"]
    if unplannable:
        console.print(
            f"{len(unplannable)} orders unplannable, e.g. {unplannable[0]['id']}: "
            f"{unplannable[0]['reason']}"
        )


@plan_app.command("solve")
def solve_command(
    orders_file: Annotated[Path, typer.Option("--orders", help="Orders file (.json or .csv).")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the plan JSON to this file.")
    ] = None,
    region_name: Annotated[str, typer.Option("--region", help="Region name.")] = "amsterdam",
    services: Annotated[
        Path | None,
        typer.Option("--services", help="Service plan file replacing the region's (YAML/JSON)."),
    ] = None,
    co2_price: Annotated[
        float | None,
        typer.Option("--co2-price", help="EUR per tonne CO2e (default: settings, 100)."),
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="MIP time limit, seconds.")
    ] = 60.0,
    as_json: JsonFlag = False,
) -> None:
    """Plan mode-free orders on trucks and Circle Lines departures (HiGHS MIP)."""
    if not time_limit > 0:
        raise typer.BadParameter(
            f"must be greater than 0, got {time_limit:g}", param_hint="--time-limit"
        )
    if co2_price is not None and co2_price < 0:
        raise typer.BadParameter(f"must be >= 0, got {co2_price:g}", param_hint="--co2-price")
    from smartlogistics.planner import plan_orders, read_orders  # NumPy, HiGHS: load on use

    region = _region(region_name, services)
    orders = read_orders(_file(orders_file, "--orders"), region=region)

    price = get_settings().co2_price_eur_per_tonne if co2_price is None else co2_price
    plan = plan_orders(
        region,
        orders,
        services=region.services if services is not None else None,
        co2_price_eur_per_tonne=price,
        time_limit_s=time_limit,
    )
    payload = plan.to_json()
    if out is not None:
        write_json(out, payload)
    if as_json:
        print_json(payload)
    else:
        print_plan_summary(payload)
        if out is not None:
            console.print(f"plan written to {out}")


@plan_app.command("replan")
def replan_command(
    plan_file: Annotated[Path, typer.Option("--plan", help="Plan JSON from 'plan solve'.")],
    disruption_file: Annotated[
        Path, typer.Option("--disruption", help="Disruption JSON (docs/planner.md).")
    ],
    now: Annotated[
        str | None,
        typer.Option("--now", help="Replanning moment, ISO 8601 with offset (default: file's)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the new plan JSON to this file.")
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="MIP time limit, seconds.")
    ] = 5.0,
    as_json: JsonFlag = False,
) -> None:
    """Apply disruptions to a plan at 'now' and re-optimise what has not started."""
    if not time_limit > 0:
        raise typer.BadParameter(
            f"must be greater than 0, got {time_limit:g}", param_hint="--time-limit"
        )
    at = _moment(now, "--now") if now is not None else None
    from smartlogistics.planner import Plan, load_disruptions, replan

    plan = Plan.from_json(_read_json(_file(plan_file, "--plan"), "--plan"))
    disruptions = load_disruptions(_file(disruption_file, "--disruption"))
    result = replan(plan, disruptions, now=at, time_limit_s=time_limit)
    if out is not None:
        write_json(out, result.plan.to_json())
    payload = result.to_json()
    if as_json:
        print_json(payload)
        return
    before, after = payload["totals"]["before"], payload["totals"]["after"]
    table = Table(title=f"{len(result.changes)} orders changed ({result.affected} affected)")
    for col in ("order", "change", "reason", "Δ cost €", "Δ CO2e kg"):
        table.add_column(col)
    for change in payload["changes"][:30]:
        table.add_row(
            change["order_id"],
            change["kind"],
            change["reason"],
            f"{change.get('delta_cost_eur', 0):+,.0f}",
            f"{change.get('delta_wtw_kg', 0):+,.0f}",
        )
    console.print(table)
    console.print(
        f"cost {before['cost_eur']:,.0f} → {after['cost_eur']:,.0f} €, on time "
        f"{before['on_time_share']:.1%} → {after['on_time_share']:.1%}"
    )
    if out is not None:
        console.print(f"new plan written to {out}")


def _moment(text: str, option: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"not an ISO 8601 time: {text!r}", param_hint=option) from None
    if moment.tzinfo is None:
        raise typer.BadParameter(f"{text!r} needs a UTC offset", param_hint=option)
    return moment


def _read_json(path: Path, option: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise typer.BadParameter(
            f"not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}", param_hint=option
        ) from None
