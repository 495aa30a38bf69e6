/**
 * Generates impls/ts/src/hash/poseidon2-constants.ts: the Poseidon2 round constants for the BN254 scalar
 * field, t = 4, d = 5, R_F = 8, R_P = 56, as used by Barretenberg.
 *
 *   npx tsx impls/ts/scripts/gen-poseidon2-constants.ts
 *
 * The round constants come from the Grain LFSR procedure of the Poseidon reference
 * (Horizen Labs' poseidon2_rust_params.sage with field = 1 (GF(p)), sbox = 0 (x^alpha), n = 254, t = 4,
 * R_F = 8, R_P = 56), re-implemented here from its description:
 *   - an 80-bit state initialised with the parameters, most significant bit first:
 *     field (2 bits), sbox (4), n (12), t (12), R_F (10), R_P (10), then 30 one-bits;
 *   - each step shifts in b = s[62] ^ s[51] ^ s[38] ^ s[23] ^ s[13] ^ s[0]; the first 160 bits are dropped;
 *   - output bits are filtered in pairs: draw a bit; if it is 1 the next bit is output, else it is dropped;
 *   - a field element is n = 254 output bits, most significant first, rejected (and redrawn) if >= p;
 *   - Poseidon2 draws R_F * t + R_P elements in round order: t per full round, one per partial round.
 * The internal-matrix diagonal (stored as D_i - 1, Barretenberg's `internal_matrix_diagonal_minus_one`) is
 * not derived here; its values are published facts copied from Barretenberg's poseidon2_params.hpp.
 * Everything is checked against @aztec/bb.js by impls/ts/test/poseidon2.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const FIELD = 1; // GF(p)
const SBOX = 0; // x^alpha
const N_BITS = 254;
const T = 4;
const ROUNDS_F = 8;
const ROUNDS_P = 56;

/** D_i - 1 of the internal matrix M_I = J + diag(D) (Barretenberg, poseidon2_params.hpp). */
const INTERNAL_DIAGONAL_MINUS_ONE = [
  0x10dc6e9c006ea38b04b1e03b4bd9490c0d03f98929ca1d7fb56821fd19d3b6e7n,
  0x0c28145b6a44df3e0149b3d0a30b3bb599df9756d4dd9b84a86b38cfb45a740bn,
  0x00544b8338791518b2c7645a50392798b21f75bb60e3596170067d00141cac15n,
  0x222c01175718386f2e2e82eb122789e352e105a3b8fa852613bc534433ee428bn,
];

function bitsMsbFirst(value: number, width: number): number[] {
  const out: number[] = [];
  for (let i = width - 1; i >= 0; i--) out.push((value >> i) & 1);
  return out;
}

/** Grain LFSR in self-shrinking mode, as in the Poseidon reference scripts. */
class Grain {
  private state: number[];

  constructor() {
    this.state = [
      ...bitsMsbFirst(FIELD, 2),
      ...bitsMsbFirst(SBOX, 4),
      ...bitsMsbFirst(N_BITS, 12),
      ...bitsMsbFirst(T, 12),
      ...bitsMsbFirst(ROUNDS_F, 10),
      ...bitsMsbFirst(ROUNDS_P, 10),
      ...new Array<number>(30).fill(1),
    ];
    for (let i = 0; i < 160; i++) this.step();
  }

  private step(): number {
    const s = this.state;
    const bit = s[62] ^ s[51] ^ s[38] ^ s[23] ^ s[13] ^ s[0];
    s.shift();
    s.push(bit);
    return bit;
  }

  /** One output bit: pairs (b1, b2), output b2 when b1 = 1, discard the pair otherwise. */
  nextBit(): number {
    for (;;) {
      const first = this.step();
      const second = this.step();
      if (first === 1) return second;
    }
  }

  /** A uniformly drawn field element by rejection sampling on n-bit integers. */
  nextFieldElement(): bigint {
    for (;;) {
      let v = 0n;
      for (let i = 0; i < N_BITS; i++) v = (v << 1n) | BigInt(this.nextBit());
      if (v < P) return v;
    }
  }
}

function generate(): { full: bigint[][]; partial: bigint[] } {
  const grain = new Grain();
  const full: bigint[][] = [];
  const partial: bigint[] = [];
  const drawRound = (): bigint[] => Array.from({ length: T }, () => grain.nextFieldElement());
  for (let r = 0; r < ROUNDS_F / 2; r++) full.push(drawRound());
  for (let r = 0; r < ROUNDS_P; r++) partial.push(grain.nextFieldElement());
  for (let r = 0; r < ROUNDS_F / 2; r++) full.push(drawRound());
  return { full, partial };
}

const hex = (x: bigint): string => `0x${x.toString(16).padStart(64, '0')}n`;

function render(full: bigint[][], partial: bigint[]): string {
  const lines: string[] = [];
  lines.push('// GENERATED FILE, do not edit: produced by impls/ts/scripts/gen-poseidon2-constants.ts');
  lines.push('//');
  lines.push('// Poseidon2 parameters for the BN254 scalar field as used by Barretenberg');
  lines.push('// (barretenberg/cpp/src/barretenberg/crypto/poseidon2/poseidon2_params.hpp): t = 4, d = 5,');
  lines.push('// 8 full rounds (4 + 4) and 56 partial rounds.');
  lines.push('// - Round constants: regenerated with the Grain LFSR procedure of the Poseidon2 reference');
  lines.push("//   (Horizen Labs' poseidon2_rust_params.sage: field = 1, sbox = 0, n = 254, t = 4, R_F = 8, R_P = 56).");
  lines.push('// - Internal matrix diagonal: published values copied from Barretenberg (stored as D_i - 1).');
  lines.push('// Verified against @aztec/bb.js by impls/ts/test/poseidon2.test.ts.');
  lines.push('');
  lines.push(`export const POSEIDON2_T = ${T};`);
  lines.push('export const POSEIDON2_D = 5;');
  lines.push(`export const POSEIDON2_ROUNDS_F = ${ROUNDS_F};`);
  lines.push(`export const POSEIDON2_ROUNDS_P = ${ROUNDS_P};`);
  lines.push('');
  lines.push('/** Constants of the 8 full rounds, in order: rounds 0-3 before the partial rounds, 4-7 after. */');
  lines.push('export const FULL_ROUND_CONSTANTS: readonly (readonly bigint[])[] = [');
  for (const row of full) lines.push(`  [\n${row.map((x) => `    ${hex(x)},`).join('\n')}\n  ],`);
  lines.push('];');
  lines.push('');
  lines.push('/** Constant added to state[0] in each of the 56 partial rounds. */');
  lines.push('export const PARTIAL_ROUND_CONSTANTS: readonly bigint[] = [');
  for (const x of partial) lines.push(`  ${hex(x)},`);
  lines.push('];');
  lines.push('');
  lines.push('/** Internal matrix M_I = J + diag(D): these are D_i - 1, so y_i = (D_i - 1) * x_i + sum(x). */');
  lines.push('export const INTERNAL_DIAGONAL_MINUS_ONE: readonly bigint[] = [');
  for (const x of INTERNAL_DIAGONAL_MINUS_ONE) lines.push(`  ${hex(x)},`);
  lines.push('];');
  lines.push('');
  return lines.join('\n');
}

const { full, partial } = generate();
const target = fileURLToPath(new URL('../src/hash/poseidon2-constants.ts', import.meta.url));
writeFileSync(target, render(full, partial));
console.log(`wrote ${target}`);
