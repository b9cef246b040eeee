"""The red threshold that makes the red rate fit the inspectors who exist.

Inspection capacity is fixed in practice (``../shared/facts/customs.md``), so the model's
red threshold is not a fixed probability: it is the score above which the configured
share of consignments lies. :class:`CapacityThreshold` is configured with a target share
(2 % of consignments) or a number per day and the expected daily volume (40 a day of
2,000 is 2 %), and sets the threshold at the (1 - share) empirical quantile of the
scores, taken as the k-th largest score with k = floor(share x n), so that exactly k
consignments go red (more only on tied scores).

Rule-driven REDs count against the capacity (they take the same inspectors): with
``count_rule_reds`` (default) the model gets k - r of the k places, r being the rule REDs
among the n, and competes only among the consignments no rule sent to RED, RFI or DNL.
When rules alone fill the capacity the model sends none red (threshold +inf); rules are
never held back by capacity, since a sanctions or DG hit must be looked at regardless.

Two modes:

- **batch** (:meth:`batch_threshold`): the batch is the population, its own scores set the
  threshold;
- **one at a time** (:meth:`observe`): a rolling window of the most recent ``window``
  screenings (the current one included) stands in for the population. Until
  ``min_window`` screenings are in it, the fixed ``fallback`` threshold applies.

The window is guarded by a lock, so one instance can serve concurrent requests.
"""

from __future__ import annotations

import math
import threading
from typing import Any

import numpy as np
import numpy.typing as npt

from smartlogistics.errors import InvalidInputError

__all__ = ["CapacityThreshold"]


