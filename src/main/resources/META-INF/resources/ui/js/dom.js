// Building HTML safely: every interpolated value is escaped unless it was made by html`` or raw().

class Safe {
  constructor(text) { this.text = text; }
  toString() { return this.text; }
}

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function esc(value) {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Marks already-safe markup (only for text this UI made itself). */
export function raw(text) {
  return new Safe(String(text));
}

function part(value) {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof Safe) return value.text;
  if (Array.isArray(value)) return value.map(part).join("");
  return esc(value);
}

/** Tagged template: html`<td>${userText}</td>` escapes userText. */
export function html(strings, ...values) {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1];
  return new Safe(out);
}

export function render(element, content) {
  element.innerHTML = part(content);
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

/** One listener on root for every element matching selector, now and later (rows are re-rendered). */
export function delegate(root, type, selector, handler) {
  const listener = (event) => {
    const target = event.target.closest(selector);
    if (target && root.contains(target)) handler(event, target);
  };
  root.addEventListener(type, listener);
  return () => root.removeEventListener(type, listener);
}

export function fmtMs(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${Math.floor(s % 60)}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function fmtBytes(bytes) {
  if (bytes === null || bytes === undefined) return "";
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${value.toFixed(value >= 10 ? 1 : 2)} ${units[unit]}`;
}

export function fmtNum(n, digits = 0) {
  if (n === null || n === undefined || Number.isNaN(n)) return "";
  return Number(n).toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function fmtRate(n) {
  return n ? `${fmtNum(n, n < 100 ? 1 : 0)} t/s` : "";
}

export function fmtTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString() : d.toLocaleString();
}

/** Collapses a burst of calls into one, at most every `ms`. */
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Brings tbody to `rows` (html`` of <tr>s keyed by the attribute `key`) without replacing the rows that stay: their
 * cells change only where their markup changed, so a button under the pointer (or held by a test) stays the same
 * element while live data updates around it.
 */
export function patchRows(tbody, rows, key) {
  const fresh = document.createElement("tbody");
  render(fresh, rows);
  const kept = new Map();
  for (const row of tbody.children) if (row.hasAttribute(key)) kept.set(row.getAttribute(key), row);
  const next = [];
  for (const row of Array.from(fresh.children)) {
    const old = row.hasAttribute(key) ? kept.get(row.getAttribute(key)) : null;
    if (!old || old.children.length !== row.children.length) {
      next.push(row);
      continue;
    }
    Array.from(row.children).forEach((cell, i) => {
      const target = old.children[i];
      if (target.innerHTML !== cell.innerHTML) target.innerHTML = cell.innerHTML;
      if (target.className !== cell.className) target.className = cell.className;
    });
    next.push(old);
  }
  const same = next.length === tbody.children.length && next.every((row, i) => tbody.children[i] === row);
  if (!same) tbody.replaceChildren(...next);
}
