// A healthy devnet run of 52 checkpoints (seven eras: the small profile's chain is full after 8,
// so the devnet prunes and starts again) raises no alarm; a malformed proposal becomes evidence,
// not a crash; an unreachable RPC is retried with a clear status.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImplementations } from '../../impls/registry.js';
import { Devnet, DEVNET } from '../devnet.js';
import { decodeEvidence } from '../evidence.js';
import { genesis } from '../l2.js';
import { Watchtower } from '../tower.js';
import { verifyEvidence } from '../verify.js';
import { startTower, tmp, until } from './helpers.js';

let d: Devnet;
beforeAll(async () => {
  d = await Devnet.start({ verifier: 'mock', log: () => undefined });
});
afterAll(async () => {
  await d?.close();
});

describe('watchtower on a healthy devnet', () => {
  it('52 checkpoints with ts, rust and noir: every verdict ok, no finding', async () => {
    const w = startTower(d, { impls: 'ts,rust,noir' });
    try {
      await d.run({ checkpoints: 52, intervalMs: 0 });
      expect(d.prunes.length).toBeGreaterThanOrEqual(6);
      const head = Number(await d.sys.publicClient.getBlockNumber());
      const st = await until('the watchtower to catch up', () => ((w.tower.status.scanned ?? 0) >= head ? w.tower.store.stats() : undefined));
      expect(st.processed).toBe(52);
      expect(st.verdicts).toEqual({ ok: 52 });
      expect(w.tower.store.findings()).toEqual([]);
      const tip = Number(await d.sys.rollup.read.pendingTip());
      expect(w.tower.store.checkpoints().map((r) => r.n)).toEqual(Array.from({ length: tip }, (_, i) => i + 1));
      const l = w.tower.status.latency;
      console.log(`[latency, 52 checkpoints] re-exec avg ${l.reexecMsAvg.toFixed(0)} ms, max ${l.reexecMsMax.toFixed(0)} ms; per implementation ${Object.entries(l.perImplAvg).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')} ms`);
    } finally {
      await w.stop();
    }
  });

  it('a malformed proposal (timestamp not a u64) becomes evidence, and the bundle verifies', async () => {
    const w = startTower(d, { impls: 'ts,rust' });
    try {
      await until('caught up', async () => (w.tower.status.scanned ?? 0) >= Number(await d.sys.publicClient.getBlockNumber()));
      const tip = await d.sys.rollup.read.pendingTip();
      const parent = w.tower.store.checkpoint(Number(tip))?.attestedPost ?? genesis().post;
      await d.sys.propose(DEVNET.proposer, {
        data: { header: [31337n, 1n, 999n, 1n << 64n, 1n, 2n, 3n, 4n], l1ToL2Messages: [], blobFields: [5n, 6n] },
        post: parent,
        attesters: DEVNET.attesters.slice(0, 3),
      });
      const rec = await until('the malformed proposal judged', () => {
        const r = w.tower.store.checkpoint(Number(tip) + 1);
        return r?.evidencePath ? r : undefined;
      });
      expect(rec.verdict).toBe('malformed-proposal');
      expect(w.tower.status.state).toBe('following');
      const bundle = decodeEvidence(readFileSync(rec.evidencePath!, 'utf8'));
      const impls = makeImplementations('ts,rust', 60_000);
      const v = await verifyEvidence(bundle, impls, { rpcUrl: d.info.rpcUrl, rollup: d.info.rollup });
      expect(v.verdict, v.summary).toBe('confirmed');
    } finally {
      await w.stop();
    }
  });

  it('an unreachable RPC is retried with backoff and reported', async () => {
    const lines: string[] = [];
    const tower = new Watchtower({ rpcUrl: 'http://127.0.0.1:9', rollup: d.info.rollup, dbPath: tmp('db'), impls: makeImplementations('ts', 1000), log: (l) => lines.push(l) });
    const running = tower.run().catch((e) => e);
    await until('two failures', () => tower.status.rpc.failures >= 2);
    expect(tower.status.state).toBe('rpc-retrying');
    expect(tower.status.rpc.ok).toBe(false);
    expect(lines.some((l) => /retrying in/.test(l))).toBe(true);
    tower.stop();
    await running;
    await tower.close();
  });
});
