"""Product safety (NVWA): controlled goods from outside the EU."""

from __future__ import annotations

import pytest

from smartlogistics.smartgate.rules import Agency, Outcome, ProductSafetyRule, Severity
from tests.smartgate.conftest import clean


@pytest.fixture(scope="module")
def rule() -> ProductSafetyRule:
    return ProductSafetyRule.default()


def test_live_animals_from_outside_the_eu_are_red(rule: ProductSafetyRule) -> None:
    [hit] = rule.check(clean(hs_code="010619", consignor_country="BR"))
    assert (hit.rule, hit.agency, hit.severity, hit.outcome) == (
        "product_safety", Agency.PRODUCT_SAFETY, Severity.HIGH, Outcome.RED,
    )  # fmt: skip
    assert hit.message == (
        "HS 010619 (live animals) from BR: live animals need an identity and physical check"
        " at the border control post (NVWA, CHED-A)"
    )
    assert hit.fields == ("hs_code", "consignor_country")


def test_plants_are_an_info_note_and_eu_goods_are_exempt(rule: ProductSafetyRule) -> None:
    [hit] = rule.check(clean(hs_code="060311", consignor_country="KE"))
    assert (hit.severity, hit.outcome, hit.details) == (
        Severity.INFO,
        Outcome.NONE,
        {"entry": "plants"},
    )
    assert rule.check(clean(hs_code="060311", consignor_country="DE")) == []
    assert rule.check(clean()) == []
