from __future__ import annotations

from pathlib import Path

import pytest

from smartlogistics.design import DesignInstance, load_instance

DATA = Path(__file__).resolve().parents[1] / "data" / "design"


@pytest.fixture
def hand() -> DesignInstance:
    return load_instance(DATA / "hand.json")


@pytest.fixture
def infeasible() -> DesignInstance:
    return load_instance(DATA / "infeasible.json")
