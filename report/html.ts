// The building blocks of difftower's HTML reports: escaping, one self-contained page (inline CSS,
// a few lines of inline JS, no external resource of any kind) and SVG charts drawn here, so a
// report opens offline and shows the same thing in any browser. Everything a report shows comes
// from files that may be hostile (a finding's values, a bundle's reason): all of it goes through esc().

export const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"'`]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' })[c]!);

export interface Section {
  id: string;
  title: string;
  html: string;
}

const CSS = `
:root{--fg:#1d2330;--muted:#5d6678;--line:#d9dee8;--bg:#f6f7fa;--card:#fff;--bad:#b42318;--badbg:#fde8e6;--ok:#067647;--okbg:#e3f6ec;--acc:#2f5bd3}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#c9d0de}
nav{padding:8px 28px;background:#fff;border-bottom:1px solid var(--line);position:sticky;top:0;z-index:2}nav a{margin-right:14px;color:var(--acc);text-decoration:none;font-weight:600}
main{padding:20px 28px;max-width:1280px}section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:0 0 18px}
h2{margin:0 0 12px;font-size:17px}h3{margin:16px 0 8px;font-size:15px}
.kpis{display:flex;flex-wrap:wrap;gap:10px}.kpi{border:1px solid var(--line);border-radius:6px;padding:8px 12px;min-width:130px}.kpi b{display:block;font-size:20px}.kpi span{color:var(--muted);font-size:12px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}th{color:var(--muted);font-weight:600;font-size:12px}
td.v,code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
pre{background:#f1f3f7;border-radius:6px;padding:10px;overflow:auto;max-height:420px;white-space:pre-wrap}
tr.first td{background:var(--badbg)}tr.first td:first-child{border-left:3px solid var(--bad)}tr.diff td.v{color:var(--bad)}
.badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600}.bad{background:var(--badbg);color:var(--bad)}.ok{background:var(--okbg);color:var(--ok)}.neutral{background:#eceff4;color:#3b4252}.muted{color:var(--muted)}
.cmd{display:flex;gap:8px;align-items:flex-start}.cmd pre{flex:1;margin:4px 0}.cmd button{margin-top:6px;border:1px solid var(--line);background:#fff;border-radius:4px;padding:3px 8px;cursor:pointer}
.div{border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:12px 0}.sides{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:16px}svg{max-width:100%;height:auto}svg text{font:11px system-ui,sans-serif;fill:#5d6678}
details summary{cursor:pointer;color:var(--acc);font-weight:600;margin:6px 0}
`;

// Copy buttons for commands; nothing else runs.
const JS = `document.querySelectorAll('.cmd button').forEach(function(b){b.addEventListener('click',function(){var t=b.parentNode.querySelector('pre').textContent;if(navigator.clipboard){navigator.clipboard.writeText(t).then(function(){b.textContent='copied'},function(){b.textContent='select and copy'})}})});`;

