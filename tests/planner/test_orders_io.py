"""Order files: the canonical JSON and CSV examples, exact round trips, and bad input."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.network import Mode, Region, load_region
from smartlogistics.planner.generator import generate_orders
from smartlogistics.planner.order import CargoClass, Order
from smartlogistics.planner.orders_io import (
    CSV_COLUMNS,
    REQUIRED_COLUMNS,
    orders_text,
    read_orders,
    write_orders,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "planner"
JSON_FILE = DATA / "orders.json"
CSV_FILE = DATA / "orders.csv"


@pytest.fixture(scope="module")
def region() -> Region:
    return load_region("amsterdam")


def _good() -> dict[str, Any]:
    return {
        "id": "O-17",
        "origin": "ACT",
        "destination": "DUI",
        "release": "2026-12-01T08:00:00+01:00",
        "due": "2026-12-03T08:00:00+01:00",
        "teu": 2,
        "tonnes": 22.5,
        "cargo_class": "dry_container",
    }


def _json_with(bad: dict[str, Any], position: int = 1) -> str:
    records = [_good() | {"id": f"O-{k}"} for k in range(3)]
    records[position] = _good() | bad
    return json.dumps({"orders": records})


def _raises(text: str | Path, **kwargs: Any) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as info:
        read_orders(text, **kwargs)
    return info.value


# -- the canonical files ---------------------------------------------------------------


def test_canonical_files_hold_the_same_orders(region: Region) -> None:
    from_json = read_orders(JSON_FILE, region=region)
    from_csv = read_orders(CSV_FILE, region=region)
    assert from_json == from_csv
    assert [o.id for o in from_json] == [f"O-00000{k}" for k in range(1, 6)]
    assert {o.cargo_class for o in from_json} == set(CargoClass)
    first = from_json[0]
    assert first.origin == "ACT" and first.destination == "DUI"
    assert first.teu == 2.0 and first.tonnes == 22.5
    assert first.release.isoformat() == "2026-12-07T08:00:00+01:00"
    reefer = from_json[1]
    assert reefer.preferred_modes == (Mode.INLAND_WATERWAY,)
    flowers = from_json[4]
    assert flowers.units == 24 and flowers.unit_kind == "cc_trolley"
    assert flowers.forbidden_modes == (Mode.INLAND_WATERWAY,)


@pytest.mark.parametrize("path", [JSON_FILE, CSV_FILE], ids=["json", "csv"])
def test_canonical_files_are_what_write_orders_writes(path: Path, tmp_path: Path) -> None:
    out = tmp_path / path.name
    write_orders(read_orders(path), out)
    assert out.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_generated_week_round_trips_exactly(region: Region, suffix: str, tmp_path: Path) -> None:
    orders = generate_orders(region, 500, seed=3, start=date(2026, 3, 23), days=14)
    path = tmp_path / f"orders{suffix}"
    write_orders(orders, path)
    back = read_orders(path, region=region)
    assert back == orders
    # Equality of aware datetimes compares instants; the offsets must survive too.
    assert [(o.release.isoformat(), o.due.isoformat()) for o in back] == [
        (o.release.isoformat(), o.due.isoformat()) for o in orders
    ]
    assert {o.release.utcoffset() for o in back} == {o.release.utcoffset() for o in orders}
    # Writing what was read gives the same bytes.
    again = tmp_path / f"again{suffix}"
    write_orders(back, again)
    assert again.read_bytes() == path.read_bytes()


def test_text_input_and_explicit_format() -> None:
    text = JSON_FILE.read_text(encoding="utf-8")
    assert read_orders(text) == read_orders(JSON_FILE)
    bare = json.dumps(json.loads(text)["orders"])
    assert read_orders(bare) == read_orders(JSON_FILE)
    csv_text = CSV_FILE.read_text(encoding="utf-8")
    assert read_orders(csv_text) == read_orders(CSV_FILE)
    assert read_orders(csv_text, format="csv") == read_orders(CSV_FILE)


def test_format_argument_overrides_the_suffix(tmp_path: Path) -> None:
    path = tmp_path / "orders.txt"
    path.write_text(CSV_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    assert read_orders(path, format="csv") == read_orders(CSV_FILE)
    err = _raises(path)
    assert err.field == "format"
    assert "cannot tell the format" in err.problem
    write_orders(read_orders(CSV_FILE), tmp_path / "x.out", format="json")
    assert read_orders(tmp_path / "x.out", format="json") == read_orders(CSV_FILE)


def test_csv_optional_columns_may_be_left_out() -> None:
    text = (
        "id,origin,destination,release,due,tonnes,teu\n"
        "A,ACT,UTR,2026-12-01T08:00:00+01:00,2026-12-02T08:00:00+01:00,10.5,1\n"
        "B,SPL,FRA,2026-12-01T08:00:00Z,2026-12-01T20:00:00Z,3,\n"
    )
    with pytest.raises(InvalidInputError) as info:
        read_orders(text)
    # B has no cargo_class, so it defaults to dry_container, which needs TEU.
    assert info.value.field == "orders[1].teu"
    assert info.value.problem == "order 'B' (line 3): a dry_container order needs teu > 0"
    fixed = text.replace(",teu\n", ",teu,cargo_class\n").replace(",1\n", ",1,\n")
    fixed = fixed.replace(",3,\n", ",3,,air_cargo\n")
    a, b = read_orders(fixed)
    assert a.cargo_class is CargoClass.DRY_CONTAINER and a.teu == 1.0
    assert b.cargo_class is CargoClass.AIR_CARGO and b.teu == 0.0 and b.units is None


def test_csv_mode_lists_are_semicolon_separated() -> None:
    text = orders_text(read_orders(JSON_FILE)[:1], "csv").replace(
        "dry_container,,", "dry_container,barge;rail,road"
    )
    (order,) = read_orders(text)
    assert order.preferred_modes == (Mode.INLAND_WATERWAY, Mode.RAIL)
    assert order.forbidden_modes == (Mode.ROAD,)


def test_csv_columns_are_the_order_fields() -> None:
    assert CSV_COLUMNS == (
        "id", "origin", "destination", "release", "due", "teu", "tonnes", "units",
        "unit_kind", "cargo_class", "preferred_modes", "forbidden_modes",
    )  # fmt: skip
    assert set(CSV_COLUMNS) == set(Order.model_fields)
    assert REQUIRED_COLUMNS == ("id", "origin", "destination", "release", "due", "tonnes")


# -- bad orders --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "field", "problem"),
    [
        (
            {"due": "2026-12-01T08:00:00+01:00"},
            "orders[1].due",
            "order 'O-17': 2026-12-01T08:00:00+01:00 is not after release"
            " 2026-12-01T08:00:00+01:00",
        ),
        (
            {"due": "2026-11-30T08:00:00+01:00"},
            "orders[1].due",
            "order 'O-17': 2026-11-30T08:00:00+01:00 is not after release"
            " 2026-12-01T08:00:00+01:00",
        ),
        ({"tonnes": -3}, "orders[1].tonnes", "order 'O-17': Input should be greater than 0"),
        ({"tonnes": 0}, "orders[1].tonnes", "order 'O-17': Input should be greater than 0"),
        (
            {"teu": -1},
            "orders[1].teu",
            "order 'O-17': Input should be greater than or equal to 0",
        ),
        ({"teu": 0}, "orders[1].teu", "order 'O-17': a dry_container order needs teu > 0"),
        (
            {"teu": 0, "cargo_class": "reefer_container"},
            "orders[1].teu",
            "order 'O-17': a reefer_container order needs teu > 0",
        ),
        (
            {"release": "2026-12-01T08:00:00"},
            "orders[1].release",
            "order 'O-17': Input should have timezone info",
        ),
        (
            {"due": "2026-12-03 08:00"},
            "orders[1].due",
            "order 'O-17': Input should have timezone info",
        ),
        (
            {"destination": "ACT"},
            "orders[1].destination",
            "order 'O-17': must differ from the origin 'ACT'",
        ),
        (
            {"cargo_class": "bananas"},
            "orders[1].cargo_class",
            "order 'O-17': Input should be 'dry_container', 'reefer_container', 'air_cargo',"
            " 'flowers' or 'dangerous_goods'",
        ),
        ({"colour": "red"}, "orders[1].colour", "order 'O-17': Extra inputs are not permitted"),
        ({"id": ""}, "orders[1].id", "order #2 (no id): String should have at least 1 character"),
    ],
)
def test_bad_order_names_position_field_and_id(
    bad: dict[str, Any], field: str, problem: str
) -> None:
    err = _raises(_json_with(bad))
    assert (err.field, err.problem) == (field, problem)
    assert str(err) == f"{field}: {problem}"


def test_missing_field_is_named() -> None:
    records = [_good()]
    del records[0]["tonnes"]
    err = _raises(json.dumps(records))
    assert (err.field, err.problem) == ("orders[0].tonnes", "order 'O-17': Field required")


def test_entry_that_is_not_an_object() -> None:
    err = _raises('{"orders": [42]}')
    assert (err.field, err.problem) == (
        "orders[0]",
        "order #1 (no id): expected an object, not a number",
    )


def test_duplicate_id_names_the_second() -> None:
    records = [_good() | {"id": "A"}, _good() | {"id": "B"}, _good() | {"id": "A"}]
    err = _raises(json.dumps(records))
    assert (err.field, err.problem) == (
        "orders[2].id",
        "order 'A': duplicate id (first at orders[0])",
    )


def test_unknown_location_with_region(region: Region) -> None:
    records = [_good() | {"id": f"O-{k}"} for k in range(3)]
    records[2] = _good() | {"id": "X", "origin": "FOO"}
    text = json.dumps({"orders": records})
    read_orders(text)  # without a region only the order itself is checked
    err = _raises(text, region=region)
    assert (err.field, err.problem) == ("orders[2].origin", "order 'X': unknown location 'FOO'")


def test_junction_is_not_a_freight_node(region: Region) -> None:
    err = _raises(json.dumps([_good() | {"destination": "PKP"}]), region=region)
    assert (err.field, err.problem) == (
        "orders[0].destination",
        "order 'O-17': 'PKP' is a junction, not a freight node",
    )


def test_csv_errors_say_the_line() -> None:
    lines = CSV_FILE.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "")  # a blank line is skipped but counted
    lines[4] = lines[4].replace(",19.25,", ",-19.25,")  # O-000003, now on line 5
    err = _raises("\n".join(lines) + "\n")
    assert (err.field, err.problem) == (
        "orders[2].tonnes",
        "order 'O-000003' (line 5): Input should be greater than 0",
    )


def test_csv_naive_datetime() -> None:
    text = CSV_FILE.read_text(encoding="utf-8").replace(
        "2026-12-07T08:00:00+01:00", "2026-12-07T08:00:00"
    )
    err = _raises(text, format="csv")
    assert (err.field, err.problem) == (
        "orders[0].release",
        "order 'O-000001' (line 2): Input should have timezone info",
    )


def test_csv_row_with_wrong_cell_count() -> None:
    text = CSV_FILE.read_text(encoding="utf-8").replace(",dry_container,,", ",dry_container,")
    err = _raises(text)
    assert (err.field, err.problem) == (
        "orders[0]",
        "line 2: 11 cells under a header of 12 columns",
    )


# -- malformed files ---------------------------------------------------------------------


def test_malformed_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"orders": [\n  {"id": "A",}\n]}\n', encoding="utf-8")
    err = _raises(path)
    assert err.field == "file"
    assert err.problem == (
        f"{str(path)!r} is not valid JSON: Expecting property name enclosed in double quotes"
        " (line 2, column 14)"
    )


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        ('{"order": []}', "file", "unknown key 'order'; an orders file holds only 'orders'"),
        ("{}", "file", 'expected {"orders": [...]} or a list of orders'),
        ('{"orders": {"id": "A"}}', "orders", "expected a list, not an object"),
        ('"orders"\n', "file", 'expected {"orders": [...]} or a list of orders, not a string'),
    ],
)
def test_wrong_json_structure(text: str, field: str, problem: str) -> None:
    err = _raises(text, format="json")
    assert (err.field, err.problem) == (field, problem)


def test_missing_csv_column() -> None:
    text = "id,origin,destination,release,tonnes\nA,ACT,DUI,2026-12-01T08:00:00+01:00,3\n"
    err = _raises(text)
    assert (err.field, err.problem) == (
        "columns",
        "missing required column 'due' (line 1 has id, origin, destination, release, tonnes)",
    )


def test_unknown_and_repeated_csv_columns() -> None:
    err = _raises("id,origin,destination,release,due,tonnes,colour\n")
    assert err.field == "columns"
    assert err.problem.startswith("unknown column 'colour' (line 1); known: id, origin,")
    err = _raises("id,origin,id\n")
    assert (err.field, err.problem) == ("columns", "column 'id' given twice (line 1)")


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_empty_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"empty{suffix}"
    path.write_text("  \n", encoding="utf-8")
    err = _raises(path)
    assert (err.field, err.problem) == ("file", f"{str(path)!r} is empty")


def test_header_only_and_empty_list_are_zero_orders() -> None:
    assert read_orders(",".join(REQUIRED_COLUMNS) + "\n") == []
    assert read_orders('{"orders": []}') == []


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    err = _raises(missing)
    assert (err.field, err.problem) == ("file", f"no such file: {str(missing)!r}")
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"id,origin\n\xff\xfe\n")
    err = _raises(binary)
    assert (err.field, err.problem) == ("file", f"{str(binary)!r} is not UTF-8 text (byte 10)")


def test_bad_format_argument() -> None:
    err = _raises(JSON_FILE, format="xml")
    assert (err.field, err.problem) == ("format", "expected 'json' or 'csv', not 'xml'")
