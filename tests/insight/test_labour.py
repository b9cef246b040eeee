"""The labour model: demand, supply and gap reproduced by hand; scenarios; the ranking."""

from __future__ import annotations

from fractions import Fraction as F  # noqa: N817

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.insight.labour import difficulty_index, project_labour
from smartlogistics.insight.labour_data import default_labour_data
from smartlogistics.insight.scenario import Scenario
from tests.insight._tiny import tiny_data


def test_tiny_model_by_hand() -> None:
    """One segment, one occupation, ages 20-22, base year 2025, two projected years.

    Demand: base 1000 t, 100 jobs, crew share 1/2 -> 50 jobs, intensity 50/1000 = 1/20
    persons per t. Throughput grows 10 %: 1000, 1100, 1210. Automation 0.1/year:
    P = 1, 9/10, 81/100. Demand = 50; 1100/20 * 9/10 = 49.5; 1210/20 * 81/100 = 49.005.

    Supply: 50 * (1 - 0.2) = 40 staffed; ages 20-21 share 1/2 (10 each), 22 share 1/2
    (20). Retirement 1/2 at 22; turnover 1/4 at every age. Inflow: education 8 at age
    20, migration 4 spread over 21-22 (2 each).
      2026: age 20: 10 - 2.5 = 7.5 -> 21; age 21: 7.5 -> 22; age 22: 20 - 10 retire,
            10 - 2.5 leave, 7.5 aged out. N = (8, 7.5 + 2, 7.5 + 2) = (8, 9.5, 9.5) = 27.
      2027: age 20: 8 - 2 = 6; age 21: 9.5 - 2.375 = 7.125; age 22: 9.5 - 4.75 retire,
            4.75 - 1.1875 leave, 3.5625 aged out. N = (8, 8, 9.125) = 25.125.
    Gap = 49.5 - 27 = 22.5 (2026) and 49.005 - 25.125 = 23.88 (2027).
    """
    result = project_labour(tiny_data())
    p = result.projection("crew")
    assert p.years == (2025, 2026, 2027)
    assert p.demand == (F(50), F(99, 2), F(49005, 1000))
    assert p.supply == (F(40), F(27), F(201, 8))
    assert p.cohorts[1].persons == (F(8), F(19, 2), F(19, 2))
    assert p.cohorts[2].persons == (F(8), F(8), F(73, 8))
    assert p.gap == (F(10), F(45, 2), F(2388, 100))
    assert p.gap_share[2] == F(2388, 100) / F(49005, 1000)
    assert result.throughput["hub"] == (F(1000), F(1100), F(1210))
    (row,) = result.calibration
    assert (row.jobs, row.intensity) == (F(50), F(1, 20))
    out = result.to_json()
    assert out["years"] == [2026, 2027]
    assert out["occupations"][0]["gap"] == [22.5, 23.88]
    assert out["occupations"][0]["retired"] == [10.0, 4.75]
    assert out["occupations"][0]["left"] == [7.5, 2.0 + 2.375 + 1.1875]


def test_scenario_parameters_act_as_documented() -> None:
    data = tiny_data()
    no_automation = project_labour(data, Scenario(automation_pace=0))
    assert no_automation.projection("crew").demand == (F(50), F(55), F(121, 2))
    volumes = project_labour(data, Scenario(volumes={"hub": 2000}))
    assert volumes.projection("crew").demand[0] == 100  # twice the facts' throughput
    assert volumes.projection("crew").supply[0] == 40  # supply stays on the facts
    later = project_labour(data, Scenario(retirement_age_shift=1))
    assert later.projection("crew").cohorts[1].retired == 0  # nobody retires at 22 - 1
    grown = project_labour(data, Scenario(growth={"hub": 0.0}, growth_shift=0.5))
    assert grown.throughput["hub"] == (F(1000), F(1500), F(2250))
    more = project_labour(data, Scenario(education_inflow_scale=2, migration_inflow_scale=0))
    assert more.projection("crew").cohorts[1].persons == (F(16), F(15, 2), F(15, 2))
    churn = project_labour(data, Scenario(turnover_scale=0))
    assert churn.projection("crew").cohorts[1].left == 0


