"""Stochastic disruptions of a run: delayed barges, a lock closure, congestion, a cancelled train.

All are drawn up front from the run's ``disruptions`` stream, so every policy meets the
same ones at the same moments. Each is a planner disruption (what the replanner
understands) with the moment it becomes known:

* **barge delay** (Poisson, ``barge_delays_per_day``): a random barge departure of the
  period runs 2-8 h late; known 1 h before its scheduled departure (assumption: the
  skipper reports it when the barge is being loaded).
* **lock closure** (``lock_closures_per_week``): one of the region's locks closes for
  4-12 h at a random hour; barges that reach it wait; known when it closes.
* **road congestion** (``congestion_per_day``): every road 1.3-2x slower for 2-4 h from a
  random hour between 06:00 and 17:00 local time (assumption: an accident or the peak
  overflowing); known when it starts.
* **cancelled train** (``train_cancellations_per_week``): a random rail departure does not
  run; known 6 h before it (assumption: a path or locomotive failure announced the same
  day).

The numbers are assumptions of the scenario (docs/twin.md); the rates are its parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from smartlogistics.network import Mode
from smartlogistics.planner.disruption import (
    DepartureCancelled,
    DepartureDelayed,
    Disruption,
    LockClosed,
    RoadSlowed,
    lock_names,
)
from smartlogistics.twin._streams import numpy_rng
from smartlogistics.twin.network import DepartureRun, TwinNetwork
from smartlogistics.twin.scenario import TwinScenario

__all__ = ["DisruptionEvent", "DisruptionKind", "draw_disruptions"]

DisruptionKind = Literal["barge_delay", "lock_closure", "road_congestion", "train_cancelled"]

_BARGE_NOTICE_H = 1.0
_TRAIN_NOTICE_H = 6.0


@dataclass(frozen=True)
class DisruptionEvent:
    """One disruption and when the world learns of it.

    Attributes
    ----------
    kind
        ``barge_delay``, ``lock_closure``, ``road_congestion`` or ``train_cancelled``.
    known_h
        Hours since ``t0`` when it becomes known (the synchromodal policy replans then).
    disruption
        The planner's value object.
    """

    kind: DisruptionKind
    known_h: float
    disruption: Disruption

    def label(self) -> str:
        """Say what happened, in words."""
        return self.disruption.label()

    def to_json(self) -> dict[str, Any]:
        """Plain JSON: ``kind``, ``known_h``, ``label`` and the planner's ``disruption``."""
        return {
            "kind": self.kind,
            "known_h": self.known_h,
            "label": self.label(),
            "disruption": self.disruption.model_dump(mode="json", by_alias=True, exclude_none=True),
        }


def _pick(rng: np.random.Generator, runs: list[DepartureRun], n: int) -> list[DepartureRun]:
    if n <= 0 or not runs:
        return []
    idx = rng.choice(len(runs), size=min(n, len(runs)), replace=False)
    return [runs[int(i)] for i in sorted(idx.tolist())]


def draw_disruptions(
    scenario: TwinScenario, network: TwinNetwork, start_h: float
) -> tuple[DisruptionEvent, ...]:
    """Draw the run's disruptions in ``[start_h, start_h + 24 x days)``, by ``known_h``.

    Parameters
    ----------
    scenario
        Rates and seed.
    network
        The nominal timetable the departures are picked from.
    start_h
        Hours since ``t0`` of the first simulated day's local midnight.
    """
    rng = numpy_rng(scenario.seed, "disruptions")
    end_h = start_h + 24.0 * scenario.days
    at = network.at
    runs = [r for r in network.nominal_runs() if start_h <= r.depart_h[0] < end_h]
    barges = [r for r in runs if r.service.mode is Mode.INLAND_WATERWAY]
    trains = [r for r in runs if r.service.mode is Mode.RAIL]
    out: list[DisruptionEvent] = []

    n_delay = int(rng.poisson(scenario.barge_delays_per_day * scenario.days))
    hours = rng.uniform(2.0, 8.0, size=max(n_delay, 1))
    for k, run in enumerate(_pick(rng, barges, n_delay)):
        depart = run.depart_h[0]
        delay = DepartureDelayed(
            type="departure_delayed",
            service_id=run.service.id,
            depart=at(depart),
            hours=round(float(hours[k]) * 4) / 4,
        )
        out.append(DisruptionEvent("barge_delay", max(start_h, depart - _BARGE_NOTICE_H), delay))

    locks = sorted(set(lock_names(network.region).values()))
    n_lock = int(rng.poisson(scenario.lock_closures_per_week * scenario.days / 7.0))
    for _ in range(n_lock if locks else 0):
        lock = locks[int(rng.integers(len(locks)))]
        begin = start_h + float(rng.integers(int(end_h - start_h)))
        length = float(rng.integers(4, 13))
        closure = LockClosed.model_validate(
            {"type": "lock_closed", "lock": lock, "start": at(begin), "end": at(begin + length)}
        )
        out.append(DisruptionEvent("lock_closure", begin, closure))

    n_jam = int(rng.poisson(scenario.congestion_per_day * scenario.days))
    for _ in range(n_jam):
        day = int(rng.integers(scenario.days))
        begin = start_h + 24.0 * day + float(rng.integers(6, 18))
        length = float(rng.integers(2, 5))
        factor = round(float(rng.uniform(1.3, 2.0)), 1)
        jam = RoadSlowed.model_validate(
            {
                "type": "road_slowed",
                "factor": factor,
                "start": at(begin),
                "end": at(begin + length),
            }
        )
        out.append(DisruptionEvent("road_congestion", begin, jam))

    n_cancel = int(rng.poisson(scenario.train_cancellations_per_week * scenario.days / 7.0))
    for run in _pick(rng, trains, n_cancel):
        depart = run.depart_h[0]
        cancel = DepartureCancelled(
            type="departure_cancelled", service_id=run.service.id, depart=at(depart)
        )
        out.append(
            DisruptionEvent("train_cancelled", max(start_h, depart - _TRAIN_NOTICE_H), cancel)
        )
    out.sort(key=lambda e: (e.known_h, e.kind))
    return tuple(out)
