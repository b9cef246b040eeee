"""The board's take-away: one self-contained HTML report, and every table as CSV.

:func:`render_report` draws the page data of :mod:`smartlogistics.insight.pages` into
one HTML file: the summary sentences, each chart (Plotly, units on the axes), each table
and the assumptions behind the numbers. The Plotly library is inlined from the installed
``plotly`` wheel (:func:`plotly.offline.get_plotlyjs`), so the file opens offline and
fetches nothing: no ``<script src>`` or ``<link href>`` points anywhere. Plotly is
imported here only, on use. :func:`write_csv_tables` writes each table of each page to
``<page>-<table>.csv`` with units in the header (``gap_end [persons]``).
"""

from __future__ import annotations

import csv
import html
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["MODE_COLOURS", "chart_figure", "render_report", "write_csv_tables", "write_report"]

#: Colours per mode, the same as the dashboard's (``web/_theme.py``).
MODE_COLOURS = {
    "road": "#d1495b",
    "barge": "#2e86ab",
    "rail": "#6a4c93",
    "air": "#edae49",
    "sea": "#00798c",
}

_PALETTE = (
    "#2e86ab",
    "#d1495b",
    "#edae49",
    "#6a4c93",
    "#00798c",
    "#66a182",
    "#8d6a9f",
    "#f4a259",
)

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #1d2733; background: #f5f7fa; }
header { background: #0f2a44; color: #fff; padding: 24px 40px; }
header h1 { margin: 0 0 4px 0; font-size: 26px; }
header p { margin: 0; opacity: .8; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 40px 48px; }
section { background: #fff; border-radius: 8px; padding: 20px 24px; margin: 20px 0;
          box-shadow: 0 1px 3px rgba(0,0,0,.08); }
h2 { margin-top: 0; color: #0f2a44; }
h3 { color: #0f2a44; margin: 24px 0 8px; font-size: 16px; }
ul.summary li { margin: 4px 0; }
.notes { color: #4a5a6a; font-size: 14px; }
.chart { width: 100%; height: 420px; margin: 12px 0 24px; }
.table-wrap { max-height: 420px; overflow: auto; border: 1px solid #e3e8ee; border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: 6px 10px; border-bottom: 1px solid #eef1f4; text-align: left;
         vertical-align: top; }
th { background: #f0f3f7; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status-on { color: #1b7f4b; font-weight: 600; }
.status-off { color: #b3261e; font-weight: 600; }
.status-none { color: #6b7785; }
details summary { cursor: pointer; color: #0f2a44; font-weight: 600; margin: 8px 0; }
nav a { color: #fff; margin-right: 18px; }
"""


def _axis_title(axis: dict[str, Any]) -> str:
    unit = axis.get("unit")
    return f"{axis['label']} ({unit})" if unit else str(axis["label"])


def chart_figure(chart: dict[str, Any]) -> dict[str, Any]:
    """Return the Plotly figure (``data`` and ``layout``) of one page-data chart."""
    kind = chart["kind"]
    traces = []
    for i, series in enumerate(chart["series"]):
        colour = MODE_COLOURS.get(series["name"], _PALETTE[i % len(_PALETTE)])
        if kind == "line":
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": series["name"],
                    "x": series["x"],
                    "y": series["y"],
                    "line": {"color": colour},
                }
            )
        else:
            traces.append(
                {
                    "type": "bar",
                    "name": series["name"],
                    "x": series["x"],
                    "y": series["y"],
                    "marker": {"color": colour},
                }
            )
    layout = {
        "title": {"text": chart["title"]},
        "xaxis": {"title": {"text": _axis_title(chart["x"])}, "type": "category"},
        "yaxis": {"title": {"text": _axis_title(chart["y"])}, "rangemode": "tozero"},
        "barmode": "stack" if kind == "stacked_bar" else "group",
        "legend": {"orientation": "h", "y": -0.25},
        "margin": {"t": 60, "l": 70, "r": 20, "b": 110},
        "paper_bgcolor": "#fff",
        "plot_bgcolor": "#fff",
    }
    return {"data": traces, "layout": layout}


def _cell(value: Any, key: str) -> str:
    if value is None:
        return '<td class="num">-</td>'
    if isinstance(value, bool):
        return f"<td>{value}</td>"
    if isinstance(value, int) and key in {"year", "peak_year", "first_year", "target_year", "rank"}:
        return f'<td class="num">{value}</td>'
    if isinstance(value, int | float):
        return (
            f'<td class="num">{value:,.6g}</td>'
            if abs(value) < 1e6
            else f'<td class="num">{value:,.0f}</td>'
        )
    if key == "status":
        css = {"on track": "status-on", "off track": "status-off"}.get(str(value), "status-none")
        return f'<td class="{css}">{html.escape(str(value))}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def _table_html(table: dict[str, Any]) -> str:
    head = "".join(
        f"<th>{html.escape(c['label'])}"
        + (f" ({html.escape(c['unit'])})" if c["unit"] else "")
        + "</th>"
        for c in table["columns"]
    )
    body = "".join(
        "<tr>" + "".join(_cell(row.get(c["key"]), c["key"]) for c in table["columns"]) + "</tr>"
        for row in table["rows"]
    )
    return (
        f'<h3 id="table-{html.escape(table["id"])}">{html.escape(table["title"])}</h3>'
        f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _page_html(page: dict[str, Any], figures: list[tuple[str, dict[str, Any]]]) -> str:
    parts = [f'<section id="{html.escape(page["page"])}"><h2>{html.escape(page["title"])}</h2>']
    parts.append('<ul class="summary">')
    parts += [f"<li>{html.escape(s)}</li>" for s in page["summary"]]
    parts.append("</ul>")
    for chart in page["charts"]:
        div = f"chart-{page['page']}-{chart['id']}"
        figures.append((div, chart_figure(chart)))
        parts.append(f'<div class="chart" id="{html.escape(div)}"></div>')
    for table in page["tables"]:
        parts.append(_table_html(table))
    parts.append('<div class="notes"><h3>How these numbers were made</h3><ul>')
    parts += [f"<li>{html.escape(n)}</li>" for n in page["notes"]]
    parts.append("</ul></div>")
    columns = [
        {"key": "table", "label": "Table", "unit": None},
        {"key": "item", "label": "Item", "unit": None},
        {"key": "value", "label": "Value", "unit": None},
        {"key": "source", "label": "Source or assumption", "unit": None},
    ]
    assumptions = {
        "id": f"{page['page']}-assumptions",
        "title": "Assumptions and sources",
        "columns": columns,
        "rows": page["assumptions"],
    }
    parts.append(
        f"<details open><summary>Assumptions and sources ({len(page['assumptions'])})"
        f"</summary>{_table_html(assumptions)}</details>"
    )
    parts.append("</section>")
    return "".join(parts)


def _script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def render_report(
    pages: Sequence[dict[str, Any]],
    *,
    title: str = "Smart Logistics Amsterdam — labour market, programme KPIs and sectors",
    generated: datetime | None = None,
) -> str:
    """Return the report as one self-contained HTML document.

    Parameters
    ----------
    pages
        Page data from :func:`~smartlogistics.insight.pages.labour_page_data`,
        :func:`~smartlogistics.insight.pages.kpi_page_data` and
        :func:`~smartlogistics.insight.pages.sector_page_data`, in the order shown.
    title
        The report's heading.
    generated
        Timestamp printed under the heading (default: now, UTC).
    """
    from plotly.offline import get_plotlyjs  # type: ignore[import-untyped]

    when = (generated or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    figures: list[tuple[str, dict[str, Any]]] = []
    body = "".join(_page_html(page, figures) for page in pages)
    nav = "".join(
        f'<a href="#{html.escape(p["page"])}">{html.escape(p["title"].split(":")[0])}</a>'
        for p in pages
    )
    draw = "".join(
        f"Plotly.newPlot({_script_json(div)}, {_script_json(fig['data'])},"
        f" {_script_json(fig['layout'])}, {{responsive: true, displaylogo: false}});\n"
        for div, fig in figures
    )
    js = get_plotlyjs().replace("</script", "<\\/script")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style>"
        f"<script>{js}</script></head><body>"
        f"<header><h1>{html.escape(title)}</h1><p>Generated {when}. Every number outside"
        " the region facts is an assumption; each page lists them.</p>"
        f"<nav>{nav}</nav></header><main>{body}</main>"
        f"<script>\n{draw}</script></body></html>\n"
    )


def write_report(path: str | Path, pages: Sequence[dict[str, Any]], **kwargs: Any) -> Path:
    """Write :func:`render_report` to ``path`` (UTF-8, folder created) and return it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_report(pages, **kwargs), encoding="utf-8")
    return target


def write_csv_tables(folder: str | Path, pages: Sequence[dict[str, Any]]) -> list[Path]:
    """Write every table (and each page's assumptions) as ``<page>-<table>.csv``.

    Headers are the column keys with the unit in brackets (``gap_end [persons]``), so
    the files read back into the insight loaders' conventions.

    Returns
    -------
    list of Path
        The files written, in page and table order.
    """
    out_dir = Path(folder)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for page in pages:
        tables = [
            *page["tables"],
            {
                "id": "assumptions",
                "columns": [{"key": k, "unit": None} for k in ("table", "item", "value", "source")],
                "rows": page["assumptions"],
            },
        ]
        for table in tables:
            path = out_dir / f"{page['page']}-{table['id']}.csv"
            with path.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(
                    c["key"] + (f" [{c['unit']}]" if c["unit"] else "") for c in table["columns"]
                )
                for row in table["rows"]:
                    writer.writerow(
                        "" if row.get(c["key"]) is None else row[c["key"]] for c in table["columns"]
                    )
            written.append(path)
    return written
