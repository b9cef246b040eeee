"""The fast path of small batches: the same features and scores as the frame path, to the bit."""

from __future__ import annotations

import math
import random
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest

from smartlogistics.smartgate.history import generate_history
from smartlogistics.smartgate.model import ColumnSpec, RiskModel, train
from smartlogistics.smartgate.model import rows as rows_module
from smartlogistics.smartgate.model.features import numbers, parse_dates
from smartlogistics.smartgate.model.rows import (
    SMALL_BATCH,
    UnsupportedValueError,
    code_key,
    date_parts,
    number_value,
)

from ._model_helpers import records, small_model

SPEC = ColumnSpec(label="label", id="id", date="date", value="value_at_stake")


@cache
def history_model() -> RiskModel:
    """Trained on 5,000 generated rows: target/frequency encodings for the parties."""
    return train(generate_history(5000, seed=11).astype(str), SPEC, seed=0)


def _models() -> list[RiskModel]:
    return [small_model(), history_model()]


# Odd values a record may carry, by column kind: missing, empty, unknown, other types.
_ODD_CODES: list[Any] = [
    None,
    float("nan"),
    "",
    "   ",
    " CN ",
    "ZZ-UNKNOWN",
    0,
    80450,
    80450.0,
    8.5,
    -0.0,
    True,
    False,
    float("inf"),
    "\u00a0NL\u2003",
    "ünïcödé",
    ["PVG", "DXB", "AMS"],
    ["PVG", None, 3],
    [],
    "nan",
]
_ODD_NUMBERS: list[Any] = [
    None,
    float("nan"),
    "",
    " 12 ",
    "+3",
    "-0",
    "1e3",
    "1E-3",
    ".5",
    "5.",
    "1_000",
    "inf",
    "-Infinity",
    "nan",
    "abc",
    "12,5",
    "\u0661\u0662",
    "0x10",
    "123456789012345678901",
    "0.1000000000000000055511151231257827",
    0,
    -7,
    3.25,
    float("-inf"),
    True,
    2**60,
]
_ODD_HS: list[Any] = [
    None,
    "",
    "85",
    "8507",
    "850760",
    "8507.60.00",
    850760,
    850760.0,
    "HS 0804",
    "x",
]
_ODD_DATES: list[Any] = [
    None,
    "",
    "2024-03-01",
    "2024-03-01T10:15",
    "2024-03-01 10:15:00",
    "2024-03-01T00:30:00+01:00",
    "2024-03-01T23:30:00-05:00",
    "2024-03-01T10:15:00.123456+0530",
    "2024-03-01T10:15:00+01",
    "2024-03-01T10:15:00Z",
    "2024-02-30",
    "2023-02-29T10:00:00",
    "2024-03-01T24:00:00",
    "2024-03-01T10:60:00",
    "2024-03-01T10:00:00+24:00",
    "2024-03-01T10:00:00+01:75",
    "20240301",
    "2024-3-1",
    "2024-03-01t10:15:00",
    "01/03/2024",
    "garbage",
    20240301,
    1.5,
    "1600-01-01",
]
_ODD_TEXT: list[Any] = [
    None,
    "",
    "  gifts  ",
    "GIFTS parts 2x 50KG",
    "lithium ion accumulators",
    "samples; consolidated; 123",
    "ÉCRAN Ünïcödé İstanbul",
    12345,
    ["laptop", "parts"],
]


def _odd(column: str, rng: random.Random) -> Any:
    if column in ("pieces", "gross_weight_kg", "declared_value"):
        return rng.choice(_ODD_NUMBERS)
    if column == "hs_code":
        return rng.choice(_ODD_HS)
    if column in ("filed_at", "date"):
        return rng.choice(_ODD_DATES)
    if column == "description":
        return rng.choice(_ODD_TEXT)
    return rng.choice(_ODD_CODES)


def _generated_records(seed: int, n: int) -> list[dict[str, Any]]:
    """History rows as dicts, each flavoured at random, some values replaced by odd ones."""
    rng = random.Random(seed)
    df = generate_history(n, seed=seed, start="2024-06-01")
    as_text = records(df.astype(str))
    native = records(df)
    out: list[dict[str, Any]] = []
    for text_row, native_row in zip(as_text, native, strict=True):
        flavour = rng.random()
        row = dict(text_row if flavour < 0.4 else native_row)
        if flavour > 0.7 and isinstance(row.get("routing"), str):
            row["routing"] = row["routing"].split(";")  # as the API's JSON gives it
        for column in list(row):
            draw = rng.random()
            if draw < 0.06:
                del row[column]
            elif draw < 0.16:
                row[column] = _odd(column, rng)
        out.append(row)
    return out


def _frame_matrix(model: RiskModel, batch: list[dict[str, Any]]) -> np.ndarray:
    return model.encoder.transform(model._records_frame(batch))


@pytest.mark.parametrize("model_index", [0, 1])
def test_fast_features_equal_frame_features(model_index: int) -> None:
    model = _models()[model_index]
    rng = random.Random(model_index)
    pool = _generated_records(100 + model_index, 1200)
    fast_singles = singles = 0
    start = 0
    while start < len(pool):
        size = rng.choice([1, 1, 1, 2, 3, 8, SMALL_BATCH])
        batch = pool[start : start + size]
        start += size
        fast = model._small_matrix(batch)
        singles += len(batch) == 1
        if fast is None:
            continue
        fast_singles += len(batch) == 1
        frame = _frame_matrix(model, batch)
        assert fast.shape == frame.shape
        if not np.array_equal(fast, frame, equal_nan=True):
            bad = np.argwhere(~((fast == frame) | (np.isnan(fast) & np.isnan(frame))))
            shown = [
                (model.feature_names[j], batch[i], fast[i, j], frame[i, j]) for i, j in bad[:3]
            ]
            pytest.fail(f"fast and frame features differ: {shown}")
    # the fast path is the rule for one record, even with odd values about
    assert fast_singles >= 0.8 * singles


