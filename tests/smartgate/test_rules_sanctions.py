"""Sanctions and embargo countries: parties' countries, origin and routing airports."""

from __future__ import annotations

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate.rules import Agency, Outcome, SanctionsRule, Severity, load_config
from smartlogistics.smartgate.rules.sanctions import SanctionsConfig, load_airports
from tests.smartgate.conftest import clean

KP = "UN and EU comprehensive restrictions on trade with the DPRK"


@pytest.fixture(scope="module")
def rule() -> SanctionsRule:
    return SanctionsRule.default()


def test_clean_consignment_has_no_hit(rule: SanctionsRule) -> None:
    assert rule.check(clean()) == []


def test_embargoed_consignor_country_is_dnl(rule: SanctionsRule) -> None:
    [hit] = rule.check(clean(consignor_country="KP"))
    assert (hit.rule, hit.agency, hit.severity, hit.outcome) == (
        "sanctions", Agency.CUSTOMS, Severity.CRITICAL, Outcome.DNL,
    )  # fmt: skip
    assert hit.message == f"consignor country KP is under embargo: {KP}"
    assert hit.fields == ("consignor_country",)


def test_sanctioned_consignee_country_is_red(rule: SanctionsRule) -> None:
    [hit] = rule.check(clean(consignee_country="IR"))
    assert (hit.severity, hit.outcome, hit.fields) == (
        Severity.HIGH, Outcome.RED, ("consignee_country",),
    )  # fmt: skip
    assert (
        hit.message
        == "consignee country IR is under sanctions: EU restrictive measures against Iran"
    )


def test_routing_airport_in_a_listed_country(rule: SanctionsRule) -> None:
    [hit] = rule.check(clean(routing=["PVG", "FNJ", "AMS"]))
    assert hit.message == f"routing[1] airport FNJ is in KP, under embargo: {KP}"
    assert (hit.outcome, hit.fields) == (Outcome.DNL, ("routing",))
    assert hit.details == {"airport": "FNJ", "country": "KP"}


def test_origin_airport_and_repeated_routing_airport_hit_once(rule: SanctionsRule) -> None:
    [hit] = rule.check(clean(origin_airport="SVO", routing=["SVO", "AMS"]))
    assert hit.message == (
        "origin airport SVO is in RU, under sanctions:"
        " EU restrictive measures against Russia (sectoral import and export bans)"
    )
    assert hit.fields == ("origin_airport",)


def test_unknown_airport_is_a_data_quality_note_not_a_crash(rule: SanctionsRule) -> None:
    [hit] = rule.check(clean(routing=["PVG", "ZZZ", "AMS"]))
    assert (
        hit.message
        == "routing[1] airport ZZZ is not in the airport table; its country was not checked"
    )
    assert (hit.severity, hit.outcome, hit.fields) == (Severity.LOW, Outcome.NONE, ("routing",))


def test_every_hit_is_reported(rule: SanctionsRule) -> None:
    hits = rule.check(clean(consignor_country="RU", origin_airport="DME", routing=["DME", "MSQ"]))
    assert [h.message.split(" is ")[0] for h in hits] == [
        "consignor country RU", "origin airport DME", "routing[1] airport MSQ",
    ]  # fmt: skip


def test_airport_table_covers_the_lists_countries() -> None:
    table = load_airports()
    assert table.country_of("AMS") == "NL"
    assert table.country_of("OSL") == "NO"  # YAML's "NO" is not a boolean here
    assert table.country_of("QQQ") is None
    assert {"KP", "IR", "RU", "BY", "SY"} <= {a.country for a in table.airports.values()}


def test_config_checks_sources_and_duplicates() -> None:
    entry = {
        "code": "KP",
        "regime": "x",
        "kind": "embargo",
        "outcome": "DNL",
        "severity": "critical",
    }
    with pytest.raises(InvalidInputError) as info:
        load_config(SanctionsConfig, {"version": "1", "countries": [{**entry, "source": "nosuch"}]})
    assert (info.value.field, info.value.problem) == (
        "countries[0].source",
        "unknown source 'nosuch'",
    )
    cfg = {"version": "1", "countries": [{**entry, "source": "assumption: test"}] * 2}
    with pytest.raises(InvalidInputError) as info:
        load_config(SanctionsConfig, cfg)
    assert (info.value.field, info.value.problem) == ("countries[1].code", "'KP' listed twice")


def test_a_configured_list_replaces_the_default() -> None:
    cfg = load_config(
        SanctionsConfig,
        {
            "version": "test",
            "countries": [
                {"code": "CN", "regime": "test regime", "kind": "sanctions", "outcome": "RFI",
                 "severity": "low", "source": "assumption: test"},
            ],
        },
    )  # fmt: skip
    rule = SanctionsRule(cfg)
    assert [h.outcome for h in rule.check(clean())] == [Outcome.RFI, Outcome.RFI]
    assert rule.version.startswith("1/test+")
