// `difftower watch` killed with SIGKILL at arbitrary moments while the devnet proposes, restarted
// on the same database each time: in the end every proposal was judged exactly once (the
// database's count equals the chain's proposal events), the records equal the chain's pending
// checkpoints, and the wrong root's evidence was posted on L1 exactly once.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollupAbi, stageTwoGateAbi } from '../../contracts/generated/artifacts.gen.js';
import { Devnet, devnetKey } from '../devnet.js';
import { WatchStore } from '../store.js';
import { tmp, until } from './helpers.js';

const root = join(import.meta.dirname, '../..');

let d: Devnet;
beforeAll(async () => {
  d = await Devnet.start({ verifier: 'honk', wrongRootEvery: 7, log: () => undefined });
}, 60_000);
afterAll(async () => {
  await d?.close();
});

function watch(db: string): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  let out = '';
  // One process (node with tsx's loader), so that SIGKILL kills the watchtower itself.
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'cli/entry.ts'), 'watch', '--status-port', '0', '--rpc', d.info.rpcUrl, '--rollup', d.info.rollup, '--db', db, '--impls', 'ts,rust,noir', '--confirmations', '0', '--poll', '50'], {
    cwd: root,
    env: { ...process.env, DIFFTOWER_OPERATOR_KEY: devnetKey('operator') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

describe('watchtower killed and restarted', () => {
  it('SIGKILL at arbitrary moments: nothing missed, nothing judged or posted twice', async () => {
    const db = tmp('restart');
    const proposing = d.run({ checkpoints: 24, intervalMs: 150 });
    let kills = 0;
    for (const delay of [4500, 6000, 5200]) {
      const w = watch(db);
      await new Promise((r) => setTimeout(r, delay));
      w.child.kill('SIGKILL');
      await w.exited;
      kills++;
    }
    await proposing;
    const last = watch(db);
    const head = Number(await d.sys.publicClient.getBlockNumber());
    const url = await until('the status endpoint', () => /status: (http:\S+)\/status/.exec(last.output())?.[1], 30_000);
    await until('the restarted watchtower to catch up', async () => {
      const s = (await (await fetch(`${url}/status`)).json()) as { scanned: number | null };
      return (s.scanned ?? 0) >= head;
    }, 90_000, 250);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/difftower_watch_checkpoints_total \d+/);
    last.child.kill('SIGINT');
    const code = await last.exited;
    expect(kills).toBe(3);
    expect(last.output()).not.toMatch(/DIFFTOWER_OPERATOR_KEY=|0x[0-9a-f]{64}\b.*key/i);

    const proposals = await d.sys.publicClient.getContractEvents({ address: d.info.rollup, abi: rollupAbi, eventName: 'CheckpointProposed', fromBlock: 0n });
    const store = new WatchStore(db);
    try {
      const st = store.stats();
      expect(st.processed).toBe(proposals.length);
      const tip = Number(await d.sys.rollup.read.pendingTip());
      const records = store.checkpoints();
      expect(records.map((r) => r.n)).toEqual(Array.from({ length: tip }, (_, i) => i + 1));
      for (const r of records) {
        const [dataHash, postHash] = await d.sys.rollup.read.getCheckpoint([BigInt(r.n)]);
        expect([r.dataHash, r.attestedPostHash]).toEqual([dataHash, postHash]);
      }
      const wrong = d.proposals.filter((p) => p.wrong);
      expect(wrong.length).toBeGreaterThanOrEqual(3);
      const posted = await d.sys.publicClient.getContractEvents({ address: d.sys.addresses.gate, abi: stageTwoGateAbi, eventName: 'DisagreementProven', fromBlock: 0n });
      // each wrong root still pending when judged is posted once; none twice
      const keys = posted.map((p) => p.args.statementHash);
      expect(new Set(keys).size).toBe(keys.length);
      expect(posted.length).toBeGreaterThanOrEqual(1);
      expect(store.findings().filter((f) => f.verdict === 'wrong-root').length).toBe(wrong.length);
      expect(code).toBe(1); // findings were recorded
    } finally {
      await store.close();
    }
  }, 150_000);
});
