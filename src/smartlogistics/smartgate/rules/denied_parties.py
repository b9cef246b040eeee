"""Denied-party screening: the consignor's and consignee's names and addresses, fuzzily.

Owned by customs. Names and addresses are normalised (case, accents kept, punctuation
dropped, dotted abbreviations joined, legal forms such as "Co.", "Ltd", "GmbH", "B.V."
removed, tokens sorted) and compared with :mod:`rapidfuzz` against a loadable list
(``data/denied_parties.yaml`` is a clearly labelled *synthetic* demo list), normalised once
when the rule is built. ``"ACME Trading Co. Ltd"`` and ``"Acme Trading Company"`` both
become ``"acme trading"`` and match with 100.

Scoring (``scorer``, default ``token_sort_ratio``): rapidfuzz's ``WRatio`` and
``token_set_ratio`` score a one-word name that is part of a longer entry at 90 and 100
(``"trading"`` against ``"golden horizon general trading"``), which floods officers with
false matches; ``token_sort_ratio`` on normalised names does not, and list aliases cover
the short forms a party really uses. Both others can be configured.

Outcomes: a name scoring at least ``threshold`` against an entry is a possible match, RED
(an officer confirms); a name scoring at least ``dnl_threshold`` against an entry of grade
``DNL`` is a confirmed match, DNL. An address scoring at least ``address_threshold``
against an entry's address, with no name match to that entry, is RED: an address alone
does not identify a party. Each hit names the list entry, its list and the score.

Batches are scored with one :func:`rapidfuzz.process.cdist` call per party field (all
queries against all list strings, in C++ threads), so screening stays fast.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, model_validator
from rapidfuzz import fuzz, process

from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate.consignment import Consignment, consignment_columns
from smartlogistics.smartgate.rules.base import (
    Agency,
    BaseRule,
    Outcome,
    RuleConfig,
    RuleHit,
    Severity,
    packaged_config,
)
from smartlogistics.values import ValueObject

__all__ = [
    "DEFAULT_LEGAL_FORMS",
    "DeniedParty",
    "DeniedPartyConfig",
    "DeniedPartyRule",
    "normalise_name",
]

#: Legal-form and filler tokens dropped from names before matching (after dots are joined,
#: so "B.V." is "bv" and "S.A." is "sa").
DEFAULT_LEGAL_FORMS: tuple[str, ...] = (
    "ab", "ag", "as", "bhd", "bv", "co", "company", "corp", "corporation", "cv", "fze",
    "fzco", "fzc", "fzllc", "gmbh", "inc", "incorporated", "jsc", "kg", "limited", "llc",
    "llp", "lp", "ltd", "nv", "ojsc", "oy", "pjsc", "plc", "pte", "pty", "pvt", "sa",
    "sarl", "sas", "sdn", "spa", "srl", "ooo", "zao",
)  # fmt: skip

# Dots and apostrophes join ("B.V." -> "bv", "O'Neil" -> "oneil"); other ASCII punctuation
# splits. str.translate does it in one C pass; non-ASCII text also goes through a regex.
_TABLE = str.maketrans(
    {**{c: " " for c in string.punctuation if c not in ".'"}, ".": None, "'": None, "\u2019": None}
)
_NON_WORD = re.compile(r"[\W_]+")

# Normalised strings are already sorted tokens, so token_sort_ratio is plain ratio on them
# (same scores, no re-tokenising in every comparison).
_SCORERS: dict[str, Any] = {
    "token_sort_ratio": fuzz.ratio,
    "token_set_ratio": fuzz.token_set_ratio,
    "WRatio": fuzz.WRatio,
    "ratio": fuzz.ratio,
}


def normalise_name(text: str, legal_forms: frozenset[str] = frozenset(DEFAULT_LEGAL_FORMS)) -> str:
    """Normalise a party name or address for fuzzy matching.

    Lower-cases, joins dotted abbreviations (``"B.V."`` → ``"bv"``), turns every other
    punctuation into a space, drops ``legal_forms`` tokens and sorts the tokens.

    Parameters
    ----------
    text
        The name as filed.
    legal_forms
        Tokens to drop (pass an empty set for addresses).

    Returns
    -------
    str
        Space-separated sorted tokens; ``""`` when nothing is left.

    Examples
    --------
    >>> normalise_name("ACME Trading Co. Ltd")
    'acme trading'
    """
    joined = text.casefold().translate(_TABLE)
    if not joined.isascii():
        joined = _NON_WORD.sub(" ", joined)
    tokens = [t for t in joined.split() if t not in legal_forms]
    tokens.sort()
    return " ".join(tokens)


class DeniedParty(ValueObject):
    """One entry of a denied-party list.

    Attributes
    ----------
    id
        The list's identifier of the entry.
    name
        The listed name; ``aliases`` are other names it uses.
    address
        The listed address, if any.
    country
        ISO 3166-1 alpha-2 country, if known (informational).
    grade
        ``DNL`` (a confirmed match stops loading) or ``RED`` (an officer checks).
    source
        Citation or ``assumption: why``.
    """

    id: Annotated[str, Field(min_length=1)]
    name: Annotated[str, Field(min_length=1)]
    aliases: tuple[str, ...] = ()
    address: str | None = None
    country: str | None = None
    grade: Literal[Outcome.RED, Outcome.DNL]
    source: str


class DeniedPartyConfig(RuleConfig):
    """Configuration of :class:`DeniedPartyRule`.

    Attributes
    ----------
    list_name
        Name of the list, shown in hits (``"SYNTHETIC demo list"``).
    entries
        The list.
    threshold
        Lowest name score (0-100) that is a possible match (RED).
    dnl_threshold
        Lowest name score that is a confirmed match of a DNL-grade entry (DNL); at least
        ``threshold``.
    address_threshold
        Lowest address score that is an address match (RED).
    scorer
        rapidfuzz scorer: ``token_sort_ratio`` (default), ``token_set_ratio``, ``WRatio``
        or ``ratio``.
    legal_forms
        Tokens dropped from names before matching.
    """

    agency: Agency = Agency.CUSTOMS
    list_name: Annotated[str, Field(min_length=1)]
    entries: tuple[DeniedParty, ...] = ()
    threshold: Annotated[float, Field(ge=0, le=100)] = 88.0
    dnl_threshold: Annotated[float, Field(ge=0, le=100)] = 95.0
    address_threshold: Annotated[float, Field(ge=0, le=100)] = 90.0
    scorer: Literal["token_sort_ratio", "token_set_ratio", "WRatio", "ratio"] = "token_sort_ratio"
    legal_forms: tuple[str, ...] = DEFAULT_LEGAL_FORMS

    @model_validator(mode="after")
    def _consistent(self) -> DeniedPartyConfig:
        if self.dnl_threshold < self.threshold:
            raise InvalidInputError("dnl_threshold", "must be at least threshold")
        seen: set[str] = set()
        for i, entry in enumerate(self.entries):
            if entry.id in seen:
                raise InvalidInputError(f"entries[{i}].id", f"{entry.id!r} listed twice")
            seen.add(entry.id)
        return self

    def citations(self) -> Iterable[tuple[str, str]]:
        """Every entry's ``source``."""
        return ((f"entries[{i}].source", e.source) for i, e in enumerate(self.entries))


