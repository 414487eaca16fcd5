// Two small SVG charts (a histogram and a time series), enough for token speeds and hardware samples.
import { esc } from "./dom.js";

const W = 600;
const H = 160;
const PAD = { left: 40, right: 8, top: 10, bottom: 22 };

function num(n) {
  return Math.abs(n) >= 100 ? Math.round(n).toString() : Number(n.toFixed(1)).toString();
}

/** A histogram {bins, min, max, binSize, p50, p95, p99} as SVG markup, or "" when there is nothing to show. */
export function histogram(h, unit = "t/s") {
  if (!h || !Array.isArray(h.bins) || h.bins.length === 0) return "";
  const top = Math.max(1, ...h.bins);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const bw = plotW / h.bins.length;
  const span = (h.max - h.min) || 1;
  const x = (v) => PAD.left + ((v - h.min) / span) * plotW;
  let bars = "";
  h.bins.forEach((count, i) => {
    const bh = (count / top) * plotH;
    bars += `<rect class="bar" x="${(PAD.left + i * bw + 0.5).toFixed(1)}" y="${(PAD.top + plotH - bh).toFixed(1)}"`
      + ` width="${Math.max(1, bw - 1).toFixed(1)}" height="${bh.toFixed(1)}"><title>${esc(
        `${num(h.min + i * h.binSize)}–${num(h.min + (i + 1) * h.binSize)} ${unit}: ${count}`)}</title></rect>`;
  });
  let marks = "";
  for (const p of ["p50", "p95", "p99"]) {
    if (typeof h[p] !== "number") continue;
    const px = x(h[p]).toFixed(1);
    marks += `<line class="mark" x1="${px}" x2="${px}" y1="${PAD.top}" y2="${PAD.top + plotH}"/>`
      + `<text x="${px}" y="${PAD.top + 8}" text-anchor="middle">${p}</text>`;
  }
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" role="img">`
    + `<line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}"/>`
    + `<text x="${PAD.left - 4}" y="${PAD.top + 8}" text-anchor="end">${top}</text>`
    + `<text x="${PAD.left}" y="${H - 6}">${esc(num(h.min))} ${esc(unit)}</text>`
    + `<text x="${W - PAD.right}" y="${H - 6}" text-anchor="end">${esc(num(h.max))} ${esc(unit)}</text>`
    + bars + marks + "</svg>";
}

const PALETTE = ["#3b82f6", "#10b981", "#f59e0b", "#ef4444", "#8b5cf6", "#06b6d4", "#ec4899", "#84cc16"];

/**
 * Time series: series = [{name, points: [[timeMs, value], ...]}]; max fixes the top of the y axis (e.g. 100 for %).
 */
export function lines(series, { max = null, unit = "" } = {}) {
  const all = series.flatMap((s) => s.points);
  if (all.length < 2) return "";
  const t0 = Math.min(...all.map((p) => p[0]));
  const t1 = Math.max(...all.map((p) => p[0]));
  const top = max ?? Math.max(1, ...all.map((p) => p[1]));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (t) => PAD.left + ((t - t0) / ((t1 - t0) || 1)) * plotW;
  const y = (v) => PAD.top + plotH - (Math.min(v, top) / top) * plotH;
  let paths = "";
  let legend = "";
  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const d = s.points.map((p, j) => `${j ? "L" : "M"}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join("");
    paths += `<path class="line" stroke="${color}" d="${d}"><title>${esc(s.name)}</title></path>`;
    legend += `<text x="${W - PAD.right - 4}" y="${PAD.top + 10 + i * 12}" text-anchor="end" style="fill:${color}">${esc(s.name)}</text>`;
  });
  const fmt = (t) => new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" role="img">`
    + `<line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}"/>`
    + `<text x="${PAD.left - 4}" y="${PAD.top + 8}" text-anchor="end">${esc(num(top))}${esc(unit)}</text>`
    + `<text x="${PAD.left - 4}" y="${PAD.top + plotH}" text-anchor="end">0</text>`
    + `<text x="${PAD.left}" y="${H - 6}">${fmt(t0)}</text>`
    + `<text x="${W - PAD.right}" y="${H - 6}" text-anchor="end">${fmt(t1)}</text>`
    + paths + legend + "</svg>";
}
