"""The line-frequency design and its Amsterdam wrapper (issue 3, item 5b)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from smartlogistics.design import (
    CircleLinesDesign,
    FlowCommodity,
    LegCost,
    LineCandidate,
    LineDesignProblem,
    design_circle_lines,
    load_candidate_lines,
    solve_line_design,
    weekly_demand,
    write_services_yaml,
)
from smartlogistics.design.amsterdam import generated_timetable
from smartlogistics.errors import InvalidInputError
from smartlogistics.network import load_region, load_region_with_services
from smartlogistics.planner import generate_orders

from .conftest import DATA
from .test_cli import _error, _json

# --- the hand-computed two-node case ----------------------------------------------------
#
# One line A -> B, 10 TEU per departure, EUR 100 per departure, frequencies {0, 1, 2};
# handling EUR 5 per TEU at A and at B; the truck A -> B costs EUR 30 per TEU.
# A TEU on the line costs 2 x 5 = 10 and saves 20 against the truck, so a departure pays
# from 5 TEU on (break-even). Cost of frequency f for demand d:
#   f x 100 + 10 x min(d, 10 f) + 30 x max(0, d - 10 f)
#   d = 3:  f=0: 90,  f=1: 130,           f=2: 230  -> 0, EUR 90  (below break-even)
#   d = 12: f=0: 360, f=1: 100+100+60=260, f=2: 320  -> 1, EUR 260
#   d = 17: f=0: 510, f=1: 100+100+210=410, f=2: 200+170=370 -> 2, EUR 370 (above)


def _two_node(demand: float, co2_price: float = 0.0, road_kg: float = 0.0) -> LineDesignProblem:
    line = LineCandidate(
        id="L",
        mode="barge",
        stops=("A", "B"),
        segment_km=(100.0,),
        capacity_teu=10,
        reefer_capacity_teu=0,
        capacity_tonnes=1000,
        cost_per_departure_eur=100,
        frequencies=(0, 1, 2),
    )
    commodity = FlowCommodity(
        origin="A",
        destination="B",
        demand_teu=demand,
        tonnes_per_teu=10,
        cooled=False,
        direct=LegCost(30.0, road_kg, 100.0),
        pre={"A": LegCost(0.0)},
        end={"B": LegCost(0.0)},
        handling={"A": LegCost(5.0), "B": LegCost(5.0)},
        ride_kg_per_km={"L": 0.0},
    )
    return LineDesignProblem(
        lines=(line,), commodities=(commodity,), co2_price_eur_per_tonne=co2_price
    )


@pytest.mark.parametrize(
    ("demand", "frequency", "cost"), [(3, 0, 90.0), (12, 1, 260.0), (17, 2, 370.0)]
)
def test_two_node_frequency_is_the_hand_optimum(demand: float, frequency: int, cost: float) -> None:
    result = solve_line_design(_two_node(demand), time_limit=10, mip_gap=1e-9)
    assert result.status == "optimal"
    assert result.frequencies == {"L": frequency}
    assert result.objective == pytest.approx(cost, abs=1e-6)
    assert result.totals is not None
    assert result.totals.fixed_eur == pytest.approx(100.0 * frequency)
    assert result.totals.teu["barge"] == pytest.approx(min(demand, 10 * frequency))
    assert result.totals.teu_km["barge"] == pytest.approx(100 * min(demand, 10 * frequency))


def test_two_node_co2_price_moves_the_break_even() -> None:
    # 100 kg per TEU by truck at EUR 100/t adds EUR 10 per TEU: a TEU on the line now saves
    # 30, so at d = 3 one departure costs 100 + 30 = 130 against 3 x 40 = 120 (still road),
    # and at d = 4 it costs 100 + 40 = 140 against 160 (line).
    assert solve_line_design(_two_node(3, 100.0, 100.0)).frequencies == {"L": 0}
    result = solve_line_design(_two_node(4, 100.0, 100.0), mip_gap=1e-9)
    assert result.frequencies == {"L": 1}
    assert result.objective == pytest.approx(140.0)


def test_fixed_frequency_is_evaluated_not_chosen() -> None:
    result = solve_line_design(_two_node(3), fixed={"L": 2})
    assert result.frequencies == {"L": 2}
    assert result.objective == pytest.approx(200 + 3 * 10)


def test_empty_demand_is_refused() -> None:
    with pytest.raises(InvalidInputError) as err:
        LineDesignProblem(lines=(), commodities=(), co2_price_eur_per_tonne=0)
    assert err.value.field == "commodities"
    with pytest.raises(InvalidInputError) as err:
        weekly_demand([], load_region("amsterdam"))
    assert err.value.field == "orders"
    assert "empty demand" in err.value.problem


# --- the candidate file -----------------------------------------------------------------


def test_packaged_candidates_include_the_default_plan() -> None:
    cands = load_candidate_lines()
    region = load_region("amsterdam")
    ids = {line.id for line in cands.lines}
    assert {s.id for s in region.services} <= ids
    for line in cands.lines:
        if line.current_frequency:
            assert line.departures(line.current_frequency) == tuple(
                str(d) for d in region.service(line.id).departures
            )
        for f in line.frequencies:
            assert len(line.departures(f)) == f


def test_unknown_stop_names_the_field() -> None:
    with pytest.raises(InvalidInputError) as err:
        load_candidate_lines(DATA / "candidates_unknown_stop.yaml")
    assert err.value.field == "lines[1].stops[1].location"
    assert "XYZ" in err.value.problem


def test_negative_frequency_names_the_field() -> None:
    with pytest.raises(InvalidInputError) as err:
        load_candidate_lines(DATA / "candidates_negative_frequency.yaml")
    assert err.value.field == "lines[0].frequencies[1]"


def test_generated_timetables() -> None:
    assert generated_timetable(3, "06:00") == ("mon 06:00", "wed 06:00", "fri 06:00")
    assert generated_timetable(14, "14:00")[:3] == ("mon 02:00", "mon 14:00", "tue 02:00")
    assert len(generated_timetable(10, "06:00")) == 10


# --- the Amsterdam default run ----------------------------------------------------------


@pytest.fixture(scope="module")
def amsterdam() -> tuple[CircleLinesDesign, list[object]]:
    region = load_region("amsterdam")
    orders = generate_orders(region, 400, seed=3, start=date(2026, 3, 2))
    return design_circle_lines(orders, time_limit_s=20), list(orders)


def test_amsterdam_design_is_sound(amsterdam: tuple[CircleLinesDesign, list[object]]) -> None:
    design, _ = amsterdam
    ids = {line.id for line in design.candidates.lines}
    assert design.design.status in ("optimal", "feasible")
    for line in design.lines:
        assert line.id in ids
        assert line.frequency in line.allowed_frequencies
        assert line.peak_load_teu <= line.weekly_capacity_teu + 1e-6
    for seg in design.design.segment_loads:
        assert seg.load_teu <= seg.capacity_teu + 1e-6
    assert design.design.totals is not None and design.road_only.totals is not None
    assert design.default_plan.totals is not None
    assert design.design.totals.wtw_kg <= design.road_only.totals.wtw_kg
    # the default plan is the MIP's start, the road-only plan is feasible too
    assert design.design.objective is not None
    assert design.default_plan.objective is not None and design.road_only.objective is not None
    assert design.design.objective <= design.default_plan.objective + 1e-6
    assert design.design.objective <= design.road_only.objective + 1e-6
    total = design.demand.teu
    assert sum(design.design.totals.teu.values()) == pytest.approx(total, rel=1e-6)
    assert design.road_only.totals.teu["road"] == pytest.approx(total, rel=1e-6)
    data = design.to_json()
    json.dumps(data)
    assert data["vs_road_only"]["wtw_kg"] <= 0
    assert set(data["design"]["cost_eur"]) >= {"fixed", "variable", "road", "total"}


def test_amsterdam_services_file_loads_and_plans(
    amsterdam: tuple[CircleLinesDesign, list[object]], tmp_path: Path
) -> None:
    from smartlogistics.planner.solve import plan_orders

    design, orders = amsterdam
    path = write_services_yaml(design, tmp_path / "plan.yaml")
    region = load_region_with_services("amsterdam", path)
    chosen = {line.id: line.frequency for line in design.lines}
    assert {s.id: s.departures_per_week for s in region.services} == chosen
    plan = plan_orders(region, orders, time_limit_s=10)  # type: ignore[arg-type]
    assert plan.totals.orders == len(orders)
    assert set(yaml.safe_load(path.read_text())) <= {"services", "sources"}


def test_small_candidate_file_with_explicit_timetable(tmp_path: Path) -> None:
    cands = load_candidate_lines(DATA / "candidates_small.yaml")
    loop = cands.line("CL-LOOP-TEST")
    assert loop.departures(2) == ("tue 06:00", "fri 06:00")
    assert loop.departures(5)[0] == "mon 06:00"
    region = load_region("amsterdam")
    orders = generate_orders(region, 200, seed=5, start=date(2026, 3, 2))
    design = design_circle_lines(orders, candidates=cands, time_limit_s=10)
    f = design.design.frequencies
    assert f["CL-RHINE-E"] == f["CL-RHINE-W"]  # paired
    path = write_services_yaml(design, tmp_path / "s.yaml")
    load_region_with_services("amsterdam", path)


# --- the command ------------------------------------------------------------------------


def test_cli_json_and_services_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "services.yaml"
    argv = ["design", "amsterdam", "--n", "200", "--seed", "2", "--time-limit", "10"]
    data = _json(capsys, [*argv, "--out-services", str(out), "--json"])
    assert data["solver"]["status"] in ("optimal", "feasible")
    assert data["demand"]["orders"] == 200
    assert data["services_file"] == str(out)
    load_region_with_services("amsterdam", out)


def test_cli_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = _error(capsys, ["design", "amsterdam", "--time-limit", "0"])
    assert "--time-limit" in line
    line = _error(capsys, ["design", "amsterdam", "--start", "monday"])
    assert "--start" in line
    bad = str(DATA / "candidates_unknown_stop.yaml")
    line = _error(capsys, ["design", "amsterdam", "--n", "10", "--candidates", bad])
    assert line.startswith("error: lines[1].stops[1].location:")
    empty = tmp_path / "empty.json"
    empty.write_text('{"orders": []}')
    line = _error(capsys, ["design", "amsterdam", "--orders", str(empty)])
    assert line.startswith("error: orders: empty demand")
