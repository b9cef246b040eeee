"""``smartlogistics twin``: run the digital twin, or sweep scenarios on Dask.

``twin run`` simulates the region for ``--days`` under the three policies with the same
demand and disruptions and stores the run in the platform database (the dashboard shows
the latest); ``twin sweep`` runs every combination of ``--set PARAM=V1,V2,...`` (x
``--seeds``) as independent runs on a Dask cluster and tabulates the KPIs. Any scenario
parameter can be set by name (``docs/twin.md``); an unknown one or an impossible value
exits with code 2 naming it. SimPy, the planner and Dask load only when a command runs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from smartlogistics.cli._output import console, print_json
from smartlogistics.cli.region import JsonFlag
from smartlogistics.config import get_settings

if TYPE_CHECKING:
    from smartlogistics.twin import TwinResult, TwinScenario

__all__ = ["base_scenario", "kpi_table", "progress_bar", "twin_app"]

twin_app = typer.Typer(
    help="The digital twin: a simulated week of the region under three policies; sweeps.",
    no_args_is_help=True,
)

_err = Console(stderr=True)

DaysOption = Annotated[
    int | None, typer.Option("--days", help="Simulated days (default 7).", show_default=False)
]
SeedOption = Annotated[
    int | None, typer.Option("--seed", help="Seed of every random stream.", show_default=False)
]


@contextmanager
def progress_bar(title: str, *, enabled: bool = True) -> Iterator[Callable[[float, str], None]]:
    """Show a Rich progress bar on stderr; yield the ``progress(fraction, message)`` callback."""
    if not enabled:
        yield lambda fraction, message: None
        return
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[message]}"),
        console=_err,
        transient=True,
    )
    with bar:
        task = bar.add_task(title, total=1.0, message="")

        def update(fraction: float, message: str) -> None:
            bar.update(task, completed=fraction, message=message)

        yield update


def base_scenario(days: int | None, seed: int | None, assignments: Sequence[str]) -> TwinScenario:
    """Build the scenario of ``--days``, ``--seed`` and ``--set PARAM=VALUE`` (validated)."""
    from smartlogistics.twin import TwinScenario, apply_assignments

    fields: dict[str, Any] = {}
    if days is not None:
        fields["days"] = days
    if seed is not None:
        fields["seed"] = seed
    return apply_assignments(TwinScenario().replace(**fields), assignments)


def _pct(value: Any) -> str:
    return "-" if value is None else f"{100 * value:+.1f} %"


def _num(value: Any, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def kpi_table(result: TwinResult) -> Table:
    """Tabulate the per-policy KPIs for the terminal."""
    table = Table(title=f"Twin: {result.scenario.days} days, seed {result.scenario.seed}")
    table.add_column("KPI")
    names = list(result.policies)
    for name in names:
        table.add_column(name, justify="right")
    rows: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
        ("orders delivered", lambda k: _num(k["delivered"])),
        ("total cost (EUR)", lambda k: _num(k["total_cost_eur"])),
        ("CO2e WTW (t)", lambda k: _num(k["wtw_kg"] / 1000.0, 1)),
        ("CO2e per tonne (kg)", lambda k: _num(k["wtw_kg_per_tonne"], 1)),
        ("road share of t-km", lambda k: f"{100 * k['modal_share_tkm'].get('road', 0.0):.1f} %"),
        ("on time", lambda k: f"{100 * (k['on_time_share'] or 0.0):.2f} %"),
        ("lead time median (h)", lambda k: _num(k["lead_time_h"]["median"], 1)),
        ("load factor (TEU)", lambda k: _pct(k["load_factor"]["teu_weighted"]).lstrip("+")),
        ("truck trips", lambda k: _num(k["truck_trips"])),
        ("fallback trucks", lambda k: _num(k["fallback_trucks"])),
    ]
    for label, cell in rows:
        table.add_row(label, *(cell(result.policies[n]) for n in names))
    return table


def _summary(result: TwinResult) -> None:
    console.print(kpi_table(result))
    cmp = result.comparison
    if cmp:
        console.print(
            f"synchromodal vs today's practice: cost {_pct(cmp['cost_vs_greedy'])}, "
            f"CO2e vs road-only {_pct(cmp['wtw_vs_road_only'])}, "
            f"on time {100 * cmp['on_time_vs_greedy']:+.2f} points"
        )
    gate = result.smartgate
    lanes = ", ".join(f"{k} {v}" for k, v in gate["lanes"].items())
    p95 = gate["release_h"]["p95"]
    console.print(
        f"SmartGate: {gate['screened']:,} consignments ({lanes}); release p95 "
        f"{_num(p95, 2)} h; inspectors {100 * gate['inspector_utilisation']:.0f} % busy"
    )


@twin_app.command("run")
def run_command(
    days: DaysOption = None,
    seed: SeedOption = None,
    assignments: Annotated[
        list[str] | None,
        typer.Option("--set", help="Scenario parameter PARAM=VALUE (repeatable)."),
    ] = None,
    store: Annotated[
        bool, typer.Option("--store/--no-store", help="Store the run in the database.")
    ] = True,
    as_json: JsonFlag = False,
) -> None:
    """Simulate the region under synchromodal, greedy and road-only; print the KPIs."""
    scenario = base_scenario(days, seed, assignments or [])
    from smartlogistics.twin import run_twin

    engine = _engine() if store else None
    try:
        with progress_bar("twin", enabled=sys.stderr.isatty()) as progress:
            result = run_twin(scenario, progress=progress)
    except KeyboardInterrupt:
        _err.print("interrupted: nothing was stored")
        raise typer.Exit(130) from None
    run_id = None
    if engine is not None:
        from smartlogistics.twin.results import save_run

        run_id = save_run(engine, result)
        engine.dispose()
    if as_json:
        print_json({**result.to_json(), "run_id": run_id})
        return
    _summary(result)
    if run_id is not None:
        console.print(f"stored as run {run_id}")


def _engine() -> Any:
    from smartlogistics.db import make_engine, upgrade

    engine = make_engine(get_settings().database_url)
    upgrade(engine)
    return engine


@twin_app.command("sweep")
def sweep_command(
    assignments: Annotated[
        list[str],
        typer.Option("--set", help="PARAM=V1,V2,... to sweep (repeatable; every combination)."),
    ],
    seeds: Annotated[int, typer.Option("--seeds", help="Seeds per combination.")] = 1,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler tcp://HOST:PORT (default: local)."),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Workers of the local cluster.")
    ] = 2,
    days: DaysOption = None,
    seed: SeedOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Run every combination of the swept parameters as independent twin runs on Dask."""
    from smartlogistics.errors import InvalidInputError
    from smartlogistics.twin import parse_assignment, parse_values
    from smartlogistics.twin.sweep import run_sweep, sweep_scenarios

    base = base_scenario(days, seed, [])
    grid: dict[str, list[Any]] = {}
    for text in assignments:
        name, values = parse_assignment(text)
        if name in grid:
            raise InvalidInputError(name, "given twice; list all values in one --set")
        grid[name] = parse_values(name, values)
    if seeds < 1:
        raise InvalidInputError("--seeds", f"must be at least 1, not {seeds}")
    total = len(sweep_scenarios(base, grid, seeds))
    if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://")):
        raise InvalidInputError("--scheduler", f"expected tcp://HOST:PORT, not {scheduler!r}")
    with progress_bar(f"sweep of {total} runs", enabled=sys.stderr.isatty()) as progress:
        result = run_sweep(
            base,
            grid,
            seeds=seeds,
            scheduler=scheduler,
            n_workers=workers,
            progress=lambda done, n: progress(done / n, f"{done}/{n} runs"),
        )
    if as_json:
        print_json(result.to_json())
        return
    rows = result.table()
    table = Table(title=f"Sweep: {len(rows)} runs in {result.seconds:.1f} s ({result.scheduler})")
    heads = [*result.parameters, "cost (EUR)", "CO2e (t)", "on time", "vs greedy", "vs road"]
    for head in heads:
        table.add_column(head, justify="right")
    for row in rows:
        table.add_row(
            *(str(row[p]) for p in result.parameters),
            _num(row["cost_eur"]),
            _num(row["wtw_t"], 1),
            f"{100 * (row['on_time'] or 0.0):.2f} %",
            _pct(row["cost_vs_greedy"]),
            _pct(row["wtw_vs_road_only"]),
        )
    console.print(table)
