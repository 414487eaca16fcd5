// Playground: chat with streaming (Markdown, reasoning shown apart, the model's loading visible while it starts),
// plus embeddings and rerank tabs.
import { $, delegate, fmtMs, html, raw, render } from "../dom.js";
import { errorOf, readText, request, sseParser, store, subscribe } from "../api.js";
import { markdown } from "../text.js";

export const id = "playground";
export const title = "Playground";

/** modelswap's sendLoadingState chunks carry this id prefix: shown as loading progress, not as reasoning. */
const LOADING_ID = "chatcmpl-modelswap-loading-";

// kept across page switches (llama-swap keeps its playground mounted)
const chat = { model: "", system: "", messages: [], streaming: null };

/** Applies one SSE data payload of a chat stream to the answer being built; returns false at [DONE]. */
export function applyChunk(answer, payload) {
  if (payload === "[DONE]") return false;
  const d = JSON.parse(payload);
  if (d.error) {
    answer.error = d.error.message ?? JSON.stringify(d.error);
    return true;
  }
  const delta = d.choices?.[0]?.delta ?? {};
  const reasoning = delta.reasoning_content ?? delta.reasoning ?? "";
  if (String(d.id ?? "").startsWith(LOADING_ID)) {
    answer.loading += reasoning + (delta.content ?? "");
    return true;
  }
  if (reasoning) {
    answer.reasoning += reasoning;
    answer.reasoningStart ??= Date.now();
  }
  if (delta.content) {
    if (answer.reasoningStart && !answer.reasoningMs) answer.reasoningMs = Date.now() - answer.reasoningStart;
    answer.content += delta.content;
  }
  if (d.usage) answer.usage = d.usage;
  if (d.timings) answer.timings = d.timings;
  return true;
}

function modelOptions(selected) {
  const ids = store.models.filter((m) => !m.unlisted).map((m) => m.id);
  return ids.map((m) => html`<option ${m === selected ? "selected" : ""}>${m}</option>`);
}

function loadingLine(answer, now) {
  if (answer.content || answer.error || answer.done) return "";
  const m = store.models.find((x) => x.id === answer.model);
  const state = m?.state ?? "";
  if (state === "ready" && !answer.loading) return html`<div class="loading">waiting for the first token… ${fmtMs(now - answer.started)}</div>`;
  return html`<div class="loading">Loading ${answer.model}: ${state || "queued"} · ${fmtMs(now - answer.started)}</div>
    ${answer.loading ? html`<pre class="small muted loading-stream">${answer.loading}</pre>` : ""}`;
}

function messageHtml(m, now) {
  if (m.role === "user") return html`<div class="msg user"><div class="who">you</div><div class="md">${raw(markdown(m.content))}</div></div>`;
  const stats = m.timings?.predicted_per_second ? ` · ${m.timings.predicted_per_second.toFixed(1)} t/s` : "";
  return html`<div class="msg assistant${m.done ? " done" : ""}"><div class="who">${m.model}${m.done ? ` · ${fmtMs(m.elapsed)}${stats}` : ""}</div>
    ${loadingLine(m, now)}
    ${m.reasoning ? html`<details class="reasoning" ${m.content ? "" : raw("open")}><summary>Reasoning${m.reasoningMs
      ? ` (${fmtMs(m.reasoningMs)})` : ""}</summary><div class="md">${raw(markdown(m.reasoning))}</div></details>` : ""}
    <div class="md answer">${raw(markdown(m.content))}</div>
    ${m.error ? html`<p class="error">${m.error}</p>` : ""}</div>`;
}

function chatTab(root) {
  render($("[data-panel=chat]", root), html`<div class="chat">
    <div class="row"><label>Model <select id="chat-model">${modelOptions(chat.model)}</select></label>
      <span class="spacer"></span><button id="chat-clear">New chat</button></div>
    <details><summary class="muted small">System prompt</summary><textarea id="chat-system" rows="2">${chat.system}</textarea></details>
    <div class="messages" id="messages"></div>
    <form id="chat-form" class="row"><textarea id="chat-input" rows="3" placeholder="Message (Enter sends, Shift+Enter for a new line)"></textarea>
      <button id="chat-send" class="primary">Send</button><button type="button" id="chat-stop" hidden>Stop</button></form></div>`);
  let frame = false;
  const draw = () => {
    frame = false;
    const box = $("#messages", root);
    if (!box) return;
    const now = Date.now();
    render(box, chat.messages.length ? chat.messages.map((m) => messageHtml(m, now))
      : html`<p class="muted">Pick a model and say something. A model that is not loaded starts first; its loading shows here.</p>`);
    $("#chat-send", root).disabled = !!chat.streaming;
    $("#chat-stop", root).hidden = !chat.streaming;
  };
  const schedule = () => { if (!frame) { frame = true; requestAnimationFrame(draw); } };

  const send = async () => {
    const input = $("#chat-input", root);
    const text = input.value.trim();
    chat.model = $("#chat-model", root).value;
    chat.system = $("#chat-system", root).value;
    if (!text || !chat.model || chat.streaming) return;
    input.value = "";
    chat.messages.push({ role: "user", content: text });
    const history = chat.messages.filter((m) => !m.error).map((m) => ({ role: m.role, content: m.content }));
    if (chat.system.trim()) history.unshift({ role: "system", content: chat.system });
    const answer = { role: "assistant", model: chat.model, content: "", reasoning: "", loading: "", started: Date.now() };
    chat.messages.push(answer);
    const abort = new AbortController();
    chat.streaming = abort;
    schedule();
    try {
      const response = await request("/v1/chat/completions", {
        method: "POST", signal: abort.signal,
        headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify({ model: chat.model, messages: history, stream: true }),
      });
      if (!response.ok) throw await errorOf(response);
      if (!(response.headers.get("Content-Type") ?? "").includes("event-stream")) {
        const body = await response.json();
        answer.content = body.choices?.[0]?.message?.content ?? JSON.stringify(body);
      } else {
        const parse = sseParser((e) => { applyChunk(answer, e.data); schedule(); });
        await readText(response, parse);
      }
    } catch (e) {
      answer.error = abort.signal.aborted ? "stopped" : e.message;
    } finally {
      answer.done = true;
      answer.elapsed = Date.now() - answer.started;
      chat.streaming = null;
      schedule();
    }
  };

  $("#chat-form", root).addEventListener("submit", (e) => { e.preventDefault(); send(); });
  $("#chat-input", root).addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); send(); }
  });
  $("#chat-stop", root).addEventListener("click", () => chat.streaming?.abort());
  $("#chat-clear", root).addEventListener("click", () => { if (!chat.streaming) { chat.messages = []; draw(); } });
  $("#chat-model", root).addEventListener("change", (e) => { chat.model = e.target.value; });
  const offs = [
    subscribe("models", () => {
      const select = $("#chat-model", root);
      const chosen = select.value || chat.model;
      render(select, modelOptions(chosen));
      if (chosen) select.value = chosen;
      chat.model = select.value;
      schedule();
    }),
  ];
  const ticker = setInterval(() => { if (chat.streaming) schedule(); }, 250);
  draw();
  return () => { offs.forEach((off) => off()); clearInterval(ticker); };
}