class CapacityThreshold:
    """Red threshold from an inspection capacity.

    Parameters
    ----------
    share
        Target share of consignments inspected (red), in (0, 1].
    per_day, daily_volume
        Instead of ``share``: inspections a day and consignments a day
        (share = per_day / daily_volume).
    window
        Size of the rolling window for one-at-a-time screening.
    min_window
        Screenings needed in the window before it sets the threshold.
    fallback
        Threshold used until then (a probability).
    count_rule_reds
        Whether rule-driven REDs take capacity (default ``True``).

    Raises
    ------
    InvalidInputError
        ``capacity.share`` (or ``capacity.per_day`` / ``capacity.daily_volume``) when the
        capacity is missing, given twice or out of range; ``capacity.window`` etc. for bad
        window settings.
    """

    def __init__(
        self,
        share: float | None = None,
        *,
        per_day: int | None = None,
        daily_volume: int | None = None,
        window: int = 10_000,
        min_window: int = 200,
        fallback: float = 0.5,
        count_rule_reds: bool = True,
    ) -> None:
        if share is None and per_day is None:
            raise InvalidInputError("capacity.share", "give a share or per_day with daily_volume")
        if share is not None and per_day is not None:
            raise InvalidInputError("capacity.share", "give a share or per_day, not both")
        if per_day is not None:
            if per_day < 0:
                raise InvalidInputError("capacity.per_day", "must be at least 0")
            if daily_volume is None or daily_volume <= 0:
                raise InvalidInputError(
                    "capacity.daily_volume", "per_day needs the expected consignments a day (> 0)"
                )
            share = min(1.0, per_day / daily_volume)
        assert share is not None
        if not (0 < share <= 1) or not math.isfinite(share):
            raise InvalidInputError("capacity.share", f"must be in (0, 1], not {share!r}")
        if window < 1:
            raise InvalidInputError("capacity.window", "must be at least 1")
        if not 1 <= min_window <= window:
            raise InvalidInputError("capacity.min_window", "must be between 1 and window")
        if not 0 <= fallback <= 1:
            raise InvalidInputError("capacity.fallback", "must be a probability in [0, 1]")
        self.share = float(share)
        self.per_day = per_day
        self.daily_volume = daily_volume
        self.window = window
        self.min_window = min_window
        self.fallback = fallback
        self.count_rule_reds = count_rule_reds
        self._scores = np.full(window, np.nan)  # NaN: no score or decided by a rule
        self._rule_red = np.zeros(window, dtype=bool)
        self._n = 0
        self._pos = 0
        self._lock = threading.Lock()

    def capacity(self, n: int) -> int:
        """Inspections among ``n`` consignments: ``floor(share x n)``."""
        return math.floor(self.share * n + 1e-9)

    def batch_threshold(
        self,
        scores: npt.ArrayLike,
        eligible: npt.ArrayLike | None = None,
        rule_reds: int = 0,
    ) -> float:
        """Threshold for a batch whose own scores are the population.

        Parameters
        ----------
        scores
            The model's score of every consignment of the batch (n of them).
        eligible
            Which consignments the model may send red (no rule sent them to RED, RFI or
            DNL); all by default.
        rule_reds
            Consignments of the batch that rules sent to RED.

        Returns
        -------
        float
            The k_model-th largest eligible score, k_model = floor(share x n) - rule_reds
            (or floor(share x n) when rule REDs are not counted); ``math.inf`` when
            k_model is 0 or nothing is eligible. Scores at or above it are red.
        """
        values = np.asarray(scores, dtype=float)
        mask = np.ones(values.shape, dtype=bool) if eligible is None else np.asarray(eligible)
        return self._threshold(values[mask], len(values), rule_reds)

    def observe(self, score: float | None, *, eligible: bool, rule_red: bool) -> float:
        """Add one screening to the rolling window and return the threshold it gets.

        Parameters
        ----------
        score
            The model's score (``None`` without a model).
        eligible
            Whether the model may send this consignment red (no rule decided it).
        rule_red
            Whether rules sent it to RED.

        Returns
        -------
        float
            ``fallback`` while fewer than ``min_window`` screenings are in the window,
            else the window's capacity threshold (as :meth:`batch_threshold`).
        """
        with self._lock:
            self._push(score if (eligible and score is not None) else math.nan, rule_red)
            if self._n < self.min_window:
                return self.fallback
            scores = self._scores[: self._n]
            reds = int(self._rule_red[: self._n].sum())
            return self._threshold(scores[~np.isnan(scores)], self._n, reds)

    def observe_batch(self, scores: npt.ArrayLike, eligible: Any, rule_red: Any) -> None:
        """Add a screened batch to the rolling window (so single screenings after it are warm).

        Parameters
        ----------
        scores, eligible, rule_red
            Per consignment, as for :meth:`observe` (arrays of equal length).
        """
        values = np.where(np.asarray(eligible, dtype=bool), np.asarray(scores, float), np.nan)
        reds = np.asarray(rule_red, dtype=bool)
        values, reds = values[-self.window :], reds[-self.window :]
        with self._lock:
            # the ring buffer written as whole slices (what pushing them one by one gives)
            m = len(values)
            first = min(m, self.window - self._pos)
            self._scores[self._pos : self._pos + first] = values[:first]
            self._rule_red[self._pos : self._pos + first] = reds[:first]
            self._scores[: m - first] = values[first:]
            self._rule_red[: m - first] = reds[first:]
            self._pos = (self._pos + m) % self.window
            self._n = min(self._n + m, self.window)

    def to_json(self) -> dict[str, Any]:
        """Return the configuration as plain JSON (recorded with decisions)."""
        return {
            "share": self.share,
            "per_day": self.per_day,
            "daily_volume": self.daily_volume,
            "window": self.window,
            "min_window": self.min_window,
            "fallback": self.fallback,
            "count_rule_reds": self.count_rule_reds,
        }

    # -- internals ----------------------------------------------------------------------

    def _push(self, value: float, red: bool) -> None:
        self._scores[self._pos] = value
        self._rule_red[self._pos] = red
        self._pos = (self._pos + 1) % self.window
        self._n = min(self._n + 1, self.window)

    def _threshold(self, eligible_scores: npt.NDArray[np.float64], n: int, reds: int) -> float:
        k = self.capacity(n)
        if self.count_rule_reds:
            k -= reds
        m = len(eligible_scores)
        if k <= 0 or m == 0:
            return math.inf
        if k >= m:
            return float(eligible_scores.min())
        # the k-th largest: partition so index m - k holds it
        return float(np.partition(eligible_scores, m - k)[m - k])
