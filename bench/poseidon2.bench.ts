// Poseidon2 (BN254, t = 4) side by side in one run (tinybench): the pure-TS float-limb implementation
// (hashPair and the generic sponge on 2 inputs), @aztec/bb.js 5.0.0 BarretenbergSync.poseidon2Hash
// through its WASM backend called as a user would (bigint -> 32-byte big-endian buffers -> bigint),
// and a plain-BigInt reference permutation kept here for comparison only.
// Standalone: `npx tsx bench/poseidon2.bench.ts`; also run by `npm run bench`.

import { frFromBytes, frToBytes } from '../core/schema.js';
import { BackendType, BarretenbergSync } from '@aztec/bb.js';
import { Bench } from 'tinybench';
import { hashPair, poseidon2Hash } from '../impls/ts/src/hash/poseidon2.js';
import {
  FULL_ROUND_CONSTANTS,
  INTERNAL_DIAGONAL_MINUS_ONE,
  PARTIAL_ROUND_CONSTANTS,
} from '../impls/ts/src/hash/poseidon2-constants.js';

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

// ---- plain BigInt reference (straightforward, one `% P` per operation) ---------------------------------

const pow5 = (x: bigint): bigint => {
  const x2 = (x * x) % P;
  return (((x2 * x2) % P) * x) % P;
};

function externalMatrix(s: bigint[]): bigint[] {
  const [x0, x1, x2, x3] = s;
  return [
    (5n * x0 + 7n * x1 + x2 + 3n * x3) % P,
    (4n * x0 + 6n * x1 + x2 + x3) % P,
    (x0 + 3n * x1 + 5n * x2 + 7n * x3) % P,
    (x0 + x1 + 4n * x2 + 6n * x3) % P,
  ];
}

function bigintPermutation(input: readonly bigint[]): bigint[] {
  let s = externalMatrix([...input]);
  const full = (rc: readonly bigint[]) => {
    s = externalMatrix(s.map((x, i) => pow5((x + rc[i]) % P)));
  };
  for (let r = 0; r < 4; r++) full(FULL_ROUND_CONSTANTS[r]);
  for (const c of PARTIAL_ROUND_CONSTANTS) {
    s[0] = pow5((s[0] + c) % P);
    const sum = (s[0] + s[1] + s[2] + s[3]) % P;
    s = s.map((x, i) => (x * INTERNAL_DIAGONAL_MINUS_ONE[i] + sum) % P);
  }
  for (let r = 4; r < 8; r++) full(FULL_ROUND_CONSTANTS[r]);
  return s;
}

const bigintHashPair = (a: bigint, b: bigint): bigint => bigintPermutation([a, b, 0n, 2n << 64n])[0];

// ---- bb.js, called from JS with its serialization -------------------------------------------------------

const toBytes = frToBytes;
const fromBytes = frFromBytes;

const bb = await BarretenbergSync.new({ backend: BackendType.Wasm, threads: 1, skipSrsInit: true });
const bbHash = (inputs: bigint[]): bigint => fromBytes(bb.poseidon2Hash({ inputs: inputs.map(toBytes) }).hash);

// ---- run --------------------------------------------------------------------------------------------------

let seed = 0x5eedn;
const randomField = (): bigint => {
  seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
  return ((seed << 190n) ^ (seed << 120n) ^ (seed << 50n) ^ seed) % P;
};
const left = randomField();
const right = randomField();
const expected = bbHash([left, right]);
for (const [name, got] of [
  ['hashPair', hashPair(left, right)],
  ['poseidon2Hash', poseidon2Hash([left, right])],
  ['BigInt reference', bigintHashPair(left, right)],
] as const) {
  if (got !== expected) throw new Error(`${name} disagrees with bb.js`);
}

// Each task chains its output into the next call, as a Merkle-tree build does.
let a1 = left, a2 = left, a3 = left, a4 = left;
const bench = new Bench({ time: 3000, warmup: true, warmupTime: 500 });
bench
  .add('TS hashPair (float64 limbs)', () => {
    a1 = hashPair(a1, right);
  })
  .add('TS poseidon2Hash, 2 inputs', () => {
    a2 = poseidon2Hash([a2, right]);
  })
  .add('bb.js 5.0.0 WASM poseidon2Hash, 2 inputs (with serialization)', () => {
    a3 = bbHash([a3, right]);
  })
  .add('plain BigInt reference, 2 inputs', () => {
    a4 = bigintHashPair(a4, right);
  });

console.log('\nPoseidon2 hash of 2 field elements (BN254, t = 4), one run:');
await bench.run();
console.table(
  bench.tasks.map((t) => {
    const r = t.result;
    const stats = r.state === 'completed' ? r : undefined;
    return {
      task: t.name,
      'µs/hash (mean)': stats ? (stats.latency.mean * 1000).toFixed(2) : r.state,
      'µs/hash (p50)': stats ? ((stats.latency.p50 ?? NaN) * 1000).toFixed(2) : '',
      'hashes/s': stats ? Math.round(stats.throughput.mean).toLocaleString('en') : '',
      samples: stats ? stats.latency.samplesCount : '',
    };
  }),
);
bb.destroy();
