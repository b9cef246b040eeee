"""Durability of ``smartlogistics hub serve`` under SIGKILL (issue 5, durability target).

A real hub server process runs on a free loopback port (development mode, the database of
the ``database`` fixture: a SQLite file, or a fresh PostgreSQL schema). A subscription to
``cargo:Piece`` sends notifications to a receiver this test runs; the receiver refuses
about half of them with 503 while the first server lives, so at the moment of the kill
there are notifications queued and unsent. Four client threads create Pieces, post one
event to each and bulk events (207) for several. Every acknowledged write (a 201, or a
201 inside a 207) is recorded with what was sent. Mid-load the server gets SIGKILL; it is
then started again on the same database, and the test checks that

- every acknowledged object is there, at revision 1, with exactly the content that was
  sent (its compacted JSON-LD equals :func:`~smartlogistics.hub.jsonld.normalise` of the
  sent document under its id);
- every acknowledged event is there with the sent properties, for its object, its
  ``creationDate`` (the receipt time) from before the kill;
- every acknowledged change reaches the receiver as a notification answered 204 (at least
  once, de-duplicated by the notification ``@id``), each change under exactly one id, and
  the outbox is empty afterwards.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text

from smartlogistics.hub import jsonld
from smartlogistics.hub.notify import delivery_stats, pending_deliveries

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "hub" / "examples"
JSONLD = "application/ld+json; version=2.3.0"
HEADERS = {"Content-Type": JSONLD, "Accept": JSONLD}
BASE = "https://durable.example.com"
CARGO = "https://onerecord.iata.org/ns/cargo#"
PIECE = CARGO + "Piece"
THREADS = 4
#: Acknowledged object creations after which the server is killed (or after KILL_AFTER_S).
KILL_AT_OBJECTS = 60
KILL_AFTER_S = 5.0
DELIVERY_TIMEOUT_S = 25.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _example(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return doc


def _database_url(engine: Engine) -> str:
    """The URL a server process reaches the fixture's database with (schema included)."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return url.render_as_string(hide_password=False)
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


# --- the notification receiver -----------------------------------------------------------


@dataclass(frozen=True)
class Arrival:
    """One notification POST the receiver got and what it answered."""

    notification_id: str
    event_type: str
    object_uri: str | None
    event_uri: str | None
    status: int
    after_restart: bool


class Receiver:
    """The subscriber's ``/notifications`` endpoint on 127.0.0.1.

    While :attr:`refusing` is set, a notification whose UUID is even is answered 503 (so it
    stays queued at the publisher); everything else, and everything afterwards, gets 204.
    """

    def __init__(self) -> None:
        self.arrivals: list[Arrival] = []
        self.refusing = True
        self.restarted = False
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.loads(raw)
                nid = str(body["@id"])
                refuse = outer.refusing and uuid.UUID(nid.removeprefix("urn:uuid:")).int % 2 == 0
                status = 503 if refuse else 204
                arrival = Arrival(
                    notification_id=nid,
                    event_type=str(body["api:hasEventType"]["@id"]).removeprefix("api:"),
                    object_uri=body.get("api:hasLogisticsObject", {}).get("@id"),
                    event_uri=body.get("api:hasLogisticsEvent", {}).get("@id"),
                    status=status,
                    after_restart=outer.restarted,
                )
                with outer.lock:
                    outer.arrivals.append(arrival)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def agent(self) -> str:
        """The subscriber's agent IRI: its notifications endpoint is this receiver."""
        return f"http://127.0.0.1:{self.port}/logistics-objects/subscriber"

    def delivered(self) -> dict[tuple[str, str], set[str]]:
        """(event type, object or event URI) → ids of the notifications answered 204."""
        out: dict[tuple[str, str], set[str]] = {}
        with self.lock:
            arrivals = list(self.arrivals)
        for a in arrivals:
            if a.status != 204:
                continue
            subject = a.event_uri if a.event_type == "LOGISTICS_EVENT_RECEIVED" else a.object_uri
            assert subject is not None, a
            out.setdefault((a.event_type, subject), set()).add(a.notification_id)
        return out

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


