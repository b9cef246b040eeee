"""Dangerous-goods signals in the description against the declared HS code."""

from __future__ import annotations

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate.rules import (
    Agency,
    DangerousGoodsRule,
    Outcome,
    Severity,
    load_config,
)
from smartlogistics.smartgate.rules.dangerous_goods import DangerousGoodsConfig
from tests.smartgate.conftest import clean


@pytest.fixture(scope="module")
def rule() -> DangerousGoodsRule:
    return DangerousGoodsRule.default()


def test_plain_goods_have_no_hit(rule: DangerousGoodsRule) -> None:
    assert rule.check(clean()) == []
    assert rule.check(clean(description=None)) == []


def test_lithium_in_toys_is_red_for_security(rule: DangerousGoodsRule) -> None:
    [hit] = rule.check(clean(description="toy drones with Li-ion packs", hs_code="950300"))
    assert (hit.rule, hit.agency, hit.severity, hit.outcome) == (
        "dangerous_goods", Agency.SECURITY, Severity.HIGH, Outcome.RED,
    )  # fmt: skip
    assert (
        hit.message
        == "description mentions lithium batteries ('Li-ion') but HS 950300 does not declare them"
    )
    assert hit.fields == ("description", "hs_code")
    assert hit.details == {"signal": "lithium_batteries", "matched": "Li-ion"}


def test_declaring_hs_code_means_no_hit(rule: DangerousGoodsRule) -> None:
    assert rule.check(clean(description="lithium ion batteries", hs_code="850760")) == []
    assert rule.check(clean(description="perfume, eau de toilette", hs_code="330300")) == []


def test_un_number_and_no_hs_code(rule: DangerousGoodsRule) -> None:
    [hit] = rule.check(clean(description="chemicals UN1993", hs_code=None))
    assert hit.message == "description mentions a UN number ('UN1993') but no HS code declares them"
    assert rule.check(clean(description="paint UN1263", hs_code="320890")) == []


def test_several_signals_one_hit_each(rule: DangerousGoodsRule) -> None:
    hits = rule.check(clean(description="fireworks and aerosols, UN 0336", hs_code="950590"))
    assert [h.details["signal"] for h in hits] == ["explosives", "flammables", "un_number"]


@pytest.mark.parametrize(
    "description",
    [
        "non-toxic crayons",
        "non-flammable fabric",
        "laptop sleeves",
        "unicorn plush toys",
        "UNO cards",
    ],
)
def test_negations_and_lookalikes_do_not_hit(rule: DangerousGoodsRule, description: str) -> None:
    assert rule.check(clean(description=description, hs_code="950300")) == []


def test_bad_pattern_is_refused_with_its_path() -> None:
    cfg = {
        "version": "1",
        "signals": [
            {"id": "x", "label": "x", "patterns": ["ok", "(unclosed"], "source": "assumption: t"}
        ],
    }
    with pytest.raises(InvalidInputError) as info:
        load_config(DangerousGoodsConfig, cfg)
    assert info.value.field == "signals[0].patterns[1]"
    assert info.value.problem.startswith("not a regular expression: missing )")
