// Poseidon2 (BN254, t = 4) and the Fr arithmetic behind it, checked against @aztec/bb.js 5.0.0 (WASM)
// as the reference and against plain BigInt arithmetic.

import { frFromBytes, frToBytes } from '../../../core/schema.js';
import { BackendType, BarretenbergSync } from '@aztec/bb.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compileConstMulAdd,
  feAdd,
  feFromBigint,
  feMul,
  feNew,
  feSqr,
  feSub,
  feToBigint,
  frAdd,
  frMul,
  frSub,
  MODULUS,
} from '../src/hash/field.js';
import {
  hashPair,
  poseidon2Hash,
  poseidon2HashWithSeparator,
  poseidon2Permutation,
} from '../src/hash/poseidon2.js';

const P = MODULUS;

/** Deterministic xorshift128+ so a failure is reproducible. */
function rng(seed: bigint): () => bigint {
  let s0 = seed ^ 0x9e3779b97f4a7c15n;
  let s1 = (seed * 0xbf58476d1ce4e5b9n + 1n) & 0xffffffffffffffffn;
  const next64 = (): bigint => {
    let x = s0;
    const y = s1;
    s0 = y;
    x = (x ^ (x << 23n)) & 0xffffffffffffffffn;
    s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return (s1 + y) & 0xffffffffffffffffn;
  };
  return () => (next64() << 192n) | (next64() << 128n) | (next64() << 64n) | next64();
}

const EDGE: readonly bigint[] = [
  0n,
  1n,
  2n,
  P - 1n,
  P - 2n,
  1n << 64n,
  (1n << 64n) - 1n,
  (P - 1n) / 2n,
  (P + 1n) / 2n,
  1n << 252n,
  (1n << 253n) + 12345n,
];

/** Random field elements, with edge values mixed in. */
function fieldValues(seed: bigint, n: number): bigint[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => (i % 5 === 0 ? EDGE[(i / 5) % EDGE.length] : r() % P));
}

const toBytes = frToBytes;
const fromBytes = frFromBytes;

let bb: BarretenbergSync;
const bbHash = (inputs: readonly bigint[]): bigint => fromBytes(bb.poseidon2Hash({ inputs: inputs.map(toBytes) }).hash);
const bbPermutation = (state: readonly bigint[]): bigint[] =>
  bb.poseidon2Permutation({ inputs: state.map(toBytes) }).outputs.map(fromBytes);

beforeAll(async () => {
  bb = await BarretenbergSync.new({ backend: BackendType.Wasm, threads: 1, skipSrsInit: true });
});

afterAll(() => {
  bb?.destroy();
});

describe('Poseidon2 against @aztec/bb.js', () => {
  it('permutation: Barretenberg test vector [0, 1, 2, 3]', () => {
    const expected = [
      0x01bd538c2ee014ed5141b29e9ae240bf8db3fe5b9a38629a9647cf8d76c01737n,
      0x239b62e7db98aa3a2a8f6a0d2fa1709e7a35959aa6c7034814d9daa90cbac662n,
      0x04cbb44c61d928ed06808456bf758cbf0c18d1e15a7b6dbc8245fa7515d5e3cbn,
      0x2e11c5cff2a22c64d01304b778d78f6998eff1ab73163a35603f54794c30847an,
    ];
    expect(bbPermutation([0n, 1n, 2n, 3n])).toEqual(expected);
    expect(poseidon2Permutation([0n, 1n, 2n, 3n])).toEqual(expected);
  });

  it('permutation: 300 random and edge-value states', () => {
    const v = fieldValues(1n, 1200);
    for (let i = 0; i < v.length; i += 4) {
      const state = v.slice(i, i + 4);
      expect(poseidon2Permutation(state), `state ${state}`).toEqual(bbPermutation(state));
    }
  });

  it('permutation: all-edge states', () => {
    for (const a of EDGE) {
      for (const b of [0n, 1n, P - 1n]) {
        const state = [a, b, P - 1n - a, b];
        expect(poseidon2Permutation(state)).toEqual(bbPermutation(state));
      }
    }
  });

  it('hashPair: 300 random and edge-value pairs', () => {
    const v = fieldValues(2n, 600);
    for (let i = 0; i < v.length; i += 2) {
      expect(hashPair(v[i], v[i + 1]), `pair ${v[i]}, ${v[i + 1]}`).toBe(bbHash([v[i], v[i + 1]]));
    }
    for (const a of EDGE) for (const b of EDGE) expect(hashPair(a, b)).toBe(bbHash([a, b]));
  });

  it('poseidon2Hash: input lengths 0..12 (the sponge absorbs 3 per permutation)', () => {
    const v = fieldValues(3n, 12 * 13 * 4);
    let k = 0;
    for (let n = 0; n <= 12; n++) {
      for (let rep = 0; rep < 4; rep++) {
        const inputs = v.slice(k, k + n);
        k += n;
        expect(poseidon2Hash(inputs), `length ${n}`).toBe(bbHash(inputs));
      }
      const edge = Array.from({ length: n }, (_, i) => EDGE[i % EDGE.length]);
      expect(poseidon2Hash(edge), `edge length ${n}`).toBe(bbHash(edge));
    }
  });

  it('poseidon2Hash: length is domain-separated, and hashPair equals the 2-input hash', () => {
    expect(poseidon2Hash([])).not.toBe(poseidon2Hash([0n]));
    expect(poseidon2Hash([0n])).not.toBe(poseidon2Hash([0n, 0n]));
    expect(poseidon2Hash([0n, 0n, 0n])).not.toBe(poseidon2Hash([0n, 0n, 0n, 0n]));
    const [a, b] = fieldValues(4n, 2);
    expect(hashPair(a, b)).toBe(poseidon2Hash([a, b]));
  });

  it('poseidon2HashWithSeparator = poseidon2Hash([separator, ...inputs])', () => {
    const v = fieldValues(5n, 40);
    for (let n = 0; n < 8; n++) {
      const sep = v[n];
      const inputs = v.slice(8, 8 + n);
      expect(poseidon2HashWithSeparator(inputs, sep)).toBe(bbHash([sep, ...inputs]));
    }
  });

  it('interleaved calls share no state (hashPair between sponge calls)', () => {
    const v = fieldValues(6n, 8);
    const first = poseidon2Hash(v);
    hashPair(v[0], v[1]);
    poseidon2Permutation(v.slice(0, 4));
    expect(poseidon2Hash(v)).toBe(first);
  });
});

