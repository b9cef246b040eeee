"""The synthetic history: columns, determinism, base rates and planted patterns."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartlogistics.smartgate.history import (
    COLUMNS,
    VAGUE_DESCRIPTIONS,
    HistoryParams,
    generate_history,
    write_history_csv,
)
from smartlogistics.smartgate.model import read_table

N = 60_000


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    return generate_history(N, seed=11, truth=True)


def _within(observed: float, expected: float, n: int, sigmas: float = 4.0) -> bool:
    return abs(observed - expected) <= sigmas * math.sqrt(expected * (1 - expected) / n)


def test_columns_and_synthetic_marker(tmp_path: Path) -> None:
    df = generate_history(300, seed=1)
    assert tuple(df.columns) == COLUMNS
    assert (df["is_synthetic"] == 1).all()
    path = write_history_csv(df, tmp_path / "h.csv")
    back = read_table(path)
    assert tuple(back.columns) == COLUMNS
    assert (back["is_synthetic"] == "1").all()
    assert back["hs_code"].str.fullmatch(r"\d{6}").all()  # leading zeros kept
    assert back["routing"].str.endswith(";AMS").all()
    assert df["date"].is_monotonic_increasing


def test_deterministic_per_seed() -> None:
    a = generate_history(2000, seed=4)
    b = generate_history(2000, seed=4)
    c = generate_history(2000, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert not a["label"].equals(c["label"]) or not a["hs_code"].equals(c["hs_code"])


def test_base_rates(history: pd.DataFrame) -> None:
    p = HistoryParams()
    assert _within(history["illicit"].mean(), p.illicit_rate, N)
    expected_label = p.illicit_rate * (1 - p.miss_rate) + (1 - p.illicit_rate) * (
        p.false_positive_rate
    )
    assert _within(history["label"].mean(), expected_label, N)
    illicit = history[history["illicit"] == 1]
    assert _within((illicit["label"] == 0).mean(), p.miss_rate, len(illicit))


def test_pattern_shares(history: pd.DataFrame) -> None:
    illicit = history[history["illicit"] == 1]
    for name, share in HistoryParams().patterns:
        assert _within((illicit["pattern"] == name).mean(), share, len(illicit)), name


def test_planted_patterns_visible(history: pd.DataFrame) -> None:
    rate = history["illicit"].mean()
    by_offender = history.groupby("offender_consignor")["illicit"].mean()
    assert by_offender[1] > 5 * rate
    assert history.groupby("risky_hub")["illicit"].mean()[1] > 2 * rate
    vague = history["description"].isin(VAGUE_DESCRIPTIONS)
    honest = history["pattern"] == "none"
    assert _within(vague[honest].mean(), HistoryParams().honest_vague_rate, int(honest.sum()))
    assert vague[history["pattern"] == "vague"].all()
    # undervalued rows declare a fraction of their chapter's usual value per kg
    density = history["declared_value"] / history["gross_weight_kg"]
    chapter = history["hs_code"].str[:2]
    norm = density.groupby(chapter).transform("median")
    under = history["pattern"] == "undervaluation"
    assert (density[under] / norm[under]).median() < 0.35
    assert 0.7 < (density[honest] / norm[honest]).median() < 1.4


def test_value_at_stake_only_for_positives(history: pd.DataFrame) -> None:
    assert (history.loc[history["label"] == 0, "value_at_stake"] == 0).all()
    caught = history[(history["label"] == 1) & (history["illicit"] == 1)]
    assert (caught["value_at_stake"] > 0).mean() > 0.95
    assert np.isfinite(history["value_at_stake"]).all()