function vectorTab(root, kind) {
  const panel = $(`[data-panel=${kind}]`, root);
  render(panel, html`<form class="chat" data-form="${kind}">
    <label>Model <select name="model">${modelOptions(chat.model)}</select></label>
    ${kind === "rerank" ? html`<label>Query <input name="query" placeholder="what to rank against"></label>` : ""}
    <label>${kind === "rerank" ? "Documents" : "Inputs"} (one per line)<textarea name="input" rows="5"></textarea></label>
    <div class="row"><button class="primary">${kind === "rerank" ? "Rerank" : "Embed"}</button></div>
    <div class="result"></div></form>`);
  const form = $("form", panel);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = new FormData(form);
    const lines = String(f.get("input")).split("\n").map((l) => l.trim()).filter(Boolean);
    const out = $(".result", form);
    render(out, html`<p class="muted">Working…</p>`);
    const body = kind === "rerank" ? { model: f.get("model"), query: f.get("query"), documents: lines }
      : { model: f.get("model"), input: lines };
    try {
      const response = await request(kind === "rerank" ? "/v1/rerank" : "/v1/embeddings", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      if (!response.ok) throw await errorOf(response);
      const result = await response.json();
      if (kind === "embeddings" && Array.isArray(result.data)) {
        render(out, html`<div class="table-wrap"><table><thead><tr><th>Input</th><th class="num">Dimensions</th><th>First values</th></tr></thead>
          <tbody>${result.data.map((d, i) => html`<tr><td class="wrap">${lines[i] ?? i}</td><td class="num">${d.embedding?.length}</td>
          <td class="mono small">${(d.embedding ?? []).slice(0, 6).map((x) => Number(x).toFixed(4)).join(", ")}…</td></tr>`)}</tbody></table></div>`);
      } else if (kind === "rerank" && Array.isArray(result.results)) {
        const sorted = [...result.results].sort((a, b) => (b.relevance_score ?? 0) - (a.relevance_score ?? 0));
        render(out, html`<div class="table-wrap"><table><thead><tr><th class="num">Score</th><th>Document</th></tr></thead>
          <tbody>${sorted.map((r) => html`<tr><td class="num">${Number(r.relevance_score).toFixed(4)}</td>
          <td class="wrap">${lines[r.index] ?? r.document?.text ?? r.index}</td></tr>`)}</tbody></table></div>`);
      } else {
        render(out, html`<pre>${JSON.stringify(result, null, 2)}</pre>`);
      }
    } catch (err) {
      render(out, html`<p class="error">${err.message}</p>`);
    }
  });
}

let tab = "chat";

export function mount(root) {
  render(root, html`<h1>Playground</h1>
    <div class="tabs" role="tablist">
      <button role="tab" data-tab="chat">Chat</button><button role="tab" data-tab="embeddings">Embeddings</button>
      <button role="tab" data-tab="rerank">Rerank</button></div>
    <section data-panel="chat"></section><section data-panel="embeddings"></section><section data-panel="rerank"></section>`);
  const select = (name) => {
    tab = name;
    for (const b of root.querySelectorAll("[data-tab]")) b.setAttribute("aria-selected", String(b.dataset.tab === name));
    for (const p of root.querySelectorAll("[data-panel]")) p.hidden = p.dataset.panel !== name;
  };
  const unmountChat = chatTab(root);
  vectorTab(root, "embeddings");
  vectorTab(root, "rerank");
  select(tab);
  const off = delegate(root, "click", "[data-tab]", (e, b) => select(b.dataset.tab));
  return () => { unmountChat(); off(); };
}
