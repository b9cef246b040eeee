"""Helpers of the subscription/notification tests: real HTTP receivers on 127.0.0.1.

- :class:`Receiver` — a small ``http.server`` that records every request and answers with
  a scripted sequence of status codes (then 204), to see retries and de-duplication.
- :func:`served_hub` — a second hub app served by uvicorn on a free loopback port, the
  subscriber in hub-to-hub tests.
- :class:`Clock` — a settable UTC clock for retry schedules.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fastapi import FastAPI

PIECE = "https://onerecord.iata.org/ns/cargo#Piece"
SHIPMENT = "https://onerecord.iata.org/ns/cargo#Shipment"
CONTEXT = {
    "cargo": "https://onerecord.iata.org/ns/cargo#",
    "api": "https://onerecord.iata.org/ns/api#",
}


DESCRIPTION = "Lots of awesome ONE Record information materials"


def piece(description: str = DESCRIPTION) -> dict[str, Any]:
    """A minimal valid cargo:Piece document."""
    return {"@context": CONTEXT, "@type": "cargo:Piece", "cargo:goodsDescription": description}


def description_change(uri: str, old: str, new: str, revision: int) -> dict[str, Any]:
    """An api:Change replacing a Piece's goodsDescription (as Change_example1.json)."""

    def operation(op: str, value: str) -> dict[str, Any]:
        return {
            "@type": "api:Operation",
            "api:op": {"@id": f"api:{op}"},
            "api:s": uri,
            "api:p": "https://onerecord.iata.org/ns/cargo#goodsDescription",
            "api:o": [
                {
                    "@type": "api:OperationObject",
                    "api:hasDatatype": "http://www.w3.org/2001/XMLSchema#string",
                    "api:hasValue": value,
                }
            ],
        }

    return {
        "@context": {
            **CONTEXT,
            "xsd": "http://www.w3.org/2001/XMLSchema#",
            "api:hasDatatype": {"@type": "xsd:anyURI"},
            "api:p": {"@type": "xsd:anyURI"},
        },
        "@type": "api:Change",
        "api:hasLogisticsObject": {"@id": uri},
        "api:hasOperation": [operation("DELETE", old), operation("ADD", new)],
        "api:hasRevision": {
            "@type": "http://www.w3.org/2001/XMLSchema#positiveInteger",
            "@value": str(revision),
        },
    }


def subscription(
    subscriber: str,
    topic: str,
    *,
    topic_type: str = "LOGISTICS_OBJECT_IDENTIFIER",
    events: tuple[str, ...] = (
        "LOGISTICS_OBJECT_UPDATED",
        "LOGISTICS_OBJECT_CREATED",
        "LOGISTICS_EVENT_RECEIVED",
    ),
    **extra: Any,
) -> dict[str, Any]:
    """An api:Subscription shaped as the specification's Subscription_example1.json."""
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "api:Subscription",
        "api:hasContentType": "application/ld+json",
        "api:hasSubscriber": {"@id": subscriber},
        "api:hasTopicType": {"@id": f"api:{topic_type}"},
        "api:includeSubscriptionEventType": [{"@id": f"api:{e}"} for e in events],
        "api:hasTopic": {"@type": "http://www.w3.org/2001/XMLSchema#anyURI", "@value": topic},
    }
    doc.update(extra)
    return doc


@dataclass
class Clock:
    """A UTC clock tests move forward."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Received:
    """One request the receiver got."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


class Receiver:
    """A notification receiver on 127.0.0.1 answering a scripted list of statuses."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.statuses: list[int] = []
        self.get_body: Any = {}
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body: Any = json.loads(raw)
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                with outer._arrived:
                    outer.requests.append(
                        Received(
                            "POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body
                        )
                    )
                    status = outer.statuses.pop(0) if outer.statuses else 204
                    outer._arrived.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:
                payload = json.dumps(outer.get_body).encode()
                with outer._arrived:
                    outer.requests.append(
                        Received(
                            "GET", self.path, {k.lower(): v for k, v in self.headers.items()}, None
                        )
                    )
                    outer._arrived.notify_all()
                self.send_response(200)
                self.send_header("Content-Type", "application/ld+json; version=2.3.0")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def agent(self, name: str = "agent-b") -> str:
        """An agent IRI on this receiver's 'server' (its notifications endpoint is here)."""
        return f"{self.base}/logistics-objects/{name}"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Wait until ``count`` requests arrived; return them all."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.requests)} of {count} requests arrived")
                self._arrived.wait(left)
            return list(self.requests)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served_hub(app: FastAPI, port: int) -> Iterator[str]:
    """Serve ``app`` with uvicorn on ``127.0.0.1:port`` in a thread; yield its base URL."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the subscriber hub did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)
