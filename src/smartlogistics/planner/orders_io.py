"""Reading and writing order files (JSON and CSV).

Shippers and the order generator hand the planner a batch of :class:`Order` objects as a
file. Two formats are accepted, both documented in ``docs/orders.md``:

- **JSON**: ``{"orders": [ {...}, ... ]}`` or a bare list; each entry holds the
  :class:`Order` fields (what :meth:`Order.to_json` writes).
- **CSV**: one order per row under a header of :class:`Order` field names; the mode lists
  are ``;``-separated (``barge;rail``) and an empty cell means the field's default.

Every datetime must be ISO 8601 with a UTC offset. Bad input never ends in a traceback:
it raises :class:`~smartlogistics.errors.InvalidInputError` whose ``field`` is the order's
path (``orders[4].due``) and whose ``problem`` starts with the order's id (and, for CSV,
the line number), so a user can find the row; problems with the file as a whole name
``file`` (or ``columns`` for a CSV header).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from smartlogistics.errors import InvalidInputError
from smartlogistics.network.region import Region
from smartlogistics.planner.order import Order
from smartlogistics.values import from_validation_error

__all__ = [
    "CSV_COLUMNS",
    "REQUIRED_COLUMNS",
    "OrderFormat",
    "orders_text",
    "read_orders",
    "write_orders",
]

OrderFormat = Literal["json", "csv"]
"""The two order file formats."""

#: Columns of an orders CSV file, in the order :func:`write_orders` writes them.
CSV_COLUMNS: tuple[str, ...] = tuple(Order.model_fields)

#: Columns a CSV file must have (the :class:`Order` fields without a default).
REQUIRED_COLUMNS: tuple[str, ...] = tuple(
    name for name, info in Order.model_fields.items() if info.is_required()
)

_SUFFIXES: Mapping[str, OrderFormat] = {".json": "json", ".csv": "csv"}
_MODE_COLUMNS = ("preferred_modes", "forbidden_modes")


def read_orders(
    path_or_text: str | Path,
    *,
    region: Region | None = None,
    format: OrderFormat | None = None,
) -> list[Order]:
    """Read a batch of orders from a JSON or CSV file (or text).

    Parameters
    ----------
    path_or_text
        A :class:`~pathlib.Path`, a file name, or the file's contents. A ``str`` is taken
        as contents when it contains a line break or starts with ``{`` or ``[``, else as a
        file name.
    region
        When given, every origin and destination must be one of its freight nodes (not a
        junction), so a typo is caught when the file is read rather than when planned.
    format
        ``"json"`` or ``"csv"``. By default the file's suffix decides (``.json``,
        ``.csv``); for text, a leading ``{`` or ``[`` means JSON, anything else CSV.

    Returns
    -------
    list of Order
        In file order.

    Raises
    ------
    InvalidInputError
        ``file`` for an unreadable, empty or malformed file; ``columns`` for a CSV header
        without a required column or with an unknown one; ``orders[i].<field>`` (0-based
        position) for a bad order, with a problem such as
        ``order 'O-17': 2026-12-01T08:00:00+01:00 is not after release ...``.
    """
    text, fmt, name = _load(path_or_text, format)
    if not text.strip():
        raise InvalidInputError("file", f"{name} is empty")
    records = _json_records(text, name) if fmt == "json" else _csv_records(text, name)
    return _validate(records, region)


def write_orders(
    orders: Iterable[Order], path: str | Path, *, format: OrderFormat | None = None
) -> None:
    """Write orders to a JSON or CSV file that :func:`read_orders` reads back exactly.

    Parameters
    ----------
    orders
        The orders, written in the given order.
    path
        Target file (overwritten). Its suffix chooses the format unless ``format`` is given.
    format
        ``"json"`` or ``"csv"``.

    Raises
    ------
    InvalidInputError
        ``format`` when neither ``format`` nor the suffix names a known format.
    """
    target = Path(path)
    fmt = format or _format_from_suffix(target)
    target.write_text(orders_text(orders, fmt), encoding="utf-8")


def orders_text(orders: Iterable[Order], format: OrderFormat) -> str:
    """Return the orders as the text of a JSON or CSV orders file.

    Parameters
    ----------
    orders
        The orders.
    format
        ``"json"`` or ``"csv"``.

    Returns
    -------
    str
        JSON as ``{"orders": [...]}`` with two-space indents; CSV with a header of
        :data:`CSV_COLUMNS`. Both end with a newline.
    """
    if format == "json":
        doc = {"orders": [order.to_json() for order in orders]}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for order in orders:
            writer.writerow(_csv_row(order))
        return buf.getvalue()
    raise InvalidInputError("format", f"expected 'json' or 'csv', not {format!r}")


# -- loading ---------------------------------------------------------------------------


def _format_from_suffix(path: Path) -> OrderFormat:
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InvalidInputError(
            "format",
            f"cannot tell the format of {str(path)!r} from its suffix;"
            " use .json or .csv, or say format='json' or 'csv'",
        )
    return fmt


def _looks_like_text(value: str) -> bool:
    return "\n" in value or value.lstrip().startswith(("{", "["))


def _load(path_or_text: str | Path, format: OrderFormat | None) -> tuple[str, OrderFormat, str]:
    """Return the text, its format and a name for messages."""
    if format is not None and format not in ("json", "csv"):
        raise InvalidInputError("format", f"expected 'json' or 'csv', not {format!r}")
    if isinstance(path_or_text, str) and _looks_like_text(path_or_text):
        text = path_or_text
        fmt: OrderFormat = format or ("json" if text.lstrip()[:1] in ("{", "[") else "csv")
        return text, fmt, "the orders text"
    path = Path(path_or_text)
    fmt = format or _format_from_suffix(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInputError("file", f"no such file: {str(path)!r}") from None
    except OSError as exc:
        raise InvalidInputError("file", f"cannot read {str(path)!r}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            "file", f"{str(path)!r} is not UTF-8 text (byte {exc.start})"
        ) from None
    return text, fmt, repr(str(path))


class _Record:
    """One order's raw data with where it came from (CSV line, for messages)."""

    __slots__ = ("data", "line")

    def __init__(self, data: object, line: int | None) -> None:
        self.data = data
        self.line = line


def _json_records(text: str, name: str) -> list[_Record]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            "file", f"{name} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    if isinstance(doc, dict):
        unknown = sorted(set(doc) - {"orders"})
        if unknown:
            raise InvalidInputError(
                "file", f"unknown key {unknown[0]!r}; an orders file holds only 'orders'"
            )
        if "orders" not in doc:
            raise InvalidInputError("file", 'expected {"orders": [...]} or a list of orders')
        doc = doc["orders"]
        if not isinstance(doc, list):
            raise InvalidInputError("orders", f"expected a list, not {_json_type(doc)}")
    elif not isinstance(doc, list):
        raise InvalidInputError(
            "file", f'expected {{"orders": [...]}} or a list of orders, not {_json_type(doc)}'
        )
    return [_Record(entry, None) for entry in doc]


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def _csv_records(text: str, name: str) -> list[_Record]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except csv.Error as exc:  # pragma: no cover - a header line rarely breaks the parser
        raise InvalidInputError("file", f"{name}: line 1: {exc}") from None
    columns = [column.strip() for column in header]
    known = set(CSV_COLUMNS)
    seen: set[str] = set()
    for column in columns:
        if column not in known:
            raise InvalidInputError(
                "columns", f"unknown column {column!r} (line 1); known: {', '.join(CSV_COLUMNS)}"
            )
        if column in seen:
            raise InvalidInputError("columns", f"column {column!r} given twice (line 1)")
        seen.add(column)
    missing = [column for column in REQUIRED_COLUMNS if column not in seen]
    if missing:
        raise InvalidInputError(
            "columns",
            f"missing required column {missing[0]!r} (line 1 has {', '.join(columns)})",
        )
    records: list[_Record] = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # blank line
            if len(row) != len(columns):
                raise InvalidInputError(
                    f"orders[{len(records)}]",
                    f"line {line}: {len(row)} cells under a header of {len(columns)} columns",
                )
            data = {col: cell for col, cell in zip(columns, row, strict=True) if cell.strip()}
            records.append(_Record(data, line))
    except csv.Error as exc:
        raise InvalidInputError("file", f"{name}: line {reader.line_num}: {exc}") from None
    return records


# -- validation ------------------------------------------------------------------------


def _label(data: object, index: int, line: int | None) -> str:
    raw = data.get("id") if isinstance(data, dict) else None
    label = f"order {raw!r}" if isinstance(raw, str) and raw else f"order #{index + 1} (no id)"
    return f"{label} (line {line})" if line is not None else label


def _validate(records: Sequence[_Record], region: Region | None) -> list[Order]:
    orders: list[Order] = []
    first_at: dict[str, int] = {}
    for i, record in enumerate(records):
        prefix = f"orders[{i}]"
        label = _label(record.data, i, record.line)
        if not isinstance(record.data, dict):
            raise InvalidInputError(
                prefix, f"{label}: expected an object, not {_json_type(record.data)}"
            )
        try:
            order = Order.model_validate(record.data)
        except ValidationError as exc:
            err = from_validation_error(exc, prefix, model=Order)
            raise InvalidInputError(err.field, f"{label}: {err.problem}") from None
        if order.id in first_at:
            raise InvalidInputError(
                f"{prefix}.id", f"{label}: duplicate id (first at orders[{first_at[order.id]}])"
            )
        first_at[order.id] = i
        if region is not None:
            for fld in ("origin", "destination"):
                problem = _location_problem(region, getattr(order, fld))
                if problem:
                    raise InvalidInputError(f"{prefix}.{fld}", f"{label}: {problem}")
        orders.append(order)
    return orders


def _location_problem(region: Region, location: str) -> str:
    loc = region.locations.get(location)
    if loc is None:
        return f"unknown location {location!r}"
    if not loc.is_freight_node:
        return f"{location!r} is a junction, not a freight node"
    return ""


def _csv_row(order: Order) -> list[str]:
    row: list[str] = []
    for name in CSV_COLUMNS:
        value: Any = getattr(order, name)
        if value is None:
            row.append("")
        elif name in _MODE_COLUMNS:
            row.append(";".join(mode.value for mode in value))
        elif isinstance(value, float):
            row.append(repr(value))
        elif hasattr(value, "isoformat"):
            row.append(value.isoformat())
        elif hasattr(value, "value"):  # an enum
            row.append(str(value.value))
        else:
            row.append(str(value))
    return row
