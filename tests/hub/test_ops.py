"""Hub operations: health and readiness, metrics, request ids, JSON access logs, rate limits.

These tests wrap a small FastAPI app with :func:`smartlogistics.hub.ops.install_ops`, so
they exercise the operations layer on its own; ``test_ops_hub.py`` checks it inside the
real hub app.
"""

from __future__ import annotations

import json
import logging
import logging.config
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from smartlogistics.config import Settings
from smartlogistics.db import head_revision, make_engine, upgrade
from smartlogistics.hub._ops_identity import AgentResolver
from smartlogistics.hub._ops_logging import (
    ACCESS_LOGGER,
    JsonFormatter,
    clean_request_id,
    log_config,
)
from smartlogistics.hub._ops_metrics import HubMetrics
from smartlogistics.hub._ops_ratelimit import TokenBucketLimiter
from smartlogistics.hub.ops import install_ops, readiness
from smartlogistics.hub.security import (
    DEV_ISSUER,
    Authenticator,
    TokenVerifier,
    dev_signing_key,
    mint_token,
)

AGENT_A = "https://1r.example.com/logistics-objects/agent-a"
AGENT_B = "https://1r.example.com/logistics-objects/agent-b"


def _settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"hub_rate_limit_per_s": 0.0, "hub_access_log": True}
    values.update(overrides)
    return Settings(**values)


class _Keys:
    """Development key and an authenticator that trusts it; counts verifications."""

    def __init__(self, tmp_path: Path) -> None:
        self.key = dev_signing_key(Settings(var_dir=tmp_path))
        verifier = TokenVerifier([self.key.public_key()], issuers=[DEV_ISSUER])
        self.verifications = 0
        original = verifier.verify

        def counting(token: str) -> Any:
            self.verifications += 1
            return original(token)

        verifier.verify = counting  # type: ignore[method-assign]
        self.authenticator = Authenticator(verifier)

    def header(self, agent: str, ttl_s: int = 600) -> dict[str, str]:
        return {"Authorization": f"Bearer {mint_token(agent, ttl_s=ttl_s, key=self.key)}"}


@pytest.fixture
def keys(tmp_path: Path) -> _Keys:
    return _Keys(tmp_path)


def _app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    authenticator: Authenticator | None = None,
) -> FastAPI:
    app = FastAPI()

    @app.get("/items/{item_id}")
    def item(item_id: str) -> dict[str, str]:
        logging.getLogger("smartlogistics.hub.test").warning("serving %s", item_id)
        return {"id": item_id}

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    install_ops(app, settings, engine=lambda: engine, authenticator=lambda: authenticator)
    return app


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = self.format(record)
        assert "\n" not in text
        self.lines.append(json.loads(text))


@pytest.fixture
def captured() -> Iterator[_Capture]:
    handler = _Capture()
    root = logging.getLogger("smartlogistics")
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


# --- liveness and readiness -------------------------------------------------------------


def test_healthz_answers_ok_without_a_database() -> None:
    with TestClient(_app(_settings())) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_200_on_a_database_at_head(database: Engine) -> None:
    upgrade(database)
    with TestClient(_app(_settings(), engine=database)) as client:
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "revision": head_revision(),
        "head": head_revision(),
    }


def test_readyz_is_503_on_a_database_not_migrated(database: Engine) -> None:
    with TestClient(_app(_settings(), engine=database)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["revision"] is None
    assert body["reason"] == f"database at revision none, not at head {head_revision()}"


def test_readyz_is_503_on_a_database_behind_head(database: Engine) -> None:
    upgrade(database, "0001")
    ready, body = readiness(database)
    assert not ready
    assert body["revision"] == "0001"
    assert body["reason"] == f"database at revision 0001, not at head {head_revision()}"


def test_readyz_is_503_when_the_database_is_unreachable() -> None:
    engine = make_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 2}
    )
    try:
        with TestClient(_app(_settings(), engine=engine)) as client:
            response = client.get("/readyz")
    finally:
        engine.dispose()
    assert response.status_code == 503
    assert response.json()["reason"] == "database unreachable: OperationalError"


