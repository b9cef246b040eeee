"""The fast batch path gives, decision by decision, what screening one at a time gives.

The batch path works column by column (``ConsignmentBatch``), memoises rule checks per
distinct field values, hashes inputs from per-value fragments and scores the model from
one DataFrame; every one of those must be invisible in the decisions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from smartlogistics.smartgate.capacity import CapacityThreshold
from smartlogistics.smartgate.consignment import (
    CSV_COLUMNS,
    Consignment,
    ConsignmentBatch,
    as_batch,
    consignment_columns,
    input_hashes,
)
from smartlogistics.smartgate.history import generate_history
from smartlogistics.smartgate.rules import RuleSet
from smartlogistics.smartgate.screening import Screener

from ._model_helpers import small_model
from .test_screening import FakeModel

WHEN = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)

# One variation per kind of rule hit (and a few inputs that are only odd, not wrong).
_VARIATIONS: list[dict[str, Any]] = [
    {"consignee_name": "ACME Trading Co. Ltd"},  # denied party, DNL grade
    {"consignor_name": "Northwind D.U. Supplies"},  # denied party, RED grade
    {"consignee_address": "12 Harbour Road, Port Example"},  # address only
    {"description": "toy drones with Li-ion battery packs"},  # DG undeclared
    {"description": "UN3480 lithium ion batteries", "hs_code": "850760"},  # DG declared
    {"description": "Gifts"},
    {"description": "spare parts and samples"},
    {"consignor_address": None, "house_awb": None},  # missing 7+1
    {"consignor_country": "KP"},
    {"consignee_country": "IR", "routing": "THR;IST;AMS"},
    {"origin_airport": "XYZ", "routing": "XYZ;AMS"},  # unknown airport
    {"gross_weight_kg": 0.001},  # impossible weight per piece
    {"currency": "EUX"},
    {"master_awb": "074-12345678"},  # bad check digit
    {"master_awb": "not an awb"},
    {"declared_value": 0.5},  # value density below the band
    {"hs_code": "010619", "consignor_country": "BR"},  # live animals
    {"description": 'Café “crème” \\ "quoted"\nline', "consignor_name": "Ünïcødé GmbH"},
    {"routing": None, "filed_at": None, "declared_value": None, "currency": None},
    {"hs_code": None, "description": None, "pieces": None},
]


def _batch(n: int, seed: int) -> list[Consignment]:
    """``n`` generated consignments, every tenth varied by one of :data:`_VARIATIONS`."""
    frame = generate_history(n, seed=seed)
    rng = np.random.default_rng(seed)
    out: list[Consignment] = []
    for i, row in enumerate(frame.loc[:, list(CSV_COLUMNS)].to_dict("records")):
        data = {str(k): v for k, v in row.items() if v is not None and v == v}
        if i % 10 == 0:
            data.update(_VARIATIONS[int(rng.integers(len(_VARIATIONS)))])
            data = {k: v for k, v in data.items() if v is not None}
        out.append(Consignment.model_validate(data))
    return out


@pytest.fixture(scope="module")
def batch() -> list[Consignment]:
    return _batch(1500, seed=21)


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return RuleSet.default()


def test_the_batch_holds_every_kind_of_hit(batch: list[Consignment], rules: RuleSet) -> None:
    found = {(h.rule, h.outcome.value) for hits in rules.check_batch(batch) for h in hits}
    for rule in ("data_quality", "sanctions", "denied_parties", "dangerous_goods"):
        assert any(name == rule for name, _ in found), rule
    assert {"DNL", "RED", "RFI", "none"} <= {outcome for _, outcome in found}


def test_input_hashes_equal_one_at_a_time(batch: list[Consignment]) -> None:
    assert input_hashes(batch) == [c.input_hash() for c in batch]
    assert input_hashes(ConsignmentBatch(batch[:3])) == [c.input_hash() for c in batch[:3]]
    assert input_hashes([]) == []
    # a value of an unexpected type (a model built without validation) takes the slow path
    odd = Consignment.model_construct(**{**batch[0].__dict__, "pieces": 2.5})
    assert input_hashes([odd, batch[1]]) == [odd.input_hash(), batch[1].input_hash()]


def test_input_hash_is_pinned() -> None:
    """The canonical JSON, and so every logged hash, does not change with the code."""
    from .conftest import clean

    assert clean().input_hash() == (
        "2c76680cd4760c5188f25fbb17ac2ba493f653733c18663c580608232cb484a2"
    )
    odd = Consignment(id="C-é", description="Café “x”", pieces=1, routing="AMS")
    assert (
        odd.canonical_json() == '{"description":"Café “x”","id":"C-é","pieces":1,"routing":["AMS"]}'
    )
    assert odd.input_hash() == "06086bc23427005c4a4e3509ce60c35b96696565e38fda92162deb9884a8135d"


def test_columns_are_the_records(batch: list[Consignment]) -> None:
    wrapped = as_batch(batch)
    assert as_batch(wrapped) is wrapped
    records = wrapped.record_columns()
    for i in (0, 10, 20, 777):
        assert {name: records[name][i] for name in CSV_COLUMNS} == batch[i].to_record()
    assert consignment_columns(batch, ("id",)) == {"id": tuple(c.id for c in batch)}
    assert consignment_columns(wrapped, ("pieces", "id"))["pieces"] == tuple(
        c.pieces for c in batch
    )
    assert consignment_columns([], ("id",)) == {"id": ()}


def test_every_rule_batch_equals_its_singles(batch: list[Consignment], rules: RuleSet) -> None:
    for rule in rules.rules:
        assert rule.check_batch(batch) == [rule.check(c) for c in batch], rule.name
        assert rule.check_batch(as_batch(batch[:7])) == [rule.check(c) for c in batch[:7]]
    assert rules.check_batch(batch) == [rules.check(c) for c in batch]


def _singles(
    batch: list[Consignment], rules: RuleSet, model: Any, threshold: float | None
) -> Screener:
    """A screener whose single screenings all get ``threshold`` (never leaves its warm-up)."""
    n = len(batch) + 1
    fallback = 0.5 if threshold is None or threshold == float("inf") else threshold
    capacity = CapacityThreshold(0.02, window=n, min_window=n, fallback=fallback)
    return Screener(rules, model, capacity)


def test_screen_batch_equals_screen_rules_only(batch: list[Consignment], rules: RuleSet) -> None:
    screener = Screener(rules)
    decisions = screener.screen_batch(batch, now=WHEN)
    assert decisions == [screener.screen(c, now=WHEN) for c in batch]
    assert {d.lane.value for d in decisions} == {"GREEN", "RFI", "RED", "DNL"}


def test_screen_batch_equals_screen_with_a_model(batch: list[Consignment], rules: RuleSet) -> None:
    model = FakeModel()
    decisions = Screener(rules, model, CapacityThreshold(0.05)).screen_batch(batch, now=WHEN)
    threshold = decisions[0].threshold
    assert threshold is not None and 0 < threshold < 1
    singles = _singles(batch, rules, FakeModel(), threshold)
    assert decisions == [singles.screen(c, now=WHEN) for c in batch]
    assert any(d.decided_by == ("model",) for d in decisions)


def test_screen_batch_equals_screen_with_the_lightgbm_model(
    batch: list[Consignment], rules: RuleSet
) -> None:
    model = small_model()
    part = batch[:400]
    decisions = Screener(rules, model, CapacityThreshold(0.05)).screen_batch(part, now=WHEN)
    threshold = decisions[0].threshold
    singles = _singles(part, rules, model, threshold)
    expected = [singles.screen(c, now=WHEN) for c in part]
    # the frame path scores exactly as the records path
    assert [d.score for d in decisions] == [d.score for d in expected]
    assert decisions == expected
    assert any(d.contributions for d in decisions)


def test_observe_batch_equals_observing_one_by_one() -> None:
    rng = np.random.default_rng(5)
    one, many = (CapacityThreshold(0.1, window=50, min_window=10) for _ in range(2))
    for size in (7, 30, 49, 50, 120, 1, 0, 13):
        scores = rng.random(size)
        eligible = rng.random(size) < 0.8
        red = ~eligible & (rng.random(size) < 0.5)
        many.observe_batch(scores, eligible, red)
        for s, e, r in zip(scores, eligible, red, strict=True):
            one.observe(float(s), eligible=bool(e), rule_red=bool(r))
        assert many.observe(0.42, eligible=True, rule_red=False) == one.observe(
            0.42, eligible=True, rule_red=False
        )
        # the same ring, oldest first (a batch longer than the window keeps its last part)
        for a, b in ((many._scores, one._scores), (many._rule_red, one._rule_red)):
            assert np.array_equal(
                np.roll(a, -many._pos), np.roll(b, -one._pos), equal_nan=a.dtype.kind == "f"
            )
        assert many._n == one._n
