"""``smartlogistics design``: service network design (MCND), and the Amsterdam Circle Lines."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer
from rich.table import Table

from smartlogistics.cli._output import console, print_json
from smartlogistics.cli.region import JsonFlag

if TYPE_CHECKING:
    from smartlogistics.design import Method

__all__ = ["design_app"]

design_app = typer.Typer(
    help="Service network design: which arcs (shuttles) to open and how to route the demand.",
    no_args_is_help=True,
)

_METHODS = ("auto", "exact", "matheuristic")


@design_app.command("solve")
def solve_command(
    file: Annotated[
        Path, typer.Argument(help="Instance JSON: nodes, arcs, commodities (docs/design.md).")
    ],
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Wall-clock limit in seconds.")
    ] = 60.0,
    method: Annotated[str, typer.Option("--method", help="auto, exact or matheuristic.")] = "auto",
    seed: Annotated[int, typer.Option("--seed", help="Seed of every random choice.")] = 0,
    as_json: JsonFlag = False,
) -> None:
    """Solve a multicommodity capacitated fixed-charge network design instance."""
    if not time_limit > 0:
        raise typer.BadParameter(
            f"must be greater than 0, got {time_limit:g}", param_hint="--time-limit"
        )
    if method not in _METHODS:
        raise typer.BadParameter(
            f"must be auto, exact or matheuristic, got {method!r}", param_hint="--method"
        )
    # Imported here so that `smartlogistics --help` does not load NumPy and HiGHS.
    from smartlogistics.design import load_instance, solve

    instance = load_instance(file)
    solution = solve(instance, time_limit=time_limit, method=cast("Method", method), seed=seed)
    payload = solution.to_json()
    if as_json:
        print_json(payload)
        return
    table = Table(title=f"design {file.name} ({solution.method})", show_header=False)
    for key in ("status", "objective", "bound", "gap", "seconds"):
        value = payload[key]
        table.add_row(key, "" if value is None else f"{value:,.6g}" if key != "status" else value)
    table.add_row("open arcs", f"{len(solution.open_arcs)} of {len(instance.arcs)}")
    console.print(table)
    if solution.open_arcs:
        arcs = Table(title="open arcs")
        for col in ("arc", "from", "to", "flow", "capacity", "fixed cost"):
            arcs.add_column(col)
        load: dict[int, float] = {}
        for a, _k, amount in solution.flows:
            load[a] = load.get(a, 0.0) + amount
        for a in solution.open_arcs:
            arc = instance.arcs[a]
            arcs.add_row(
                str(a),
                str(arc.source),
                str(arc.target),
                f"{load.get(a, 0.0):g}",
                f"{arc.capacity:g}",
                f"{arc.fixed_cost:g}",
            )
        console.print(arcs)


def _start_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"expected a date as YYYY-MM-DD, got {text!r}", param_hint="--start"
        ) from None


@design_app.command("amsterdam")
def amsterdam_command(
    orders_file: Annotated[
        Path | None,
        typer.Option("--orders", help="Orders file (.json or .csv); default: a generated week."),
    ] = None,
    n: Annotated[int, typer.Option("--n", help="Orders to generate (without --orders).")] = 28000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the order generator.")] = 1,
    start: Annotated[
        str, typer.Option("--start", help="First day of the generated week, YYYY-MM-DD.")
    ] = "2026-03-02",
    candidates: Annotated[
        Path | None,
        typer.Option("--candidates", help="Candidate lines YAML; default the packaged one."),
    ] = None,
    co2_price: Annotated[
        float | None,
        typer.Option("--co2-price", help="EUR per tonne CO2e; default the configured price."),
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds for the design MIP.")
    ] = 60.0,
    out_services: Annotated[
        Path | None,
        typer.Option("--out-services", help="Write the chosen plan as a services YAML file."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Choose the Circle Lines and their weekly frequencies for a week of orders."""
    if not time_limit > 0:
        raise typer.BadParameter(
            f"must be greater than 0, got {time_limit:g}", param_hint="--time-limit"
        )
    if co2_price is not None and not co2_price >= 0:
        raise typer.BadParameter(f"must be >= 0, got {co2_price:g}", param_hint="--co2-price")
    if orders_file is None and n < 1:
        raise typer.BadParameter(f"must be at least 1, got {n}", param_hint="--n")
    first_day = _start_date(start)
    # Imported here so that `smartlogistics --help` does not load NumPy and HiGHS.
    from smartlogistics.config import get_settings
    from smartlogistics.design import design_circle_lines, load_candidate_lines
    from smartlogistics.design import write_services_yaml as write_services
    from smartlogistics.network import load_region
    from smartlogistics.planner import generate_orders, read_orders

    cands = load_candidate_lines(candidates)
    region = load_region(cands.region)
    if orders_file is not None:
        orders = read_orders(orders_file, region=region)
    else:
        orders = generate_orders(region, n, seed=seed, start=first_day)
    price = get_settings().co2_price_eur_per_tonne if co2_price is None else co2_price
    result = design_circle_lines(
        orders,
        candidates=cands,
        region=region,
        co2_price_eur_per_tonne=price,
        time_limit_s=time_limit,
    )
    payload = result.to_json()
    if out_services is not None:
        payload["services_file"] = str(write_services(result, out_services))
    if as_json:
        print_json(payload)
        return
    solver = payload["solver"]
    title = (
        f"Circle Lines design, {payload['demand']['teu_per_week']:,.0f} TEU a week"
        f" ({solver['status']}, gap {solver['gap'] or 0:.2%}, {solver['seconds']:.1f} s)"
    )
    lines = Table(title=title)
    for col in ("line", "mode", "per week (today)", "capacity TEU", "peak TEU", "load factor"):
        lines.add_column(col)
    for line in payload["lines"]:
        lines.add_row(
            line["id"],
            line["mode"],
            f"{line['frequency_per_week']} ({line['current_frequency_per_week']})",
            f"{line['weekly_capacity_teu']:,.0f}",
            f"{line['peak_load_teu']:,.0f}",
            f"{line['load_factor']:.0%}",
        )
    console.print(lines)
    totals = Table(title="per week", show_header=True)
    for col in ("", "design", "default plan", "road only"):
        totals.add_column(col)
    scenarios = [payload[k] for k in ("design", "default_plan", "road_only")]
    for key in ("fixed", "variable", "road", "total"):
        totals.add_row(f"cost {key} EUR", *(f"{s['cost_eur'][key]:,.0f}" for s in scenarios))
    totals.add_row("CO2e WTW t", *(f"{s['wtw_kg'] / 1000:,.1f}" for s in scenarios))
    for mode in ("road", "barge", "rail"):
        totals.add_row(
            f"{mode} share TEU-km",
            *(f"{s['modal_share_teu_km'].get(mode, 0):.1%}" for s in scenarios),
        )
    console.print(totals)
    if out_services is not None:
        console.print(f"services written to {payload['services_file']}")
