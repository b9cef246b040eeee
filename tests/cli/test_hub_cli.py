"""``smartlogistics hub serve`` and ``hub migrate``: a real server process, and its refusals."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from smartlogistics.cli.hub import check_base_url, default_base_url
from smartlogistics.config import get_settings
from smartlogistics.db import head_revision
from smartlogistics.errors import InvalidInputError
from tests._cli import cli_error, cli_json

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "hub" / "examples"
DEV_AGENT = "http://127.0.0.1/logistics-objects/dev-agent"
JSONLD = "application/ld+json; version=2.3.0"


@pytest.fixture
def hub_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment of a development hub on a temporary SQLite database."""
    env = {
        "SMARTLOGISTICS_DATABASE_URL": f"sqlite:///{tmp_path / 'hub.db'}",
        "SMARTLOGISTICS_VAR_DIR": str(tmp_path / "var"),
        "SMARTLOGISTICS_AUTH": "disabled",
        "SMARTLOGISTICS_AUTH_DEV_AGENT": DEV_AGENT,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SMARTLOGISTICS_HUB_BASE_URL", raising=False)
    get_settings.cache_clear()
    yield env
    get_settings.cache_clear()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_migrate_brings_the_database_to_head_and_says_so(
    hub_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    first = cli_json(capsys, ["hub", "migrate", "--json"])
    assert first == {
        "database": hub_env["SMARTLOGISTICS_DATABASE_URL"],
        "from": None,
        "revision": head_revision(),
    }
    again = cli_json(capsys, ["hub", "migrate", "--json"])
    assert again["from"] == again["revision"] == head_revision()


def test_migrate_of_an_unreachable_database_is_one_line(
    hub_env: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "SMARTLOGISTICS_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none"
    )
    get_settings.cache_clear()
    line = cli_error(capsys, ["hub", "migrate"])
    assert line.startswith("error: database_url: cannot migrate postgresql+psycopg://nobody@")


def test_serve_refuses_a_non_loopback_host_when_auth_is_disabled(
    hub_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    line = cli_error(capsys, ["hub", "serve", "--host", "0.0.0.0", "--port", str(_free_port())])
    assert line.startswith("error: host: authentication is disabled (SMARTLOGISTICS_AUTH")
    assert "'0.0.0.0'" in line


def test_serve_on_a_busy_port_is_one_clear_line(
    hub_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        line = cli_error(capsys, ["hub", "serve", "--port", str(port)])
    assert line == (
        f"error: port: {port} is already in use on 127.0.0.1; choose another with --port"
    )


@pytest.mark.parametrize(
    "url", ["ftp://hub.example.com", "https://", "https://hub.example.com/?x=1", "hub.example"]
)
def test_serve_refuses_a_bad_base_url(
    hub_env: dict[str, str], capsys: pytest.CaptureFixture[str], url: str
) -> None:
    line = cli_error(capsys, ["hub", "serve", "--port", str(_free_port()), "--base-url", url])
    assert line.startswith("error: base_url: ")


def test_base_url_defaults_from_host_and_port() -> None:
    assert default_base_url("127.0.0.1", 8080) == "http://127.0.0.1:8080"
    assert default_base_url("::1", 9000) == "http://[::1]:9000"
    assert check_base_url("https://hub.example.com/one-record/") == (
        "https://hub.example.com/one-record"
    )
    with pytest.raises(InvalidInputError):
        check_base_url("https://hub.example.com/#frag")


class _Server:
    """A ``smartlogistics hub serve`` subprocess on a free loopback port."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "smartlogistics",
                "hub",
                "serve",
                "--port",
                str(self.port),
                *args,
            ],
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_ready(self, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"hub exited: {self.process.communicate()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError("hub did not become ready")

    def stop(self) -> tuple[int, str, str]:
        self.process.send_signal(signal.SIGTERM)
        try:
            out, err = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
        return self.process.returncode, out, err


def _round_trip(url: str, expected_base: str) -> str:
    headers = {"Content-Type": JSONLD, "Accept": JSONLD, "X-Request-ID": "cli-test-1"}
    info = httpx.get(f"{url}/", headers=headers, timeout=10)
    assert info.status_code == 200
    assert info.headers["content-type"] == JSONLD
    piece: dict[str, Any] = json.loads((EXAMPLES / "Piece.json").read_text(encoding="utf-8"))
    created = httpx.post(f"{url}/logistics-objects", json=piece, headers=headers, timeout=10)
    assert created.status_code == 201, created.text
    assert created.headers["x-request-id"] == "cli-test-1"
    location = created.headers["location"]
    assert location.startswith(f"{expected_base}/logistics-objects/")
    local = location.replace(expected_base, url)
    fetched = httpx.get(local, headers=headers, timeout=10)
    assert fetched.status_code == 200
    assert fetched.json()["@id"] == location
    assert fetched.json()["@type"] == "cargo:Piece"
    return location


def test_serve_runs_the_hub_until_stopped(hub_env: dict[str, str]) -> None:
    server = _Server(hub_env)
    try:
        server.wait_ready()
        _round_trip(server.url, server.url)  # ids default to http://{host}:{port}
        assert httpx.get(f"{server.url}/healthz", timeout=5).json() == {"status": "ok"}
    finally:
        code, out, err = server.stop()
    assert code == -signal.SIGTERM, err  # Uvicorn shuts down, then re-raises the signal
    assert out.startswith(f"ONE Record hub on {server.url}, ids {server.url}/logistics-objects/")
    lines = [json.loads(line) for line in err.splitlines()]  # every stderr line is JSON
    assert "Application shutdown complete." in [line["message"] for line in lines]
    access = [line for line in lines if line["logger"] == "smartlogistics.hub.access"]
    posts = [a for a in access if a["method"] == "POST" and a["path"] == "/logistics-objects"]
    assert [(p["status"], p["request_id"], p["agent"]) for p in posts] == [
        (201, "cli-test-1", DEV_AGENT)
    ]


def test_serve_with_workers_and_a_base_url(hub_env: dict[str, str]) -> None:
    base = "https://hub.example.com/one-record"
    server = _Server(hub_env, "--workers", "2", "--base-url", base + "/")
    try:
        server.wait_ready()
        locations = {_round_trip(server.url, base) for _ in range(4)}
        assert len(locations) == 4
    finally:
        code, _, err = server.stop()
    assert code == 0, err  # the supervisor stops its workers and exits normally
    assert sum('"Application shutdown complete."' in line for line in err.splitlines()) == 2
