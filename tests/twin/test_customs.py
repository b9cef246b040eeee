"""Customs in the twin: lanes, the inspectors' queue (a SimPy resource), release times."""

from __future__ import annotations

import dataclasses

import pytest

from smartlogistics.network import load_region
from smartlogistics.smartgate import Lane, status_code
from smartlogistics.twin._streams import numpy_rng
from smartlogistics.twin.customs import ARRIVAL_LEAD_H, run_customs, screen_consignments
from smartlogistics.twin.demand import Demand, draw_demand
from smartlogistics.twin.kpis import smartgate_kpis
from smartlogistics.twin.recorder import CustomsRecord, MemoryRecorder, QueueSample
from tests.twin._small import SMALL, make_network

LANES = [Lane.RED, Lane.RED, Lane.GREEN, Lane.RFI, Lane.DNL, Lane.GREEN, Lane.RED, Lane.GREEN]


def _one_order() -> tuple[Demand, list[int]]:
    full = draw_demand(SMALL, load_region("amsterdam"))
    order = full.air_imports()[0]
    idx = [i for i, oid in enumerate(full.consignment_order) if oid == order.id]
    assert len(idx) == SMALL.consignments_per_air_order == 8
    demand = Demand(
        orders=(order,),
        by_day=((order,),),
        consignments=tuple(full.consignments[i] for i in idx),
        consignment_order=tuple(order.id for _ in idx),
    )
    return demand, idx


@pytest.mark.parametrize("inspectors", [1, 2])
def test_reds_queue_for_the_inspectors(inspectors: int) -> None:
    demand, _ = _one_order()
    network = make_network()
    screened = screen_consignments(SMALL, demand, network)
    decisions = [
        dataclasses.replace(d, lane=lane, status_code=status_code(lane))
        for d, lane in zip(screened, LANES, strict=True)
    ]
    scenario = SMALL.replace(inspectors=inspectors)
    rec = MemoryRecorder()
    posted: list[tuple[int, str, float]] = []
    result = run_customs(
        scenario, demand, network, rec, decisions,
        on_release=lambda i, d, t: posted.append((i, d.status_code, t)),
    )  # fmt: skip
    rng = numpy_rng(SMALL.seed, "customs")
    inspect = rng.exponential(SMALL.inspection_minutes / 60.0, size=8)
    answer = rng.exponential(SMALL.rfi_response_hours, size=8)
    order = demand.orders[0]
    arrival = network.hours(order.release) - ARRIVAL_LEAD_H
    by_id = {r.consignment_id: r for r in rec.of(CustomsRecord)}
    got = [by_id[c.id].released_h for c in demand.consignments]
    # reds are served first come first served; all arrive together, in consignment order
    if inspectors == 1:
        red = [arrival + inspect[0], arrival + inspect[0] + inspect[1],
               arrival + inspect[0] + inspect[1] + inspect[6]]  # fmt: skip
    else:
        first, second = arrival + inspect[0], arrival + inspect[1]
        red = [first, second, min(first, second) + inspect[6]]
    expected = [red[0], red[1], arrival, arrival + answer[3], None, arrival, red[2], arrival]
    assert got == pytest.approx(expected)
    assert result.ready_h[order.id] == pytest.approx(max(network.hours(order.release), *red))
    assert result.busy_h == pytest.approx(inspect[0] + inspect[1] + inspect[6])
    assert [p[0] for p in sorted(posted)] == [0, 1, 2, 3, 5, 6, 7]  # DNL is never released
    kpis = smartgate_kpis(
        rec.of(CustomsRecord), inspectors=inspectors, busy_h=result.busy_h, span_h=result.span_h
    )
    assert kpis["lanes"] == {"GREEN": 3, "RFI": 1, "RED": 3, "DNL": 1}
    assert kpis["inspections"] == 3
    assert kpis["inspector_utilisation"] == pytest.approx(
        result.busy_h / (inspectors * (max(red[-1], *red) - arrival))
    )
    samples = list(rec.of(QueueSample))
    assert samples[0].t_h == pytest.approx(arrival)
    assert 1 <= max(s.busy for s in samples) <= inspectors
    assert all(s.busy + s.waiting <= 3 for s in samples)
    assert (samples[-1].busy, samples[-1].waiting) == (0, 0)


def test_screening_is_deterministic_and_covers_every_consignment() -> None:
    demand = draw_demand(SMALL, load_region("amsterdam"))
    network = make_network()
    one = screen_consignments(SMALL, demand, network)
    two = screen_consignments(SMALL, demand, network)
    assert [d.consignment_id for d in one] == [c.id for c in demand.consignments]
    assert [d.lane for d in one] == [d.lane for d in two]
