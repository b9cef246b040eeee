"""The decision: one lane, its ONE Record status code, and every reason, on record.

Rules and model combine by precedence (:func:`combine_lane`):

1. any hit suggesting **DNL** (denied party confirmed, embargo) → DNL;
2. else any hit suggesting **RFI** (missing 7+1 data, vague description, impossible
   weight, unknown currency) → RFI: such a consignment cannot be assessed, so it is never
   green, and is screened again when the filer answers;
3. else **RED** when a hit suggests RED or the model's score is at or above the red
   threshold (set by the inspection capacity, ``smartgate.capacity``);
4. else **GREEN**.

A :class:`Decision` records what it was taken on (the consignment's id and the SHA-256 of
its canonical JSON), the lane and CSN code, the score and threshold, the reasons (rule hits
and the model's top feature contributions), the versions of the rule set, each rule and
the model, and when. :meth:`Decision.to_json` is the contract with the decision log, the
HTTP API and the CLI (``docs/smartgate.md``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from smartlogistics.smartgate.lanes import Lane, Stage, status_code
from smartlogistics.smartgate.rules.base import Outcome, RuleHit

__all__ = [
    "Contribution",
    "Decision",
    "combine_lane",
    "make_decision",
    "make_decisions",
    "rule_lane",
]

_OUTCOME_LANE: Mapping[Outcome, Lane] = {
    Outcome.NONE: Lane.GREEN,
    Outcome.RED: Lane.RED,
    Outcome.RFI: Lane.RFI,
    Outcome.DNL: Lane.DNL,
}


@dataclass(frozen=True, slots=True)
class Contribution:
    """One feature's contribution to the model's score (LightGBM's own, in log-odds)."""

    feature: str
    contribution: float

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form, as a reason: ``{"kind": "model", "feature", "contribution"}``."""
        return {
            "kind": "model",
            "feature": self.feature,
            "contribution": self.contribution,
            "message": f"{self.feature} {self.contribution:+.4f}",
        }


def rule_lane(hits: Iterable[RuleHit]) -> Lane:
    """Return the lane the rules alone suggest (highest precedence among the hits)."""
    lane = Lane.GREEN
    for hit in hits:
        candidate = _OUTCOME_LANE[hit.outcome]
        if candidate.rank > lane.rank:
            lane = candidate
    return lane


def combine_lane(hits: Iterable[RuleHit], score: float | None, threshold: float | None) -> Lane:
    """Combine rule hits and the model's score into one lane (DNL > RFI > RED > GREEN).

    Parameters
    ----------
    hits
        All rule hits on the consignment.
    score
        The model's score, ``None`` without a model.
    threshold
        The red threshold; ``None`` or ``inf`` sends nothing red by score.

    Returns
    -------
    Lane
        The rules' lane when it is DNL, RFI or RED; else RED when ``score >= threshold``;
        else GREEN.
    """
    lane = rule_lane(hits)
    if lane is not Lane.GREEN:
        return lane
    if score is not None and threshold is not None and score >= threshold:
        return Lane.RED
    return Lane.GREEN


@dataclass(frozen=True, slots=True)
class Decision:
    """SmartGate's decision on one consignment.

    Attributes
    ----------
    consignment_id
        The consignment's id.
    input_hash
        SHA-256 (hex) of the consignment's canonical JSON.
    lane
        GREEN, RFI, RED or DNL.
    stage
        Filing stage, which picks the CSN code.
    status_code
        ONE Record customs status code (CSN) of the lane at the stage.
    score
        The model's score (probability of a positive inspection), ``None`` without one.
    threshold
        The red threshold the score was compared with (``None`` without a model; ``inf``
        when the capacity was used up by rule REDs, written as ``null`` in JSON).
    hits
        All rule hits, in rule order.
    contributions
        The model's top feature contributions (largest magnitude first).
    decided_by
        What set the lane: names of the rules whose hits suggest it, and/or ``"model"``;
        empty for GREEN.
    rule_set_version, rule_versions
        Version of the rule set and of each rule.
    model_version
        Version of the model, ``None`` without one.
    decided_at
        When the decision was taken (timezone-aware).
    """

    consignment_id: str
    input_hash: str
    lane: Lane
    stage: Stage
    status_code: str
    score: float | None
    threshold: float | None
    hits: tuple[RuleHit, ...]
    contributions: tuple[Contribution, ...]
    decided_by: tuple[str, ...]
    rule_set_version: str
    rule_versions: Mapping[str, str] = field(default_factory=dict)
    model_version: str | None = None
    decided_at: datetime | None = None

    @property
    def agencies(self) -> tuple[str, ...]:
        """The agencies with a hit that suggests an outcome (one inspection for all)."""
        seen: dict[str, None] = {}
        for hit in self.hits:
            if hit.outcome is not Outcome.NONE:
                seen[hit.agency.value] = None
        return tuple(seen)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form: the decision log's, the API's and the CLI's record.

        Keys: ``consignment_id``, ``input_hash``, ``lane``, ``status_code``, ``stage``,
        ``score``, ``threshold``, ``decided_by``, ``agencies``, ``reasons`` (rule hits as
        ``{"kind": "rule", "rule", "agency", "severity", "outcome", "message", "fields"[,
        "details"]}``, then model contributions as ``{"kind": "model", "feature",
        "contribution", "message"}``), ``rule_set_version``, ``rule_versions``,
        ``model_version``, ``decided_at`` (ISO 8601).
        """
        threshold = self.threshold
        return {
            "consignment_id": self.consignment_id,
            "input_hash": self.input_hash,
            "lane": self.lane.value,
            "status_code": self.status_code,
            "stage": self.stage.value,
            "score": self.score,
            "threshold": threshold if threshold is not None and math.isfinite(threshold) else None,
            "decided_by": list(self.decided_by),
            "agencies": list(self.agencies),
            "reasons": [{"kind": "rule", **hit.to_json()} for hit in self.hits]
            + [c.to_json() for c in self.contributions],
            "rule_set_version": self.rule_set_version,
            "rule_versions": dict(self.rule_versions),
            "model_version": self.model_version,
            "decided_at": self.decided_at.isoformat() if self.decided_at is not None else None,
        }


def make_decision(
    *,
    consignment_id: str,
    input_hash: str,
    hits: Sequence[RuleHit],
    score: float | None,
    threshold: float | None,
    contributions: Sequence[Contribution],
    stage: Stage,
    rule_set_version: str,
    rule_versions: Mapping[str, str],
    model_version: str | None,
    decided_at: datetime,
) -> Decision:
    """Combine the parts into a :class:`Decision` (lane, CSN code and ``decided_by``)."""
    lane = combine_lane(hits, score, threshold)
    by = _decided_by(hits, lane, score, threshold)
    return Decision(
        consignment_id=consignment_id,
        input_hash=input_hash,
        lane=lane,
        stage=stage,
        status_code=status_code(lane, stage),
        score=score,
        threshold=threshold,
        hits=tuple(hits),
        contributions=tuple(contributions),
        decided_by=by,
        rule_set_version=rule_set_version,
        rule_versions=rule_versions,
        model_version=model_version,
        decided_at=decided_at,
    )


def make_decisions(
    *,
    consignment_ids: Sequence[str],
    input_hashes: Sequence[str],
    hits: Sequence[Sequence[RuleHit]],
    rule_lanes: Sequence[Lane],
    scores: Sequence[float | None],
    threshold: float | None,
    contributions: Sequence[Sequence[Contribution]],
    stage: Stage,
    rule_set_version: str,
    rule_versions: Mapping[str, str],
    model_version: str | None,
    decided_at: datetime,
) -> list[Decision]:
    """Batch form of :func:`make_decision`: the same decisions, one per consignment.

    ``rule_lanes`` are the lanes the rules alone suggest (:func:`rule_lane` of each
    consignment's hits), which the caller has already; the threshold, stage, versions and
    time are the batch's. Clean consignments (no hit, score below the threshold) take a
    short path.
    """
    codes = {lane: status_code(lane, stage) for lane in Lane}
    green, red = Lane.GREEN, Lane.RED
    out: list[Decision] = []
    append = out.append
    for cid, digest, found, lane, score, contrib in zip(
        consignment_ids, input_hashes, hits, rule_lanes, scores, contributions, strict=True
    ):
        if lane is green and score is not None and threshold is not None and score >= threshold:
            lane = red
        by = () if lane is green else _decided_by(found, lane, score, threshold)
        append(
            Decision(
                cid,
                digest,
                lane,
                stage,
                codes[lane],
                score,
                threshold,
                tuple(found),
                tuple(contrib),
                by,
                rule_set_version,
                rule_versions,
                model_version,
                decided_at,
            )
        )
    return out


def _decided_by(
    hits: Sequence[RuleHit], lane: Lane, score: float | None, threshold: float | None
) -> tuple[str, ...]:
    """Names of the rules whose hits suggest ``lane``, and ``"model"`` when its score did."""
    if lane is Lane.GREEN:
        return ()
    by: dict[str, None] = {}
    for hit in hits:
        if _OUTCOME_LANE[hit.outcome] is lane:
            by[hit.rule] = None
    if lane is Lane.RED and score is not None and threshold is not None and score >= threshold:
        by["model"] = None
    return tuple(by)
