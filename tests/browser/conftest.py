"""Browser test fixtures: one app server and one Chromium for this package's tests.

- ``dashboard_db``: a temporary SQLite database holding a real twin run (one simulated
  day, a small share of the region's demand), made once for the package. Every fixture
  here is package-scoped: Playwright's sync API keeps an asyncio loop running in the main
  thread while it lives, so it must be gone before other packages' tests run.
- ``server``: the platform app (:func:`smartlogistics.web.create_app`) under Uvicorn in a
  background thread on a free port of 127.0.0.1, on that database.
- ``browser``: Debian's Chromium (``/usr/bin/chromium``) driven by Playwright; never a
  downloaded browser. Without it the tests are skipped on a developer machine and fail
  under ``CI=true``.
- ``page``: a fresh page that records console errors, page errors, failed requests, HTTP
  errors, and every request that tries to leave 127.0.0.1 (those are aborted). The test
  ends by asserting that none happened.

Screenshots go to ``test-output/`` at the repository root.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="package")
def port() -> int:
    """The port the session's server listens on (chosen first: the hub's ids name it)."""
    return _free_port()


@pytest.fixture(scope="package")
def settings(port: int) -> Any:
    """The server's settings without the database (hub auth disabled on loopback)."""
    from smartlogistics.config import Settings

    return Settings(_env_file=None, host="127.0.0.1", port=port, auth="disabled")


@pytest.fixture(scope="package")
def dashboard_db(tmp_path_factory: pytest.TempPathFactory, settings: Any) -> str:
    """SQLite URL of a database holding one real, small twin run (made once)."""
    from tests.browser._run import make_twin_database

    return make_twin_database(tmp_path_factory.mktemp("dashboard") / "dashboard.db", settings)


@dataclass
class Server:
    """The running app: its base URL and a client for its JSON API."""

    url: str
    api: httpx.Client

    def json(self, path: str) -> Any:
        response = self.api.get(path)
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="package")
def server(dashboard_db: str, settings: Any, port: int) -> Iterator[Server]:
    """The platform app under Uvicorn on 127.0.0.1 (a background thread)."""
    import uvicorn

    from smartlogistics.web import create_app

    app = create_app(settings.model_copy(update={"database_url": dashboard_db}))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, name="dashboard-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the dashboard server did not start")
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=url, timeout=30) as api:
        yield Server(url=url, api=api)
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Debian's Chromium under Playwright (one for the package)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install -y chromium)"
        if _in_ci():
            pytest.fail(f"{message}; browser tests must run under CI=true")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Watch:
    """What went wrong on a page, collected while the test drives it."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def problems(self) -> dict[str, list[str]]:
        return {
            name: items
            for name, items in {
                "console errors": self.console_errors,
                "page errors": self.page_errors,
                "failed requests": self.failed,
                "HTTP errors": self.http_errors,
                "requests leaving 127.0.0.1": self.outside,
            }.items()
            if items
        }


@pytest.fixture(scope="package")
def context(browser: Any) -> Iterator[Any]:
    """One browser context for the session: Plotly.js is fetched and compiled once."""
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-GB")
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: Any, server: Server) -> Iterator[Any]:
    """A fresh page; the test fails if anything went wrong on it (see :class:`Watch`)."""
    tab = context.new_page()
    watch = Watch()

    def guard(route: Any) -> None:
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            watch.outside.append(route.request.url)
            route.abort()

    tab.route("**/*", guard)

    def console(message: Any) -> None:
        if message.type == "error":
            watch.console_errors.append(message.text)

    def response(answer: Any) -> None:
        if answer.status >= 400:
            watch.http_errors.append(f"{answer.status} {answer.url}")

    tab.on("console", console)
    tab.on("pageerror", lambda e: watch.page_errors.append(str(e)))
    tab.on(
        "requestfailed",
        lambda r: watch.failed.append(f"{r.url}: {r.failure}"),
    )
    tab.on("request", lambda r: watch.requests.append(r.url))
    tab.on("response", response)
    tab.watch = watch
    tab.base = server.url
    yield tab
    problems = watch.problems()  # before closing: closing aborts the hub page's polling
    tab.close()
    assert not problems, problems


def screenshot(tab: Any, name: str) -> Path:
    """Write a full-page screenshot to ``test-output/<name>.png``."""
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path
