/**
 * Poseidon2 over the BN254 scalar field, t = 4, d = 5, 4 + 4 full rounds and 56 partial rounds, matching
 * Barretenberg (checked against @aztec/bb.js in impls/ts/test/poseidon2.test.ts).
 *
 * Permutation (Barretenberg's order):
 *   x = M_E x
 *   4 full rounds:    x_i += c_i (all i), x_i = x_i^5 (all i), x = M_E x
 *   56 partial rounds: x_0 += c, x_0 = x_0^5, y_i = (D_i - 1) x_i + sum(x)   (M_I = J + diag(D))
 *   4 full rounds
 * with M_E = [[5,7,1,3],[4,6,1,1],[1,3,5,7],[1,1,4,6]].
 *
 * Sponge (Barretenberg's FieldSponge, rate 3, capacity 1): state = [0, 0, 0, n * 2^64]; the inputs are
 * added into state[0..2] three at a time, with a permutation after every block including the last
 * partial one (and one permutation for n = 0), i.e. max(1, ceil(n / 3)) permutations; output state[0].
 *
 * The state lives in four preallocated Montgomery-form elements (see field.ts) for the whole sponge;
 * bigints are only touched on the way in and out. Magnitudes (|V| = the represented integer, R = 2^264,
 * p < 2^253.6; every kernel input has limbs <= 2^24 + 2^4):
 *   - An S-box input with |V| <= 2^262 gives x^2 < 2^260.1, x^4 < 2^256.1, x^5 < 2^254.5; in steady state
 *     (inputs < 2^259) x^5 < 2^252.7.
 *   - M_E multiplies magnitudes and limbs by at most 16 (its row sums): state after a permutation
 *     < 2^256.7; plus a sponge input and M_E and a constant, < 2^261 (< 2^262 as required); limbs < 2^29,
 *     which one relaxed carry pass (normalize) brings to <= 2^23 + 2^5.
 *   - Partial rounds: the products by D_i - 1 come from field.ts constMulAddSource, which reduces:
 *     |y_i| <= p/2 (1 + 2^-20) with limbs <= 2^23 however large the unreduced sum(x) added into them, so
 *     nothing grows from round to round and no carry pass is needed between rounds.
 */
import {
  compileKernel,
  constMulAddSource,
  type Fe,
  feCopy,
  feFromBigint,
  feNew,
  feToBigint,
  LIMBS,
  limbLocals,
  MODULUS,
  montMul,
  montSqr,
  normalize,
  storeTo,
} from './field.js';
import {
  FULL_ROUND_CONSTANTS,
  INTERNAL_DIAGONAL_MINUS_ONE,
  PARTIAL_ROUND_CONSTANTS,
} from './poseidon2-constants.js';

const toMont = (x: bigint): Fe => {
  const o = feNew();
  feFromBigint(o, x);
  return o;
};

const RC_FULL: readonly (readonly Fe[])[] = FULL_ROUND_CONSTANTS.map((row) => row.map(toMont));
const RC_PARTIAL: readonly Fe[] = PARTIAL_ROUND_CONSTANTS.map(toMont);
const ZERO = feNew();
const HALF_FULL = FULL_ROUND_CONSTANTS.length / 2;
const ROUNDS_P = PARTIAL_ROUND_CONSTANTS.length;

/** y = M_I x with the next round's constant added to y_0 (see compileInternalLayer). */
type InternalLayer = (x0: Fe, x1: Fe, x2: Fe, x3: Fe, nextConstant: Fe) => void;

/**
 * Generates the internal linear layer of a partial round as one straight-line function:
 *   sum = x0 + x1 + x2 + x3 limb by limb,  y0 = (D_0 - 1) x0 + sum + c_next,  y_i = (D_i - 1) x_i + sum.
 * The products by D_i - 1 use the table method of field.ts constMulAddSource, which also reduces: the
 * outputs have |V| <= p/2 + 2^234 and limbs <= 2^23 however large the unreduced sum is, so nothing grows
 * from round to round and no carry pass is needed. (The S-box is not fused in: calling the shared
 * montSqr/montMul kernels keeps the hot code small, which measured faster than one big function.)
 */
function compileInternalLayer(diagMinusOne: readonly bigint[]): InternalLayer {
  const x = [0, 1, 2, 3].map((i) => limbLocals(`x${i}`));
  const sum = limbLocals('sum');
  const sumc = limbLocals('sumc');
  const lines: string[] = [];
  for (let j = 0; j < LIMBS; j++) {
    lines.push(`const ${sum[j]} = (a0[${j}] + a1[${j}]) + (a2[${j}] + a3[${j}]), ${sumc[j]} = ${sum[j]} + c[${j}];`);
  }
  // x_i is (re)loaded right before its product: short live ranges, fewer spills, smaller code
  for (let i = 0; i < 4; i++) {
    lines.push(`const ${x[i].map((v, j) => `${v} = a${i}[${j}]`).join(', ')};`);
    lines.push(constMulAddSource(diagMinusOne[i], x[i], i === 0 ? sumc : sum, storeTo(`a${i}`), String(i)));
  }
  return compileKernel('internalLayer', ['a0', 'a1', 'a2', 'a3', 'c'], lines.join('\n')) as InternalLayer;
}

