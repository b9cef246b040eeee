"""Features: fitted on training rows only, out-of-fold target encoding, HS hierarchy."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from smartlogistics.smartgate.model import ColumnSpec, infer_columns
from smartlogistics.smartgate.model.features import FeatureEncoder


def _frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    parties = [f"P{i:03d}" for i in range(150)]  # high cardinality → target encoding
    return pd.DataFrame(
        {
            "y": rng.integers(0, 2, n).astype(str),
            "party": rng.choice(parties, n),
            "country": rng.choice(["CN", "US", "IN"], n),
            "hs_code": rng.choice(["080450", "851713", "300490"], n),
            "declared_value": rng.uniform(10, 100, n).round(2).astype(str),
            "gross_weight_kg": rng.uniform(1, 10, n).round(1).astype(str),
        }
    )


def _block(encoder: FeatureEncoder, key: str, value: str) -> Any:
    return next(b for b in encoder.blocks if getattr(b, key, "") == value)


def _fit(df: pd.DataFrame) -> tuple[FeatureEncoder, np.ndarray]:
    plans = infer_columns(df, ColumnSpec(label="y"))
    y = np.asarray(df["y"].astype(int).to_numpy(), dtype=np.int64)
    return FeatureEncoder.fit(df, y, plans, seed=1)


def test_category_seen_only_later_is_unknown() -> None:
    train = _frame(600)
    encoder, _ = _fit(train)
    later = train.head(2).copy()
    later.loc[0, "country"] = "ZZ"  # never seen in training
    later.loc[0, "party"] = "NEW-PARTY"
    x = encoder.transform(later)
    names = encoder.names
    assert np.isnan(x[0, names.index("country")])
    assert not np.isnan(x[1, names.index("country")])
    prior = _block(encoder, "column", "party").prior
    assert x[0, names.index("party risk")] == prior
    assert x[0, names.index("party frequency")] == 0.0


def test_target_encoding_is_out_of_fold() -> None:
    df = _frame(600)
    df.loc[0, "party"] = "ONLY-ONCE"
    df.loc[0, "y"] = "1"
    encoder, x = _fit(df)
    column = encoder.names.index("party risk")
    block = _block(encoder, "column", "party")
    # a row's own label is not in its training encoding: a code seen once gets the prior
    # of the other folds, while later rows see the smoothed share including it
    assert x[0, column] < block.risk["ONLY-ONCE"]
    assert abs(x[0, column] - df["y"].astype(int).mean()) < 0.05


def test_hs_hierarchy_and_unit_value() -> None:
    encoder, _ = _fit(_frame(300))
    names = encoder.names
    for level in ("chapter", "heading", "subheading"):
        assert f"hs_code {level}" in names
    assert "declared_value per gross_weight_kg" in names
    assert "declared_value per gross_weight_kg vs hs_code chapter median (log)" in names
    chapter = _block(encoder, "name", "hs_code chapter")
    assert sorted(chapter.categories) == ["08", "30", "85"]


def test_encoder_json_round_trip_is_exact() -> None:
    df = _frame(400)
    encoder, _ = _fit(df)
    again = FeatureEncoder.from_json(json.loads(json.dumps(encoder.to_json())))
    a, b = encoder.transform(df), again.transform(df)
    assert np.array_equal(a, b, equal_nan=True)
