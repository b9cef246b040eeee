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

from collections.abc import Iterable, Sequence
from pathlib import Path

from smartlogistics.network.region import Region
from smartlogistics.planner.order import Order
from smartlogistics.tabular import Record, Table, TableFormat
from smartlogistics.values import parse_model

__all__ = [
    "CSV_COLUMNS",
    "REQUIRED_COLUMNS",
    "OrderFormat",
    "orders_text",
    "read_orders",
    "write_orders",
]

OrderFormat = TableFormat
"""The two order file formats (``"json"``, ``"csv"``)."""

#: Columns of an orders CSV file, in the order :func:`write_orders` writes them.
CSV_COLUMNS: tuple[str, ...] = tuple(Order.model_fields)

#: Columns a CSV file must have (the :class:`Order` fields without a default).
REQUIRED_COLUMNS: tuple[str, ...] = tuple(
    name for name, info in Order.model_fields.items() if info.is_required()
)

_TABLE = Table(
    noun="order",
    plural="orders",
    key="orders",
    columns=CSV_COLUMNS,
    required=REQUIRED_COLUMNS,
    list_columns=("preferred_modes", "forbidden_modes"),
)


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
    return _validate(_TABLE.read(path_or_text, format), region)


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
    _TABLE.write(orders, path, format, to_json=Order.to_json, to_row=_csv_row)


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
    return _TABLE.text(orders, format, to_json=Order.to_json, to_row=_csv_row)


# -- validation ------------------------------------------------------------------------


def _validate(records: Sequence[Record], region: Region | None) -> list[Order]:
    def parse(data: dict[str, object], prefix: str) -> Order:
        return parse_model(Order, data, prefix)

    def check(order: Order) -> tuple[str, str] | None:
        if region is not None:
            for fld in ("origin", "destination"):
                problem = _location_problem(region, getattr(order, fld))
                if problem:
                    return fld, problem
        return None

    return _TABLE.validate(records, parse, _order_id, check=check)


def _order_id(order: Order) -> str:
    return order.id


def _location_problem(region: Region, location: str) -> str:
    loc = region.locations.get(location)
    if loc is None:
        return f"unknown location {location!r}"
    if not loc.is_freight_node:
        return f"{location!r} is a junction, not a freight node"
    return ""


def _csv_row(order: Order) -> dict[str, object]:
    return {name: getattr(order, name) for name in CSV_COLUMNS}
