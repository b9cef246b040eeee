"""``smartlogistics region``: look at a region's network."""

from __future__ import annotations

from typing import Annotated, cast

import typer
from rich.table import Table

from smartlogistics.cli._output import console, print_json
from smartlogistics.network import Mode, Region, RouteBy, available_regions, load_region

__all__ = ["region_app", "services_table"]

region_app = typer.Typer(help="The region's multimodal network.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


def services_table(region: Region) -> Table:
    """Tabulate the region's scheduled services: stops, frequency and capacity."""
    table = Table(title=f"{region.name}: Circle Lines services")
    for col in ("id", "name", "mode", "stops", "dep/week", "TEU", "tonnes"):
        table.add_column(col)
    for svc in region.services:
        table.add_row(
            svc.id,
            svc.name,
            svc.mode.value,
            " → ".join(svc.stop_ids),
            str(svc.departures_per_week),
            f"{svc.capacity_teu:g}",
            f"{svc.capacity_tonnes:g}",
        )
    return table


@region_app.command("list")
def list_regions(as_json: JsonFlag = False) -> None:
    """List the regions shipped with the package."""
    names = available_regions()
    if as_json:
        print_json({"regions": names})
    else:
        for name in names:
            console.print(name)


@region_app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="Region name, e.g. amsterdam.")] = "amsterdam",
    as_json: JsonFlag = False,
) -> None:
    """Show the nodes, links, terminals and Circle Lines services of a region."""
    region = load_region(name)
    if as_json:
        print_json(region.to_json())
        return
    nodes = Table(title=f"{region.name}: nodes")
    for col in ("id", "name", "kind", "UN/LOCODE", "lat", "lon"):
        nodes.add_column(col)
    for loc in region.locations.values():
        nodes.add_row(
            loc.id, loc.name, loc.kind.value, loc.unlocode or "", f"{loc.lat:.4f}", f"{loc.lon:.4f}"
        )
    console.print(nodes)
    console.print(services_table(region))
    by_mode: dict[str, int] = {}
    for link in region.links:
        by_mode[link.mode.value] = by_mode.get(link.mode.value, 0) + 1
    summary = ", ".join(f"{count} {mode}" for mode, count in sorted(by_mode.items()))
    console.print(f"directed links: {summary}")


@region_app.command("route")
def route(
    origin: Annotated[str, typer.Option("--from", help="Origin location id.")],
    destination: Annotated[str, typer.Option("--to", help="Destination location id.")],
    mode: Annotated[str, typer.Option("--mode", help="road, barge, rail.")],
    region_name: Annotated[str, typer.Option("--region", help="Region name.")] = "amsterdam",
    by: Annotated[str, typer.Option("--by", help="Shortest by 'distance' or 'time'.")] = (
        "distance"
    ),
    as_json: JsonFlag = False,
) -> None:
    """Shortest path between two locations on one mode's network."""
    if by not in ("distance", "time"):
        raise typer.BadParameter(f"expected 'distance' or 'time', got {by!r}", param_hint="--by")
    region = load_region(region_name)
    found = region.route(origin, destination, _mode(mode), by=cast(RouteBy, by))
    payload = {
        "from": found.origin,
        "to": found.destination,
        "mode": found.mode.value,
        "path": list(found.path),
        "distance_km": round(found.distance_km, 3),
        "travel_time_h": round(found.travel_time_h, 3),
    }
    if as_json:
        print_json(payload)
    else:
        console.print(
            f"{' → '.join(found.path)}: {found.distance_km:.1f} km, {found.travel_time_h:.1f} h"
        )


def _mode(text: str) -> Mode:
    try:
        return Mode.parse(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--mode") from None
