"""The small hand-built planning region and orders that several planner tests share."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from smartlogistics.planner import Order

DATA = Path(__file__).resolve().parents[1] / "data" / "planner"
TZ = ZoneInfo("Europe/Amsterdam")
MON = datetime(2026, 3, 2, tzinfo=TZ)  # a Monday


def order(id: str, origin: str = "PRT", destination: str = "INL", **kw: Any) -> Order:
    """A 1 TEU, 10 t order released Monday 00:00, due 36 h later, unless ``kw`` says else."""
    data: dict[str, Any] = {
        "release": MON,
        "due": MON + timedelta(hours=36),
        "teu": 1,
        "tonnes": 10,
    }
    data.update(kw)
    return Order(id=id, origin=origin, destination=destination, **data)
