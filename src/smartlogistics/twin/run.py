"""One twin run: the same demand and disruptions under every policy, and its KPIs.

:func:`run_twin` draws the run's demand (orders, consignments) and disruptions from their
own seeded streams, runs SmartGate's customs processes once (customs does not depend on
how the cargo moves on), then runs every policy on its own SimPy environment with
identical inputs (common random numbers), and computes the KPIs from the records::

    from smartlogistics.twin import TwinScenario, run_twin

    result = run_twin(TwinScenario(days=2, demand_scale=0.05))
    result.policies["synchromodal"]["total_cost_eur"]
    result.to_json()          # plain JSON; TwinResult.from_json(...) reads it back

``progress(fraction, message)`` is called as the run advances (``fraction`` from 0 to 1);
an exception it raises (``KeyboardInterrupt``) stops the run. When a ``hub`` is given, the
synchromodal run's shipments, transport movements and milestones, and SmartGate's
customs outcomes, are written to it as ONE Record objects and events.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from smartlogistics.config import get_settings
from smartlogistics.errors import InvalidInputError
from smartlogistics.network import load_region
from smartlogistics.twin._hubport import HubPort, HubWriter
from smartlogistics.twin._planner import week_start
from smartlogistics.twin.customs import run_customs, screen_consignments
from smartlogistics.twin.demand import TIMEZONE, draw_demand
from smartlogistics.twin.disruptions import draw_disruptions
from smartlogistics.twin.kpis import policy_kpis, policy_series, smartgate_kpis, smartgate_series
from smartlogistics.twin.network import TwinNetwork, extra_rail_shuttles
from smartlogistics.twin.policies import POLICIES, make_policy
from smartlogistics.twin.processes import Execution
from smartlogistics.twin.recorder import CustomsRecord, MemoryRecorder, OrderRecord, QueueSample
from smartlogistics.twin.scenario import TwinScenario

__all__ = ["Progress", "TwinResult", "compare", "run_twin"]

Progress = Callable[[float, str], None]
"""``progress(fraction, message)``: how far the run is (0-1) and what it is doing."""

SCHEMA_VERSION = 1
REGION = "amsterdam"


def compare(policies: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Synchromodal against today's practice and road-only, with the issue's targets.

    Returns relative differences (``-0.05`` = 5 % lower) and whether each target holds:
    lower total cost than greedy, at least 30 % less CO2e (WTW) than road-only, an on-time
    share no lower than greedy's.
    """
    s, g, r = (policies.get(k) for k in POLICIES)
    if s is None or g is None or r is None:
        return {}

    def rel(a: float, b: float) -> float | None:
        return (a - b) / b if b else None

    cost = rel(s["total_cost_eur"], g["total_cost_eur"])
    general = rel(s["generalised_cost_eur"], g["generalised_cost_eur"])
    co2_road = rel(s["wtw_kg"], r["wtw_kg"])
    co2_greedy = rel(s["wtw_kg"], g["wtw_kg"])
    on_time = (s["on_time_share"] or 0.0) - (g["on_time_share"] or 0.0)
    return {
        "cost_vs_greedy": cost,
        "generalised_cost_vs_greedy": general,
        "wtw_vs_road_only": co2_road,
        "wtw_vs_greedy": co2_greedy,
        "on_time_vs_greedy": on_time,
        "targets": {
            "lower_cost_than_greedy": cost is not None and cost < 0,
            "co2_30pct_below_road_only": co2_road is not None and co2_road <= -0.30,
            "on_time_not_below_greedy": on_time >= -1e-12,
        },
    }


