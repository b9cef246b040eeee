/* Overview: KPIs per policy, differences to today's practice and to road-only, and the
 * verdict sentence — all from /api/dashboard/overview. */
(function () {
  "use strict";
  const { el, fmt, policyColour, policyLabel, modeColour, modeLabel } = SLA;

  function signed(value, decimals) {
    if (value === null || value === undefined) return "–";
    const text = fmt(Math.abs(value), decimals);
    return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
  }

  function deltaNode(kpi, diff, against) {
    if (!diff) return null;
    const better = kpi.better === "lower" ? diff.abs < 0 : kpi.better === "higher" ? diff.abs > 0 : false;
    const worse = kpi.better === "lower" ? diff.abs > 0 : kpi.better === "higher" ? diff.abs < 0 : false;
    const cls = better ? "good" : worse ? "bad" : "same";
    const pct = diff.pct === null ? "" : ` (${signed(diff.pct, 1)} %)`;
    return el("span", { class: `delta ${cls}` }, `${signed(diff.abs, kpi.decimals)}${kpi.unit === "%" ? " pp" : ""}${pct} vs ${against}`);
  }

  SLA.page((data) => {
    const verdict = document.getElementById("verdict");
    verdict.classList.toggle("miss", !data.verdict.beats_today);
    verdict.append(
      el("p", { id: "verdict-text" }, data.verdict.text),
      el("ul", { class: "checks" }, data.verdict.checks.map((c) => el("li", { class: c.ok ? null : "no" }, c.label)))
    );

    const tiles = document.getElementById("overview-tiles");
    for (const key of data.tiles) {
      const kpi = data.kpis.find((k) => k.key === key);
      const diff = kpi.vs_greedy.synchromodal;
      tiles.append(SLA.tile(`${kpi.label} · synchromodal`, kpi.values.synchromodal, kpi.decimals, kpi.unit, `synchromodal.${kpi.key}`,
        diff ? `${signed(diff.abs, kpi.decimals)}${kpi.unit === "%" ? " pp" : " " + kpi.unit} vs today's practice` : null));
    }

    const policies = data.policy_order;
    const head = el("tr", {}, el("th", {}, "KPI"), policies.map((p) => el("th", {}, el("span", { class: "policy-dot", style: { background: policyColour(p) } }), policyLabel(p))));
    const rows = data.kpis.map((kpi) => el("tr", { "data-kpi-row": kpi.key },
      el("td", {}, kpi.label, kpi.note ? el("div", { class: "muted", style: { fontSize: ".78rem" } }, kpi.note) : null),
      policies.map((p) => el("td", {},
        SLA.quantity(kpi.values[p], kpi.decimals, kpi.unit, `${p}.${kpi.key}`),
        p === "synchromodal" ? deltaNode(kpi, kpi.vs_greedy[p], "today") : null,
        p !== "road_only" ? deltaNode(kpi, kpi.vs_road_only[p], "road-only") : null))));
    document.getElementById("kpi-table").append(el("thead", {}, head), el("tbody", {}, rows));

    const split = data.modal_split;
    SLA.plot("chart-modal-split", split.modes.map((mode) => ({
      type: "bar", orientation: "h", name: modeLabel(mode), marker: { color: modeColour(mode) },
      y: policies.map(policyLabel), x: policies.map((p) => split.values[p][mode] || 0),
      hovertemplate: `${modeLabel(mode)}: %{x:.1f} %<extra>%{y}</extra>`,
    })), { barmode: "stack", xaxis: { title: `Share of tonne-km (${split.unit})`, range: [0, 100], ticksuffix: " %" }, yaxis: { title: "Policy", autorange: "reversed" }, margin: { l: 180, r: 16, t: 8, b: 52 } });

    const trucks = data.trucks_per_day;
    SLA.plot("chart-trucks", policies.map((p) => ({
      type: "bar", name: policyLabel(p), marker: { color: policyColour(p) },
      x: trucks.days, y: trucks.values[p], hovertemplate: `%{y:,.0f} trucks<extra>${policyLabel(p)}</extra>`,
    })), { barmode: "group", xaxis: { title: "Simulated day", type: "category" }, yaxis: { title: `Truck trips (${trucks.unit})`, rangemode: "tozero", tickformat: ",d" } });

    function policyBars(target, key, axis) {
      const kpi = data.kpis.find((k) => k.key === key);
      SLA.plot(target, [{
        type: "bar", x: policies.map(policyLabel), y: policies.map((p) => kpi.values[p]),
        marker: { color: policies.map(policyColour) },
        text: policies.map((p) => `${fmt(kpi.values[p], kpi.decimals)} ${kpi.unit}`), textposition: "outside", cliponaxis: false,
        hovertemplate: `%{y:,.${kpi.decimals}f} ${kpi.unit}<extra>%{x}</extra>`,
      }], { xaxis: { title: "Policy" }, yaxis: { title: axis, rangemode: "tozero", tickformat: "," }, showlegend: false, margin: { l: 72, r: 16, t: 24, b: 52 } });
    }
    policyBars("chart-cost", "cost_eur", "Total cost (€)");
    policyBars("chart-co2", "co2e_t", "CO2e well-to-wheel (t)");
  });
})();
