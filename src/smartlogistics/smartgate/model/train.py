"""Training of the risk model on any labelled tabular history.

The steps, in order, and why:

1. **Check the spec** against the table and read the label (0/1 or boolean-like, no
   gaps): a wrong column name fails at once, naming it.
2. **Split without leakage.** With a date column, training takes the earliest rows and
   validation the rows *strictly later* than every training row (the cut falls between
   two distinct dates), as it will be in production: the model is judged on a period it
   has not seen. Without a date, a seeded random 80/20 split. A separate ``valid`` table
   replaces the split.
3. **Infer column kinds and fit the features on the training part only** (category
   mappings, out-of-fold target encodings, vocabularies, chapter medians), then transform
   the validation part with them: a code first seen in validation is unknown to the model.
4. **Boost**: LightGBM binary with early stopping on validation average precision (the
   top of the ranking is what inspectors see). Class imbalance: ``scale_pos_weight`` of 1
   and of ``sqrt(negatives/positives)`` are both tried and the one with the better mean
   precision at the inspection rates on validation is kept. ``deterministic=True``, one
   seed, two threads: the same data and seed give the same model text.
5. **Report** validation AUC and precision/recall/revenue at 1, 2, 5 and 10 %.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate.model.artifact import RiskModel
from smartlogistics.smartgate.model.evaluate import DEFAULT_RATES, auc, metrics_at_rates
from smartlogistics.smartgate.model.features import (
    NATIVE_MAX,
    FeatureEncoder,
    category_keys,
    coverage,
    numbers,
    parse_dates,
)
from smartlogistics.smartgate.model.spec import ColumnPlan, ColumnSpec, infer_columns, parse_label

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

__all__ = ["DEFAULT_PARAMS", "VALID_SHARE", "frame_sha256", "split", "train"]

#: Share of rows (the latest ones, with a date) held out for validation.
VALID_SHARE = 0.2

#: LightGBM parameters; ``seed`` and ``scale_pos_weight`` are set per run.
DEFAULT_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "metric": ["average_precision", "auc"],
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 100,
    "feature_fraction": 0.7,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 5.0,
    "cat_smooth": 10.0,
    "cat_l2": 10.0,
    "max_cat_to_onehot": 4,
    "max_bin": 255,
    "num_threads": 2,
    "deterministic": True,
    "force_row_wise": True,
    "verbose": -1,
}
ROUNDS = 600
EARLY_STOPPING = 40


def frame_sha256(df: pd.DataFrame) -> str:
    """Hash (SHA-256) a frame's column names and values (for data not read from a file)."""
    import pandas as pd

    digest = hashlib.sha256("\x1f".join(str(c) for c in df.columns).encode())
    digest.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def split(
    df: pd.DataFrame, spec: ColumnSpec, *, seed: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Row positions of the training and validation parts.

    With ``spec.date``: every validation date is strictly later than every training date;
    the cut is the first distinct date at or after the ``1 - VALID_SHARE`` quantile of the
    rows. Without: a seeded random split.

    Raises
    ------
    InvalidInputError
        When a date is unreadable, or the dates do not allow two non-empty parts.
    """
    n = len(df)
    if spec.date is None:
        order = np.random.default_rng(seed).permutation(n)
        k = max(1, round(n * VALID_SHARE))
        return np.sort(order[k:]).astype(np.int64), np.sort(order[:k]).astype(np.int64)
    stamps = parse_dates(df[spec.date])
    bad = stamps.isna().to_numpy()
    if bad.any():
        pos = int(bad.nonzero()[0][0])
        raise InvalidInputError(
            spec.date, f"data row {pos + 1} has no readable date: {df[spec.date].iloc[pos]!r}"
        )
    t = stamps.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    ordered = np.sort(t)
    cut = ordered[min(n - 1, math.floor(n * (1 - VALID_SHARE)))]
    train_rows = np.flatnonzero(t < cut)
    valid_rows = np.flatnonzero(t >= cut)
    if len(train_rows) == 0:
        # the quantile fell on the earliest date: move the cut to the next distinct date
        later = ordered[ordered > cut]
        if len(later) == 0:
            raise InvalidInputError(spec.date, "needs at least two distinct dates to validate")
        cut = later[0]
        train_rows = np.flatnonzero(t < cut)
        valid_rows = np.flatnonzero(t >= cut)
    return train_rows.astype(np.int64), valid_rows.astype(np.int64)


#: A high-cardinality code column is left out when fewer validation rows than this share
#: carry a code seen in training (waybill numbers, flight-days): it cannot be learnt.
MIN_COVERAGE = 0.5


def _drop_non_recurring(
    plans: list[ColumnPlan], train_df: pd.DataFrame, valid_df: pd.DataFrame
) -> list[ColumnPlan]:
    out: list[ColumnPlan] = []
    for plan in plans:
        if plan.kind == "categorical" and not plan.hs and plan.reason != "--categorical":
            distinct = int(category_keys(train_df[plan.name]).nunique())
            if distinct > NATIVE_MAX:
                share = coverage(train_df, valid_df, plan.name)
                if share < MIN_COVERAGE:
                    reason = f"codes do not recur ({share:.0%} of validation rows seen in training)"
                    plan = ColumnPlan(plan.name, "ignored", reason)
        out.append(plan)
    return out


def _mean_precision(rows: list[dict[str, Any]]) -> float:
    values = [r["precision"] for r in rows if r["precision"] is not None]
    return float(np.mean(values)) if values else 0.0


def train(
    df: pd.DataFrame,
    spec: ColumnSpec,
    *,
    valid: pd.DataFrame | None = None,
    seed: int = 0,
    ratios: Sequence[tuple[str, str]] | None = None,
    data_sha256: str | None = None,
    rates: Sequence[float] = DEFAULT_RATES,
) -> RiskModel:
    """Train a risk model on a labelled history.

    Parameters
    ----------
    df
        The history (values as read from CSV, i.e. strings, or typed).
    spec
        Column roles and overrides.
    valid
        A separate validation table with the same columns; replaces the split.
    seed
        Seeds the split (without a date), the target-encoding folds and LightGBM.
    ratios
        Unit-value pairs (numerator, denominator); ``None`` picks them by name hints.
    data_sha256
        Hash of the training file; by default a hash of the frame.
    rates
        Inspection rates of the reported validation metrics.

    Returns
    -------
    RiskModel
        The model, with validation metrics in ``model.metrics``.

    Raises
    ------
    InvalidInputError
        For an unknown column, a bad label or date, or too little data to validate.
    """
    from smartlogistics.smartgate.model._lgbm import fit_booster, lightgbm_version

    started = time.perf_counter()
    spec.check([str(c) for c in df.columns])
    y_all = np.asarray(parse_label(df[spec.label], spec.label).to_numpy(), dtype=np.int64)
    if valid is None:
        train_rows, valid_rows = split(df, spec, seed=seed)
        train_df = df.iloc[train_rows].reset_index(drop=True)
        valid_df = df.iloc[valid_rows].reset_index(drop=True)
        y, y_valid = y_all[train_rows], y_all[valid_rows]
    else:
        spec.check([str(c) for c in valid.columns], where="--valid data")
        train_df, valid_df = df.reset_index(drop=True), valid.reset_index(drop=True)
        y = y_all
        y_valid = np.asarray(
            parse_label(valid[spec.label], spec.label).to_numpy(dtype=np.int64), dtype=np.int64
        )
    for part, labels in (("training", y), ("validation", y_valid)):
        if labels.sum() == 0 or labels.sum() == len(labels):
            raise InvalidInputError(
                spec.label, f"the {part} part needs both positive and negative labels"
            )
    plans = _drop_non_recurring(infer_columns(train_df, spec), train_df, valid_df)
    encoder, x = FeatureEncoder.fit(train_df, y, plans, seed=seed, ratios=ratios)
    if not encoder.features:
        raise InvalidInputError("--exclude", "no feature columns are left")
    x_valid = encoder.transform(valid_df)
    values = numbers(valid_df[spec.value]) if spec.value is not None else None

    pos = int(y.sum())
    candidates = sorted({1.0, round(min(10.0, math.sqrt((len(y) - pos) / pos)), 3)})
    best: tuple[float, float, str, int, float, list[dict[str, Any]], NDArray[np.float64]] | None
    best = None
    from smartlogistics.smartgate.model._lgbm import Engine

    for weight in candidates:
        params = {**DEFAULT_PARAMS, "seed": seed, "scale_pos_weight": weight}
        text, iters = fit_booster(
            x,
            y,
            x_valid,
            y_valid,
            names=encoder.names,
            categorical=encoder.categorical,
            params=params,
            rounds=ROUNDS,
            early_stopping=EARLY_STOPPING,
        )
        scores = Engine(text).predict(x_valid)
        at_rate = metrics_at_rates(y_valid, scores, rates, values)
        key = (_mean_precision(at_rate), auc(y_valid, scores) or 0.0)
        if best is None or key > (best[0], best[1]):
            best = (key[0], key[1], text, iters, weight, at_rate, scores)
    assert best is not None
    _, valid_auc, text, iters, weight, at_rate, _ = best
    import pandas as pd

    meta: dict[str, Any] = {
        "metrics": {
            "validation": {
                "n": len(y_valid),
                "positives": int(y_valid.sum()),
                "auc": valid_auc,
                "at_rate": at_rate,
            },
            "training_rows": len(y),
            "training_positives": pos,
        },
        "split": "given --valid" if valid is not None else ("time" if spec.date else "random"),
        "params": {
            **DEFAULT_PARAMS,
            "seed": seed,
            "scale_pos_weight": weight,
            "rounds": iters,
        },
        "data_sha256": data_sha256 or frame_sha256(df),
        "lightgbm": lightgbm_version(),
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "smartlogistics": _package_version(),
    }
    if spec.date is not None and valid is None:
        stamps = parse_dates(df[spec.date])
        meta["train_period"] = [
            str(stamps.iloc[train_rows].min().date()),
            str(stamps.iloc[train_rows].max().date()),
        ]
        meta["valid_period"] = [
            str(stamps.iloc[valid_rows].min().date()),
            str(stamps.iloc[valid_rows].max().date()),
        ]
    model = RiskModel(model_text=text, spec=spec, plans=plans, encoder=encoder, meta=meta)
    # kept out of the artifact's hash: the same data and seed give the same version
    model.training_seconds = round(time.perf_counter() - started, 3)
    return model


def _package_version() -> str:
    from smartlogistics import __version__

    return str(__version__)