const internalLayer = compileInternalLayer(INTERNAL_DIAGONAL_MINUS_ONE);

// Permutation state and scratch (module-level: no allocation per call; the code is synchronous).
const S0 = feNew();
const S1 = feNew();
const S2 = feNew();
const S3 = feNew();
const IN = feNew();
const X2 = feNew();
const X4 = feNew();

/**
 * x = M_E x limb by limb, without carries. The 4x4 matrix [[5,7,1,3],[4,6,1,1],[1,3,5,7],[1,1,4,6]]
 * costs 8 additions and 4 doublings per limb (the addition chain of the Poseidon2 paper for M4).
 */
function externalLinear(): void {
  for (let j = 0; j < LIMBS; j++) {
    const x0 = S0[j], x1 = S1[j], x2 = S2[j], x3 = S3[j];
    const t0 = x0 + x1; // x0 + x1
    const t1 = x2 + x3; // x2 + x3
    const t2 = 2 * x1 + t1; // 2x1 + x2 + x3
    const t3 = 2 * x3 + t0; // x0 + x1 + 2x3
    const t4 = 4 * t1 + t3; // x0 + x1 + 4x2 + 6x3
    const t5 = 4 * t0 + t2; // 4x0 + 6x1 + x2 + x3
    S0[j] = t3 + t5; // 5x0 + 7x1 + x2 + 3x3
    S1[j] = t5;
    S2[j] = t2 + t4; // x0 + 3x1 + 5x2 + 7x3
    S3[j] = t4;
  }
}

/** x = x^5 in place; limbs of x <= 2^24 + 2^4. */
function sbox(x: Fe): void {
  montSqr(X2, x);
  montSqr(X4, X2);
  montMul(x, X4, x);
}

/** x += c, then the relaxed carry pass (limbs < 2^29 become <= 2^23 + 2^5) so x can be multiplied. */
function addNormalize(x: Fe, c: Fe): void {
  for (let j = 0; j < LIMBS; j++) x[j] += c[j];
  normalize(x);
}

function fullRound(rc: readonly Fe[]): void {
  addNormalize(S0, rc[0]);
  addNormalize(S1, rc[1]);
  addNormalize(S2, rc[2]);
  addNormalize(S3, rc[3]);
  sbox(S0);
  sbox(S1);
  sbox(S2);
  sbox(S3);
  externalLinear();
}

/** The 56 partial rounds. On entry S0..S3 are M_E outputs (limbs < 2^29). */
function partialRounds(): void {
  // x_0 gets the first constant here; later ones are folded into the previous round's y_0
  addNormalize(S0, RC_PARTIAL[0]);
  normalize(S1);
  normalize(S2);
  normalize(S3);
  for (let r = 0; r < ROUNDS_P; r++) {
    sbox(S0);
    internalLayer(S0, S1, S2, S3, r + 1 < ROUNDS_P ? RC_PARTIAL[r + 1] : ZERO);
  }
}

/** Permutations run since the module loaded (tests and benchmarks count work with it). */
let permutations = 0;
export function permutationCount(): number {
  return permutations;
}

/** Permutes S0..S3 in place; on exit all four are normalized. */
function permuteState(): void {
  permutations++;
  externalLinear();
  for (let r = 0; r < HALF_FULL; r++) fullRound(RC_FULL[r]);
  partialRounds();
  for (let r = HALF_FULL; r < 2 * HALF_FULL; r++) fullRound(RC_FULL[r]);
  normalize(S0);
  normalize(S1);
  normalize(S2);
  normalize(S3);
}

// ---- hashes kept from a preview for the apply that follows it -------------------------------------
//
// Building a blob-form checkpoint previews its blocks form (the block end markers carry roots), then
// the blob bytes are applied, which hashes the same inputs again (ChainState.preview and apply).
// While recording, every result is kept under its exact inputs; while replaying, a result with
// the same inputs is looked up instead of recomputed. A hit is the same function of the same
// inputs, so it can never change an answer; only inputs in [0, p) are keyed (a key packs them
// 256 bits apart). Off by default: no cost outside a preview/apply pair.

type MemoMode = 'off' | 'record' | 'replay';
let memoMode: MemoMode = 'off';
const pairMemo = new Map<bigint, bigint>();
const hashMemo = new Map<bigint, bigint>();
const permMemo = new Map<bigint, bigint[]>();

