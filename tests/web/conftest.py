"""Fixtures of the web tests: the app on the ``database`` fixture's SQLite or PostgreSQL."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text

from smartlogistics.config import Settings
from smartlogistics.web import create_app

with warnings.catch_warnings():  # starlette suggests httpx2; the platform tests on httpx
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

__all__ = ["MakeClient", "TestClient", "database_url", "settings_for"]


def database_url(engine: Engine) -> str:
    """The URL of the fixture's database, PostgreSQL's test schema included."""
    url = engine.url
    if url.get_backend_name() == "postgresql":
        with engine.connect() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def settings_for(engine: Engine, **changes: Any) -> Settings:
    """Settings that point the app at the fixture's database (no ``.env`` file read)."""
    return Settings(_env_file=None, database_url=database_url(engine), **changes)


MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(database: Engine) -> Iterator[MakeClient]:
    """Start the app (lifespan run) with settings changes; stopped after the test."""
    clients: list[TestClient] = []

    def make(**changes: Any) -> TestClient:
        client = TestClient(create_app(settings_for(database, **changes)))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    """The app with default settings (rules only) on the fixture's database."""
    return make_client()
