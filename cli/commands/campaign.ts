// `difftower campaign start|status|report`: a fuzzing campaign spread over any number of worker
// processes on any number of machines, coordinated through one Redis (campaign/store.ts). Workers
// are `difftower fuzz --cluster URL --campaign NAME`.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { listCaseFiles, readCaseFile, encodeCaseFile } from '../../corpus/case.js';
import { campaignSummary, exportCampaign } from '../../campaign/report.js';
import { BULL_PREFIX, CampaignStore, connectionOf, redactUrl, type CampaignMeta } from '../../campaign/store.js';
import { parseImplementationList } from '../../impls/registry.js';
import { clock, durationMs } from '../progress.js';
import { emit, finish, jsonText, junit, reportFormatOf, type ReportCase } from '../report.js';
import { EnvironmentError, EXIT, intOf, profileOf, ROOT, seedOf, UsageError, parseCommand } from '../shared.js';
import { CAMPAIGN } from './index.js';
import { preflight } from './fuzz.js';

const clusterOf = (v: string | undefined): string => {
  if (!v) throw new UsageError('--cluster redis://HOST:PORT is required');
  connectionOf(v);
  return v;
};

async function withQueue<T>(url: string, name: string, f: (q: Queue) => Promise<T>): Promise<T> {
  const q = new Queue(name, { connection: { ...connectionOf(url), maxRetriesPerRequest: 1 }, prefix: BULL_PREFIX });
  q.on('error', () => {});
  try {
    return await f(q);
  } finally {
    await q.close();
  }
}

