// Apply time of the same checkpoints in Aztec's production world state (native, through
// impls/aztec), the TypeScript STF, the Rust STF as a WebAssembly component and the Rust STF as a
// native subprocess. One run: each implementation starts from genesis for each checkpoint, three
// times; the median CPU time (user + system, of every process and thread doing the work) and wall
// time are reported. Needs `npm run setup:aztec` and `cargo build --release` in impls/rust.
//
//   npx tsx bench/aztec.bench.ts

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeCheckpoint } from '../core/codec.js';
import { CheckpointGenerator } from '../core/generate.js';
import { FIELD_MODULUS, PROFILE_SIZES } from '../core/params.js';
import type { Checkpoint, TxEffect } from '../core/schema.js';
import { AztecImplementation, aztecSetupProblem } from '../impls/adapters/aztec.js';
import { InProcessTsImplementation } from '../impls/adapters/in-process-ts.js';
import { SubprocessImplementation } from '../impls/adapters/subprocess.js';
import { WasmImplementation } from '../impls/adapters/wasm.js';
import type { Implementation } from '../impls/implementation.js';
import { Rng } from '../core/rng.js';

const root = join(import.meta.dirname, '..');
const REPEAT = 3;

/**
 * The largest aztec-profile checkpoint by state work: 72 blocks, 1,024 L1-to-L2 messages, and as
 * many txs with 64 note hashes, 64 nullifiers, 64 new public-data slots and 8 L2-to-L1 messages
 * (no logs) as the 24,576 blob fields hold: 90 txs of 267 fields, 2 in each of the first 18 blocks.
 */
function maximalCheckpoint(): Checkpoint {
  const z = PROFILE_SIZES.aztec;
  const r = new Rng(77);
  const nz = () => 1n + (r.field(FIELD_MODULUS - 1n));
  const tx = (): TxEffect => ({
    revertCode: 0, txHash: nz(), transactionFee: BigInt(r.int(1_000_000)),
    noteHashes: Array.from({ length: z.maxNoteHashesPerTx }, nz),
    nullifiers: Array.from({ length: z.maxNullifiersPerTx }, nz),
    l2ToL1Msgs: Array.from({ length: z.maxL2ToL1MsgsPerTx }, nz),
    publicDataWrites: Array.from({ length: z.maxPublicDataWritesPerTx }, () => [nz(), nz()] as [bigint, bigint]),
    privateLogs: [], publicLogs: [], contractClassLog: null,
  });
  const blocks = Array.from({ length: z.maxBlocksPerCheckpoint }, (_, b) => ({ blockNumber: b + 1, totalManaUsed: 1000n, txs: Array.from({ length: b < 18 ? 2 : 1 }, tx) }));
  return {
    v: 1, profile: 'aztec',
    header: { chainId: 31337n, version: 1n, slotNumber: 1n, timestamp: 1n, coinbase: 7n, feeRecipient: 9n, feePerDaGas: 1n, feePerL2Gas: 2n },
    l1ToL2Messages: Array.from({ length: z.l1ToL2MsgsPerCheckpoint }, nz),
    form: 'blocks', blocks, blobFields: null,
  };
}

/** CPU seconds (user + system) of a process and all its descendants (Linux /proc; clock ticks of 1/100 s). */
function treeCpuSeconds(pid: number): number {
  const stat = (p: string) => {
    try {
      const s = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      return { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / 100 };
    } catch {
      return null;
    }
  };
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((d) => ({ pid: Number(d), s: stat(d) })).filter((x) => x.s);
  const inTree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const x of all) if (!inTree.has(x.pid) && inTree.has(x.s!.ppid)) (inTree.add(x.pid), (grew = true));
  }
  return all.filter((x) => inTree.has(x.pid)).reduce((n, x) => n + x.s!.cpu, 0);
}

const cpuOf = (impl: Implementation): (() => number) => {
  const proc = (impl as unknown as { proc?: { pid?: number } | null }).proc;
  if (proc?.pid) return () => treeCpuSeconds(proc.pid!);
  return () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; }; // this process, worker threads included
};

const problem = aztecSetupProblem(join(root, 'impls/aztec'));
if (problem) throw new Error(problem);
const native = join(root, 'impls/rust/target/release/difftower-stf-rust');
const impls: Implementation[] = [
  new AztecImplementation(join(root, 'impls/aztec'), 600_000),
  new InProcessTsImplementation(),
  new WasmImplementation('rust-wasm', join(root, 'dist/rust-wasm/stf.js'), { timeoutMs: 600_000 }),
  ...(existsSync(native) ? [new SubprocessImplementation('rust-native', native, [], { timeoutMs: 600_000 })] : []),
];
if (impls.length < 4) console.log(`(${native} not built: cargo build --release in impls/rust to include it)`);

const fourTx = new CheckpointGenerator({ profile: 'aztec', seed: 42, maximal: true, maxBlocks: 1, maxTxs: 4 }).next();
const checkpoints = [
  { label: '1 block, 4 maximal txs', bytes: encodeCheckpoint(fourTx) },
  { label: 'maximal (72 blocks, 90 maximal txs, 1,024 messages)', bytes: encodeCheckpoint(maximalCheckpoint()) },
];

const rows: Record<string, string>[] = [];
for (const cp of checkpoints) {
  let reference: string | null = null;
  for (const impl of impls) {
    const cpu: number[] = [];
    const wall: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      const g = await impl.genesis({ profile: 'aztec', chainId: 31337n, version: 1n });
      if (g.kind !== 'ok') throw new Error(`${impl.name}: genesis ${g.kind}`);
      const now = cpuOf(impl);
      const c0 = now();
      const r = await impl.apply(cp.bytes);
      const c1 = now();
      if (r.kind !== 'outcome' || r.outcome.status !== 'accepted') throw new Error(`${impl.name}: ${r.kind === 'outcome' && r.outcome.status === 'rejected' ? r.outcome.code + ' ' + r.outcome.message : r.kind}`);
      const archive = r.outcome.archive[0].toString(16);
      if (reference === null) reference = archive;
      else if (archive !== reference) throw new Error(`${impl.name} disagrees on the archive root`);
      cpu.push((c1 - c0) * 1000);
      wall.push(r.elapsedMs);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    rows.push({ checkpoint: cp.label, implementation: impl.name, 'CPU ms (median)': median(cpu).toFixed(0), 'wall ms (median)': median(wall).toFixed(0) });
  }
}
console.log(`\nCheckpoint apply from genesis, aztec profile (${REPEAT} runs each; same bytes for every implementation, same archive root checked):`);
console.table(rows);
await Promise.all(impls.map((i) => i.close()));
