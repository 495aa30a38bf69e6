/**
 * BN254 scalar field Fr, p = 21888242871839275222246405745257275088548364400416034343698204186575808495617,
 * built for speed in V8 without BigInt on the hot path.
 *
 * Representation (`Fe`): 11 double limbs in radix 2^24, value V = sum(l_j * 2^(24 j)), in Montgomery form
 * with R = 2^264 (an element x is held as any V = x*R (mod p)). Limbs are signed ("balanced"): kernels
 * emit limbs in [-2^23, 2^23] and a top limb that carries the rest; V itself may be negative or larger
 * than p and is only reduced canonically when converted back to a bigint.
 *
 * Why doubles: V8 keeps them unboxed in registers, and a product of two 24-bit limbs (< 2^48) plus
 * ~20 more in one column stays below 2^53, so every intermediate is an exact integer. Rounding to a
 * multiple of 2^24 uses the magic-constant trick (t + 1.5*2^76) - 1.5*2^76 (the ulp at 2^76 is 2^24),
 * which keeps TurboFan in float64 arithmetic (Math.floor results get speculated as int32, with checks).
 *
 * Montgomery reduction is cheap because p = 1 (mod 2^28): the lowest limb of p is 1, so each step's
 * multiplier is m = -t (mod 2^24), no multiplication by -p^-1 needed. Taking m in [-2^23, 2^23]
 * (rounding to nearest) also halves the size of the m*p_j products.
 *
 * Bounds: kernels take input limbs |l| <= 2^24 + 2^4; a column then sums <= 11 products < 2^48.1,
 * <= 10 products |m p_j| <= 2^47 and a carry < 2^29: < 2^52.1, exact. Montgomery output:
 * |V_out| <= |A| |B| / R + p/2 (1 + 2^-23). Callers keep |V| < 2^262 so top limbs stay < 2^22
 * (poseidon2.ts documents its chain of bounds).
 *
 * The multiplication kernels are straight-line code generated at load time (see "kernel code
 * generation" below).
 */

/** The field modulus p. */
export const MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** Number of limbs and bits per limb of the internal representation. */
export const LIMBS = 11;
export const LIMB_BITS = 24;

/**
 * Internal field element: 11 signed radix-2^24 limbs, Montgomery form (R = 2^264).
 * A plain array with V8's PACKED_DOUBLE elements (doubles stored unboxed), deliberately not a
 * Float64Array: once any ArrayBuffer in the process has been detached (a WebAssembly memory growing,
 * a transfer to a worker, ...) V8 adds a detached-buffer check to every typed-array access in optimized
 * code, which made the whole hash ~40% slower. Always create elements with feNew().
 */
export type Fe = number[];

const RADIX = 16777216; // 2^24
const INV_RADIX = 5.9604644775390625e-8; // 2^-24, exact
/** Adding and subtracting 1.5 * 2^76 rounds any |t| < 2^75 to the nearest multiple of 2^24 (exactly). */
const ROUND = 113336795588871485128704; // 1.5 * 2^76

/** p as radix-2^24 limbs (p_0 = 1). */
const P_LIMBS: readonly number[] = bigintToLimbs(MODULUS);

/** 2^240 / p: estimates V / p from the top limb(s) (weakReduce, constMulAddSource). */
const TOP_INV_P = Number(1n << 240n) / Number(MODULUS);

/** Montgomery constant R = 2^264; R^2 mod p converts into Montgomery form via montMul(x, R^2) = x*R. */
const R2 = feFromLimbs(bigintToLimbs((1n << 528n) % MODULUS));
/** Plain 1 (not in Montgomery form): montMul(x, ONE_RAW) = x/R converts out of Montgomery form. */
const ONE_RAW = feFromLimbs(bigintToLimbs(1n));

function bigintToLimbs(x: bigint): number[] {
  const out: number[] = [];
  for (let i = 0; i < LIMBS; i++) {
    out.push(Number(x & 0xffffffn));
    x >>= 24n;
  }
  return out;
}

function feFromLimbs(limbs: readonly number[]): Fe {
  const o = feNew();
  for (let i = 0; i < LIMBS; i++) o[i] = limbs[i];
  return o;
}

/** A new zero element. */
export function feNew(): Fe {
  // a literal of non-integral numbers gets PACKED_DOUBLE elements; every Fe must share that kind so the
  // kernels stay monomorphic
  const o = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
  o.fill(0);
  return o;
}

export function feCopy(o: Fe, a: Fe): void {
  for (let j = 0; j < LIMBS; j++) o[j] = a[j];
}