@dataclass(frozen=True)
class TwinResult:
    """The KPIs and series of one run.

    Attributes
    ----------
    scenario
        What was run.
    policies
        KPIs per policy (:func:`~smartlogistics.twin.kpis.policy_kpis`).
    smartgate
        SmartGate's KPIs.
    hub
        ``{"objects": n, "events": n}`` written to the hub (zeros without one).
    comparison
        :func:`compare` of the policies.
    disruptions
        Every disruption of the run (the same for every policy).
    series
        The dashboard's series (days, trucks per day, per-policy departures, flows,
        emissions and replans, SmartGate's queue).
    digests
        SHA-256 of the demand and of the order ids each policy delivered (equal when the
        policies saw the same orders).
    timings_s
        Wall seconds per stage.
    """

    scenario: TwinScenario
    policies: dict[str, dict[str, Any]]
    smartgate: dict[str, Any]
    hub: dict[str, int]
    comparison: dict[str, Any]
    disruptions: tuple[dict[str, Any], ...]
    series: dict[str, Any]
    digests: dict[str, str]
    timings_s: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (the dashboard's and the database's form)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "days": self.scenario.days,
            "seed": self.scenario.seed,
            "scenario": self.scenario.to_json(),
            "policies": self.policies,
            "smartgate": self.smartgate,
            "hub": dict(self.hub),
            "comparison": self.comparison,
            "disruptions": list(self.disruptions),
            "series": self.series,
            "digests": dict(self.digests),
            "timings_s": dict(self.timings_s),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TwinResult:
        """Inverse of :meth:`to_json`.

        Raises
        ------
        InvalidInputError
            Another schema version, or a missing part (naming it).
        """
        if data.get("schema_version") != SCHEMA_VERSION:
            raise InvalidInputError(
                "schema_version", f"expected {SCHEMA_VERSION}, not {data.get('schema_version')!r}"
            )
        try:
            return cls(
                scenario=TwinScenario.from_json(data["scenario"]),
                policies=dict(data["policies"]),
                smartgate=dict(data["smartgate"]),
                hub={k: int(v) for k, v in data["hub"].items()},
                comparison=dict(data["comparison"]),
                disruptions=tuple(data["disruptions"]),
                series=dict(data["series"]),
                digests=dict(data["digests"]),
                timings_s=dict(data.get("timings_s", {})),
            )
        except KeyError as exc:
            raise InvalidInputError(str(exc.args[0]), "missing") from None


def _digest(items: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(items).encode()).hexdigest()


