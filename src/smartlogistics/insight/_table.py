"""One reader for the analysts' CSV (and JSON) tables, with errors naming file, line, column.

Every table the insight models accept from a user (labour tables, volumes, KPI series,
shipments) is a list of columns with a kind (text, number, integer) and, for numbers, a
unit. A CSV header may write the unit after the name in brackets (``share [1]``); it must
then be the unit expected. Unknown, repeated or missing columns, an empty cell in a
required column, a cell that is not a number: each ends the read with an
:class:`~smartlogistics.errors.InvalidInputError` whose field is the file and whose
problem starts with ``line N, column 'c'``. Nothing is defaulted silently: an optional
column left blank is ``None``, for the caller to treat as "not given".

The file handling (encoding, quoting, line numbers, cell counts) is
:class:`smartlogistics.tabular.Table`'s; this module adds the header units and the typed
cells.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from smartlogistics.errors import InvalidInputError
from smartlogistics.insight._units import same_unit
from smartlogistics.tabular import Table, json_type

__all__ = ["Column", "Row", "TableSpec", "check_unit", "read_rows", "unique", "where"]

Cell = str | float | int | None

_HEADER = re.compile(r"^(?P<name>[^\[\]]*?)\s*(?:\[(?P<unit>[^\[\]]*)\])?$")


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table.

    Parameters
    ----------
    name
        Header name.
    kind
        ``"text"``, ``"number"`` (finite float) or ``"integer"``.
    unit
        Unit of a number column, which a header unit must match; ``None`` for none.
    required
        Whether the header must have it and every row must fill it.
    """

    name: str
    kind: Literal["text", "number", "integer"] = "number"
    unit: str | None = None
    required: bool = True


@dataclass(frozen=True, slots=True)
class Row:
    """One row as read: its cells by column name and where it came from."""

    values: Mapping[str, Cell]
    line: int | None
    index: int

    def at(self, column: str | None = None) -> str:
        """Where the row (or one of its cells) is, for a message: ``line 4, column 'x'``."""
        return where(self.line, column, self.index)

    def text(self, name: str) -> str:
        """Return a required text cell."""
        value = self.values[name]
        assert isinstance(value, str)
        return value

    def number(self, name: str) -> float:
        """Return a required number cell."""
        value = self.values[name]
        assert isinstance(value, int | float)
        return float(value)

    def integer(self, name: str) -> int:
        """Return a required integer cell."""
        value = self.values[name]
        assert isinstance(value, int)
        return value

    def optional_number(self, name: str) -> float | None:
        """Return an optional number cell (``None`` when blank or absent)."""
        value = self.values.get(name)
        return None if value is None else float(value)


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A kind of table: its name in messages, its JSON key and its columns."""

    noun: str
    plural: str
    key: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        """Return the column named ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def _table(self) -> Table:
        return Table(
            noun=self.noun,
            plural=self.plural,
            key=self.key,
            columns=tuple(c.name for c in self.columns),
            required=tuple(c.name for c in self.columns if c.required),
        )


def where(line: int | None, column: str | None = None, index: int = 0) -> str:
    """Say where a cell is: ``line 4, column 'share'`` (CSV) or ``entry 4, field 'share'``."""
    if line is None:
        at = f"entry {index + 1}"
        return f"{at}, field {column!r}" if column else at
    return f"line {line}, column {column!r}" if column else f"line {line}"


