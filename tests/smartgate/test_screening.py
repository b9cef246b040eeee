"""The screener: rules only, with a model of the RiskScorer shape, batches and singles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from smartlogistics.smartgate.capacity import CapacityThreshold
from smartlogistics.smartgate.consignment import Consignment
from smartlogistics.smartgate.lanes import Lane
from smartlogistics.smartgate.rules import RuleSet
from smartlogistics.smartgate.screening import Screener
from tests.smartgate.conftest import clean

WHEN = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


class FakeModel:
    """Scores by declared weight (heavier = riskier) so tests know the order."""

    version = "fake-1"

    def __init__(self) -> None:
        self.explained: list[str] = []

    def score(self, records: Sequence[Mapping[str, Any]]) -> Any:
        return np.array([min(1.0, (r["gross_weight_kg"] or 0) / 1000) for r in records])

    def explain(
        self, records: Sequence[Mapping[str, Any]], top: int = 5
    ) -> list[list[tuple[str, float]]]:
        self.explained.extend(r["id"] for r in records)
        return [[("gross_weight_kg", 0.5), ("hs_code", -0.1)][:top] for _ in records]


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return RuleSet.default()


def test_rules_only_never_green_with_missing_data(rules: RuleSet) -> None:
    screener = Screener(rules)
    d = screener.screen(clean(house_awb=None), now=WHEN)
    assert (d.lane, d.status_code, d.score, d.threshold, d.model_version) == (
        Lane.RFI, "7H", None, None, None,
    )  # fmt: skip
    assert d.decided_by == ("data_quality",)
    assert d.hits[0].message == "missing ICS2 pre-loading (7+1) data: house_awb"
    assert d.rule_set_version == rules.version and d.rule_versions == rules.versions
    assert screener.screen(clean(), now=WHEN).lane is Lane.GREEN


def test_one_stop_dnl_precedence(rules: RuleSet) -> None:
    c = clean(description="Gifts", consignee_name="ACME Trading Co. Ltd", hs_code="950300")
    d = Screener(rules).screen(c, now=WHEN)
    assert (d.lane, d.status_code, d.decided_by) == (Lane.DNL, "6H", ("denied_parties",))
    assert [h.rule for h in d.hits] == ["data_quality", "denied_parties"]
    assert d.agencies == ("customs",)
    assert d.input_hash == c.input_hash()


def test_batch_equals_singles_without_a_model(rules: RuleSet) -> None:
    batch = [
        clean(id="A"),
        clean(id="B", consignor_country="KP"),
        clean(id="C", description="toy drones with Li-ion packs", hs_code="950300"),
        clean(id="D", pieces=None),
    ]
    screener = Screener(rules)
    decisions = screener.screen_batch(batch, now=WHEN)
    assert [d.lane for d in decisions] == [Lane.GREEN, Lane.DNL, Lane.RED, Lane.RFI]
    assert [d.to_json() for d in decisions] == [
        screener.screen(c, now=WHEN).to_json() for c in batch
    ]


def test_model_red_follows_the_capacity_and_rule_reds_take_places(rules: RuleSet) -> None:
    batch = [clean(id=f"C{i}", gross_weight_kg=float(10 * (i + 1))) for i in range(20)]
    batch.append(clean(id="DG", description="fireworks", hs_code="950300"))  # rule RED, 10 kg
    model = FakeModel()
    screener = Screener(rules, model, CapacityThreshold(0.15))  # floor(0.15 * 21) = 3 places
    decisions = screener.screen_batch(batch, now=WHEN)
    red = [d.consignment_id for d in decisions if d.lane is Lane.RED]
    assert red == ["C18", "C19", "DG"]  # 2 model places left after the rule RED
    by_id = {d.consignment_id: d for d in decisions}
    assert by_id["C19"].decided_by == ("model",) and by_id["C19"].threshold == 0.19
    assert by_id["C19"].score == 0.2 and by_id["C0"].lane is Lane.GREEN
    assert [c.feature for c in by_id["C19"].contributions] == ["gross_weight_kg", "hs_code"]
    assert by_id["C0"].contributions == ()  # explain="flagged": greens are not explained
    assert sorted(model.explained) == ["C18", "C19", "DG"]
    assert by_id["DG"].model_version == "fake-1"


def test_single_screening_uses_the_rolling_window(rules: RuleSet) -> None:
    cap = CapacityThreshold(0.5, window=4, min_window=2, fallback=0.99)
    screener = Screener(rules, FakeModel(), cap, explain="none")
    first = screener.screen(clean(id="1", gross_weight_kg=900.0), now=WHEN)
    assert (first.lane, first.threshold) == (Lane.GREEN, 0.99)  # warming up
    second = screener.screen(clean(id="2", gross_weight_kg=100.0), now=WHEN)
    assert (second.lane, second.threshold) == (Lane.GREEN, 0.9)  # top 1 of 2 is 0.9
    third = screener.screen(clean(id="3", gross_weight_kg=950.0), now=WHEN)
    assert (third.lane, third.threshold, third.contributions) == (Lane.RED, 0.95, ())


def test_bad_model_output_is_refused(rules: RuleSet) -> None:
    class Short(FakeModel):
        def score(self, records: Sequence[Mapping[str, Any]]) -> Any:
            return np.array([0.5])

    with pytest.raises(ValueError, match="the model returned 1 scores for 2 records"):
        Screener(rules, Short()).screen_batch([clean(id="a"), clean(id="b")])


def test_empty_batch() -> None:
    assert Screener(RuleSet([])).screen_batch([]) == []
    d = Screener(RuleSet([])).screen(Consignment(id="x"), now=WHEN)
    assert d.lane is Lane.GREEN and d.hits == ()
