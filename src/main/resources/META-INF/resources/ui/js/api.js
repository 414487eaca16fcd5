// Talking to modelswap: every call carries the API key (if any) as a header, never in a URL; one live reader of
// /api/events (read with fetch() because EventSource cannot send headers) feeds the store that the pages watch.

const KEY_STORAGE = "modelswap.apiKey";
const LOG_LIMIT = 200 * 1024; // characters of each log panel kept in the page
const SWAP_LIMIT = 200;       // swap decisions kept in the page
const RETRY_MAX_MS = 5000;

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE) || "";
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

function withKey(headers) {
  const h = new Headers(headers || {});
  const key = apiKey();
  if (key) h.set("Authorization", `Bearer ${key}`);
  return h;
}

/**
 * fetch() with the key. credentials "omit": the browser's own Basic-auth prompt never pops up on a 401 (modelswap
 * answers it with WWW-Authenticate: Basic); the UI asks for the key itself.
 */
export async function request(path, options = {}) {
  const response = await fetch(path, { ...options, headers: withKey(options.headers), credentials: "omit", cache: "no-store" });
  if (response.status === 401) {
    emit("auth", null);
    throw new ApiError(401, "an API key is required");
  }
  return response;
}

export async function errorOf(response) {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text);
    const message = body?.error?.message ?? (typeof body?.error === "string" ? body.error : null) ?? body?.message;
    if (message) return new ApiError(response.status, message);
  } catch (notJson) { /* plain text */ }
  return new ApiError(response.status, text || `HTTP ${response.status}`);
}

export async function getJson(path) {
  const response = await request(path);
  if (!response.ok) throw await errorOf(response);
  return response.json();
}

export async function postJson(path, body) {
  const response = await request(path, {
    method: "POST",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw await errorOf(response);
  const text = await response.text();
  try { return JSON.parse(text); } catch (notJson) { return text; }
}

/** Reads a text/event-stream (or chunked text) body, calling onChunk with each decoded piece. */
export async function readText(response, onChunk) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    onChunk(value);
  }
}

/** Splits an SSE body into events {event, data}; returns a function that takes the next piece of text. */
export function sseParser(onEvent) {
  let buffer = "";
  return (chunk) => {
    buffer += chunk.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? "" : line.slice(colon + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      if (data.length) onEvent({ event, data: data.join("\n") });
    }
  };
}

// ---- the store ------------------------------------------------------------------------------------------

export const store = {
  connection: "connecting",
  models: [],
  inflight: new Map(),
  logs: { proxy: "", upstream: "" },
  uiConfig: null,
  swaps: [],
  transitions: [], // state changes seen since the page loaded, newest first
  activityRevision: 0,
  needsKey: false,
};

const listeners = new Map();

/** Calls fn(data) on each event of this topic; returns the unsubscribe function. */
export function subscribe(topic, fn) {
  if (!listeners.has(topic)) listeners.set(topic, new Set());
  listeners.get(topic).add(fn);
  return () => listeners.get(topic).delete(fn);
}

export function emit(topic, data) {
  for (const fn of listeners.get(topic) ?? []) {
    try { fn(data); } catch (e) { console.error(topic, e); }
  }
}

function setConnection(state) {
  if (store.connection !== state) {
    store.connection = state;
    emit("connection", state);
  }
}

function appendLog(source, text) {
  const next = store.logs[source] + text;
  store.logs[source] = next.length > LOG_LIMIT ? next.slice(next.indexOf("\n", next.length - LOG_LIMIT) + 1) : next;
  emit("log", { source, text });
}

function entryId(entry) {
  return String(entry.id ?? entry.request_id ?? "");
}

function applyInflight(stats) {
  switch (stats.operation) {
    case "snapshot":
      store.inflight = new Map((stats.requests ?? []).map((r) => [entryId(r), { ...r, received_at: Date.now() }]));
      break;
    case "upsert":
      if (stats.request) store.inflight.set(entryId(stats.request), { ...stats.request, received_at: Date.now() });
      break;
    case "remove":
      store.inflight.delete(String(stats.id));
      break;
    default:
      return;
  }
  emit("inflight", store.inflight);
}

/** One frame of /api/events ({"type":T,"data":"<json>"}). Unknown types are ignored: newer servers may add some. */
export function handleFrame(text) {
  const envelope = JSON.parse(text);
  const data = typeof envelope.data === "string" ? JSON.parse(envelope.data) : envelope.data;
  switch (envelope.type) {
    case "modelStatus": {
      const before = new Map(store.models.map((m) => [m.id, m.state]));
      store.models = [...data].sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
      for (const m of store.models) {
        const from = before.get(m.id);
        if (from && from !== m.state) store.transitions.unshift({ at: new Date().toISOString(), model: m.id, from, to: m.state });
      }
      store.transitions.length = Math.min(store.transitions.length, SWAP_LIMIT);
      emit("models", store.models);
      break;
    }
    case "logData":
      if (data.source === "proxy" || data.source === "upstream") appendLog(data.source, data.data);
      break;
    case "activity":
      store.activityRevision++;
      emit("activity", data);
      break;
    case "inflight":
      applyInflight(data);
      break;
    case "uiConfig":
      store.uiConfig = data;
      emit("uiConfig", data);
      break;
    case "swap":
    case "swapDecision": {
      // a decision's outcome comes later as a frame with the same id: it replaces the decision where it stands
      const at = data.id === undefined ? -1 : store.swaps.findIndex((d) => d.id === data.id);
      if (at >= 0) store.swaps[at] = data;
      else store.swaps.unshift(data);
      store.swaps.length = Math.min(store.swaps.length, SWAP_LIMIT);
      emit("swap", data);
      break;
    }
    case "configReload":
    case "configChanged":
      emit("config", data);
      break;
    default:
      emit(envelope.type, data);
  }
}

let eventsAbort = null;
let retries = 0;
let retryTimer = null;

/** (Re)connects the event stream; called at start, after a key is entered, and on every drop with a back-off. */
export function connectEvents() {
  clearTimeout(retryTimer);
  eventsAbort?.abort();
  const abort = new AbortController();
  eventsAbort = abort;
  setConnection("connecting");
  (async () => {
    try {
      const response = await request("/api/events", { headers: { Accept: "text/event-stream" }, signal: abort.signal });
      if (!response.ok) throw await errorOf(response);
      retries = 0;
      store.logs = { proxy: "", upstream: "" };
      store.inflight = new Map();
      emit("reset", null);
      setConnection("connected");
      const parse = sseParser((e) => {
        try { handleFrame(e.data); } catch (bad) { console.error("bad event", e.data, bad); }
      });
      await readText(response, parse);
    } catch (e) {
      if (abort.signal.aborted) return;
      if (e instanceof ApiError && e.status === 401) { setConnection("disconnected"); return; }
    }
    if (abort.signal.aborted) return;
    setConnection("disconnected");
    retries++;
    retryTimer = setTimeout(connectEvents, Math.min(500 * 2 ** (retries - 1), RETRY_MAX_MS));
  })();
}
