/* Emissions: per mode, per leg type, per sector; intensity per mode. */
(function () {
  "use strict";
  const { fmt, modeColour, modeLabel, policyColour, policyLabel } = SLA;

  SLA.page((data) => {
    const policies = data.policy_order;
    const tiles = document.getElementById("em-tiles");
    tiles.replaceChildren(
      ...policies.map((p) => SLA.tile(`${policyLabel(p)}`, data.totals[p].wtw_t, 1, "t CO2e", `${p}.wtw_t`, `${fmt(data.totals[p].per_tonne_kg, 2)} kg CO2e per tonne`)),
      SLA.tile("Saved vs road-only", data.saving_vs_road_only_pct, 1, "%", "saving_vs_road_only_pct", "synchromodal, well-to-wheel")
    );
    const unit = "t CO2e";
    SLA.plot("chart-mode", data.modes.map((mode) => ({
      type: "bar", name: modeLabel(mode), marker: { color: modeColour(mode) },
      x: policies.map(policyLabel), y: policies.map((p) => data.by_mode[p][mode] || 0),
      hovertemplate: `${modeLabel(mode)}: %{y:,.2f} ${unit}<extra>%{x}</extra>`,
    })), { barmode: "stack", xaxis: { title: "Policy" }, yaxis: { title: `CO2e WTW (${unit})`, tickformat: "," } });

    SLA.plot("chart-leg", policies.map((p) => ({
      type: "bar", name: policyLabel(p), marker: { color: policyColour(p) },
      x: data.leg_types.map((k) => data.leg_type_labels[k]), y: data.leg_types.map((k) => data.by_leg_type[p][k] || 0),
      hovertemplate: `%{y:,.2f} ${unit}<extra>${policyLabel(p)}</extra>`,
    })), { barmode: "group", xaxis: { title: "Leg type" }, yaxis: { title: `CO2e WTW (${unit})`, tickformat: "," } });

    const sectors = data.sectors;
    SLA.plot("chart-sector", policies.map((p) => ({
      type: "bar", orientation: "h", name: policyLabel(p), marker: { color: policyColour(p) },
      y: sectors.map((s) => data.sector_labels[s]), x: sectors.map((s) => data.by_sector[p][s] || 0),
      hovertemplate: `%{x:,.2f} ${unit}<extra>${policyLabel(p)}</extra>`,
    })), { barmode: "group", xaxis: { title: `CO2e WTW (${unit})`, tickformat: "," }, yaxis: { title: "Cargo stream", autorange: "reversed" }, margin: { l: 130, r: 16, t: 8, b: 52 } });

    const modes = data.modes.filter((m) => data.intensity[m] !== undefined);
    SLA.plot("chart-intensity", [{
      type: "bar", x: modes.map(modeLabel), y: modes.map((m) => data.intensity[m]), marker: { color: modes.map(modeColour) },
      text: modes.map((m) => `${fmt(data.intensity[m], 1)} g`), textposition: "outside", cliponaxis: false,
      hovertemplate: "%{y:,.1f} g CO2e per t·km<extra>%{x}</extra>",
    }], { xaxis: { title: "Mode" }, yaxis: { title: "Intensity (g CO2e per tonne-km)", rangemode: "tozero" }, showlegend: false });
    document.getElementById("em-method").textContent = data.method;
  });
})();
