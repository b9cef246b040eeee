"""Shared fixtures: databases for the suites that need one.

``database`` runs a test against SQLite and against PostgreSQL. PostgreSQL is found through
``SMARTLOGISTICS_TEST_POSTGRES_URL`` (``.ci/run`` sets it); without it, or when the server
does not answer, the PostgreSQL variant is skipped on a developer machine — but under
``CI=true`` it fails instead, because CI must exercise the production database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from smartlogistics.db import make_engine

POSTGRES_ENV = "SMARTLOGISTICS_TEST_POSTGRES_URL"


def _postgres_or_skip() -> str:
    url = os.environ.get(POSTGRES_ENV)
    in_ci = os.environ.get("CI", "").lower() == "true"
    if not url:
        if in_ci:
            pytest.fail(f"{POSTGRES_ENV} is not set under CI=true; PostgreSQL tests must run")
        pytest.skip(f"{POSTGRES_ENV} not set")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database engine: a SQLite file, or a fresh schema on the test PostgreSQL."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        yield engine
        engine.dispose()
        return
    url = _postgres_or_skip()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # any connection failure means "no server"
        admin.dispose()
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL at {url} is not usable under CI=true: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
