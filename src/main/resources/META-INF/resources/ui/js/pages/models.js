// Models: every model live (state with starting/stopping progress, aliases, group or matrix sets, TTL countdown,
// in-flight and queued counts), load / unload one, unload all.
import { $, debounce, delegate, fmtMs, html, patchRows, raw, render } from "../dom.js";
import { getJson, postJson, request, errorOf, store, subscribe } from "../api.js";
import { mountMore } from "./models-more.js";

export const id = "models";
export const title = "Models";

/** The board (GET /api/ui/models) merged over the live modelStatus frames, which win for the state. */
export function mergedModels(board) {
  const extra = new Map((board?.models ?? []).map((m) => [m.id, m]));
  const live = store.models.length ? store.models : board?.models ?? [];
  return live.map((m) => ({ ...(extra.get(m.id) ?? {}), ...m }));
}

/** In-flight entries per model, from the inflight frames: {streaming, queued, total}. */
export function inflightByModel() {
  const counts = new Map();
  for (const r of store.inflight.values()) {
    const c = counts.get(r.model) ?? { queued: 0, active: 0 };
    if (r.state === "queued" || r.state === "loading" || r.queue_position) c.queued++;
    else c.active++;
    counts.set(r.model, c);
  }
  return counts;
}

export function stateCell(m, now) {
  const since = m.state_since ? Date.parse(m.state_since) : null;
  let progress = "";
  if (m.state === "starting" && typeof m.progress === "number") {
    // a learned load time: a real bar (0 to 0.95) and the seconds it says are left
    const pct = Math.round(Math.min(1, Math.max(0, m.progress)) * 100);
    const eta = typeof m.eta === "number" ? (m.eta > 0 ? `about ${fmtMs(m.eta * 1000)} left` : "any moment") : "";
    progress = html`<div class="small muted load-eta">${pct}%${eta ? ` · ${eta}` : ""}</div>
      <div class="progress known" role="progressbar" aria-valuenow="${pct}"><i style="width:${pct}%"></i></div>`;
  } else if ((m.state === "starting" || m.state === "stopping") && since) {
    const elapsed = now - since;
    const limit = m.state === "starting" && m.health_check_timeout ? ` of ${m.health_check_timeout}s` : "";
    progress = html`<div class="small muted">${fmtMs(elapsed)}${limit}</div><div class="progress"><i></i></div>`;
  } else if (m.state === "starting" || m.state === "stopping") {
    progress = html`<div class="progress"><i></i></div>`;
  }
  const title = m.state === "sleeping" ? "asleep: its server is kept and wakes faster than a start" : "";
  return html`<span class="state state-${m.state}" data-state="${m.state}" title="${title}">${m.state}</span>${progress}`;
}

export function ttlText(m, now) {
  if (!m.ttl || m.ttl <= 0) return "never";
  if (m.state === "ready" && m.ttl_expires_at) {
    const left = Date.parse(m.ttl_expires_at) - now;
    return left > 0 ? `unloads in ${fmtMs(left)}` : "unloading";
  }
  return `${m.ttl}s idle`;
}

function placement(m, board) {
  if (m.group) {
    const flags = [m.group.swap ? "swap" : "together", m.group.exclusive ? "exclusive" : null,
      m.group.persistent ? "persistent" : null].filter(Boolean).join(", ");
    return html`<span class="tag" title="${flags}">group ${m.group.id}</span>`;
  }
  if (m.sets) {
    return m.sets.length ? m.sets.map((s) => html`<span class="tag">set ${s}</span>`) : html`<span class="muted">runs alone</span>`;
  }
  return board?.router ? "" : html`<span class="muted">—</span>`;
}