def test_readyz_is_503_before_the_database_is_open() -> None:
    with TestClient(_app(_settings())) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["reason"] == "database not open yet"


# --- request ids and access logs ----------------------------------------------------------


def test_request_id_is_echoed_when_the_client_sends_a_valid_one() -> None:
    with TestClient(_app(_settings())) as client:
        response = client.get("/items/1", headers={"X-Request-ID": "abc-123.x:y_z"})
    assert response.headers["x-request-id"] == "abc-123.x:y_z"


@pytest.mark.parametrize("given", [None, "has space", "x" * 129, "tab\there", "ä".encode()])
def test_request_id_is_generated_when_absent_or_unsafe(given: str | bytes | None) -> None:
    headers = {} if given is None else {"X-Request-ID": given}
    with TestClient(_app(_settings())) as client:
        first = client.get("/items/1", headers=headers).headers["x-request-id"]
        second = client.get("/items/1", headers=headers).headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_clean_request_id_accepts_up_to_128_safe_characters() -> None:
    assert clean_request_id("a" * 128) == "a" * 128
    assert clean_request_id("a" * 129) is None
    assert clean_request_id("") is None
    assert clean_request_id("a/b") is None


def test_one_json_access_line_per_request(captured: _Capture, keys: _Keys) -> None:
    app = _app(_settings(), authenticator=keys.authenticator)
    with TestClient(app) as client:
        client.get("/items/7", headers={"X-Request-ID": "req-1", **keys.header(AGENT_A)})
        client.get("/nowhere", headers={"X-Request-ID": "req-2"})
    access = [line for line in captured.lines if line["logger"] == ACCESS_LOGGER]
    assert [(a["request_id"], a["method"], a["path"], a["status"], a["agent"]) for a in access] == [
        ("req-1", "GET", "/items/7", 200, AGENT_A),
        ("req-2", "GET", "/nowhere", 404, None),
    ]
    for line in access:
        assert line["level"] == "INFO"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["timestamp"])
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
        assert line["message"] == f"GET {line['path']} {line['status']}"


def test_log_records_made_while_serving_carry_the_request_id(captured: _Capture) -> None:
    with TestClient(_app(_settings())) as client:
        client.get("/items/9", headers={"X-Request-ID": "trace-9"})
    inner = [line for line in captured.lines if line["logger"] == "smartlogistics.hub.test"]
    assert inner == [
        {
            "timestamp": inner[0]["timestamp"],
            "level": "WARNING",
            "logger": "smartlogistics.hub.test",
            "message": "serving 9",
            "request_id": "trace-9",
        }
    ]


def test_a_crashing_endpoint_is_logged_and_counted_as_500(captured: _Capture) -> None:
    app = _app(_settings())
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
        assert response.status_code == 500
        text = client.get("/metrics").text
    assert 'hub_http_requests_total{method="GET",route="/boom",status="500"} 1.0' in text
    access = [line for line in captured.lines if line["logger"] == ACCESS_LOGGER]
    assert access[0]["status"] == 500


def test_access_log_can_be_turned_off(captured: _Capture) -> None:
    with TestClient(_app(_settings(hub_access_log=False))) as client:
        client.get("/items/1")
    assert [line for line in captured.lines if line["logger"] == ACCESS_LOGGER] == []


def test_log_config_writes_json_lines_for_the_platform_and_uvicorn() -> None:
    config = log_config("DEBUG")
    assert config["formatters"]["json"]["()"] == "smartlogistics.hub._ops_logging.JsonFormatter"
    assert config["loggers"]["smartlogistics"] == {
        "handlers": ["stderr"],
        "level": "DEBUG",
        "propagate": False,
    }
    assert config["loggers"]["uvicorn.access"]["handlers"] == []
    logging.config.dictConfig({**config, "loggers": {}})  # the document is valid


# --- metrics ------------------------------------------------------------------------------


