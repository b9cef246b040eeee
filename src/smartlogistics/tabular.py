"""Reading and writing tables of records as JSON or CSV, with errors that say where.

Every ``*_io`` module of the platform (orders for the planner, consignments for SmartGate)
reads a batch of records from a file or its text and writes one back, in two formats:

- **JSON**: ``{"<key>": [ {...}, ... ]}`` or a bare list of objects (and, where the table
  allows it, one object on its own);
- **CSV**: one record per row under a header of column names; an empty cell means "not
  given", so it is left out of the record's mapping.

What differs between the tables — the nouns in messages, the JSON wrapper key, the columns
(required, optional, ignored), the list-valued columns — is a :class:`Table`; the loading
and writing is written once here, so every file of the platform fails the same way. Bad
input raises :class:`~smartlogistics.errors.InvalidInputError`: ``format`` for an unknown
format, ``file`` for an unreadable, empty or malformed file (naming the file, and for CSV
the line), ``columns`` for a bad CSV header, ``<key>`` for a wrapper that holds no list and
``<key>[i]`` for a CSV row with the wrong number of cells. Validating each record's mapping
as a model stays with the ``*_io`` module that knows the model; :meth:`Table.label` gives
the words its messages start with (``order 'O-17' (line 19)``).

This module imports only the standard library and :mod:`smartlogistics.errors`, so any
part of the platform may use it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, TypeVar

from smartlogistics.errors import InvalidInputError

__all__ = [
    "FORMATS",
    "Record",
    "Table",
    "TableFormat",
    "csv_cell",
    "format_from_suffix",
    "json_type",
    "looks_like_text",
]

TableFormat = Literal["json", "csv"]
"""The two table file formats."""

#: The file suffixes that name a format (compared in lower case).
FORMATS: Final[Mapping[str, TableFormat]] = {".json": "json", ".csv": "csv"}

T = TypeVar("T")
M = TypeVar("M")


@dataclass(frozen=True, slots=True)
class Record:
    """One record's raw data as read, with where it came from.

    Parameters
    ----------
    data
        The JSON value of the entry (for CSV: a ``dict`` of the row's non-blank cells, as
        text); not checked to be a mapping, so that the caller's message can name it.
    line
        The CSV line the row ends on (1 is the header); ``None`` for JSON.
    """

    data: object
    line: int | None


@dataclass(frozen=True, slots=True)
class Table:
    """What a kind of table file holds, and how its messages name it.

    Parameters
    ----------
    noun
        One record in words: ``"order"``, ``"consignment"`` (labels, ``one consignment``).
    plural
        Records in words: ``"orders"`` (``the orders text``, ``an orders file``).
    key
        The JSON wrapper key (``{"orders": [...]}``), also the path of the records in
        messages (``orders[4]``).
    columns
        The CSV columns, in the order they are written; each may be given when reading.
    required
        Columns a CSV header must have (a subset of ``columns``).
    ignored
        Further columns a CSV header may have (such as a history's ``label``); they are
        read into the record like any other but never written. Their values are the
        caller's to drop. Not named in the "known" list of an unknown-column message.
    list_columns
        Columns whose values are sequences, written ``;``-joined (``barge;rail``). Reading
        them back (splitting the cell) is the model's job.
    single_object
        Whether a JSON document may be one record object on its own (as an HTTP request
        body holds); otherwise an object must be the wrapper.
    blank_id_is_missing
        Whether an ``id`` of blank text counts as no id in a label (for models that strip
        their text, where such an id is missing); otherwise any non-empty text is the id.
    """

    noun: str
    plural: str
    key: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    ignored: tuple[str, ...] = ()
    list_columns: tuple[str, ...] = ()
    single_object: bool = False
    blank_id_is_missing: bool = False

    # -- reading -------------------------------------------------------------------------

    def read(self, path_or_text: str | Path, format: TableFormat | None = None) -> list[Record]:
        """Read the records of a JSON or CSV file (or text), unvalidated.

        Parameters
        ----------
        path_or_text
            A :class:`~pathlib.Path`, a file name, or the file's contents. A ``str`` is taken
            as contents when it contains a line break or starts with ``{`` or ``[``, else
            as a file name. Files are decoded as UTF-8 (a byte-order mark is dropped).
        format
            ``"json"`` or ``"csv"``. By default the file's suffix decides (``.json``,
            ``.csv``); for text, a leading ``{`` or ``[`` means JSON, anything else CSV.

        Returns
        -------
        list of Record
            In file order; blank CSV lines are skipped.

        Raises
        ------
        InvalidInputError
            ``format`` for an unknown format or suffix; ``file`` for a missing, unreadable,
            non-UTF-8, empty or malformed file; ``columns`` for a CSV header with an unknown
            or repeated column or without a required one; ``<key>`` when the wrapper holds
            no list; ``<key>[i]`` for a CSV row with too few or too many cells.
        """
        text, fmt, name = self._load(path_or_text, format)
        if not text.strip():
            raise InvalidInputError("file", f"{name} is empty")
        return self._json_records(text, name) if fmt == "json" else self._csv_records(text, name)

    def records(self, doc: object) -> list[Record]:
        """Return the records of an already-parsed JSON document (an HTTP body).

        Parameters
        ----------
        doc
            ``{"<key>": [...]}``, a list, or (when :attr:`single_object`) one object.

        Returns
        -------
        list of Record
            One per entry, in order (one for a single object); lines are ``None``.

        Raises
        ------
        InvalidInputError
            ``file`` for another shape or an object with other keys than the wrapper's;
            ``<key>`` when the wrapper holds no list.
        """
        if isinstance(doc, dict) and (self.key in doc or not self.single_object):
            unknown = sorted(set(doc) - {self.key})
            if unknown:
                article = "an" if self.plural[:1].lower() in "aeiou" else "a"
                raise InvalidInputError(
                    "file",
                    f"unknown key {unknown[0]!r}; {article} {self.plural} file holds only"
                    f" {self.key!r}",
                )
            if self.key not in doc:
                raise InvalidInputError("file", f"expected {self._shapes()}")
            doc = doc[self.key]
            if not isinstance(doc, list):
                raise InvalidInputError(self.key, f"expected a list, not {json_type(doc)}")
        elif isinstance(doc, dict):
            doc = [doc]  # one record
        elif not isinstance(doc, list):
            raise InvalidInputError("file", f"expected {self._shapes()}, not {json_type(doc)}")
        return [Record(entry, None) for entry in doc]

    def label(self, record: Record, index: int) -> str:
        """Name a record for the start of a message about it.

        Parameters
        ----------
        record
            The record.
        index
            Its 0-based position in the file.

        Returns
        -------
        str
            ``order 'O-17'`` by its ``id`` text, else ``order #5 (no id)`` by its 1-based
            position; `` (line 19)`` follows for a CSV record.
        """
        data = record.data
        raw = data.get("id") if isinstance(data, dict) else None
        given = isinstance(raw, str) and bool(raw.strip() if self.blank_id_is_missing else raw)
        label = f"{self.noun} {raw!r}" if given else f"{self.noun} #{index + 1} (no id)"
        return f"{label} (line {record.line})" if record.line is not None else label

    def validate(
        self,
        records: Sequence[Record],
        parse: Callable[[dict[str, object], str], M],
        id_of: Callable[[M], str],
        *,
        prepare: Callable[[dict[str, object]], dict[str, object]] | None = None,
        check: Callable[[M], tuple[str, str] | None] | None = None,
    ) -> list[M]:
        """Turn records into values, each problem named by the record's path and label.

        Parameters
        ----------
        records
            As :meth:`read` or :meth:`records` returned them.
        parse
            Validates one record's mapping, given the record's path (``orders[4]``), and
            raises :class:`InvalidInputError` with the full field path (as
            :func:`smartlogistics.values.parse_model` does).
        id_of
            A value's id; ids must be unique in the table.
        prepare
            Rewrites a record's mapping before ``parse`` (e.g. drops ignored columns).
        check
            Further checks of a valid value: ``(field, problem)`` with the field relative
            to the record, or ``None`` when it passes.

        Returns
        -------
        list
            The values, in record order.

        Raises
        ------
        InvalidInputError
            ``<key>[i]`` for an entry that is not an object, ``<key>[i].<field>`` for a bad
            field (``parse``'s or ``check``'s), ``<key>[i].id`` for a repeated id; each
            problem starts with :meth:`label` (``order 'O-3': duplicate id (first at
            orders[1])``).
        """
        out: list[M] = []
        first_at: dict[str, int] = {}
        for i, record in enumerate(records):
            prefix = f"{self.key}[{i}]"
            label = self.label(record, i)
            data = record.data
            if not isinstance(data, dict):
                raise InvalidInputError(
                    prefix, f"{label}: expected an object, not {json_type(data)}"
                )
            if prepare is not None:
                data = prepare(data)
            try:
                value = parse(data, prefix)
            except InvalidInputError as err:
                raise InvalidInputError(err.field, f"{label}: {err.problem}") from None
            key = id_of(value)
            if key in first_at:
                raise InvalidInputError(
                    f"{prefix}.id",
                    f"{label}: duplicate id (first at {self.key}[{first_at[key]}])",
                )
            first_at[key] = i
            if check is not None:
                problem = check(value)
                if problem is not None:
                    raise InvalidInputError(f"{prefix}.{problem[0]}", f"{label}: {problem[1]}")
            out.append(value)
        return out

    # -- writing -------------------------------------------------------------------------

    def text(
        self,
        items: Iterable[T],
        format: TableFormat,
        *,
        to_json: Callable[[T], object],
        to_row: Callable[[T], Mapping[str, object]],
    ) -> str:
        """Return items as the text of a JSON or CSV file that :meth:`read` reads back.

        Parameters
        ----------
        items
            The records, written in the given order.
        format
            ``"json"`` or ``"csv"``.
        to_json
            An item's JSON value (a JSON file's entry).
        to_row
            An item's values by column name; every one of :attr:`columns` must be a key.
            Each value is written by :func:`csv_cell` (``;``-joined for a list column).

        Returns
        -------
        str
            JSON as ``{"<key>": [...]}`` with two-space indents and non-ASCII text as it
            is; CSV with a header of :attr:`columns`. Both end with a newline.

        Raises
        ------
        InvalidInputError
            ``format`` for another format.
        """
        if format == "json":
            doc = {self.key: [to_json(item) for item in items]}
            return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        if format == "csv":
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow(self.columns)
            lists = frozenset(self.list_columns)
            for item in items:
                row = to_row(item)
                writer.writerow(csv_cell(row[name], joined=name in lists) for name in self.columns)
            return buf.getvalue()
        raise InvalidInputError("format", f"expected 'json' or 'csv', not {format!r}")

    def write(
        self,
        items: Iterable[T],
        path: str | Path,
        format: TableFormat | None = None,
        *,
        to_json: Callable[[T], object],
        to_row: Callable[[T], Mapping[str, object]],
    ) -> None:
        """Write items to a JSON or CSV file (UTF-8, overwritten), as :meth:`text` says.

        Parameters
        ----------
        items, to_json, to_row
            As for :meth:`text`.
        path
            Target file. Its suffix chooses the format unless ``format`` is given.
        format
            ``"json"`` or ``"csv"``.

        Raises
        ------
        InvalidInputError
            ``format`` when neither ``format`` nor the suffix names a known format.
        """
        target = Path(path)
        fmt = format or format_from_suffix(target)
        target.write_text(self.text(items, fmt, to_json=to_json, to_row=to_row), encoding="utf-8")

    # -- loading -------------------------------------------------------------------------

    def _shapes(self) -> str:
        """Say in words which JSON shapes are accepted."""
        if self.single_object:
            return f'{{"{self.key}": [...]}}, a list or one {self.noun}'
        return f'{{"{self.key}": [...]}} or a list of {self.plural}'

    def _load(
        self, path_or_text: str | Path, format: TableFormat | None
    ) -> tuple[str, TableFormat, str]:
        """Return the text, its format and a name for messages."""
        if format is not None and format not in ("json", "csv"):
            raise InvalidInputError("format", f"expected 'json' or 'csv', not {format!r}")
        if isinstance(path_or_text, str) and looks_like_text(path_or_text):
            text = path_or_text
            fmt: TableFormat = format or ("json" if text.lstrip()[:1] in ("{", "[") else "csv")
            return text, fmt, f"the {self.plural} text"
        path = Path(path_or_text)
        fmt = format or format_from_suffix(path)
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

    def _json_records(self, text: str, name: str) -> list[Record]:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(
                "file",
                f"{name} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            ) from None
        return self.records(doc)

    def _csv_records(self, text: str, name: str) -> list[Record]:
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader)
        except csv.Error as exc:  # pragma: no cover - a header line rarely breaks the parser
            raise InvalidInputError("file", f"{name}: line 1: {exc}") from None
        columns = [column.strip() for column in header]
        known = set(self.columns) | set(self.ignored)
        seen: set[str] = set()
        for column in columns:
            if column not in known:
                raise InvalidInputError(
                    "columns",
                    f"unknown column {column!r} (line 1); known: {', '.join(self.columns)}",
                )
            if column in seen:
                raise InvalidInputError("columns", f"column {column!r} given twice (line 1)")
            seen.add(column)
        missing = [column for column in self.required if column not in seen]
        if missing:
            raise InvalidInputError(
                "columns",
                f"missing required column {missing[0]!r} (line 1 has {', '.join(columns)})",
            )
        records: list[Record] = []
        try:
            for row in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue  # blank line
                if len(row) != len(columns):
                    raise InvalidInputError(
                        f"{self.key}[{len(records)}]",
                        f"line {line}: {len(row)} cells under a header of {len(columns)} columns",
                    )
                data = {col: cell for col, cell in zip(columns, row, strict=True) if cell.strip()}
                records.append(Record(data, line))
        except csv.Error as exc:
            raise InvalidInputError("file", f"{name}: line {reader.line_num}: {exc}") from None
        return records


def format_from_suffix(path: Path) -> TableFormat:
    """Return the format a file's suffix names (:data:`FORMATS`).

    Raises
    ------
    InvalidInputError
        ``format`` for another suffix, saying how to name the format instead.
    """
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InvalidInputError(
            "format",
            f"cannot tell the format of {str(path)!r} from its suffix;"
            " use .json or .csv, or say format='json' or 'csv'",
        )
    return fmt


def looks_like_text(value: str) -> bool:
    """Tell a file's contents from a file name: a line break, or a leading ``{`` or ``[``."""
    return "\n" in value or value.lstrip().startswith(("{", "["))


def json_type(value: object) -> str:
    """Name a JSON value's type for a message: ``an object``, ``a number``, ``null`` ..."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def csv_cell(value: object, *, joined: bool = False) -> str:
    """Write one value as CSV cell text that reads back as the same value.

    Parameters
    ----------
    value
        ``None`` (an empty cell), a float (``repr``, so it reads back exactly), a date or
        datetime (ISO 8601), an enum (its value) or anything else (``str``).
    joined
        Whether ``value`` is a sequence of such values, written ``;``-joined.

    Returns
    -------
    str
        The cell.
    """
    if value is None:
        return ""
    if joined and isinstance(value, Iterable) and not isinstance(value, str):
        return ";".join(csv_cell(part) for part in value)
    if isinstance(value, float):
        return repr(value)
    isoformat = getattr(value, "isoformat", None)
    if isoformat is not None:
        return str(isoformat())
    if hasattr(value, "value"):  # an enum
        return str(value.value)
    return str(value)
