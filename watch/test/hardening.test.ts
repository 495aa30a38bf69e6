// The security review's watchtower and evidence items (issue 12, items 5-10), each as an attack
// that must fail: forged and oversized bundles, a proposal through a forwarding contract, recovery
// from proofs, a restarted devnet, a signal during start-up, a stuck evidence transaction, an
// implementation that hangs, a full disk, and a deep-reorg re-sync. One devnet (mock verifier) for
// the file; proofs for bundles are real (bb.js verifies them off chain).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestClient, http, type Address, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rollupAbi } from '../../contracts/generated/artifacts.gen.js';
import { mockProof } from '../../contracts/ts/signing.js';
import { postHash, toField } from '../../contracts/ts/statement.js';
import { watchImplementations } from '../implementations.js';
import { main } from '../../cli/main.js';
import { InProcessTsImplementation } from '../../impls/adapters/in-process-ts.js';
import type { Implementation } from '../../impls/implementation.js';
import { closeBarretenberg } from '../../impls/noir/src/prover.js';
import { Devnet, DEVNET, FORWARDER_CODE } from '../devnet.js';
import { b64, encodeEvidence, fsOps, writeFileAtomic, type Evidence } from '../evidence.js';
import { checkpointOfProposal, genesis, statementOf } from '../l2.js';
import { proveTransition } from '../prove.js';
import { submitReplacing } from '../submit.js';
import { ThreadedImplementation } from '../threaded.js';
import { ChainChangedError, Watchtower } from '../tower.js';
import { ChainReader, type RollupEvent } from '../follower.js';
import { verifyEvidence } from '../verify.js';
import { startTower, tmp, until } from './helpers.js';

const root = join(import.meta.dirname, '../..');
let d: Devnet;
beforeAll(async () => {
  d = await Devnet.start({ verifier: 'mock', log: () => undefined });
});
afterAll(async () => {
  await d?.close();
  await closeBarretenberg();
});

const head = async () => Number(await d.sys.publicClient.getBlockNumber());
const caughtUp = (w: ReturnType<typeof startTower>) => until('caught up', async () => (w.tower.status.scanned ?? -1) >= (await head()));
const eventCarriesData = (rollupAbi as readonly { type: string; name?: string; inputs?: readonly { name?: string }[] }[])
  .some((x) => x.type === 'event' && x.name === 'CheckpointProposed' && x.inputs?.some((i) => i.name === 'blobFields'));

