"""Sector insight: the HS mapping's precedence, the aggregates by hand, bad shipments."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.insight.sectors import (
    SECTORS,
    Shipment,
    analyse_sectors,
    default_sector_mapping,
    quantile,
    read_shipments,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "insight"


@pytest.mark.parametrize(
    ("code", "sector"),
    [
        ("06", "Flowers"), ("060311", "Flowers"), ("0201", "Food"), ("180100", "Food"),
        ("847130", "High Tech"), ("851713", "High Tech"), ("900190", "High Tech"),
        ("300490", "Life Sciences"), ("293690", "Life Sciences"), ("901890", "Life Sciences"),
        ("3822", "Life Sciences"), ("291469", "Other"), ("4901", "Media"),
        ("85234910", "Media"), ("852872", "Media"), ("880240", "Aerospace"),
        ("841112", "Aerospace"), ("401130", "Aerospace"), ("401110", "Other"),
        ("610910", "Fashion"), ("420221", "Fashion"), ("711319", "Fashion"),
        ("710812", "Other"), ("910211", "Fashion"), ("330300", "Fashion"), ("2402", "Other"),
        ("01", "Other"), ("05", "Other"), ("23", "Other"),
    ],
)  # fmt: skip
def test_longest_code_wins(code: str, sector: str) -> None:
    assert default_sector_mapping().classify(code) == sector


def test_every_rule_cites_its_source() -> None:
    mapping = default_sector_mapping()
    assert {r.sector for r in mapping.rules} == set(SECTORS)
    assert all(r.source.startswith("wco-hs2022; assumption: ") for r in mapping.rules)


def test_aggregates_by_hand() -> None:
    report = analyse_sectors(read_shipments(DATA / "shipments.csv"))
    assert report.granularity == "month"
    assert report.periods == ("2025-01", "2025-02")
    flowers = report.sector("Flowers")  # S1 (air, 2 t, 20 h, 10 min), S2 (truck, 4 t, 4 h, 8 kg)
    assert (flowers.shipments, flowers.tonnes) == (2, 6)
    assert dict(flowers.tonnes_by_mode) == {"road": 4, "air": 2}
    assert dict(flowers.tonnes_by_origin) == {"AAL": 4, "NBO": 2}
    assert flowers.lead_time_mean_h == 12 and flowers.lead_time_median_h == 12
    assert flowers.lead_time_p90_h == pytest.approx(4 + 16 * 0.9)
    assert (flowers.clearance_n, flowers.clearance_median_min) == (1, 10)
    assert (flowers.co2e_n, flowers.co2e_kg, flowers.co2e_kg_per_t) == (1, 8, 2)  # 8 kg / 4 t
    assert flowers.trend == (("2025-01", 2, 6, 8), ("2025-02", 0, 0, 0))
    aero = report.sector("Aerospace")  # S5 heading 8411, S6 subheading 401130
    assert (aero.shipments, aero.tonnes, aero.lead_time_median_h) == (2, 4.5, 11)
    assert aero.co2e_kg_per_t == 40  # 60 kg over the 1.5 t that report CO2e
    assert report.sector("Life Sciences").tonnes == 0.5  # 901890 overrides chapter 90
    assert report.sector("High Tech").tonnes == 1
    assert report.sector("Media").tonnes_by_mode == {"barge": 10}
    assert report.sector("Fashion").tonnes == 0.1
    assert report.sector("Other").tonnes == pytest.approx(2.7)  # 4011 and gold 7108
    assert report.sector("Food").shipments == 0 and report.sector("Food").lead_time_mean_h is None
    total = report.to_json()["total"]
    assert total["shipments"] == 10
    assert total["tonnes"] == pytest.approx(24.8)
    yearly = analyse_sectors(read_shipments(DATA / "shipments.csv"), by="year")
    assert yearly.periods == ("2025",)


def test_quantile_is_type_7() -> None:
    assert quantile([4, 1, 3, 2], 0.5) == 2.5
    assert quantile([1, 2, 3, 4, 5], 0.9) == pytest.approx(4.6)
    assert quantile([7], 0.95) == 7


def test_coarse_periods_cannot_give_a_finer_trend() -> None:
    s = Shipment(id="a", hs_code="06", mode="air", origin="X", destination="Y", tonnes=1,
                 period="2025", lead_time_h=1)  # fmt: skip
    assert analyse_sectors([s]).granularity == "year"
    with pytest.raises(InvalidInputError) as err:
        analyse_sectors([s], by="month")
    assert err.value.field == "by"


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("shipments_bad_unit.csv",
         "line 1, column 'tonnes [kg]': unit 'kg' does not match the expected 't'"),
        ("shipments_bad_mode.csv", "line 3, column 'mode': unknown mode 'hovercraft'"),
        ("shipments_bad_hs.csv", "line 2, column 'hs_code': String should match pattern"),
    ],
)  # fmt: skip
def test_bad_shipment_files(file: str, message: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        read_shipments(DATA / file)
    assert err.value.field == str(DATA / file)
    assert err.value.problem.startswith(message)


def test_repeated_shipment_id(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        "id,hs_code,mode,origin,destination,tonnes,period,lead_time_h\n"
        "A,06,air,X,Y,1,2025,1\nA,06,air,X,Y,1,2025,1\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputError) as err:
        read_shipments(path)
    assert err.value.problem == "line 3, column 'id': id 'A' given twice (first at line 2)"