def _metric(text: str, name: str) -> dict[str, float]:
    """Return ``{label-set: value}`` of the samples of ``name`` in the exposition ``text``."""
    out: dict[str, float] = {}
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}(\{{.*\}})? (\S+)", line)
        if match:
            out[match.group(1) or ""] = float(match.group(2))
    return out


def test_metrics_count_requests_by_route_template_and_status() -> None:
    with TestClient(_app(_settings())) as client:
        for item in ("a", "b", "c"):
            client.get(f"/items/{item}")
        client.get("/nope")
        response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    counts = _metric(response.text, "hub_http_requests_total")
    assert counts == {
        '{method="GET",route="/items/{item_id}",status="200"}': 3.0,
        '{method="GET",route="unmatched",status="404"}': 1.0,
    }
    latency = _metric(response.text, "hub_http_request_duration_seconds_count")
    assert latency['{method="GET",route="/items/{item_id}"}'] == 3.0
    buckets = _metric(response.text, "hub_http_request_duration_seconds_bucket")
    assert buckets['{le="+Inf",method="GET",route="/items/{item_id}"}'] == 3.0


def test_each_app_has_its_own_registry() -> None:
    first, second = _app(_settings()), _app(_settings())
    with TestClient(first) as one, TestClient(second) as two:
        one.get("/items/1")
        one.get("/items/2")
        two.get("/items/1")
        text_one = one.get("/metrics").text
        text_two = two.get("/metrics").text
    key = '{method="GET",route="/items/{item_id}",status="200"}'
    assert _metric(text_one, "hub_http_requests_total")[key] == 2.0
    assert _metric(text_two, "hub_http_requests_total")[key] == 1.0


def test_pending_notifications_gauge_reads_the_counter_at_scrape_time() -> None:
    depth = [3]
    metrics = HubMetrics(pending=lambda: depth[0])
    assert _metric(metrics.render().decode(), "hub_notifications_pending") == {"": 3.0}
    depth[0] = 11
    assert _metric(metrics.render().decode(), "hub_notifications_pending") == {"": 11.0}


def test_pending_gauge_is_left_out_when_unknown_or_failing() -> None:
    def broken() -> int:
        raise RuntimeError("database away")

    assert (
        _metric(HubMetrics(pending=lambda: None).render().decode(), "hub_notifications_pending")
        == {}
    )
    assert _metric(HubMetrics(pending=broken).render().decode(), "hub_notifications_pending") == {}
    assert "# TYPE hub_http_requests_total counter" in HubMetrics(pending=broken).render().decode()


# --- rate limits --------------------------------------------------------------------------


