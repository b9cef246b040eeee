"""``smartlogistics smartgate``: train, evaluate and demo data of the SmartGate risk model.

``train`` and ``evaluate`` read any CSV history (column names may contain spaces; repeat
``--exclude``/``--categorical``/``--numeric`` once per column); ``generate-history`` writes
the synthetic Schiphol history. pandas and LightGBM are imported inside the commands, so
``smartlogistics --help`` stays light. Bad input raises ``InvalidInputError`` and leaves
through :func:`smartlogistics.cli.app.run`: one line on stderr, exit code 2.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from smartlogistics.cli._output import console, print_json
from smartlogistics.cli.region import JsonFlag
from smartlogistics.errors import InvalidInputError

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


# -- screening and the decision log ---------------------------------------------------------


@contextmanager
def _decision_log() -> Iterator[Any]:
    """Yield the decision log of SMARTLOGISTICS_DATABASE_URL, migrated to the newest schema.

    A database failure (unreachable, locked, read-only, not migratable) leaves as one line
    naming ``database`` (exit code 2); the engine is disposed afterwards.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from smartlogistics.config import get_settings
    from smartlogistics.db import DecisionLog, make_engine, upgrade

    url = get_settings().database_url
    try:
        engine = make_engine(url)
    except OSError as exc:  # the SQLite file's folder cannot be made
        raise InvalidInputError("database", f"cannot create the database: {exc}") from None
    try:
        upgrade(engine)
        yield DecisionLog(engine)
    except SQLAlchemyError as exc:
        cause = getattr(exc, "orig", None) or exc
        first = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
        raise InvalidInputError("database", f"{type(cause).__name__}: {first}") from None
    finally:
        engine.dispose()


