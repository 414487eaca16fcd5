// Logs: modelswap's own log and the upstreams' output, live, ANSI colours rendered, per model, pause and filter.
import { $, html, render } from "../dom.js";
import { store, subscribe } from "../api.js";
import { ansiToHtml, stripAnsi } from "../text.js";

export const id = "logs";
export const title = "Logs";

/** The lines of text that pass the model choice (upstream lines start with "[model] ") and the filter. */
export function visibleLines(text, { model = "", filter = "", source = "upstream" } = {}) {
  let lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  if (model && source === "upstream") lines = lines.filter((l) => stripAnsi(l).startsWith(`[${model}] `));
  if (model && source === "proxy") lines = lines.filter((l) => stripAnsi(l).includes(model));
  if (filter) {
    const f = filter.toLowerCase();
    lines = lines.filter((l) => stripAnsi(l).toLowerCase().includes(f));
  }
  return lines;
}

export function mount(root) {
  let paused = false;
  let pending = false;
  render(root, html`
    <div class="row"><h1>Logs</h1><span class="spacer"></span>
      <label>Model <select id="log-model"><option value="">all</option></select></label>
      <label>Filter <input id="log-filter" type="search" placeholder="text in the line"></label>
      <button id="log-pause" aria-pressed="false">Pause</button></div>
    <div class="logs">
      <section><h2>Proxy</h2><pre class="log" id="log-proxy"></pre></section>
      <section><h2>Upstream</h2><pre class="log" id="log-upstream"></pre></section>
    </div>`);

  const draw = (source) => {
    const el = $(`#log-${source}`, root);
    const opts = { model: $("#log-model", root).value, filter: $("#log-filter", root).value.trim(), source };
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    el.innerHTML = ansiToHtml(visibleLines(store.logs[source], opts).join("\n"));
    if (atBottom) el.scrollTop = el.scrollHeight;
  };
  const drawAll = () => { draw("proxy"); draw("upstream"); };

  // a burst of lines is drawn once per frame
  const schedule = () => {
    if (paused || pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; drawAll(); });
  };

  const drawModels = () => {
    const select = $("#log-model", root);
    const chosen = select.value;
    render(select, html`<option value="">all</option>${store.models.map((m) =>
      html`<option ${m.id === chosen ? "selected" : ""}>${m.id}</option>`)}`);
    select.value = chosen;
  };

  $("#log-pause", root).addEventListener("click", (e) => {
    paused = !paused;
    e.target.textContent = paused ? "Resume" : "Pause";
    e.target.setAttribute("aria-pressed", String(paused));
    if (!paused) drawAll();
  });
  $("#log-filter", root).addEventListener("input", drawAll);
  $("#log-model", root).addEventListener("change", drawAll);
  const offs = [subscribe("log", schedule), subscribe("reset", schedule), subscribe("models", drawModels)];
  drawModels();
  drawAll();
  for (const el of root.querySelectorAll(".log")) el.scrollTop = el.scrollHeight;
  return () => offs.forEach((off) => off());
}
