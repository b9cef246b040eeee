"""Denied-party screening: normalisation, fuzzy thresholds, grades, addresses, batches."""

from __future__ import annotations

import pytest

from smartlogistics.smartgate.rules import DeniedPartyRule, Outcome, Severity, load_config
from smartlogistics.smartgate.rules.denied_parties import DeniedPartyConfig, normalise_name
from tests.smartgate.conftest import clean

LIST = "SYNTHETIC demo list"


@pytest.fixture(scope="module")
def rule() -> DeniedPartyRule:
    return DeniedPartyRule.default()


def _rule(**changes: object) -> DeniedPartyRule:
    cfg: dict[str, object] = {
        "version": "t",
        "list_name": "test list",
        "entries": [
            {"id": "T-1", "name": "Acme Trading Company", "address": "12 Harbour Road, Port Example",  # noqa: E501
             "grade": "DNL", "source": "assumption: test"},
            {"id": "T-2", "name": "Blue Lantern Logistics", "grade": "RED", "source": "assumption: test"},  # noqa: E501
        ],
    }  # fmt: skip
    cfg.update(changes)
    return DeniedPartyRule(load_config(DeniedPartyConfig, cfg))


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("ACME Trading Co. Ltd", "acme trading"),
        ("Acme Trading Company", "acme trading"),
        ("Trading, ACME (B.V.)", "acme trading"),
        ("O'Neil & Sons GmbH", "oneil sons"),
        ("Co. Ltd.", ""),
    ],
)
def test_normalisation(raw: str, normal: str) -> None:
    assert normalise_name(raw) == normal


def test_legal_forms_do_not_hide_a_dnl_match() -> None:
    [hit] = _rule().check(clean(consignee_name="ACME Trading Co. Ltd"))
    assert (hit.rule, hit.severity, hit.outcome, hit.fields) == (
        "denied_parties", Severity.CRITICAL, Outcome.DNL, ("consignee_name",),
    )  # fmt: skip
    assert hit.message == (
        "consignee name 'ACME Trading Co. Ltd' matches T-1 'Acme Trading Company'"
        " on the test list (score 100.0, grade DNL)"
    )
    assert hit.details == {"entry": "T-1", "list": "test list", "score": 100.0, "grade": "DNL"}


def test_a_near_match_below_the_dnl_threshold_is_red_for_an_officer() -> None:
    # "acme tradng" vs "acme trading": ratio 95.65 -> DNL at 95, RED when dnl_threshold is 97
    [hit] = _rule(dnl_threshold=97).check(clean(consignor_name="Acme Tradng Ltd"))
    assert (hit.severity, hit.outcome) == (Severity.HIGH, Outcome.RED)
    assert hit.message == (
        "consignor name 'Acme Tradng Ltd' may match T-1 'Acme Trading Company'"
        " on the test list (score 95.7, grade DNL)"
    )
    assert hit.details["score"] == 95.65
    [dnl] = _rule().check(clean(consignor_name="Acme Tradng Ltd"))
    assert dnl.outcome is Outcome.DNL


def test_red_grade_entry_never_gives_dnl() -> None:
    [hit] = _rule().check(clean(consignor_name="Blue Lantern Logistics"))
    assert (hit.outcome, hit.details["score"]) == (Outcome.RED, 100.0)
    assert "matches T-2" in hit.message


@pytest.mark.parametrize(("threshold", "hits"), [(97.0, 1), (97.6, 1), (97.7, 0), (99.0, 0)])
def test_threshold_is_configurable(threshold: float, hits: int) -> None:
    # "blue lantern logistic" vs "blue lantern logistics": ratio 97.67
    rule = _rule(threshold=threshold, dnl_threshold=99.5)
    found = rule.check(clean(consignee_name="Blue Lantern Logistic"))
    assert len(found) == hits
    if found:
        assert found[0].details["score"] == 97.67


def test_one_word_names_do_not_match_longer_entries() -> None:
    # WRatio would score "trading" 90 against "acme trading"; token_sort_ratio gives 73.7
    assert _rule().check(clean(consignee_name="Trading Ltd")) == []
    assert _rule().check(clean(consignee_name="Acme")) == []
    wratio = _rule(scorer="WRatio", dnl_threshold=95)
    [hit] = wratio.check(clean(consignee_name="Acme"))
    assert (hit.outcome, hit.details["score"]) == (Outcome.RED, 90.0)


def test_address_alone_is_red_and_not_repeated_after_a_name_hit() -> None:
    rule = _rule()
    [hit] = rule.check(clean(consignor_address="12 Harbour Rd, Port Example"))
    assert (hit.severity, hit.outcome, hit.fields) == (
        Severity.MEDIUM, Outcome.RED, ("consignor_address",),
    )  # fmt: skip
    assert hit.message.startswith(
        "consignor address '12 Harbour Rd, Port Example' matches the address of T-1"
    )
    both = rule.check(
        clean(consignor_name="Acme Trading", consignor_address="12 Harbour Road, Port Example")
    )
    assert [h.fields for h in both] == [("consignor_name",)]


def test_clean_parties_have_no_hit(rule: DeniedPartyRule) -> None:
    assert rule.check(clean()) == []


def test_batch_equals_one_by_one(rule: DeniedPartyRule) -> None:
    batch = [
        clean(id="1"),
        clean(id="2", consignee_name="ACME Trading Co. Ltd"),
        clean(
            id="3", consignor_name="Crimson Peek Electronics Ltd", consignee_name="Acme Trading Co"
        ),
        clean(id="4", consignor_name=None, consignor_address="88 Circuit Street, Example Town"),
        clean(id="5", consignee_name="ACME Trading Co. Ltd"),
    ]
    assert rule.check_batch(batch) == [rule.check(c) for c in batch]
    assert [len(h) for h in rule.check_batch(batch)] == [0, 1, 2, 1, 1]


def test_packaged_list_is_labelled_synthetic(rule: DeniedPartyRule) -> None:
    cfg = rule.config
    assert cfg.list_name == LIST
    assert all(e.id.startswith("SYN-") and e.source.startswith("synthetic") for e in cfg.entries)


def test_non_ascii_names_are_normalised_too() -> None:
    assert normalise_name("Müller & Söhne GmbH — Berlin") == "berlin müller söhne"
    assert normalise_name("O\u2019Neil Co.") == "oneil"
