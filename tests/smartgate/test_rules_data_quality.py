"""Data quality: missing 7+1 data, vague descriptions, weights, currencies, AWB check digit."""

from __future__ import annotations

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate.consignment import Consignment
from smartlogistics.smartgate.rules import DataQualityRule, Outcome, Severity, load_config
from smartlogistics.smartgate.rules.data_quality import DataQualityConfig
from tests.smartgate.conftest import clean


@pytest.fixture(scope="module")
def rule() -> DataQualityRule:
    return DataQualityRule.default()


def test_clean_consignment_has_no_hit(rule: DataQualityRule) -> None:
    assert rule.check(clean()) == []


def test_missing_placi_elements_are_one_rfi_naming_exactly_them(rule: DataQualityRule) -> None:
    [hit] = rule.check(clean(consignee_address=None, master_awb=None, description=""))
    assert (hit.rule, hit.severity, hit.outcome) == ("data_quality", Severity.MEDIUM, Outcome.RFI)
    assert (
        hit.message
        == "missing ICS2 pre-loading (7+1) data: description, consignee_address, master_awb"
    )
    assert hit.fields == ("description", "consignee_address", "master_awb")
    assert hit.details == {"missing": ["description", "consignee_address", "master_awb"]}


def test_a_bare_id_misses_all_nine(rule: DataQualityRule) -> None:
    [hit] = rule.check(Consignment(id="X"))
    assert hit.fields == (
        "pieces", "gross_weight_kg", "description", "consignor_name", "consignor_address",
        "consignee_name", "consignee_address", "house_awb", "master_awb",
    )  # fmt: skip


@pytest.mark.parametrize(
    "description",
    ["Gifts", "gift", "PARTS", "spare parts", "Samples & gifts", "general cargo", "Consolidated",
     "consol", "3 boxes", "various goods", "FAK", "said to contain", "...", "personal effects"],
)  # fmt: skip
def test_vague_descriptions_are_rfi(rule: DataQualityRule, description: str) -> None:
    [hit] = rule.check(clean(description=description))
    assert (
        hit.message
        == f"description {description!r} is too vague to assess (ICS2 refuses generic terms)"
    )
    assert (hit.outcome, hit.fields) == (Outcome.RFI, ("description",))


@pytest.mark.parametrize(
    "description",
    ["laptop computers", "cotton T-shirts", "spare parts for Boeing 737 landing gear",
     "samples of woven wool fabric", "gift boxes of dark chocolate"],
)  # fmt: skip
def test_descriptions_that_name_goods_pass(rule: DataQualityRule, description: str) -> None:
    assert rule.check(clean(description=description)) == []


def test_impossible_weight_per_piece(rule: DataQualityRule) -> None:
    [light] = rule.check(clean(gross_weight_kg=0.01, pieces=2))
    assert light.message == (
        "0.005 kg per piece (0.01 kg over 2 pieces) is below the plausible minimum of 0.01 kg"
    )
    assert (light.outcome, light.fields) == (Outcome.RFI, ("gross_weight_kg", "pieces"))
    [heavy] = rule.check(clean(gross_weight_kg=30000, pieces=2))
    assert heavy.message == (
        "15000 kg per piece (30000 kg over 2 pieces) is above the plausible maximum of 10000 kg"
    )
    assert rule.check(clean(gross_weight_kg=0.02, pieces=2)) == []  # exactly the minimum
    assert rule.check(clean(gross_weight_kg=20000, pieces=2)) == []  # exactly the maximum


def test_unknown_currency(rule: DataQualityRule) -> None:
    [hit] = rule.check(clean(currency="EUX"))
    assert hit.message == "currency 'EUX' is not an ISO 4217 code"
    assert (hit.severity, hit.outcome, hit.fields) == (Severity.MEDIUM, Outcome.RFI, ("currency",))


@pytest.mark.parametrize(
    ("master", "message"),
    [
        ("074-12345678", "master_awb '074-12345678' fails the IATA check digit (1234567 mod 7 = 5, not 8)"),  # noqa: E501
        ("MAWB-1", "master_awb 'MAWB-1' is not an IATA air waybill number (3-digit prefix, 8-digit serial)"),  # noqa: E501
    ],
)  # fmt: skip
def test_master_awb_check_digit(rule: DataQualityRule, master: str, message: str) -> None:
    [hit] = rule.check(clean(master_awb=master))
    assert (hit.message, hit.severity, hit.outcome) == (message, Severity.LOW, Outcome.RFI)
    assert rule.check(clean(master_awb="07412345675")) == []


def test_config_refuses_unknown_fields_and_crossed_limits() -> None:
    base = {
        "version": "1",
        "min_kg_per_piece": {"value": 1, "source": "assumption: t"},
        "max_kg_per_piece": {"value": 2, "source": "assumption: t"},
    }
    with pytest.raises(InvalidInputError) as info:
        load_config(DataQualityConfig, {**base, "required_elements": ["pieces", "colour"]})
    assert (info.value.field, info.value.problem) == (
        "required_elements[1]",
        "unknown field 'colour'",
    )
    with pytest.raises(InvalidInputError) as info:
        load_config(
            DataQualityConfig, {**base, "max_kg_per_piece": {"value": 1, "source": "assumption: t"}}
        )
    assert info.value.field == "max_kg_per_piece.value"
    with pytest.raises(InvalidInputError) as info:
        load_config(
            DataQualityConfig, {**base, "vague_descriptions": [{"term": "x", "source": "nope"}]}
        )
    assert (info.value.field, info.value.problem) == (
        "vague_descriptions[0].source",
        "unknown source 'nope'",
    )
