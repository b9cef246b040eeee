"""Ranking metrics: exact AUC with ties, precision/recall/revenue at inspection rates."""

from __future__ import annotations

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate.model import auc, metrics_at_rates, parse_rates


def test_auc_hand_case_with_ties() -> None:
    # positives at scores 0.9, 0.5; negatives at 0.5, 0.2, 0.1
    # pairs: (0.9 > all three) = 3, (0.5 vs 0.5 tie) = 0.5, (0.5 > 0.2, 0.1) = 2 → 5.5 / 6
    assert auc([1, 1, 0, 0, 0], [0.9, 0.5, 0.5, 0.2, 0.1]) == pytest.approx(5.5 / 6, abs=0)
    assert auc([1, 0], [0.3, 0.3]) == 0.5
    assert auc([0, 1], [0.2, 0.8]) == 1.0
    assert auc([1, 1], [0.2, 0.8]) is None


def test_at_rates_hand_ranked_list() -> None:
    labels = [1, 0, 1, 0, 0, 0, 1, 0, 0, 0]
    scores = [0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]
    values = [100.0, 0.0, 50.0, 0.0, 0.0, 0.0, 50.0, 0.0, 0.0, 0.0]
    rows = metrics_at_rates(labels, scores, (0.1, 0.25, 0.5), values)
    assert rows == [
        {"rate": 0.1, "inspected": 1, "precision": 1.0, "recall": 1 / 3, "revenue": 0.5},
        {"rate": 0.25, "inspected": 3, "precision": 2 / 3, "recall": 2 / 3, "revenue": 0.75},
        {"rate": 0.5, "inspected": 5, "precision": 0.4, "recall": 2 / 3, "revenue": 0.75},
    ]
    assert "revenue" not in metrics_at_rates(labels, scores, (0.1,))[0]


def test_ties_broken_by_row_order() -> None:
    # all scores equal: the first rows are inspected
    rows = metrics_at_rates([0, 1, 1, 0], [0.5] * 4, (0.5,))
    assert rows[0]["precision"] == 0.5
    rows = metrics_at_rates([1, 1, 0, 0], [0.5] * 4, (0.5,))
    assert rows[0]["precision"] == 1.0


def test_parse_rates() -> None:
    assert parse_rates("0.01,0.02,0.05,0.1") == (0.01, 0.02, 0.05, 0.1)
    with pytest.raises(InvalidInputError) as err:
        parse_rates("0.01,five")
    assert str(err.value) == "--rates: must be comma-separated shares in (0, 1], got 'five'"
    with pytest.raises(InvalidInputError) as err:
        parse_rates("0.5,1.5")
    assert str(err.value) == "--rates: each rate must be in (0, 1], got 1.5"
