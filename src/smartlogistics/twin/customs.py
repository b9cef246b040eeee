"""SmartGate at Schiphol in the twin: screening, requests for information, the inspectors.

Every import consignment is screened by SmartGate from its pre-loading data (one batch per
simulated day, the batch path of the :class:`~smartlogistics.smartgate.Screener`), and
arrives with its flight 2 h before its order is due to be ready for pick-up (assumption:
break-down and documents). Then, as SimPy processes:

* GREEN: released on arrival;
* RFI: released when the filer has answered (exponential, mean ``rfi_response_hours``;
  assumption: the answer clears it);
* RED: waits for one of ``inspectors`` (a :class:`simpy.Resource`, first come first
  served, round the clock), is inspected (exponential, mean ``inspection_minutes``) and
  released;
* DNL: not loaded; its order leaves without it.

An order may leave Schiphol when all its consignments are released (or held back). The
customs times are drawn up front from the run's ``customs`` stream, so they do not depend
on the order of events. Customs does not depend on the transport policy, so it runs once
and every policy gets the same release times.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import simpy

from smartlogistics.config import get_settings
from smartlogistics.smartgate import CapacityThreshold, Decision, Lane, RuleSet, Screener
from smartlogistics.smartgate.screening import RiskScorer
from smartlogistics.twin._streams import numpy_rng
from smartlogistics.twin.demand import Demand
from smartlogistics.twin.network import TwinNetwork
from smartlogistics.twin.recorder import CustomsRecord, QueueSample, Recorder
from smartlogistics.twin.scenario import TwinScenario

__all__ = [
    "ARRIVAL_LEAD_H",
    "CustomsResult",
    "risk_model",
    "run_customs",
    "screen_consignments",
]

#: Hours between a consignment's arrival with its flight and its order's release.
ARRIVAL_LEAD_H = 2.0
#: Queue sampling interval, hours.
SAMPLE_H = 0.5
#: Seed and size of the synthetic history the twin's risk model is trained on.
MODEL_SEED = 7
MODEL_ROWS = 20_000


@functools.lru_cache(maxsize=1)
def risk_model() -> RiskScorer:
    """SmartGate's risk model for the twin, once per process.

    ``Settings.smartgate_model_dir`` when set (the model the web app serves); else the
    model trained on a seeded SYNTHETIC history (``generate_history(20,000, seed=7)``, a
    year before the simulated period), kept under ``<var_dir>/models/`` after the first
    training so later runs and sweep workers load it instead of training again (LightGBM
    training takes 2 s on an idle machine and much longer when the cores are busy).
    """
    from smartlogistics.smartgate.model import RiskModel

    settings = get_settings()
    if settings.smartgate_model_dir is not None:
        return RiskModel.load(settings.smartgate_model_dir)
    cached = settings.var_dir / "models" / f"twin-risk-seed{MODEL_SEED}-{MODEL_ROWS}"
    if cached.is_dir():
        try:
            return RiskModel.load(cached)
        except Exception:  # a half-written or foreign artifact: train again
            pass
    from smartlogistics.smartgate import ColumnSpec, generate_history, train

    frame = generate_history(MODEL_ROWS, seed=MODEL_SEED, start="2025-01-01")
    spec = ColumnSpec(
        label="label", id="id", date="date", value="value_at_stake", exclude=("is_synthetic",)
    )
    model = train(frame, spec, seed=0)
    tmp = cached.with_name(cached.name + f".tmp{os.getpid()}")
    try:
        model.save(tmp)
        os.replace(tmp, cached)
    except OSError:  # read-only state folder or a concurrent writer: use it unsaved
        shutil.rmtree(tmp, ignore_errors=True)
    return model


def screen_consignments(
    scenario: TwinScenario, demand: Demand, network: TwinNetwork
) -> list[Decision]:
    """Screen every consignment, one batch per simulated day of arrival."""
    model = risk_model() if scenario.risk_model else None
    screener = Screener(
        RuleSet.default(), model, CapacityThreshold(scenario.inspection_share), explain="flagged"
    )
    orders = {o.id: o for o in demand.orders}
    batches: dict[int, list[int]] = {}
    for i, order_id in enumerate(demand.consignment_order):
        day = int(network.hours(orders[order_id].release) // 24)
        batches.setdefault(day, []).append(i)
    decisions: list[Decision | None] = [None] * len(demand.consignments)
    for day in sorted(batches):
        idx = batches[day]
        now = network.at(day * 24.0) - timedelta(hours=ARRIVAL_LEAD_H)
        out = screener.screen_batch([demand.consignments[i] for i in idx], now=now)
        for i, d in zip(idx, out, strict=True):
            decisions[i] = d
    return [d for d in decisions if d is not None]


@dataclass(frozen=True)
class CustomsResult:
    """What customs decided and when each import order's cargo was free to go.

    Attributes
    ----------
    ready_h
        Per import order id: hours since ``t0`` when its last consignment was released
        (its own release time when all were green).
    decisions
        SmartGate's decision of every consignment, in consignment order.
    busy_h
        Inspector-hours spent inspecting.
    span_h
        Hours from the first arrival to the last release (utilisation's denominator, per
        inspector).
    """

    ready_h: dict[str, float]
    decisions: tuple[Decision, ...]
    busy_h: float
    span_h: float


def _reasons(decision: Decision) -> tuple[str, ...]:
    out = [hit.rule for hit in decision.hits if decision.lane is not Lane.GREEN]
    if "model" in decision.decided_by:
        out.append("model")
    return tuple(dict.fromkeys(out))


def run_customs(
    scenario: TwinScenario,
    demand: Demand,
    network: TwinNetwork,
    recorder: Recorder,
    decisions: Sequence[Decision],
    *,
    on_release: Callable[[int, Decision, float], None] | None = None,
) -> CustomsResult:
    """Run the customs processes in their own SimPy environment.

    Parameters
    ----------
    scenario, demand, network
        The run.
    recorder
        Gets a :class:`CustomsRecord` per consignment and a :class:`QueueSample` every
        half hour while anything is at customs.
    decisions
        SmartGate's decisions, in consignment order.
    on_release
        Called with (consignment index, decision, release hour) when a consignment is
        released, e.g. to post the event to the hub.
    """
    rng = numpy_rng(scenario.seed, "customs")
    n = len(demand.consignments)
    inspect_h = rng.exponential(scenario.inspection_minutes / 60.0, size=n)
    answer_h = rng.exponential(scenario.rfi_response_hours, size=n)
    orders = {o.id: o for o in demand.orders}
    ready: dict[str, float] = {}
    for o in demand.air_imports():
        ready[o.id] = network.hours(o.release)
    busy = [0.0]
    pending = [n]
    first_arrival = min(
        (network.hours(orders[oid].release) - ARRIVAL_LEAD_H for oid in demand.consignment_order),
        default=0.0,
    )
    last_release = [first_arrival]
    env = simpy.Environment(initial_time=first_arrival)
    inspectors = simpy.Resource(env, capacity=scenario.inspectors)

    def consignment(i: int) -> Generator[Any, Any, None]:
        decision = decisions[i]
        order_id = demand.consignment_order[i]
        arrival = network.hours(orders[order_id].release) - ARRIVAL_LEAD_H
        yield env.timeout(max(0.0, arrival - env.now))
        released: float | None
        inspected = False
        if decision.lane is Lane.GREEN:
            released = env.now
        elif decision.lane is Lane.RFI:
            yield env.timeout(float(answer_h[i]))
            released = env.now
        elif decision.lane is Lane.RED:
            with inspectors.request() as req:
                yield req
                start = env.now
                yield env.timeout(float(inspect_h[i]))
                busy[0] += env.now - start
            released = env.now
            inspected = True
        else:  # DNL: held back, the order leaves without it
            released = None
        pending[0] -= 1
        if released is not None:
            ready[order_id] = max(ready[order_id], released)
            last_release[0] = max(last_release[0], released)
            if on_release is not None:
                on_release(i, decision, released)
        recorder.record(
            CustomsRecord(
                consignment_id=demand.consignments[i].id,
                order_id=order_id,
                lane=decision.lane.value,
                status_code=decision.status_code,
                arrival_h=arrival,
                released_h=released,
                waited_h=(released - arrival) if released is not None else 0.0,
                inspected=inspected,
                reasons=_reasons(decision),
            )
        )

    def sampler() -> Generator[Any, Any, None]:
        while pending[0] > 0:
            recorder.record(QueueSample(env.now, len(inspectors.queue), inspectors.count))
            yield env.timeout(SAMPLE_H)
        recorder.record(QueueSample(env.now, len(inspectors.queue), inspectors.count))

    for i in range(n):
        env.process(consignment(i))
    if n:
        env.process(sampler())
    env.run()
    return CustomsResult(
        ready_h=ready,
        decisions=tuple(decisions),
        busy_h=busy[0],
        span_h=max(0.0, last_release[0] - first_arrival),
    )
