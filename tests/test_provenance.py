"""Source strings, source tables and citations shared by all data files."""

from __future__ import annotations

import pytest

from smartlogistics.errors import InvalidInputError
from smartlogistics.provenance import (
    RESERVED_SOURCE_KEYS,
    Source,
    SourceRef,
    check_source,
    check_source_key,
    source_refs,
)

KNOWN = {"qu2019", "slam-facts"}


def test_reserved_words() -> None:
    assert frozenset({"assumption", "derived"}) == RESERVED_SOURCE_KEYS


def test_source_refs_parses_keys_and_notes() -> None:
    assert source_refs("qu2019: EUR 23.89/TEU ; assumption: rounded") == (
        SourceRef("qu2019", "EUR 23.89/TEU"),
        SourceRef("assumption", "rounded"),
    )
    assert source_refs("slam-facts") == (SourceRef("slam-facts", ""),)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("qu2019;", "empty reference in source 'qu2019;'"),
        ("Qu_2019", "malformed source key 'Qu_2019' (expected e.g. 'qu2019')"),
        ("derived", "'derived' needs a note saying why or how, e.g. 'derived: ...'"),
        ("assumption:  ", "'assumption' needs a note saying why or how, e.g. 'assumption: ...'"),
    ],
)
def test_source_refs_rejects(text: str, problem: str) -> None:
    with pytest.raises(ValueError) as info:
        source_refs(text)
    assert str(info.value) == problem


def test_check_source_accepts_known_and_reserved_keys() -> None:
    check_source("qu2019; derived: qu2019 x 2; assumption: why", KNOWN)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("qu2019; nosuch2021: p. 3", "unknown source 'nosuch2021'"),
        ("assumption", "'assumption' needs a note saying why or how, e.g. 'assumption: ...'"),
    ],
)
def test_check_source_names_the_field(text: str, problem: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        check_source(text, KNOWN, "links[3].source")
    assert (info.value.field, info.value.problem) == ("links[3].source", problem)
    with pytest.raises(ValueError, match=f"^{problem[:10]}"):
        check_source(text, KNOWN)


def test_check_source_key_lists_the_known_keys() -> None:
    check_source_key("qu2019", KNOWN)
    with pytest.raises(InvalidInputError) as info:
        check_source_key("theirs", KNOWN, "tocs[0].source")
    assert (info.value.field, info.value.problem) == (
        "tocs[0].source",
        "unknown source 'theirs'; known: qu2019, slam-facts",
    )
    with pytest.raises(InvalidInputError) as info:
        check_source_key("assumption", set())
    assert str(info.value) == "unknown source 'assumption'; known: none"


def test_source_is_a_strict_value_object() -> None:
    src = Source(id="qu2019", author="Qu et al.", title="Barge costs", year=2019)
    assert src.model_dump(exclude_none=True) == {
        "id": "qu2019",
        "author": "Qu et al.",
        "title": "Barge costs",
        "year": 2019,
    }
    with pytest.raises(InvalidInputError) as info:
        Source(id="Qu_2019", author="a", title="t")
    assert (info.value.field, info.value.problem) == (
        "id",
        "String should match pattern '^[a-z0-9][a-z0-9-]*$'",
    )
    with pytest.raises(InvalidInputError) as info:
        Source(id="qu2019", author="", title="t")
    assert info.value.field == "author"