export function page(title: string, subtitle: string, sections: Section[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><header><h1>${esc(title)}</h1><p>${esc(subtitle)}</p></header>
<nav>${sections.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join('')}</nav>
<main>${sections.map((s) => `<section id="${esc(s.id)}"><h2>${esc(s.title)}</h2>${s.html}</section>`).join('\n')}</main>
<script>${JS}</script></body></html>
`;
}

export const command = (text: string) => `<div class="cmd"><pre>${esc(text)}</pre><button type="button">copy</button></div>`;

export const kpis = (items: [string, unknown][]) => `<div class="kpis">${items.map(([k, v]) => `<div class="kpi"><b>${esc(v)}</b><span>${esc(k)}</span></div>`).join('')}</div>`;

export const table = (head: string[], rows: string[][], rowClass: (i: number) => string = () => '') =>
  `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r, i) => `<tr class="${rowClass(i)}">${r.join('')}</tr>`).join('')}</tbody></table>`;

const nice = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : v >= 1e4 ? `${(v / 1e3).toFixed(0)}k` : v >= 1000 ? `${(v / 1e3).toFixed(1)}k` : `${Math.round(v * 10) / 10}`);

/** A line chart of one or more series over the same x axis (seconds). */
export function lineChart(title: string, series: { name: string; color: string; points: [number, number][] }[], xLabel: string): string {
  const W = 560, H = 240, L = 52, R = 14, T = 26, B = 34;
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return `<p class="muted">${esc(title)}: no samples</p>`;
  const xMax = Math.max(1e-9, ...all.map((p) => p[0]));
  const yMax = Math.max(1e-9, ...all.map((p) => p[1]));
  const x = (v: number) => L + (v / xMax) * (W - L - R);
  const y = (v: number) => H - B - (v / yMax) * (H - T - B);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const grid = ticks.map((t) => `<line x1="${L}" x2="${W - R}" y1="${y(t * yMax)}" y2="${y(t * yMax)}" stroke="#e6e9f0"/><text x="${L - 6}" y="${y(t * yMax) + 4}" text-anchor="end">${esc(nice(t * yMax))}</text>`).join('');
  const xt = ticks.map((t) => `<text x="${x(t * xMax)}" y="${H - B + 16}" text-anchor="middle">${esc(nice(t * xMax))}</text>`).join('');
  const lines = series.map((s) => {
    const pts: [number, number][] = s.points[0]?.[0] === 0 ? s.points : [[0, 0], ...s.points];
    return `<polyline fill="none" stroke="${esc(s.color)}" stroke-width="2" points="${pts.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ')}"/>`;
  }).join('');
  const legend = series.map((s, i) => `<rect x="${L + i * 150}" y="6" width="10" height="10" fill="${esc(s.color)}"/><text x="${L + 14 + i * 150}" y="15">${esc(s.name)}</text>`).join('');
  return `<figure><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}" data-chart="line">${legend}${grid}${xt}<text x="${(L + W - R) / 2}" y="${H - 4}" text-anchor="middle">${esc(xLabel)}</text>${lines}</svg><figcaption class="muted">${esc(title)}</figcaption></figure>`;
}

/** A horizontal bar chart of counts. */
export function barChart(title: string, entries: [string, number][], highlight: (label: string) => boolean = () => false): string {
  if (entries.length === 0) return `<p class="muted">${esc(title)}: nothing counted</p>`;
  const rows = entries.slice(0, 24);
  const W = 560, L = 190, R = 60, rowH = 20, T = 8;
  const H = T * 2 + rows.length * rowH;
  const max = Math.max(1, ...rows.map((e) => e[1]));
  const bars = rows.map(([label, v], i) => {
    const w = ((W - L - R) * v) / max;
    const yy = T + i * rowH;
    return `<text x="${L - 6}" y="${yy + 14}" text-anchor="end">${esc(label.length > 30 ? label.slice(0, 29) + '…' : label)}</text><rect x="${L}" y="${yy + 3}" width="${Math.max(1, w).toFixed(1)}" height="${rowH - 6}" rx="2" fill="${highlight(label) ? '#067647' : '#2f5bd3'}"/><text x="${L + w + 6}" y="${yy + 14}">${esc(v)}</text>`;
  }).join('');
  return `<figure><svg viewBox="0 0 ${W} ${H}" width="${W}" role="img" aria-label="${esc(title)}" data-chart="bar">${bars}</svg><figcaption class="muted">${esc(title)}${entries.length > rows.length ? ` (top ${rows.length} of ${entries.length})` : ''}</figcaption></figure>`;
}

/** JSON for display: bigints as hex, byte arrays as hex, long arrays kept. */
export function displayJson(v: unknown): string {
  return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? '0x' + x.toString(16) : x instanceof Uint8Array ? '0x' + Buffer.from(x).toString('hex') : x), 2);
}
