// The two kinds of HTML report: a fuzz run or campaign with its divergences (for the engineers who
// fix them) and an evidence bundle (for a security council member deciding whether to act).

import { barChart, command, esc, kpis, lineChart, page, table, type Section } from './html.js';

/** One implementation's answer at the divergent checkpoint, as (field, value) rows in the oracle's comparison order. */
export interface Side {
  impl: string;
  rows: [string, string][];
}

export interface DivergenceView {
  description: string;
  kind: string;
  field: string;
  checkpoint: number;
  leftImpl: string;
  rightImpl: string;
  left: string;
  right: string;
  reproducer: string | null;
  replay: string | null;
  /** From the localizer (oracle/localize.ts) when present: rendered as it comes. */
  localization?: unknown;
  seenByShards?: readonly number[];
  sides?: Side[];
  sidesNote?: string;
  checkpointJson?: string;
  checkpointNote?: string;
}

export interface RunView {
  kind: 'fuzz' | 'campaign' | 'findings';
  source: string;
  title: string;
  facts: [string, unknown][];
  timeline: { tMs: number; cases: number; checkpoints: number; divergences: number }[];
  codes: Record<string, number>;
  replay: string | null;
  shards?: { shard: number; worker: string; cases: number; checkpoints: number; attempt: number; replay: string }[];
  divergences: DivergenceView[];
}

function localizationHtml(l: unknown): string {
  if (l === undefined || l === null) return '';
  if (typeof l !== 'object') return `<h3>Where it starts</h3><p>${esc(l)}</p>`;
  const entries = Object.entries(l as Record<string, unknown>);
  return `<h3>Where it starts</h3>${table(['', ''], entries.map(([k, v]) => [`<th>${esc(k)}</th>`, `<td class="v">${esc(typeof v === 'string' ? v : JSON.stringify(v))}</td>`]))}`;
}

function sidesHtml(d: DivergenceView): string {
  if (!d.sides || d.sides.length < 2) {
    return `${d.sidesNote ? `<p class="muted">${esc(d.sidesNote)}</p>` : ''}${table(['field', d.leftImpl, d.rightImpl], [[`<td>${esc(d.field)}</td>`, `<td class="v">${esc(d.left)}</td>`, `<td class="v">${esc(d.right)}</td>`]], () => 'first')}`;
  }
  const all = [...new Set(d.sides.flatMap((s) => s.rows.map((r) => r[0])))];
  const val = (s: Side, f: string) => s.rows.find((r) => r[0] === f)?.[1] ?? '(absent)';
  const differs = (f: string) => new Set(d.sides!.map((s) => val(s, f))).size > 1;
  // Long lists (block header hashes, blob fields) only where they differ: the rest is noise.
  const isList = (f: string) => /\[\d+\]$/.test(f);
  const fields = all.filter((f) => !isList(f) || differs(f) || f === d.field);
  const hidden = all.length - fields.length;
  const firstIdx = fields.indexOf(d.field) >= 0 ? fields.indexOf(d.field) : fields.findIndex(differs);
  const rows = fields.map((f) => [`<td>${esc(f)}</td>`, ...d.sides!.map((s) => `<td class="v">${esc(val(s, f))}</td>`)]);
  return `<div class="sides-table">${table(['field', ...d.sides.map((s) => s.impl)], rows, (i) => (i === firstIdx ? 'first' : differs(fields[i]!) ? 'diff' : ''))}</div>
${hidden ? `<p class="muted">${hidden} equal list entries (block header hashes, blob fields) not shown.</p>` : ''}<p class="muted">Highlighted: the first differing field (${esc(d.field)}), in the order the oracle compares.</p>`;
}

