"""The shared JSON/CSV table reader and writer: exact records, messages and cells."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.tabular import (
    Record,
    Table,
    TableFormat,
    csv_cell,
    format_from_suffix,
    json_type,
    looks_like_text,
)

PARCELS = Table(
    noun="parcel",
    plural="parcels",
    key="parcels",
    columns=("id", "kg", "stops"),
    required=("id",),
    ignored=("note",),
    list_columns=("stops",),
)
ITEMS = Table(
    noun="item",
    plural="items",
    key="items",
    columns=("id", "kg"),
    required=("id", "kg"),
    single_object=True,
    blank_id_is_missing=True,
)


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


def _error(table: Table, text: str, format: TableFormat | None = None) -> tuple[str, str]:
    with pytest.raises(InvalidInputError) as info:
        table.read(text, format)
    return info.value.field, info.value.problem


def test_csv_rows_become_mappings_of_non_blank_cells_with_their_lines() -> None:
    text = " id , kg,stops,note\nP-1,2.5,,x\n\n , ,\nP-2,,AMS;DXB,\n"
    assert PARCELS.read(text) == [
        Record({"id": "P-1", "kg": "2.5", "note": "x"}, 2),
        Record({"id": "P-2", "stops": "AMS;DXB"}, 5),
    ]


def test_json_wrapper_and_bare_list() -> None:
    assert PARCELS.read('{"parcels": [{"id": "P-1"}, 3]}') == [
        Record({"id": "P-1"}, None),
        Record(3, None),
    ]
    assert PARCELS.read('[{"id": "P-1"}]') == [Record({"id": "P-1"}, None)]
    assert PARCELS.read("id\n") == []
    assert PARCELS.read('{"parcels": []}') == []


def test_single_object_only_where_the_table_allows_it() -> None:
    assert ITEMS.records({"id": "I-1"}) == [Record({"id": "I-1"}, None)]
    assert ITEMS.records({"items": [{"id": "I-1"}]}) == [Record({"id": "I-1"}, None)]
    with pytest.raises(InvalidInputError) as info:
        PARCELS.records({"id": "P-1"})
    assert (info.value.field, info.value.problem) == (
        "file",
        "unknown key 'id'; a parcels file holds only 'parcels'",
    )


@pytest.mark.parametrize(
    ("table", "text", "field", "problem"),
    [
        (PARCELS, "{}", "file", 'expected {"parcels": [...]} or a list of parcels'),
        (
            PARCELS,
            '"x"\n',
            "file",
            'expected {"parcels": [...]} or a list of parcels, not a string',
        ),
        (PARCELS, '{"parcels": 1}', "parcels", "expected a list, not a number"),
        (ITEMS, "null\n", "file", 'expected {"items": [...]}, a list or one item, not null'),
        (ITEMS, '{"items": {}}', "items", "expected a list, not an object"),
        (
            ITEMS,
            '{"items": [], "x": 1}',
            "file",
            "unknown key 'x'; an items file holds only 'items'",
        ),
        (
            PARCELS,
            '{"parcels": [}',
            "file",
            "the parcels text is not valid JSON: Expecting value (line 1, column 14)",
        ),
    ],
)
def test_json_shape_errors(table: Table, text: str, field: str, problem: str) -> None:
    assert _error(table, text, "json") == (field, problem)


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        ("id,colour\n", "columns", "unknown column 'colour' (line 1); known: id, kg, stops"),
        ("id,kg,id\n", "columns", "column 'id' given twice (line 1)"),
        ("kg,note\n", "columns", "missing required column 'id' (line 1 has kg, note)"),
        ("id,kg\nP-1,1\n\nP-2\n", "parcels[1]", "line 4: 1 cells under a header of 2 columns"),
        (
            "id\n" + "x" * 131_073 + "\n",
            "file",
            "the parcels text: line 2: field larger than field limit (131072)",
        ),
        ("  \n\n", "file", "the parcels text is empty"),
    ],
)
def test_csv_errors_name_the_column_or_line(text: str, field: str, problem: str) -> None:
    assert _error(PARCELS, text) == (field, problem)


def test_files_by_suffix_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "parcels.CSV"
    path.write_bytes("\ufeffid\nP-ü\n".encode())
    assert PARCELS.read(path) == [Record({"id": "P-ü"}, 2)]
    assert PARCELS.read(str(path)) == [Record({"id": "P-ü"}, 2)]
    json_path = tmp_path / "parcels.txt"
    json_path.write_text('[{"id": "P-1"}]', encoding="utf-8")
    assert PARCELS.read(json_path, "json") == [Record({"id": "P-1"}, None)]


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "none.json"
    with pytest.raises(InvalidInputError) as info:
        PARCELS.read(missing)
    assert (info.value.field, info.value.problem) == ("file", f"no such file: {str(missing)!r}")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"id\n\xe9\n")
    with pytest.raises(InvalidInputError) as info:
        PARCELS.read(latin)
    assert info.value.problem == f"{str(latin)!r} is not UTF-8 text (byte 3)"
    empty = tmp_path / "empty.json"
    empty.write_text(" \n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        PARCELS.read(empty)
    assert info.value.problem == f"{str(empty)!r} is empty"
    with pytest.raises(InvalidInputError) as info:
        PARCELS.read(tmp_path)
    assert info.value.field == "format"
    assert info.value.problem.startswith(f"cannot tell the format of {str(tmp_path)!r}")


def test_format_argument_and_suffix_errors() -> None:
    with pytest.raises(InvalidInputError) as info:
        PARCELS.read("id\n", "xml")  # type: ignore[arg-type]
    assert str(info.value) == "format: expected 'json' or 'csv', not 'xml'"
    with pytest.raises(InvalidInputError) as info:
        format_from_suffix(Path("a.yaml"))
    assert str(info.value) == (
        "format: cannot tell the format of 'a.yaml' from its suffix;"
        " use .json or .csv, or say format='json' or 'csv'"
    )
    assert format_from_suffix(Path("A.Json")) == "json"


def test_looks_like_text() -> None:
    assert looks_like_text("a\nb")
    assert looks_like_text("  [1]")
    assert looks_like_text("{}")
    assert not looks_like_text("orders.csv")


def test_labels_by_id_position_and_line() -> None:
    assert PARCELS.label(Record({"id": "P-1"}, 7), 0) == "parcel 'P-1' (line 7)"
    assert PARCELS.label(Record({"id": " "}, None), 0) == "parcel ' '"
    assert PARCELS.label(Record({"id": ""}, None), 2) == "parcel #3 (no id)"
    assert PARCELS.label(Record([1], None), 0) == "parcel #1 (no id)"
    assert ITEMS.label(Record({"id": " "}, None), 4) == "item #5 (no id)"
    assert ITEMS.label(Record({"id": 5}, 2), 0) == "item #1 (no id) (line 2)"


def test_json_type_names() -> None:
    values: list[object] = [{}, [], "x", True, 1, 2.5, None, (1,)]
    assert [json_type(v) for v in values] == [
        "an object",
        "a list",
        "a string",
        "a boolean",
        "a number",
        "a number",
        "null",
        "tuple",
    ]


def test_csv_cells() -> None:
    when = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    assert [csv_cell(v) for v in (None, 0.1, 3, "a;b", when, Colour.RED, True)] == [
        "",
        "0.1",
        "3",
        "a;b",
        "2026-03-01T08:30:00+00:00",
        "red",
        "True",
    ]
    assert csv_cell((Colour.RED, Colour.BLUE), joined=True) == "red;blue"
    assert csv_cell((), joined=True) == ""
    assert csv_cell("AMS;DXB", joined=True) == "AMS;DXB"


def test_text_and_write_round_trip(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {"id": "P-1", "kg": 1.5, "stops": ("AMS", "DXB")},
        {"id": "P-ü", "kg": None, "stops": ()},
    ]

    def to_json(row: dict[str, object]) -> object:
        return {k: v for k, v in row.items() if v}

    def to_row(row: dict[str, object]) -> dict[str, object]:
        return row

    assert PARCELS.text(rows, "csv", to_json=to_json, to_row=to_row) == (
        "id,kg,stops\nP-1,1.5,AMS;DXB\nP-ü,,\n"
    )
    assert PARCELS.text(rows[1:], "json", to_json=to_json, to_row=to_row) == (
        '{\n  "parcels": [\n    {\n      "id": "P-ü"\n    }\n  ]\n}\n'
    )
    with pytest.raises(InvalidInputError) as info:
        PARCELS.text(rows, "tsv", to_json=to_json, to_row=to_row)  # type: ignore[arg-type]
    assert str(info.value) == "format: expected 'json' or 'csv', not 'tsv'"
    target = tmp_path / "out.csv"
    PARCELS.write(rows, target, to_json=to_json, to_row=to_row)
    assert PARCELS.read(target) == [
        Record({"id": "P-1", "kg": "1.5", "stops": "AMS;DXB"}, 2),
        Record({"id": "P-ü"}, 3),
    ]
    with pytest.raises(InvalidInputError) as info:
        PARCELS.write(rows, tmp_path / "out.txt", to_json=to_json, to_row=to_row)
    assert info.value.field == "format"


def test_imports_only_the_standard_library_errors_and_values() -> None:
    import smartlogistics.tabular as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    names = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    platform = {name for name in names if name and name.startswith("smartlogistics")}
    assert platform <= {"smartlogistics.errors", "smartlogistics.values"}
    assert {name for name in names if name} - platform <= {
        "__future__",
        "csv",
        "io",
        "json",
        "collections.abc",
        "dataclasses",
        "pathlib",
        "typing",
    }


def _parse_kg(data: dict[str, object], prefix: str) -> tuple[str, float]:
    kg = data.get("kg")
    if not isinstance(kg, str):
        raise InvalidInputError(f"{prefix}.kg", "Field required")
    return str(data["id"]), float(kg)


def _first(value: tuple[str, float]) -> str:
    return value[0]


def test_validate_names_path_label_and_first_duplicate() -> None:
    records = PARCELS.read("id,kg,note\nP-1,2,a\nP-2,3,b\n")
    dropped: list[object] = []

    def prepare(data: dict[str, object]) -> dict[str, object]:
        dropped.append(data.pop("note"))
        return data

    assert PARCELS.validate(records, _parse_kg, _first, prepare=prepare) == [
        ("P-1", 2.0),
        ("P-2", 3.0),
    ]
    assert dropped == ["a", "b"]

    def _problem(records: list[Record], **kwargs: object) -> str:
        with pytest.raises(InvalidInputError) as info:
            PARCELS.validate(records, _parse_kg, _first, **kwargs)  # type: ignore[arg-type]
        return str(info.value)

    assert (
        _problem(PARCELS.read("id\nP-1\n"))
        == "parcels[0].kg: parcel 'P-1' (line 2): Field required"
    )
    assert _problem(PARCELS.read('[{"id": "P-1", "kg": "1"}, []]')) == (
        "parcels[1]: parcel #2 (no id): expected an object, not a list"
    )
    assert _problem(PARCELS.read("id,kg\nP-1,1\nP-2,1\nP-1,2\n")) == (
        "parcels[2].id: parcel 'P-1' (line 4): duplicate id (first at parcels[0])"
    )

    def heavy(value: tuple[str, float]) -> tuple[str, str] | None:
        return ("kg", f"{value[1]} kg is too heavy") if value[1] > 10 else None

    assert _problem(PARCELS.read("id,kg\nP-1,1\nP-2,11\n"), check=heavy) == (
        "parcels[1].kg: parcel 'P-2' (line 3): 11.0 kg is too heavy"
    )