# --- the server process --------------------------------------------------------------------


class HubProcess:
    """``smartlogistics hub serve`` as a subprocess; its log goes to a file."""

    def __init__(self, env: dict[str, str], folder: Path, port: int, name: str) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.log = folder / f"{name}.log"
        with self.log.open("w", encoding="utf-8") as out:
            argv = [sys.executable, "-m", "smartlogistics", "hub", "serve"]
            argv += ["--port", str(port), "--base-url", BASE, "--log-level", "warning"]
            self.process = subprocess.Popen(
                argv,
                env=env,
                cwd=folder,  # no project .env is read
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"hub exited: {self.log.read_text(encoding='utf-8')}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError("hub did not become ready")

    def local(self, uri: str) -> str:
        """The URL of an id of this hub on its loopback address."""
        assert uri.startswith(BASE + "/"), uri
        return self.url + uri.removeprefix(BASE)

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: no shutdown, no flush, no lifespan exit
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def _server_env(database_url: str, folder: Path, receiver: Receiver) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTLOGISTICS_")}
    env.update(
        {
            "SMARTLOGISTICS_DATABASE_URL": database_url,
            "SMARTLOGISTICS_VAR_DIR": str(folder / "var"),
            "SMARTLOGISTICS_AUTH": "disabled",
            "SMARTLOGISTICS_AUTH_DEV_AGENT": receiver.agent,
            "SMARTLOGISTICS_HUB_ACCESS_LOG": "false",
            "SMARTLOGISTICS_HUB_RATE_LIMIT_PER_S": "0",
            "SMARTLOGISTICS_HUB_NOTIFY_ALLOW": f"http://127.0.0.1:{receiver.port}/",
            "SMARTLOGISTICS_HUB_NOTIFY_BACKOFF_S": "0.2",
            "SMARTLOGISTICS_HUB_NOTIFY_BACKOFF_CAP_S": "0.5",
            "SMARTLOGISTICS_HUB_NOTIFY_MAX_ATTEMPTS": "1000",
            "SMARTLOGISTICS_HUB_NOTIFY_TIMEOUT_S": "3",
            "SMARTLOGISTICS_HUB_NOTIFY_POLL_S": "0.2",
            # A transaction killed mid-flight leaves a hole in the change seqs (PostgreSQL);
            # the dispatcher waits this long before taking it as rolled back.
            "SMARTLOGISTICS_HUB_NOTIFY_GAP_TIMEOUT_S": "1",
        }
    )
    return env


# --- the write load --------------------------------------------------------------------------


@dataclass
class Acknowledged:
    """Writes the server acknowledged, with what was sent."""

    objects: dict[str, dict[str, Any]] = field(default_factory=dict)  # uri -> sent document
    events: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)  # uri -> ...
    lock: threading.Lock = field(default_factory=threading.Lock)
    failures: list[str] = field(default_factory=list)  # unexpected answers (not errors)
    transport_errors: int = 0


def _piece(worker: int, n: int) -> dict[str, Any]:
    doc = _example("Piece.json")
    doc["cargo:goodsDescription"] = f"durability piece {worker}-{n}"
    doc["cargo:grossWeight"] = {
        "@type": "cargo:Value",
        "cargo:numericalValue": {
            "@type": "http://www.w3.org/2001/XMLSchema#double",
            "@value": f"{worker * 1000 + n}.5",
        },
        "cargo:unit": {"@id": "https://onerecord.iata.org/ns/code-lists/MeasurementUnitCode#KGM"},
    }
    return doc


def _event(worker: int, n: int, code: str, targets: list[str] | None = None) -> dict[str, Any]:
    doc = _example("LogisticsEvent.json")
    del doc["cargo:eventFor"]
    doc["cargo:eventCode"] = {"@id": f"https://onerecord.iata.org/ns/code-lists/StatusCode#{code}"}
    doc["cargo:eventName"] = f"durability event {worker}-{n} {code}"
    if targets is not None:
        doc["cargo:eventFor"] = [{"@id": t} for t in targets]
    return doc


