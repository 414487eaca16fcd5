// Completed requests: the table rows, stats computed in the page when the server has none, exports, and the
// capture dialog (JSON pretty-printed, an SSE answer recombined into its text).
import { esc, fmtMs, fmtNum, fmtRate, fmtTime, html } from "../dom.js";
import { getJson } from "../api.js";

export const COLUMNS = ["id", "time", "model", "served by", "path", "status", "cached", "prompt", "generated", "prefill t/s",
  "decode t/s", "duration ms", "error"];

export function fields(r) {
  const t = r.tokens ?? {};
  return [r.id, r.timestamp, r.model, r.served_by ?? "", r.req_path, r.resp_status_code, t.cache_tokens ?? 0, t.input_tokens ?? 0,
    t.output_tokens ?? 0, round(t.prompt_per_second), round(t.tokens_per_second), r.duration_ms, r.error_msg ?? ""];
}

function round(n) {
  return n ? Math.round(n * 10) / 10 : 0;
}

export function toCsv(rows) {
  const cell = (v) => {
    const s = String(v ?? "");
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [COLUMNS, ...rows.map(fields)].map((line) => line.map(cell).join(",")).join("\n") + "\n";
}

export function toMarkdown(rows) {
  const cell = (v) => String(v ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");
  const lines = [`| ${COLUMNS.join(" | ")} |`, `|${COLUMNS.map(() => "---").join("|")}|`];
  for (const r of rows) lines.push(`| ${fields(r).map(cell).join(" | ")} |`);
  return lines.join("\n") + "\n";
}

function statusClass(code) {
  return code >= 200 && code < 300 ? "ok" : "error";
}

/** Table rows for completed requests; `withModel` false drops the model column (a model's own page). */
export function activityRows(rows, withModel = true) {
  return rows.map((r) => {
    const t = r.tokens ?? {};
    return html`<tr data-id="${r.id}">
      <td class="num">${r.id}</td><td>${fmtTime(r.timestamp)}</td>
      ${withModel ? html`<td>${modelCell(r)}</td>` : ""}
      <td class="mono">${r.req_path}</td>
      <td class="${statusClass(r.resp_status_code)}">${r.resp_status_code}</td>
      <td class="num">${fmtNum(t.cache_tokens)}</td><td class="num tokens-in">${fmtNum(t.input_tokens)}</td>
      <td class="num tokens-out">${fmtNum(t.output_tokens)}</td>
      <td class="num">${fmtRate(t.prompt_per_second)}</td><td class="num">${fmtRate(t.tokens_per_second)}</td>
      <td class="num">${fmtMs(r.duration_ms)}</td>
      <td class="wrap error">${r.error_msg ?? ""}</td>
      <td>${r.has_capture ? html`<button class="capture" data-capture="${r.id}">View</button>` : ""}</td></tr>`;
  });
}

export function activityHead(withModel = true) {
  return html`<tr><th class="num">#</th><th>Time</th>${withModel ? html`<th>Model</th>` : ""}<th>Path</th><th>Status</th>
    <th class="num">Cached</th><th class="num">Prompt</th><th class="num">Generated</th><th class="num">Prefill</th>
    <th class="num">Decode</th><th class="num">Duration</th><th>Error</th><th>Capture</th></tr>`;
}

function percentile(sorted, p) {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** llama-swap's histogram shape, computed from values (the page's fallback when /api/metrics/stats is absent). */
export function histogramOf(values, binCount = 20) {
  const v = values.filter((x) => x > 0).sort((a, b) => a - b);
  if (!v.length) return null;
  const min = v[0];
  const max = v[v.length - 1];
  const binSize = (max - min) / binCount || 1;
  const bins = new Array(binCount).fill(0);
  for (const x of v) bins[Math.min(binCount - 1, Math.floor((x - min) / binSize))]++;
  return { bins, min, max: min + binSize * binCount, binSize, p50: percentile(v, 50), p95: percentile(v, 95), p99: percentile(v, 99) };
}

export function statsOf(rows) {
  const sum = (f) => rows.reduce((n, r) => n + (r.tokens?.[f] ?? 0), 0);
  return {
    total_requests: rows.length,
    total_input_tokens: sum("input_tokens"),
    total_output_tokens: sum("output_tokens"),
    total_cache_tokens: sum("cache_tokens"),
    prompt_histogram: histogramOf(rows.map((r) => r.tokens?.prompt_per_second ?? 0)),
    gen_histogram: histogramOf(rows.map((r) => r.tokens?.tokens_per_second ?? 0)),
  };
}

function decode(base64) {
  if (!base64) return "";
  try {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  } catch (e) {
    return String(base64);
  }
}

function pretty(text) {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
}

/** The text an SSE answer streamed (OpenAI chat/completions, Anthropic messages, responses), or null if not SSE. */
export function recombineSse(text) {
  if (!/^data:/m.test(text)) return null;
  let content = "";
  let reasoning = "";
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith("data:")) continue;
    const payload = line.slice(5).trim();
    if (!payload || payload === "[DONE]") continue;
    try {
      const d = JSON.parse(payload);
      const choice = d.choices?.[0];
      content += choice?.delta?.content ?? choice?.text ?? d.delta?.text ?? (d.type === "response.output_text.delta" ? d.delta : "") ?? "";
      reasoning += choice?.delta?.reasoning_content ?? choice?.delta?.reasoning ?? d.delta?.thinking ?? "";
    } catch (e) { /* not JSON: skip */ }
  }
  return { content, reasoning };
}