function divergenceHtml(d: DivergenceView, i: number): string {
  return `<div class="div" id="divergence-${i + 1}" data-divergence>
<h3><span class="badge bad">${esc(d.kind)}</span> ${esc(d.field)} at ${d.checkpoint === 0 ? 'genesis' : `checkpoint ${esc(d.checkpoint)}`}: ${esc(d.leftImpl)} vs ${esc(d.rightImpl)}</h3>
<p>${esc(d.description)}${d.seenByShards ? ` <span class="muted">(seen by shard${d.seenByShards.length > 1 ? 's' : ''} ${esc(d.seenByShards.join(', '))})</span>` : ''}</p>
${localizationHtml(d.localization)}
<h3>Outcomes side by side</h3>${sidesHtml(d)}
<h3>Checkpoint ${esc(d.checkpoint)} contents</h3>${d.checkpointJson ? `<details><summary>show the decoded checkpoint</summary><pre>${esc(d.checkpointJson)}</pre></details>` : `<p class="muted">${esc(d.checkpointNote ?? 'not available')}</p>`}
<h3>Replay</h3>${d.replay ? command(d.replay) : '<p class="muted">no reproducer file</p>'}
</div>`;
}

export function runPage(v: RunView): string {
  const sections: Section[] = [];
  sections.push({ id: 'summary', title: 'Summary', html: `${kpis(v.facts)}${v.replay ? `<h3>Replay the whole run</h3>${command(v.replay)}` : ''}<p class="muted">Source: ${esc(v.source)}</p>` });
  const t = v.timeline;
  // Rate over a sliding window (a tenth of the run, at least a second): samples can be close
  // together (a campaign's shards finishing at once), and a per-sample rate would spike.
  const pts = [{ tMs: 0, cases: 0, checkpoints: 0, divergences: 0 }, ...t.filter((p) => p.tMs > 0)];
  const win = Math.max(1000, (pts[pts.length - 1]?.tMs ?? 0) / 10);
  const rate: [number, number][] = pts.slice(1).map((p) => {
    const from = [...pts].reverse().find((q) => p.tMs - q.tMs >= win) ?? pts[0]!;
    return [p.tMs / 1000, p.tMs > from.tMs ? ((p.checkpoints - from.checkpoints) * 1000) / (p.tMs - from.tMs) : 0];
  });
  sections.push({
    id: 'charts', title: 'Throughput and outcomes',
    html: `<div class="charts">${lineChart('checkpoints and cases over time (cumulative)', [
      { name: 'checkpoints', color: '#2f5bd3', points: t.map((p) => [p.tMs / 1000, p.checkpoints]) },
      { name: 'cases', color: '#e07a1f', points: t.map((p) => [p.tMs / 1000, p.cases]) },
    ], 'seconds')}${lineChart('checkpoints per second (sliding window of a tenth of the run)', [{ name: 'checkpoints/s', color: '#067647', points: rate }], 'seconds')}</div>
${barChart('outcome codes of the generated checkpoints (first implementation)', Object.entries(v.codes).sort((a, b) => b[1] - a[1]), (l) => l === 'ok' || l === 'accepted')}`,
  });
  sections.push({
    id: 'divergences', title: `Divergences (${v.divergences.length})`,
    html: v.divergences.length ? v.divergences.map(divergenceHtml).join('\n') : '<p><span class="badge ok">none</span> every implementation agreed on every case.</p>',
  });
  if (v.shards) {
    sections.push({
      id: 'shards', title: `Shards (${v.shards.length})`,
      html: `<p class="muted">Each shard replays alone on one machine with its command (after <code>difftower campaign report --out</code>).</p>${table(['shard', 'worker', 'attempt', 'cases', 'checkpoints', 'replay'], v.shards.map((s) => [`<td>${esc(s.shard)}</td>`, `<td>${esc(s.worker)}</td>`, `<td>${esc(s.attempt)}</td>`, `<td>${esc(s.cases)}</td>`, `<td>${esc(s.checkpoints)}</td>`, `<td class="v">${esc(s.replay)}</td>`]))}`,
    });
  }
  return page(v.title, `difftower ${v.kind} report`, sections);
}

export interface EvidenceView {
  source: string;
  finding: string;
  reason: string;
  checkpoint: number;
  createdAt: string;
  verdict: { verdict: string; summary: string; checks: { name: string; ok: boolean; detail: string }[] } | null;
  verdictNote?: string;
  l1: [string, string][];
  postRows: { field: string; attested: string; computed: string | null }[];
  outcomes: { impl: string; kind: string; detail: string; elapsedMs: number }[];
  proof: { status: string; rows: [string, string][] };
  recheck: string;
}

