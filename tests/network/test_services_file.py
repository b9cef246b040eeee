from __future__ import annotations

from pathlib import Path

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.network import load_region, load_region_with_services

DATA = Path(__file__).resolve().parents[1] / "data" / "network"
PLAN = DATA / "services_extra_rail.yaml"


def test_services_file_replaces_the_service_plan_and_keeps_the_network() -> None:
    base = load_region("amsterdam")
    region = load_region_with_services("amsterdam", PLAN)
    assert [s.id for s in region.services] == ["CL-RHINE-E", "CL-RAIL-DUI-DAILY"]
    assert region.service("CL-RAIL-DUI-DAILY").departures_per_week == 7
    assert region.links == base.links
    assert region.locations == base.locations
    assert "whatif-2026" in region.sources
    ours, theirs = region.service("CL-RHINE-E"), base.service("CL-RHINE-E")
    assert (ours.stops, ours.departures, ours.capacity_teu) == (
        theirs.stops,
        theirs.departures,
        theirs.capacity_teu,
    )


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        (
            "services: []\nlinks: []\n",
            "path",
            "plan.yaml: unknown key 'links'; allowed: services, vehicles, tariffs, sources",
        ),
        ("vehicles: {}\n", "path", "plan.yaml must be a mapping with a 'services' list"),
        ("services: [\n", "path", "plan.yaml is not valid YAML at line 2"),
    ],
)
def test_bad_services_files_name_the_problem(
    tmp_path: Path, text: str, field: str, problem: str
) -> None:
    with pytest.raises(InvalidInputError) as info:
        load_region_with_services("amsterdam", _write(tmp_path, text))
    assert (info.value.field, info.value.problem) == (field, problem)


def test_a_stop_without_a_terminal_of_the_mode_names_the_stop(tmp_path: Path) -> None:
    text = PLAN.read_text(encoding="utf-8").replace(
        "stops: [{location: ACT, dwell_h: 3}, {location: DUI, dwell_h: 3}]",
        "stops: [{location: ACT, dwell_h: 3}, SPL, {location: DUI, dwell_h: 3}]",
    )
    with pytest.raises(InvalidInputError) as info:
        load_region_with_services("amsterdam", _write(tmp_path, text))
    assert info.value.field == "services[1].stops[1].location"
    assert "no rail terminal" in info.value.problem


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as info:
        load_region_with_services("amsterdam", tmp_path / "none.yaml")
    assert info.value.field == "path"
    assert info.value.problem.startswith("cannot read")
