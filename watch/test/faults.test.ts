// Fault injection against the watchtower: an RPC proxy (rpc-proxy.ts) injecting latency, errors,
// range limits, garbage and oversized answers; reorgs (anvil_reorg) while it runs; a small tmpfs
// that fills (or an injected ENOSPC where mounting is not allowed). After each run the watchtower's
// records are compared with the chain (fault-table.ts): no proposal missed or judged twice, no
// data lost. The table is printed (`[fault table]`); kill -9 runs are in restart.test.ts.

import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestClient, http } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImplementations } from '../../impls/registry.js';
import { Devnet } from '../devnet.js';
import { fsOps } from '../evidence.js';
import { Watchtower } from '../tower.js';
import { formatTable, measure, type FaultRow } from './fault-table.js';
import { startRpcProxy, type Faults, type RpcProxy } from './rpc-proxy.js';
import { tmp, until } from './helpers.js';

let d: Devnet;
let proxy: RpcProxy;
const rows: FaultRow[] = [];

beforeAll(async () => {
  d = await Devnet.start({ verifier: 'mock', wrongRootEvery: 3, log: () => undefined });
  proxy = await startRpcProxy(d.info.rpcUrl, {}, 12);
});
afterAll(async () => {
  if (rows.length) console.log(`[fault table]\n${formatTable(rows)}`);
  await proxy?.close();
  await d?.close();
});

const head = async () => Number(await d.sys.publicClient.getBlockNumber());

/** One run: a fresh watchtower behind the proxy with `faults`, `checkpoints` new proposals (and `during`), then measured. */
async function run(name: string, faults: Partial<Faults>, o: { checkpoints?: number; during?: () => Promise<void>; evidenceDir?: string; lines?: string[] } = {}) {
  for (const k of Object.keys(proxy.counts) as (keyof RpcProxy['counts'])[]) proxy.counts[k] = 0;
  proxy.faults = { latencyMs: 0, errorRate: 0, maxLogRange: Number.MAX_SAFE_INTEGER, garbageRate: 0, oversizedRate: 0, lostSendRate: 0, ...faults };
  const lines: string[] = o.lines ?? [];
  const tower = new Watchtower({
    rpcUrl: proxy.url, rollup: d.info.rollup, dbPath: tmp('faults'), evidenceDir: o.evidenceDir, impls: makeImplementations('ts', 30_000),
    confirmations: 0, pollMs: 50, maxBackoffMs: 400, prove: false, log: (l) => lines.push(l),
  });
  const running = tower.run();
  try {
    await Promise.all([d.run({ checkpoints: o.checkpoints ?? 4, intervalMs: 30 }), o.during?.()]);
    const h = await head();
    await until(`${name}: the watchtower to catch up`, () => (tower.status.scanned ?? -1) >= h);
    const row = await measure(name, proxy.total(), d, tower.store);
    rows.push(row);
    return { row, lines, tower };
  } finally {
    proxy.faults = { ...proxy.faults, latencyMs: 0, errorRate: 0, maxLogRange: Number.MAX_SAFE_INTEGER, garbageRate: 0, oversizedRate: 0 };
    tower.stop();
    await running;
    await tower.close();
  }
}

const clean = (r: FaultRow) => ({ missed: r.missed, duplicated: r.duplicated, postedTwice: r.postedTwice, dataLost: r.dataLost });
const ZERO = { missed: 0, duplicated: 0, postedTwice: 0, dataLost: 0 };

describe('watchtower under injected faults', () => {
  it('latency (0-150 ms on every call)', async () => {
    const { row } = await run('latency 0-150 ms', { latencyMs: 150 });
    expect(row.faults).toBeGreaterThan(0);
    expect(clean(row)).toEqual(ZERO);
  });

  it('errors (HTTP 500 and JSON-RPC errors on 25 % of calls)', async () => {
    const { row, lines } = await run('errors 25 %', { errorRate: 0.25 });
    expect(row.faults).toBeGreaterThan(0);
    expect(lines.some((l) => /retrying in/.test(l))).toBe(true);
    expect(clean(row)).toEqual(ZERO);
  });

  it('eth_getLogs range limit (3 blocks): scans are halved until they fit', async () => {
    const { row } = await run('getLogs limit 3 blocks', { maxLogRange: 3 });
    expect(proxy.counts.range).toBeGreaterThan(0);
    expect(clean(row)).toEqual(ZERO);
  });

  it('garbage answers (15 %)', async () => {
    const { row } = await run('garbage 15 %', { garbageRate: 0.15 });
    expect(row.faults).toBeGreaterThan(0);
    expect(clean(row)).toEqual(ZERO);
  });

  it('oversized answers (5 %, 1 MB each)', async () => {
    const { row } = await run('oversized 5 %', { oversizedRate: 0.05 });
    expect(row.faults).toBeGreaterThan(0);
    expect(clean(row)).toEqual(ZERO);
  });

  it('reorgs (anvil_reorg of 1-3 blocks, three times while it runs)', async () => {
    const test = createTestClient({ mode: 'anvil', transport: http(d.info.rpcUrl) });
    let reorgs = 0;
    const { row } = await run('reorgs x3 (depth 1-3)', {}, {
      checkpoints: 0,
      during: async () => {
        // Proposals, then a reorg that removes the last blocks (and proposals in them) while the
        // watchtower reads; the sequencer re-proposes what was removed.
        for (const depth of [2, 1, 3]) {
          await d.run({ checkpoints: 2, intervalMs: 30 });
          await new Promise((r) => setTimeout(r, 150));
          await test.request({ method: 'anvil_reorg' as never, params: [depth, []] as never });
          reorgs++;
        }
        await d.run({ checkpoints: 2, intervalMs: 30 });
      },
    });
    row.faults += reorgs;
    expect(reorgs).toBe(3);
    expect(clean(row)).toEqual(ZERO);
  });

  it('a small tmpfs that fills (or an injected ENOSPC): reported as a disk problem, nothing lost once there is space', async () => {
    const dir = tmp('tmpfs');
    const mounted = process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=96k', 'tmpfs', dir]).status === 0;
    const real = fsOps.writeSync;
    let full = true;
    if (mounted) writeFileSync(join(dir, 'filler'), Buffer.alloc(92 * 1024));
    else fsOps.writeSync = ((...a: Parameters<typeof real>) => {
      if (full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return (real as (...x: unknown[]) => number)(...a);
    }) as typeof real;
    const lines: string[] = [];
    let diskFaults = 0;
    try {
      await d.endEra(); // an honest parent for the next wrong root (every third proposal)
      const { row } = await run(`disk full (${mounted ? 'tmpfs 96 KiB' : 'ENOSPC shim'})`, {}, {
        evidenceDir: dir,
        checkpoints: 4,
        lines,
        during: async () => {
          await until('the disk problem', () => lines.some((l) => /disk problem \(not RPC\)/.test(l)));
          diskFaults++;
          if (mounted) rmSync(join(dir, 'filler'));
          full = false;
        },
      });
      row.faults += diskFaults;
      expect(lines.some((l) => /disk problem \(not RPC\)/.test(l))).toBe(true);
      expect(clean(row)).toEqual(ZERO);
    } finally {
      fsOps.writeSync = real;
      if (mounted) spawnSync('umount', [dir]);
    }
  });
});
