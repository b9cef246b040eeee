"""Prometheus metrics of one hub app: requests, latencies, undelivered notifications.

Every app gets its own :class:`prometheus_client.CollectorRegistry` (never the process-wide
default one), so tests can build many apps in one process and a scrape of ``/metrics``
shows exactly that app's figures. Metric names:

- ``hub_http_requests_total{method, route, status}`` — requests answered, by route
  *template* (``/logistics-objects/{logisticsObjectId}``, never the concrete path, so the
  number of series stays bounded); requests that matched no route are ``route="unmatched"``.
- ``hub_http_request_duration_seconds{method, route}`` — latency histogram, from the first
  byte the server handed over to the last byte of the response.
- ``hub_notifications_pending`` — notifications queued for delivery and not yet delivered
  (or dead), read at scrape time from the database through the notification engine's
  ``pending_deliveries(engine)``; absent when that engine is not installed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Final

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

__all__ = ["CONTENT_TYPE", "LATENCY_BUCKETS_S", "HubMetrics"]

log = logging.getLogger("smartlogistics.hub.ops")

#: Content type of the Prometheus text exposition format.
CONTENT_TYPE: Final = "text/plain; version=0.0.4; charset=utf-8"

#: Histogram buckets (seconds): fine below 20 ms, the hub's p99 target.
LATENCY_BUCKETS_S: Final = (
    0.001,
    0.002,
    0.005,
    0.01,
    0.02,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
)


class _PendingCollector(Collector):
    """Collects ``hub_notifications_pending`` by calling ``count()`` at scrape time."""

    def __init__(self, count: Callable[[], int | None]) -> None:
        self._count = count

    def describe(self) -> list[Metric]:
        """Describe nothing up front, so registering does not query the database."""
        return []

    def collect(self) -> Iterator[Metric]:
        """Yield the gauge with the current count (nothing when unknown or failing)."""
        try:
            value = self._count()
        except Exception:  # a scrape must not fail because the database is away
            log.warning("could not count pending notifications", exc_info=True)
            return
        if value is None:
            return
        family = GaugeMetricFamily(
            "hub_notifications_pending",
            "Notifications queued for delivery to subscribers and not delivered yet.",
        )
        family.add_metric([], float(value))
        yield family


class HubMetrics:
    """The metrics of one hub app, in a registry of its own.

    Parameters
    ----------
    pending
        Returns the number of undelivered notifications, or ``None`` when unknown (no
        notification engine, database not open yet); ``None`` leaves the gauge out.
    """

    def __init__(self, pending: Callable[[], int | None] | None = None) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "hub_http_requests",
            "HTTP requests answered by the hub.",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "hub_http_request_duration_seconds",
            "Time to answer an HTTP request, from request start to the last response byte.",
            ("method", "route"),
            buckets=LATENCY_BUCKETS_S,
            registry=self.registry,
        )
        if pending is not None:
            self.registry.register(_PendingCollector(pending))
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request and record its latency."""
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            children = (
                self.requests.labels(method, route, str(status)),
                self.latency.labels(method, route),
            )
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def render(self) -> bytes:
        """Return the registry in the Prometheus text format (:data:`CONTENT_TYPE`)."""
        return generate_latest(self.registry)
