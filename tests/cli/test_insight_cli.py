"""``smartlogistics insight``: JSON contracts, the generated sample, bad input exits 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartlogistics.insight import project_labour
from tests._cli import cli_error, cli_json

DATA = Path(__file__).resolve().parents[1] / "data" / "insight"


def test_labour_json_is_the_models(capsys: pytest.CaptureFixture[str]) -> None:
    out = cli_json(capsys, ["insight", "labour", "--json"])
    assert out == project_labour().to_json()
    assert out["years"] == list(range(2026, 2041))
    assert out["bottlenecks"][0]["occupation"] == "truck_drivers"


def test_labour_with_scenario_tables_and_volumes(capsys: pytest.CaptureFixture[str]) -> None:
    base = cli_json(capsys, ["insight", "labour", "--json"])
    out = cli_json(capsys, [
        "insight", "labour", "--json", "--scenario", str(DATA / "scenario.yaml"),
        "--table", f"occupations={DATA / 'occupations.csv'}",
        "--volumes", str(DATA / "volumes.csv"),
    ])  # fmt: skip
    assert out["scenario"]["name"] == "slow automation, later retirement"
    assert out["scenario"]["retirement_age_shift"] == 2
    assert out["scenario"]["volumes"] == {
        "schiphol_air": 1430000.0,
        "road_distribution": 66000000.0,
    }
    truck = next(o for o in out["occupations"] if o["id"] == "truck_drivers")
    truck0 = next(o for o in base["occupations"] if o["id"] == "truck_drivers")
    assert truck["base"]["supply"] == truck0["base"]["supply"]  # supply stays on the facts
    assert truck["base"]["demand"] > truck0["base"]["demand"]  # 10 % more volume at two nodes
    assert truck["inflow"][0] == 2800  # the user table: 2,000 + 800


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--table", f"occupations={DATA / 'occupations_bad_unit.csv'}"],
         f"error: {DATA / 'occupations_bad_unit.csv'}: line 1, column 'vacancy_rate [%]': unit"
         " '%' does not match the expected '1'"),
        (["--table", f"occupations={DATA / 'occupations_bad_column.csv'}"],
         f"error: {DATA / 'occupations_bad_column.csv'}: line 1, column 'training_yrs [years]':"
         " unknown column"),
        (["--table", f"occupations={DATA / 'occupations_not_a_number.csv'}"],
         f"error: {DATA / 'occupations_not_a_number.csv'}: line 5, column 'education_inflow':"
         " expected a number, not 'many'"),
        (["--table", f"staff={DATA / 'occupations.csv'}"], "error: table: unknown table 'staff'"),
        (["--table", "occupations"], "error: --table: expected NAME=FILE, not 'occupations'"),
        (["--scenario", str(DATA / "scenario_unknown.yaml")],
         f"error: {DATA / 'scenario_unknown.yaml'}: unknown parameter 'automation_speed'"),
        (["--volumes", str(DATA / "volumes_bad_unit.csv")],
         f"error: {DATA / 'volumes_bad_unit.csv'}: line 3, column 'unit': unit 'TEU/year' does"
         " not match the expected 't/year'"),
    ],
)  # fmt: skip
def test_labour_bad_input(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert cli_error(capsys, ["insight", "labour", "--json", *argv]).startswith(message)


def test_kpis_json(capsys: pytest.CaptureFixture[str]) -> None:
    out = cli_json(capsys, ["insight", "kpis", "--json", "--series", str(DATA / "kpi_series.csv")])
    by_id = {i["indicator"]: i for i in out["indicators"]}
    assert by_id["rail_share"]["status"] == "off track"
    assert by_id["value_added_growth_gap"]["latest"] == pytest.approx(3.05)
    assert by_id["labour_shortage_share"]["latest_period"] == "2040"
    assert out["counts"] == {"on track": 3, "off track": 3, "no data": 2}
    bare = cli_json(capsys, ["insight", "kpis", "--json"])
    assert bare["counts"] == {"on track": 0, "off track": 1, "no data": 7}


def test_kpis_bad_series(capsys: pytest.CaptureFixture[str]) -> None:
    line = cli_error(capsys, ["insight", "kpis", "--series", str(DATA / "kpi_series_bad_unit.csv")])
    assert line == (
        f"error: {DATA / 'kpi_series_bad_unit.csv'}: line 3, column 'unit': unit 's' does not"
        " match the expected 'min' of 'clearance_time_median'"
    )


def test_sectors_from_a_file_and_from_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    out = cli_json(capsys, ["insight", "sectors", "--json", "--input", str(DATA / "shipments.csv")])
    assert out["input"] == {"kind": "file", "file": str(DATA / "shipments.csv")}
    assert out["total"]["shipments"] == 10
    sample = cli_json(
        capsys, ["insight", "sectors", "--json", "--sample-size", "300", "--seed", "3"]
    )
    assert sample["input"]["kind"] == "sample"
    assert "SYNTHETIC" in sample["input"]["note"] and "seed 3" in sample["input"]["note"]
    assert sample["total"]["shipments"] == 300
    again = cli_json(
        capsys, ["insight", "sectors", "--json", "--sample-size", "300", "--seed", "3"]
    )
    assert again == sample  # seeded
    flowers = next(s for s in sample["sectors"] if s["sector"] == "Flowers")
    assert flowers["tonnes_by_mode"].keys() == {"air"}


def test_sectors_human_output_says_it_is_a_sample(capsys: pytest.CaptureFixture[str]) -> None:
    from smartlogistics.cli import run

    assert run(["insight", "sectors", "--sample-size", "100"]) == 0
    out = capsys.readouterr().out
    assert "No --input given: a generated sample of 100 SYNTHETIC" in " ".join(out.split())


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--input", str(DATA / "shipments_bad_unit.csv")],
         f"error: {DATA / 'shipments_bad_unit.csv'}: line 1, column 'tonnes [kg]': unit 'kg'"),
        (["--input", str(DATA / "shipments_bad_mode.csv")],
         f"error: {DATA / 'shipments_bad_mode.csv'}: line 3, column 'mode': unknown mode"),
        (["--by", "week"], "error: --by: expected year, quarter, month or day, not 'week'"),
        (["--sample-size", "0"], "error: --sample-size: must be at least 1, got 0"),
    ],
)  # fmt: skip
def test_sectors_bad_input(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert cli_error(capsys, ["insight", "sectors", "--json", *argv]).startswith(message)


def test_report_writes_html_and_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = cli_json(capsys, [
        "insight", "report", "--json", "--out", str(tmp_path / "r" / "report.html"),
        "--csv-dir", str(tmp_path / "csv"), "--series", str(DATA / "kpi_series.csv"),
        "--input", str(DATA / "shipments.csv"),
    ])  # fmt: skip
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert out["report"] == str(tmp_path / "r" / "report.html")
    assert html.count("Plotly.newPlot(") == out["charts"]
    assert "Truck drivers" in html and "Modal split, rail share of tonne-km" in html
    names = {Path(p).name for p in out["csv"]}
    assert {"labour-bottlenecks.csv", "kpis-progress.csv", "sectors-sectors.csv"} <= names
    assert all(Path(p).exists() for p in out["csv"])
