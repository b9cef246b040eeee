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

from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Final

from smartlogistics.smartgate.consignment import CSV_COLUMNS, Consignment
from smartlogistics.tabular import Record, Table, TableFormat
from smartlogistics.values import parse_model

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

ConsignmentFormat = TableFormat
"""The two consignment file formats (``"json"``, ``"csv"``)."""

#: Columns a CSV file must have: only the id (missing 7+1 data is an RFI, not an error).
REQUIRED_COLUMNS: Final[tuple[str, ...]] = ("id",)

#: Columns of the synthetic history that are not consignment data; ignored when reading.
HISTORY_COLUMNS: Final[tuple[str, ...]] = ("date", "label", "value_at_stake", "is_synthetic")

_WRAPPER = "consignments"
_TABLE = Table(
    noun="consignment",
    plural="consignments",
    key=_WRAPPER,
    columns=CSV_COLUMNS,
    required=REQUIRED_COLUMNS,
    ignored=HISTORY_COLUMNS,
    single_object=True,
    blank_id_is_missing=True,
)


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
    return _validate(_TABLE.read(path_or_text, format), frozenset(ignore_columns))


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
    return _validate(_TABLE.records(data), frozenset(ignore_columns))


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
    _TABLE.write(
        consignments, path, format, to_json=Consignment.to_json, to_row=Consignment.to_record
    )


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
    return _TABLE.text(
        consignments, format, to_json=Consignment.to_json, to_row=Consignment.to_record
    )


# -- validation ------------------------------------------------------------------------


def _validate(records: Sequence[Record], ignore: frozenset[str]) -> list[Consignment]:
    def prepare(data: dict[str, object]) -> dict[str, object]:
        if ignore and not ignore.isdisjoint(data):
            return {k: v for k, v in data.items() if k not in ignore}
        return data

    return _TABLE.validate(records, _parse, _consignment_id, prepare=prepare)


def _parse(data: dict[str, object], prefix: str) -> Consignment:
    return parse_model(Consignment, data, prefix)


def _consignment_id(consignment: Consignment) -> str:
    return consignment.id
