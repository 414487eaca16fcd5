// Config: the file in use (secrets masked), the last reload's time and result, a refused edit's problems with links
// to their lines, and "reload now".
import { $, delegate, fmtTime, html, render } from "../dom.js";
import { getJson, postJson, subscribe } from "../api.js";

export const id = "config";
export const title = "Config";

const POLL_MS = 3000;
// "path:line: key: message" (the path may itself hold colons only before the line number)
const PROBLEM = /^(.*?):(\d+):\s*(.*)$/s;

/** {file, line, text} of a problem (a structured one, or a "file:line: message" string), or {text}. */
export function parseProblem(problem) {
  if (problem && typeof problem === "object") {
    const text = problem.key ? `${problem.key}: ${problem.message}` : problem.message;
    return problem.line ? { file: problem.file, line: Number(problem.line), text } : { text };
  }
  const m = String(problem).match(PROBLEM);
  return m ? { file: m[1], line: Number(m[2]), text: m[3] } : { text: String(problem) };
}

// structured problems ({severity, file, line, key, message}) when the server gives them, else the strings
function errorsOf(status) {
  return Array.isArray(status.problems) ? status.problems.filter((p) => p.severity !== "warning") : status.errors ?? [];
}

function warningsOf(status) {
  return Array.isArray(status.problems) ? status.problems.filter((p) => p.severity === "warning") : status.warnings ?? [];
}

function sameFile(a, b) {
  return a === b || a.endsWith(`/${b}`) || b.endsWith(`/${a}`);
}

export function mount(root) {
  let status = null;
  let files = null;
  let message = "";
  render(root, html`
    <div class="row"><h1>Config</h1><span class="spacer"></span><button id="reload-now" class="primary">Reload now</button></div>
    <div class="card" id="reload-status"><span class="muted">Loading…</span></div>
    <p id="reload-message" class="muted"></p>
    <div id="config-files"></div>`);

  const problemList = (list, kind) => html`<ul class="problems ${kind}">${list.map((p) => {
    const x = parseProblem(p);
    return html`<li>${x.line ? html`<a href="javascript:void 0" data-file="${x.file}" data-line="${x.line}"
      class="mono">${x.file}:${x.line}</a>: ` : ""}${x.text}</li>`;
  })}</ul>`;

  const draw = () => {
    if (status) {
      render($("#reload-status", root), html`<dl class="kv">
        <dt>Files</dt><dd class="mono">${(files ?? []).map((f) => f.path).join(", ") || "—"}</dd>
        <dt>Last load</dt><dd>${fmtTime(status.at)} (${status.trigger})</dd>
        <dt>Result</dt><dd id="reload-result" class="${status.ok ? "ok" : "error"}">${status.ok
          ? `applied: ${status.models} model(s)` : `refused: the previous configuration (${status.models} model(s)) stays in force`}</dd>
        </dl>
        ${errorsOf(status).length ? html`<h3 class="error">Problems</h3>${problemList(errorsOf(status), "errors")}` : ""}
        ${warningsOf(status).length ? html`<h3>Warnings</h3>${problemList(warningsOf(status), "warnings")}` : ""}`);
    }
    $("#reload-message", root).textContent = message;
    const bad = new Map();
    for (const p of status ? errorsOf(status) : []) {
      const x = parseProblem(p);
      if (x.line) bad.set(`${x.file}:${x.line}`, x.text);
    }
    if (files) {
      render($("#config-files", root), files.map((f, i) => html`<h2 class="mono small">${f.path}</h2>
        ${f.error ? html`<p class="error">${f.error}</p>` : html`<div class="file-view" data-path="${f.path}">${(f.lines ?? []).map((l, n) => {
          const problem = [...bad.entries()].find(([k]) => sameFile(k.slice(0, k.lastIndexOf(":")), f.path)
            && Number(k.slice(k.lastIndexOf(":") + 1)) === n + 1);
          return html`<span class="ln${problem ? " bad" : ""}" id="f${i}-l${n + 1}" ${problem ? html`title="${problem[1]}"` : ""}>${l || " "}</span>`;
        })}</div>`}`));
    }
  };

  const load = async () => {
    try {
      const next = await getJson("/api/config/reload");
      const changed = JSON.stringify(next) !== JSON.stringify(status);
      status = next;
      if (changed || !files) files = (await getJson("/api/ui/config-file")).files;
      if (changed) draw();
    } catch (e) {
      message = e.message;
      draw();
    }
  };

  $("#reload-now", root).addEventListener("click", async () => {
    message = "Reloading…";
    draw();
    try {
      status = await postJson("/api/config/reload");
      files = (await getJson("/api/ui/config-file")).files;
      message = status.ok ? "Reloaded." : "The file was refused; the previous configuration stays in force.";
    } catch (e) {
      message = `Reload failed: ${e.message}`;
    }
    draw();
  });

  const offs = [
    delegate(root, "click", "[data-line]", (e, a) => {
      e.preventDefault();
      const view = [...root.querySelectorAll(".file-view")].find((v) => sameFile(a.dataset.file, v.dataset.path));
      const line = view?.children[Number(a.dataset.line) - 1];
      if (line) {
        for (const l of root.querySelectorAll(".ln.focus")) l.classList.remove("focus");
        line.classList.add("focus");
        line.scrollIntoView({ block: "center" });
      }
    }),
    subscribe("config", load),
  ];
  const poll = setInterval(load, POLL_MS);
  load();
  return () => { offs.forEach((off) => off()); clearInterval(poll); };
}
