"""Throughput and latency of the ONE Record hub over HTTP (issue 5 speed targets).

Targets (2 cores, load from a second process on loopback): >= 1,000 logistics-object
creations/s and >= 2,000 event posts/s on SQLite; GET p99 <= 20 ms at 32 concurrent
clients; PostgreSQL within a factor 2 of SQLite.

Each run starts a real ``smartlogistics hub serve`` subprocess on a free loopback port
(development mode ``SMARTLOGISTICS_AUTH=disabled``, rate limit off, JSON access log on and
written to /dev/null) on a fresh database — a SQLite file in a temporary folder, or a new
schema on the PostgreSQL of ``SMARTLOGISTICS_TEST_POSTGRES_URL`` (dropped afterwards) — and
drives it from this process with a closed-loop load generator: ``--clients`` keep-alive
connections, one thread each, stdlib ``http.client`` (light, so the client takes as little
of the 2 cores as possible), each sending its next request as soon as the previous answer
arrived. Phases, in order:

1. ``create``: ``POST /logistics-objects`` of the specification's ``Piece.json``;
2. ``event``: ``POST /logistics-objects/{id}/logistics-events`` of ``LogisticsEvent.json``,
   round-robin over the created objects;
3. ``get``: ``GET /logistics-objects/{id}`` of the created objects (latency p50/p99);
4. ``events-get``: ``GET /logistics-objects/{id}/logistics-events`` (latency p50/p99).

Every answer's status is checked (201 / 200); the figures are medians over ``--runs`` runs,
each on its own server and database. Besides throughput and latency the bench reports the
server's CPU time per request (user + system of the ``hub serve`` process tree, from
``/proc``): on a machine shared with other work it says more than wall-clock figures, and
``1000 / cpu_ms`` is the most one fully used core could serve. Run with
``.venv/bin/python bench/hub_api_bench.py [--db sqlite,postgresql] [--runs 3] [--json]``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "tests" / "data" / "hub" / "examples"
JSONLD = "application/ld+json; version=2.3.0"
HEADERS = {"Content-Type": JSONLD, "Accept": JSONLD}
POSTGRES_ENV = "SMARTLOGISTICS_TEST_POSTGRES_URL"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    """Yield the URL of a fresh database of ``kind`` (SQLite file or PostgreSQL schema)."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'hub-bench.db'}"
        return
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        raise SystemExit(f"{POSTGRES_ENV} is not set: cannot bench PostgreSQL")
    from sqlalchemy import text

    from smartlogistics.db import make_engine

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` and its children (Linux ``/proc``)."""
    total = 0.0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(c) for c in children.read_text().split()]
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


@contextmanager
def hub_server(db_url: str, workdir: Path, workers: int) -> Iterator[tuple[int, int]]:
    """Run ``smartlogistics hub serve`` on a free port until the block ends."""
    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "SMARTLOGISTICS_DATABASE_URL": db_url,
            "SMARTLOGISTICS_VAR_DIR": str(workdir / "var"),
            "SMARTLOGISTICS_AUTH": "disabled",
            "SMARTLOGISTICS_AUTH_DEV_AGENT": f"http://127.0.0.1:{port}/logistics-objects/bench",
            "SMARTLOGISTICS_HUB_RATE_LIMIT_PER_S": "0",
        }
    )
    command = [sys.executable, "-m", "smartlogistics", "hub", "serve", "--port", str(port),
               "--workers", str(workers)]  # fmt: skip
    server = subprocess.Popen(
        command, env=env, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                raise SystemExit(f"hub serve exited with code {server.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/readyz")
                ready = conn.getresponse().status == 200
                conn.close()
                if ready:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("hub serve did not become ready within 120 s")
            time.sleep(0.2)
        yield port, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


Request = Callable[[int], tuple[str, str, bytes | None]]


def drive(
    port: int, request: Request, count: int, clients: int, expect: int, pid: int = 0
) -> dict[str, Any]:
    """Closed loop: ``clients`` connections send ``count`` requests; latency and throughput."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    locations: list[str] = []
    lock = threading.Lock()
    issued = 0

    def worker() -> None:
        nonlocal issued
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        seen: Counter[int] = Counter()
        got: list[str] = []
        while True:
            with lock:
                if issued >= count:
                    break
                index = issued
                issued += 1
            method, path, body = request(index)
            start = time.perf_counter()
            conn.request(method, path, body=body, headers=HEADERS)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            seen[response.status] += 1
            location = response.getheader("Location")
            if location is not None and response.status == 201:
                got.append(location)
        conn.close()
        with lock:
            latencies.extend(mine)
            statuses.update(seen)
            locations.extend(got)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    cpu_before = cpu_seconds(pid) if pid else 0.0
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    server_cpu = cpu_seconds(pid) - cpu_before if pid else float("nan")
    if set(statuses) != {expect}:
        raise SystemExit(f"unexpected answers: {dict(statuses)} (expected {expect})")
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return 1000 * ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]

    return {
        "requests": len(ordered),
        "per_s": len(ordered) / wall,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "server_cpu_ms": 1000 * server_cpu / len(ordered),
        "locations": locations,
    }


def one_run(kind: str, args: argparse.Namespace) -> dict[str, float]:
    piece = (EXAMPLES / "Piece.json").read_bytes()
    event_doc = json.loads((EXAMPLES / "LogisticsEvent.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp:
        workdir = Path(tmp)
        with database(kind, workdir) as url, hub_server(url, workdir, args.workers) as (port, pid):
            base = f"http://127.0.0.1:{port}"

            def create(_: int) -> tuple[str, str, bytes | None]:
                return "POST", "/logistics-objects", piece

            drive(port, create, args.warmup, args.clients, 201)  # warm-up, not reported
            created = drive(port, create, args.objects, args.clients, 201, pid)
            paths = [loc.removeprefix(base) for loc in created["locations"]]
            bodies = []
            for path in paths[: min(len(paths), 200)]:
                doc = dict(event_doc, **{"cargo:eventFor": {"@id": base + path}})
                bodies.append((f"{path}/logistics-events", json.dumps(doc).encode()))

            def event(i: int) -> tuple[str, str, bytes | None]:
                path, body = bodies[i % len(bodies)]
                return "POST", path, body

            events = drive(port, event, args.events, args.clients, 201, pid)

            def get(i: int) -> tuple[str, str, bytes | None]:
                return "GET", paths[i % len(paths)], None

            gets = drive(port, get, args.gets, args.clients, 200, pid)

            def list_events(i: int) -> tuple[str, str, bytes | None]:
                return "GET", bodies[i % len(bodies)][0], None

            lists = drive(port, list_events, args.gets, args.clients, 200, pid)
    return {
        "creates_per_s": created["per_s"],
        "create_p99_ms": created["p99_ms"],
        "create_cpu_ms": created["server_cpu_ms"],
        "events_per_s": events["per_s"],
        "event_p99_ms": events["p99_ms"],
        "event_cpu_ms": events["server_cpu_ms"],
        "get_per_s": gets["per_s"],
        "get_cpu_ms": gets["server_cpu_ms"],
        "get_p50_ms": gets["p50_ms"],
        "get_p99_ms": gets["p99_ms"],
        "events_get_p50_ms": lists["p50_ms"],
        "events_get_p99_ms": lists["p99_ms"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", default="sqlite,postgresql", help="sqlite and/or postgresql")
    parser.add_argument("--runs", type=int, default=3, help="runs per database (median)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=1, help="hub serve --workers")
    parser.add_argument("--objects", type=int, default=3000)
    parser.add_argument("--events", type=int, default=6000)
    parser.add_argument("--gets", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.db.split(",") if k.strip()]
    report: dict[str, Any] = {"clients": args.clients, "workers": args.workers, "runs": {}}
    for kind in kinds:
        runs = [one_run(kind, args) for _ in range(args.runs)]
        report["runs"][kind] = runs
        report[kind] = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    with suppress(OSError):
        report["load_average"] = os.getloadavg()[0]
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"hub over HTTP, {args.clients} clients, {args.workers} worker(s), median of {args.runs}")
    header = ("db", "creates/s", "events/s", "GET p50 ms", "GET p99 ms", "list p99 ms",
              "create cpu", "event cpu", "GET cpu")  # fmt: skip
    print("  ".join(f"{h:>11}" for h in header) + "   (cpu: server CPU ms per request)")
    for kind in kinds:
        m = report[kind]
        row = (kind, m["creates_per_s"], m["events_per_s"], m["get_p50_ms"], m["get_p99_ms"],
               m["events_get_p99_ms"], m["create_cpu_ms"], m["event_cpu_ms"],
               m["get_cpu_ms"])  # fmt: skip
        print("  ".join(f"{v:>11.1f}" if isinstance(v, float) else f"{v:>11}" for v in row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
