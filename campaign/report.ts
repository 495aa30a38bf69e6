// A campaign's result, summed over its recorded shards (each counted once), in the same JSON shape
// as a local `difftower fuzz` report plus what is campaign-specific: per-shard replay commands,
// per-worker throughput, which shards saw each finding. `exportCampaign` writes what those replay
// commands need (corpus files, each shard's starting corpus list, the findings' reproducers).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { decodeCaseFile, writeCaseFile } from '../corpus/case.js';
import { parseImplementationList } from '../impls/registry.js';
import type { CampaignFinding, CampaignMeta, CampaignStore, ShardResult, WorkerBeat } from './store.js';

const shq = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function shardReplay(meta: CampaignMeta, r: ShardResult, outDir: string): string {
  return `difftower fuzz --seed ${r.seed} --runs ${r.cases} --workers 1 --profile ${meta.profile} --impls ${shq(meta.impls)} --corpus-list ${shq(join(outDir, 'shards', `shard-${r.shard}.corpus`))}`;
}

const rate = (n: number, ms: number) => (ms > 0 ? Math.round((n / (ms / 1000)) * 10) / 10 : 0);

export function campaignSummary(meta: CampaignMeta, results: ShardResult[], findings: CampaignFinding[], workers: WorkerBeat[], corpus: number, outDir: string, reproducers: Map<string, string> = new Map()) {
  const sum = (f: (r: ShardResult) => number) => results.reduce((t, r) => t + f(r), 0);
  const codes: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.codes)) codes[k] = (codes[k] ?? 0) + v;
  const start = results.length ? Math.min(...results.map((r) => r.startedAt)) : 0;
  const end = results.length ? Math.max(...results.map((r) => r.finishedAt)) : 0;
  const elapsedMs = end - start;
  const checkpoints = sum((r) => r.checkpoints);
  // Throughput over time: cumulative totals as each shard was recorded.
  let acc = { cases: 0, checkpoints: 0, divergences: 0 };
  const seenSig = new Set<string>();
  const timeline = [...results].sort((a, b) => a.finishedAt - b.finishedAt).map((r) => {
    r.signatures.forEach((s) => seenSig.add(s));
    acc = { cases: acc.cases + r.cases, checkpoints: acc.checkpoints + r.checkpoints, divergences: seenSig.size };
    return { tMs: r.finishedAt - start, ...acc };
  });
  const byWorker = new Map<string, { workerId: string; shards: number; cases: number; checkpoints: number; busyMs: number; cpuMs: number }>();
  for (const r of results) {
    const w = byWorker.get(r.workerId) ?? { workerId: r.workerId, shards: 0, cases: 0, checkpoints: 0, busyMs: 0, cpuMs: 0 };
    w.shards++, (w.cases += r.cases), (w.checkpoints += r.checkpoints), (w.busyMs += r.elapsedMs), (w.cpuMs += r.cpuMs);
    byWorker.set(r.workerId, w);
  }
  return {
    tool: 'difftower',
    command: 'campaign',
    campaign: meta.name,
    profile: meta.profile,
    implementations: parseImplementationList(meta.impls),
    impls: meta.impls,
    seed: meta.seed,
    shards: meta.shards,
    shardsDone: results.length,
    runsPerShard: meta.runsPerShard,
    shardMs: meta.shardMs,
    createdAt: meta.createdAt,
    elapsedMs,
    cases: sum((r) => r.cases),
    executions: sum((r) => r.execs),
    checkpoints,
    casesPerSecond: rate(sum((r) => r.cases), elapsedMs),
    checkpointsPerSecond: rate(checkpoints, elapsedMs),
    cpuMsPerCheckpoint: checkpoints ? Math.round((sum((r) => r.cpuMs) / checkpoints) * 100) / 100 : null,
    corpus,
    codes,
    timeline,
    workers: [...byWorker.values()].map((w) => ({ ...w, checkpointsPerSecond: rate(w.checkpoints, w.busyMs), live: workers.find((b) => b.workerId === w.workerId) ?? null })),
    divergences: findings.map((f) => {
      const seenBy = results.filter((r) => r.signatures.includes(f.signature));
      const file = reproducers.get(f.signature) ?? null;
      return {
        ...f.finding, signature: f.signature, description: f.description, reproducer: file, reproducerCheckpoints: f.reproducerCheckpoints,
        shard: f.shard, iteration: f.iteration, worker: f.workerId,
        seenByShards: seenBy.map((r) => r.shard), seenByWorkers: [...new Set(seenBy.map((r) => r.workerId))],
        replay: file ? `difftower replay ${shq(file)} --impls ${shq(meta.impls)}` : null,
      };
    }),
    shardResults: results.map((r) => ({ shard: r.shard, seed: r.seed, cases: r.cases, checkpoints: r.checkpoints, corpusSize: r.corpusSize, worker: r.workerId, attempt: r.attempt, elapsedMs: r.elapsedMs, cpuMs: r.cpuMs, signatures: r.signatures, replay: shardReplay(meta, r, outDir) })),
  };
}
export type CampaignSummary = ReturnType<typeof campaignSummary>;

/** Writes DIR/corpus/<id>.case, DIR/shards/shard-<i>.corpus and DIR/findings/*.case; returns signature -> reproducer path. */
export async function exportCampaign(store: CampaignStore, results: ShardResult[], findings: CampaignFinding[], dir: string): Promise<Map<string, string>> {
  // as stored, not decoded: the export keeps what there is, a damaged entry included
  const corpus = await store.corpusEntries();
  mkdirSync(join(dir, 'corpus'), { recursive: true });
  mkdirSync(join(dir, 'shards'), { recursive: true });
  for (const e of corpus) writeFileSync(join(dir, 'corpus', `${e.id}.case`), e.bytes);
  for (const r of results) {
    const lines = corpus.slice(0, r.corpusSize).map((e) => relative(join(dir, 'shards'), join(dir, 'corpus', `${e.id}.case`)));
    writeFileSync(join(dir, 'shards', `shard-${r.shard}.corpus`), lines.map((l) => l + '\n').join(''));
  }
  const files = new Map<string, string>();
  for (const f of findings) files.set(f.signature, writeCaseFile(join(dir, 'findings'), 'finding-', decodeCaseFile(Buffer.from(f.reproducer, 'base64'))));
  return files;
}
