"""``smartlogistics insight``: labour market, programme KPIs, sector insight and the report.

``labour`` runs the labour market model (``--scenario`` overrides named parameters,
``--table NAME=FILE`` replaces a default table with an analyst's CSV, ``--volumes`` gives
annual volumes per segment); ``kpis`` assesses the programme's targets against series
files and the labour model's projection; ``sectors`` classifies shipments into the seven
sectors; ``report`` writes the self-contained HTML report (and ``--csv-dir`` every table).

Without ``--input``, ``sectors`` and ``report`` analyse a generated, seeded sample: import
air cargo from SmartGate's synthetic history, converted to shipments by
:mod:`smartlogistics.bridges.sectors` (the insight package does not know SmartGate).
Bad input leaves as one line on stderr, exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from smartlogistics.bridges.sectors import SAMPLE_SEED, SAMPLE_SIZE, sample_shipments
from smartlogistics.cli._output import console, print_json
from smartlogistics.cli.region import JsonFlag
from smartlogistics.errors import InvalidInputError

if TYPE_CHECKING:
    from smartlogistics.insight import LabourResult, Scenario, Shipment

__all__ = ["insight_app"]

insight_app = typer.Typer(
    help="Labour market, programme KPIs and sector insight; the board's report.",
    no_args_is_help=True,
)

ScenarioOpt = Annotated[
    Path | None, typer.Option("--scenario", help="Scenario file (YAML/JSON) of named overrides.")
]
TableOpt = Annotated[
    list[str] | None,
    typer.Option("--table", help="NAME=FILE: replace a default table by a CSV; repeatable."),
]
VolumesOpt = Annotated[
    Path | None,
    typer.Option("--volumes", help="Annual volumes per segment (CSV: segment,volume,unit)."),
]
SeriesOpt = Annotated[
    list[Path] | None,
    typer.Option("--series", help="KPI series file (indicator,period,value,unit,source)."),
]
InputOpt = Annotated[
    Path | None,
    typer.Option("--input", help="Shipments table (CSV/JSON); default: a generated sample."),
]
ByOpt = Annotated[
    str | None, typer.Option("--by", help="Trend per year, quarter or month (default: finest).")
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the generated sample.")]
SizeOpt = Annotated[int, typer.Option("--sample-size", help="Shipments in the generated sample.")]


def _tables(specs: list[str] | None) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for spec in specs or []:
        name, sep, file = spec.partition("=")
        if not sep or not name.strip() or not file.strip():
            raise InvalidInputError("--table", f"expected NAME=FILE, not {spec!r}")
        if name.strip() in out:
            raise InvalidInputError("--table", f"table {name.strip()!r} given twice")
        out[name.strip()] = Path(file.strip())
    return out


def _labour(
    scenario_file: Path | None, tables: list[str] | None, volumes: Path | None
) -> LabourResult:
    from smartlogistics.insight import (
        Scenario,
        default_labour_data,
        load_labour_tables,
        load_scenario,
        project_labour,
        read_volumes,
    )

    named = _tables(tables)
    data = load_labour_tables(named) if named else default_labour_data()
    scenario: Scenario = load_scenario(scenario_file) if scenario_file else Scenario()
    if volumes is not None:
        scenario = scenario.model_copy(
            update={"volumes": {**scenario.volumes, **read_volumes(volumes, data)}}
        )
    return project_labour(data, scenario)


def _sample_note(n: int, seed: int) -> str:
    return (
        f"No --input given: a generated sample of {n:,} SYNTHETIC import air cargo"
        f" consignments at Schiphol (SmartGate history generator, seed {seed}); lead times,"
        " clearance times and CO2e are assumptions (see docs/insight.md)."
    )


def _shipments(path: Path | None, n: int, seed: int) -> tuple[list[Shipment], dict[str, Any]]:
    from smartlogistics.insight import read_shipments

    if path is not None:
        return read_shipments(path), {"kind": "file", "file": str(path)}
    if n < 1:
        raise InvalidInputError("--sample-size", f"must be at least 1, got {n}")
    return sample_shipments(n, seed), {
        "kind": "sample", "size": n, "seed": seed, "note": _sample_note(n, seed),
    }  # fmt: skip


def _by(value: str | None) -> Any:
    if value is not None and value not in ("year", "quarter", "month", "day"):
        raise InvalidInputError("--by", f"expected year, quarter, month or day, not {value!r}")
    return value


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


@insight_app.command("labour")
def labour_command(
    scenario: ScenarioOpt = None,
    table: TableOpt = None,
    volumes: VolumesOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Labour demand, supply and gaps per occupation 2026-2040, and the bottlenecks."""
    from smartlogistics.insight import labour_page_data

    result = _labour(scenario, table, volumes)
    if as_json:
        print_json(result.to_json())
        return
    page = labour_page_data(result)
    for line in page["summary"]:
        console.print(line)
    out = Table(title=f"Bottlenecks (scenario {result.scenario.name!r})")
    for col in ("rank", "occupation", f"gap {result.data.end_year}", "share", "first year",
                "difficulty", "score"):  # fmt: skip
        out.add_column(col, justify="right" if col not in ("occupation",) else "left")
    for b in result.bottlenecks:
        out.add_row(str(b.rank), b.name, f"{b.gap_end:,.0f}", f"{100 * b.gap_share_end:.1f} %",
                    _fmt(b.first_year), f"{b.difficulty:.2f}", f"{b.score:.3f}")  # fmt: skip
    console.print(out)


