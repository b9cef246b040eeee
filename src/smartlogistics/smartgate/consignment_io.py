"""Reading and writing consignment files (JSON and CSV).

Two formats, both described in ``docs/smartgate.md``:

- **JSON**: ``{"consignments": [ {...}, ... ]}``, a bare list, or one consignment object
  (what a single HTTP screening request holds); each entry holds the
  :class:`~smartlogistics.smartgate.consignment.Consignment` fields
  (what :meth:`Consignment.to_json` writes).
- **CSV**: one consignment per row under a header of :data:`CSV_COLUMNS` names; the
  ``routing`` cell is ``;``-separated (``AMS;DXB``) and an empty cell means "not given".
  The columns the synthetic history adds (``date``, ``label``, ``value_at_stake``,
  ``is_synthetic``) are ignored by default, so a history file can be screened as it is.

Only ``id`` is required: missing 7+1 elements are accepted and become a request for
information when screened. Bad input never ends in a traceback: it raises
:class:`~smartlogistics.errors.InvalidInputError` whose ``field`` is the consignment's path
(``consignments[4].gross_weight_kg``) and whose ``problem`` starts with the consignment's
id (and, for CSV, the line number); problems with the file as a whole name ``file`` (or
``columns`` for a CSV header). The house style is the planner's ``orders_io``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Final, Literal

from pydantic import ValidationError

from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate.consignment import CSV_COLUMNS, Consignment
from smartlogistics.values import from_validation_error

__all__ = [
    "CSV_COLUMNS",
    "HISTORY_COLUMNS",
    "REQUIRED_COLUMNS",
    "ConsignmentFormat",
    "consignments_text",
    "parse_consignments",
    "read_consignments",
    "write_consignments",
]

ConsignmentFormat = Literal["json", "csv"]
"""The two consignment file formats."""

#: Columns a CSV file must have: only the id (missing 7+1 data is an RFI, not an error).
REQUIRED_COLUMNS: Final[tuple[str, ...]] = ("id",)

#: Columns of the synthetic history that are not consignment data; ignored when reading.
HISTORY_COLUMNS: Final[tuple[str, ...]] = ("date", "label", "value_at_stake", "is_synthetic")

_SUFFIXES: Mapping[str, ConsignmentFormat] = {".json": "json", ".csv": "csv"}
_WRAPPER = "consignments"


def read_consignments(
    path_or_text: str | Path,
    *,
    format: ConsignmentFormat | None = None,
    ignore_columns: Collection[str] = HISTORY_COLUMNS,
) -> list[Consignment]:
    """Read a batch of consignments from a JSON or CSV file (or text).

    Parameters
    ----------
    path_or_text
        A :class:`~pathlib.Path`, a file name, or the file's contents. A ``str`` is taken
        as contents when it contains a line break or starts with ``{`` or ``[``, else as a
        file name.
    format
        ``"json"`` or ``"csv"``. By default the suffix decides (``.json``, ``.csv``); for
        text, a leading ``{`` or ``[`` means JSON, anything else CSV.
    ignore_columns
        CSV columns (or JSON keys) that are read past, by default the history's
        :data:`HISTORY_COLUMNS`. Any other unknown column or key is an error.

    Returns
    -------
    list of Consignment
        In file order.

    Raises
    ------
    InvalidInputError
        ``file`` for an unreadable, empty or malformed file; ``columns`` for a CSV header
        without ``id`` or with an unknown or repeated column; ``consignments[i].<field>``
        (0-based position) for a bad consignment, with a problem such as
        ``consignment 'C-17' (line 19): Input should be greater than 0``; a repeated id
        names ``consignments[i].id``.
    """
    text, fmt, name = _load(path_or_text, format)
    if not text.strip():
        raise InvalidInputError("file", f"{name} is empty")
    records = _json_records(text, name) if fmt == "json" else _csv_records(text, name)
    return _validate(records, frozenset(ignore_columns))


def parse_consignments(
    data: object, *, ignore_columns: Collection[str] = HISTORY_COLUMNS
) -> list[Consignment]:
    """Validate already-parsed JSON (an HTTP body): one object, a list, or the wrapper.

    Parameters
    ----------
    data
        ``{"consignments": [...]}``, a list of consignment objects, or one object.
    ignore_columns
        Keys read past, as for :func:`read_consignments`.

    Returns
    -------
    list of Consignment
        In order; one element for a single object.

    Raises
    ------
    InvalidInputError
        As :func:`read_consignments` (``file`` becomes the body as a whole).
    """
    return _validate(_doc_records(data), frozenset(ignore_columns))


def write_consignments(
    consignments: Iterable[Consignment],
    path: str | Path,
    *,
    format: ConsignmentFormat | None = None,
) -> None:
    """Write consignments to a JSON or CSV file that :func:`read_consignments` reads back.

    Parameters
    ----------
    consignments
        The consignments, written in the given order.
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
    target.write_text(consignments_text(consignments, fmt), encoding="utf-8")


def consignments_text(consignments: Iterable[Consignment], format: ConsignmentFormat) -> str:
    """Return the consignments as the text of a JSON or CSV consignments file.

    Parameters
    ----------
    consignments
        The consignments.
    format
        ``"json"`` or ``"csv"``.

    Returns
    -------
    str
        JSON as ``{"consignments": [...]}`` with two-space indents; CSV with a header of
        :data:`CSV_COLUMNS` (floats written with ``repr``, so they read back exactly).
        Both end with a newline.
    """
    if format == "json":
        doc = {_WRAPPER: [c.to_json() for c in consignments]}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for consignment in consignments:
            writer.writerow(_csv_row(consignment))
        return buf.getvalue()
    raise InvalidInputError("format", f"expected 'json' or 'csv', not {format!r}")


# -- loading ---------------------------------------------------------------------------


def _format_from_suffix(path: Path) -> ConsignmentFormat:
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


def _load(
    path_or_text: str | Path, format: ConsignmentFormat | None
) -> tuple[str, ConsignmentFormat, str]:
    """Return the text, its format and a name for messages."""
    if format is not None and format not in ("json", "csv"):
        raise InvalidInputError("format", f"expected 'json' or 'csv', not {format!r}")
    if isinstance(path_or_text, str) and _looks_like_text(path_or_text):
        text = path_or_text
        fmt: ConsignmentFormat = format or ("json" if text.lstrip()[:1] in ("{", "[") else "csv")
        return text, fmt, "the consignments text"
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
    """One consignment's raw data with where it came from (CSV line, for messages)."""

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
    return _doc_records(doc)


def _doc_records(doc: object) -> list[_Record]:
    if isinstance(doc, dict) and _WRAPPER in doc:
        unknown = sorted(set(doc) - {_WRAPPER})
        if unknown:
            raise InvalidInputError(
                "file", f"unknown key {unknown[0]!r}; a consignments file holds only 'consignments'"
            )
        doc = doc[_WRAPPER]
        if not isinstance(doc, list):
            raise InvalidInputError(_WRAPPER, f"expected a list, not {_json_type(doc)}")
    elif isinstance(doc, dict):
        doc = [doc]  # one consignment
    elif not isinstance(doc, list):
        raise InvalidInputError(
            "file",
            f'expected {{"consignments": [...]}}, a list or one consignment, not {_json_type(doc)}',
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
    known = set(CSV_COLUMNS) | set(HISTORY_COLUMNS)
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
                    f"{_WRAPPER}[{len(records)}]",
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
    label = (
        f"consignment {raw!r}"
        if isinstance(raw, str) and raw.strip()
        else f"consignment #{index + 1} (no id)"
    )
    return f"{label} (line {line})" if line is not None else label


def _validate(records: Sequence[_Record], ignore: frozenset[str]) -> list[Consignment]:
    out: list[Consignment] = []
    first_at: dict[str, int] = {}
    for i, record in enumerate(records):
        prefix = f"{_WRAPPER}[{i}]"
        label = _label(record.data, i, record.line)
        data = record.data
        if not isinstance(data, dict):
            raise InvalidInputError(prefix, f"{label}: expected an object, not {_json_type(data)}")
        if ignore and not ignore.isdisjoint(data):
            data = {k: v for k, v in data.items() if k not in ignore}
        try:
            consignment = Consignment.model_validate(data)
        except ValidationError as exc:
            err = from_validation_error(exc, prefix, model=Consignment)
            raise InvalidInputError(err.field, f"{label}: {err.problem}") from None
        if consignment.id in first_at:
            raise InvalidInputError(
                f"{prefix}.id",
                f"{label}: duplicate id (first at {_WRAPPER}[{first_at[consignment.id]}])",
            )
        first_at[consignment.id] = i
        out.append(consignment)
    return out


def _csv_row(consignment: Consignment) -> list[str]:
    row: list[str] = []
    for value in consignment.to_record().values():
        if value is None:
            row.append("")
        elif isinstance(value, float):
            row.append(repr(value))
        else:
            row.append(str(value))
    return row