function headers(h) {
  return Object.entries(h ?? {}).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : v}`).join("\n");
}

/** Opens the capture dialog for one activity id. */
export async function showCapture(id) {
  let dialog = document.getElementById("capture-dialog");
  if (!dialog) {
    dialog = document.createElement("dialog");
    dialog.id = "capture-dialog";
    document.body.appendChild(dialog);
    dialog.addEventListener("click", (e) => { if (e.target.matches("[data-close]")) dialog.close(); });
  }
  dialog.innerHTML = `<p class="muted">Loading capture ${esc(id)}…</p>`;
  dialog.showModal();
  try {
    const c = await getJson(`/api/captures/${encodeURIComponent(id)}`);
    const req = decode(c.req_body);
    const resp = decode(c.resp_body);
    const sse = recombineSse(resp);
    dialog.innerHTML = String(html`
      <div class="row"><h2>Request #${c.id} <span class="mono small">${c.req_path}</span></h2><span class="spacer"></span>
        <button data-close>Close</button></div>
      <h3>Request headers</h3><pre>${headers(c.req_headers)}</pre>
      <h3>Request body</h3><pre class="capture-request">${pretty(req)}</pre>
      <h3>Response headers</h3><pre>${headers(c.resp_headers)}</pre>
      ${sse ? html`<h3>Answer (recombined from the stream)</h3>
        ${sse.reasoning ? html`<pre class="capture-reasoning muted">${sse.reasoning}</pre>` : ""}
        <pre class="capture-answer">${sse.content}</pre>
        <details><summary>Raw stream</summary><pre>${resp}</pre></details>`
        : html`<h3>Response body</h3><pre class="capture-response">${pretty(resp)}</pre>`}`);
  } catch (e) {
    dialog.innerHTML = String(html`<p class="error">Capture ${id}: ${e.message}</p><button data-close>Close</button>`);
  }
}

/**
 * A request's model as a person asked for it and as it was served: the model, the name the client used when it was
 * another (an alias, a selector, a peer model's bare name), and the target a failover selector moved it to.
 */
export function modelCell(r) {
  return html`${r.model}${r.requested ? html`<div class="small requested" title="the name the request asked for">asked as ${r.requested}</div>` : ""}${r.served_by ? html`<div class="small served-by" title="a failover selector: the target that answered">→ ${r.served_by}</div>` : ""}`;
}
