"""``smartlogistics design``: service network design (MCND) from a JSON instance file."""

from __future__ import annotations

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