export function mount(root) {
  let board = null;
  let busy = new Set();
  let error = "";
  render(root, html`
    <div class="row"><h1>Models</h1><span class="spacer"></span>
      <button id="unload-all" class="danger">Unload all</button></div>
    <p id="models-error" class="error" hidden></p>
    <div class="table-wrap"><table id="models">
      <thead><tr><th>Model</th><th>State</th><th>Placement</th><th>TTL</th><th class="num">In flight</th>
        <th class="num">Queued</th><th></th></tr></thead><tbody></tbody></table></div>
    <p class="small muted" id="models-foot"></p>
    <div id="models-more"></div>`);
  const unmountMore = mountMore($("#models-more", root));

  const draw = () => {
    const now = Date.now();
    const models = mergedModels(board);
    const counts = inflightByModel();
    const rows = models.map((m) => {
      const c = counts.get(m.id);
      const inFlight = m.in_flight ?? c?.active ?? 0;
      const queued = (m.queued ?? 0) + (m.waiting ?? 0) || c?.queued || 0;
      const running = m.state === "ready" || m.state === "starting";
      return html`<tr data-model="${m.id}">
        <td class="wrap"><a href="#/models/${encodeURIComponent(m.id)}"><b>${m.name || m.id}</b></a>
          ${m.name && m.name !== m.id ? html`<div class="small muted mono">${m.id}</div>` : ""}
          ${m.description ? html`<div class="small muted">${m.description}</div>` : ""}
          ${(m.aliases ?? []).length ? html`<div>${m.aliases.map((a) => html`<span class="tag">${a}</span>`)}</div>` : ""}
          ${m.unlisted ? html`<span class="tag">unlisted</span>` : ""}</td>
        <td class="state-cell">${stateCell(m, now)}</td>
        <td>${placement(m, board)}</td>
        <td class="ttl">${ttlText(m, now)}</td>
        <td class="num in-flight" data-label="in flight">${inFlight}</td>
        <td class="num queued" data-label="queued">${queued}</td>
        <td><div class="row">
          <button class="load" data-action="load" data-model="${m.id}" ${busy.has(m.id) || running ? raw("disabled") : ""}>Load</button>
          <button class="unload" data-action="unload" data-model="${m.id}" ${m.state === "stopped" ? raw("disabled") : ""}>Unload</button>
        </div></td></tr>`;
    });
    patchRows($("tbody", root), rows.length ? rows : html`<tr><td colspan="7" class="empty">No models yet.</td></tr>`, "data-model");
    const e = $("#models-error", root);
    e.hidden = !error;
    e.textContent = error;
    if (board) {
      const fair = [];
      if (board.starvation_timeout_ms) fair.push(`starvation bound ${fmtMs(board.starvation_timeout_ms)}`);
      if (board.min_residency_ms) fair.push(`minimum residency ${fmtMs(board.min_residency_ms)}`);
      $("#models-foot", root).textContent = [`Router: ${board.router}`, ...fair].join(" · ");
    }
  };

  const refresh = debounce(async () => {
    try {
      board = await getJson("/api/ui/models");
    } catch (e) {
      if (e.status !== 401) error = `Could not read the model board: ${e.message}`;
    }
    draw();
  }, 150);

  const act = async (action, model) => {
    busy.add(model);
    error = "";
    draw();
    try {
      if (action === "load") {
        const response = await request(`/api/models/load/${encodeURIComponent(model)}`, { method: "POST" });
        if (!response.ok) throw await errorOf(response);
      } else {
        await postJson(`/api/models/unload/${encodeURIComponent(model)}`);
      }
    } catch (e) {
      error = `${action} ${model}: ${e.message}`;
    } finally {
      busy.delete(model);
      refresh();
    }
  };

  const offs = [
    delegate(root, "click", "[data-action]", (e, b) => act(b.dataset.action, b.dataset.model)),
    subscribe("models", refresh),
    subscribe("inflight", refresh),
    subscribe("activity", refresh),
    subscribe("connection", refresh),
  ];
  $("#unload-all", root).addEventListener("click", async () => {
    try { await postJson("/api/models/unload"); } catch (e) { error = `unload all: ${e.message}`; }
    refresh();
  });
  // only the time-dependent cells change each second: the buttons stay put under the pointer
  const tick = () => {
    const now = Date.now();
    const byId = new Map(mergedModels(board).map((m) => [m.id, m]));
    for (const row of root.querySelectorAll("tr[data-model]")) {
      const m = byId.get(row.dataset.model);
      if (!m) continue;
      render(row.querySelector(".state-cell"), stateCell(m, now));
      row.querySelector(".ttl").textContent = ttlText(m, now);
    }
  };
  const ticker = setInterval(tick, 1000);
  const resync = setInterval(refresh, 10000);
  draw();
  refresh();
  return () => { offs.forEach((off) => off()); clearInterval(ticker); clearInterval(resync); unmountMore(); };
}