def read_rows(spec: TableSpec, path: str | Path) -> list[Row]:
    """Read a CSV or JSON table file into typed rows.

    Parameters
    ----------
    spec
        The table's columns.
    path
        The file; ``.csv`` or ``.json`` by suffix.

    Returns
    -------
    list of Row
        In file order, numbers as floats, integers as ints, blank optional cells ``None``.

    Raises
    ------
    InvalidInputError
        Field: the file name. Problem: ``line N, column 'c': ...`` for a bad cell or
        header (``line 1``), or the file-level problem (missing, empty, malformed).
    """
    name = str(path)
    target = Path(path)
    table = spec._table()
    try:
        if target.suffix.lower() == ".csv":
            text = _read_text(target)
            records = table.read(_plain_header(spec, text), "csv")
        elif target.suffix.lower() == ".json":
            records = table.read(target, "json")
        else:
            raise InvalidInputError(
                "format", "cannot tell the format from the suffix; use .csv or .json"
            )
    except InvalidInputError as err:
        problem = err.problem.replace(f"the {spec.plural} text", "the file")
        raise InvalidInputError(name, problem) from None
    rows: list[Row] = []
    for index, record in enumerate(records):
        data = record.data
        if not isinstance(data, dict):
            raise InvalidInputError(
                name,
                f"{where(record.line, index=index)}: expected an object, not {json_type(data)}",
            )
        unknown = [key for key in data if key not in {c.name for c in spec.columns}]
        if unknown:
            known = ", ".join(c.name for c in spec.columns)
            raise InvalidInputError(
                name,
                f"{where(record.line, unknown[0], index)}: unknown column; known: {known}",
            )
        values: dict[str, Cell] = {}
        for col in spec.columns:
            values[col.name] = _cell(col, data.get(col.name), name, record.line, index)
        rows.append(Row(values, record.line, index))
    return rows


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInputError("file", "no such file") from None
    except OSError as exc:
        raise InvalidInputError("file", f"cannot read it: {exc.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError("file", f"not UTF-8 text (byte {exc.start})") from None


def _plain_header(spec: TableSpec, text: str) -> str:
    """Check the header's names and units; return the text with the units taken out."""
    first, _, rest = text.partition("\n")
    first = first.rstrip("\r")
    if not first.strip():
        return text  # empty: the table reader reports it
    header = next(csv.reader([first]))
    known = {c.name: c for c in spec.columns}
    names: list[str] = []
    for raw in header:
        match = _HEADER.match(raw.strip())
        name = match["name"].strip() if match else raw.strip()
        unit = match["unit"] if match else None
        col = known.get(name)
        if col is None:
            listed = ", ".join(c.name for c in spec.columns)
            raise InvalidInputError(
                "columns", f"line 1, column {raw.strip()!r}: unknown column; known: {listed}"
            )
        if unit is not None:
            expected = col.unit or "none"
            if col.unit is None or not same_unit(unit, col.unit):
                raise InvalidInputError(
                    "columns",
                    f"line 1, column {raw.strip()!r}: unit {unit.strip()!r} does not match"
                    f" the expected {expected!r}",
                )
        names.append(name)
    for col in spec.columns:
        if col.required and col.name not in names:
            raise InvalidInputError(
                "columns",
                f"line 1, column {col.name!r}: missing (the header has {', '.join(names)})",
            )
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(names)
    return buf.getvalue() + "\n" + rest


def _cell(col: Column, value: object, name: str, line: int | None, index: int) -> Cell:
    at = where(line, col.name, index)
    if value is None or (isinstance(value, str) and not value.strip()):
        if col.required:
            raise InvalidInputError(name, f"{at}: empty; a value is required")
        return None
    if col.kind == "text":
        if not isinstance(value, str):
            raise InvalidInputError(name, f"{at}: expected text, not {json_type(value)}")
        return value.strip()
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidInputError(name, f"{at}: expected a number, not {json_type(value)}")
    if col.kind == "integer":
        try:
            number = int(value.strip()) if isinstance(value, str) else value
        except ValueError:
            raise InvalidInputError(name, f"{at}: expected a whole number, not {value!r}") from None
        if isinstance(number, float):
            if not number.is_integer():
                raise InvalidInputError(name, f"{at}: expected a whole number, not {value!r}")
            number = int(number)
        return number
    try:
        number_f = float(value.strip()) if isinstance(value, str) else float(value)
    except ValueError:
        raise InvalidInputError(name, f"{at}: expected a number, not {value!r}") from None
    if not math.isfinite(number_f):
        raise InvalidInputError(name, f"{at}: expected a finite number, not {value!r}")
    return number_f


def check_unit(row: Row, column: str, expected: str, file: str) -> None:
    """Check a row's ``unit`` cell against ``expected``; error names file, line, column."""
    given = row.values.get(column)
    if isinstance(given, str) and not same_unit(given, expected):
        at = row.at(column)
        raise InvalidInputError(
            file, f"{at}: unit {given!r} does not match the expected {expected!r}"
        )


def unique(rows: Sequence[Row], key: tuple[str, ...], file: str) -> None:
    """Refuse two rows with the same values in ``key`` (naming the second one's line)."""
    seen: dict[tuple[Cell, ...], Row] = {}
    for row in rows:
        k = tuple(row.values[c] for c in key)
        if k in seen:
            first = seen[k]
            raise InvalidInputError(
                file,
                f"{row.at()}: repeats {', '.join(map(str, k))} (first at {first.at()})",
            )
        seen[k] = row