@smartgate_app.command("screen")
def screen_command(
    data: Annotated[
        Path, typer.Option("--data", help="Consignments: .csv (one per row) or .json.")
    ],
    model_dir: Annotated[
        Path | None,
        typer.Option("--model", help="Model artifact directory; without it, rules only."),
    ] = None,
    capacity_share: Annotated[
        float, typer.Option("--capacity-share", help="Share of the batch inspectors can take.")
    ] = 0.02,
    log: Annotated[
        bool,
        typer.Option("--log", help="Append the decisions to the decision log (database)."),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Screen a batch of consignments: one decision (lane, CSN code, score, reasons) each."""
    from smartlogistics.smartgate.capacity import CapacityThreshold
    from smartlogistics.smartgate.consignment_io import read_consignments
    from smartlogistics.smartgate.rules import RuleSet
    from smartlogistics.smartgate.screening import Screener

    try:
        capacity = CapacityThreshold(capacity_share)
    except InvalidInputError as exc:
        raise InvalidInputError("--capacity-share", exc.problem) from None
    consignments = read_consignments(data)
    model = None
    if model_dir is not None:
        from smartlogistics.smartgate.model import RiskModel

        model = RiskModel.load(model_dir)
    decisions = Screener(RuleSet.default(), model, capacity).screen_batch(consignments)
    payload = [d.to_json() for d in decisions]
    if log:
        with _decision_log() as decision_log:  # one transaction for the whole batch
            ids = decision_log.append(payload, [c.to_record() for c in consignments])
        payload = [{"id": i, **d} for i, d in zip(ids, payload, strict=True)]
    if as_json:
        print_json(payload)
        return
    table = Table(title=f"{len(decisions)} decisions" + (" (logged)" if log else ""))
    for column in ("consignment", "lane", "code", "score", "decided by", "first reason"):
        table.add_column(column)
    for d in decisions:
        acting = [h for h in d.hits if h.outcome.value != "none"] or list(d.hits)
        first = acting[0].message if acting else ""
        score = "" if d.score is None else f"{d.score:.3f}"
        table.add_row(
            d.consignment_id, d.lane.value, d.status_code, score, ", ".join(d.decided_by), first
        )
    console.print(table)


_OUTCOME_COLUMNS = ("decision_id", "illicit", "value_at_stake", "agency", "notes", "inspected_at")
_TRUE = frozenset({"1", "true", "yes", "y", "t"})
_FALSE = frozenset({"0", "false", "no", "n", "f"})


def _read_outcomes(path: Path) -> list[dict[str, Any]]:
    """Validate every row of an outcomes CSV before anything is recorded."""
    import csv
    from datetime import datetime

    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInputError("--data", f"no such file: {str(path)!r}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError("--data", f"cannot read {str(path)!r}: {exc}") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [c.strip() for c in next(reader)]
    except StopIteration:
        raise InvalidInputError("--data", f"{str(path)!r} is empty") from None
    for column in header:
        if column not in _OUTCOME_COLUMNS:
            raise InvalidInputError(
                "columns",
                f"unknown column {column!r} (line 1); known: {', '.join(_OUTCOME_COLUMNS)}",
            )
    for required in ("decision_id", "illicit"):
        if required not in header:
            raise InvalidInputError("columns", f"missing required column {required!r} (line 1)")
    if len(set(header)) != len(header):
        raise InvalidInputError("columns", "a column is given twice (line 1)")
    rows: list[dict[str, Any]] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            line = reader.line_num
            where = f"outcomes[{len(rows)}]"
            if len(cells) != len(header):
                raise InvalidInputError(
                    where, f"line {line}: {len(cells)} cells under {len(header)} columns"
                )
            raw = {k: v.strip() for k, v in zip(header, cells, strict=True) if v.strip()}
            if "decision_id" not in raw:
                raise InvalidInputError(f"{where}.decision_id", f"line {line}: missing")
            flag = raw.get("illicit", "").lower()
            if flag not in _TRUE | _FALSE:
                raise InvalidInputError(
                    f"{where}.illicit",
                    f"line {line}: expected 1/0, true/false or yes/no, not {raw.get('illicit')!r}",
                )
            row: dict[str, Any] = {
                "decision_id": raw["decision_id"],
                "illicit": flag in _TRUE,
                "value_at_stake": None,
                "agency": raw.get("agency"),
                "notes": raw.get("notes"),
                "inspected_at": None,
            }
            if "value_at_stake" in raw:
                try:
                    value = float(raw["value_at_stake"])
                except ValueError:
                    value = float("nan")
                if not (value >= 0 and value != float("inf")):
                    raise InvalidInputError(
                        f"{where}.value_at_stake",
                        f"line {line}: expected a number >= 0, not {raw['value_at_stake']!r}",
                    )
                row["value_at_stake"] = value
            if "inspected_at" in raw:
                try:
                    moment = datetime.fromisoformat(raw["inspected_at"])
                except ValueError:
                    moment = None
                if moment is None or moment.tzinfo is None:
                    raise InvalidInputError(
                        f"{where}.inspected_at",
                        f"line {line}: expected ISO 8601 with a UTC offset,"
                        f" not {raw['inspected_at']!r}",
                    )
                row["inspected_at"] = moment
            row["line"] = line
            rows.append(row)
    except csv.Error as exc:
        raise InvalidInputError("--data", f"line {reader.line_num}: {exc}") from None
    if not rows:
        raise InvalidInputError("--data", f"{str(path)!r} holds no outcomes")
    return rows


@smartgate_app.command("outcomes")
def outcomes_command(
    data: Annotated[
        Path,
        typer.Option(
            "--data",
            help="CSV: decision_id, illicit[, value_at_stake, agency, notes, inspected_at].",
        ),
    ],
    as_json: JsonFlag = False,
) -> None:
    """Record inspection outcomes against logged decisions (all rows checked first)."""
    rows = _read_outcomes(data)
    with _decision_log() as decision_log:
        for i, row in enumerate(rows):  # every decision must exist before one is recorded
            if decision_log.get(row["decision_id"]) is None:
                raise InvalidInputError(
                    f"outcomes[{i}].decision_id",
                    f"line {row['line']}: no decision {row['decision_id']!r} in the log",
                )
        recorded = decision_log.record_outcomes(  # one transaction: all rows or none
            [{k: v for k, v in row.items() if k != "line"} for row in rows]
        )
    payload = {
        "recorded": len(recorded),
        "illicit": sum(1 for r in recorded if r["illicit"]),
        "outcomes": recorded,
    }
    if as_json:
        print_json(payload)
        return
    console.print(f"{payload['recorded']} outcomes recorded ({payload['illicit']} illicit)")


def _since(text: str | None) -> Any:
    from datetime import UTC, date, datetime

    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
        except ValueError:
            raise InvalidInputError(
                "--since", f"expected an ISO 8601 date or time, not {text!r}"
            ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@smartgate_app.command("report")
def report_command(
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only decisions from then (ISO 8601; no offset = UTC)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Lanes, inspection rate, precision and recall of the logged decisions."""
    start = _since(since)
    with _decision_log() as decision_log:
        report = decision_log.report(since=start)
    if as_json:
        print_json(report)
        return
    table = Table(title="SmartGate decisions" + (f" since {start.isoformat()}" if start else ""))
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in report.items():
        if key == "lanes":
            for lane, count in value.items():
                table.add_row(f"lane {lane}", str(count))
        else:
            table.add_row(key, "n/a" if value is None else f"{value:.4g}")
    console.print(table)


@smartgate_app.command("retrain")
def retrain_command(
    out: Annotated[Path, typer.Option("--out", help="Model artifact directory to write.")],
    base_model: Annotated[
        Path | None,
        typer.Option("--base-model", help="Model whose column spec to keep (default spec else)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of every random choice.")] = 0,
    as_json: JsonFlag = False,
) -> None:
    """Train a new risk model on the decision log's decisions with inspection outcomes."""
    from smartlogistics.smartgate.learning import retrain

    base = None
    if base_model is not None:
        from smartlogistics.smartgate.model import RiskModel

        base = RiskModel.load(base_model)
    with _decision_log() as decision_log:
        rows = decision_log.labelled_history()
    model = retrain(rows, base=base, seed=seed)
    model.save(out)
    payload = {
        "model": str(out),
        "version": model.version,
        "rows": len(rows),
        "positives": sum(int(r["label"]) for r in rows),
        "base_model": base.version if base is not None else None,
        "training_seconds": model.training_seconds,
        **{k: v for k, v in model.summary().items() if k != "version"},
    }
    if as_json:
        print_json(payload)
        return
    console.print(
        f"model {model.version} trained on {len(rows)} logged decisions, written to {out}"
    )
    console.print(_rates_table("validation", model.metrics["validation"]))
