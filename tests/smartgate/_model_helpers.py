"""Shared helpers of the risk-model tests: data paths, a small trained model, CLI runner."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from smartlogistics.cli import run
from smartlogistics.smartgate.model import ColumnSpec, RiskModel, read_table, train

DATA = Path(__file__).resolve().parents[1] / "data" / "smartgate"
HISTORY = DATA / "history_small.csv"
SPEC = ColumnSpec(label="label", id="id", date="date", value="value_at_stake")


@cache
def small_model() -> RiskModel:
    """A model trained once per session on the small synthetic history."""
    return train(read_table(HISTORY), SPEC, seed=3)


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as consignment-like dicts."""
    return [{str(k): v for k, v in row.items()} for row in df.to_dict("records")]


def run_cli(argv: list[str]) -> int:
    """The ``smartlogistics`` command in-process (``cli.run``), returning its exit code."""
    return run(argv)
