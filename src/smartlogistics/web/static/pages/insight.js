/* Insight pages (labour market, programme KPIs, sectors): one renderer for the insight
 * package's page data — summary sentences, charts with labelled axes and units, tables,
 * notes and the assumptions behind every number (docs/insight.md). */
(function () {
  "use strict";
  const { el, fmt, theme } = SLA;
  const PALETTE = ["#2e86ab", "#d1495b", "#edae49", "#6a4c93", "#2a9d8f", "#00798c", "#8d99ae", "#c2185b", "#3d5a80", "#7a8794"];
  const LONG_TABLE = 30;

  function decimals(value) {
    if (Number.isInteger(value)) return 0;
    const text = String(value);
    const dot = text.indexOf(".");
    return dot < 0 ? 0 : Math.min(3, text.length - dot - 1);
  }

  /** Format a table cell: numbers with separators (years and periods as they are). */
  function cell(column, value) {
    if (value === null || value === undefined) return "–";
    if (typeof value === "number") {
      if (/year$|period$/.test(column.key)) return String(value);
      return fmt(value, decimals(value));
    }
    if (column.key === "status") return el("span", { class: `status ${String(value).replace(/\s+/g, "-")}` }, value);
    return String(value);
  }

  function colourFor(name, i) {
    const mode = Object.entries(theme.modes).find(([key, m]) => m.label.toLowerCase() === String(name).toLowerCase() || key === name);
    return mode ? mode[1].colour : PALETTE[i % PALETTE.length];
  }

  /** Axis title with its unit; a long label repeating the chart's title gives way to the unit. */
  function axisTitle(axis, title) {
    const label = axis.label.length > 28 && title.startsWith(axis.label.slice(0, 20)) ? "" : axis.label;
    if (!label) return axis.unit || axis.label;
    return axis.unit ? `${label} (${axis.unit})` : label;
  }

  function chart(spec) {
    const box = el("section", { class: "card" }, el("h2", {}, spec.title), el("div", { class: "chart", id: `chart-${spec.id}` }));
    document.getElementById("insight-charts").append(box);
    const bar = spec.kind !== "line";
    const unit = spec.y.unit ? " " + spec.y.unit : "";
    const categorical = spec.series.some((s) => s.x.some((x) => typeof x === "string"));
    const longLabels = bar && spec.series.some((s) => s.x.some((x) => String(x).length > 18));
    const traces = spec.series.map((s, i) => {
      if (!bar) {
        return { type: "scatter", mode: s.x.length < 3 ? "lines+markers" : "lines", name: s.name, x: s.x, y: s.y, line: { color: colourFor(s.name, i), width: 2 }, marker: { size: 8 }, hovertemplate: `%{y:,}${unit}<extra>${s.name}</extra>` };
      }
      if (longLabels) {
        return { type: "bar", orientation: "h", name: s.name, y: s.x, x: s.y, marker: { color: colourFor(s.name, i) }, hovertemplate: `%{x:,}${unit}<extra>${s.name}</extra>` };
      }
      return { type: "bar", name: s.name, x: s.x, y: s.y, marker: { color: colourFor(s.name, i) }, hovertemplate: `%{y:,}${unit}<extra>${s.name}</extra>` };
    });
    const xaxis = { title: axisTitle(spec.x, spec.title), type: categorical ? "category" : "linear", tickformat: categorical ? undefined : "d", automargin: true };
    const yaxis = { title: axisTitle(spec.y, spec.title), tickformat: ",", rangemode: "tozero", automargin: true };
    if (longLabels) box.querySelector(".chart").style.height = `${Math.max(320, 34 * spec.series[0].x.length + 90)}px`;
    SLA.plot(`chart-${spec.id}`, traces, {
      barmode: spec.kind === "stacked_bar" ? "stack" : "group",
      xaxis: longLabels ? yaxis : xaxis,
      yaxis: longLabels ? Object.assign({}, xaxis, { autorange: "reversed", tickformat: undefined }) : yaxis,
      showlegend: spec.series.length > 1,
      legend: { orientation: "h", y: -0.3, x: 0, font: { size: 11 } },
      margin: { l: 70, r: 16, t: 8, b: 60 },
    });
  }

  function table(spec) {
    const numeric = new Set(spec.columns.filter((c) => spec.rows.some((r) => typeof r[c.key] === "number")).map((c) => c.key));
    const head = el("tr", {}, spec.columns.map((c) => el("th", { class: numeric.has(c.key) ? "num" : null }, c.unit ? `${c.label} (${c.unit})` : c.label)));
    const body = spec.rows.map((row) => el("tr", {}, spec.columns.map((c) => {
      const value = row[c.key];
      const long = typeof value === "string" && value.length > 60;
      return el("td", { class: numeric.has(c.key) ? "num" : long ? "wrap" : null, "data-col": c.key }, c.key === "mode" && theme.modes[value] ? SLA.modeLabel(value) : cell(c, value));
    })));
    const tableNode = el("table", { class: "data", "data-table": spec.id }, el("thead", {}, head), el("tbody", {}, body));
    const content = el("div", { class: "scroll" }, tableNode);
    const card = el("section", { class: "card" }, el("h2", {}, spec.title),
      el("p", { class: "sub" }, `${fmt(spec.rows.length, 0)} rows`));
    if (spec.rows.length > LONG_TABLE) card.append(el("details", { class: "more" }, el("summary", {}, "Show the table"), content));
    else card.append(content);
    document.getElementById("insight-tables").append(card);
  }

  SLA.page((data) => {
    document.getElementById("insight-summary").append(...data.summary.map((line) => el("p", {}, line)));
    data.charts.forEach(chart);
    data.tables.forEach(table);
    document.getElementById("insight-notes").append(...data.notes.map((n) => el("li", {}, n)));
    document.getElementById("assumption-count").textContent = fmt(data.assumptions.length, 0);
    const columns = [{ key: "table", label: "Table" }, { key: "item", label: "Item" }, { key: "value", label: "Value" }, { key: "source", label: "Source" }];
    document.getElementById("insight-assumptions").append(SLA.table(columns.map((c) => ({ ...c, render: (r) => {
      const v = r[c.key];
      return typeof v === "number" ? fmt(v, decimals(v)) : v === null || v === undefined ? "–" : String(v);
    } })), data.assumptions));
    if (!data.assumptions.length) document.getElementById("insight-assumptions-box").hidden = true;
  });
})();
