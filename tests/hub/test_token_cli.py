"""``smartlogistics hub token``: development tokens from the command line."""

from __future__ import annotations

import importlib
import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import jwt
import pytest

from smartlogistics.config import get_settings
from smartlogistics.hub._keys import JwksFile
from smartlogistics.hub.security import DEV_ISSUER, TokenVerifier
from tests._cli import cli_error, cli_json

# the module, not the Typer object that ``smartlogistics.cli`` re-exports under that name
cli_app = importlib.import_module("smartlogistics.cli.app")

AGENT = "https://1r.example.com/logistics-objects/agent-1"


@pytest.fixture(autouse=True)
def dev_var(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Keep the development signing key of each test in its own ``var`` folder."""
    monkeypatch.setenv("SMARTLOGISTICS_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("SMARTLOGISTICS_DEV_KEY_PATH", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_token_prints_a_token_that_verifies(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = cli_app.run(["hub", "token", "--agent", AGENT])
    out = capsys.readouterr()
    assert code == 0, out.err
    token = out.out.strip()
    assert out.out == token + "\n"
    key_path = tmp_path / "var" / "hub" / "dev-signing-key.pem"
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    verifier = TokenVerifier(
        JwksFile(key_path.with_name("dev-signing-key.jwks.json")), issuers=[DEV_ISSUER]
    )
    principal = verifier.verify(token)
    assert principal.agent_uri == AGENT
    assert principal.expires_at is not None
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 3600


def test_token_json(capsys: pytest.CaptureFixture[str]) -> None:
    payload = cli_json(capsys, ["hub", "token", "--agent", AGENT, "--ttl", "60", "--json"])
    assert set(payload) == {"token", "expires_at", "agent"}
    assert payload["agent"] == AGENT
    claims = jwt.decode(payload["token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 60
    assert payload["expires_at"].endswith("Z")
    expires = datetime.fromisoformat(payload["expires_at"].replace("Z", "+00:00"))
    assert expires.timestamp() == claims["exp"]


def test_the_key_is_reused(capsys: pytest.CaptureFixture[str]) -> None:
    first = cli_json(capsys, ["hub", "token", "--agent", AGENT, "--json"])["token"]
    second = cli_json(capsys, ["hub", "token", "--agent", AGENT, "--json"])["token"]
    assert jwt.get_unverified_header(first)["kid"] == jwt.get_unverified_header(second)["kid"]


@pytest.mark.parametrize("agent", ["not-a-uri", "urn:x:y", "ftp://h/a", "https://"])
def test_bad_agent_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], agent: str) -> None:
    line = cli_error(capsys, ["hub", "token", "--agent", agent])
    assert "--agent" in line
    assert "http(s)" in line


@pytest.mark.parametrize("ttl", ["0", "-5"])
def test_non_positive_ttl_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], ttl: str
) -> None:
    line = cli_error(capsys, ["hub", "token", "--agent", AGENT, "--ttl", ttl])
    assert "--ttl" in line
    assert "greater than 0" in line


def test_missing_agent_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    line = cli_error(capsys, ["hub", "token"])
    assert "--agent" in line