// ---- bigint <-> limbs -------------------------------------------------------------------------------
// BigInt operations cost ~50 ns each, so conversions go through a BigUint64Array whose buffer is also
// viewed as 32-bit words: storing a bigint into a BigUint64Array slot truncates it to 64 bits for free.

const CONV64 = new BigUint64Array(4);
const CONV32 = new Uint32Array(CONV64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Writes canonical x in [0, 2^256) as 11 unsigned 24-bit limbs. */
function loadCanonical(o: Fe, x: bigint): void {
  if (!LITTLE_ENDIAN) {
    const l = bigintToLimbs(x);
    for (let i = 0; i < LIMBS; i++) o[i] = l[i];
    return;
  }
  const h = x >> 128n;
  CONV64[0] = x;
  CONV64[1] = x >> 64n;
  CONV64[2] = h;
  CONV64[3] = h >> 64n;
  const w0 = CONV32[0], w1 = CONV32[1], w2 = CONV32[2], w3 = CONV32[3];
  const w4 = CONV32[4], w5 = CONV32[5], w6 = CONV32[6], w7 = CONV32[7];
  // every 3 words (96 bits) hold 4 limbs
  o[0] = w0 & 0xffffff;
  o[1] = (w0 >>> 24) | ((w1 & 0xffff) << 8);
  o[2] = (w1 >>> 16) | ((w2 & 0xff) << 16);
  o[3] = w2 >>> 8;
  o[4] = w3 & 0xffffff;
  o[5] = (w3 >>> 24) | ((w4 & 0xffff) << 8);
  o[6] = (w4 >>> 16) | ((w5 & 0xff) << 16);
  o[7] = w5 >>> 8;
  o[8] = w6 & 0xffffff;
  o[9] = (w6 >>> 24) | ((w7 & 0xffff) << 8);
  o[10] = w7 >>> 16;
}

/**
 * Reads a value |V| < 2^255 with signed limbs |l_j| < 2^40 as a canonical bigint in [0, p), assuming V is
 * in (-p, 2p). Carries are propagated exactly (floor), p is added if V < 0 and subtracted if V >= p.
 */
function readCanonical(a: Fe): bigint {
  const l = SCRATCH_LIMBS;
  let c = 0;
  for (let j = 0; j < LIMBS - 1; j++) {
    const t = a[j] + c;
    c = Math.floor(t * INV_RADIX);
    l[j] = t - c * RADIX;
  }
  l[LIMBS - 1] = a[LIMBS - 1] + c;
  if (l[LIMBS - 1] < 0) addLimbsExact(l, 1);
  else if (geqP(l)) addLimbsExact(l, -1);
  if (!LITTLE_ENDIAN) {
    let v = 0n;
    for (let j = LIMBS - 1; j >= 0; j--) v = (v << 24n) | BigInt(l[j]);
    return v;
  }
  // 4 limbs -> 3 words; all limbs are now integers in [0, 2^24)
  const l0 = l[0], l1 = l[1], l2 = l[2], l3 = l[3], l4 = l[4], l5 = l[5];
  const l6 = l[6], l7 = l[7], l8 = l[8], l9 = l[9], l10 = l[10];
  CONV32[0] = l0 | (l1 << 24);
  CONV32[1] = (l1 >>> 8) | (l2 << 16);
  CONV32[2] = (l2 >>> 16) | (l3 << 8);
  CONV32[3] = l4 | (l5 << 24);
  CONV32[4] = (l5 >>> 8) | (l6 << 16);
  CONV32[5] = (l6 >>> 16) | (l7 << 8);
  CONV32[6] = l8 | (l9 << 24);
  CONV32[7] = (l9 >>> 8) | (l10 << 16);
  return (((((CONV64[3] << 64n) | CONV64[2]) << 64n) | CONV64[1]) << 64n) | CONV64[0];
}

const SCRATCH_LIMBS = feNew();

/** l += sign * p on exactly normalized limbs, then renormalizes exactly. */
function addLimbsExact(l: Fe, sign: number): void {
  let c = 0;
  for (let j = 0; j < LIMBS - 1; j++) {
    const t = l[j] + sign * P_LIMBS[j] + c;
    c = Math.floor(t * INV_RADIX);
    l[j] = t - c * RADIX;
  }
  l[LIMBS - 1] += sign * P_LIMBS[LIMBS - 1] + c;
}

/** Compares exactly normalized non-negative limbs with p. */
function geqP(l: Fe): boolean {
  for (let j = LIMBS - 1; j >= 0; j--) {
    if (l[j] !== P_LIMBS[j]) return l[j] > P_LIMBS[j];
  }
  return true;
}

function canonicalBigint(x: bigint): bigint {
  if (x >= 0n && x < MODULUS) return x;
  const r = x % MODULUS;
  return r < 0n ? r + MODULUS : r;
}

/** o = x*R mod p (Montgomery form) for any bigint x (reduced mod p first if outside [0, p)). */
export function feFromBigint(o: Fe, x: bigint): void {
  loadCanonical(o, canonicalBigint(x));
  montMul(o, o, R2);
}

/** Writes x (reduced mod p) as plain limbs *without* the Montgomery factor: useful with montMul(., R2). */
export function feLoadRaw(o: Fe, x: bigint): void {
  loadCanonical(o, canonicalBigint(x));
}

const TO_BIG_TMP = feNew();

/** Canonical bigint in [0, p) of a Montgomery-form element (limbs |l_j| <= 2^24, |V| < 2^263). */
export function feToBigint(a: Fe): bigint {
  // montMul(a, 1) = (V + m*p)/R with |V|/R < 1/2 and |m*p|/R <= p/2 (1 + 2^-23): lands in (-p, p)
  montMul(TO_BIG_TMP, a, ONE_RAW);
  return readCanonical(TO_BIG_TMP);
}

// ---- linear operations --------------------------------------------------------------------------------

/**
 * Relaxed carry pass on all limbs in parallel (no carry chain): each limb l_j (|l_j| < 2^53) is split into
 * r + lo, r the nearest multiple of 2^24 and |lo| <= 2^23, and r/2^24 moves one limb up. V is unchanged and
 * afterwards |l_j| <= 2^23 + |old l_(j-1)| / 2^24 + 1/2, e.g. <= 2^23 + 17 for inputs below 2^28.
 * The top limb only absorbs the carry.
 */
export function normalize(o: Fe): void {
  const l0 = o[0], l1 = o[1], l2 = o[2], l3 = o[3], l4 = o[4], l5 = o[5], l6 = o[6], l7 = o[7], l8 = o[8], l9 = o[9];
  const r0 = l0 + ROUND - ROUND, r1 = l1 + ROUND - ROUND, r2 = l2 + ROUND - ROUND, r3 = l3 + ROUND - ROUND;
  const r4 = l4 + ROUND - ROUND, r5 = l5 + ROUND - ROUND, r6 = l6 + ROUND - ROUND, r7 = l7 + ROUND - ROUND;
  const r8 = l8 + ROUND - ROUND, r9 = l9 + ROUND - ROUND;
  o[0] = l0 - r0;
  o[1] = l1 - r1 + r0 * INV_RADIX;
  o[2] = l2 - r2 + r1 * INV_RADIX;
  o[3] = l3 - r3 + r2 * INV_RADIX;
  o[4] = l4 - r4 + r3 * INV_RADIX;
  o[5] = l5 - r5 + r4 * INV_RADIX;
  o[6] = l6 - r6 + r5 * INV_RADIX;
  o[7] = l7 - r7 + r6 * INV_RADIX;
  o[8] = l8 - r8 + r7 * INV_RADIX;
  o[9] = l9 - r9 + r8 * INV_RADIX;
  o[10] = o[10] + r9 * INV_RADIX;
}

/**
 * Subtracts q*p with q estimated from the top limb, then normalizes: afterwards
 * |V| <= p/2 + 2^(216+1) * max|l_j| (j < 10) + small, i.e. about p/2 + 2^244 for limbs up to 2^27.
 * Keeps repeated additions from growing without bound.
 */
export function weakReduce(o: Fe): void {
  const q = Math.round(o[LIMBS - 1] * TOP_INV_P);
  if (q !== 0) for (let j = 0; j < LIMBS; j++) o[j] -= q * P_LIMBS[j];
  normalize(o);
}

/** o = a + b (mod p), weakly reduced. */
export function feAdd(o: Fe, a: Fe, b: Fe): void {
  for (let j = 0; j < LIMBS; j++) o[j] = a[j] + b[j];
  weakReduce(o);
}

/** o = a - b (mod p), weakly reduced. */
export function feSub(o: Fe, a: Fe, b: Fe): void {
  for (let j = 0; j < LIMBS; j++) o[j] = a[j] - b[j];
  weakReduce(o);
}

/** o = a * b (mod p); operands in Montgomery form. */
export function feMul(o: Fe, a: Fe, b: Fe): void {
  montMul(o, a, b);
}

/** o = a^2 (mod p). */
export function feSqr(o: Fe, a: Fe): void {
  montSqr(o, a);
}

// ---- bigint-level convenience (canonical inputs and outputs) ------------------------------------------

const BA = feNew(), BB = feNew(), BC = feNew();

export function frAdd(a: bigint, b: bigint): bigint {
  const r = canonicalBigint(a) + canonicalBigint(b);
  return r >= MODULUS ? r - MODULUS : r;
}

export function frSub(a: bigint, b: bigint): bigint {
  const r = canonicalBigint(a) - canonicalBigint(b);
  return r < 0n ? r + MODULUS : r;
}

/** a*b mod p through the Montgomery kernels on plain limbs: montMul(a, b) = ab/R, montMul(ab/R, R^2) = ab. */
export function frMul(a: bigint, b: bigint): bigint {
  feLoadRaw(BA, a);
  feLoadRaw(BB, b);
  montMul(BC, BA, BB); // ab/R
  montMul(BC, BC, R2); // ab, |V| < p^2/R + p/2 < p
  return readCanonical(BC);
}

// ---- kernel code generation -----------------------------------------------------------------------
//
// The multiplications are generated as straight-line JavaScript (one expression per product column,
// local variables only) and compiled once at load time with `new Function`. Straight-line code with
// locals is what TurboFan turns into register/stack arithmetic without loops or array traffic, and
// generating it lets poseidon2.ts fuse the four constant multiplications of a partial round into one
// function. Measured lesson: on this workload instruction fetch matters as much as arithmetic, so code
// that runs repeatedly (squaring, multiplication) is shared, not duplicated by fusion.

/** Receives output limb k as an expression and returns the statement that stores it. */
export type LimbSink = (k: number, expr: string) => string;

/**
 * Values of P1..P10 (p's limbs), RND = 1.5 * 2^76 and INV = 2^-24 inside generated kernels; built from a
 * literal starting with 0.5 so that the array has unboxed double elements (then the 0.5 is dropped).
 */
const KERNEL_CONSTANTS: readonly number[] = [0.5, ...P_LIMBS.slice(1), ROUND, INV_RADIX].slice(1);

/**
 * Compiles generated statements into a function with the given parameters. The constants P1..P10, RND
 * and INV are read from an array once per call instead of being written as literals: TurboFan would
 * otherwise re-materialize a 64-bit immediate at every use, and the larger code measured ~25% slower
 * (these kernels are limited by instruction fetch and floating-point throughput).
 */
export function compileKernel(name: string, params: readonly string[], body: string): (...args: never[]) => void {
  const names = [...P_LIMBS.slice(1).map((_, j) => `P${j + 1}`), 'RND', 'INV'];
  const prelude = `const ${names.map((n, j) => `${n} = K[${j}]`).join(', ')};`;
  const factory = new Function('K', `return function ${name}(${params.join(', ')}) {\n${prelude}\n${body}\n};`);
  return factory(KERNEL_CONSTANTS) as (...args: never[]) => void;
}

/** Balanced addition tree, so that a column sum is not one long dependency chain. */
function sumTree(xs: readonly string[]): string {
  if (xs.length === 1) return xs[0];
  const h = (xs.length + 1) >> 1;
  return `(${sumTree(xs.slice(0, h))} + ${sumTree(xs.slice(h))})`;
}

/**
 * Montgomery multiplication out = a*b/R (mod p), or a^2/R when b is null, by product scanning.
 * Column k sums a_i*b_(k-i) and m_i*p_(k-i). For k < 11 it picks m_k = round(t/2^24)*2^24 - t in
 * [-2^23, 2^23], which makes the column divisible by 2^24 (p_0 = 1); for k >= 11 the column gives output
 * limb k-11 = t - round(t/2^24)*2^24. The carry is the rounded column / 2^24.
 * Bounds, for input limbs |a_i|, |b_j| <= 2^24 + 2^4: a column has <= 11 products < 2^48.1, <= 10
 * products |m_i p_j| <= 2^47 and a carry < 2^29, so |t| < 2^52.2: exact. Output limbs are in
 * [-2^23, 2^23] except the top one (the last carry, |o_10| <= |V_out|/2^240 + 1), and
 * |V_out| <= |A| |B| / R + p/2 (1 + 2^-23).
 * `a`, `b`: limb expressions (evaluated once each, at the start); `tag`: suffix for temporaries.
 */
export function montMulSource(a: readonly string[], b: readonly string[] | null, sink: LimbSink, tag: string): string {
  const A = (i: number) => `a${tag}_${i}`;
  const B = (i: number) => (b === null ? A(i) : `b${tag}_${i}`);
  const m = (i: number) => `m${tag}_${i}`;
  const t = `t${tag}`, r = `r${tag}`, c = `c${tag}`;
  const lines: string[] = [];
  lines.push(`const ${a.map((e, i) => `${A(i)} = ${e}`).join(', ')};`);
  if (b !== null) lines.push(`const ${b.map((e, i) => `${B(i)} = ${e}`).join(', ')};`);
  lines.push(`let ${t} = 0, ${r} = 0, ${c} = 0;`);
  for (let k = 0; k < 2 * LIMBS - 1; k++) {
    const terms: string[] = [];
    const lo = Math.max(0, k - (LIMBS - 1)), hi = Math.min(k, LIMBS - 1);
    if (b === null) {
      const cross: string[] = [];
      for (let i = lo; i < k - i; i++) cross.push(`${A(i)} * ${A(k - i)}`);
      if (cross.length > 0) terms.push(`2 * ${sumTree(cross)}`);
      if (k % 2 === 0) terms.push(`${A(k / 2)} * ${A(k / 2)}`);
    } else {
      for (let i = lo; i <= hi; i++) terms.push(`${A(i)} * ${B(k - i)}`);
    }
    // m_i * p_(k-i) for i < k; the newest m (i = k-1) is added last, it is the one just computed
    let newest = '';
    for (let i = lo; i <= Math.min(k - 1, LIMBS - 1); i++) {
      if (k - i < 1 || k - i > LIMBS - 1) continue;
      if (i === k - 1) newest = `${m(i)} * P${k - i}`;
      else terms.push(`${m(i)} * P${k - i}`);
    }
    let expr = sumTree(terms);
    if (k > 0) expr = newest ? `(${expr} + ${c}) + ${newest}` : `${expr} + ${c}`;
    lines.push(`${t} = ${expr};`);
    lines.push(`${r} = ${t} + RND - RND;`);
    if (k < LIMBS) lines.push(`const ${m(k)} = ${r} - ${t};`);
    else lines.push(sink(k - LIMBS, `${t} - ${r}`));
    lines.push(`${c} = ${r} * INV;`);
  }
  lines.push(sink(LIMBS - 1, c));
  return lines.join('\n');
}

/** Sink storing limb k into `name[k]`. */
export const storeTo =
  (name: string): LimbSink =>
  (k, expr) =>
    `${name}[${k}] = ${expr};`;

/** Sink declaring limb k as a local `name_k`. */
export const declareAs =
  (name: string): LimbSink =>
  (k, expr) =>
    `const ${name}_${k} = ${expr};`;

/** Limb expressions `name[0]` .. `name[10]`. */
export function limbReads(name: string): string[] {
  return Array.from({ length: LIMBS }, (_, j) => `${name}[${j}]`);
}

/** Local names `name_0` .. `name_10` (as produced by declareAs). */
export function limbLocals(name: string): string[] {
  return Array.from({ length: LIMBS }, (_, j) => `${name}_${j}`);
}

type Kernel2 = (o: Fe, a: Fe, b: Fe) => void;
type Kernel1 = (o: Fe, a: Fe) => void;

/** o = a*b/R (mod p). Input limbs |a_i|, |b_j| <= 2^24 + 2^4. o may alias a or b. */
export const montMul = compileKernel(
  'montMul',
  ['o', 'a', 'b'],
  montMulSource(limbReads('a'), limbReads('b'), storeTo('o'), ''),
) as Kernel2;

/** o = a^2/R (mod p). Input limbs |a_i| <= 2^24 + 2^4. o may alias a. */
export const montSqr = compileKernel(
  'montSqr',
  ['o', 'a'],
  montMulSource(limbReads('a'), null, storeTo('o'), ''),
) as Kernel1;

// ---- multiplication by a fixed constant --------------------------------------------------------------

/** o = d*x + s (mod p) for a constant d fixed when the kernel was compiled. o may alias x, not s. */
export type ConstMulAdd = (o: Fe, x: Fe, s: Fe) => void;

/**
 * JavaScript statements computing `out = d*x + s (mod p)` for a fixed plain (non-Montgomery) constant d,
 * given the 11 limbs of x and of the addend s as expressions (local names or array reads).
 * Multiplying a Montgomery-form x by a plain d gives the Montgomery form of the product, so there is
 * no division by R. Instead the code uses the 11 x 11 table E_j = d * 2^(24 j) mod p, each E_j taken in
 * (-p/2, p/2] with balanced limbs (|E_jk| <= 2^23, top limb <= 2^12.6), written in as literals:
 *   d*x = sum_j x_j * E_j (mod p):  121 independent products and no carry chain between them,
 * then subtracts q*p with q = round(V / p) estimated from the three top columns, and carries once.
 * That is ~40% fewer floating-point operations than a Montgomery multiplication.
 *
 * Bounds (limbs |x_j| <= 2^24 + 2^4, |s_j| <= 2^40 and top limb of s <= 2^24): column sums
 * |t_k| < 2^50.5, top column |t_10| < 2^40.1, |q| < 2^26.6, |q p_k| < 2^50.6: exact below 2^53. The
 * estimate of V/p is off by < 2^-20, so the result has |V| <= p/2 + 2^234, limbs |o_k| <= 2^23 (k < 10).
 *
 * `x`, `s`: limb expressions; `tag` keeps the temporaries of several fused multiplications apart.
 */
export function constMulAddSource(
  d: bigint,
  x: readonly string[],
  s: readonly string[],
  sink: LimbSink,
  tag: string,
): string {
  const half = MODULUS >> 1n;
  const table: number[][] = [];
  for (let j = 0; j < LIMBS; j++) {
    let e = (canonicalBigint(d) << BigInt(LIMB_BITS * j)) % MODULUS;
    if (e > half) e -= MODULUS;
    table.push(balancedLimbs(e));
  }
  const column = (k: number): string => {
    const terms: string[] = [];
    for (let j = 0; j < LIMBS; j++) if (table[j][k] !== 0) terms.push(`${x[j]} * ${table[j][k]}`);
    return terms.length === 0 ? s[k] : `${sumTree(terms)} + ${s[k]}`;
  };
  const t = (k: number): string => `t${tag}_${k}`;
  const lines: string[] = [];
  // the three top columns first (they give q); the others are computed inside the carry chain, so only
  // x's limbs stay live across the function (few spills, smaller code)
  for (const k of [10, 9, 8]) lines.push(`const ${t(k)} = ${column(k)};`);
  // q = round(V / p) from V ~ (t10 + t9 2^-24 + t8 2^-48) 2^240; adding 1.5 * 2^52 rounds to an integer
  const q = `q${tag}`, u = `u${tag}`, r = `r${tag}`;
  lines.push(
    `const ${q} = (${t(10)} + (${t(9)} + ${t(8)} * INV) * INV) * ${TOP_INV_P} + 6755399441055744 - 6755399441055744;`,
  );
  lines.push(`let ${u} = ${column(0)} - ${q};`); // p_0 = 1
  lines.push(`let ${r} = ${u} + RND - RND;`);
  lines.push(sink(0, `${u} - ${r}`));
  for (let k = 1; k < LIMBS; k++) {
    lines.push(`${u} = ${k < 8 ? `(${column(k)})` : t(k)} - ${q} * P${k} + ${r} * INV;`);
    if (k < LIMBS - 1) {
      lines.push(`${r} = ${u} + RND - RND;`);
      lines.push(sink(k, `${u} - ${r}`));
    } else {
      lines.push(sink(k, u));
    }
  }
  return lines.join('\n');
}

/**
 * Compiles o = d*x + s (mod p) for a fixed d into straight-line code (see constMulAddSource). The table
 * is written into the source as literals: reading it from an array costs a bounds check per entry and
 * measured ~35% slower.
 */
export function compileConstMulAdd(d: bigint): ConstMulAdd {
  const xs = limbLocals('x');
  const load = `const ${xs.map((v, j) => `${v} = x[${j}]`).join(', ')};`;
  const body = `${load}\n${constMulAddSource(d, xs, limbReads('s'), storeTo('o'), '')}`;
  return compileKernel('constMulAdd', ['o', 'x', 's'], body) as ConstMulAdd;
}

/** Signed radix-2^24 digits in [-2^23, 2^23) of |v| < 2^263. */
function balancedLimbs(v: bigint): number[] {
  const out: number[] = [];
  for (let i = 0; i < LIMBS; i++) {
    const l = Number(BigInt.asIntN(LIMB_BITS, v));
    out.push(l);
    v = (v - BigInt(l)) >> BigInt(LIMB_BITS);
  }
  if (v !== 0n) throw new RangeError('value out of range for 11 limbs');
  return out;
}