const CLAIMS: Record<string, string> = {
  'wrong-root': 'The post-state attested on L1 for this checkpoint is wrong: every implementation computes another one from the same pre-state and data.',
  'implementations-disagree': 'The implementations disagree with each other on this checkpoint. This is not by itself a claim that the chain is wrong.',
  'invalid-checkpoint': 'Every implementation rejects the proposed checkpoint: there is no valid transition.',
  'malformed-proposal': 'The proposal\'s calldata is not a checkpoint at all.',
};

export function evidencePage(v: EvidenceView): string {
  const confirmed = v.verdict?.verdict === 'confirmed';
  const sections: Section[] = [
    {
      id: 'claim', title: 'What is claimed',
      html: `<p><span class="badge bad">${esc(v.finding)}</span> at checkpoint ${esc(v.checkpoint)}</p><p><b>${esc(CLAIMS[v.finding] ?? v.finding)}</b></p><p>${esc(v.reason)}</p>
${v.verdict ? `<p><span class="badge ${confirmed ? 'bad' : 'neutral'}">${confirmed ? 'CONFIRMED' : 'NOT CONFIRMED'}</span> ${esc(v.verdict.summary.replace(/^(NOT )?CONFIRMED: /, ''))}</p>` : `<p class="muted">${esc(v.verdictNote ?? 'not checked')}</p>`}<p class="muted">Bundle ${esc(v.source)}, written ${esc(v.createdAt)}.</p>`,
    },
    {
      id: 'checks', title: 'Checks',
      html: v.verdict
        ? table(['check', 'result', 'detail'], v.verdict.checks.map((c) => [`<td>${esc(c.name)}</td>`, `<td><span class="badge ${c.ok ? 'ok' : 'bad'}">${c.ok ? 'pass' : 'fail'}</span></td>`, `<td>${esc(c.detail)}</td>`]))
        : `<p class="muted">${esc(v.verdictNote ?? 'not checked')}</p>`,
    },
    { id: 'l1', title: 'L1 transactions', html: table(['', ''], v.l1.map(([k, x]) => [`<th>${esc(k)}</th>`, `<td class="v">${esc(x)}</td>`])) },
    {
      id: 'state', title: 'Attested and computed post-state',
      html: table(['field', 'attested on L1', 'computed by the implementations'], v.postRows.map((r) => [`<td>${esc(r.field)}</td>`, `<td class="v">${esc(r.attested)}</td>`, `<td class="v">${esc(r.computed ?? '(none)')}</td>`]), (i) => {
        const r = v.postRows[i]!;
        const first = v.postRows.findIndex((x) => x.computed !== null && x.computed.toLowerCase() !== x.attested.toLowerCase());
        return i === first ? 'first' : r.computed !== null && r.computed.toLowerCase() !== r.attested.toLowerCase() ? 'diff' : '';
      }) + table(['implementation', 'result', 'detail', 'ms'], v.outcomes.map((o) => [`<td>${esc(o.impl)}</td>`, `<td>${esc(o.kind)}</td>`, `<td class="v">${esc(o.detail)}</td>`, `<td>${esc(o.elapsedMs.toFixed(0))}</td>`])),
    },
    { id: 'proof', title: 'Proof', html: `<p><b>${esc(v.proof.status)}</b></p>${v.proof.rows.length ? table(['', ''], v.proof.rows.map(([k, x]) => [`<th>${esc(k)}</th>`, `<td class="v">${esc(x)}</td>`])) : ''}` },
    { id: 'recheck', title: 'Check it yourself', html: `<p>Re-run every check independently (your own RPC; add <code>--impls</code> to choose the implementations):</p>${command(v.recheck)}` },
  ];
  return page(`Evidence: ${v.finding} at checkpoint ${v.checkpoint}`, 'difftower evidence bundle, for the security council', sections);
}

