/* Network map: the region's nodes and Circle Lines network on the Natural Earth basemap,
 * with the run's flows by mode (width by tonnes). SVG, Web Mercator. */
(function () {
  "use strict";
  const { el, fmt, modeColour, modeLabel, policyLabel, theme } = SLA;
  const SVG = "http://www.w3.org/2000/svg";

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) node.setAttribute(k, v);
    for (const c of children.flat()) if (c) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  function projector(view, width) {
    const [lon0, lat0, lon1, lat1] = view;
    const my = (lat) => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
    const scale = width / (((lon1 - lon0) * Math.PI) / 180);
    const top = my(lat1);
    const height = Math.round((top - my(lat0)) * scale);
    return {
      width,
      height,
      xy: (lon, lat) => [((lon - lon0) * Math.PI / 180) * scale, (top - my(lat)) * scale],
    };
  }

  function pathData(points, project) {
    return points.map(([lon, lat], i) => {
      const [x, y] = project.xy(lon, lat);
      return `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
    }).join("");
  }

  function drawMap(container, data, basemap, flows, opts) {
    const project = projector(opts.view, opts.width);
    const root = svg("svg", {
      class: "map",
      viewBox: `0 0 ${project.width} ${project.height}`,
      role: "img",
      "aria-label": opts.label,
      "data-nodes": String(data.nodes.length),
    });
    const clip = `clip-${container.id}`;
    root.append(svg("defs", {}, svg("clipPath", { id: clip }, svg("rect", { x: 0, y: 0, width: project.width, height: project.height }))));
    const world = svg("g", { "clip-path": `url(#${clip})` });
    root.append(world);
    const land = svg("g", { class: "basemap" });
    for (const feature of basemap.features) {
      const d = feature.geometry.coordinates.map((polygon) => polygon.map((ring) => pathData(ring, project) + "Z").join("")).join("");
      land.append(svg("path", { class: `land ${feature.properties.iso_a2.toLowerCase()}`, d }, svg("title", {}, feature.properties.name)));
    }
    world.append(land);
    if (opts.countryLabels) {
      for (const [name, lon, lat] of data.country_labels) {
        const [x, y] = project.xy(lon, lat);
        world.append(svg("text", { class: "country-label", x, y, "text-anchor": "middle" }, name));
      }
    }
    const network = svg("g", {});
    for (const segment of data.network) {
      network.append(svg("path", { class: "network", d: pathData(segment.path, project), stroke: modeColour(segment.mode) }));
    }
    world.append(network);

    const maxT = Math.max(1, ...flows.map((f) => f.tonnes));
    const flowGroup = svg("g", {});
    for (const flow of [...flows].sort((a, b) => b.tonnes - a.tonnes)) {
      const width = 1.2 + opts.maxWidth * Math.sqrt(flow.tonnes / maxT);
      const line = svg("path", {
        class: `flow flow-${flow.mode}`,
        d: pathData(flow.path, project),
        stroke: modeColour(flow.mode),
        "stroke-width": width.toFixed(2),
        "data-mode": flow.mode,
      });
      line.addEventListener("mousemove", (event) => tip(container, event, `${flow.from} → ${flow.to} by ${modeLabel(flow.mode).toLowerCase()}: ${fmt(flow.tonnes, 0)} t, ${fmt(flow.teu, 1)} TEU`));
      line.addEventListener("mouseleave", () => tip(container, null));
      flowGroup.append(line);
    }
    world.append(flowGroup);

    const placed = [];
    const nodes = svg("g", { class: "nodes" });
    const labels = svg("g", { class: "labels" });
    for (const node of data.nodes) {
      const [x, y] = project.xy(node.lon, node.lat);
      if (x < -20 || y < -20 || x > project.width + 20 || y > project.height + 20) continue;
      const r = opts.radius;
      const kind = theme.node_kinds[node.kind] || { colour: "#555", label: node.kind };
      const circle = svg("circle", { class: "node", cx: x.toFixed(1), cy: y.toFixed(1), r, fill: kind.colour, "data-id": node.id });
      circle.addEventListener("mousemove", (event) => tip(container, event, `${node.name} (${node.id}) · ${kind.label}`));
      circle.addEventListener("mouseleave", () => tip(container, null));
      nodes.append(circle);
      const w = node.id.length * 6.6 + 4, h = 12;
      const candidates = [[r + 3, 4, "start"], [-r - 3, 4, "end"], [0, -r - 4, "middle"], [0, r + 12, "middle"]];
      let chosen = candidates[0];
      for (const c of candidates) {
        const x0 = c[2] === "start" ? x + c[0] : c[2] === "end" ? x + c[0] - w : x - w / 2;
        const box = [x0, y + c[1] - h, x0 + w, y + c[1]];
        if (!placed.some((b) => box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1])) {
          chosen = c;
          placed.push(box);
          break;
        }
      }
      labels.append(svg("text", { class: "node-label", x: (x + chosen[0]).toFixed(1), y: (y + chosen[1]).toFixed(1), "text-anchor": chosen[2] }, node.id));
    }
    root.append(nodes, labels);
    container.replaceChildren(root);
  }

  function tip(container, event, text) {
    let box = container.querySelector(".map-tip");
    if (!event) { if (box) box.remove(); return; }
    if (!box) { box = el("div", { class: "map-tip" }); container.append(box); }
    const rect = container.getBoundingClientRect();
    box.textContent = text;
    box.style.left = `${event.clientX - rect.left + 12}px`;
    box.style.top = `${event.clientY - rect.top + 12}px`;
  }

  SLA.page(async (data) => {
    const response = await fetch(data.basemap_url);
    if (!response.ok) throw new Error(`basemap: ${response.status}`);
    const basemap = await response.json();

    const select = document.getElementById("policy-select");
    for (const policy of data.policy_order) select.append(el("option", { value: policy }, policyLabel(policy)));
    select.value = data.default_policy;

    const legend = document.getElementById("map-legend");
    for (const mode of data.modes) legend.append(el("span", {}, el("i", { style: { background: modeColour(mode) } }), modeLabel(mode)));
    for (const kind of theme.node_kind_order) {
      if (data.nodes.some((n) => n.kind === kind)) legend.append(el("span", {}, el("i", { class: "node", style: { background: theme.node_kinds[kind].colour } }), theme.node_kinds[kind].label));
    }

    function render() {
      const policy = select.value;
      const flows = data.flows[policy];
      drawMap(document.getElementById("map-main"), data, basemap, flows, { view: data.view, width: 900, radius: 5, maxWidth: 13, label: "Map of the region's freight flows", countryLabels: true });
      drawMap(document.getElementById("map-inset"), data, basemap, flows, { view: data.inset_view, width: 440, radius: 6, maxWidth: 16, label: "Map of the Amsterdam area", countryLabels: false });
      const totals = data.totals[policy];
      const tiles = document.getElementById("map-tiles");
      tiles.replaceChildren(
        SLA.tile("Freight nodes", data.nodes.length, 0, "", "nodes"),
        ...data.modes.map((mode) => SLA.tile(`${modeLabel(mode)} · tonne-km`, totals.tkm[mode] ?? 0, 0, "t·km", `${policy}.tkm.${mode}`, `${fmt(totals.share_tkm[mode] ?? 0, 1)} % of the total`))
      );
      const rows = [...flows].sort((a, b) => b.tonnes - a.tonnes).slice(0, 25);
      document.getElementById("flow-table").replaceChildren(SLA.table([
        { key: "route", label: "Corridor", render: (r) => `${r.from} → ${r.to}` },
        { key: "mode", label: "Mode", render: (r) => el("span", {}, SLA.swatch(modeColour(r.mode)), modeLabel(r.mode)) },
        { key: "tonnes", label: "Tonnes", num: true, unit: "t" },
        { key: "teu", label: "TEU", num: true, decimals: 1 },
      ], rows));
      document.getElementById("map-sub").textContent = `${policyLabel(policy)}: line width by tonnes moved over the run (widest ${fmt(Math.max(0, ...flows.map((f) => f.tonnes)), 0)} t); dashed: the Circle Lines waterway and rail network.`;
    }
    select.addEventListener("change", render);
    render();
  });
})();
