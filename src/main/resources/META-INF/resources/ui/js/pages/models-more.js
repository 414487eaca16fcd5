// The Models page's second half: profiles (the active one marked; activate or clear one: PUT /api/profiles/active),
// peer models by their FQN and selectors, as /v1/models lists them. Read for display: the server owns all of it.
import { $, debounce, delegate, html, raw, render } from "../dom.js";
import { getJson, request, errorOf, subscribe } from "../api.js";

function llamaswap(m) {
  return m?.meta?.llamaswap ?? {};
}

function profilesSection(profiles, busy) {
  if (!profiles || !profiles.profiles?.length) return "";
  const active = profiles.active;
  return html`<div class="row"><h2>Profiles</h2><span class="spacer"></span>
      <span class="muted" id="active-profile">${active ? html`active: <b>${active}</b>` : "no profile active"}</span>
      <button id="clear-profile" data-profile="" ${!active || busy ? raw("disabled") : ""}>Clear profile</button></div>
    <div class="table-wrap"><table id="profiles"><thead><tr><th>Profile</th><th>Pins</th><th></th></tr></thead><tbody>
    ${profiles.profiles.map((p) => html`<tr data-profile-row="${p.id}" class="${p.id === active ? "active-profile" : ""}">
      <td class="wrap"><b>${p.id}</b> ${p.id === active ? html`<span class="tag ok">active</span>` : ""}
        ${p.description ? html`<div class="small muted">${p.description}</div>` : ""}</td>
      <td class="wrap small">${Object.entries(p.pins ?? {}).map(([name, target]) => html`<div><span class="mono">${name}</span>
        → ${target ? html`<span class="mono">${target}</span>` : html`<span class="muted">switched off</span>`}</div>`)}</td>
      <td><button class="activate" data-profile="${p.id}" ${p.id === active || busy ? raw("disabled") : ""}>Activate</button></td>
    </tr>`)}</tbody></table></div>`;
}

function peersSection(list) {
  const peers = list.filter((m) => llamaswap(m).type === "peer");
  if (!peers.length) return "";
  return html`<h2>Peer models</h2>
    <div class="table-wrap"><table id="peer-models"><thead><tr><th>Model (FQN)</th><th>Peer</th><th>Name</th></tr></thead><tbody>
    ${peers.map((m) => html`<tr data-peer-model="${m.id}"><td class="mono">${m.id}</td>
      <td><span class="tag">${llamaswap(m).peerID ?? ""}</span></td><td class="muted">${m.name ?? ""}</td></tr>`)}
    </tbody></table></div>
    <p class="small muted">Served by the peer named; modelswap does not load or unload them.</p>`;
}

function selectorsSection(list) {
  const selectors = list.filter((m) => llamaswap(m).type === "selector" || llamaswap(m).type === "profile");
  if (!selectors.length) return "";
  return html`<h2>Selectors and pins</h2>
    <div class="table-wrap"><table id="selectors"><thead><tr><th>Name</th><th>Kind</th><th>Targets</th><th>Loaded</th></tr></thead><tbody>
    ${selectors.map((m) => {
      const l = llamaswap(m);
      const targets = l.type === "profile" ? [l.target] : l.targets ?? [];
      return html`<tr data-selector="${m.id}"><td class="mono">${m.id}</td>
        <td>${l.type === "profile" ? html`pin of <b>${l.profile}</b>` : html`<span class="tag">${l.strategy}</span>`}</td>
        <td class="wrap">${targets.map((t) => html`<span class="tag mono">${t}</span>`)}</td>
        <td>${l.type === "profile" || !m.status ? html`<span class="muted">—</span>` : m.status.value === "loaded" ? html`<span class="ok">loaded</span>`
          : html`<span class="muted">no</span>`}</td></tr>`;
    })}</tbody></table></div>`;
}

export function mountMore(root) {
  let profiles = null;
  let list = [];
  let busy = false;
  let error = "";
  const draw = () => render(root, html`${error ? html`<p class="error" id="profile-error">${error}</p>` : ""}
    ${profilesSection(profiles, busy)}${peersSection(list)}${selectorsSection(list)}`);

  const refresh = debounce(async () => {
    try { profiles = await getJson("/api/profiles"); } catch (e) { profiles = null; }
    try { list = (await getJson("/v1/models")).data ?? []; } catch (e) { list = []; }
    draw();
  }, 150);

  const activate = async (name) => {
    busy = true;
    error = "";
    draw();
    try {
      const response = await request("/api/profiles/active", { method: "PUT",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name: name || null }) });
      if (!response.ok) throw await errorOf(response);
      profiles = { ...profiles, ...(await response.json()) };
    } catch (e) {
      if (e.status !== 401) error = `${name ? `activate ${name}` : "clear the profile"}: ${e.message}`;
    } finally {
      busy = false;
      draw();
      refresh();
    }
  };

  const offs = [
    delegate(root, "click", "button[data-profile]", (e, b) => activate(b.dataset.profile)),
    subscribe("profileChanged", (data) => { if (profiles && data) profiles = { ...profiles, active: data.active ?? null }; draw(); refresh(); }),
    subscribe("uiConfig", refresh),
    subscribe("config", refresh),
    subscribe("connection", refresh),
  ];
  refresh();
  return () => offs.forEach((off) => off());
}
