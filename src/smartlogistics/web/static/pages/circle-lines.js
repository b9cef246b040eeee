/* Circle Lines: departures, load factors and the weekly timetable. */
(function () {
  "use strict";
  const { el, fmt, modeColour, modeLabel, policyLabel } = SLA;

  function timeText(iso) {
    return new Date(iso).toLocaleString("en-GB", { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: SLA_TZ });
  }
  let SLA_TZ = "Europe/Amsterdam";

  SLA.page((data) => {
    SLA_TZ = data.timezone;
    const select = document.getElementById("policy-select");
    for (const p of data.policy_order) select.append(el("option", { value: p }, policyLabel(p)));
    select.value = data.default_policy;

    document.getElementById("timetable").replaceChildren(SLA.table([
      { key: "name", label: "Service", render: (s) => el("span", {}, SLA.swatch(modeColour(s.mode)), s.name) },
      { key: "mode", label: "Mode", render: (s) => modeLabel(s.mode) },
      { key: "stops", label: "Calls", render: (s) => s.stops.join(" → ") },
      { key: "departures", label: "Departs (local time)", render: (s) => s.departures.join(", ") },
      { key: "weekly", label: "Per week", num: true },
      { key: "capacity_teu", label: "Capacity", num: true, unit: "TEU" },
      { key: "hours", label: "End to end", num: true, decimals: 1, unit: "h" },
    ], data.timetable));

    document.getElementById("disruptions").replaceChildren(data.disruptions.length ? SLA.table([
      { key: "kind_label", label: "Disruption" },
      { key: "label", label: "What happened" },
    ], data.disruptions) : el("p", { class: "muted" }, "No disruption in this run."));

    function render() {
      const view = data.policies[select.value];
      const s = view.summary;
      document.getElementById("cl-tiles").replaceChildren(
        SLA.tile("Departures run", s.departures, 0, "", `${select.value}.departures`, `${fmt(s.cancelled, 0)} cancelled`),
        SLA.tile("TEU carried", s.teu, 1, "TEU", `${select.value}.teu`),
        SLA.tile("Average load factor", s.load_factor_pct, 1, "%", `${select.value}.load_factor_pct`),
        SLA.tile("Delayed departures", s.delayed, 0, "", `${select.value}.delayed`, `mean delay ${fmt(s.mean_delay_h, 1)} h when delayed`),
        SLA.tile("Plans and replans", s.replans, 0, "", `${select.value}.replans`, `${fmt(data.disruptions.length, 0)} disruptions in the run`)
      );
      const services = [...view.by_service].sort((a, b) => a.load_factor_pct - b.load_factor_pct);
      SLA.plot("chart-load", [{
        type: "bar", orientation: "h", y: services.map((r) => r.service_id), x: services.map((r) => r.load_factor_pct),
        marker: { color: services.map((r) => modeColour(r.mode)) },
        text: services.map((r) => `${fmt(r.load_factor_pct, 1)} %`), textposition: "outside", cliponaxis: false,
        customdata: services.map((r) => [r.name, r.teu, r.capacity_teu, r.departures]),
        hovertemplate: "%{customdata[0]}<br>%{x:.1f} % · %{customdata[1]:,.1f} of %{customdata[2]:,.0f} TEU on %{customdata[3]} departures<extra></extra>",
      }], { xaxis: { title: "Load factor (% of TEU capacity)", range: [0, Math.max(100, ...services.map((r) => r.load_factor_pct)) * 1.12], ticksuffix: " %" }, yaxis: { title: "Service", automargin: true }, showlegend: false, margin: { l: 130, r: 24, t: 8, b: 52 } });

      const ran = view.departures.filter((d) => !d.cancelled);
      const cancelled = view.departures.filter((d) => d.cancelled);
      SLA.plot("chart-departures", [
        {
          type: "scatter", mode: "markers", name: "Ran", x: ran.map((d) => d.depart), y: ran.map((d) => d.service_id),
          marker: { size: 11, color: ran.map((d) => d.load_factor_pct), colorscale: [[0, "#9fd0e3"], [0.5, "#2e86ab"], [1, "#0f2a44"]], cmin: 0, cmax: 100, line: { color: "#fff", width: 1 }, colorbar: { title: { text: "Load factor (%)" }, ticksuffix: " %", thickness: 12 } },
          customdata: ran.map((d) => [d.load_teu, d.capacity_teu, d.delay_h]),
          hovertemplate: "%{y} · %{x}<br>%{marker.color:.1f} % full (%{customdata[0]:,.1f} of %{customdata[1]:,.0f} TEU)<br>delay %{customdata[2]:.1f} h<extra></extra>",
        },
        {
          type: "scatter", mode: "markers", name: "Cancelled", x: cancelled.map((d) => d.depart), y: cancelled.map((d) => d.service_id),
          marker: { size: 12, symbol: "x", color: "#c0504d" }, hovertemplate: "%{y} · %{x}<br>cancelled<extra></extra>",
        },
      ], { xaxis: { title: "Departure time (local)", type: "date" }, yaxis: { title: "Service", type: "category", automargin: true }, margin: { l: 130, r: 16, t: 8, b: 52 } });

      document.getElementById("departures-table").replaceChildren(SLA.table([
        { key: "service_id", label: "Service", render: (d) => el("span", {}, SLA.swatch(modeColour(d.mode)), d.service_id) },
        { key: "depart", label: "Departs", render: (d) => timeText(d.depart) },
        { key: "arrive", label: "Arrives", render: (d) => timeText(d.arrive) },
        { key: "delay_h", label: "Delay", num: true, decimals: 1, unit: "h" },
        { key: "load_teu", label: "Load", num: true, decimals: 1, unit: "TEU" },
        { key: "capacity_teu", label: "Capacity", num: true, unit: "TEU" },
        { key: "load_factor_pct", label: "Load factor", render: (d) => d.cancelled ? el("span", { class: "pill", style: { background: "#c0504d" } }, "cancelled") : el("div", { style: { display: "flex", gap: "8px", alignItems: "center", justifyContent: "flex-end" } }, `${fmt(d.load_factor_pct, 1)} %`, el("div", { class: "bar", style: { width: "90px" } }, el("span", { style: { width: `${Math.min(100, d.load_factor_pct)}%`, background: modeColour(d.mode) } }))) },
        { key: "orders", label: "Orders", num: true },
      ], view.departures));
    }
    select.addEventListener("change", render);
    render();
  });
})();
