"""The one module that imports LightGBM: training, prediction and contributions.

Kept apart so that importing the model package (or the screener that uses it) does not
load LightGBM until a model is trained or loaded, and so that the engine's API is used in
one place only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import lightgbm as lgb
import numpy as np
from numpy.typing import NDArray

__all__ = ["Engine", "fit_booster", "lightgbm_version"]


def lightgbm_version() -> str:
    """Return the installed LightGBM version (recorded in the artifact)."""
    return str(lgb.__version__)


class Engine:
    """A trained booster: probabilities and per-feature contributions."""

    def __init__(self, model_text: str) -> None:
        self.model_text = model_text
        self._booster = lgb.Booster(model_str=model_text)

    @property
    def num_features(self) -> int:
        """Features the booster was trained on."""
        return int(self._booster.num_feature())

    def predict(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Probabilities of the positive class (one per row of ``x``, a float64 matrix)."""
        out = self._booster.predict(x, num_threads=_threads(len(x)))
        return np.asarray(out, dtype=np.float64)

    def contributions(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """SHAP values (TreeSHAP, ``pred_contrib=True``), one column per feature plus bias.

        They are in log-odds; per row they sum with the bias to the raw score.
        """
        out = self._booster.predict(x, pred_contrib=True, num_threads=_threads(len(x)))
        return np.asarray(out, dtype=np.float64)


#: Rows from which prediction uses two threads. Waking LightGBM's second OpenMP thread
#: cost 10-15 ms per call on the shared 2-core machine (one row: 0.05 ms with one thread,
#: 0.9 ms or more with two; 5,000 rows: 10 ms against 12 ms), so small batches and the
#: API's single consignments use one. Rows are predicted independently: the thread count
#: never changes a result.
_THREADED_ROWS = 10_000


def _threads(rows: int) -> int:
    return 2 if rows >= _THREADED_ROWS else 1


def fit_booster(
    x: NDArray[np.float64],
    y: NDArray[np.int64],
    x_valid: NDArray[np.float64],
    y_valid: NDArray[np.int64],
    *,
    names: Sequence[str],
    categorical: Sequence[int],
    params: dict[str, Any],
    rounds: int,
    early_stopping: int,
) -> tuple[str, int]:
    """Train a binary booster with early stopping on the validation rows.

    Returns
    -------
    tuple[str, int]
        The model text (best iteration only) and the best iteration.
    """
    safe = [_safe_name(i, n) for i, n in enumerate(names)]
    train = lgb.Dataset(
        x,
        label=y,
        feature_name=safe,
        categorical_feature=list(categorical),
        free_raw_data=True,
        params={"verbose": -1, "max_bin": params.get("max_bin", 255)},
    )
    valid = lgb.Dataset(x_valid, label=y_valid, reference=train)
    callbacks: list[Any] = [
        lgb.early_stopping(early_stopping, first_metric_only=True, verbose=False)
    ]
    booster = lgb.train(
        params,
        train,
        num_boost_round=rounds,
        valid_sets=[valid],
        valid_names=["valid"],
        callbacks=callbacks,
    )
    best = int(booster.best_iteration) or rounds
    return str(booster.model_to_string(num_iteration=best)), best


def _safe_name(i: int, name: str) -> str:
    """LightGBM refuses some characters in feature names; the artifact keeps the real ones."""
    kept = "".join(ch if ch.isalnum() else "_" for ch in name)
    return f"f{i}_{kept}"[:60]