def test_single_generated_records_take_the_fast_path_and_score_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = history_model()
    pool = records(generate_history(60, seed=5, start="2024-09-01").astype(str))
    pool += records(generate_history(60, seed=6, start="2024-09-01"))
    assert all(model._small_matrix([r]) is not None for r in pool)
    fast = np.concatenate([model.score([r]) for r in pool])
    fast_explained = [model.explain([r], top=5) for r in pool]
    monkeypatch.setattr(rows_module, "SMALL_BATCH", 0)  # every batch through pandas
    frame = np.concatenate([model.score([r]) for r in pool])
    frame_explained = [model.explain([r], top=5) for r in pool]
    assert np.array_equal(fast, frame)
    assert fast_explained == frame_explained


def test_scores_and_explanations_equal_for_odd_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    model = history_model()
    pool = _generated_records(7, 300)
    batches = [
        pool[i : i + k] for i, k in zip(range(0, 300, 20), [1, 2, 5, 12, 20] * 3, strict=True)
    ]
    fast = [model.score(b) for b in batches]
    fast_explained = [model.explain(b, top=4) for b in batches]
    monkeypatch.setattr(rows_module, "SMALL_BATCH", 0)
    for b, scores, explained in zip(batches, fast, fast_explained, strict=True):
        assert np.array_equal(scores, model.score(b))
        assert explained == model.explain(b, top=4)


def test_consignment_records_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    from .conftest import clean

    model = history_model()
    record = clean().to_record()
    assert model._small_matrix([record]) is not None
    fast, explained = model.score([record]), model.explain([record])
    monkeypatch.setattr(rows_module, "SMALL_BATCH", 0)
    assert np.array_equal(fast, model.score([record]))
    assert explained == model.explain([record])


def test_values_only_pandas_reproduces_fall_back() -> None:
    model = history_model()
    record = records(generate_history(1, seed=1).astype(str))[0]
    for column, value in [
        ("hs_code", np.int64(850760)),  # NumPy integer
        ("consignor_country", 2**60),  # code beyond 2**53: its text depends on the batch
        ("routing", ("PVG", "AMS")),  # tuple
        ("filed_at", pd.Timestamp("2024-03-01T10:00:00Z")),
    ]:
        odd = {**record, column: value}
        assert model._small_matrix([odd]) is None, column
        assert model.score([odd]).shape == (1,)
    # unusual text is read by pandas itself for one record, but not in a batch
    odd = {**record, "filed_at": "20240301"}
    assert model._small_matrix([odd]) is not None
    assert model._small_matrix([odd, record]) is None
    assert model._small_matrix([record] * (SMALL_BATCH + 1)) is None


def test_a_batch_of_another_model_is_refused_by_both_paths() -> None:
    from smartlogistics.errors import InvalidInputError

    model = small_model()
    with pytest.raises(InvalidInputError, match="model expects columns"):
        model.score([{"unrelated": 1}])
    with pytest.raises(InvalidInputError, match="model expects columns"):
        model.score([{"unrelated": 1}] * (SMALL_BATCH + 1))


# --- value rules against pandas ------------------------------------------------------------------


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def test_numbers_from_text_equal_pandas() -> None:
    rng = random.Random(3)
    texts = list(filter(lambda v: isinstance(v, str), _ODD_NUMBERS))
    for _ in range(5000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 19)))
        cut = rng.randint(0, len(digits))
        text = digits[:cut] + rng.choice([".", "", "."]) + digits[cut:]
        if rng.random() < 0.3:
            text += rng.choice("eE") + rng.choice(["", "+", "-"]) + str(rng.randint(0, 40))
        text = rng.choice(["", "-", "+", " "]) + text + rng.choice(["", " ", "\t"])
        texts.append(text)
    in_batch = numbers(pd.Series(texts, dtype=object))
    plain = 0
    for text, expected in zip(texts, in_batch, strict=True):
        alone = float(numbers(pd.Series([text]))[0])
        assert _same(number_value(text), alone), text
        try:
            value = number_value(text, single=False)
        except UnsupportedValueError:
            continue  # pandas may read it otherwise next to other values: the frame path
        plain += 1
        assert _same(value, float(expected)), text
    assert plain >= 0.5 * len(texts)


def test_dates_equal_pandas() -> None:
    for value in _ODD_DATES:
        key = code_key(value)
        stamps = pd.Series(parse_dates(pd.Series([key, np.nan], dtype=object)))
        weekday = stamps.dt.day_of_week.to_numpy(dtype=np.float64, na_value=np.nan)[0]
        hour = stamps.dt.hour.to_numpy(dtype=np.float64, na_value=np.nan)[0]
        got = date_parts(key)
        assert _same(got[0], weekday) and _same(got[1], hour), value


def test_code_keys() -> None:
    assert code_key("  080450 ") == "080450"
    assert code_key(80450.0) == "80450"
    assert code_key(8.5) == "8.5"
    assert code_key(True) == "1"
    assert code_key(["PVG", "AMS"]) == "PVG;AMS"
    assert code_key("") is None and code_key(float("nan")) is None and code_key([]) is None
    with pytest.raises(UnsupportedValueError):
        code_key({"a": 1})
    with pytest.raises(UnsupportedValueError):
        number_value(["1"])
