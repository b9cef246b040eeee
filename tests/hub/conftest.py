"""Shared fixtures of the hub tests (other hub helpers reuse them; names are stable).

Constants
    ``BASE`` (``https://1r.example.com``, the base URL of every test hub), ``AGENT_A``,
    ``AGENT_B``, ``AGENT_C`` (three logistics agent URIs), ``JSONLD`` (the request
    content type ``application/ld+json; version=2.3.0``).

Fixtures
    ``hub_keys_dir``
        Session-wide folder with the development signing key and its public JWKS.
    ``hub_settings``
        ``Settings`` in ``oidc`` mode trusting the development issuer and key, with the
        database of the ``database`` fixture (SQLite file or PostgreSQL schema).
    ``hub_app``
        ``create_hub_app(hub_settings, engine=database, base_url=BASE)``; runs on SQLite
        and on PostgreSQL (parametrised through ``database``).
    ``client``
        A ``TestClient`` of ``hub_app`` with its lifespan running (migrated database).
    ``hub_store``
        The app's :class:`~smartlogistics.hub.store.HubStore` (needs ``client``).
    ``agent_token(agent_uri) -> str``
        A valid bearer token for ``agent_uri`` (ES256, development key).
    ``auth(agent_uri) -> dict``
        Request headers ``Authorization``, ``Accept`` and ``Content-Type`` (JSON-LD 2.3.0)
        for ``agent_uri``.
    ``example(name) -> dict``
        A specification example from ``tests/data/hub/examples/`` (see its README).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from smartlogistics.config import Settings
from smartlogistics.db import upgrade
from smartlogistics.hub._keys import dev_key_paths
from smartlogistics.hub.app import create_hub_app
from smartlogistics.hub.security import DEV_ISSUER, dev_signing_key, mint_token
from smartlogistics.hub.store import HubStore

BASE = "https://1r.example.com"
AGENT_A = "https://1r.example.com/logistics-objects/agent-a"
AGENT_B = "https://partner.example.org/logistics-objects/agent-b"
AGENT_C = "https://third.example.net/logistics-objects/agent-c"
JSONLD = "application/ld+json; version=2.3.0"
EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "hub" / "examples"


@pytest.fixture(scope="session")
def hub_keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the development signing key (created once per session)."""
    folder = tmp_path_factory.mktemp("hub-keys")
    dev_signing_key(Settings(dev_key_path=folder / "dev-signing-key.pem"))
    return folder


def _key_settings(folder: Path) -> Settings:
    return Settings(dev_key_path=folder / "dev-signing-key.pem")


@pytest.fixture
def hub_settings(hub_keys_dir: Path, database: Engine) -> Settings:
    """Settings of a test hub: OIDC with the development issuer, the test database."""
    key_settings = _key_settings(hub_keys_dir)
    _, jwks = dev_key_paths(key_settings)
    return Settings(
        database_url=database.url.render_as_string(hide_password=False),
        auth="oidc",
        oidc_issuers=[DEV_ISSUER],
        oidc_jwks=str(jwks),
        dev_key_path=hub_keys_dir / "dev-signing-key.pem",
        hub_base_url=BASE,
        hub_data_holder=AGENT_A,
    )


@pytest.fixture
def hub_app(hub_settings: Settings, database: Engine) -> FastAPI:
    """The hub app on the test database (SQLite and PostgreSQL)."""
    return create_hub_app(hub_settings, engine=database, base_url=BASE)


@pytest.fixture
def client(hub_app: FastAPI) -> Iterator[TestClient]:
    """A test client with the app's lifespan running."""
    with TestClient(hub_app, base_url=BASE) as test_client:
        yield test_client


@pytest.fixture
def hub_store(client: TestClient, hub_app: FastAPI) -> HubStore:
    """The running app's store."""
    store: HubStore = hub_app.state.hub_store
    return store


@pytest.fixture
def agent_token(hub_keys_dir: Path) -> Callable[[str], str]:
    """Mint a token for an agent URI with the session's development key."""
    key = dev_signing_key(_key_settings(hub_keys_dir))

    def mint(agent_uri: str) -> str:
        return mint_token(agent_uri, key=key)

    return mint


@pytest.fixture
def auth(agent_token: Callable[[str], str]) -> Callable[[str], dict[str, str]]:
    """Headers for a JSON-LD request of an agent."""

    def headers(agent_uri: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {agent_token(agent_uri)}",
            "Accept": JSONLD,
            "Content-Type": JSONLD,
        }

    return headers


@pytest.fixture
def store(database: Engine) -> HubStore:
    """A store on the migrated database without an app, held by agent A."""
    upgrade(database)
    return HubStore(database, base_url=BASE, data_holder=AGENT_A)


def piece() -> Any:
    """The specification's ``Piece.json`` example, freshly loaded."""
    return json.loads((EXAMPLES / "Piece.json").read_text(encoding="utf-8"))


@pytest.fixture
def example() -> Callable[[str], Any]:
    """Load a specification example by file name."""

    def load(name: str) -> Any:
        return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))

    return load
