// Turning text into safe markup: ANSI colours for logs, a small Markdown subset for chat answers.
import { esc } from "./dom.js";

const ANSI_COLORS = ["#4b5563", "#ef4444", "#22c55e", "#eab308", "#3b82f6", "#d946ef", "#06b6d4", "#e5e7eb"];
const ANSI_BRIGHT = ["#9ca3af", "#f87171", "#4ade80", "#facc15", "#60a5fa", "#f0abfc", "#67e8f9", "#ffffff"];
// ESC [ params m (colours); any other CSI sequence is dropped
const CSI = /\x1b\[([0-9;]*)([A-Za-z])/g;

function color256(n) {
  if (n < 8) return ANSI_COLORS[n];
  if (n < 16) return ANSI_BRIGHT[n - 8];
  if (n < 232) {
    const v = n - 16;
    const c = (x) => (x === 0 ? 0 : 55 + x * 40);
    return `rgb(${c(Math.floor(v / 36))},${c(Math.floor(v / 6) % 6)},${c(v % 6)})`;
  }
  const g = 8 + (n - 232) * 10;
  return `rgb(${g},${g},${g})`;
}

/** Escaped HTML of text with its ANSI SGR colours as spans; other escape sequences are removed. */
export function ansiToHtml(text) {
  let out = "";
  let last = 0;
  let style = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false };
  const flush = (chunk) => {
    if (!chunk) return;
    const classes = [style.bold && "ansi-bold", style.dim && "ansi-dim", style.italic && "ansi-italic",
      style.underline && "ansi-underline"].filter(Boolean).join(" ");
    const css = [style.fg && `color:${style.fg}`, style.bg && `background:${style.bg}`].filter(Boolean).join(";");
    if (classes || css) {
      out += `<span${classes ? ` class="${classes}"` : ""}${css ? ` style="${css}"` : ""}>${esc(chunk)}</span>`;
    } else {
      out += esc(chunk);
    }
  };
  CSI.lastIndex = 0;
  let m;
  while ((m = CSI.exec(text)) !== null) {
    flush(text.slice(last, m.index));
    last = CSI.lastIndex;
    if (m[2] !== "m") continue;
    const codes = m[1] === "" ? [0] : m[1].split(";").map(Number);
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c === 0) style = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false };
      else if (c === 1) style.bold = true;
      else if (c === 2) style.dim = true;
      else if (c === 3) style.italic = true;
      else if (c === 4) style.underline = true;
      else if (c === 22) { style.bold = false; style.dim = false; }
      else if (c === 23) style.italic = false;
      else if (c === 24) style.underline = false;
      else if (c >= 30 && c <= 37) style.fg = ANSI_COLORS[c - 30];
      else if (c >= 90 && c <= 97) style.fg = ANSI_BRIGHT[c - 90];
      else if (c === 39) style.fg = null;
      else if (c >= 40 && c <= 47) style.bg = ANSI_COLORS[c - 40];
      else if (c >= 100 && c <= 107) style.bg = ANSI_BRIGHT[c - 100];
      else if (c === 49) style.bg = null;
      else if ((c === 38 || c === 48) && codes[i + 1] === 5) {
        style[c === 38 ? "fg" : "bg"] = color256(codes[i + 2] ?? 0);
        i += 2;
      } else if ((c === 38 || c === 48) && codes[i + 1] === 2) {
        style[c === 38 ? "fg" : "bg"] = `rgb(${codes[i + 2] | 0},${codes[i + 3] | 0},${codes[i + 4] | 0})`;
        i += 4;
      }
    }
  }
  flush(text.slice(last));
  return out;
}

/** Text without escape sequences (for filtering and copying). */
export function stripAnsi(text) {
  return text.replace(CSI, "");
}

function inline(text) {
  // text is already escaped; code spans first so their content is left alone
  const codes = [];
  let s = text.replace(/`([^`]+)`/g, (_, c) => { codes.push(c); return `\u0000${codes.length - 1}\u0000`; });
  s = s.replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[^*])\*([^*\s][^*]*)\*/g, "$1<em>$2</em>")
    .replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, '<a href="$2" target="_blank" rel="noopener noreferrer">$1</a>');
  return s.replace(/\u0000(\d+)\u0000/g, (_, i) => `<code>${codes[Number(i)]}</code>`);
}

/** A small, safe Markdown subset (fenced code, headings, lists, bold, italic, code, links, paragraphs). */
export function markdown(source) {
  const lines = esc(source).split("\n");
  let out = "";
  let list = null;
  let para = [];
  const endPara = () => { if (para.length) { out += `<p>${inline(para.join("<br>"))}</p>`; para = []; } };
  const endList = () => { if (list) { out += `</${list}>`; list = null; } };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = line.match(/^\s*```(.*)$/);
    if (fence) {
      endPara(); endList();
      const code = [];
      i++;
      while (i < lines.length && !/^\s*```\s*$/.test(lines[i])) code.push(lines[i++]);
      out += `<pre><code>${code.join("\n")}</code></pre>`;
      continue;
    }
    const heading = line.match(/^(#{1,3})\s+(.*)$/);
    const bullet = line.match(/^\s*[-*+]\s+(.*)$/);
    const numbered = line.match(/^\s*\d+[.)]\s+(.*)$/);
    if (heading) {
      endPara(); endList();
      out += `<h${heading[1].length}>${inline(heading[2])}</h${heading[1].length}>`;
    } else if (bullet || numbered) {
      endPara();
      const kind = bullet ? "ul" : "ol";
      if (list !== kind) { endList(); out += `<${kind}>`; list = kind; }
      out += `<li>${inline((bullet || numbered)[1])}</li>`;
    } else if (line.trim() === "") {
      endPara(); endList();
    } else {
      endList();
      para.push(line);
    }
  }
  endPara(); endList();
  return out;
}