@insight_app.command("kpis")
def kpis_command(
    series: SeriesOpt = None,
    scenario: ScenarioOpt = None,
    table: TableOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Progress against the programme's targets (series files + the labour projection)."""
    from smartlogistics.insight import assess_kpis, labour_observations, read_observations

    observations = [obs for path in series or [] for obs in read_observations(path)]
    observations += labour_observations(_labour(scenario, table, None))
    report = assess_kpis(observations)
    if as_json:
        print_json(report.to_json())
        return
    out = Table(title="Programme KPIs")
    for col in ("indicator", "status", "latest", "period", "required now", "target", "by"):
        out.add_column(col)
    for p in report.progress:
        ind = p.indicator
        latest = f"{p.latest.value:,.2f} {ind.unit}" if p.latest else "-"
        period = p.latest.period if p.latest else "-"
        target = _fmt(p.target_value, 2)
        out.add_row(ind.name, p.status, latest, period, _fmt(p.required, 2), target,
                    _fmt(ind.target_year))  # fmt: skip
    console.print(out)
    if not series:
        console.print("No --series given: only the labour model's projection is assessed.")


@insight_app.command("sectors")
def sectors_command(
    input_file: InputOpt = None,
    by: ByOpt = None,
    sample_size: SizeOpt = SAMPLE_SIZE,
    seed: SeedOpt = SAMPLE_SEED,
    as_json: JsonFlag = False,
) -> None:
    """Shipments per sector: volumes by mode and node, lead and clearance times, CO2e."""
    from smartlogistics.insight import analyse_sectors

    shipments, source = _shipments(input_file, sample_size, seed)
    report = analyse_sectors(shipments, by=_by(by))
    if as_json:
        print_json({"input": source, **report.to_json()})
        return
    if source["kind"] == "sample":
        console.print(source["note"])
    out = Table(title=f"Sectors ({len(shipments):,} shipments, trend per {report.granularity})")
    for col in ("sector", "shipments", "t", "lead h (median)", "clearance min (median)",
                "kg CO2e/t"):  # fmt: skip
        out.add_column(col, justify="left" if col == "sector" else "right")
    for s in report.sectors:
        out.add_row(s.sector, f"{s.shipments:,}", f"{s.tonnes:,.1f}", _fmt(s.lead_time_median_h),
                    _fmt(s.clearance_median_min), _fmt(s.co2e_kg_per_t))  # fmt: skip
    console.print(out)


@insight_app.command("report")
def report_command(
    out: Annotated[Path, typer.Option("--out", help="HTML file to write.")],
    csv_dir: Annotated[
        Path | None, typer.Option("--csv-dir", help="Also write every table as CSV here.")
    ] = None,
    scenario: ScenarioOpt = None,
    table: TableOpt = None,
    volumes: VolumesOpt = None,
    series: SeriesOpt = None,
    input_file: InputOpt = None,
    by: ByOpt = None,
    sample_size: SizeOpt = SAMPLE_SIZE,
    seed: SeedOpt = SAMPLE_SEED,
    as_json: JsonFlag = False,
) -> None:
    """Write the self-contained HTML report (labour, KPIs, sectors) and the CSV tables."""
    from smartlogistics.insight import (
        kpi_page_data,
        labour_page_data,
        read_observations,
        sector_page_data,
    )
    from smartlogistics.insight.report import write_csv_tables, write_report

    labour = _labour(scenario, table, volumes)
    observations = [obs for path in series or [] for obs in read_observations(path)]
    shipments, source = _shipments(input_file, sample_size, seed)
    pages = [
        labour_page_data(labour),
        kpi_page_data(observations, labour=labour),
        sector_page_data(shipments, by=_by(by), data_note=source.get("note")),
    ]
    written = write_report(out, pages)
    csvs = [str(p) for p in write_csv_tables(csv_dir, pages)] if csv_dir else []
    if as_json:
        charts = sum(len(p["charts"]) for p in pages)
        print_json({"report": str(written), "charts": charts, "csv": csvs, "input": source})
        return
    console.print(f"report written to {written}")
    if csvs:
        console.print(f"{len(csvs)} CSV tables written to {csv_dir}")