@pytest.mark.parametrize(
    ("scenario", "field"),
    [
        (Scenario(growth={"nosuch": 0.1}), "scenario.growth.nosuch"),
        (Scenario(volumes={"nosuch": 1.0}), "scenario.volumes.nosuch"),
        (Scenario(automation_pace=10), "scenario.automation_pace"),
        (Scenario(turnover_scale=5), "scenario.turnover_scale"),
        (Scenario(growth={"hub": -0.5}, growth_shift=-0.6), "scenario.growth_shift"),
    ],
)
def test_impossible_scenarios_name_the_parameter(scenario: Scenario, field: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        project_labour(tiny_data(), scenario)
    assert err.value.field == field


def test_default_calibration_reproduces_the_region_facts() -> None:
    """Base-year jobs per segment are the facts; the mix covers part of them."""
    data = default_labour_data()
    result = project_labour(data)
    jobs = {s.id: s.base_jobs for s in data.segments}
    assert jobs == {
        "schiphol_air": 25000,
        "port_amsterdam": 35500,
        "greenport_aalsmeer": 45000,
        "road_distribution": 72500,
    }
    assert sum(jobs.values()) == 178000
    for seg in data.segments:
        rows = [r for r in result.calibration if r.segment == seg.id]
        # base-year demand of the segment = throughput x intensity = its jobs x mix share
        total = sum(result.throughput[seg.id][0] * r.intensity for r in rows)
        assert total == sum(r.base_jobs * r.share for r in rows)
        assert all(r.base_jobs == seg.base_jobs for r in rows)
    modelled = sum(p.demand[0] for p in result.projections)
    assert modelled == sum(r.jobs for r in result.calibration) == 132445


def test_default_outlook_is_plausible() -> None:
    """Drivers and technicians short by 2040; automation absorbs warehouse demand."""
    result = project_labour()
    share = {p.occupation.id: float(p.gap_share[-1]) for p in result.projections}
    assert share["truck_drivers"] > 0.15
    assert share["maintenance"] > 0.10
    assert -0.10 < share["warehouse_handling"] < 0.05
    ranking = [b.occupation for b in result.bottlenecks]
    assert ranking[0] == "truck_drivers"
    assert [b.rank for b in result.bottlenecks] == list(range(1, 8))
    scores = [b.score for b in result.bottlenecks]
    assert scores == sorted(scores, reverse=True)


def test_bottleneck_fields_follow_their_definition() -> None:
    result = project_labour(tiny_data(), Scenario(gap_threshold=0.46))
    (b,) = result.bottlenecks
    shares = result.projection("crew").gap_share[1:]  # 22.5/49.5, 23.88/49.005
    assert b.first_year == 2027  # 0.4545 < 0.46 <= 0.4873
    assert b.peak_year == 2027 and b.peak_gap_share == float(shares[1])
    assert b.difficulty == (2 / 4 + 1) / 2  # 2 training years; vacancy 20 % capped
    urgency = 1 + F(2027 - 2027 + 1, 2)
    assert b.score == float(shares[1] * (1 + F(3, 4)) * urgency)


def test_difficulty_index_caps_both_parts() -> None:
    occ = default_labour_data().occupation("it_data")  # 4 years, 8 % vacancies
    assert difficulty_index(occ) == (1 + 0.8) / 2


def test_only_the_job_totals_are_facts() -> None:
    """Segments cite the strategy document (or derive from it); every other row is an assumption."""
    data = default_labour_data()
    assert [s.source.split(":")[0] for s in data.segments] == [
        "slam-2011", "slam-2011", "slam-2011", "derived",
    ]  # fmt: skip
    for table in ("occupations", "occupation_mix", "age_profile", "turnover", "retirement",
                  "growth", "inflow_ages"):  # fmt: skip
        for row in getattr(data, table):
            assert row.source.startswith("assumption: "), (table, row)


def test_base_year_inflow_against_exits_as_documented() -> None:
    """The occupations' source says inflow is 88-98 % of the base year's exits where short."""
    result = project_labour()
    for occ in ("truck_drivers", "barge_rail_crews", "maintenance", "warehouse_handling"):
        first = result.projection(occ).cohorts[1]
        ratio = first.inflow / (first.retired + first.left + first.aged_out)
        assert 0.88 <= ratio <= 0.98, occ
