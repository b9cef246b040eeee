"""Analysts' CSV tables: replaced exactly, refused with file, line and column named."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.insight.labour import project_labour
from smartlogistics.insight.labour_data import default_labour_data
from smartlogistics.insight.labour_io import LABOUR_TABLES, load_labour_tables, read_volumes
from smartlogistics.insight.scenario import Scenario, load_scenario

DATA = Path(__file__).resolve().parents[1] / "data" / "insight"


def test_a_user_table_replaces_the_default_and_is_cited() -> None:
    data = load_labour_tables({"occupations": DATA / "occupations.csv"})
    truck = data.occupation("truck_drivers")
    assert (truck.education_inflow, truck.migration_inflow) == (2000, 800)
    assert truck.source == "user: occupations.csv"
    assert "user" in data.sources
    assert data.segments == default_labour_data().segments
    more = project_labour(data).projection("truck_drivers").supply[-1]
    assert more > project_labour().projection("truck_drivers").supply[-1]


def test_every_default_table_reads_back_from_its_csv(tmp_path: Path) -> None:
    """Writing each packaged table in its documented CSV format gives the same tables."""
    base = default_labour_data()
    files = {}
    for name, (spec, _) in LABOUR_TABLES.items():
        lines = [",".join(c.name for c in spec.columns)]
        for row in getattr(base, name):
            cells = []
            for c in spec.columns:
                value = getattr(row, c.name)
                cells.append(
                    '"' + value.replace('"', '""') + '"' if isinstance(value, str) else repr(value)
                )
            lines.append(",".join(cells))
        path = tmp_path / f"{name}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files[name] = path
    data = load_labour_tables(files)
    for name in LABOUR_TABLES:
        assert getattr(data, name) == getattr(base, name), name


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("occupations_bad_unit.csv",
         "line 1, column 'vacancy_rate [%]': unit '%' does not match the expected '1'"),
        ("occupations_bad_column.csv", "line 1, column 'training_yrs [years]': unknown column"),
        ("occupations_missing_column.csv", "line 1, column 'migration_inflow': missing"),
        ("occupations_not_a_number.csv",
         "line 5, column 'education_inflow': expected a number, not 'many'"),
        ("occupations_empty_cell.csv", "line 5, column 'vacancy_rate': empty; a value is required"),
    ],
)  # fmt: skip
def test_bad_user_tables_name_file_line_and_column(file: str, message: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        load_labour_tables({"occupations": DATA / file})
    assert err.value.field == str(DATA / file)
    assert err.value.problem.startswith(message)


def test_a_row_rule_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "mix.csv"
    path.write_text("segment,occupation,share\nschiphol_air,truck_drivers,1.5\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        load_labour_tables({"occupation_mix": path})
    assert str(err.value) == (
        f"{path}: line 2, column 'share': Input should be less than or equal to 1"
    )
    path.write_text("segment,occupation,share\nschiphol_air,pilots,0.5\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        load_labour_tables({"occupation_mix": path})
    assert err.value.problem.startswith("line 2, column 'occupation': unknown occupation 'pilots'")


def test_a_cross_row_rule_names_the_file_and_table() -> None:
    with pytest.raises(InvalidInputError) as err:
        load_labour_tables({"age_profile": DATA / "age_profile_bad_sum.csv"})
    assert str(err.value) == (
        f"{DATA / 'age_profile_bad_sum.csv'}: age_profile: shares of occupation"
        " 'truck_drivers' add up to 0.9, not 1"
    )


def test_unknown_table_and_missing_file() -> None:
    with pytest.raises(InvalidInputError, match=r"^table: unknown table 'jobs'"):
        load_labour_tables({"jobs": DATA / "occupations.csv"})
    with pytest.raises(InvalidInputError, match=r"nosuch\.csv: no such file"):
        load_labour_tables({"occupations": DATA / "nosuch.csv"})


def test_volumes_check_their_unit_against_the_segment() -> None:
    assert read_volumes(DATA / "volumes.csv") == {
        "schiphol_air": 1430000.0,
        "road_distribution": 66000000.0,
    }
    with pytest.raises(InvalidInputError) as err:
        read_volumes(DATA / "volumes_bad_unit.csv")
    assert err.value.problem == (
        "line 3, column 'unit': unit 'TEU/year' does not match the expected 't/year'"
    )


def test_scenario_files() -> None:
    scenario = load_scenario(DATA / "scenario.yaml")
    assert scenario == Scenario(
        name="slow automation, later retirement",
        automation_pace=0.5,
        retirement_age_shift=2,
        growth_shift=0.005,
    )
    with pytest.raises(InvalidInputError) as err:
        load_scenario(DATA / "scenario_unknown.yaml")
    assert err.value.field == str(DATA / "scenario_unknown.yaml")
    assert err.value.problem.startswith("unknown parameter 'automation_speed'; known: name,")


def test_scenario_bad_value_names_the_parameter(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"retirement_age_shift": 1.5}', encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        load_scenario(path)
    assert err.value.field == f"{path}.retirement_age_shift"
