// Distributed campaigns (campaign/, `difftower campaign`, `difftower fuzz --cluster`) on a private
// redis-server: three worker processes share a campaign, a finding seen by several workers is
// reported once, the campaign equals its shards replayed alone from the printed commands, a worker
// killed with SIGKILL mid-shard has its shard finished elsewhere and counted once.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignStore, type ShardResult } from '../campaign/store.js';
import { startRedis, type TestRedis } from './helpers/redis.js';
import { missing } from './support/prerequisites.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
// One process per CLI run (node with tsx's loader, not the tsx launcher), so SIGKILL hits the worker itself.
const argv = (args: string[]) => ['--import', 'tsx', join(root, 'cli/entry.ts'), ...args];
const cli = (...args: string[]) => spawnSync(process.execPath, argv(args), { encoding: 'utf8', timeout: 600_000, cwd: root });
const faulty = `ts,cmd:${tsx} ${join(root, 'test/fixtures/faulty-stdio.ts')}`;

function worker(url: string, campaign: string): { proc: ChildProcess; done: Promise<{ code: number | null; log: string }> } {
  const proc = spawn(process.execPath, argv(['fuzz', '--cluster', url, '--campaign', campaign]), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout!.on('data', (d) => (log += d));
  proc.stderr!.on('data', (d) => (log += d));
  return { proc, done: new Promise((resolve) => proc.on('exit', (code) => resolve({ code, log }))) };
}

const noRedis = missing('redis-server', 'apt-get install redis-server');
let redis: TestRedis;
beforeAll(async () => {
  if (!noRedis) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe.skipIf(noRedis)('difftower campaign', () => {
  it('three workers share a campaign; a finding seen by several is reported once; the result is the union of its shards replayed alone', async () => {
    const start = cli('campaign', 'start', '--cluster', redis.url, '--campaign', 'three', '--shards', '3', '--runs-per-shard', '3', '--seed', '5', '--impls', faulty, '--stall-ms', '5000');
    expect(start.status, start.stderr).toBe(0);
    expect(cli('campaign', 'start', '--cluster', redis.url, '--campaign', 'three', '--shards', '1').status).toBe(2); // exists already

    const ws = [worker(redis.url, 'three'), worker(redis.url, 'three'), worker(redis.url, 'three')];
    const ends = await Promise.all(ws.map((w) => w.done));
    for (const e of ends) expect(e.code, e.log).toBe(0);

    const out = mkdtempSync(join(tmpdir(), 'dt-campaign-'));
    const rep = cli('campaign', 'report', '--cluster', redis.url, '--campaign', 'three', '--out', out, '--report', 'json');
    expect(rep.status, rep.stderr).toBe(1); // the faulty implementation diverges
    const report = JSON.parse(rep.stdout);
    expect(report.shardsDone).toBe(3);
    const shards = report.shardResults as { shard: number; worker: string; cases: number; checkpoints: number; signatures: string[]; replay: string }[];
    expect(shards.map((s) => s.shard)).toEqual([0, 1, 2]);
    // Each shard ran by exactly one worker process, and more than one process took part.
    const pids = ws.map((w) => w.proc.pid);
    for (const s of shards) expect(pids).toContain(Number(s.worker.split(':').pop()));
    expect(new Set(shards.map((s) => s.worker)).size).toBeGreaterThanOrEqual(2);

    // Every shard finds the same bug; the campaign reports it once, naming every shard and worker that saw it.
    expect(report.divergences).toHaveLength(1);
    const d = report.divergences[0];
    expect(d).toMatchObject({ kind: 'root', field: 'archive.root', reproducerCheckpoints: 1 });
    expect(d.seenByShards.length).toBeGreaterThanOrEqual(2);
    expect(d.seenByWorkers.length).toBeGreaterThanOrEqual(2);
    expect(readdirSync(join(out, 'findings'))).toHaveLength(1);
    expect(cli('replay', d.reproducer, '--impls', faulty).status).toBe(1);

    // The union of the shards, each replayed alone from the printed command, is the campaign.
    let cases = 0;
    let checkpoints = 0;
    const codes: Record<string, number> = {};
    const sigs = new Set<string>();
    for (const s of shards) {
      const words = s.replay.match(/'[^']*'|\S+/g)!.map((w) => w.replace(/^'|'$/g, ''));
      expect(words.slice(0, 2)).toEqual(['difftower', 'fuzz']);
      const r = cli(...words.slice(1), '--report', 'json', '--quiet', '--findings', join(out, `replay-${s.shard}`));
      const alone = JSON.parse(r.stdout);
      expect(alone.cases).toBe(s.cases);
      expect(alone.checkpoints, `shard ${s.shard}`).toBe(s.checkpoints);
      cases += alone.cases;
      checkpoints += alone.checkpoints;
      for (const [k, v] of Object.entries(alone.outcomes as Record<string, number>)) if (v > 0) codes[k] = (codes[k] ?? 0) + v;
      for (const x of alone.divergences) sigs.add(`${x.kind}|${x.field}|${x.leftImpl}|${x.rightImpl}`);
    }
    expect(cases).toBe(report.cases);
    expect(checkpoints).toBe(report.checkpoints);
    expect(codes).toEqual(report.codes);
    expect([...sigs]).toEqual(report.divergences.map((x: { kind: string; field: string; leftImpl: string; rightImpl: string }) => `${x.kind}|${x.field}|${x.leftImpl}|${x.rightImpl}`));
    // campaign.json (for `difftower report --html`) is the same report.
    expect(JSON.parse(readFileSync(join(out, 'campaign.json'), 'utf8')).checkpoints).toBe(report.checkpoints);
  });

  it('a worker killed with SIGKILL mid-shard: its shard is finished by another worker and counted once', async () => {
    const start = cli('campaign', 'start', '--cluster', redis.url, '--campaign', 'kill', '--shards', '1', '--runs-per-shard', '40', '--seed', '9', '--impls', 'ts,ts', '--stall-ms', '2000');
    expect(start.status, start.stderr).toBe(0);
    const store = await CampaignStore.open(redis.url, 'kill');
    try {
      const a = worker(redis.url, 'kill');
      // Wait until the worker is inside a shard and has made progress, then kill it without warning.
      let victimShard: number | null = null;
      for (let i = 0; i < 6000 && victimShard === null; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const beat = (await store.workers()).find((w) => w.pid === a.proc.pid);
        if (beat && beat.shard !== null && beat.cases > 0) victimShard = beat.shard;
      }
      expect(victimShard).not.toBeNull();
      expect(await store.hasResult(victimShard!)).toBe(false);
      a.proc.kill('SIGKILL');
      await a.done;

      const b = worker(redis.url, 'kill');
      const end = await b.done;
      expect(end.code, end.log).toBe(0);
      const results = await store.results();
      expect(results.map((r) => r.shard)).toEqual([0]);
      const redone = results.find((r) => r.shard === victimShard)!;
      expect(redone.workerId.endsWith(`:${b.proc.pid}`)).toBe(true);
      expect(redone.attempt).toBeGreaterThanOrEqual(2);
      for (const r of results) expect(r.cases).toBe(40);

      // Recording a shard again (a slow worker finishing late) changes nothing.
      const again: ShardResult = { ...redone, workerId: 'late:1', cases: 999 };
      expect(await store.record(again, [])).toBe(false);
      expect((await store.results()).find((r) => r.shard === victimShard)!.cases).toBe(40);
    } finally {
      await store.close();
    }
  });

  it('a duration shard records how many cases it ran and replays exactly with that many; JUnit report', async () => {
    expect(cli('campaign', 'start', '--cluster', redis.url, '--campaign', 'timed', '--shards', '1', '--shard-duration', '5s', '--seed', '21', '--impls', 'ts,ts').status).toBe(0);
    const w = worker(redis.url, 'timed');
    const end = await w.done;
    expect(end.code, end.log).toBe(0);
    const out = mkdtempSync(join(tmpdir(), 'dt-timed-'));
    const junit = cli('campaign', 'report', '--cluster', redis.url, '--campaign', 'timed', '--out', out, '--report', 'junit');
    expect(junit.status, junit.stderr).toBe(0);
    expect(junit.stdout).toMatch(/^<\?xml/);
    expect(junit.stdout).toContain('failures="0"');
    const report = JSON.parse(readFileSync(join(out, 'campaign.json'), 'utf8'));
    const shard = report.shardResults[0];
    expect(shard.cases).toBeGreaterThan(0);
    expect(shard.replay).toContain(`--runs ${shard.cases}`);
    const words = shard.replay.match(/'[^']*'|\S+/g)!.map((x: string) => x.replace(/^'|'$/g, ''));
    const alone = JSON.parse(cli(...words.slice(1), '--report', 'json', '--quiet').stdout);
    expect([alone.cases, alone.checkpoints]).toEqual([shard.cases, shard.checkpoints]);
  });

  it('a shard that fails on every attempt (a damaged corpus entry in Redis): the worker and the report exit 4 and name it, the rest is kept', async () => {
    const start = cli('campaign', 'start', '--cluster', redis.url, '--campaign', 'damaged', '--shards', '2', '--runs-per-shard', '3', '--seed', '3', '--impls', 'ts,ts');
    expect(start.status, start.stderr).toBe(0);
    const store = await CampaignStore.open(redis.url, 'damaged');
    try {
      // every shard starts from the whole corpus, so one entry that is not a case file fails them all
      const key = (k: string) => (store as unknown as { k(name: string): string }).k(k);
      await store.redis.hset(key('corpus'), 'bogus', Buffer.from('not a case file'));
      await store.redis.rpush(key('corpus:log'), 'bogus');
      const w = worker(redis.url, 'damaged');
      const end = await w.done;
      expect(end.code, end.log).toBe(4);
      expect(end.log).toMatch(/shard\(s\) 0, 1 failed on every attempt/);
      expect(end.log).toContain('campaign corpus case bogus is damaged');
      expect(Object.keys(await store.failed()).sort()).toEqual(['0', '1']);
      expect(await store.resultCount()).toBe(0);

      const status = cli('campaign', 'status', '--cluster', redis.url, '--campaign', 'damaged');
      expect(status.stdout).toMatch(/shard 0 FAILED: .*damaged/);
      const out = mkdtempSync(join(tmpdir(), 'dt-campaign-'));
      const rep = cli('campaign', 'report', '--cluster', redis.url, '--campaign', 'damaged', '--out', out);
      expect(rep.status, rep.stderr).toBe(4); // not "no divergence": the shards were never fuzzed
      expect(rep.stderr).toContain('failed on every attempt');
      expect(existsSync(join(out, 'campaign.json'))).toBe(true); // what there is, is still exported
    } finally {
      await store.close();
    }
  });

  it('gives clear errors: no Redis (4), unknown campaign and bad flags (2)', () => {
    expect(cli('fuzz', '--cluster', 'redis://127.0.0.1:1', '--campaign', 'x').status).toBe(4);
    const none = cli('campaign', 'status', '--cluster', redis.url, '--campaign', 'nope');
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("no campaign 'nope'");
    expect(cli('fuzz', '--cluster', 'http://x', '--campaign', 'x').status).toBe(2);
    expect(cli('fuzz', '--cluster', redis.url, '--seed', '3').status).toBe(2);
    expect(cli('campaign', 'frobnicate').status).toBe(2);
  });
});