_PARTY_FIELDS = (
    ("consignor", "consignor_name", "consignor_address"),
    ("consignee", "consignee_name", "consignee_address"),
)
_BATCH_FIELDS = ("consignor_name", "consignor_address", "consignee_name", "consignee_address")

#: Distinct queries from which ``cdist`` uses two threads (below, starting them costs more).
_THREADED_QUERIES = 2000


class DeniedPartyRule(BaseRule[DeniedPartyConfig]):
    """Fuzzy screening of consignor and consignee names and addresses against a list."""

    name = "denied_parties"

    def __init__(self, config: DeniedPartyConfig) -> None:
        super().__init__(config)
        self._forms = frozenset(t.casefold() for t in config.legal_forms)
        self._scorer = _SCORERS[config.scorer]
        names: list[str] = []
        owners: list[int] = []
        addresses: list[str] = []
        address_owners: list[int] = []
        for k, entry in enumerate(config.entries):
            own: set[str] = set()
            for text in (entry.name, *entry.aliases):
                norm = normalise_name(text, self._forms)
                if norm and norm not in own:
                    own.add(norm)
                    names.append(norm)
                    owners.append(k)
            if entry.address:
                norm = normalise_name(entry.address, frozenset())
                if norm:
                    addresses.append(norm)
                    address_owners.append(k)
        self._names, self._owners = names, owners
        self._addresses, self._address_owners = addresses, address_owners
        forms = self._forms
        self._norm_name = lru_cache(maxsize=65536)(lambda s: normalise_name(s, forms))
        self._norm_address = lru_cache(maxsize=65536)(lambda s: normalise_name(s, frozenset()))

    @classmethod
    def default(cls) -> DeniedPartyRule:
        """Build the rule with the packaged SYNTHETIC demo list."""
        return cls(packaged_config(DeniedPartyConfig, "denied_parties"))

    # -- one consignment ----------------------------------------------------------------

    def check(self, consignment: Consignment) -> list[RuleHit]:
        """Return the name and address matches of the consignor and the consignee.

        A name hit's message reads ``"consignee name 'ACME Trading Co. Ltd' matches
        SYN-DP-001 'Acme Trading Company' on the SYNTHETIC demo list (score 100.0)"``;
        its details hold ``entry``, ``list``, ``score`` and ``matched`` (the list string).
        """
        hits: list[RuleHit] = []
        cfg = self.config
        for who, name_field, address_field in _PARTY_FIELDS:
            name = getattr(consignment, name_field)
            matched: int | None = None
            if name is not None and self._names:
                best = process.extractOne(
                    self._norm_name(name),
                    self._names,
                    scorer=self._scorer,
                    processor=None,
                    score_cutoff=cfg.threshold,
                )
                if best is not None:
                    matched = self._owners[best[2]]
                    score = round(float(best[1]), 2)
                    hits.append(self._name_hit(who, name_field, name, matched, score))
            address = getattr(consignment, address_field)
            if address is not None and self._addresses:
                best = process.extractOne(
                    self._norm_address(address),
                    self._addresses,
                    scorer=self._scorer,
                    processor=None,
                    score_cutoff=cfg.address_threshold,
                )
                if best is not None and self._address_owners[best[2]] != matched:
                    owner = self._address_owners[best[2]]
                    score = round(float(best[1]), 2)
                    hits.append(self._address_hit(who, address_field, address, owner, score))
        return hits

    # -- a batch ------------------------------------------------------------------------

    def check_batch(self, consignments: Sequence[Consignment]) -> list[list[RuleHit]]:
        """Return every consignment's hits, scoring each party field in one ``cdist`` call.

        Each distinct name or address of the batch is normalised and scored once; the
        per-consignment work is a dictionary look-up. Gives the same hits as :meth:`check`
        on each consignment.
        """
        out: list[list[RuleHit]] = [[] for _ in consignments]
        if not consignments:
            return out
        cfg = self.config
        columns = consignment_columns(consignments, _BATCH_FIELDS)
        for who, name_field, address_field in _PARTY_FIELDS:
            names = columns[name_field]
            addresses = columns[address_field]
            name_best = self._best(names, self._norm_name, self._names, cfg.threshold)
            address_best = self._best(
                addresses, self._norm_address, self._addresses, cfg.address_threshold
            )
            if name_best:
                for i, name in enumerate(names):
                    found = name_best.get(name)
                    if found is not None:
                        owner = self._owners[found[0]]
                        out[i].append(self._name_hit(who, name_field, name, owner, found[1]))
            if address_best:
                for i, address in enumerate(addresses):
                    found = address_best.get(address)
                    if found is None:
                        continue
                    owner = self._address_owners[found[0]]
                    named = name_best.get(names[i])
                    if named is not None and self._owners[named[0]] == owner:
                        continue
                    out[i].append(self._address_hit(who, address_field, address, owner, found[1]))
        return out

    def _best(
        self,
        texts: Sequence[str | None],
        normalise: Any,
        choices: list[str],
        cutoff: float,
    ) -> dict[str | None, tuple[int, float]]:
        """Best choice (column, score) at or above ``cutoff`` per distinct text of a column.

        Texts that match nothing are absent from the result, so does ``None``.
        """
        if not choices:
            return {}
        # Parties repeat across a batch: normalise each distinct text once, then score
        # each distinct normalised string once (with the cutoff, in C++ threads).
        raw = [t for t in dict.fromkeys(texts) if t is not None]
        if not raw:
            return {}
        norms = [normalise(t) for t in raw]
        queries = list(dict.fromkeys(norms))
        scores = process.cdist(
            queries,
            choices,
            scorer=self._scorer,
            processor=None,
            score_cutoff=cutoff,
            dtype=np.float64,
            workers=2 if len(queries) >= _THREADED_QUERIES else 1,
        )
        best_col = scores.argmax(axis=1)
        best = scores[np.arange(len(queries)), best_col]
        hit = np.flatnonzero(best >= cutoff)
        if not len(hit):
            return {}
        matched = {queries[q]: (int(best_col[q]), round(float(best[q]), 2)) for q in hit}
        return {t: matched[n] for t, n in zip(raw, norms, strict=True) if n in matched}

    # -- hits ---------------------------------------------------------------------------

    def _name_hit(self, who: str, field: str, name: str, owner: int, score: float) -> RuleHit:
        cfg = self.config
        entry = cfg.entries[owner]
        confirmed = entry.grade is Outcome.DNL and score >= cfg.dnl_threshold
        kind = "matches" if confirmed or score >= cfg.dnl_threshold else "may match"
        return self.hit(
            Severity.CRITICAL if confirmed else Severity.HIGH,
            Outcome.DNL if confirmed else Outcome.RED,
            f"{who} name {name!r} {kind} {entry.id} {entry.name!r} on the {cfg.list_name}"
            f" (score {score:.1f}, grade {entry.grade.value})",
            (field,),
            {"entry": entry.id, "list": cfg.list_name, "score": score, "grade": entry.grade.value},
        )

    def _address_hit(self, who: str, field: str, address: str, owner: int, score: float) -> RuleHit:
        cfg = self.config
        entry = cfg.entries[owner]
        return self.hit(
            Severity.MEDIUM,
            Outcome.RED,
            f"{who} address {address!r} matches the address of {entry.id} {entry.name!r}"
            f" on the {cfg.list_name} (score {score:.1f})",
            (field,),
            {"entry": entry.id, "list": cfg.list_name, "score": score, "grade": entry.grade.value},
        )