def test_token_bucket_refills_at_the_rate_up_to_the_burst() -> None:
    limiter = TokenBucketLimiter(2.0, 3)
    assert [limiter.take("a", 0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("a", 0.0) == pytest.approx(0.5)
    assert limiter.take("a", 0.25) == pytest.approx(0.25)
    assert limiter.take("a", 0.5) == 0.0
    assert limiter.take("a", 0.5) == pytest.approx(0.5)
    assert [limiter.take("a", 100.0) for _ in range(4)][-1] == pytest.approx(0.5)  # capped at 3
    assert limiter.take("b", 0.0) == 0.0  # buckets are per key


def test_token_bucket_forgets_the_least_recently_used_key_beyond_max_keys() -> None:
    limiter = TokenBucketLimiter(1.0, 1, max_keys=2)
    limiter.take("a", 0.0)
    limiter.take("b", 0.0)
    assert limiter.take("a", 0.0) > 0  # a is now the most recently used
    limiter.take("c", 0.0)  # drops b
    assert len(limiter) == 2
    assert limiter.take("b", 0.0) == 0.0  # b came back with a full bucket
    assert TokenBucketLimiter.retry_after(0.01) == 1
    assert TokenBucketLimiter.retry_after(2.2) == 3


@pytest.mark.parametrize(("rate", "burst"), [(-1.0, 1), (0.0, 1), (1.0, 0)])
def test_token_bucket_refuses_bad_settings(rate: float, burst: int) -> None:
    with pytest.raises(ValueError):
        TokenBucketLimiter(rate, burst)


def test_429_with_retry_after_and_an_api_error_once_an_agent_exceeds_its_rate(keys: _Keys) -> None:
    app = _app(
        _settings(hub_rate_limit_per_s=0.5, hub_rate_burst=2), authenticator=keys.authenticator
    )
    a, b = keys.header(AGENT_A), keys.header(AGENT_B)
    with TestClient(app) as client:
        statuses = [client.get("/items/1", headers=a).status_code for _ in range(2)]
        refused = client.get("/items/1", headers={**a, "X-Request-ID": "r-429"})
        other = client.get("/items/1", headers=b)
        probes = [client.get(p).status_code for p in ("/healthz", "/metrics", "/healthz")]
        text = client.get("/metrics").text
    assert statuses == [200, 200]
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "2"
    assert refused.headers["x-request-id"] == "r-429"
    assert refused.headers["content-type"] == "application/ld+json; version=2.3.0"
    assert refused.headers["content-language"] == "en-US"
    body = refused.json()
    assert body["@type"] == "api:Error"
    assert body["@id"].startswith("internal:")
    assert body["api:hasTitle"] == "Too many requests"
    [detail] = body["api:hasErrorDetail"]
    assert detail["@type"] == "api:ErrorDetail"
    assert detail["api:hasCode"] == "429"
    assert AGENT_A in detail["api:hasMessage"]
    assert other.status_code == 200  # another agent has its own bucket
    assert probes == [200, 200, 200]  # probes and scrapes are never limited
    counts = _metric(text, "hub_http_requests_total")
    assert counts['{method="GET",route="unmatched",status="429"}'] == 1.0


def test_requests_without_a_valid_token_share_the_client_address_bucket(keys: _Keys) -> None:
    app = _app(
        _settings(hub_rate_limit_per_s=0.5, hub_rate_burst=3), authenticator=keys.authenticator
    )
    with TestClient(app) as client:
        anonymous = [client.get("/items/1").status_code for _ in range(2)]
        forged = client.get("/items/1", headers={"Authorization": "Bearer not.a.token"})
        refused = client.get("/items/1", headers={"Authorization": "Bearer other.bad.token"})
        agent = client.get("/items/1", headers=keys.header(AGENT_A))
    assert anonymous == [200, 200]
    assert forged.status_code == 200  # the endpoint (not the limiter) decides about the token
    assert refused.status_code == 429
    assert "this client address" in refused.json()["api:hasErrorDetail"][0]["api:hasMessage"]
    assert agent.status_code == 429  # a new token is charged to its address before it is checked


def test_a_token_is_verified_once_then_remembered(keys: _Keys) -> None:
    header = keys.header(AGENT_A)
    app = _app(_settings(hub_rate_limit_per_s=1000.0), authenticator=keys.authenticator)
    with TestClient(app) as client:
        for _ in range(5):
            assert client.get("/items/1", headers=header).status_code == 200
    assert keys.verifications == 1


def test_resolver_forgets_a_token_when_it_expires(keys: _Keys) -> None:
    now = [time.time()]  # the verifier checks exp on the real clock; the cache on this one
    resolver = AgentResolver(keys.authenticator, clock=lambda: now[0])
    header = f"Bearer {mint_token(AGENT_A, ttl_s=60, key=keys.key)}"
    assert resolver.cached(header) is None
    assert resolver.verify(header) == AGENT_A
    assert resolver.cached(header) == AGENT_A
    now[0] += 61
    assert resolver.cached(header) is None
    assert resolver.verify("Bearer junk") is None
    assert resolver.verify(None) is None


def test_development_mode_rate_limits_the_development_agent() -> None:
    dev = Authenticator(None, dev_agent=AGENT_B)
    app = _app(_settings(hub_rate_limit_per_s=0.5, hub_rate_burst=1), authenticator=dev)
    with TestClient(app) as client:
        first = client.get("/items/1")
        second = client.get("/items/1", headers={"Authorization": "Bearer ignored"})
    assert first.status_code == 200
    assert second.status_code == 429
    assert AGENT_B in second.json()["api:hasErrorDetail"][0]["api:hasMessage"]
