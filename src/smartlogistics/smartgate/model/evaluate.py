"""Metrics of a risk ranking at fixed inspection rates, and the evaluation of a model.

Inspection capacity is fixed in practice, so the field reports precision, recall and
revenue at an inspection rate (the top ``ceil(rate · n)`` consignments by score), not
accuracy or F1 (facts sheet, ``../shared/facts/customs.md``). Ties in the score are broken
by row order (earlier rows first), so a ranking — and every figure here — is
deterministic. The AUC is exact: the Mann-Whitney statistic with tied scores given their
average rank, no sampling and no library.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from smartlogistics.errors import InvalidInputError

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import ArrayLike

    from smartlogistics.smartgate.model.artifact import RiskModel

__all__ = ["DEFAULT_RATES", "auc", "evaluate", "metrics_at_rates", "parse_rates", "ranking"]

DEFAULT_RATES = (0.01, 0.02, 0.05, 0.1)


def ranking(scores: ArrayLike) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Row indices from the highest score down; ties in row order (a stable sort)."""
    s = np.asarray(scores, dtype=np.float64)
    return np.argsort(-s, kind="stable").astype(np.int64)


def auc(labels: ArrayLike, scores: ArrayLike) -> float | None:
    """Area under the ROC curve, exactly, with ties averaged.

    Returns ``None`` when the labels hold only one class (the AUC is undefined then).
    """
    y = np.asarray(labels, dtype=np.int64)
    s = np.asarray(scores, dtype=np.float64)
    pos = int(y.sum())
    neg = len(y) - pos
    if pos == 0 or neg == 0:
        return None
    order = np.argsort(s, kind="stable")
    sorted_s = s[order]
    # average 1-based rank of each group of equal scores
    _, first, counts = np.unique(sorted_s, return_index=True, return_counts=True)
    avg = first + (counts + 1) / 2.0
    ranks = np.empty(len(s))
    ranks[order] = np.repeat(avg, counts)
    u = float(ranks[y == 1].sum()) - pos * (pos + 1) / 2.0
    return u / (pos * neg)


def metrics_at_rates(
    labels: ArrayLike,
    scores: ArrayLike,
    rates: Sequence[float] = DEFAULT_RATES,
    values: ArrayLike | None = None,
) -> list[dict[str, Any]]:
    """Precision, recall and (with values) revenue when inspecting the top of the ranking.

    Parameters
    ----------
    labels
        0/1 outcomes.
    scores
        Higher = riskier.
    rates
        Inspection rates in (0, 1]; ``ceil(rate · n)`` rows are inspected.
    values
        Value at stake per row; ``revenue`` is the share of the positives' value that the
        inspected positives hold (``None`` when the positives hold no value).

    Returns
    -------
    list[dict]
        ``{"rate", "inspected", "precision", "recall"[, "revenue"]}`` per rate; recall is
        ``None`` when there are no positives.
    """
    y = np.asarray(labels, dtype=np.int64)
    order = ranking(scores)
    hits = np.cumsum(y[order])
    total = int(y.sum())
    v: np.ndarray[Any, np.dtype[np.float64]] | None = None
    if values is not None:
        v = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0) * (y == 1)
        caught_value = np.cumsum(v[order])
        total_value = float(v.sum())
    n = len(y)
    out: list[dict[str, Any]] = []
    for rate in rates:
        k = min(n, math.ceil(rate * n - 1e-9)) if n else 0
        found = int(hits[k - 1]) if k > 0 else 0
        row: dict[str, Any] = {
            "rate": float(rate),
            "inspected": k,
            "precision": found / k if k else None,
            "recall": found / total if total else None,
        }
        if v is not None:
            caught = float(caught_value[k - 1]) if k > 0 else 0.0
            row["revenue"] = caught / total_value if total_value > 0 else None
        out.append(row)
    return out


def parse_rates(text: str, *, field: str = "--rates") -> tuple[float, ...]:
    """Read ``"0.01,0.02,0.05,0.1"``: comma-separated shares in (0, 1].

    Raises
    ------
    InvalidInputError
        Naming ``field`` and the bad item.
    """
    items = [part.strip() for part in text.split(",")]
    out: list[float] = []
    for item in items:
        try:
            rate = float(item)
        except ValueError:
            raise InvalidInputError(
                field, f"must be comma-separated shares in (0, 1], got {item!r}"
            ) from None
        if not (0.0 < rate <= 1.0):
            raise InvalidInputError(field, f"each rate must be in (0, 1], got {item}")
        out.append(rate)
    return tuple(out)


def evaluate(
    model: RiskModel, df: pd.DataFrame, rates: Sequence[float] = DEFAULT_RATES
) -> dict[str, Any]:
    """Score a labelled table with a model and report the ranking metrics.

    Parameters
    ----------
    model
        A trained :class:`~smartlogistics.smartgate.model.artifact.RiskModel`; its spec
        names the label (and value) columns to read from ``df``.
    df
        The table, with the model's input columns and its label column.
    rates
        Inspection rates.

    Returns
    -------
    dict
        ``{"n", "positives", "auc", "at_rate": [{"rate", "inspected", "precision",
        "recall", "revenue"}]}``; ``revenue`` only when the model has a value column
        that the data holds.

    Raises
    ------
    InvalidInputError
        When the label column is missing or not 0/1, or the data lacks model columns.
    """
    from smartlogistics.smartgate.model.spec import parse_label

    spec = model.spec
    columns = [str(c) for c in df.columns]
    if spec.label not in columns:
        raise InvalidInputError("--label", f"data has no label column {spec.label!r}")
    for rate in rates:
        if not (0.0 < rate <= 1.0):
            raise InvalidInputError("rates", f"each rate must be in (0, 1], got {rate}")
    y = parse_label(df[spec.label], spec.label).to_numpy()
    scores = model.score_frame(df)
    values = None
    if spec.value is not None and spec.value in columns:
        from smartlogistics.smartgate.model.features import numbers

        values = numbers(df[spec.value])
    return {
        "n": len(y),
        "positives": int(y.sum()),
        "auc": auc(y, scores),
        "at_rate": metrics_at_rates(y, scores, rates, values),
    }
