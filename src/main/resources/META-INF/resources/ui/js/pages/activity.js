// Activity: requests in flight (live, with cancel) and completed requests (filters, totals, token-speed
// histograms, CSV / Markdown export, captures).
import { $, debounce, delegate, download, fmtBytes, fmtMs, fmtNum, html, patchRows, raw, render } from "../dom.js";
import { getJson, postJson, store, subscribe } from "../api.js";
import { histogram } from "../charts.js";
import { activityHead, activityRows, modelCell, showCapture, statsOf, toCsv, toMarkdown } from "./activity-data.js";

export const id = "activity";
export const title = "Activity";

const PAGE_SIZE = 100;

function header(r, name) {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(r.req_headers ?? {})) {
    if (k.toLowerCase() === wanted) return Array.isArray(v) ? v.join(", ") : v;
  }
  return "";
}

function sessionOf(r) {
  if (r.session_id) return r.session_id;
  const names = store.uiConfig?.activity?.session_id ?? ["X-Session-ID", "X-Litellm-Session-Id"];
  for (const n of names) {
    const v = header(r, n);
    if (v) return v;
  }
  return "";
}

/** What an in-flight request is doing: queued (with its position), loading its model, or streaming. */
function phase(r) {
  if (r.queue_position) return `queued #${r.queue_position}`;
  return r.state ?? "";
}

/** The server's elapsed time when the entry arrived, plus the time since (one clock: Date.now()). */
function elapsedOf(r, now) {
  return (r.elapsed_ms ?? 0) + Math.max(0, now - (r.received_at ?? now));
}

export function inflightRows(now) {
  const rows = [...store.inflight.values()].sort((a, b) => String(a.timestamp).localeCompare(String(b.timestamp)));
  return rows.map((r) => {
    const elapsed = elapsedOf(r, now);
    const sent = r.resp_bytes ?? r.bytes_sent ?? 0;
    const received = r.req_bytes ?? r.bytes_received;
    return html`<tr data-inflight="${r.id}">
      <td class="num elapsed">${fmtMs(elapsed)}</td><td>${modelCell(r)}</td><td class="mono">${r.method ?? ""} ${r.req_path ?? r.path}</td>
      <td>${phase(r)}</td><td class="mono">${r.remote_ip ?? r.client_address ?? r.remote_addr ?? ""}</td>
      <td class="wrap small">${r.user_agent ?? header(r, "User-Agent")}</td><td class="mono">${sessionOf(r)}</td>
      <td class="num">${received === undefined ? "" : `${fmtBytes(received)} / `}${fmtBytes(sent)}</td>
      <td><button class="danger cancel" data-cancel="${r.id}">Cancel</button></td></tr>`;
  });
}

