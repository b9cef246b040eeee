"""``smartlogistics demo``: the week simulated, stored, the dashboard's port checked first."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from smartlogistics.config import get_settings
from tests._cli import cli_error, cli_json


@pytest.fixture
def tmp_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'var' / 'demo.db'}"
    monkeypatch.setenv("SMARTLOGISTICS_DATABASE_URL", url)
    monkeypatch.setenv("SMARTLOGISTICS_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_port_in_use_is_refused_before_the_run(
    capsys: pytest.CaptureFixture[str], tmp_db: str
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        message = cli_error(capsys, ["demo", "--days", "1", "--port", str(port)])
    assert message == (
        f"error: port: {port} is already in use on 127.0.0.1; choose another with --port"
    )
    assert not Path(tmp_db.removeprefix("sqlite:///")).exists()  # nothing ran


def test_demo_no_serve_json(capsys: pytest.CaptureFixture[str], tmp_db: str) -> None:
    from smartlogistics.db import make_engine
    from smartlogistics.twin.results import latest_run

    data = cli_json(capsys, ["demo", "--days", "1", "--seed", "5", "--no-serve", "--json"])
    assert list(data) == ["days", "seed", "policies", "smartgate", "hub"]
    assert (data["days"], data["seed"]) == (1, 5)
    assert list(data["policies"]) == ["synchromodal", "greedy", "road_only"]
    orders = round(28_120 * 0.2 / 7)
    assert all(k["delivered"] == orders for k in data["policies"].values())
    gate = data["smartgate"]
    assert gate["screened"] == sum(gate["lanes"].values()) > 0
    # shipments, waybills and movements; customs outcomes, departures and deliveries
    assert data["hub"]["objects"] > orders + gate["screened"]
    released = gate["screened"] - gate["lanes"]["DNL"]
    assert data["hub"]["events"] == released + 2 * orders
    engine = make_engine(tmp_db)
    stored = latest_run(engine)
    engine.dispose()
    assert stored is not None and stored.info.label == "demo"
    assert stored.result.hub == data["hub"]


def test_the_demo_hub_verifies_development_tokens(tmp_path: Path) -> None:
    from smartlogistics.cli.demo import demo_settings
    from smartlogistics.config import Settings
    from smartlogistics.hub.security import Authenticator, dev_signing_key, mint_token

    base = Settings(dev_key_path=tmp_path / "dev-key.pem", oidc_jwks=None)
    settings = demo_settings(base, 8123)
    assert (settings.host, settings.port) == ("127.0.0.1", 8123)
    token = mint_token("https://example.org/agents/me", key=dev_signing_key(settings))
    principal = Authenticator.from_settings(settings).authenticate(f"Bearer {token}")
    assert principal.agent_uri == "https://example.org/agents/me"
    # Configured OIDC keys are left alone.
    configured = Settings(oidc_jwks="/etc/keys.jwks", oidc_issuers=["https://idp.example"])
    assert demo_settings(configured, 8000).oidc_jwks == "/etc/keys.jwks"
    assert demo_settings(configured, 8000).oidc_issuers == ["https://idp.example"]
