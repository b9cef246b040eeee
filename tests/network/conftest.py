from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from smartlogistics.network import Region, load_region

DATA = Path(__file__).resolve().parents[1] / "data" / "network"


@pytest.fixture(scope="session")
def region() -> Region:
    return load_region("amsterdam")


@pytest.fixture
def minimal() -> dict[str, Any]:
    """A fresh, mutable copy of the minimal region file's contents."""
    with (DATA / "minimal.yaml").open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return copy.deepcopy(data)
