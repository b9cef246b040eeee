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
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

from smartlogistics.smartgate.capacity import CapacityThreshold
from smartlogistics.smartgate.consignment import (
    Consignment,
    ConsignmentBatch,
    as_batch,
    input_hashes,
)
from smartlogistics.smartgate.decision import (
    Contribution,
    Decision,
    make_decision,
    make_decisions,
    rule_lane,
)
from smartlogistics.smartgate.lanes import Lane, Stage
from smartlogistics.smartgate.rules import RuleSet
from smartlogistics.smartgate.rules.base import RuleHit

__all__ = ["Explain", "FrameScorer", "RiskScorer", "Screener"]

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


@runtime_checkable
class FrameScorer(Protocol):
    """A risk model that also scores a pandas DataFrame (the batch path; ``RiskModel`` does).

    ``score_frame(frame)`` must give what ``score`` gives the frame's rows as records, and
    ``input_columns`` names the columns it reads.
    """

    @property
    def input_columns(self) -> Sequence[str]:
        """The columns the model reads."""
        ...

    def score_frame(self, frame: Any) -> Any:
        """Return one probability per row of ``frame``."""
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

        Gives, decision by decision, what :meth:`screen` gives each consignment at the
        same threshold (tested); only the threshold differs by design (the batch's own
        capacity quantile here, the rolling window there).

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
        batch = as_batch(consignments)  # columns are extracted once for all steps
        all_hits = self.rules.check_batch(batch)
        green = Lane.GREEN
        lanes = [rule_lane(hits) if hits else green for hits in all_hits]
        n = len(batch)
        scores: list[float | None] = [None] * n
        threshold: float | None = None
        contributions: list[tuple[Contribution, ...]] = [()] * n
        if self.model is not None:
            values = np.asarray(_batch_scores(self.model, batch), dtype=float)
            eligible = np.array([lane is green for lane in lanes])
            rule_red = np.array([lane is Lane.RED for lane in lanes])
            threshold = self.capacity.batch_threshold(values, eligible, int(rule_red.sum()))
            self.capacity.observe_batch(values, eligible, rule_red)
            scores = values.tolist()
            if self.explain != "none":
                flagged = ~eligible | (values >= threshold)
                wanted = range(n) if self.explain == "all" else np.flatnonzero(flagged).tolist()
                if len(wanted):
                    explained = self.model.explain(
                        [batch[i].to_record() for i in wanted], top=self.top
                    )
                    for i, pairs in zip(wanted, explained, strict=True):
                        contributions[i] = _contributions(pairs)
        return make_decisions(
            consignment_ids=batch.columns()["id"],
            input_hashes=input_hashes(batch),
            hits=all_hits,
            rule_lanes=lanes,
            scores=scores,
            threshold=threshold,
            contributions=contributions,
            stage=self.stage,
            rule_set_version=self.rules.version,
            rule_versions=self.rules.versions,
            model_version=self._model_version,
            decided_at=now if now is not None else datetime.now(UTC),
        )

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


def _batch_scores(model: RiskScorer, batch: ConsignmentBatch) -> list[float]:
    """Score a batch: from one DataFrame when the model can (:class:`FrameScorer`), else records.

    The frame holds the batch's :meth:`Consignment.to_record` columns, built column by
    column, plus the model's other input columns as missing values: exactly the frame the
    model builds from the records itself, without building a dictionary per consignment.
    A batch with none of the model's columns goes the records' way (which refuses it).
    """
    if isinstance(model, FrameScorer):
        columns = batch.record_columns()
        needed = list(model.input_columns)
        if any(name in columns for name in needed):
            import pandas as pd

            frame = pd.DataFrame({name: list(values) for name, values in columns.items()})
            for name in needed:
                if name not in columns:
                    frame[name] = np.nan
            return _checked(model.score_frame(frame), len(batch))
    return _scores(model, [c.to_record() for c in batch])


def _scores(model: RiskScorer, records: Sequence[Mapping[str, Any]]) -> list[float]:
    return _checked(model.score(records), len(records))


def _checked(scores: Any, n: int) -> list[float]:
    values = np.asarray(scores, dtype=float).reshape(-1)
    if len(values) != n:
        raise ValueError(f"the model returned {len(values)} scores for {n} records")
    if not np.all(np.isfinite(values)):
        raise ValueError("the model returned a score that is not a finite number")
    return [float(v) for v in values]


def _contributions(pairs: Sequence[tuple[str, float]]) -> tuple[Contribution, ...]:
    return tuple(
        Contribution(str(name), float(value)) for name, value in pairs if math.isfinite(value)
    )
