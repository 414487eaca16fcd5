// The shell: hash routes to pages, the connection indicator, the theme switch, and the API-key dialog.
import { $, $$ } from "./dom.js";
import { apiKey, connectEvents, getJson, request, setApiKey, store, subscribe } from "./api.js";
import * as models from "./pages/models.js";
import * as modelDetail from "./pages/model-detail.js";
import * as activity from "./pages/activity.js";
import * as swaps from "./pages/swaps.js";
import * as logs from "./pages/logs.js";
import * as config from "./pages/config.js";
import * as performance from "./pages/performance.js";
import * as playground from "./pages/playground.js";

// #/route[/param]: llama-swap's hash routes (#/models, #/activity, #/logs, #/performance, #/playground) plus ours.
const ROUTES = {
  "": models, models, activity, swaps, logs, config, performance, hardware: performance, playground,
};

let current = null;

function parseHash() {
  const path = decodeURIComponent(location.hash.replace(/^#\/?/, "")).split("?")[0];
  const [name, ...rest] = path.split("/");
  return { name, param: rest.join("/") };
}

function route() {
  const { name, param } = parseHash();
  const page = name === "models" && param ? modelDetail : (ROUTES[name] ?? models);
  current?.unmount?.();
  const root = $("#page");
  root.replaceChildren();
  root.dataset.page = page.id;
  for (const a of $$("#nav a")) {
    const active = a.dataset.route === (name || "models") || (name === "hardware" && a.dataset.route === "performance");
    if (active) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  $("#title").textContent = param ? `${page.title} / ${param}` : page.title;
  document.title = `${page.title} · modelswap`;
  $("#nav").classList.remove("open");
  current = page.mount(root, param) ?? null;
  if (typeof current === "function") current = { unmount: current };
}

function showConnection(state) {
  const el = $("#conn");
  el.dataset.state = state;
  el.textContent = state;
}

function showInflightCount() {
  const n = store.inflight.size;
  const badge = $("#inflight-badge");
  badge.hidden = n === 0;
  badge.textContent = `${n} in flight`;
}

function setupTheme() {
  const order = ["system", "light", "dark"];
  $("#theme").addEventListener("click", () => {
    const now = localStorage.getItem("modelswap.theme") || "system";
    const next = order[(order.indexOf(now) + 1) % order.length];
    if (next === "system") {
      localStorage.removeItem("modelswap.theme");
      delete document.documentElement.dataset.theme;
    } else {
      localStorage.setItem("modelswap.theme", next);
      document.documentElement.dataset.theme = next;
    }
    $("#theme").title = `Theme: ${next}`;
  });
}

function askForKey() {
  const dialog = $("#login");
  if (dialog.open) return;
  store.needsKey = true;
  $("#login-error").hidden = !apiKey();
  $("#login-error").textContent = apiKey() ? "That key was not accepted." : "";
  dialog.showModal();
  $("#login-key").focus();
}

function setupLogin() {
  subscribe("auth", askForKey);
  $("#login").addEventListener("cancel", (e) => e.preventDefault()); // no way around it: every call needs the key
  $("#login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = $("#login-key").value.trim();
    if (!key) return;
    setApiKey(key);
    const response = await fetch("/api/version", { headers: { Authorization: `Bearer ${key}` }, credentials: "omit" })
      .catch(() => null);
    if (response && response.status === 401) {
      setApiKey("");
      $("#login-error").hidden = false;
      $("#login-error").textContent = "That key was not accepted.";
      return;
    }
    store.needsKey = false;
    $("#login-key").value = "";
    $("#login").close();
    connectEvents();
    loadVersion();
    route();
  });
}

async function loadVersion() {
  try {
    const v = await getJson("/api/version");
    $("#version").textContent = `modelswap ${v.version}`;
  } catch (e) { /* shown by the dialog or the indicator */ }
}

/** Performance is in the menu only when modelswap has samples to show (503 {enabled:false} otherwise). */
async function probePerformance() {
  try {
    const response = await request("/api/performance");
    $("#nav-performance").hidden = !response.ok;
  } catch (e) {
    $("#nav-performance").hidden = true;
  }
}

function start() {
  setupTheme();
  setupLogin();
  $("#menu").addEventListener("click", () => $("#nav").classList.toggle("open"));
  subscribe("connection", (state) => {
    showConnection(state);
    if (state === "connected") probePerformance();
  });
  // the uiConfig frame says whether there is performance data; the probe above covers servers without it
  subscribe("uiConfig", (c) => { if (c?.performance) $("#nav-performance").hidden = !c.performance.enabled; });
  subscribe("inflight", showInflightCount);
  subscribe("reset", showInflightCount);
  window.addEventListener("hashchange", route);
  showConnection(store.connection);
  connectEvents();
  loadVersion();
  route();
}

start();