describe('Fr arithmetic against BigInt', () => {
  const values = [
    ...fieldValues(7n, 300),
    P - 1n,
    0n,
    1n,
    P - 3n,
    P - (1n << 200n),
    (1n << 253n) - 1n,
  ];
  const a = feNew(), b = feNew(), o = feNew();

  it('bigint round trip through the Montgomery representation, including non-canonical inputs', () => {
    for (const x of values) {
      feFromBigint(a, x);
      expect(feToBigint(a)).toBe(x);
    }
    for (const x of [P, P + 5n, (1n << 254n) - 1n, (1n << 256n) - 1n, -1n, -P - 3n]) {
      feFromBigint(a, x);
      expect(feToBigint(a)).toBe(((x % P) + P) % P);
    }
  });

  it('add, sub, mul, sqr on the internal representation', () => {
    for (let i = 0; i + 1 < values.length; i++) {
      const x = values[i], y = values[values.length - 1 - i];
      feFromBigint(a, x);
      feFromBigint(b, y);
      feAdd(o, a, b);
      expect(feToBigint(o)).toBe((x + y) % P);
      feSub(o, a, b);
      expect(feToBigint(o)).toBe((((x - y) % P) + P) % P);
      feMul(o, a, b);
      expect(feToBigint(o)).toBe((x * y) % P);
      feSqr(o, a);
      expect(feToBigint(o)).toBe((x * x) % P);
    }
  });

  it('long chains stay exact (values never leave the kernel bounds)', () => {
    const r = rng(8n);
    let expected = 1n;
    feFromBigint(o, 1n);
    for (let i = 0; i < 2000; i++) {
      const y = r() % P;
      feFromBigint(b, y);
      switch (i % 4) {
        case 0:
          feMul(o, o, b);
          expected = (expected * y) % P;
          break;
        case 1:
          feAdd(o, o, b);
          expected = (expected + y) % P;
          break;
        case 2:
          feSub(o, o, b);
          expected = (((expected - y) % P) + P) % P;
          break;
        default:
          feSqr(o, o);
          expected = (expected * expected) % P;
      }
    }
    expect(feToBigint(o)).toBe(expected);
  });

  it('compiled multiplication by a constant: d*x + s with unreduced addends', () => {
    for (const d of [0n, 1n, 2n, P - 1n, ...fieldValues(9n, 4)]) {
      const mulD = compileConstMulAdd(d);
      for (let i = 0; i + 2 < 60; i++) {
        const x = values[i], s1 = values[i + 1], s2 = values[i + 2];
        feFromBigint(a, x);
        feFromBigint(b, s1);
        feFromBigint(o, s2);
        const sum = feNew();
        for (let j = 0; j < sum.length; j++) sum[j] = b[j] + o[j] + b[j] + o[j]; // 2*(s1 + s2), loose limbs
        mulD(o, a, sum);
        expect(feToBigint(o)).toBe((d * x + 2n * (s1 + s2)) % P);
      }
    }
  });

  it('frAdd, frSub, frMul on bigints', () => {
    for (let i = 0; i + 1 < values.length; i++) {
      const x = values[i], y = values[i + 1];
      expect(frAdd(x, y)).toBe((x + y) % P);
      expect(frSub(x, y)).toBe((((x - y) % P) + P) % P);
      expect(frMul(x, y)).toBe((x * y) % P);
    }
  });
});