def _load(url: str, worker: int, stop: threading.Event, acked: Acknowledged) -> None:
    """Create Pieces, post an event to each, every third round a bulk event (207)."""
    mine: list[str] = []
    with httpx.Client(timeout=10, headers=HEADERS) as client:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                doc = _piece(worker, n)
                r = client.post(f"{url}/logistics-objects", json=doc)
                if r.status_code != 201:
                    acked.failures.append(f"POST object {r.status_code} {r.text}")
                    return
                uri = r.headers["Location"]
                with acked.lock:
                    acked.objects[uri] = doc
                mine.append(uri)
                event = _event(worker, n, "DEP")
                r = client.post(url + uri.removeprefix(BASE) + "/logistics-events", json=event)
                if r.status_code != 201:
                    acked.failures.append(f"POST event {r.status_code} {r.text}")
                    return
                with acked.lock:
                    acked.events[r.headers["Location"]] = (uri, event)
                if n % 3 == 0:
                    targets = mine[-3:]
                    bulk = _event(worker, n, "ARR", targets)
                    r = client.post(f"{url}/logistics-events", json=bulk)
                    if r.status_code != 207:
                        acked.failures.append(f"POST bulk {r.status_code} {r.text}")
                        return
                    results = r.json()["api:hasCreationResult"]
                    for result in results if isinstance(results, list) else [results]:
                        if result["api:hasHTTPStatus"] != 201:
                            acked.failures.append(f"bulk result {result}")
                            return
                        target = result["api:hasLogisticsObject"]["@id"]
                        single = {k: v for k, v in bulk.items() if k != "cargo:eventFor"}
                        with acked.lock:
                            acked.events[result["api:hasLogisticsEvent"]["@id"]] = (target, single)
            except httpx.TransportError:
                with acked.lock:
                    acked.transport_errors += 1
                return


def _subscribe(url: str, subscriber: str) -> str:
    doc = {
        "@context": {"cargo": CARGO, "api": "https://onerecord.iata.org/ns/api#"},
        "@type": "api:Subscription",
        "api:hasContentType": "application/ld+json",
        "api:hasSubscriber": {"@id": subscriber},
        "api:hasTopicType": {"@id": "api:LOGISTICS_OBJECT_TYPE"},
        "api:includeSubscriptionEventType": [
            {"@id": "api:LOGISTICS_OBJECT_CREATED"},
            {"@id": "api:LOGISTICS_EVENT_RECEIVED"},
        ],
        "api:hasTopic": {"@type": "http://www.w3.org/2001/XMLSchema#anyURI", "@value": PIECE},
    }
    r = httpx.post(f"{url}/subscriptions", json=doc, headers=HEADERS, timeout=10)
    assert r.status_code == 201, r.text
    return str(r.headers["Location"])


# --- the checks ------------------------------------------------------------------------------

_SERVER_MANAGED = ("api:hasRevision", "api:hasLatestRevision")


def _check_object(client: httpx.Client, hub: HubProcess, uri: str, sent: dict[str, Any]) -> None:
    r = client.get(hub.local(uri))
    assert r.status_code == 200, (uri, r.status_code, r.text)
    body = r.json()
    assert (body["api:hasRevision"], body["api:hasLatestRevision"]) == (1, 1), uri
    stored = {k: v for k, v in body.items() if k not in _SERVER_MANAGED}
    assert stored == jsonld.normalise(sent, object_id=uri), uri


def _check_event(
    client: httpx.Client,
    hub: HubProcess,
    uri: str,
    target: str,
    sent: dict[str, Any],
    window: tuple[datetime, datetime],
) -> None:
    r = client.get(hub.local(uri))
    assert r.status_code == 200, (uri, r.status_code, r.text)
    body = r.json()
    assert body["@id"] == uri
    assert body["cargo:eventFor"] == {"@id": target, "@type": "cargo:Piece"}
    expected = jsonld.normalise(sent, object_id=uri)
    for key in expected.keys() - {"@context", "cargo:creationDate", "cargo:eventFor"}:
        assert body[key] == expected[key], (uri, key)
    received = datetime.fromisoformat(body["cargo:creationDate"]["@value"])
    assert window[0] <= received <= window[1], (uri, received, window)