def run_twin(
    scenario: TwinScenario,
    *,
    policies: Sequence[str] = POLICIES,
    progress: Progress | None = None,
    hub: HubPort | None = None,
    run_id: str | None = None,
) -> TwinResult:
    """Run the twin for ``scenario`` under ``policies`` (see the module doc).

    Parameters
    ----------
    scenario
        The scenario.
    policies
        Policy names, a subset of ``("synchromodal", "greedy", "road_only")``.
    progress
        Called with (fraction done, message); may raise to stop the run.
    hub
        Where the synchromodal run's ONE Record objects and events go (``None``: nowhere).
    run_id
        Prefix of the hub objects' ids (default: a hash of the scenario and the time).

    Raises
    ------
    InvalidInputError
        ``policies`` naming an unknown policy, or none.
    """
    names = list(dict.fromkeys(policies))
    if not names:
        raise InvalidInputError("policies", "give at least one policy")
    for name in names:
        if name not in POLICIES:
            raise InvalidInputError(
                "policies", f"unknown policy {name!r}; known: {', '.join(POLICIES)}"
            )

    def tell(fraction: float, message: str) -> None:
        if progress is not None:
            progress(min(1.0, max(0.0, fraction)), message)

    timings: dict[str, float] = {}
    clock = time.perf_counter()
    tell(0.0, "drawing demand and disruptions")
    region = load_region(REGION)
    zone = ZoneInfo(TIMEZONE)
    first = datetime.combine(scenario.start, datetime.min.time(), tzinfo=zone)
    t0 = week_start(first, zone)
    start_h = (first.timestamp() - t0.timestamp()) / 3600.0
    services = (*region.services, *extra_rail_shuttles(region, scenario.extra_rail_dui_departures))
    horizon_h = start_h + 24.0 * (scenario.days + 7) + 72.0 + 48.0
    network = TwinNetwork(region, services, t0, horizon_h)
    events = draw_disruptions(scenario, network, start_h)
    network.apply([e.disruption for e in events])
    demand = draw_demand(scenario, region)
    co2 = (
        scenario.co2_price_eur_per_tonne
        if scenario.co2_price_eur_per_tonne is not None
        else get_settings().co2_price_eur_per_tonne
    )
    timings["demand"] = time.perf_counter() - clock

    clock = time.perf_counter()
    tell(0.03, f"SmartGate screening {len(demand.consignments):,} consignments")
    decisions = screen_consignments(scenario, demand, network)
    writer = HubWriter(hub, network, demand, run_id or _run_prefix(scenario)) if hub else None
    try:
        customs_rec = MemoryRecorder()
        if writer is not None:
            writer.start()
        customs = run_customs(
            scenario,
            demand,
            network,
            customs_rec,
            decisions,
            on_release=writer.customs if writer is not None else None,
        )
        timings["customs"] = time.perf_counter() - clock
        tell(0.08, "customs simulated")

        per_policy: dict[str, dict[str, Any]] = {}
        series_policies: dict[str, Any] = {}
        digests = {"demand": _digest([f"{o.id}|{o.release.isoformat()}" for o in demand.orders])}
        span_h = 24.0 * scenario.days
        for k, name in enumerate(names):
            clock = time.perf_counter()
            base = 0.08 + 0.9 * k / len(names)
            width = 0.9 / len(names)

            def step(
                now_h: float, base: float = base, width: float = width, name: str = name
            ) -> None:
                done = (now_h - start_h) / span_h
                day = min(scenario.days, int(done * scenario.days) + 1)
                tell(base + width * min(1.0, done), f"{name}: day {day} of {scenario.days}")

            tell(base, f"{name}: planning day 1 of {scenario.days}")
            policy = make_policy(
                name,
                network,
                co2,
                plan_time_limit_s=scenario.plan_time_limit_s,
                replan_time_limit_s=scenario.replan_time_limit_s,
                seed=scenario.seed,
            )
            rec = MemoryRecorder()
            sink = writer if (writer is not None and name == "synchromodal") else None
            execution = Execution(
                policy,
                network,
                demand,
                customs.ready_h,
                events,
                start_h,
                rec,
                milestones=sink.milestone if sink is not None else None,
                progress=step,
            )
            execution.run()
            if sink is not None:
                sink.movements(policy)
            per_policy[name] = policy_kpis(
                rec,
                days=scenario.days,
                start_h=start_h,
                co2_price_eur_per_tonne=co2,
                lateness_rate=network.costs.lateness_rate,
            )
            series_policies[name] = policy_series(rec, network.at)
            digests[name] = _digest(sorted(o.order_id for o in rec.of(OrderRecord)))
            timings[name] = time.perf_counter() - clock
        hub_counts = {"objects": 0, "events": 0}
        if writer is not None:
            writer.flush()
            hub_counts = writer.counts()
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    smartgate = smartgate_kpis(
        customs_rec.of(CustomsRecord),
        inspectors=scenario.inspectors,
        busy_h=customs.busy_h,
        span_h=customs.span_h,
    )
    days = [(first + timedelta(days=d)).date().isoformat() for d in range(scenario.days)]
    series = {
        "days": days,
        "trucks_per_day": {n: per_policy[n]["trucks_per_day"] for n in names},
        "policies": series_policies,
        "smartgate_queue": smartgate_series(customs_rec.of(QueueSample), network.at),
    }
    tell(1.0, "done")
    return TwinResult(
        scenario=scenario,
        policies=per_policy,
        smartgate=smartgate,
        hub=hub_counts,
        comparison=compare(per_policy),
        disruptions=tuple(e.to_json() for e in events),
        series=series,
        digests=digests,
        timings_s={k: round(v, 3) for k, v in timings.items()},
    )


def _run_prefix(scenario: TwinScenario) -> str:
    text = f"{scenario.model_dump_json()}|{time.time_ns()}"
    return "twin-" + hashlib.sha256(text.encode()).hexdigest()[:10]