async function start(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      cluster: { type: 'string' }, campaign: { type: 'string' }, shards: { type: 'string' }, 'runs-per-shard': { type: 'string' }, 'shard-duration': { type: 'string' },
      seed: { type: 'string' }, impls: { type: 'string' }, profile: { type: 'string' }, corpus: { type: 'string' }, timeout: { type: 'string' }, 'stall-ms': { type: 'string' },
    },
  });
  const url = clusterOf(values.cluster);
  const profile = profileOf(values.profile);
  const impls = values.impls ?? 'ts,rust';
  if (parseImplementationList(impls).length < 2) throw new UsageError('--impls needs at least two implementations to compare');
  const shards = intOf(values.shards, 'shards', 16);
  if (shards < 1) throw new UsageError('--shards must be at least 1');
  if (values['runs-per-shard'] !== undefined && values['shard-duration'] !== undefined) throw new UsageError('give --runs-per-shard or --shard-duration, not both');
  const shardMs = values['shard-duration'] === undefined ? null : durationMs(values['shard-duration']);
  if (shardMs === null && values['shard-duration'] !== undefined) throw new UsageError(`--shard-duration must look like 90s, 15m or 1h, got '${values['shard-duration']}'`);
  const runsPerShard = shardMs === null ? intOf(values['runs-per-shard'], 'runs-per-shard', 500) : null;
  const seed = seedOf(values.seed, BigInt.asUintN(64, BigInt(Date.now()) * 0x9e3779b97f4a7c15n));
  const timeoutMs = intOf(values.timeout, 'timeout', 30) * 1000;
  const stallMs = intOf(values['stall-ms'], 'stall-ms', 30_000);
  if (stallMs < 1000) throw new UsageError('--stall-ms must be at least 1000');
  const corpusDirs = values.corpus ? [values.corpus] : [join(ROOT, 'corpus/seed'), join(ROOT, 'corpus/regressions')].filter((d) => existsSync(d));
  const corpusFiles = corpusDirs.flatMap((d) => listCaseFiles(d)).map((f) => readCaseFile(f)).filter((c) => c.profile === profile);
  await preflight(impls, profile, timeoutMs);

  const store = await CampaignStore.open(url, values.campaign ?? 'default');
  try {
    const meta: CampaignMeta = { v: 1, name: store.name, profile, impls, seed: seed.toString(), shards, runsPerShard, shardMs, timeoutMs, stallMs, createdAt: new Date().toISOString() };
    if (!(await store.create(meta))) throw new UsageError(`campaign '${store.name}' already exists at ${redactUrl(url)} (pick another --campaign name)`);
    // The initial corpus in the order `difftower fuzz --corpus` loads it, so shard 0 of a
    // campaign matches a local run from the same seed.
    for (const c of corpusFiles) await store.addCase(encodeCaseFile(c));
    await withQueue(url, store.name, (q) =>
      q.addBulk(Array.from({ length: shards }, (_, i) => ({ name: 'shard', data: { shard: i }, opts: { jobId: `shard-${i}`, attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: false, removeOnFail: false } }))),
    );
    console.log(`campaign '${store.name}': ${shards} shard(s) of ${runsPerShard !== null ? `${runsPerShard} cases` : values['shard-duration']}, ${impls} on '${profile}', seed ${seed}, corpus ${await store.corpusSize()} case(s)`);
    console.log(`workers: difftower fuzz --cluster ${redactUrl(url)} --campaign ${store.name}`);
    console.log(`progress: difftower campaign status --cluster ${redactUrl(url)} --campaign ${store.name}`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

async function status(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { cluster: { type: 'string' }, campaign: { type: 'string' }, json: { type: 'boolean' } } });
  const url = clusterOf(values.cluster);
  const store = await CampaignStore.open(url, values.campaign ?? 'default');
  try {
    const meta = await store.requireMeta();
    const [results, findings, workers, corpus, failed] = [await store.results(), await store.findings(), await store.workers(), await store.corpusSize(), await store.failed()];
    const queue = await withQueue(url, meta.name, (q) => q.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed'));
    const s = campaignSummary(meta, results, findings, workers, corpus, '.');
    const now = Date.now();
    const live = workers.map((w) => ({ ...w, idleMs: now - w.lastSeen }));
    if (values.json) {
      emit(jsonText({ campaign: meta.name, shards: meta.shards, recorded: results.length, failed, queue, cases: s.cases, checkpoints: s.checkpoints, codes: s.codes, corpus, findings: s.divergences.map((d) => d.description), workers: live }), undefined);
      return EXIT.ok;
    }
    console.log(`campaign '${meta.name}': ${results.length}/${meta.shards} shards recorded (queue: ${queue.waiting} waiting, ${queue.active} active, ${queue.failed} failed); ${s.cases} cases, ${s.checkpoints} checkpoints in ${clock(s.elapsedMs)}; corpus ${corpus}`);
    console.log(`outcome codes: ${Object.entries(s.codes).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ') || 'none yet'}`);
    for (const w of live) console.log(`  worker ${w.workerId}: ${w.shard === null ? 'idle' : `shard ${w.shard}`}, ${w.shardsDone} shard(s), ${w.checkpoints} checkpoints, ${w.rate} checkpoints/s, seen ${(w.idleMs / 1000).toFixed(0)} s ago`);
    for (const [shard, why] of Object.entries(failed)) console.log(`  shard ${shard} FAILED: ${why.split('\n')[0]}`);
    console.log(`findings: ${s.divergences.length}`);
    for (const d of s.divergences) console.log(`  ${d.description} (shards ${d.seenByShards.join(', ')})`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

async function report(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { cluster: { type: 'string' }, campaign: { type: 'string' }, out: { type: 'string' }, report: { type: 'string' }, 'report-file': { type: 'string' } } });
  const url = clusterOf(values.cluster);
  const format = reportFormatOf(values.report);
  const store = await CampaignStore.open(url, values.campaign ?? 'default');
  try {
    const meta = await store.requireMeta();
    const out = values.out ?? `difftower-campaign-${meta.name}`;
    mkdirSync(out, { recursive: true });
    const [results, findings, workers, corpus] = [await store.results(), await store.findings(), await store.workers(), await store.corpusSize()];
    const files = await exportCampaign(store, results, findings, out);
    const s = campaignSummary(meta, results, findings, workers, corpus, out, files);
    emit(jsonText(s), join(out, 'campaign.json'));
    const cases = (): ReportCase[] => [
      {
        name: `campaign ${meta.name}: ${s.implementations.join(' vs ')} (${meta.profile}): no divergence in ${s.cases} cases over ${results.length} shard(s)`,
        time: s.elapsedMs / 1000,
        failure: s.divergences.length ? { message: `${s.divergences.length} divergence(s)`, details: s.divergences.map((d) => `${d.description} (${d.reproducer})`).join('\n') } : undefined,
      },
      ...s.divergences.map((d) => ({ name: `divergence: ${d.kind} at ${d.field}`, time: 0, failure: { message: d.description, details: `reproducer ${d.reproducer}\nreplay: ${d.replay}\nseen by shards ${d.seenByShards.join(', ')}` } })),
    ];
    const failed = Object.keys(await store.failed());
    const incomplete = results.length < meta.shards ? ` (incomplete: ${results.length} of ${meta.shards} shards recorded${failed.length ? `; shard(s) ${failed.join(', ')} failed` : ''})` : '';
    finish(format, values['report-file'], { json: () => s, junit: () => junit(`difftower campaign ${meta.name}`, cases(), { seed: meta.seed, profile: meta.profile, implementations: meta.impls, shards: String(meta.shards) }) },
      (s.divergences.length === 0 ? `no divergence: ${s.cases} cases, ${s.checkpoints} checkpoints over ${results.length} shard(s)` : `${s.divergences.length} divergence(s); reproducers in ${join(out, 'findings')}/`) + `${incomplete}; exported to ${out}/`);
    if (s.divergences.length > 0) return EXIT.finding;
    // A shard that failed on every attempt was never fuzzed: "no divergence" would pass a gate it did not test.
    if (failed.length > 0) throw new EnvironmentError(`campaign '${meta.name}': shard(s) ${failed.join(', ')} failed on every attempt, so the campaign is incomplete (see 'difftower campaign status')`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** `difftower campaign start|status|report ...` (flags checked against the CAMPAIGN spec first). */
export async function run(args: string[]): Promise<number> {
  const { positionals } = parseCommand(CAMPAIGN, args);
  const [sub] = positionals;
  const rest = args.filter((a) => a !== sub);
  if (positionals.length === 1 && sub === 'start') return start(rest);
  if (positionals.length === 1 && sub === 'status') return status(rest);
  if (positionals.length === 1 && sub === 'report') return report(rest);
  throw new UsageError(`campaign needs one of start, status or report${sub ? `, got '${positionals.join(' ')}'` : ''}`);
}
