"""Training: no-leakage time split, seeded random split, validation metrics, bad input."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate.model import ColumnSpec, read_table, train
from smartlogistics.smartgate.model.features import parse_dates

from ._model_helpers import HISTORY, SPEC, small_model

train_module = importlib.import_module("smartlogistics.smartgate.model.train")


def test_time_split_has_no_leakage() -> None:
    df = read_table(HISTORY).sample(frac=1.0, random_state=0).reset_index(drop=True)
    train_rows, valid_rows = train_module.split(df, SPEC, seed=0)
    dates = parse_dates(df["date"])
    assert len(train_rows) + len(valid_rows) == len(df)
    assert dates.iloc[valid_rows].min() > dates.iloc[train_rows].max()
    assert 0.15 < len(valid_rows) / len(df) < 0.3


def test_random_split_is_seeded() -> None:
    df = read_table(HISTORY)
    spec = ColumnSpec(label="label")
    a = train_module.split(df, spec, seed=5)
    b = train_module.split(df, spec, seed=5)
    c = train_module.split(df, spec, seed=6)
    assert np.array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])


def test_split_needs_two_dates() -> None:
    df = pd.DataFrame({"y": ["1", "0"], "d": ["2024-01-01", "2024-01-01"]})
    with pytest.raises(InvalidInputError) as err:
        train_module.split(df, ColumnSpec(label="y", date="d"), seed=0)
    assert str(err.value) == "d: needs at least two distinct dates to validate"


def test_unreadable_date_names_the_row() -> None:
    df = pd.DataFrame({"y": ["1", "0"], "d": ["2024-01-01", "soon"]})
    with pytest.raises(InvalidInputError) as err:
        train_module.split(df, ColumnSpec(label="y", date="d"), seed=0)
    assert str(err.value) == "d: data row 2 has no readable date: 'soon'"


def test_trained_model_reports_validation_metrics() -> None:
    model = small_model()
    validation = model.metrics["validation"]
    assert [r["rate"] for r in validation["at_rate"]] == [0.01, 0.02, 0.05, 0.1]
    assert set(validation["at_rate"][0]) == {"rate", "inspected", "precision", "recall", "revenue"}
    assert model.meta["split"] == "time"
    assert model.meta["valid_period"][0] > model.meta["train_period"][1]
    kinds = {p.name: p.kind for p in model.plans}
    assert kinds["value_at_stake"] == "ignored"  # never a feature
    assert kinds["is_synthetic"] == "ignored"
    assert all("value_at_stake" not in g for g in model.encoder.groups)


def test_training_is_deterministic() -> None:
    df = read_table(HISTORY)
    assert train(df, SPEC, seed=3).version == small_model().version


def test_label_needs_both_classes() -> None:
    df = read_table(HISTORY).assign(label="0")
    with pytest.raises(InvalidInputError) as err:
        train(df, SPEC)
    assert str(err.value) == "label: the training part needs both positive and negative labels"
