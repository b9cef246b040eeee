"""Lanes and CSN codes, the combination precedence, the capacity threshold, the JSON contract."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

import numpy as np
import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate.capacity import CapacityThreshold
from smartlogistics.smartgate.decision import Contribution, combine_lane, make_decision
from smartlogistics.smartgate.lanes import CSN_GROUPS, Lane, Stage, csn_group, status_code
from smartlogistics.smartgate.rules import Agency, Outcome, RuleHit, Severity


def _hit(outcome: Outcome, rule: str = "r") -> RuleHit:
    return RuleHit(rule, Agency.CUSTOMS, Severity.HIGH, outcome, f"{rule} says {outcome}", ("x",))


# -- lanes -----------------------------------------------------------------------------


def test_status_codes_per_lane_and_stage() -> None:
    assert [status_code(lane) for lane in Lane] == ["7I", "7H", "7J", "6H"]
    assert [status_code(lane, Stage.PRE_ARRIVAL) for lane in Lane] == ["8I", "8H", "8J", "6J"]


def test_codes_fall_in_the_spec_groups() -> None:
    # orchestration-placi.md: CO released, CB blocked (RFI/RFS), CD customs hold (DNL)
    assert CSN_GROUPS == {
        "CO": ("SF", "6I", "7I", "8I"),
        "CB": ("7H", "7J", "8H", "8J"),
        "CD": ("6H", "6J"),
    }
    for stage in Stage:
        assert csn_group(status_code(Lane.GREEN, stage)) == "CO"
        assert csn_group(status_code(Lane.RFI, stage)) == "CB"
        assert csn_group(status_code(Lane.RED, stage)) == "CB"
        assert csn_group(status_code(Lane.DNL, stage)) == "CD"
    with pytest.raises(KeyError):
        csn_group("ZZ")


# -- combination -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcomes", "score", "threshold", "lane"),
    [
        ([], None, None, Lane.GREEN),
        ([], 0.4, 0.5, Lane.GREEN),
        ([], 0.5, 0.5, Lane.RED),  # at the threshold is red
        ([Outcome.NONE], 0.9, math.inf, Lane.GREEN),  # capacity used up
        ([Outcome.RED], 0.0, 0.5, Lane.RED),
        ([Outcome.RFI], 0.99, 0.5, Lane.RFI),  # incomplete data is never red nor green
        ([Outcome.RED, Outcome.RFI], None, None, Lane.RFI),
        ([Outcome.RFI, Outcome.DNL, Outcome.RED], 0.0, 0.5, Lane.DNL),  # DNL wins
        ([Outcome.DNL], None, None, Lane.DNL),
    ],
)
def test_precedence(
    outcomes: list[Outcome], score: float | None, threshold: float | None, lane: Lane
) -> None:
    assert combine_lane([_hit(o) for o in outcomes], score, threshold) is lane


# -- capacity --------------------------------------------------------------------------


def test_threshold_is_the_kth_largest_score() -> None:
    scores = np.arange(1, 101) / 100  # 0.01 .. 1.00, shuffled below
    rng = np.random.default_rng(3)
    shuffled = rng.permutation(scores)
    cap = CapacityThreshold(0.05)
    threshold = cap.batch_threshold(shuffled)
    assert threshold == 0.96  # the 5th largest: exactly 5 of 100 at or above it
    assert int((shuffled >= threshold).sum()) == 5
    assert CapacityThreshold(0.02).batch_threshold(shuffled) == 0.99
    assert CapacityThreshold(0.005).batch_threshold(shuffled) == math.inf  # floor(0.5) = 0


def test_rule_reds_count_against_the_capacity() -> None:
    scores = np.arange(1, 101) / 100
    eligible = np.ones(100, dtype=bool)
    eligible[-3:] = False  # the three highest were sent red by rules
    cap = CapacityThreshold(0.05)
    assert cap.batch_threshold(scores, eligible, rule_reds=3) == 0.96  # 2 places left: .97 .96 out
    assert (
        CapacityThreshold(0.05, count_rule_reds=False).batch_threshold(scores, eligible, 3) == 0.93
    )
    assert cap.batch_threshold(scores, eligible, rule_reds=5) == math.inf


def test_per_day_capacity() -> None:
    cap = CapacityThreshold(per_day=40, daily_volume=2000)
    assert cap.share == 0.02
    assert cap.capacity(2000) == 40


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "capacity.share"),
        ({"share": 0.0}, "capacity.share"),
        ({"share": 1.5}, "capacity.share"),
        ({"share": 0.1, "per_day": 3, "daily_volume": 10}, "capacity.share"),
        ({"per_day": 3}, "capacity.daily_volume"),
        ({"share": 0.1, "min_window": 0}, "capacity.min_window"),
    ],
)
def test_capacity_errors_name_the_setting(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        CapacityThreshold(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


def test_rolling_window_for_one_at_a_time() -> None:
    cap = CapacityThreshold(0.1, window=10, min_window=5, fallback=0.7)
    seen = [cap.observe(s, eligible=True, rule_red=False) for s in (0.1, 0.2, 0.3, 0.4)]
    assert seen == [0.7] * 4  # warming up
    assert cap.observe(0.5, eligible=True, rule_red=False) == math.inf  # floor(0.1 * 5) = 0
    for s in (0.6, 0.7, 0.8, 0.9):
        cap.observe(s, eligible=True, rule_red=False)
    assert cap.observe(0.05, eligible=True, rule_red=False) == 0.9  # 10 in window: top 1
    # the window rolls: 0.1 leaves, 0.95 enters
    assert cap.observe(0.95, eligible=True, rule_red=False) == 0.95
    # a rule RED takes the one place
    assert cap.observe(0.2, eligible=False, rule_red=True) == math.inf


# -- the decision ----------------------------------------------------------------------

WHEN = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_decision_json_contract() -> None:
    d = make_decision(
        consignment_id="C-1",
        input_hash="ab" * 32,
        hits=[_hit(Outcome.NONE, "a"), _hit(Outcome.RED, "b")],
        score=0.8,
        threshold=0.9,
        contributions=[Contribution("hs_chapter", 1.25)],
        stage=Stage.PRE_LOADING,
        rule_set_version="rs-000000000000",
        rule_versions={"a": "1", "b": "2"},
        model_version="m-1",
        decided_at=WHEN,
    )
    doc = d.to_json()
    assert json.loads(json.dumps(doc)) == doc
    assert doc == {
        "consignment_id": "C-1",
        "input_hash": "ab" * 32,
        "lane": "RED",
        "status_code": "7J",
        "stage": "pre_loading",
        "score": 0.8,
        "threshold": 0.9,
        "decided_by": ["b"],
        "agencies": ["customs"],
        "reasons": [
            {"kind": "rule", "rule": "a", "agency": "customs", "severity": "high",
             "outcome": "none", "message": "a says none", "fields": ["x"]},
            {"kind": "rule", "rule": "b", "agency": "customs", "severity": "high",
             "outcome": "RED", "message": "b says RED", "fields": ["x"]},
            {"kind": "model", "feature": "hs_chapter", "contribution": 1.25,
             "message": "hs_chapter +1.2500"},
        ],
        "rule_set_version": "rs-000000000000",
        "rule_versions": {"a": "1", "b": "2"},
        "model_version": "m-1",
        "decided_at": "2026-12-01T08:00:00+00:00",
    }  # fmt: skip


def test_model_red_is_decided_by_the_model_and_inf_threshold_is_null() -> None:
    common = {
        "consignment_id": "C",
        "input_hash": "0" * 64,
        "contributions": [],
        "stage": Stage.PRE_ARRIVAL,
        "rule_set_version": "rs",
        "rule_versions": {},
        "model_version": "m",
        "decided_at": WHEN,
    }
    red = make_decision(hits=[], score=0.95, threshold=0.9, **common)  # type: ignore[arg-type]
    assert (red.lane, red.status_code, red.decided_by) == (Lane.RED, "8J", ("model",))
    full = make_decision(hits=[], score=0.95, threshold=math.inf, **common)  # type: ignore[arg-type]
    assert (full.lane, full.to_json()["threshold"], full.decided_by) == (Lane.GREEN, None, ())
