// Implementations side by side (tinybench, one run): Poseidon2 in Rust-WASM vs TypeScript vs
// bb.js; checkpoint apply time per implementation; call overhead per checkpoint through each
// adapter (an empty checkpoint for the wrong chain id: decoded, then rejected before any hashing,
// so the time is the round trip plus decoding).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BackendType, BarretenbergSync } from '@aztec/bb.js';
import { Bench } from 'tinybench';
import { encodeCheckpoint } from '../core/codec.js';
import { CheckpointGenerator } from '../core/generate.js';
import { type Checkpoint, frFromBytes, frToBytes } from '../core/schema.js';
import { InProcessTsImplementation } from '../impls/adapters/in-process-ts.js';
import { SubprocessImplementation } from '../impls/adapters/subprocess.js';
import { WasmImplementation } from '../impls/adapters/wasm.js';
import type { Implementation } from '../impls/implementation.js';
import { hashPair } from '../impls/ts/src/hash/poseidon2.js';

const root = join(import.meta.dirname, '..');
const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const N = 2000;

export async function benchImpls(): Promise<void> {
  const rust = new WasmImplementation('rust-wasm', join(root, 'dist/rust-wasm/stf.js'));
  const impls: Implementation[] = [new InProcessTsImplementation(), rust];
  const native = join(root, 'impls/rust/target/release/difftower-stf-rust');
  if (existsSync(native)) impls.push(new SubprocessImplementation('rust-native (subprocess)', native));
  else console.log(`(${native} not built: run \`cargo build --release\` in impls/rust to include it)`);

  // ---- Poseidon2, 2 inputs: N hashes per task iteration, reported per hash -------------------
  const pairs = Array.from({ length: N }, (_, i) => [BigInt(i) * 7919n + 1n, (BigInt(i) << 200n) % P]);
  const packed = new Uint8Array(N * 64);
  pairs.forEach(([a, b], i) => {
    packed.set(frToBytes(a), 64 * i);
    packed.set(frToBytes(b), 64 * i + 32);
  });
  const bb = await BarretenbergSync.new({ backend: BackendType.Wasm, threads: 1, skipSrsInit: true });
  await rust.genesis({ profile: 'small', chainId: 31337n, version: 1n });
  const rustHashes = await rust.poseidon2HashMany(packed, 2).catch((e: Error) => e);
  if (rustHashes instanceof Error) console.log(`(Rust component has no poseidon2-hash-many export: ${rustHashes.message})`);
  else if (frFromBytes(rustHashes.subarray(0, 32)) !== hashPair(pairs[0][0], pairs[0][1])) throw new Error('Rust and TS Poseidon2 disagree');

  const hb = new Bench({ iterations: 20, time: 1500 });
  if (!(rustHashes instanceof Error)) hb.add('Rust-WASM (one call for all hashes)', async () => void (await rust.poseidon2HashMany(packed, 2)));
  hb.add('TypeScript hashPair', () => {
    for (const [a, b] of pairs) hashPair(a, b);
  });
  hb.add('bb.js 5.0.0 WASM, called from JS per hash', () => {
    for (const [a, b] of pairs) bb.poseidon2Hash({ inputs: [frToBytes(a), frToBytes(b)] });
  });
  await hb.run();
  console.log(`\nPoseidon2, 2 inputs (µs per hash, ${N} hashes per iteration):`);
  console.table(hb.tasks.map((t) => ({ task: t.name, 'µs/hash (mean)': ((t.result as { latency: { mean: number } }).latency.mean * 1000 / N).toFixed(2) })));

  // ---- checkpoint apply and call overhead -------------------------------------------------------
  for (const profile of ['small', 'aztec'] as const) {
    const gen = new CheckpointGenerator({ profile, seed: 9, maximal: profile === 'aztec', maxBlocks: 1, maxTxs: profile === 'aztec' ? 4 : 1 });
    const cps = Array.from({ length: profile === 'aztec' ? 6 : 8 }, () => encodeCheckpoint(gen.next()));
    const rows: Record<string, string>[] = [];
    for (const impl of impls) {
      await impl.genesis({ profile, chainId: 31337n, version: 1n });
      const times: number[] = [];
      for (const cp of cps) {
        const r = await impl.apply(cp);
        if (r.kind !== 'outcome' || r.outcome.status !== 'accepted') throw new Error(`${impl.name}: ${r.kind}`);
        times.push(r.elapsedMs);
      }
      times.sort((a, b) => a - b);
      rows.push({ implementation: impl.name, 'ms/checkpoint (median)': times[times.length >> 1].toFixed(2), 'ms (min)': times[0].toFixed(2), checkpoints: String(cps.length) });
    }
    console.log(`\nCheckpoint apply, ${profile} profile${profile === 'aztec' ? ' (1 block, 4 txs with maximal state effects)' : ' (1 block, 1 maximal tx)'}:`);
    console.table(rows);
  }

  const base = new CheckpointGenerator({ profile: 'aztec', seed: 3 }).next() as Extract<Checkpoint, { form: 'blocks' }>;
  const wrongChain = encodeCheckpoint({ ...base, header: { ...base.header, chainId: 1n }, l1ToL2Messages: [], blocks: [{ ...base.blocks[0], txs: [] }] });
  const ob = new Bench({ iterations: 200, time: 1000 });
  for (const impl of impls) {
    const r = await impl.apply(wrongChain);
    if (r.kind !== 'outcome' || r.outcome.status !== 'rejected' || r.outcome.code !== 'E_CHAIN_ID') throw new Error(`${impl.name}: expected E_CHAIN_ID`);
    ob.add(`call overhead: ${impl.name}`, async () => void (await impl.apply(wrongChain)));
  }
  await ob.run();
  console.log('\nCall overhead per checkpoint (empty checkpoint, wrong chain id: decode + early rejection):');
  console.table(ob.tasks.map((t) => ({ adapter: t.name, 'µs/call (mean)': ((t.result as { latency: { mean: number } }).latency.mean * 1000).toFixed(1) })));

  await Promise.all(impls.map((i) => i.close()));
  bb.destroy();
}
