"""``smartlogistics emissions``: ISO 14083 / GLEC emissions of legs, routes and chains."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from smartlogistics.cli._output import console, print_json
from smartlogistics.cli.region import JsonFlag, _mode
from smartlogistics.emissions import (
    DistanceType,
    ElementResult,
    calculate_chain,
    leg_emissions,
    load_chain,
    load_default_factors,
)
from smartlogistics.network import Mode, load_region
from smartlogistics.network.geo import great_circle_km

__all__ = ["emissions_app"]

emissions_app = typer.Typer(
    help="Greenhouse-gas emissions (ISO 14083:2023 / GLEC v3), WTW and TTW in kg CO2e.",
    no_args_is_help=True,
)


def _positive(name: str, value: float) -> float:
    if not value > 0:
        raise typer.BadParameter(f"must be greater than 0, got {value:g}", param_hint=name)
    return value


def _print_leg(result: ElementResult, as_json: bool, extra: dict[str, Any] | None = None) -> None:
    payload = {**(extra or {}), **result.to_json()}
    if as_json:
        print_json(payload)
        return
    table = Table(show_header=False)
    for key, value in payload.items():
        table.add_row(key, _fmt(value))
    console.print(table)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.4f}"
    if isinstance(value, list):
        return " → ".join(str(v) for v in value)
    return "" if value is None else str(value)


@emissions_app.command("leg")
def leg(
    mode: Annotated[str, typer.Option("--mode", help="road, barge, rail, air or sea.")],
    distance_km: Annotated[float, typer.Option("--distance-km", help="Leg distance in km.")],
    tonnes: Annotated[float, typer.Option("--tonnes", help="Consignment mass in tonnes.")],
    category: Annotated[
        str | None,
        typer.Option("--category", help="Transport operation category id (see `factors`)."),
    ] = None,
    wtw_intensity: Annotated[
        float | None,
        typer.Option("--wtw-intensity", help="Own WTW intensity, kg CO2e per tonne-km."),
    ] = None,
    ttw_intensity: Annotated[
        float | None,
        typer.Option("--ttw-intensity", help="Own TTW intensity, kg CO2e per tonne-km."),
    ] = None,
    distance_type: Annotated[
        DistanceType,
        typer.Option(
            "--distance-type",
            help="actual, shortest_feasible or great_circle (air adds 95 km to GCD).",
        ),
    ] = DistanceType.ACTUAL,
    as_json: JsonFlag = False,
) -> None:
    """Emissions of one transport leg from a default or an explicit intensity."""
    _positive("--distance-km", distance_km)
    _positive("--tonnes", tonnes)
    if (wtw_intensity is None) != (ttw_intensity is None):
        missing = "--ttw-intensity" if ttw_intensity is None else "--wtw-intensity"
        raise typer.BadParameter(
            "give --wtw-intensity and --ttw-intensity together", param_hint=missing
        )
    result = leg_emissions(
        _mode(mode),
        distance_km,
        tonnes,
        category=category,
        wtw_kg_per_tkm=wtw_intensity,
        ttw_kg_per_tkm=ttw_intensity,
        distance_type=distance_type,
    )
    _print_leg(result, as_json)


@emissions_app.command("route")
def route(
    origin: Annotated[str, typer.Option("--from", help="Origin location id.")],
    destination: Annotated[str, typer.Option("--to", help="Destination location id.")],
    mode: Annotated[str, typer.Option("--mode", help="road, barge, rail or air.")],
    tonnes: Annotated[float, typer.Option("--tonnes", help="Consignment mass in tonnes.")],
    category: Annotated[
        str | None, typer.Option("--category", help="Transport operation category id.")
    ] = None,
    region_name: Annotated[str, typer.Option("--region", help="Region name.")] = "amsterdam",
    as_json: JsonFlag = False,
) -> None:
    """Emissions of moving a consignment between two locations of the region.

    Surface modes use the shortest feasible distance over the mode's network; air uses the
    great-circle distance, to which the calculation adds 95 km (EN 16258 practice).
    """
    _positive("--tonnes", tonnes)
    parsed = _mode(mode)
    region = load_region(region_name)
    extra: dict[str, Any]
    if parsed is Mode.AIR:
        a, b = region.location(origin), region.location(destination)
        gcd = great_circle_km(a.lat, a.lon, b.lat, b.lon)
        extra = {"from": a.id, "to": b.id, "path": [a.id, b.id], "network_distance_km": gcd}
        result = leg_emissions(
            parsed, gcd, tonnes, category=category, distance_type=DistanceType.GREAT_CIRCLE
        )
    else:
        found = region.route(origin, destination, parsed)
        extra = {
            "from": found.origin,
            "to": found.destination,
            "path": list(found.path),
            "network_distance_km": found.distance_km,
        }
        result = leg_emissions(
            parsed,
            found.distance_km,
            tonnes,
            category=category,
            distance_type=DistanceType.SHORTEST_FEASIBLE,
        )
    _print_leg(result, as_json, extra)


@emissions_app.command("chain")
def chain(
    file: Annotated[Path, typer.Argument(help="Transport chain JSON file (see README).")],
    as_json: JsonFlag = False,
) -> None:
    """Emissions of a multi-element transport chain (legs and hub operations)."""
    if not file.is_file():
        raise typer.BadParameter(f"no such file: {file}", param_hint="FILE")
    result = calculate_chain(load_chain(file))
    payload = result.to_json()
    if as_json:
        print_json(payload)
        return
    table = Table(title=f"transport chain {payload.get('id') or file.name}")
    for col in ("element", "type", "mode", "t·km", "WTW kg", "TTW kg", "category"):
        table.add_column(col)
    for element in payload["elements"]:
        table.add_row(
            str(element.get("id") or ""),
            str(element["type"]),
            str(element.get("mode") or ""),
            _fmt(element.get("tonne_km")),
            _fmt(element["wtw_kg"]),
            _fmt(element["ttw_kg"]),
            str(element.get("category") or ""),
        )
    table.add_row(
        "total", "", "", _fmt(payload["tonne_km"]), _fmt(payload["wtw_kg"]), _fmt(payload["ttw_kg"])
    )
    console.print(table)


@emissions_app.command("factors")
def factors(as_json: JsonFlag = False) -> None:
    """List the default factor table with the source, version and status of every row."""
    table = load_default_factors()
    rows = [toc.model_dump(mode="json") for toc in table.tocs]
    hubs = [hoc.model_dump(mode="json") for hoc in table.hocs]
    if as_json:
        print_json({"transport_operation_categories": rows, "hub_operation_categories": hubs})
        return
    out = Table(title="transport operation categories (kg CO2e per unit-km)")
    for col in ("id", "mode", "unit", "WTW", "TTW", "status", "source"):
        out.add_column(col)
    for row in rows:
        out.add_row(
            row["id"],
            row["mode"],
            row["unit"],
            f"{row['wtw_kg_per_unit_km']:.4f}",
            f"{row['ttw_kg_per_unit_km']:.4f}",
            row["status"],
            row["source"],
        )
    console.print(out)
