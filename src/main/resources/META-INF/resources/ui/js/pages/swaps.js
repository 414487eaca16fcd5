// Swaps: modelswap's swap decisions (what was requested, what was evicted and why, queue wait, load time), the
// fairness settings in force, and the state changes this page has seen.
import { $, fmtMs, fmtTime, html, render } from "../dom.js";
import { getJson, store, subscribe } from "../api.js";

export const id = "swaps";
export const title = "Swaps";

function evictedOf(d) {
  const list = d.evicted ?? d.evict ?? d.evictions ?? [];
  return list.map((e) => (typeof e === "string" ? { model: e, reason: d.reason ?? d.evict_reason ?? "" }
    : { ...e, reason: e.reason ?? e.cause ?? "", rule: e.rule ?? "" }));
}

function decisionRows(decisions) {
  return decisions.map((d) => {
    const evicted = evictedOf(d);
    return html`<tr>
      <td>${fmtTime(d.at ?? d.timestamp ?? d.time)}</td>
      <td><b>${d.requested ?? d.model ?? d.target ?? "—"}</b></td>
      <td class="wrap">${evicted.length ? evicted.map((e) => html`<div><span class="mono">${e.model}</span>
        ${e.reason ? html`<span class="tag">${e.reason}</span>` : ""}
        ${e.rule ? html`<span class="small muted">${e.rule}</span>` : ""}</div>`) : html`<span class="muted">nothing</span>`}</td>
      <td class="wrap small">${d.kind ?? d.why ?? d.detail ?? ""}${d.note ? html`<div class="swap-note muted">${d.note}</div>` : ""}</td>
      <td class="num">${fmtMs(d.queue_wait_ms ?? d.queueWaitMs)}</td>
      <td class="num">${fmtMs(d.load_ms ?? d.load_time_ms ?? d.loadMs)}</td>
      <td class="${d.error ? "error" : ""}">${d.outcome ?? d.result ?? "pending"}${d.error ? html`<div class="small">${d.error}</div>` : ""}</td></tr>`;
  });
}

export function mount(root) {
  let served = null;
  let settings = null;
  render(root, html`
    <h1>Swaps</h1>
    <p class="muted" id="swap-settings"></p>
    <div class="table-wrap"><table id="swaps">
      <thead><tr><th>Time</th><th>Requested</th><th>Evicted (why)</th><th>Kind (note)</th><th class="num">Queue wait</th>
        <th class="num">Load time</th><th>Outcome</th></tr></thead><tbody></tbody></table></div>
    <h2>State changes seen by this page</h2>
    <div class="table-wrap"><table id="transitions"><thead><tr><th>Time</th><th>Model</th><th>From</th><th>To</th></tr></thead>
      <tbody></tbody></table></div>`);

  const draw = () => {
    const decisions = [...store.swaps];
    for (const d of served ?? []) {
      if (!decisions.some((x) => x === d || (x.id !== undefined && x.id === d.id))) decisions.push(d);
    }
    decisions.sort((a, b) => String(b.at ?? b.timestamp ?? "").localeCompare(String(a.at ?? a.timestamp ?? "")));
    render($("#swaps tbody", root), decisions.length ? decisionRows(decisions)
      : html`<tr><td colspan="7" class="empty">${served === null ? "This modelswap does not report swap decisions."
        : "No swaps yet."}</td></tr>`);
    const t = store.transitions;
    render($("#transitions tbody", root), t.length ? t.map((x) => html`<tr><td>${fmtTime(x.at)}</td><td>${x.model}</td>
      <td class="state-${x.from}">${x.from}</td><td class="state-${x.to}">${x.to}</td></tr>`)
      : html`<tr><td colspan="4" class="empty">None yet: load a model.</td></tr>`);
    if (settings) {
      const s = settings;
      const parts = [`Router: ${s.router ?? "group"}`,
        `starvation bound: ${s.starvation_timeout_ms ? fmtMs(s.starvation_timeout_ms) : "off"}`,
        `minimum residency: ${s.min_residency_ms ? fmtMs(s.min_residency_ms) : "off"}`];
      $("#swap-settings", root).textContent = parts.join(" · ");
    }
  };

  const load = async () => {
    try {
      const body = await getJson("/api/swaps");
      served = Array.isArray(body) ? body : body.decisions ?? body.data ?? [];
      settings = { ...(settings ?? {}), ...(body.settings ?? {}) };
    } catch (e) {
      served = served ?? null;
    }
    try {
      const board = await getJson("/api/ui/models");
      settings = { router: board.router, starvation_timeout_ms: board.starvation_timeout_ms,
        min_residency_ms: board.min_residency_ms, ...(settings ?? {}) };
    } catch (e) { /* settings unknown */ }
    draw();
  };

  const offs = [subscribe("swap", draw), subscribe("models", draw), subscribe("connection", load)];
  draw();
  load();
  return () => offs.forEach((off) => off());
}
