"""``smartlogistics serve``: a real server process on the app factory, its URL printed."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from smartlogistics.cli.serve import APP_FACTORY
from smartlogistics.web._errors import field_loc, rebase_field


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTLOGISTICS_")}
    env["SMARTLOGISTICS_DATABASE_URL"] = f"sqlite:///{tmp_path / 'serve.db'}"
    env.update(extra)
    return env


def _serve(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "smartlogistics", "serve", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_health(port: int, proc: subprocess.Popen[str]) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                body: dict[str, Any] = json.loads(r.read())
                return body
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not answer /health within 60 s")


def test_serve_runs_the_platform_app_on_the_port(tmp_path: Path) -> None:
    port = _free_port()
    proc = _serve(["--port", str(port), "--no-access-log"], _env(tmp_path))
    try:
        health = _wait_health(port, proc)
        assert health["status"] == "ok"
        # While it listens, a second server on the same port is one line and exit code 2.
        busy = subprocess.run(
            [sys.executable, "-m", "smartlogistics", "serve", "--port", str(port)],
            env=_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert busy.returncode == 2
        assert busy.stderr == (
            f"error: port: {port} is already in use on 127.0.0.1; choose another with --port\n"
        )
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert f"serving Smart Logistics Amsterdam on http://127.0.0.1:{port}" in out


def test_serve_with_auth_disabled_refuses_a_public_address(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "smartlogistics", "serve", "--host", "0.0.0.0", "--port", "1"],
        env=_env(tmp_path, SMARTLOGISTICS_AUTH="disabled"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: host: authentication is disabled")
    assert done.stderr.count("\n") == 1


def test_the_factory_string_names_create_app() -> None:
    import importlib

    module, name = APP_FACTORY.split(":")
    assert callable(getattr(importlib.import_module(module), name))


def test_field_paths_become_fastapi_locs() -> None:
    assert field_loc("body[3].hs_code") == ["body", 3, "hs_code"]
    assert field_loc("decision_id") == ["body", "decision_id"]
    assert field_loc("query.since") == ["query", "since"]
    assert field_loc("") == ["body"]
    assert rebase_field("consignments[3].hs_code", "consignments", "body") == "body[3].hs_code"
    assert rebase_field("consignments[0]", "consignments[0]", "body") == "body"
    assert rebase_field("consignments_x", "consignments", "body") == "consignments_x"
