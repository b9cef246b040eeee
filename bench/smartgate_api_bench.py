"""Latency of one SmartGate decision through the HTTP API (issue 4 target: p99 <= 5 ms).

Starts Uvicorn with ``smartlogistics.web:create_app`` in a subprocess on 127.0.0.1 (a free
port, SQLite in a temporary directory, access log off), then drives it from this process
with a bounded closed-loop load generator: ``--concurrency`` keep-alive connections (one
thread each, stdlib ``http.client`` to keep the client's own overhead small), each sending
its next ``POST /smartgate/screen`` as soon as the previous answer arrived, until
``--requests`` answers (after ``--warmup``) or ``--max-seconds``. Bodies are varied
synthetic consignments (``generate_history``), so lanes are mixed as in the history.

Modes: ``rules`` (no model) and ``model`` (a small model trained here on
``generate_history(n=--train-rows)`` before the server starts); ``both`` runs one after
the other, each on its own server and database. Prints p50/p95/p99/max latency as seen by
the client and the throughput per concurrency level.

Run with ``.venv/bin/python bench/smartgate_api_bench.py [--mode rules] [--json]``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from smartlogistics.smartgate import ColumnSpec, generate_history, read_consignments, train

HISTORY_ONLY = ("date", "label", "value_at_stake", "is_synthetic")
SPEC = ColumnSpec(label="label", id="id", date="date", value="value_at_stake")


def bodies(n: int, seed: int) -> list[bytes]:
    """JSON bodies of ``n`` varied synthetic consignments."""
    frame = generate_history(n, seed=seed)
    rows = frame.drop(columns=[c for c in HISTORY_ONLY if c in frame.columns])
    consignments = read_consignments(rows.to_csv(index=False), format="csv")
    return [json.dumps(c.to_json()).encode() for c in consignments]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(workdir: Path, model_dir: Path | None, workers: int) -> tuple[Any, int]:
    port = free_port()
    env = dict(os.environ)
    env["SMARTLOGISTICS_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.db'}"
    env.pop("SMARTLOGISTICS_SMARTGATE_MODEL_DIR", None)
    if model_dir is not None:
        env["SMARTLOGISTICS_SMARTGATE_MODEL_DIR"] = str(model_dir)
    command = [
        sys.executable, "-m", "uvicorn", "smartlogistics.web:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=workdir)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            health = json.loads(conn.getresponse().read())
            conn.close()
            return server, int(port) if health["status"] == "ok" else 0
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not answer /health within 120 s")


def stop_server(server: Any) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def drive(
    port: int, payloads: list[bytes], concurrency: int, count: int, max_seconds: float
) -> dict[str, Any]:
    """Closed loop: ``concurrency`` connections, ``count`` requests in all (or the time limit)."""
    latencies: list[float] = []
    lanes: Counter[str] = Counter()
    errors: Counter[int] = Counter()
    lock = threading.Lock()
    issued = 0
    deadline = time.monotonic() + max_seconds
    headers = {"content-type": "application/json"}

    def worker(offset: int) -> None:
        nonlocal issued
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = offset
        while True:
            with lock:
                if issued >= count or time.monotonic() > deadline:
                    break
                issued += 1
            body = payloads[i % len(payloads)]
            i += concurrency
            start = time.perf_counter()
            conn.request("POST", "/smartgate/screen", body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if response.status == 200:
                    lanes[json.loads(data)["lane"]] += 1
                else:
                    errors[response.status] += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return 1000 * ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]

    return {
        "concurrency": concurrency,
        "requests": len(ordered),
        "errors": dict(errors),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": 1000 * ordered[-1],
        "throughput_rps": len(ordered) / wall,
        "lanes": dict(lanes),
    }


def run_mode(mode: str, args: argparse.Namespace, payloads: list[bytes]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="sg-api-bench-") as tmp:
        workdir = Path(tmp)
        model_dir: Path | None = None
        trained_s: float | None = None
        if mode == "model":
            began = time.perf_counter()
            history = generate_history(args.train_rows, seed=args.seed)
            text = history.astype(str).replace({"nan": "", "None": ""})
            model_dir = train(text, SPEC, seed=args.seed).save(workdir / "model")
            trained_s = time.perf_counter() - began
        server, port = start_server(workdir, model_dir, args.workers)
        try:
            count = args.requests if mode == "rules" else args.model_requests
            drive(port, payloads, 1, args.warmup, args.max_seconds)  # warm-up, not reported
            levels = [drive(port, payloads, c, count, args.max_seconds) for c in args.concurrency]
        finally:
            stop_server(server)
    return {
        "mode": mode,
        "model": f"trained on generate_history(n={args.train_rows})" if model_dir else None,
        "train_s": trained_s,
        "workers": args.workers,
        "levels": levels,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("rules", "model", "both"), default="both")
    parser.add_argument("--requests", type=int, default=3000, help="per level, rules only")
    parser.add_argument("--model-requests", type=int, default=300, help="per level, model")
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--workers", type=int, default=1, help="Uvicorn worker processes")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="per level")
    parser.add_argument("--train-rows", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.concurrency is None:
        args.concurrency = [1, 8]
    payloads = bodies(2000, seed=args.seed + 1)
    modes = ["rules", "model"] if args.mode == "both" else [args.mode]
    results = [run_mode(mode, args, payloads) for mode in modes]
    if args.json:
        print(json.dumps({"cpus": os.cpu_count(), "results": results}, indent=2))
        return 0
    print(f"POST /smartgate/screen on loopback, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    for result in results:
        label = result["model"] or "rules only"
        extra = f", trained in {result['train_s']:.1f} s" if result["train_s"] else ""
        print(f"\n{result['mode']}: {label}{extra}; {result['workers']} Uvicorn worker(s)")
        print("  conc  requests   p50 ms   p95 ms   p99 ms   max ms    req/s  errors  lanes")
        for lv in result["levels"]:
            print(
                f"  {lv['concurrency']:>4}  {lv['requests']:>8}  {lv['p50_ms']:7.2f}  "
                f"{lv['p95_ms']:7.2f}  {lv['p99_ms']:7.2f}  {lv['max_ms']:7.2f}  "
                f"{lv['throughput_rps']:7.0f}  {sum(lv['errors'].values()):>6}  {lv['lanes']}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
