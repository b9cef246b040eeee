/* Smart Logistics Amsterdam dashboard: the shared page runtime.
 *
 * Every page is a shell rendered by the server; this script fetches the page's JSON from
 * /api/dashboard/<page> and hands it to the page's own script (static/pages/<page>.js),
 * which registers itself with SLA.page(render). Every number on screen comes from that
 * JSON: the API rounds it to the precision shown, this script only adds thousands
 * separators and units. Nothing is fetched from outside the app.
 */
(function () {
  "use strict";

  const theme = JSON.parse(document.getElementById("sla-theme").textContent);
  const pageInfo = JSON.parse(document.getElementById("sla-page").textContent);

  const numberFormats = new Map();
  function numberFormat(decimals) {
    if (!numberFormats.has(decimals)) {
      numberFormats.set(
        decimals,
        new Intl.NumberFormat("en-US", {
          minimumFractionDigits: decimals,
          maximumFractionDigits: decimals,
        })
      );
    }
    return numberFormats.get(decimals);
  }

  /** Format a number with thousands separators and a fixed number of decimals. */
  function fmt(value, decimals) {
    if (value === null || value === undefined || Number.isNaN(value)) return "–";
    const text = numberFormat(decimals || 0).format(value);
    return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text; // no "-0.0"
  }

  /** Create an element: el("td", {class: "num"}, "12"). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key === "style" && typeof value === "object") Object.assign(node.style, value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** A number and its unit as two spans; data-kpi names the API field it shows. */
  function quantity(value, decimals, unit, key) {
    const attrs = { class: "num" };
    if (key) attrs["data-kpi"] = key;
    return el(
      "span",
      { class: "quantity" },
      el("span", attrs, fmt(value, decimals)),
      unit ? el("span", { class: "unit" }, unit) : null
    );
  }

  /** A KPI tile: label, value with unit, optional note. */
  function tile(label, value, decimals, unit, key, note) {
    return el(
      "div",
      { class: "tile" },
      el("div", { class: "label" }, label),
      el("div", { class: "value" }, quantity(value, decimals, unit, key)),
      note ? el("div", { class: "note" }, note) : null
    );
  }

  /** A data table: columns [{key, label, num, decimals, unit, render}], rows of objects. */
  function table(columns, rows, attrs) {
    const head = el(
      "tr",
      {},
      columns.map((c) =>
        el("th", { class: c.num ? "num" : null }, c.unit ? `${c.label} (${c.unit})` : c.label)
      )
    );
    const body = rows.map((row) =>
      el(
        "tr",
        {},
        columns.map((c) => {
          const content = c.render
            ? c.render(row)
            : c.num
              ? fmt(row[c.key], c.decimals || 0)
              : row[c.key] ?? "–";
          return el("td", { class: c.num ? "num" : null }, content);
        })
      )
    );
    return el("table", Object.assign({ class: "data" }, attrs || {}), el("thead", {}, head), el("tbody", {}, body));
  }

  function modeColour(mode) {
    return (theme.modes[mode] || { colour: "#888" }).colour;
  }
  function modeLabel(mode) {
    return (theme.modes[mode] || { label: mode }).label;
  }
  function policyColour(policy) {
    return (theme.policies[policy] || { colour: "#888" }).colour;
  }
  function policyLabel(policy) {
    return (theme.policies[policy] || { label: policy }).label;
  }
  function laneColour(lane) {
    return (theme.lanes[lane] || { colour: "#888" }).colour;
  }
  function laneLabel(lane) {
    return (theme.lanes[lane] || { label: lane }).label;
  }
  function swatch(colour) {
    return el("span", { class: "swatch", style: { background: colour } });
  }

  const baseLayout = {
    font: { family: "Inter, Segoe UI, Helvetica Neue, Arial, sans-serif", size: 12, color: "#1b2733" },
    margin: { l: 64, r: 16, t: 12, b: 52 },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    hoverlabel: { font: { size: 12 } },
    legend: { orientation: "h", y: -0.22, x: 0 },
    separators: ".,",
  };
  const axisBase = { gridcolor: "#e8edf2", zerolinecolor: "#c9d3dd", linecolor: "#c9d3dd", automargin: true };
  const plotConfig = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d", "autoScale2d"] };

  function axisTitle(axis) {
    if (!axis || !axis.title) return "";
    return typeof axis.title === "string" ? axis.title : axis.title.text || "";
  }

  /** Draw a Plotly chart; every cartesian axis must be titled with its unit. */
  function plot(target, traces, layout) {
    const node = typeof target === "string" ? document.getElementById(target) : target;
    const merged = Object.assign({}, baseLayout, layout || {});
    const cartesian = traces.some((t) => !["pie", "sunburst", "treemap", "table"].includes(t.type));
    if (cartesian) {
      for (const name of ["xaxis", "yaxis"]) {
        if (!axisTitle(merged[name])) {
          console.error(`chart ${node.id}: ${name} has no title (units on every axis)`);
        }
        merged[name] = Object.assign({}, axisBase, merged[name]);
        if (typeof merged[name].title === "string") merged[name].title = { text: merged[name].title };
      }
      if (merged.yaxis2) merged.yaxis2 = Object.assign({}, axisBase, merged.yaxis2);
    }
    window.Plotly.newPlot(node, traces, merged, plotConfig);
    return node;
  }

  function show(id, visible) {
    document.getElementById(id).hidden = !visible;
  }

  function showRun(run) {
    const box = document.getElementById("run-info");
    box.replaceChildren();
    if (!run) return;
    const finished = run.finished_at ? new Date(run.finished_at) : null;
    box.append(
      el("div", {}, "Twin run ", el("strong", { title: run.id }, `#${String(run.id).slice(0, 8)}`), ` · ${fmt(run.days, 0)} simulated day${run.days === 1 ? "" : "s"} · seed ${run.seed}`),
      finished ? el("div", {}, `finished ${finished.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })}`) : null
    );
  }

  function showEmpty(empty) {
    document.getElementById("empty-title").textContent = empty.title || "No results yet";
    document.getElementById("empty-message").textContent = empty.message;
    document.getElementById("empty-command").textContent = empty.command || "";
    document.querySelector("#empty-state .command").hidden = !empty.command;
    show("empty-state", true);
  }

  let renderPage = null;

  async function load() {
    let data;
    try {
      const response = await fetch(pageInfo.api, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`${pageInfo.api} answered ${response.status}`);
      data = await response.json();
    } catch (error) {
      document.getElementById("error-message").textContent = String(error.message || error);
      show("error-state", true);
      console.error(error);
      return;
    }
    showRun(data.run);
    if (data.empty) {
      showEmpty(data.empty);
      document.body.dataset.state = "empty";
      return;
    }
    show("content", true);
    try {
      renderPage(data);
      document.body.dataset.state = "ready";
    } catch (error) {
      document.getElementById("error-message").textContent = String(error.message || error);
      show("error-state", true);
      console.error(error);
    }
  }

  window.SLA = {
    theme,
    pageInfo,
    fmt,
    el,
    quantity,
    tile,
    table,
    plot,
    swatch,
    modeColour,
    modeLabel,
    policyColour,
    policyLabel,
    laneColour,
    laneLabel,
    /** Register the page's render function; it runs once the page's JSON is loaded. */
    page(render) {
      renderPage = render;
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", load);
      else load();
    },
  };
})();
