"""The dashboard's visual vocabulary: pages, colours and labels, defined once.

Every page, chart and the map take their colours from here (the base template hands them
to the browser as CSS variables and as JSON), so road is the same red on the overview's
modal split, the map's flows and the emissions charts, and a policy has one colour
everywhere. The palette is colour-blind aware (no red/green pair carries meaning alone:
lanes and policies are also labelled).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["LANES", "MODES", "NODE_KINDS", "PAGES", "POLICIES", "Page", "theme_json"]


@dataclass(frozen=True)
class Page:
    """One dashboard page: its URL slug, navigation label, title and what it answers."""

    slug: str
    label: str
    title: str
    question: str
    group: str = "operations"


PAGES: tuple[Page, ...] = (
    Page("overview", "Overview", "Overview", "Does synchromodal planning beat today's practice?"),
    Page("map", "Network map", "Network map", "Where does the freight go, and by which mode?"),
    Page(
        "circle-lines",
        "Circle Lines",
        "Circle Lines",
        "How full are the barge and rail shuttles, and when do they leave?",
    ),
    Page(
        "smartgate",
        "SmartGate",
        "SmartGate Cargo",
        "How fast does air cargo clear customs, and why is it stopped?",
    ),
    Page("hub", "Hub", "ONE Record hub", "What do the partners share, right now?"),
    Page("emissions", "Emissions", "Emissions", "Where does the CO2e come from?"),
    Page(
        "labour",
        "Labour market",
        "Labour market",
        "Where will qualified staff run short, and when?",
        "insight",
    ),
    Page(
        "kpis",
        "Programme KPIs",
        "Programme KPIs",
        "Is the programme on track for its targets?",
        "insight",
    ),
    Page(
        "sectors",
        "Sectors",
        "Sectors",
        "What moves per sector, how fast and how clean?",
        "insight",
    ),
)

# Transport modes in display order: (key, label, colour).
MODES: tuple[tuple[str, str, str], ...] = (
    ("road", "Road", "#d1495b"),
    ("barge", "Barge", "#2e86ab"),
    ("rail", "Rail", "#6a4c93"),
    ("air", "Air", "#edae49"),
    ("sea", "Sea", "#00798c"),
)

# Planning policies: (key, label, colour). Greedy is today's practice.
POLICIES: tuple[tuple[str, str, str], ...] = (
    ("synchromodal", "Synchromodal", "#2a9d8f"),
    ("greedy", "Today's practice (greedy)", "#8d99ae"),
    ("road_only", "Road only", "#c0504d"),
)

# SmartGate lanes: (key, label, colour).
LANES: tuple[tuple[str, str, str], ...] = (
    ("GREEN", "Green", "#2a9d8f"),
    ("RFI", "Request for information", "#edae49"),
    ("RED", "Red (inspect)", "#d1495b"),
    ("DNL", "Do not load", "#3d0c11"),
)

# Series shown beside the modes in emissions charts: (key, label, colour).
NON_MODES: tuple[tuple[str, str, str], ...] = (("handling", "Terminal handling", "#9aa5b1"),)

# Kinds of freight node on the map: (key, label, colour).
NODE_KINDS: tuple[tuple[str, str, str], ...] = (
    ("seaport_terminal", "Seaport terminal", "#0f2a44"),
    ("airport_cargo_area", "Airport cargo area", "#b7791f"),
    ("flower_auction", "Flower auction", "#c2185b"),
    ("inland_terminal", "Inland terminal", "#2e7d6b"),
    ("distribution_centre", "Distribution centre", "#7a8794"),
)


def theme_json() -> dict[str, Any]:
    """Return the palette and labels as plain JSON for the browser."""

    def table(rows: tuple[tuple[str, str, str], ...]) -> dict[str, dict[str, str]]:
        return {key: {"label": label, "colour": colour} for key, label, colour in rows}

    return {
        "modes": {**table(MODES), **table(NON_MODES)},
        "mode_order": [key for key, _, _ in MODES],
        "policies": table(POLICIES),
        "policy_order": [key for key, _, _ in POLICIES],
        "lanes": table(LANES),
        "lane_order": [key for key, _, _ in LANES],
        "node_kinds": table(NODE_KINDS),
        "node_kind_order": [key for key, _, _ in NODE_KINDS],
    }
