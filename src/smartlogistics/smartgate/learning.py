"""Learning from the decision log: retrain the risk model on decisions with outcomes.

The decision log (``smartlogistics.db``) hands over its labelled history as plain records
(``DecisionLog.labelled_history()``: each decided consignment's
:meth:`~smartlogistics.smartgate.consignment.Consignment.to_record` plus ``date``, the
decision time, ``label``, 1 when the latest inspection found it illicit, and
``value_at_stake``). This module turns those records into the table ``train`` reads —
written as CSV text and parsed exactly as ``read_table`` parses a file, so retraining
from the log is training on the log's CSV export — and trains with the column spec of a
base model or the default spec of the consignment columns. SmartGate stays free of the
database: the caller reads the log.

Too little to learn from is refused before training: fewer than ``min_rows`` labelled
rows, or fewer than ``min_per_class`` of either class (a history of one class cannot
teach a classifier anything).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate.consignment import CSV_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

    from smartlogistics.smartgate.model import ColumnSpec, RiskModel

__all__ = [
    "LOG_COLUMNS",
    "MIN_PER_CLASS",
    "MIN_ROWS",
    "default_spec",
    "history_csv",
    "history_frame",
    "retrain",
    "retrain_spec",
]

#: Columns of the log's labelled history besides the consignment's: its role columns.
LOG_COLUMNS: Final[tuple[str, ...]] = ("date", "label", "value_at_stake")

#: Fewest labelled rows :func:`retrain` trains on (LightGBM leaves hold at least 100 rows).
MIN_ROWS: Final[int] = 200

#: Fewest rows of each class (illicit and clean) :func:`retrain` trains on.
MIN_PER_CLASS: Final[int] = 5


def default_spec() -> ColumnSpec:
    """Return the spec of the log's history: ``id``, ``date``, ``label``, ``value_at_stake``."""
    from smartlogistics.smartgate.model import ColumnSpec

    return ColumnSpec(label="label", id="id", date="date", value="value_at_stake")


def retrain_spec(base: ColumnSpec | None, columns: Sequence[str]) -> ColumnSpec:
    """Return the spec to retrain with: the base model's overrides, the log's roles.

    The roles are the log's (``label``, ``id``, ``date``, ``value_at_stake``), whatever
    the base history called them; the base's ``exclude``, ``categorical`` and ``numeric``
    lists are kept for the columns the log has (a base trained on another table may name
    columns the log does not hold).

    Parameters
    ----------
    base
        The base model's spec, or ``None`` for :func:`default_spec`.
    columns
        The columns of the log's history.
    """
    spec = default_spec()
    if base is None:
        return spec
    have = set(columns)
    roles = {spec.label, spec.id, spec.date, spec.value}
    renamed = {base.label, base.id, base.date, base.value} - {None}

    def keep(names: Sequence[str]) -> tuple[str, ...]:
        return tuple(n for n in names if n in have and n not in roles and n not in renamed)

    return type(spec)(
        label=spec.label,
        id=spec.id,
        date=spec.date,
        value=spec.value,
        exclude=keep(base.exclude),
        categorical=keep(base.categorical),
        numeric=keep(base.numeric),
    )


def history_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """Write labelled-history records as CSV text (what a history file holds).

    Columns: :data:`~smartlogistics.smartgate.consignment.CSV_COLUMNS`, then
    :data:`LOG_COLUMNS`, then any other key in order of first appearance. Missing values
    are empty cells; lists are ``;``-joined; floats are written with ``repr``.
    """
    extra: dict[str, None] = {}
    for row in rows:
        for key in row:
            if key not in extra:
                extra[key] = None
    columns = [*CSV_COLUMNS, *LOG_COLUMNS]
    columns += [k for k in extra if k not in set(columns)]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in columns])
    return buf.getvalue()


def history_frame(rows: Sequence[Mapping[str, Any]]) -> tuple[pd.DataFrame, str]:
    """Return the records as the table ``train`` reads, and the SHA-256 of its CSV text.

    Parsed as ``smartgate.model.read_table`` parses a file: every value text, empty cells
    missing.
    """
    import pandas as pd

    text = history_csv(rows)
    frame = pd.read_csv(
        io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""], skipinitialspace=False
    )
    return frame, hashlib.sha256(text.encode("utf-8")).hexdigest()


def retrain(
    rows: Sequence[Mapping[str, Any]],
    *,
    base: RiskModel | None = None,
    seed: int = 0,
    min_rows: int = MIN_ROWS,
    min_per_class: int = MIN_PER_CLASS,
) -> RiskModel:
    """Train a new risk model on a labelled history given as records (the decision log's).

    Parameters
    ----------
    rows
        Records with a ``label`` (0/1) and the consignment columns, in time order
        (``DecisionLog.labelled_history()``).
    base
        The model in use: its column spec's overrides are kept (:func:`retrain_spec`).
    seed
        Seed of the training.
    min_rows, min_per_class
        The least history to learn from.

    Returns
    -------
    RiskModel
        Trained with a time-ordered validation on ``date``; its ``data_sha256`` is that
        of :func:`history_csv` of ``rows``.

    Raises
    ------
    InvalidInputError
        ``history: ...`` when there are fewer than ``min_rows`` rows, a label that is not
        0/1, or fewer than ``min_per_class`` rows of a class; else what ``train`` raises.
    """
    from smartlogistics.smartgate.model import train

    n = len(rows)
    if n < min_rows:
        raise InvalidInputError(
            "history",
            f"{n} labelled decisions; retraining needs at least {min_rows}"
            " (record more inspection outcomes)",
        )
    positives = 0
    for i, row in enumerate(rows):
        label = row.get("label")
        if label not in (0, 1):
            raise InvalidInputError("history", f"row {i + 1} has label {label!r}, not 0 or 1")
        positives += int(label)
    negatives = n - positives
    if min(positives, negatives) < min_per_class:
        kind = "illicit" if positives < negatives else "clean"
        raise InvalidInputError(
            "history",
            f"{positives} illicit and {negatives} clean of {n} labelled decisions; retraining"
            f" needs at least {min_per_class} {kind}",
        )
    frame, digest = history_frame(rows)
    spec = retrain_spec(base.spec if base is not None else None, [str(c) for c in frame.columns])
    return train(frame, spec, seed=seed, data_sha256=digest)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return "" if value != value else repr(value)
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value)
