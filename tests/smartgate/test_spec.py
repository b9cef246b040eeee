"""Column spec and type inference of the risk model."""

from __future__ import annotations

import pandas as pd
import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate.model import ColumnSpec, infer_columns, read_table
from smartlogistics.smartgate.model.spec import parse_label

from ._model_helpers import DATA


def test_mixed_fixture_kinds() -> None:
    df = read_table(DATA / "mixed.csv")
    plans = {p.name: p for p in infer_columns(df, ColumnSpec(label="flag"))}
    kinds = {name: plan.kind for name, plan in plans.items()}
    assert kinds == {
        "ref no": "ignored",
        "office code": "categorical",
        "hs code": "categorical",
        "gross weight": "numeric",
        "goods description": "text",
        "declared at": "date",
        "route": "list",
        "party id": "categorical",
        "is_synthetic": "ignored",
        "flag": "ignored",
        "Pieces": "numeric",
    }
    assert plans["hs code"].hs
    assert plans["office code"].reason == "leading zeros"
    assert plans["route"].separator == ";"
    assert plans["ref no"].reason == "unique per row (an identifier)"


def test_overrides_win() -> None:
    df = read_table(DATA / "mixed.csv")
    spec = ColumnSpec(label="flag", categorical=("Pieces",), numeric=("party id",))
    kinds = {p.name: p.kind for p in infer_columns(df, spec)}
    assert kinds["Pieces"] == "categorical"
    assert kinds["party id"] == "numeric"


def test_unknown_exclude_names_the_column() -> None:
    df = pd.DataFrame({"a": ["1", "0"], "b c": ["x", "y"]})
    with pytest.raises(InvalidInputError) as err:
        infer_columns(df, ColumnSpec(label="a", exclude=("b c", "nope")))
    assert str(err.value) == "--exclude: unknown column 'nope' (data has: a, b c)"


def test_missing_label_names_it() -> None:
    df = pd.DataFrame({"a": ["1", "0"]})
    with pytest.raises(InvalidInputError) as err:
        ColumnSpec(label="outcome").check(list(df.columns))
    assert str(err.value) == "--label: data has no label column 'outcome' (it has: a)"


def test_labels_boolean_like_only() -> None:
    values = pd.Series(["1", "0", "yes", "No", "TRUE", "f"])
    assert parse_label(values, "y").tolist() == [1, 0, 1, 0, 1, 0]
    with pytest.raises(InvalidInputError) as err:
        parse_label(pd.Series(["1", "maybe"]), "y")
    assert str(err.value) == "y: label must be 0/1 or boolean-like; data row 2 is 'maybe'"
    with pytest.raises(InvalidInputError, match="data row 1 is empty"):
        parse_label(pd.Series([None, "1"], dtype=object), "y")


def test_numeric_override_refuses_text() -> None:
    df = pd.DataFrame({"y": ["1", "0"], "w": ["3", "heavy"]})
    with pytest.raises(InvalidInputError) as err:
        infer_columns(df, ColumnSpec(label="y", numeric=("w",)))
    assert str(err.value) == "--numeric: column 'w' is not numeric: data row 2 is 'heavy'"
