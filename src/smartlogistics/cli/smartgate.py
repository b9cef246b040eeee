"""``smartlogistics smartgate``: train, evaluate and demo data of the SmartGate risk model.

``train`` and ``evaluate`` read any CSV history (column names may contain spaces; repeat
``--exclude``/``--categorical``/``--numeric`` once per column); ``generate-history`` writes
the synthetic Schiphol history. pandas and LightGBM are imported inside the commands, so
``smartlogistics --help`` stays light. Bad input raises ``InvalidInputError`` and leaves
through :func:`smartlogistics.cli.app.run`: one line on stderr, exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from smartlogistics.cli._output import console, print_json
from smartlogistics.cli.region import JsonFlag

__all__ = ["smartgate_app"]

smartgate_app = typer.Typer(
    help="SmartGate Cargo: risk model training, evaluation and screening of air cargo.",
    no_args_is_help=True,
)


def _rates_table(title: str, report: dict[str, Any]) -> Table:
    table = Table(title=title)
    for column in ("rate", "inspected", "precision", "recall", "revenue"):
        table.add_column(column, justify="right")
    for row in report["at_rate"]:
        cells = [f"{row['rate']:.0%}", str(row["inspected"])]
        for key in ("precision", "recall", "revenue"):
            value = row.get(key)
            cells.append("" if value is None else f"{value:.3f}")
        table.add_row(*cells)
    auc = report.get("auc")
    table.caption = f"n={report['n']} positives={report['positives']} AUC=" + (
        "n/a" if auc is None else f"{auc:.4f}"
    )
    return table


@smartgate_app.command("train")
def train_command(
    data: Annotated[Path, typer.Option("--data", help="Training history (CSV with a header).")],
    label: Annotated[str, typer.Option("--label", help="Outcome column: 0/1 or boolean-like.")],
    out: Annotated[Path, typer.Option("--out", help="Model artifact directory to write.")],
    valid: Annotated[
        Path | None, typer.Option("--valid", help="Separate validation CSV (replaces the split).")
    ] = None,
    id_column: Annotated[str | None, typer.Option("--id", help="Row identifier column.")] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Date column: time-ordered validation.")
    ] = None,
    value: Annotated[
        str | None, typer.Option("--value", help="Value at stake (revenue metric; no feature).")
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="Column left out; repeatable.")
    ] = None,
    categorical: Annotated[
        list[str] | None, typer.Option("--categorical", help="Force a column to a code.")
    ] = None,
    numeric: Annotated[
        list[str] | None, typer.Option("--numeric", help="Force a column to a number.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of every random choice.")] = 0,
    as_json: JsonFlag = False,
) -> None:
    """Train the LightGBM risk model on a labelled history and write its artifact."""
    from smartlogistics.smartgate.model import ColumnSpec, file_sha256, read_table, train

    frame = read_table(data, field="--data")
    valid_frame = read_table(valid, field="--valid") if valid is not None else None
    spec = ColumnSpec(
        label=label,
        id=id_column,
        date=date,
        value=value,
        exclude=tuple(exclude or ()),
        categorical=tuple(categorical or ()),
        numeric=tuple(numeric or ()),
    )
    model = train(frame, spec, valid=valid_frame, seed=seed, data_sha256=file_sha256(data))
    model.save(out)
    payload = {
        "model": str(out),
        "version": model.version,
        "training_seconds": model.training_seconds,
        **{k: v for k, v in model.summary().items() if k != "version"},
    }
    if as_json:
        print_json(payload)
        return
    console.print(f"model {model.version} written to {out}")
    console.print(_rates_table("validation", model.metrics["validation"]))


@smartgate_app.command("evaluate")
def evaluate_command(
    model_dir: Annotated[Path, typer.Option("--model", help="Model artifact directory.")],
    data: Annotated[Path, typer.Option("--data", help="Labelled CSV to evaluate on.")],
    rates: Annotated[
        str, typer.Option("--rates", help="Inspection rates, comma-separated shares.")
    ] = "0.01,0.02,0.05,0.1",
    as_json: JsonFlag = False,
) -> None:
    """AUC and precision/recall/revenue at inspection rates on a labelled table."""
    from smartlogistics.smartgate.model import RiskModel, evaluate, parse_rates, read_table

    shares = parse_rates(rates, field="--rates")
    model = RiskModel.load(model_dir)
    report = evaluate(model, read_table(data, field="--data"), shares)
    if as_json:
        print_json(report)
        return
    console.print(_rates_table(f"{data.name} with model {model.version}", report))


@smartgate_app.command("generate-history")
def generate_history_command(
    n: Annotated[int, typer.Option("--n", help="Rows to generate.")],
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    seed: Annotated[int, typer.Option("--seed", help="Seed of every random draw.")] = 0,
    start: Annotated[str, typer.Option("--start", help="First day (YYYY-MM-DD).")] = "2024-01-01",
    as_json: JsonFlag = False,
) -> None:
    """Write a SYNTHETIC history of Schiphol import air cargo with planted risk patterns."""
    from datetime import date as date_type

    from smartlogistics.errors import InvalidInputError
    from smartlogistics.smartgate.history import generate_history, write_history_csv

    if n < 1:
        raise InvalidInputError("--n", f"must be at least 1, got {n}")
    try:
        first = date_type.fromisoformat(start)
    except ValueError:
        raise InvalidInputError("--start", f"must be a date YYYY-MM-DD, got {start!r}") from None
    frame = generate_history(n, seed=seed, start=first)
    write_history_csv(frame, out)
    payload = {
        "out": str(out),
        "rows": n,
        "positives": int(frame["label"].sum()),
        "seed": seed,
        "synthetic": True,
    }
    if as_json:
        print_json(payload)
        return
    console.print(f"{n} SYNTHETIC consignments ({payload['positives']} positive) written to {out}")
