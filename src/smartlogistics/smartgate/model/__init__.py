"""The SmartGate risk model: LightGBM on any labelled tabular history of declarations.

``train(df, ColumnSpec(label=...))`` infers column kinds, fits features on the training
part only, boosts with time-ordered validation and returns a :class:`RiskModel`;
``RiskModel.save``/``RiskModel.load`` write and read a versioned artifact that reloads to
the bit; :func:`evaluate` reports AUC and precision/recall/revenue at inspection rates.
LightGBM is imported only when a model is trained or scores (``_lgbm.py``).
"""

from smartlogistics.smartgate.model.artifact import FORMAT_VERSION, RiskModel
from smartlogistics.smartgate.model.evaluate import (
    DEFAULT_RATES,
    auc,
    evaluate,
    metrics_at_rates,
    parse_rates,
)
from smartlogistics.smartgate.model.spec import ColumnPlan, ColumnSpec, infer_columns
from smartlogistics.smartgate.model.table import file_sha256, read_table
from smartlogistics.smartgate.model.train import train

__all__ = [
    "DEFAULT_RATES",
    "FORMAT_VERSION",
    "ColumnPlan",
    "ColumnSpec",
    "RiskModel",
    "auc",
    "evaluate",
    "file_sha256",
    "infer_columns",
    "metrics_at_rates",
    "parse_rates",
    "read_table",
    "train",
]