def test_acknowledged_writes_and_queued_notifications_survive_sigkill(
    database: Engine, tmp_path: Path, receiver: Receiver
) -> None:
    env = _server_env(_database_url(database), tmp_path, receiver)
    port = _free_port()
    first = HubProcess(env, tmp_path, port, "first")
    second: HubProcess | None = None
    try:
        first.wait_ready()
        _subscribe(first.url, receiver.agent)
        started = datetime.now(UTC)
        acked = Acknowledged()
        stop = threading.Event()
        workers = [
            threading.Thread(target=_load, args=(first.url, w, stop, acked), daemon=True)
            for w in range(THREADS)
        ]
        for w in workers:
            w.start()
        deadline = time.monotonic() + KILL_AFTER_S
        while len(acked.objects) < KILL_AT_OBJECTS and time.monotonic() < deadline:
            assert not acked.failures, acked.failures
            time.sleep(0.02)
        first.kill()  # mid-load: the workers have requests in flight
        killed = datetime.now(UTC)
        for w in workers:
            w.join(15)
        stop.set()
        assert not acked.failures, acked.failures
        assert acked.transport_errors == THREADS  # every worker ran until the server died
        assert len(acked.objects) >= 20, len(acked.objects)
        with receiver.lock:
            refused_before = {a.notification_id for a in receiver.arrivals if a.status == 503}
            receiver.refusing = False
            receiver.restarted = True
        assert refused_before, "no notification was queued and unsent at the kill"

        second = HubProcess(env, tmp_path, port, "second")
        second.wait_ready()
        with httpx.Client(timeout=10, headers=HEADERS) as client:
            for uri, sent in acked.objects.items():
                _check_object(client, second, uri, sent)
            for uri, (target, event) in acked.events.items():
                assert target in acked.objects, target
                _check_event(client, second, uri, target, event, (started, killed))

        wanted = {("LOGISTICS_OBJECT_CREATED", uri) for uri in acked.objects} | {
            ("LOGISTICS_EVENT_RECEIVED", uri) for uri in acked.events
        }
        deadline = time.monotonic() + DELIVERY_TIMEOUT_S
        delivered = receiver.delivered()
        while not wanted <= delivered.keys() and time.monotonic() < deadline:
            time.sleep(0.2)
            delivered = receiver.delivered()
        missing = wanted - delivered.keys()
        assert not missing, (
            f"{len(missing)} of {len(wanted)} never delivered: {sorted(missing)[:5]}"
        )
        # each change went out under one notification id (a subscriber can de-duplicate)
        assert {k: v for k, v in delivered.items() if len(v) != 1} == {}
        # the notifications refused before the kill were delivered by the restarted server
        with receiver.lock:
            late = {a.notification_id for a in receiver.arrivals if a.after_restart}
        assert refused_before & late
        delivered_ids = set().union(*delivered.values())
        assert refused_before <= delivered_ids | _unacknowledged(receiver, wanted)
        deadline = time.monotonic() + 10
        while pending_deliveries(database) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert pending_deliveries(database) == 0
        assert delivery_stats(database).to_json()["dead"] == 0
    finally:
        first.stop()
        if second is not None:
            second.stop()


def _unacknowledged(receiver: Receiver, wanted: set[tuple[str, str]]) -> set[str]:
    """Ids of notifications for writes the client never saw acknowledged (cut off)."""
    with receiver.lock:
        arrivals = list(receiver.arrivals)
    out: set[str] = set()
    for a in arrivals:
        subject = a.event_uri if a.event_type == "LOGISTICS_EVENT_RECEIVED" else a.object_uri
        if (a.event_type, subject) not in wanted:
            out.add(a.notification_id)
    return out
