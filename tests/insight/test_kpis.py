"""The KPI monitor: targets, derived value added, progress rules, series files."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.insight.kpis import (
    KpiObservation,
    assess_kpis,
    default_indicators,
    labour_observations,
    read_observations,
)
from smartlogistics.insight.labour import project_labour
from tests.insight._tiny import tiny_data

DATA = Path(__file__).resolve().parents[1] / "data" / "insight"


def test_every_target_cites_a_source_and_value_added_is_interpreted() -> None:
    inds = {i.id: i for i in default_indicators()}
    va = inds["value_added_growth_gap"]
    assert (va.target, va.target_year, va.baseline_value, va.baseline_year) == (5, 2020, 0, 2011)
    assert va.unit == "pp"
    assert va.source.startswith("slam-2011: the cluster's value added grows at least 5% faster")
    assert "percentage points" in va.interpretation
    targets = [i for i in inds.values() if i.role == "target"]
    assert {i.id for i in targets} == {
        "value_added_growth_gap", "co2e_per_tonne", "road_share", "rail_share",
        "green_lane_share", "clearance_time_median", "lead_time_median",
        "labour_shortage_share",
    }  # fmt: skip


def test_progress_of_the_fixture_series_by_hand() -> None:
    report = assess_kpis(read_observations(DATA / "kpi_series.csv"))
    # value added: cluster 1.03 * 1.02 = 1.0506, NL 1.01 * 1.01 = 1.0201 -> 3.05 pp in 2013;
    # required 5 * (2013 - 2011) / (2020 - 2011) = 10/9 pp: on track, progress 3.05 / 5
    va = report.status("value_added_growth_gap")
    assert [o.period for o in va.series] == ["2012", "2013"]
    assert va.series[0].value == pytest.approx(2.0, abs=1e-12)
    assert va.latest is not None and va.latest.value == pytest.approx(3.05, abs=1e-12)
    assert va.status == "on track"
    assert va.required == pytest.approx(10 / 9)
    assert va.progress == pytest.approx(0.61)
    # rail: 10 % (2024) -> target 20 % in 2030; 2026 needs 10 + 10 * 2/6 = 13.33: off track
    rail = report.status("rail_share")
    assert (rail.status, rail.baseline, rail.target_value) == ("off track", 10, 20)
    assert rail.required == pytest.approx(10 + 10 * 2 / 6)
    assert rail.progress == pytest.approx(0.2)
    # CO2e: 50 (2024, file order does not matter) -> 35 by 2030; 2025 needs 47.5; 46: on track
    co2 = report.status("co2e_per_tonne")
    assert co2.status == "on track"
    assert co2.target_value == pytest.approx(35)
    assert co2.required == pytest.approx(47.5)
    # one observation that is its own baseline must meet the target: 85 < 90
    assert report.status("green_lane_share").status == "off track"
    assert report.status("clearance_time_median").status == "on track"  # 0.8 <= 1 min
    lead = report.status("lead_time_median")  # a change target with only its baseline
    assert lead.status == "no data"
    assert lead.target_value == pytest.approx(27)
    assert report.status("road_share").status == "no data"
    counts = report.to_json()["counts"]
    assert counts == {"on track": 3, "off track": 2, "no data": 3}


def test_labour_shortage_from_the_model() -> None:
    result = project_labour(tiny_data())
    (o26, o27) = labour_observations(result)
    assert (o26.period, o26.value) == ("2026", 100 * 22.5 / 49.5)
    report = assess_kpis([o26, o27])
    short = report.status("labour_shortage_share")
    assert short.status == "off track" and short.required == 5
    assert short.latest is not None and short.latest.period == "2027"


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("kpi_series_bad_unit.csv",
         "line 3, column 'unit': unit 's' does not match the expected 'min'"),
        ("kpi_series_unknown.csv", "line 2, column 'indicator': unknown indicator 'rail_shares'"),
        ("kpi_series_bad_period.csv", "line 2, column 'period': '2024-13' is not a real date"),
    ],
)  # fmt: skip
def test_bad_series_files(file: str, message: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        read_observations(DATA / file)
    assert err.value.field == str(DATA / file)
    assert err.value.problem.startswith(message)


def test_passed_in_observations_are_checked() -> None:
    ok = KpiObservation(indicator="rail_share", period="2025", value=12, unit="%", source="t")
    wrong = KpiObservation(indicator="rail_share", period="2026", value=0.12, unit="1", source="t")
    with pytest.raises(InvalidInputError) as err:
        assess_kpis([ok, wrong])
    assert err.value.field == "observations[1].unit"
    with pytest.raises(InvalidInputError) as err:
        assess_kpis([ok, ok])
    assert err.value.field == "observations[1].period"
    with pytest.raises(InvalidInputError) as err:
        KpiObservation(indicator="rail_share", period="2025-Q5", value=1, unit="%", source="t")
    assert err.value.field == "period"
