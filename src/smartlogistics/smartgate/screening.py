"""The screener: rule set, optional risk model and inspection capacity, one decision each.

:class:`Screener` runs the one-stop rule set over a consignment (or a batch), scores it
with the risk model when there is one (any object of the :class:`RiskScorer` shape: the
LightGBM artifact of ``smartgate.model`` is one), sets the red threshold from the
inspection capacity and combines everything into a
:class:`~smartlogistics.smartgate.decision.Decision`.

Batches are the fast path (target: 20,000 consignments a second in-process on 2 cores):
each rule sees the whole batch (the denied-party rule scores it with one rapidfuzz
``cdist`` per party field), the model scores all records in one call and explains only
the flagged consignments by default, and the threshold is the batch's own capacity
quantile. Single screenings (the HTTP API) use the capacity's rolling window.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

import numpy as np

from smartlogistics.smartgate.capacity import CapacityThreshold
from smartlogistics.smartgate.consignment import Consignment
from smartlogistics.smartgate.decision import (
    Contribution,
    Decision,
    make_decision,
    rule_lane,
)
from smartlogistics.smartgate.lanes import Lane, Stage
from smartlogistics.smartgate.rules import RuleSet
from smartlogistics.smartgate.rules.base import RuleHit

__all__ = ["Explain", "RiskScorer", "Screener"]

Explain = Literal["flagged", "all", "none"]
"""Which decisions get the model's feature contributions: non-green ones, all, or none."""


class RiskScorer(Protocol):
    """What the screener needs of a risk model (``smartgate.model``'s artifact has it)."""

    @property
    def version(self) -> str:
        """Version of the trained model."""
        ...

    def score(self, records: Sequence[Mapping[str, Any]]) -> Any:
        """Return one probability per record (a NumPy array or sequence of floats)."""
        ...

    def explain(
        self, records: Sequence[Mapping[str, Any]], top: int = 5
    ) -> list[list[tuple[str, float]]]:
        """Return each record's ``top`` (feature, contribution) pairs."""
        ...


class Screener:
    """Screen consignments: rules, model and capacity into one decision each.

    Parameters
    ----------
    rules
        The rule set (default: :meth:`RuleSet.default`, all six rules).
    model
        The risk model, or ``None`` for rules only (score and threshold are then ``None``).
    capacity
        The inspection capacity that sets the red threshold (default 2 % of consignments).
    stage
        Filing stage, which picks the CSN codes (default pre-loading: 7I/7H/7J/6H).
    explain
        Which decisions get the model's contributions: ``"flagged"`` (default: not GREEN),
        ``"all"`` or ``"none"``.
    top
        Contributions per decision.
    """

    def __init__(
        self,
        rules: RuleSet | None = None,
        model: RiskScorer | None = None,
        capacity: CapacityThreshold | None = None,
        *,
        stage: Stage = Stage.PRE_LOADING,
        explain: Explain = "flagged",
        top: int = 5,
    ) -> None:
        self.rules = rules if rules is not None else RuleSet.default()
        self.model = model
        self.capacity = capacity if capacity is not None else CapacityThreshold(0.02)
        self.stage = stage
        self.explain: Explain = explain
        self.top = top
        self._model_version = model.version if model is not None else None

    def screen(self, consignment: Consignment, *, now: datetime | None = None) -> Decision:
        """Decide one consignment, the model's threshold from the rolling window.

        Parameters
        ----------
        consignment
            The consignment.
        now
            Decision time (default: the current UTC time).

        Returns
        -------
        Decision
            With lane, CSN code, score, threshold and reasons.
        """
        hits = self.rules.check(consignment)
        lane = rule_lane(hits)
        score: float | None = None
        threshold: float | None = None
        contributions: tuple[Contribution, ...] = ()
        if self.model is not None:
            record = consignment.to_record()
            score = _scores(self.model, [record])[0]
            threshold = self.capacity.observe(
                score, eligible=lane is Lane.GREEN, rule_red=lane is Lane.RED
            )
            flagged = lane is not Lane.GREEN or score >= threshold
            if self.explain == "all" or (self.explain == "flagged" and flagged):
                contributions = _contributions(self.model.explain([record], top=self.top)[0])
        return self._decide(consignment, hits, score, threshold, contributions, now)

    def screen_batch(
        self, consignments: Sequence[Consignment], *, now: datetime | None = None
    ) -> list[Decision]:
        """Decide a batch: rules over the batch, one model call, the batch's own threshold.

        Parameters
        ----------
        consignments
            The batch (its own scores set the capacity threshold, and it is added to the
            rolling window for later single screenings).
        now
            Decision time of all (default: the current UTC time).

        Returns
        -------
        list of Decision
            In input order.
        """
        if not consignments:
            return []
        all_hits = self.rules.check_batch(consignments)
        lanes = [rule_lane(hits) for hits in all_hits]
        n = len(consignments)
        scores: list[float | None] = [None] * n
        threshold: float | None = None
        contributions: list[tuple[Contribution, ...]] = [()] * n
        if self.model is not None:
            records = [c.to_record() for c in consignments]
            values = _scores(self.model, records)
            eligible = np.array([lane is Lane.GREEN for lane in lanes])
            rule_red = np.array([lane is Lane.RED for lane in lanes])
            threshold = self.capacity.batch_threshold(values, eligible, int(rule_red.sum()))
            self.capacity.observe_batch(values, eligible, rule_red)
            scores = list(values)
            if self.explain != "none":
                wanted = [
                    i
                    for i in range(n)
                    if self.explain == "all" or lanes[i] is not Lane.GREEN or values[i] >= threshold
                ]
                if wanted:
                    explained = self.model.explain([records[i] for i in wanted], top=self.top)
                    for i, pairs in zip(wanted, explained, strict=True):
                        contributions[i] = _contributions(pairs)
        when = now if now is not None else datetime.now(UTC)
        return [
            self._decide(c, hits, scores[i], threshold, contributions[i], when)
            for i, (c, hits) in enumerate(zip(consignments, all_hits, strict=True))
        ]

    def _decide(
        self,
        consignment: Consignment,
        hits: list[RuleHit],
        score: float | None,
        threshold: float | None,
        contributions: tuple[Contribution, ...],
        now: datetime | None,
    ) -> Decision:
        return make_decision(
            consignment_id=consignment.id,
            input_hash=consignment.input_hash(),
            hits=hits,
            score=score,
            threshold=threshold,
            contributions=contributions,
            stage=self.stage,
            rule_set_version=self.rules.version,
            rule_versions=self.rules.versions,
            model_version=self._model_version,
            decided_at=now if now is not None else datetime.now(UTC),
        )


def _scores(model: RiskScorer, records: Sequence[Mapping[str, Any]]) -> list[float]:
    values = np.asarray(model.score(records), dtype=float).reshape(-1)
    if len(values) != len(records):
        raise ValueError(f"the model returned {len(values)} scores for {len(records)} records")
    if not np.all(np.isfinite(values)):
        raise ValueError("the model returned a score that is not a finite number")
    return [float(v) for v in values]


def _contributions(pairs: Sequence[tuple[str, float]]) -> tuple[Contribution, ...]:
    return tuple(
        Contribution(str(name), float(value)) for name, value in pairs if math.isfinite(value)
    )
