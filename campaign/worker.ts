// A campaign worker (`difftower fuzz --cluster URL --campaign NAME`): takes shards from the
// campaign's BullMQ queue and runs each with the ordinary fuzz engine (fuzz/pool.ts, one engine in
// a worker thread so this thread keeps renewing the shard's lock), shares new corpus cases as it
// goes, and records the shard's result and findings once (campaign/store.ts). A worker that dies
// (kill -9) stops renewing its lock; BullMQ's stalled-job check hands the shard to another worker.

import { hostname } from 'node:os';
import { Worker, type Job } from 'bullmq';
import { encodeCaseFile } from '../corpus/case.js';
import { describeFinding } from '../oracle/run.js';
import type { EngineFinding } from '../fuzz/engine.js';
import { FuzzRun } from '../fuzz/pool.js';
import { BULL_PREFIX, CampaignStore, connectionOf, shardSeed, type CampaignFinding, type CampaignMeta, type ShardResult } from './store.js';

export interface ShardJob {
  shard: number;
}

export interface WorkerOptions {
  /** Shards run at once by this process (each in its own thread). */
  concurrency: number;
  log: (line: string) => void;
  /** Called with each shard this worker recorded. */
  onShard?: (r: ShardResult, recorded: boolean) => void;
  /** Cases may start from generated pre-states: every implementation can restore (as `fuzz` decides). */
  preStates: boolean;
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** Runs one shard exactly as `difftower fuzz --seed <seed+shard> --workers 1 --runs N --corpus-list <its corpus>` would. */
export async function runShard(store: CampaignStore, meta: CampaignMeta, shard: number, workerId: string, attempt: number, onBeat: (cases: number, checkpoints: number) => void, preStates: boolean): Promise<{ result: ShardResult; findings: CampaignFinding[] }> {
  const corpusSize = await store.corpusSize();
  const corpus = (await store.corpus(corpusSize)).map((e) => e.case).filter((c) => c.profile === meta.profile);
  const seed = shardSeed(meta, shard);
  const startedAt = Date.now();
  const cpu0 = process.cpuUsage();
  const findings: CampaignFinding[] = [];
  const adds: Promise<unknown>[] = [];
  let novel = 0;
  const fuzz = new FuzzRun({
    profile: meta.profile, impls: meta.impls, seed, workers: 1, threads: true, timeoutMs: meta.timeoutMs, corpus, preStates,
    runs: meta.runsPerShard ?? undefined,
    durationMs: meta.shardMs ?? undefined,
    onProgress: (s) => onBeat(s.cases, s.checkpoints),
    onNovel: (c) => {
      novel++;
      adds.push(store.addCase(CampaignStore.encodeCase(c, { seed: seed.toString(), note: `campaign ${meta.name} shard ${shard}` })));
    },
    onFinding: (f: EngineFinding) => {
      const file = encodeCaseFile({
        v: 1, kind: 'difftower-case', ...f.reproducer,
        meta: { origin: 'finding', note: describeFinding(f.finding), seed: seed.toString(), worker: 0, iteration: f.iteration, finding: { ...f.finding } },
      });
      findings.push({
        signature: f.signature, finding: { ...f.finding }, description: describeFinding(f.finding), reproducer: b64(file),
        reproducerCheckpoints: f.reproducer.checkpoints.length, originalCheckpoints: f.originalCheckpoints, shard, iteration: f.iteration, workerId,
      });
    },
  });
  const { stats } = await fuzz.run();
  await Promise.all(adds);
  const cpu = process.cpuUsage(cpu0);
  const result: ShardResult = {
    shard, seed: seed.toString(), cases: stats.cases, execs: stats.execs, checkpoints: stats.checkpoints, codes: stats.outcomes, corpusSize, novel,
    signatures: findings.map((f) => f.signature), workerId, attempt, startedAt, finishedAt: Date.now(), elapsedMs: Math.round(stats.elapsedMs),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
  return { result, findings };
}

/** Works on the campaign until every shard has a recorded result. */
export async function runWorker(store: CampaignStore, meta: CampaignMeta, o: WorkerOptions): Promise<{ shards: number; checkpoints: number; failed: number[] }> {
  const workerId = `${hostname()}:${process.pid}`;
  let shardsDone = 0;
  let totalCases = 0;
  let totalCheckpoints = 0;
  let current: number | null = null;
  let last = { t: Date.now(), checkpoints: 0 };
  const beat = (cases: number, checkpoints: number, force = false) => {
    const now = Date.now();
    if (!force && now - last.t < 1000) return;
    const rate = now > last.t ? ((totalCheckpoints + checkpoints - last.checkpoints) * 1000) / (now - last.t) : 0;
    last = { t: now, checkpoints: totalCheckpoints + checkpoints };
    void store.beat({ workerId, host: hostname(), pid: process.pid, shard: current, shardsDone, cases: totalCases + cases, checkpoints: totalCheckpoints + checkpoints, rate: Math.round(rate * 10) / 10, lastSeen: now }).catch(() => {});
  };

  const process_ = async (job: Job<ShardJob>) => {
    const shard = job.data.shard;
    if (await store.hasResult(shard)) return 'already recorded';
    current = shard;
    const attempt = job.attemptsStarted ?? 1;
    o.log(`shard ${shard}: started (seed ${shardSeed(meta, shard)}${attempt > 1 ? `, attempt ${attempt}` : ''})`);
    const { result, findings } = await runShard(store, meta, shard, workerId, attempt, (c, k) => beat(c, k), o.preStates);
    const recorded = await store.record(result, findings);
    current = null;
    shardsDone++;
    totalCases += result.cases;
    totalCheckpoints += result.checkpoints;
    beat(0, 0, true);
    o.log(`shard ${shard}: ${result.cases} cases, ${result.checkpoints} checkpoints, ${findings.length} finding(s)${recorded ? '' : ' (already recorded by another worker; not counted again)'}`);
    o.onShard?.(result, recorded);
    return recorded ? 'recorded' : 'already recorded';
  };

  const worker = new Worker<ShardJob>(meta.name, process_, {
    connection: { ...connectionOf(store.url), maxRetriesPerRequest: null },
    prefix: BULL_PREFIX,
    concurrency: o.concurrency,
    lockDuration: meta.stallMs,
    stalledInterval: Math.max(500, Math.floor(meta.stallMs / 2)),
    maxStalledCount: 5,
    autorun: true,
  });
  worker.on('error', (err) => o.log(`worker: ${err.message}`));
  worker.on('failed', (job, err) => {
    o.log(`shard ${job?.data.shard}: failed: ${err.message.split('\n')[0]}`);
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) void store.markFailed(job.data.shard, err.message).catch(() => {});
  });
  beat(0, 0, true);
  try {
    // Done when every shard is recorded or has failed for good (not when the queue looks empty: a
    // dead worker's shard is still "active" until the stalled-job check moves it back).
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      if ((await store.resultCount()) + Object.keys(await store.failed()).length >= meta.shards) break;
    }
  } finally {
    await worker.close();
    beat(0, 0, true);
  }
  return { shards: shardsDone, checkpoints: totalCheckpoints, failed: Object.keys(await store.failed()).map(Number) };
}

