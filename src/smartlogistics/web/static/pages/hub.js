/* Hub page: counts of the hub's logistics objects and events, and a live event feed that
 * polls /api/dashboard/hub/events?after=<seq>. */
(function () {
  "use strict";
  const { el, fmt } = SLA;
  const POLL_MS = 3000;

  function feedItem(event, fresh) {
    const when = event.event_date || event.created_at;
    const time = when ? new Date(when).toLocaleString("en-GB", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }) : "–";
    return el("li", { class: fresh ? "new" : null, "data-seq": String(event.seq) },
      el("time", { datetime: when || "" }, time),
      el("span", { class: "obj" }, el("span", { class: "code" }, event.code_label), " ", event.name || `on ${event.object_type} ${event.object_id}`),
      el("span", { class: "muted" }, `#${fmt(event.seq, 0)}`));
  }

  SLA.page((data) => {
    document.getElementById("hub-tiles").replaceChildren(
      SLA.tile("Logistics objects", data.objects.total, 0, "", "objects.total"),
      SLA.tile("Logistics events", data.events.total, 0, "", "events.total"),
      SLA.tile("Object types", data.objects.by_type.length, 0, "", "objects.types"),
      el("div", { class: "tile" }, el("div", { class: "label" }, "ONE Record API"), el("div", { class: "note", style: { marginTop: "8px", wordBreak: "break-all" } }, el("code", {}, data.base_url)))
    );
    const total = Math.max(1, data.objects.total);
    document.getElementById("objects-table").replaceChildren(SLA.table([
      { key: "label", label: "Type" },
      { key: "count", label: "Objects", num: true },
      { key: "share", label: "Share", render: (r) => el("div", { class: "bar" }, el("span", { style: { width: `${(100 * r.count) / total}%`, background: "var(--accent)" } })) },
    ], data.objects.by_type));
    document.getElementById("events-table").replaceChildren(SLA.table([
      { key: "label", label: "Event code" },
      { key: "count", label: "Events", num: true },
    ], data.events.by_code));

    const feed = document.getElementById("feed");
    let last = data.feed.last_seq;
    feed.replaceChildren(...data.feed.events.map((e) => feedItem(e, false)));
    const status = document.getElementById("feed-status");
    async function poll() {
      try {
        const response = await fetch(`${SLA.pageInfo.api}/events?after=${last}&limit=50`);
        if (!response.ok) throw new Error(String(response.status));
        const update = await response.json();
        if (update.events.length) {
          feed.prepend(...update.events.map((e) => feedItem(e, true)));
          while (feed.children.length > 200) feed.lastChild.remove();
          last = update.last_seq;
        }
        status.textContent = "live";
      } catch (error) {
        status.textContent = "reconnecting…";
      }
      setTimeout(poll, POLL_MS);
    }
    setTimeout(poll, POLL_MS);
  });
})();