/** Runs the CLI in process, capturing stderr and stdout. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const e = vi.spyOn(console, 'error').mockImplementation((...a) => void (out += a.join(' ') + '\n'));
  const l = vi.spyOn(console, 'log').mockImplementation((...a) => void (out += a.join(' ') + '\n'));
  try {
    return { code: await main(args), out };
  } finally {
    e.mockRestore();
    l.mockRestore();
  }
}

describe('evidence bound to the chain (item 5)', () => {
  let honest: Evidence;
  it('a made-up attested post-state with a real proof of the true transition is NOT CONFIRMED', async () => {
    const w = startTower(d, { impls: 'ts,rust' });
    let rec;
    try {
      await d.proposeNext();
      await caughtUp(w);
      rec = w.tower.store.checkpoint(1)!;
      expect(rec.verdict).toBe('ok');
    } finally {
      await w.stop();
    }
    const g = genesis();
    const bytes = checkpointOfProposal(rec.data!).bytes;
    const proof = await proveTransition(g.stateFile, bytes);
    const fake = rec.attestedPost.map((x, i) => (i === 11 ? toField(BigInt(x) ^ 1n) : x));
    const l2 = [toField(31337n), toField(1n)];
    honest = {
      v: 1, kind: 'difftower-evidence', finding: 'wrong-root', reason: 'forged', createdAt: new Date().toISOString(),
      l1: { chainId: d.info.l1ChainId, rollup: d.info.rollup, gate: d.info.addresses.gate, proposalTx: rec.txHash, blockNumber: rec.blockNumber, blockHash: rec.blockHash },
      checkpoint: 1, l2: { chainId: l2[0]!, version: l2[1]! },
      preState: { statement: [...l2, ...g.post], stateFile: b64(g.stateFile) },
      data: rec.data!, checkpointBytes: b64(bytes),
      attested: { post: fake, postHash: postHash(fake), parentPostHash: g.postHash, dataHash: rec.dataHash },
      outcomes: [], computedPost: rec.attestedPost, proof: { circuit: proof.circuit, statement: proof.statement, proof: proof.proof }, submission: null,
    };
    const impls = watchImplementations('ts,rust', 60_000);
    try {
      const v = await verifyEvidence(honest, impls, { rpcUrl: d.info.rpcUrl, rollup: d.info.rollup });
      expect(v.verdict).toBe('rejected');
      // Everything the bundle can say about itself holds (the proof verifies): only the chain binding catches it.
      expect(v.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['proposal event']);
      expect(v.checks.find((c) => c.name === 'proof')!.ok).toBe(true);
      expect(v.summary).toMatch(/NOT CONFIRMED: proposal event: .*attested post/);
    } finally {
      await Promise.all(impls.map((i) => i.close()));
    }
  });

  it('every other field is bound too: checkpoint, block, rollup, gate, submission; offline is never CONFIRMED', async () => {
    const impls = watchImplementations('ts', 60_000);
    const o = { rpcUrl: d.info.rpcUrl, rollup: d.info.rollup, verifyProof: false };
    const failing = async (e: Evidence, opts: Parameters<typeof verifyEvidence>[2] = o) => {
      const v = await verifyEvidence(e, impls, opts);
      expect(v.verdict).toBe('rejected');
      return v.checks.filter((c) => !c.ok).map((c) => c.name);
    };
    try {
      expect(await failing({ ...honest, checkpoint: 2 })).toContain('proposal event');
      expect(await failing({ ...honest, l1: { ...honest.l1, blockNumber: honest.l1.blockNumber + 1 } })).toContain('proposal block');
      expect(await failing({ ...honest, l1: { ...honest.l1, blockHash: toField(1n) } })).toContain('proposal block');
      expect(await failing({ ...honest, l1: { ...honest.l1, rollup: d.info.addresses.council } })).toContain('rollup');
      expect(await failing({ ...honest, l1: { ...honest.l1, gate: d.info.addresses.council } })).toContain('gate');
      expect(await failing({ ...honest, submission: { txHash: honest.l1.proposalTx, gasUsed: '1', note: 'posted' } })).toContain('submission');
      // The attacker's own "rollup" is never used: the user pins the address.
      expect(await failing(honest, { ...o, rollup: d.info.addresses.gate })).toContain('L1');
      // malformed-proposal used to pass with any existing transaction: now its data must hash to the event's.
      expect(await failing({ ...honest, finding: 'malformed-proposal', proof: null, data: { header: honest.data.header, l1ToL2Messages: [], blobFields: [toField(7n)] } })).toEqual(expect.arrayContaining(['data']));
      expect(await failing(honest, { verifyProof: false })).toContain('L1');
    } finally {
      await Promise.all(impls.map((i) => i.close()));
    }
  });

  it('an oversized bundle (header, messages, blob fields) is exit 3 with one line', async () => {
    const dir = tmp('bundle');
    const cases: [string, Evidence][] = [
      ['header', { ...honest, data: { ...honest.data, header: Array(20000).fill(toField(1n)) } }],
      ['l1ToL2Messages', { ...honest, data: { ...honest.data, l1ToL2Messages: Array(5).fill(toField(1n)) } }],
      ['blobFields', { ...honest, data: { ...honest.data, blobFields: Array(97).fill(toField(1n)) } }],
    ];
    for (const [field, e] of cases) {
      const file = join(dir, `${field}.json`);
      writeFileSync(file, encodeEvidence(e));
      const r = await cli(['verify-evidence', file, '--offline', '--impls', 'ts']);
      expect(r.code, r.out).toBe(3);
      expect(r.out.trim().split('\n')).toHaveLength(1);
      expect(r.out).toContain(`data.${field}`);
    }
  });
});

describe('the watchtower cannot be blinded (item 6)', () => {
  it('a proposal sent through a forwarding contract is read from the event and judged', async () => {
    const forwarder = '0x00000000000000000000000000000000000f0a4d' as Address;
    await createTestClient({ mode: 'anvil', transport: http(d.info.rpcUrl) }).setCode({ address: forwarder, bytecode: FORWARDER_CODE });
    const w = startTower(d, { impls: 'ts,rust' });
    try {
      d.proposeThrough = forwarder;
      const p = await d.proposeNext();
      d.proposeThrough = null;
      const tx = await d.sys.publicClient.getTransaction({ hash: p.txHash });
      expect(tx.to?.toLowerCase()).toBe(forwarder);
      const next = await d.proposeNext();
      await caughtUp(w);
      const rec = w.tower.store.checkpoint(p.checkpoint)!;
      if (eventCarriesData) {
        expect(rec.verdict, rec.reason).toBe('ok');
        expect(w.tower.store.checkpoint(next.checkpoint)!.verdict).toBe('ok');
      } else {
        // A rollup whose event has no data: the calldata of a forwarded call cannot be read.
        expect(rec.verdict).toBe('malformed-proposal');
      }
    } finally {
      d.proposeThrough = null;
      await w.stop();
    }
  });

  it('a checkpoint that could not be judged is judged again once proven; its descendants follow', async () => {
    // One implementation that fails once, when told: the checkpoint is "no implementation answered".
    class Flaky extends InProcessTsImplementation {
      failNext = false;
      override async apply(b: Uint8Array) {
        if (this.failNext) {
          this.failNext = false;
          return { kind: 'crash' as const, message: 'injected', elapsedMs: 0 };
        }
        return super.apply(b);
      }
    }
    const flaky = new Flaky();
    const db = tmp('recover');
    const tower = new Watchtower({ rpcUrl: d.info.rpcUrl, rollup: d.info.rollup, dbPath: db, impls: [flaky as Implementation], confirmations: 0, pollMs: 50, prove: false, log: () => undefined });
    const running = tower.run();
    try {
      await until('caught up', async () => (tower.status.scanned ?? -1) >= (await head()));
      flaky.failNext = true;
      const a = await d.proposeNext();
      const b = await d.proposeNext();
      await until('judged', async () => (tower.status.scanned ?? -1) >= (await head()));
      expect(tower.store.checkpoint(a.checkpoint)!.usable).toBe(false);
      expect(tower.store.checkpoint(b.checkpoint)!.verdict).toBe('parent-disputed');
      // Prove 1..a on the rollup (mock verifier: the prover's signature).
      const proven = Number(await d.sys.rollup.read.provenTip());
      for (let n = proven + 1; n <= a.checkpoint; n++) {
        const rec = tower.store.checkpoint(n)!;
        const parentPost = n === 1 ? genesis().post : tower.store.checkpoint(n - 1)!.attestedPost;
        const statement = statementOf(31337n, 1n, parentPost, rec.data!, rec.attestedPost);
        await d.sys.submitProof(DEVNET.prover, BigInt(n), await mockProof(DEVNET.prover, d.info.addresses.verifier, statement), statement);
      }
      const after = await until('re-judged', async () => {
        const r = tower.store.checkpoint(b.checkpoint)!;
        return r.verdict === 'ok' ? r : undefined;
      });
      expect(after.usable).toBe(true);
      expect(tower.store.checkpoint(a.checkpoint)).toMatchObject({ verdict: 'ok', usable: true, proven: true });
    } finally {
      tower.stop();
      await running;
      await tower.close();
    }
  });
});

describe('start-up, chain changes, stuck transactions, hangs, full disks, re-syncs (items 8-10)', () => {
  it('a restarted devnet (new chain, same database) is detected: ChainChangedError, CLI exit 4 with one line', async () => {
    const db = tmp('chain');
    const w = startTower(d, { impls: 'ts', dbPath: db, prove: false });
    await caughtUp(w);
    await w.stop();
    const d2 = await Devnet.start({ verifier: 'mock', log: () => undefined, port: 0 });
    try {
      expect(d2.info.rollup).toBe(d.info.rollup); // same deterministic addresses and chain id: only block 0 differs
      const tower = new Watchtower({ rpcUrl: d2.info.rpcUrl, rollup: d2.info.rollup, dbPath: db, impls: watchImplementations('ts', 10_000), confirmations: 0, pollMs: 50, log: () => undefined });
      await expect(tower.run()).rejects.toBeInstanceOf(ChainChangedError);
      await tower.close();
      const r = await cli(['watch', '--rpc', d2.info.rpcUrl, '--rollup', d2.info.rollup, '--db', db, '--impls', 'ts', '-q']);
      expect(r.code).toBe(4);
      expect(r.out).toMatch(/the L1 chain changed under the database .*a restarted devnet\? start with a new --db/);
      expect(r.out.trim().split('\n')).toHaveLength(1);
    } finally {
      await d2.close();
    }
  });

  it('SIGTERM during start-up exits cleanly (code 0, no stack trace)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'cli/entry.ts'), 'watch', '--rpc', 'http://127.0.0.1:9', '--rollup', d.info.rollup, '--db', tmp('sig'), '--impls', 'ts'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (b) => (out += b));
    child.stderr!.on('data', (b) => (out += b));
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    await until('start-up retrying', () => /retrying in/.test(out));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).not.toMatch(/\n\s+at /);
  });

  it('a stuck evidence transaction is replaced with the same nonce and a higher fee, and mined once', async () => {
    const op = DEVNET.operator;
    const test = createTestClient({ mode: 'anvil', transport: http(d.info.rpcUrl) });
    const nonce0 = await d.sys.publicClient.getTransactionCount({ address: op.address });
    const base = (await d.sys.publicClient.getBlock()).baseFeePerGas!;
    const lines: string[] = [];
    // No block is mined for a while: the first transaction is stuck in the pool.
    await test.setAutomine(false);
    // Blocks resume once a replacement (a higher fee at the same nonce) is in the pool, not after a
    // fixed time, which a busy machine can outrun before the first transaction is even sent.
    let released = false;
    const release = (l: string) => {
      if (released || !/replacing it/.test(l)) return;
      released = true;
      void (async () => {
        for (;;) {
          const pool = await test.getTxpoolContent();
          const mine = Object.entries(pool.pending).find(([from]) => from.toLowerCase() === op.address.toLowerCase())?.[1];
          const tx = mine && Object.values(mine)[0];
          if (tx && BigInt(tx.maxFeePerGas ?? 0n) > base * 2n) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        await test.mine({ blocks: 1 });
        await test.setAutomine(true);
      })();
    };
    try {
      const sent = await submitReplacing({
        rpcUrl: d.info.rpcUrl, chainId: d.info.l1ChainId, account: op, to: DEVNET.prover.address, data: '0x',
        replaceAfterMs: 600, maxReplacements: 20, initialFees: { maxFeePerGas: base * 2n, maxPriorityFeePerGas: 1n }, log: (l) => (lines.push(l), release(l)),
      });
      expect(sent.replacements).toBeGreaterThanOrEqual(1);
      expect(sent.nonce).toBe(nonce0);
      expect(await d.sys.publicClient.getTransactionCount({ address: op.address })).toBe(nonce0 + 1);
      expect(lines[0]).toMatch(/not mined after .*replacing it \(nonce \d+/);
      const block = await d.sys.publicClient.getBlock({ blockNumber: sent.receipt.blockNumber, includeTransactions: true });
      expect(block.transactions.filter((t) => typeof t !== 'string' && t.from.toLowerCase() === op.address.toLowerCase())).toHaveLength(1);
    } finally {
      await test.setAutomine(true);
    }
  });

  it('an implementation that overruns its time limit is a timeout, and the next call works (fresh worker)', async () => {
    const impl = new ThreadedImplementation('ts', 60_000);
    const slow = new ThreadedImplementation('ts', 1);
    try {
      const g = genesis();
      for (const i of [impl, slow]) await i.genesis({ profile: 'small', chainId: 31337n, version: 1n });
      // The first apply of a fresh worker (module load, hashing) takes far more than 1 ms.
      await slow.restore(g.stateFile);
      if ((await d.sys.rollup.read.pendingTip()) === 0n) await d.proposeNext();
      const reader = new ChainReader(d.info.rpcUrl, d.info.rollup);
      const first = (await reader.events(0, await head())).find((e) => e.name === 'proposed' && e.n === 1) as Extract<RollupEvent, { name: 'proposed' }>;
      const read = await reader.proposalData(first);
      if (!read.ok) throw new Error(read.reason);
      const bytes = checkpointOfProposal(read.data).bytes;
      const r = await slow.apply(bytes);
      expect(r.kind).toBe('timeout');
      expect(await impl.restore(g.stateFile)).toMatchObject({ kind: 'ok' });
      const ok = await impl.apply(bytes);
      expect(ok.kind).toBe('outcome');
    } finally {
      await impl.close();
      await slow.close();
    }
  });

  it('a full disk is a disk problem: no temporary file left, retried, finding recorded once; a deep-reorg re-sync adds nothing', async () => {
    // A real small tmpfs when mounting works (root), else an injected ENOSPC.
    const ev = tmp('tmpfs');
    let mounted = false;
    try {
      const r = spawn('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', ev]);
      mounted = (await new Promise<number | null>((res) => {
        r.once('exit', (c) => res(c));
        r.once('error', () => res(null));
      })) === 0;
    } catch {
      mounted = false;
    }
    const realWrite = fsOps.writeSync;
    if (mounted) writeFileSync(join(ev, 'filler'), Buffer.alloc(60 * 1024));
    else fsOps.writeSync = (() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }) as unknown as typeof realWrite;
    const lines: string[] = [];
    const w = startTower(d, { impls: 'ts', prove: false, lines });
    const tower = w.tower;
    // Point the evidence at the full place.
    (tower as unknown as { o: { evidenceDir: string } }).o.evidenceDir = ev;
    try {
      await caughtUp(w);
      const p = await d.proposeNext({ wrong: true });
      await until('disk problem reported', () => lines.some((l) => /disk problem \(not RPC\)/.test(l)));
      expect(tower.status.state).toBe('disk-error');
      expect(readdirSync(ev).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      if (mounted) rmSync(join(ev, 'filler'));
      else fsOps.writeSync = realWrite;
      const rec = await until('finding recorded', () => tower.store.checkpoint(p.checkpoint)?.evidencePath);
      expect(existsSync(rec)).toBe(true);
      await caughtUp(w);
      const findings = tower.store.findings().length;
      const stats = tower.store.stats();
      expect(tower.store.findings().filter((f) => f.checkpoint === p.checkpoint && f.verdict === 'wrong-root')).toHaveLength(1);
      // A deep reorg forces a re-sync from the deployment: findings and counters do not grow.
      tower.store.resetForResync();
      await until('re-synced', async () => (tower.status.scanned ?? -1) >= (await head()) && tower.store.checkpoint(p.checkpoint) !== undefined);
      await caughtUp(w);
      expect(tower.store.findings()).toHaveLength(findings);
      expect(tower.store.stats()).toEqual({ ...stats, reorgs: stats.reorgs + 1 });
    } finally {
      fsOps.writeSync = realWrite;
      await w.stop();
      if (mounted) spawn('umount', [ev]);
    }
  });
});

describe('finality (item 8)', () => {
  it('--finality finalized reads only up to the node\'s finalized block', async () => {
    const db = tmp('final');
    const tower = new Watchtower({ rpcUrl: d.info.rpcUrl, rollup: d.info.rollup, dbPath: db, impls: watchImplementations('ts', 60_000), finality: 'finalized', pollMs: 50, prove: false, log: () => undefined });
    await d.proposeNext();
    const running = tower.run();
    try {
      const fin = Number((await d.sys.publicClient.getBlock({ blockTag: 'finalized' })).number);
      const h = await head();
      expect(fin).toBeLessThan(h);
      await until('following', () => tower.status.state === 'following' && tower.status.head !== null);
      await new Promise((r) => setTimeout(r, 1000));
      // anvil finalizes 64 blocks behind its head: this young chain's proposals are not final yet.
      const deploy = tower.store.meta()!.deployBlock;
      expect(tower.status.scanned ?? -1).toBeLessThanOrEqual(Math.max(fin, deploy - 1));
      expect(tower.status.scanned ?? -1).toBeLessThan(h);
      expect(tower.store.stats().processed).toBe(0);
    } finally {
      tower.stop();
      await running;
      await tower.close();
    }
  });
});

describe('writeFileAtomic', () => {
  it('removes its temporary file when the disk is full', () => {
    const dir = tmp('atomic');
    mkdirSync(dir, { recursive: true });
    const real = fsOps.writeSync;
    fsOps.writeSync = (() => {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    }) as unknown as typeof real;
    try {
      expect(() => writeFileAtomic(join(dir, 'x.json'), 'data')).toThrow(/ENOSPC/);
    } finally {
      fsOps.writeSync = real;
    }
    expect(readdirSync(dir)).toEqual([]);
    void readFileSync;
    void ({} as Hex);
  });
});
