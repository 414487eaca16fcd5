// Performance / hardware: CPU, memory, load and per-GPU memory and utilisation over 5 min / 15 min / 1 h, per-model
// GPU memory when modelswap can attribute it, and the startup hardware snapshot. Hidden when there is no data.
import { $, delegate, fmtBytes, fmtNum, html, raw, render } from "../dom.js";
import { request, errorOf } from "../api.js";
import { lines } from "../charts.js";

export const id = "performance";
export const title = "Performance";

const WINDOWS = { "5m": 5, "15m": 15, "1h": 60 };
const REFRESH_MS = 5000;

function chart(titleText, series, opts) {
  const svg = lines(series, opts);
  return svg ? html`<div class="card"><h3>${titleText}</h3>${raw(svg)}</div>` : "";
}

function t(s) {
  return Date.parse(s.timestamp);
}

export function mount(root) {
  let minutes = 5;
  let data = null;
  let hardware = null;
  let message = "";
  render(root, html`
    <div class="row"><h1>Performance</h1><span class="spacer"></span>
      <div class="tabs" role="tablist" id="windows">${Object.keys(WINDOWS).map((w) =>
        html`<button data-window="${w}" aria-selected="${w === "5m"}">${w}</button>`)}</div></div>
    <p class="muted" id="perf-message"></p>
    <div class="grid" id="perf-charts"></div>
    <div id="perf-models"></div>
    <h2>Hardware</h2><div id="hardware" class="card"><span class="muted">Loading…</span></div>`);

  const draw = () => {
    $("#perf-message", root).textContent = message;
    const sys = data?.sys_stats ?? [];
    const gpu = data?.gpu_stats ?? [];
    const charts = [];
    if (sys.length) {
      charts.push(chart("CPU (average of cores, %)", [{ name: "cpu", points: sys.map((s) => [t(s),
        (s.cpu_util_per_core ?? []).reduce((a, b) => a + b, 0) / Math.max(1, (s.cpu_util_per_core ?? []).length)]) }], { max: 100, unit: "%" }));
      charts.push(chart("Memory used (%)", [
        { name: "memory", points: sys.map((s) => [t(s), s.mem_total_mb ? (100 * s.mem_used_mb) / s.mem_total_mb : 0]) },
        { name: "swap", points: sys.map((s) => [t(s), s.swap_total_mb ? (100 * s.swap_used_mb) / s.swap_total_mb : 0]) }],
      { max: 100, unit: "%" }));
      charts.push(chart("Load average", [
        { name: "1 min", points: sys.map((s) => [t(s), s.load_avg_1 ?? 0]) },
        { name: "5 min", points: sys.map((s) => [t(s), s.load_avg_5 ?? 0]) },
        { name: "15 min", points: sys.map((s) => [t(s), s.load_avg_15 ?? 0]) }]));
    }
    const byGpu = new Map();
    for (const g of gpu) {
      if (!byGpu.has(g.id)) byGpu.set(g.id, []);
      byGpu.get(g.id).push(g);
    }
    for (const [gid, samples] of byGpu) {
      const name = `GPU ${gid} ${samples[0].name ?? ""}`;
      charts.push(chart(`${name}: utilisation (%)`, [
        { name: "gpu", points: samples.map((g) => [t(g), g.gpu_util_pct ?? 0]) },
        { name: "memory", points: samples.map((g) => [t(g), g.mem_util_pct ?? 0]) }], { max: 100, unit: "%" }));
      const total = samples[samples.length - 1].mem_total_mb;
      charts.push(chart(`${name}: memory used (MB of ${fmtNum(total)})`, [
        { name: "used", points: samples.map((g) => [t(g), g.mem_used_mb ?? 0]) }], { max: total || null }));
    }
    render($("#perf-charts", root), charts.length ? charts : html`<p class="muted">No samples in this window yet.</p>`);
    // per-model GPU memory: each GPU sample lists the models whose process tree holds memory on it; the latest counts
    const perModel = [...byGpu].flatMap(([gid, samples]) => {
      const last = samples[samples.length - 1];
      return (last.models ?? []).map((m) => ({ ...m, gpu: `${gid} ${last.name ?? ""}` }));
    });
    render($("#perf-models", root), perModel.length ? html`<h2>GPU memory per model</h2><div class="table-wrap"><table id="perf-model-table">
      <thead><tr><th>Model</th><th>GPU</th><th class="num">Memory</th></tr></thead><tbody>${perModel.map((m) => html`<tr>
      <td>${m.model}</td><td>${m.gpu}</td><td class="num">${fmtBytes((m.mem_used_mb ?? 0) * 1024 * 1024)}</td></tr>`)}
      </tbody></table></div>` : "");
    render($("#hardware", root), hardware ? html`<dl class="kv">
      <dt>System</dt><dd>${hardware.operating_system?.name ?? hardware.operating_system?.family ?? ""} ${hardware.operating_system?.version ?? ""}
        (${hardware.architecture?.name ?? ""})</dd>
      <dt>CPU</dt><dd>${hardware.cpu?.model ?? ""} · ${hardware.cpu?.logical_thread_count ?? "?"} threads</dd>
      <dt>Memory</dt><dd>${fmtBytes(hardware.memory?.capacity_bytes)}</dd>
      ${(hardware.accelerators ?? []).map((a) => html`<dt>Accelerator ${a.index}</dt><dd>${a.vendor ?? ""} ${a.model ?? ""}
        ${a.memory?.capacity_bytes ? `· ${fmtBytes(a.memory.capacity_bytes)}` : ""}</dd>`)}
      </dl>` : html`<span class="muted">No hardware snapshot.</span>`);
  };

  const load = async () => {
    const after = new Date(Date.now() - minutes * 60000).toISOString();
    try {
      const response = await request(`/api/performance?after=${encodeURIComponent(after)}`);
      if (response.status === 503) {
        message = "modelswap records no performance data (performance sampling is off or unsupported here).";
        data = null;
      } else if (!response.ok) {
        throw await errorOf(response);
      } else {
        data = await response.json();
        message = "";
      }
    } catch (e) {
      message = e.status === 404 ? "This modelswap does not serve performance data." : e.message;
    }
    if (!hardware) {
      try {
        const response = await request("/api/hardware");
        if (response.ok) hardware = await response.json();
      } catch (e) { /* shown as missing */ }
    }
    draw();
  };

  const off = delegate(root, "click", "[data-window]", (e, b) => {
    minutes = WINDOWS[b.dataset.window];
    for (const x of root.querySelectorAll("[data-window]")) x.setAttribute("aria-selected", String(x === b));
    load();
  });
  const timer = setInterval(load, REFRESH_MS);
  load();
  return () => { off(); clearInterval(timer); };
}
