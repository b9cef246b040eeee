"""``smartlogistics plan``: Circle Lines orders, plans and replans."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from smartlogistics.cli._output import console, print_json
from smartlogistics.cli.region import JsonFlag
from smartlogistics.network import load_region
from smartlogistics.planner import generate_orders, write_orders

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
