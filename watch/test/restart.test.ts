// `difftower watch` killed with SIGKILL at random moments while the devnet proposes (paced: after
// each wrong root it waits for the evidence, then the council prunes it), restarted on the same
// database each time. In the end every proposal was judged exactly once, the records equal the
// chain's pending checkpoints, every wrong root got its evidence on L1, and no evidence was posted
// twice. 5 kills in `npm test`; DIFFTOWER_KILLS=20 for the long run (`npm run test:faults`).

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageTwoGateAbi } from '../../contracts/generated/artifacts.gen.js';
import { Devnet, DEVNET, devnetKey } from '../devnet.js';
import { WatchStore } from '../store.js';
import { formatTable, measure } from './fault-table.js';
import { prng } from './rpc-proxy.js';
import { tmp, until } from './helpers.js';

const root = join(import.meta.dirname, '../..');
const KILLS = Number(process.env.DIFFTOWER_KILLS ?? 5);

let d: Devnet;
beforeAll(async () => {
  d = await Devnet.start({ verifier: 'honk', wrongRootEvery: 4, pace: true, paceTimeoutMs: 300_000, log: () => undefined });
});
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
  it(`SIGKILL at ${KILLS} random moments: nothing missed, nothing judged or posted twice, every wrong root has evidence`, async () => {
    const db = tmp('restart');
    const rnd = prng(2026);
    const checkpoints = Math.max(12, KILLS * 2);
    const proposing = d.run({ checkpoints, intervalMs: 150 });
    let kills = 0;
    for (let i = 0; i < KILLS; i++) {
      const w = watch(db);
      await new Promise((r) => setTimeout(r, 2500 + Math.floor(rnd() * 5000)));
      w.child.kill('SIGKILL');
      await w.exited;
      kills++;
    }
    const last = watch(db);
    await proposing;
    const head = Number(await d.sys.publicClient.getBlockNumber());
    const url = await until('the status endpoint', () => /status: (http:\S+)\/status/.exec(last.output())?.[1]);
    await until('the restarted watchtower to catch up', async () => {
      const s = (await (await fetch(`${url}/status`)).json()) as { scanned: number | null };
      return (s.scanned ?? 0) >= head;
    }, 120_000, 250);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/difftower_watch_checkpoints_total \d+/);
    last.child.kill('SIGINT');
    const code = await last.exited;
    expect(kills).toBe(KILLS);
    expect(last.output()).not.toMatch(/DIFFTOWER_OPERATOR_KEY=|0x[0-9a-f]{64}\b.*key/i);

    const store = new WatchStore(db);
    try {
      const row = await measure(`kill -9 x${KILLS} (honk, proving, posting)`, kills, d, store, { operator: DEVNET.operator.address, operatorTxsBefore: 0 });
      console.log(`[fault table]\n${formatTable([row])}`);
      expect({ missed: row.missed, duplicated: row.duplicated, postedTwice: row.postedTwice, dataLost: row.dataLost }).toEqual({ missed: 0, duplicated: 0, postedTwice: 0, dataLost: 0 });
      // Paced devnet: every wrong root got its evidence on L1 (and the council pruned it).
      const wrong = d.proposals.filter((p) => p.wrong);
      expect(wrong.length).toBeGreaterThanOrEqual(3);
      const posted = await d.sys.publicClient.getContractEvents({ address: d.sys.addresses.gate, abi: stageTwoGateAbi, eventName: 'DisagreementProven', fromBlock: 0n });
      expect(posted.map((p) => Number(p.args.checkpoint)).sort()).toEqual(wrong.map((p) => p.checkpoint).sort());
      expect(new Set(posted.map((p) => p.args.statementHash)).size).toBe(posted.length);
      expect(store.findings().filter((f) => f.verdict === 'wrong-root').length).toBe(wrong.length);
      expect(code).toBe(1); // findings were recorded
    } finally {
      await store.close();
    }
  });
});