export function mount(root) {
  let rows = [];
  let total = 0;
  let stats = null;
  let note = "";
  render(root, html`
    <h1>Activity</h1>
    <h2>In flight <span class="badge" id="inflight-count">0</span></h2>
    <div class="table-wrap"><table id="inflight">
      <thead><tr><th class="num">Elapsed</th><th>Model</th><th>Request</th><th>Phase</th><th>Client</th>
        <th>User agent</th><th>Session</th><th class="num">In / out</th><th></th></tr></thead><tbody></tbody></table></div>
    <p id="inflight-error" class="error" hidden></p>
    <h2>Completed</h2>
    <form class="row" id="filters">
      <label>Model <select name="model"><option value="">all</option></select></label>
      <label>From <input type="datetime-local" name="start" step="1"></label>
      <label>To <input type="datetime-local" name="end" step="1"></label>
      <label>Page <input type="number" name="page" min="1" value="1" style="width:5em"></label>
      <span class="spacer"></span>
      <button type="button" id="export-csv">Export CSV</button>
      <button type="button" id="export-md">Export Markdown</button>
    </form>
    <div class="totals" id="totals"></div>
    <div class="grid" id="histograms"></div>
    <div class="table-wrap"><table id="completed"><thead>${activityHead()}</thead><tbody></tbody></table></div>
    <p class="small muted" id="activity-note"></p>`);
  const form = $("#filters", root);

  const query = (extra = {}) => {
    const f = new FormData(form);
    const p = new URLSearchParams();
    if (f.get("model")) p.append("model", f.get("model"));
    for (const k of ["start", "end"]) if (f.get(k)) p.set(k, new Date(f.get(k)).toISOString());
    for (const [k, v] of Object.entries(extra)) p.set(k, v);
    return p;
  };

  const drawInflight = () => {
    const body = inflightRows(Date.now());
    patchRows($("#inflight tbody", root), body.length ? body : html`<tr><td colspan="9" class="empty">Nothing in flight.</td></tr>`,
      "data-inflight");
    $("#inflight-count", root).textContent = String(store.inflight.size);
  };

  const drawModels = () => {
    const select = form.elements.model;
    const chosen = select.value;
    const ids = store.models.map((m) => m.id);
    if (chosen && !ids.includes(chosen)) ids.push(chosen);
    render(select, html`<option value="">all</option>${ids.map((m) => html`<option ${m === chosen ? "selected" : ""}>${m}</option>`)}`);
    select.value = chosen;
  };

  const drawCompleted = () => {
    patchRows($("#completed tbody", root), rows.length ? activityRows(rows)
      : html`<tr><td colspan="13" class="empty">No requests yet.</td></tr>`, "data-id");
    const s = stats ?? statsOf(rows);
    render($("#totals", root), html`
      <div class="card"><span class="muted small">Requests</span><b id="total-requests">${fmtNum(s.total_requests)}</b></div>
      <div class="card"><span class="muted small">Prompt tokens</span><b>${fmtNum(s.total_input_tokens)}</b></div>
      <div class="card"><span class="muted small">Generated tokens</span><b>${fmtNum(s.total_output_tokens)}</b></div>
      <div class="card"><span class="muted small">Cached tokens</span><b>${fmtNum(s.total_cache_tokens)}</b></div>`);
    const hist = (name, h) => h ? html`<div class="card"><h3>${name}</h3>${raw(histogram(h))}
      <div class="small muted">p50 ${fmtNum(h.p50, 1)} · p95 ${fmtNum(h.p95, 1)} · p99 ${fmtNum(h.p99, 1)} t/s</div></div>` : "";
    render($("#histograms", root), [hist("Prefill speed (prompt)", s.prompt_histogram), hist("Decode speed (generation)", s.gen_histogram)]);
    $("#activity-note", root).textContent = `${rows.length} of ${total} shown. ${note}`;
  };

  const load = debounce(async () => {
    const page = Number(form.elements.page.value) || 1;
    try {
      const result = await getJson(`/api/metrics/activity?${query({ limit: PAGE_SIZE, page })}`);
      rows = result.data ?? [];
      total = result.total ?? rows.length;
    } catch (e) {
      note = e.message;
    }
    try {
      stats = await getJson(`/api/metrics/stats?${query()}`);
      note = "";
    } catch (e) {
      stats = null; // older servers: totals and histograms of the rows shown
    }
    drawCompleted();
  }, 200);

  const exportAs = async (kind) => {
    // every row that passes the filters, page by page (the API serves at most 999 a page)
    const all = [];
    for (let page = 1; page <= 50; page++) {
      const result = await getJson(`/api/metrics/activity?${query({ limit: 999, page })}`);
      all.push(...(result.data ?? []));
      if (page >= (result.total_pages ?? 1)) break;
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    if (kind === "csv") download(`modelswap-activity-${stamp}.csv`, "text/csv", toCsv(all));
    else download(`modelswap-activity-${stamp}.md`, "text/markdown", toMarkdown(all));
  };

  const cancel = async (id) => {
    const err = $("#inflight-error", root);
    try {
      await postJson(`/api/inflight/${encodeURIComponent(id)}/cancel`);
      err.hidden = true;
    } catch (e) {
      err.hidden = false;
      err.textContent = `cancel ${id}: ${e.message}`;
    }
  };

  const offs = [
    subscribe("inflight", drawInflight),
    subscribe("reset", drawInflight),
    subscribe("models", drawModels),
    subscribe("activity", load),
    subscribe("connection", (s) => { if (s === "connected") load(); }),
    delegate(root, "click", "[data-cancel]", (e, b) => cancel(b.dataset.cancel)),
    delegate(root, "click", "[data-capture]", (e, b) => showCapture(b.dataset.capture)),
  ];
  form.addEventListener("change", load);
  form.addEventListener("submit", (e) => { e.preventDefault(); load(); });
  $("#export-csv", root).addEventListener("click", () => exportAs("csv"));
  $("#export-md", root).addEventListener("click", () => exportAs("md"));
  // each second only the elapsed times change: the Cancel buttons stay put under the pointer
  const tick = () => {
    const now = Date.now();
    for (const row of root.querySelectorAll("#inflight tr[data-inflight]")) {
      const r = store.inflight.get(row.dataset.inflight);
      if (r) row.querySelector(".elapsed").textContent = fmtMs(elapsedOf(r, now));
    }
  };
  const ticker = setInterval(tick, 1000);
  drawModels();
  drawInflight();
  load();
  return () => { offs.forEach((off) => off()); clearInterval(ticker); };
}

