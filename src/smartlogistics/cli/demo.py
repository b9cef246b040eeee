"""``smartlogistics demo``: the main job.

Until the digital twin lands this shows what the foundation really computes: the
Amsterdam region's network and an example transport plan priced in CO2e for each mode.
Every figure is calculated from the packaged region and factor table; nothing is canned.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated

import typer
from rich.table import Table

from smartlogistics.cli._output import console, print_json
from smartlogistics.cli.region import services_table
from smartlogistics.config import get_settings
from smartlogistics.emissions import (
    DistanceType,
    HubOperation,
    TransportChain,
    TransportLeg,
    calculate_chain,
)
from smartlogistics.network import Mode, Region, load_region

__all__ = ["ExampleOption", "demo", "example_plan"]

#: The demo consignment: one 40 ft container with 20 t of cargo (assumption: a typical
#: loaded FEU for hinterland transport), from the Amsterdam Container Terminal to Duisburg.
DEMO_ORIGIN = "ACT"
DEMO_DESTINATION = "DUI"
DEMO_TONNES = 20.0
DEMO_HUB_CATEGORY = "hub_transshipment_ambient"


@dataclass(frozen=True)
class ExampleOption:
    """One way of moving the demo consignment, with its emissions and CO2 cost."""

    mode: str
    path: list[str]
    distance_km: float
    travel_time_h: float
    tonne_km: float
    wtw_kg: float
    ttw_kg: float
    co2_cost_eur: float
    wtw_vs_road: float


def _chain(region: Region, mode: Mode) -> tuple[TransportChain, list[str], float, float]:
    found = region.route(DEMO_ORIGIN, DEMO_DESTINATION, mode)
    service_category = next(
        (
            s.vehicle_category
            for s in region.services
            if s.mode is mode and {DEMO_ORIGIN, DEMO_DESTINATION} <= {c.location for c in s.stops}
        ),
        None,
    )
    leg = TransportLeg(
        id=f"{mode.value}-leg",
        mode=mode,
        mass_tonnes=DEMO_TONNES,
        distance_km=found.distance_km,
        distance_type=DistanceType.SHORTEST_FEASIBLE,
        category=service_category,
    )
    elements: list[TransportLeg | HubOperation] = [leg]
    if mode is not Mode.ROAD:
        # Transshipment at both terminals: the quay/rail crane lift is a hub operation.
        elements = [
            HubOperation(
                id=f"{DEMO_ORIGIN}-hub", mass_tonnes=DEMO_TONNES, category=DEMO_HUB_CATEGORY
            ),
            leg,
            HubOperation(
                id=f"{DEMO_DESTINATION}-hub", mass_tonnes=DEMO_TONNES, category=DEMO_HUB_CATEGORY
            ),
        ]
    chain = TransportChain(id=f"demo-{mode.value}", elements=elements)
    return chain, list(found.path), found.distance_km, found.travel_time_h


def example_plan(region: Region, co2_price_eur_per_tonne: float) -> list[ExampleOption]:
    """Price the demo consignment by road, barge and rail; road is the comparison base."""
    options: list[ExampleOption] = []
    road_wtw = 0.0
    for mode in (Mode.ROAD, Mode.INLAND_WATERWAY, Mode.RAIL):
        chain, path, distance, hours = _chain(region, mode)
        result = calculate_chain(chain)
        if mode is Mode.ROAD:
            road_wtw = result.wtw_kg
        options.append(
            ExampleOption(
                mode=mode.value,
                path=path,
                distance_km=round(distance, 1),
                travel_time_h=round(hours, 1),
                tonne_km=round(result.tonne_km, 1),
                wtw_kg=round(result.wtw_kg, 2),
                ttw_kg=round(result.ttw_kg, 2),
                co2_cost_eur=round(result.wtw_kg / 1000.0 * co2_price_eur_per_tonne, 2),
                wtw_vs_road=round(result.wtw_kg / road_wtw, 3),
            )
        )
    return options


def demo(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable JSON.")] = False,
) -> None:
    """Show the Amsterdam region and an example plan priced in CO2e (the main job)."""
    settings = get_settings()
    region = load_region(settings.region)
    options = example_plan(region, settings.co2_price_eur_per_tonne)
    freight_nodes = [loc for loc in region.locations.values() if loc.kind.value != "junction"]
    if as_json:
        print_json(
            {
                "region": region.name,
                "freight_nodes": len(freight_nodes),
                "links": len(region.links),
                "services": len(region.services),
                "consignment": {
                    "from": DEMO_ORIGIN,
                    "to": DEMO_DESTINATION,
                    "tonnes": DEMO_TONNES,
                },
                "co2_price_eur_per_tonne": settings.co2_price_eur_per_tonne,
                "options": [asdict(o) for o in options],
            }
        )
        return
    console.rule(f"[bold]Smart Logistics Amsterdam — region {region.name}")
    console.print(
        f"{len(freight_nodes)} freight nodes, {len(region.links)} directed links, "
        f"{len(region.services)} Circle Lines services "
        f"({sum(s.departures_per_week for s in region.services)} departures a week)."
    )
    console.print(services_table(region))
    plan = Table(
        title=(
            f"{DEMO_TONNES:g} t container {DEMO_ORIGIN} → {DEMO_DESTINATION} "
            f"(ISO 14083, CO2 at €{settings.co2_price_eur_per_tonne:g}/t)"
        )
    )
    for col in ("mode", "route", "km", "h", "t·km", "WTW kg", "TTW kg", "CO2 €", "vs road"):
        plan.add_column(col)
    for o in options:
        plan.add_row(
            o.mode,
            " → ".join(o.path),
            f"{o.distance_km:.0f}",
            f"{o.travel_time_h:.1f}",
            f"{o.tonne_km:,.0f}",
            f"{o.wtw_kg:,.1f}",
            f"{o.ttw_kg:,.1f}",
            f"{o.co2_cost_eur:,.2f}",
            f"{o.wtw_vs_road:.0%}",
        )
    console.print(plan)
    console.print(
        "Next: `smartlogistics region show amsterdam`, `smartlogistics emissions factors`."
    )