/** Starts keeping results (a preview), dropping what an earlier preview kept. */
export function recordHashes(): void {
  forgetHashes();
  memoMode = 'record';
}

/** Stops keeping results but keeps what was kept (until forgetHashes or the next record). */
export function pauseHashes(): void {
  if (memoMode === 'record') memoMode = 'off';
}

/** Looks results up among those kept (the apply after a preview), if any were. */
export function replayHashes(): void {
  memoMode = pairMemo.size + hashMemo.size + permMemo.size > 0 ? 'replay' : 'off';
}

export function forgetHashes(): void {
  memoMode = 'off';
  pairMemo.clear();
  hashMemo.clear();
  permMemo.clear();
}

/** `compute()`, or the result kept for `key` (null: never kept); kept while recording. */
function throughMemo<T>(memo: Map<bigint, T>, key: bigint | null, compute: () => T): T {
  if (key === null) return compute();
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const out = compute();
  if (memoMode === 'record') memo.set(key, out);
  return out;
}

/** The memo key of `xs` (prefixed by a tag), or null if some input is outside [0, p). */
function memoKey(tag: number, xs: readonly bigint[]): bigint | null {
  let k = BigInt(tag);
  for (const x of xs) {
    if (x < 0n || x >= MODULUS) return null;
    k = (k << 256n) | x;
  }
  return k;
}

/** The Poseidon2 permutation of 4 field elements (inputs reduced mod p; outputs canonical). */
export function poseidon2Permutation(state: readonly bigint[]): bigint[] {
  if (state.length !== 4) throw new RangeError(`poseidon2Permutation expects 4 elements, got ${state.length}`);
  if (memoMode === 'off') return permute4(state);
  // the kept array is never handed out: callers get copies
  return throughMemo(permMemo, memoKey(4, state), () => permute4(state)).slice();
}

function permute4(state: readonly bigint[]): bigint[] {
  feFromBigint(S0, state[0]);
  feFromBigint(S1, state[1]);
  feFromBigint(S2, state[2]);
  feFromBigint(S3, state[3]);
  permuteState();
  return [feToBigint(S0), feToBigint(S1), feToBigint(S2), feToBigint(S3)];
}

/** x += input (Montgomery form) limb-wise; the following M_E + normalize absorbs the larger limbs. */
function absorb(x: Fe, input: bigint): void {
  feFromBigint(IN, input);
  for (let j = 0; j < LIMBS; j++) x[j] += IN[j];
}

/** Forgets the cached sponge IVs and any kept hashes (see clearCaches in index.ts). */
export function clearHashCaches(): void {
  IV_CACHE.length = 0;
  forgetHashes();
}

/** Montgomery form of the sponge IV n * 2^64, cached for small n. */
const IV_CACHE: Fe[] = [];
function ivFor(n: number): Fe {
  let iv = IV_CACHE[n];
  if (iv === undefined) {
    iv = toMont(BigInt(n) << 64n);
    if (n < 64) IV_CACHE[n] = iv;
  }
  return iv;
}

/** Poseidon2 sponge hash of any number of field elements (Barretenberg's poseidon2 hash). */
export function poseidon2Hash(inputs: readonly bigint[]): bigint {
  if (memoMode === 'off') return sponge(inputs);
  return throughMemo(hashMemo, memoKey(inputs.length, inputs), () => sponge(inputs));
}

function sponge(inputs: readonly bigint[]): bigint {
  const n = inputs.length;
  S0.fill(0);
  S1.fill(0);
  S2.fill(0);
  feCopy(S3, ivFor(n));
  let i = 0;
  do {
    if (i < n) absorb(S0, inputs[i]);
    if (i + 1 < n) absorb(S1, inputs[i + 1]);
    if (i + 2 < n) absorb(S2, inputs[i + 2]);
    i += 3;
    permuteState();
  } while (i < n);
  return feToBigint(S0);
}

/** poseidon2Hash([separator, ...inputs]). */
export function poseidon2HashWithSeparator(inputs: readonly bigint[], separator: bigint): bigint {
  return poseidon2Hash([separator, ...inputs]);
}

const IV2 = ivFor(2);

/** poseidon2Hash([left, right]): the Merkle-tree hot path (one permutation, no array handling). */
export function hashPair(left: bigint, right: bigint): bigint {
  if (memoMode === 'off') return pair(left, right);
  return throughMemo(pairMemo, memoKey(2, [left, right]), () => pair(left, right));
}

function pair(left: bigint, right: bigint): bigint {
  feFromBigint(S0, left);
  feFromBigint(S1, right);
  S2.fill(0);
  feCopy(S3, IV2);
  permuteState();
  return feToBigint(S0);
}
