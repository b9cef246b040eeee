"""Shared helpers of the risk-model tests: data paths, a small trained model, CLI runner."""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import typer

from smartlogistics.cli.smartgate import smartgate_app
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
    """The sub-app through the platform's error boundary (``cli.app.run``)."""
    app_module = importlib.import_module("smartlogistics.cli.app")
    root = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    root.add_typer(smartgate_app, name="smartgate")
    saved = app_module.app
    app_module.app = root  # type: ignore[attr-defined]
    try:
        code: int = app_module.run(argv)
        return code
    finally:
        app_module.app = saved  # type: ignore[attr-defined]
