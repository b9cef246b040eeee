/* SmartGate: lanes, the inspection queue, clearance times, top reasons for red. */
(function () {
  "use strict";
  const { el, fmt, laneColour, laneLabel } = SLA;

  SLA.page((data) => {
    const t = data.totals;
    document.getElementById("sg-tiles").replaceChildren(
      SLA.tile("Consignments screened", t.screened, 0, "", "screened"),
      SLA.tile("Green lane", t.green_pct, 1, "%", "green_pct", "pass undisturbed"),
      SLA.tile("Median arrival → release", t.release_median_min, 1, "min", "release_median_min", `p95 ${fmt(t.release_p95_min, 1)} min`),
      SLA.tile("Inspector utilisation", t.inspector_utilisation_pct, 1, "%", "inspector_utilisation_pct", `${fmt(t.inspectors, 0)} inspector${t.inspectors === 1 ? "" : "s"}, round the clock`),
      SLA.tile("Peak queue", t.peak_queue, 0, "consignments", "peak_queue")
    );

    const lanes = data.lanes.filter((l) => l.count > 0);
    SLA.plot("chart-lanes", [{
      type: "pie", hole: 0.55, sort: false, direction: "clockwise",
      labels: lanes.map((l) => laneLabel(l.lane)), values: lanes.map((l) => l.count),
      marker: { colors: lanes.map((l) => laneColour(l.lane)), line: { color: "#fff", width: 2 } },
      texttemplate: "%{percent:.1%}", hovertemplate: "%{label}: %{value:,} consignments (%{percent:.1%})<extra></extra>",
    }], { showlegend: true, legend: { orientation: "v", x: 1, y: 0.5 }, margin: { l: 8, r: 8, t: 8, b: 8 } });

    const q = data.queue;
    SLA.plot("chart-queue", [
      { type: "scatter", mode: "lines", name: "Waiting", x: q.t, y: q.waiting, line: { color: laneColour("RED"), width: 2, shape: "hv" }, fill: "tozeroy", fillcolor: "rgba(209,73,91,.12)", hovertemplate: "%{y} waiting<extra>%{x}</extra>" },
      { type: "scatter", mode: "lines", name: "Inspectors busy", x: q.t, y: q.busy, line: { color: "#0f2a44", width: 1.5, dash: "dot", shape: "hv" }, hovertemplate: "%{y} busy<extra>%{x}</extra>" },
    ], { xaxis: { title: "Time (local)", type: "date" }, yaxis: { title: "Consignments / inspectors (count)", rangemode: "tozero", dtick: q.max > 10 ? null : 1 } });

    const c = data.clearance;
    SLA.plot("chart-clearance", [{
      type: "bar", orientation: "h", y: c.map((r) => r.label), x: c.map((r) => r.min),
      marker: { color: ["#2a9d8f", "#8d99ae", "#d1495b"] },
      text: c.map((r) => `${fmt(r.min, 1)} min`), textposition: "outside", cliponaxis: false,
      hovertemplate: "%{x:,.1f} minutes<extra>%{y}</extra>",
    }], { xaxis: { title: "Arrival to release (minutes)", rangemode: "tozero", tickformat: "," }, yaxis: { title: "Statistic", autorange: "reversed" }, showlegend: false, margin: { l: 130, r: 60, t: 8, b: 52 } });
    document.getElementById("clearance-note").textContent = `Green consignments are released on arrival; red ones wait for an inspector and requests for information for the filer's answer. Inspections in the run: ${fmt(t.inspections, 0)}; orders held by customs: ${fmt(t.orders_held, 0)}.`;

    const max = Math.max(1, ...data.red_reasons.map((r) => r.count));
    document.getElementById("reasons").replaceChildren(data.red_reasons.length ? SLA.table([
      { key: "label", label: "Reason" },
      { key: "count", label: "Consignments", num: true },
      { key: "bar", label: "", render: (r) => el("div", { class: "bar" }, el("span", { style: { width: `${(100 * r.count) / max}%`, background: laneColour("RED") } })) },
    ], data.red_reasons) : el("p", { class: "muted" }, "No consignment was red in this run."));
  });
})();
