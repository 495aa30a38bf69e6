// STF benchmarks (tinybench): nullifier insertion at height 42 with 10^3 and 10^5 existing leaves
// (per-insert cost must not grow with the tree), and an aztec-profile checkpoint of 4 txs with
// maximal effects. Run with `npm run bench` (not part of the tests).

import { Bench } from 'tinybench';
import { CheckpointGenerator } from '../core/generate.js';
import { ChainState } from '../impls/ts/src/index.js';

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
let seed = 0x1234_5678n;
const randomKey = () => {
  seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
  return ((seed << 190n) ^ (seed << 100n) ^ seed) % P;
};

function nullifierTreeWith(n: number) {
  const state = ChainState.genesis('aztec');
  const tree = state.nullifier;
  const t0 = performance.now();
  for (let i = 0; i < n; i += 64) tree.insertBatch(Array.from({ length: Math.min(64, n - i) }, randomKey));
  tree.root();
  console.log(`  (filled a nullifier tree with ${n} leaves in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return tree;
}

export async function benchStf(): Promise<void> {
  console.log('\nNullifier insertion, height 42 (one new key + root update):');
  const bench = new Bench({ iterations: 200, time: 2000 });
  for (const n of [1_000, 100_000]) {
    const tree = nullifierTreeWith(n);
    bench.add(`insert 1 nullifier, ${n.toLocaleString('en')} existing leaves`, () => {
      tree.insertBatch([randomKey()]);
      tree.root();
    });
  }
  await bench.run();
  console.table(bench.table());

  console.log('\nCheckpoint apply, aztec profile, 1 block of 4 txs with maximal state effects\n(64 note hashes, 64 nullifiers, 64 public-data writes, 8 L2-to-L1 messages each):');
  const gen = new CheckpointGenerator({ profile: 'aztec', seed: 42, maximal: true, maxBlocks: 1, maxTxs: 4 });
  const state = ChainState.genesis('aztec');
  const cps = Array.from({ length: 40 }, () => {
    const cp = gen.next();
    return cp.form === 'blocks' ? { ...cp, blocks: cp.blocks.slice(0, 1) } : cp;
  });
  let next = 0;
  const cb = new Bench({ iterations: 10, time: 0 });
  cb.add('apply checkpoint (4 maximal txs)', () => {
    const o = state.apply(cps[next++]);
    if (o.status !== 'accepted') throw new Error(`${o.code}: ${o.message}`);
  });
  await cb.run();
  console.table(cb.table());
}
