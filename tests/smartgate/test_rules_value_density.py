"""Value density: declared EUR per kg against the band of the HS chapter."""

from __future__ import annotations

import pytest

from smartlogistics.smartgate.rules import Outcome, Severity, ValueDensityRule
from tests.smartgate.conftest import clean


@pytest.fixture(scope="module")
def rule() -> ValueDensityRule:
    return ValueDensityRule.default()


def test_plausible_value_has_no_hit(rule: ValueDensityRule) -> None:
    assert rule.check(clean()) == []  # EUR 8000 for 40 kg of laptops: EUR 200/kg


def test_undervalued_laptops_are_red(rule: ValueDensityRule) -> None:
    [hit] = rule.check(clean(declared_value=20.0, gross_weight_kg=40.0))
    assert (hit.rule, hit.severity, hit.outcome) == ("value_density", Severity.MEDIUM, Outcome.RED)
    assert hit.message == (
        "declared value EUR 0.5/kg (EUR 20 for 40 kg) is below the band EUR 2-10000/kg"
        " of HS chapter 84 (machinery and computers)"
    )
    assert hit.fields == ("declared_value", "gross_weight_kg", "hs_code")
    assert hit.details == {"eur_per_kg": 0.5, "low": 2.0, "high": 10000.0, "chapter": "84"}


def test_currency_is_converted(rule: ValueDensityRule) -> None:
    # USD 100 = EUR 90 for 40 kg: EUR 2.25/kg, inside; JPY 10000 = EUR 60: 1.5/kg, below
    assert rule.check(clean(declared_value=100.0, currency="USD")) == []
    [hit] = rule.check(clean(declared_value=10000.0, currency="JPY"))
    assert hit.details["eur_per_kg"] == pytest.approx(1.5)


def test_overvalued_cotton_is_rfi(rule: ValueDensityRule) -> None:
    [hit] = rule.check(clean(hs_code="610910", declared_value=200000.0, gross_weight_kg=10.0))
    assert (hit.severity, hit.outcome) == (Severity.LOW, Outcome.RFI)
    assert hit.message.startswith("declared value EUR 2e+04/kg (EUR 200000 for 10 kg) is above")


def test_not_assessed_without_data_or_band(rule: ValueDensityRule) -> None:
    assert rule.check(clean(declared_value=None, currency=None)) == []
    assert rule.check(clean(hs_code=None, declared_value=0.0)) == []
    assert rule.check(clean(hs_code="250100", declared_value=0.0)) == []  # chapter 25: no band
    assert rule.check(clean(currency="EUX", declared_value=0.0)) == []  # data quality's job


def test_known_currency_without_rate_is_an_info_note(rule: ValueDensityRule) -> None:
    [hit] = rule.check(clean(currency="MNT"))
    assert (hit.severity, hit.outcome, hit.message) == (
        Severity.INFO, Outcome.NONE, "no EUR rate for MNT; value density not assessed",
    )  # fmt: skip
