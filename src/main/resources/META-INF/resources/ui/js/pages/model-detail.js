// One model: its state and controls, live logs (/logs/stream/<id>), its activity, its effective configuration.
import { $, debounce, delegate, html, render } from "../dom.js";
import { errorOf, getJson, postJson, readText, request, subscribe } from "../api.js";
import { ansiToHtml } from "../text.js";
import { mergedModels, stateCell, ttlText } from "./models.js";
import { activityHead, activityRows, showCapture } from "./activity-data.js";

export const id = "model";
export const title = "Models";

const LOG_LIMIT = 200 * 1024;

/** Streams a chunked text log into element until abort; keeps the last LOG_LIMIT characters. */
export function streamLog(path, element, signal, { paused = () => false } = {}) {
  let text = "";
  (async () => {
    try {
      const response = await request(path, { signal });
      if (!response.ok) throw await errorOf(response);
      await readText(response, (chunk) => {
        text += chunk;
        if (text.length > LOG_LIMIT) text = text.slice(text.length - LOG_LIMIT);
        if (!paused()) {
          const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
          element.innerHTML = ansiToHtml(text);
          if (atBottom) element.scrollTop = element.scrollHeight;
        }
      });
    } catch (e) {
      if (!signal.aborted) element.insertAdjacentText("beforeend", `\n[log stream ended: ${e.message}]`);
    }
  })();
}

function configView(cfg) {
  if (!cfg) return html`<p class="muted">This modelswap does not serve a model's effective configuration.</p>`;
  return html`<pre class="mono" id="model-config">${JSON.stringify(cfg, null, 2)}</pre>`;
}

export function mount(root, modelId) {
  const abort = new AbortController();
  let board = null;
  let config = undefined;
  let tab = "logs";
  render(root, html`
    <div class="row"><h1>${modelId}</h1><span class="spacer"></span>
      <button data-action="load">Load</button><button data-action="unload" class="danger">Unload</button></div>
    <div class="card" id="model-summary"></div>
    <p class="error" id="model-error" hidden></p>
    <div class="tabs" role="tablist">
      <button role="tab" data-tab="logs" aria-selected="true">Logs</button>
      <button role="tab" data-tab="activity">Activity</button>
      <button role="tab" data-tab="config">Configuration</button>
    </div>
    <section data-panel="logs"><pre class="log" id="model-log"></pre></section>
    <section data-panel="activity" hidden><div class="table-wrap"><table id="model-activity">
      <thead>${activityHead(false)}</thead><tbody></tbody></table></div></section>
    <section data-panel="config" hidden><div id="config-body"></div></section>`);

  const drawSummary = () => {
    const m = mergedModels(board).find((x) => x.id === modelId);
    if (!m) {
      render($("#model-summary", root), html`<span class="error">No model '${modelId}' in the configuration.</span>`);
      return;
    }
    const now = Date.now();
    render($("#model-summary", root), html`<dl class="kv">
      <dt>State</dt><dd>${stateCell(m, now)}${m.state_reason ? html` <span class="muted small">(${m.state_reason})</span>` : ""}</dd>
      ${m.name ? html`<dt>Name</dt><dd>${m.name}</dd>` : ""}
      ${m.description ? html`<dt>Description</dt><dd>${m.description}</dd>` : ""}
      <dt>Aliases</dt><dd>${(m.aliases ?? []).join(", ") || "—"}</dd>
      <dt>TTL</dt><dd>${ttlText(m, now)}</dd>
      <dt>In flight / queued</dt><dd>${m.in_flight ?? 0} / ${(m.queued ?? 0) + (m.waiting ?? 0)}</dd>
      ${m.group ? html`<dt>Group</dt><dd>${m.group.id}</dd>` : ""}
      ${m.sets ? html`<dt>Matrix sets</dt><dd>${m.sets.join(", ") || "none (runs alone)"}</dd>` : ""}
    </dl>`);
  };

  const refreshBoard = debounce(async () => {
    try { board = await getJson("/api/ui/models"); } catch (e) { /* the summary keeps the last board */ }
    drawSummary();
  }, 150);

  const loadActivity = debounce(async () => {
    try {
      const result = await getJson(`/api/metrics/activity?model=${encodeURIComponent(modelId)}&limit=100`);
      const rows = result.data ?? [];
      render($("#model-activity tbody", root), rows.length ? activityRows(rows, false)
        : html`<tr><td colspan="12" class="empty">No requests for this model yet.</td></tr>`);
    } catch (e) { /* shown on the next event */ }
  }, 200);

  const loadConfig = async () => {
    if (config !== undefined) return;
    try {
      config = await getJson(`/api/models/${encodeURIComponent(modelId)}/config`);
    } catch (e) {
      config = e.status === 404 ? null : { error: e.message };
    }
    render($("#config-body", root), configView(config));
  };

  const act = async (action) => {
    const err = $("#model-error", root);
    err.hidden = true;
    try {
      if (action === "load") {
        const response = await request(`/api/models/load/${encodeURIComponent(modelId)}`, { method: "POST" });
        if (!response.ok) throw await errorOf(response);
      } else {
        await postJson(`/api/models/unload/${encodeURIComponent(modelId)}`);
      }
    } catch (e) {
      err.hidden = false;
      err.textContent = `${action}: ${e.message}`;
    }
    refreshBoard();
  };

  const offs = [
    subscribe("models", refreshBoard),
    subscribe("inflight", refreshBoard),
    subscribe("activity", () => { refreshBoard(); loadActivity(); }),
    delegate(root, "click", "[data-action]", (e, b) => act(b.dataset.action)),
    delegate(root, "click", "[data-capture]", (e, b) => showCapture(b.dataset.capture)),
    delegate(root, "click", "[data-tab]", (e, b) => {
      tab = b.dataset.tab;
      for (const t of root.querySelectorAll("[data-tab]")) t.setAttribute("aria-selected", String(t.dataset.tab === tab));
      for (const p of root.querySelectorAll("[data-panel]")) p.hidden = p.dataset.panel !== tab;
      if (tab === "config") loadConfig();
    }),
  ];
  streamLog(`/logs/stream/${encodeURIComponent(modelId)}`, $("#model-log", root), abort.signal);
  const ticker = setInterval(drawSummary, 1000);
  refreshBoard();
  loadActivity();
  return () => { abort.abort(); offs.forEach((off) => off()); clearInterval(ticker); };
}
