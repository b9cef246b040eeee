from __future__ import annotations

from pathlib import Path

import pytest

from smartlogistics.emissions import FactorTable, load_default_factors

DATA = Path(__file__).resolve().parents[1] / "data" / "emissions"


@pytest.fixture(scope="session")
def table() -> FactorTable:
    return load_default_factors()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA
