// `difftower report PATH --html FILE`: one self-contained HTML page for a fuzz run's findings
// directory (or its JSON report), a campaign (its `campaign report --out` directory or
// campaign.json), or an evidence bundle. Divergences are re-executed with the run's
// implementations to show every field of their outcomes side by side (--offline: only what the
// files say); evidence bundles are checked as `difftower verify-evidence` checks them.

import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Schema } from 'effect';
import { DecodeError, decodeCheckpoint } from '../../core/codec.js';
import type { Outcome } from '../../core/schema.js';
import { readCaseFile, type CaseFile } from '../../corpus/case.js';
import type { CallResult } from '../../impls/implementation.js';
import { displayJson } from '../../report/html.js';
import { evidencePage, runPage, type DivergenceView, type EvidenceView, type RunView, type Side } from '../../report/pages.js';
import { decodeEvidence, type Evidence } from '../../watch/evidence.js';
import { verifyEvidence } from '../../watch/verify.js';
import { makeImplementations, parseImplementationList } from '../../impls/registry.js';
import { EXIT, parseCommand, UsageError } from '../shared.js';
import { REPORT } from './index.js';

const Num = Schema.Number;
const Str = Schema.String;
const Divergence = Schema.Struct({
  kind: Str, field: Str, checkpoint: Num, left: Str, right: Str, leftImpl: Str, rightImpl: Str,
  description: Schema.optional(Str), reproducer: Schema.optional(Schema.NullOr(Str)), replay: Schema.optional(Schema.NullOr(Str)),
  localization: Schema.optional(Schema.Unknown), seenByShards: Schema.optional(Schema.Array(Num)),
});
const Timeline = Schema.Array(Schema.Struct({ tMs: Num, cases: Num, checkpoints: Num, divergences: Num }));
/** The part of a `fuzz --report json` or `campaign report` document a page shows (other keys ignored). */
const RunSummary = Schema.Struct({
  tool: Schema.Literal('difftower'),
  command: Schema.Literal('fuzz', 'campaign'),
  profile: Str,
  implementations: Schema.Array(Str),
  impls: Schema.optional(Str),
  seed: Str,
  campaign: Schema.optional(Str),
  workers: Schema.optional(Schema.Union(Num, Schema.Array(Schema.Struct({ workerId: Str, shards: Num, checkpoints: Num, checkpointsPerSecond: Num })))),
  elapsedMs: Num,
  cases: Num,
  checkpoints: Num,
  checkpointsPerSecond: Num,
  corpus: Num,
  replay: Schema.optional(Str),
  codes: Schema.optional(Schema.Record({ key: Str, value: Num })),
  outcomes: Schema.optional(Schema.Record({ key: Str, value: Num })),
  timeline: Schema.optional(Timeline),
  divergences: Schema.Array(Divergence),
  shards: Schema.optional(Num),
  shardsDone: Schema.optional(Num),
  shardResults: Schema.optional(Schema.Array(Schema.Struct({ shard: Num, worker: Str, cases: Num, checkpoints: Num, attempt: Num, replay: Str }))),
});
type RunSummary = typeof RunSummary.Type;

function decodeJsonFile<A, I>(schema: Schema.Schema<A, I>, what: string, path: string): A {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new DecodeError(what, `${path}: ${(err as Error).message}`);
  }
  try {
    return Schema.decodeUnknownSync(schema)(raw);
  } catch (err) {
    throw new DecodeError(what, `${path}: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}`);
  }
}

const hex = (v: bigint) => '0x' + v.toString(16);
const STATE = ['l1ToL2', 'noteHash', 'nullifier', 'publicData'].flatMap((t) => [`state.${t}.root`, `state.${t}.nextIndex`]);

function rowsOf(r: CallResult): [string, string][] {
  if (r.kind !== 'outcome') return [['call', `${r.kind}${'message' in r && r.message ? `: ${r.message}` : ''}`]];
  const o: Outcome = r.outcome;
  if (o.status === 'rejected') return [['status', 'rejected'], ['code', o.code]];
  return [
    ['status', 'accepted'],
    ...o.state.map((v, i) => [STATE[i] ?? `state[${i}]`, hex(v)] as [string, string]),
    ['archive.root', hex(o.archive[0])], ['archive.nextIndex', hex(o.archive[1])],
    ...o.blockHeaderHashes.map((v, i) => [`blockHeaderHashes[${i}]`, hex(v)] as [string, string]),
    ...o.blobFields.map((v, i) => [`blobFields[${i}]`, hex(v)] as [string, string]),
  ];
}

/** Each implementation's answer at checkpoint `n` of the case, each from genesis on its own. */
async function sidesOf(file: CaseFile, n: number, impls: string, timeoutMs: number): Promise<Side[]> {
  const instances = makeImplementations(impls, timeoutMs);
  try {
    return await Promise.all(instances.map(async (impl) => {
      const g = await impl.genesis({ profile: file.profile, chainId: file.chainId, version: file.version });
      if (g.kind !== 'ok') return { impl: impl.name, rows: [['genesis', `${g.kind}${'message' in g ? `: ${g.message}` : ''}`]] as [string, string][] };
      let last: CallResult | null = null;
      for (let i = 0; i < n && i < file.checkpoints.length; i++) last = await impl.apply(file.checkpoints[i]!);
      return { impl: impl.name, rows: last ? rowsOf(last) : [] };
    }));
  } finally {
    await Promise.all(instances.map((i) => i.close()));
  }
}

async function divergenceView(d: RunSummary['divergences'][number], impls: string | null, offline: boolean): Promise<DivergenceView> {
  const v: DivergenceView = {
    description: d.description ?? `${d.kind} divergence at ${d.field}`, kind: d.kind, field: d.field, checkpoint: d.checkpoint, leftImpl: d.leftImpl, rightImpl: d.rightImpl,
    left: d.left, right: d.right, reproducer: d.reproducer ?? null, replay: d.replay ?? (d.reproducer ? `difftower replay ${d.reproducer}${impls ? ` --impls '${impls}'` : ''}` : null),
    localization: d.localization, seenByShards: d.seenByShards,
  };
  if (!d.reproducer || !existsSync(d.reproducer)) {
    v.checkpointNote = d.reproducer ? `reproducer ${d.reproducer} not found` : 'no reproducer file';
    return v;
  }
  let file: CaseFile;
  try {
    file = readCaseFile(d.reproducer);
  } catch (err) {
    v.checkpointNote = (err as Error).message;
    return v;
  }
  const bytes = file.checkpoints[d.checkpoint - 1];
  if (bytes) {
    try {
      v.checkpointJson = displayJson(decodeCheckpoint(bytes));
    } catch (err) {
      v.checkpointNote = `the checkpoint's ${bytes.length} bytes do not decode (${(err as Error).message}); first bytes: ${Buffer.from(bytes.slice(0, 64)).toString('hex')}`;
    }
  }
  if (offline || !impls) v.sidesNote = offline ? 'not re-executed (--offline): the differing field as recorded' : 'not re-executed (implementations unknown; give --impls)';
  else {
    try {
      v.sides = await sidesOf(file, d.checkpoint, impls, 30_000);
    } catch (err) {
      v.sidesNote = `could not re-execute with ${impls}: ${(err as Error).message}`;
    }
  }
  return v;
}

function caseDivergences(dir: string): RunSummary['divergences'][number][] {
  const out: RunSummary['divergences'][number][] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.case')) continue;
    const f = readCaseFile(join(dir, name));
    if (f.meta.finding) out.push({ ...f.meta.finding, description: f.meta.note, reproducer: join(dir, name) });
  }
  return out;
}

async function runReport(path: string, impls: string | undefined, offline: boolean): Promise<RunView> {
  const st = statSync(path);
  const dir = st.isDirectory() ? path : null;
  const jsonPath = dir ? [join(dir, 'campaign.json'), join(dir, 'fuzz-report.json')].find((p) => existsSync(p)) : path;
  let s: RunSummary | null = jsonPath ? decodeJsonFile(RunSummary, 'report', jsonPath) : null;
  const divergences = s ? s.divergences : caseDivergences(dir!);
  const runImpls = impls ?? s?.impls ?? (s?.replay ? /--impls (\S+)/.exec(s.replay)?.[1] ?? null : null);
  const views: DivergenceView[] = [];
  for (const d of divergences.slice(0, 100)) views.push(await divergenceView(d, runImpls, offline));
  const kind = s?.command ?? 'findings';
  const facts: [string, unknown][] = s
    ? [
        ['implementations', s.implementations.join(' vs ')], ['profile', s.profile], ['seed', s.seed], ['cases', s.cases], ['checkpoints', s.checkpoints],
        ['checkpoints/s', s.checkpointsPerSecond], ['elapsed', `${(s.elapsedMs / 1000).toFixed(1)} s`], ['corpus', s.corpus], ['divergences', s.divergences.length],
        ...(s.command === 'campaign' ? ([['shards', `${s.shardsDone ?? '?'} / ${s.shards ?? '?'}`], ['workers', Array.isArray(s.workers) ? s.workers.length : '?']] as [string, unknown][]) : []),
      ]
    : [['divergences', divergences.length]];
  return {
    kind, source: jsonPath ?? path,
    title: s?.command === 'campaign' ? `Campaign ${s.campaign ?? ''}: ${s.divergences.length} divergence(s)` : `Fuzzing: ${divergences.length} divergence(s)`,
    facts, timeline: [...(s?.timeline ?? [])], codes: Object.fromEntries(Object.entries(s?.outcomes ?? s?.codes ?? {}).filter(([, n]) => n > 0)), replay: s?.command === 'fuzz' ? s.replay ?? null : null,
    shards: s?.shardResults ? [...s.shardResults] : undefined, divergences: views,
  };
}

const POST_FIELDS = ['block number', 'slot', 'timestamp', 'l1ToL2 root', 'l1ToL2 next index', 'noteHash root', 'noteHash next index', 'nullifier root', 'nullifier next index', 'publicData root', 'publicData next index', 'archive root', 'archive next index'];

async function evidenceReport(path: string, e: Evidence, impls: string, rpc: string | undefined, offline: boolean): Promise<EvidenceView> {
  let verdict: EvidenceView['verdict'] = null;
  let verdictNote: string | undefined;
  if (offline) verdictNote = 'not checked (--offline); run the command below';
  else {
    const instances = makeImplementations(impls, 120_000);
    try {
      verdict = await verifyEvidence(e, instances, { rpcUrl: rpc });
    } catch (err) {
      verdictNote = `the checks could not run: ${(err as Error).message.split('\n')[0]}`;
    } finally {
      await Promise.all(instances.map((i) => i.close()));
    }
  }
  const proofCheck = verdict?.checks.find((c) => c.name === 'proof');
  return {
    source: path, finding: e.finding, reason: e.reason, checkpoint: e.checkpoint, createdAt: e.createdAt, verdict, verdictNote,
    l1: [
      ['L1 chain id', String(e.l1.chainId)], ['rollup', e.l1.rollup], ['stage-2 gate', e.l1.gate], ['proposal transaction', e.l1.proposalTx],
      ['proposal block', `${e.l1.blockNumber} (${e.l1.blockHash})`],
      ['evidence transaction (trigger (a))', e.submission?.txHash ?? 'none'], ['submission', e.submission?.note ?? 'not submitted'], ...(e.submission?.gasUsed ? [['gas used', e.submission.gasUsed] as [string, string]] : []),
    ],
    postRows: e.attested.post.map((a, i) => ({ field: POST_FIELDS[i] ?? `field ${i}`, attested: a, computed: e.computedPost?.[i] ?? null })),
    outcomes: e.outcomes.map((o) => ({ impl: o.impl, kind: o.kind, detail: o.code ?? o.message ?? (o.post ? `post-state archive root ${o.post[11]}` : ''), elapsedMs: o.elapsedMs })),
    proof: e.proof
      ? { status: proofCheck ? (proofCheck.ok ? `valid: ${proofCheck.detail}` : `INVALID: ${proofCheck.detail}`) : 'present, not verified here', rows: [['circuit (sha256 of the ACIR)', e.proof.circuit], ['proof size', `${(e.proof.proof.length - 2) / 2} bytes`], ['statement fields', String(e.proof.statement.length)]] }
      : { status: e.finding === 'wrong-root' ? 'no proof in the bundle: the claim cannot be posted as trigger (a)' : 'no proof: this finding is not a provable claim', rows: [] },
    recheck: `difftower verify-evidence ${path} --rpc <L1 RPC URL>`,
  };
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(REPORT, args);
  if (positionals.length !== 1) throw new UsageError('report needs one PATH: a findings directory, a fuzz or campaign JSON report, a campaign export directory or an evidence bundle');
  if (!values.html) throw new UsageError('report needs --html FILE');
  if (values.impls) parseImplementationList(values.impls);
  const path = positionals[0]!;
  if (!existsSync(path)) throw new DecodeError('report input', `${path} does not exist`);
  let html: string;
  let isEvidence = false;
  if (statSync(path).isFile() && path.endsWith('.json')) {
    const text = readFileSync(path, 'utf8');
    isEvidence = /"kind"\s*:\s*"difftower-evidence"/.test(text);
    if (isEvidence) html = evidencePage(await evidenceReport(path, decodeEvidence(text), values.impls ?? 'ts,rust', values.rpc, !!values.offline));
    else html = runPage(await runReport(path, values.impls, !!values.offline));
  } else {
    html = runPage(await runReport(path, values.impls, !!values.offline));
  }
  writeFileSync(values.html, html);
  console.log(`wrote ${values.html} (${isEvidence ? 'evidence bundle' : 'findings'} report for ${basename(path)})`);
  return EXIT.ok;
}
