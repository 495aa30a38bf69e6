// Boundary values for integer fields: a value a few steps around a power of two (2^8, 2^16, 2^32,
// 2^53, 2^64, 2^128, or any other 2^k up to the field's width) or around the field modulus p.
// Plans hold the recipe (k, d), not the value, so fast-check shrinks it toward small k and d = 0.
// Every power of two is drawable, not just the widths the spec uses today: whichever integer rule
// an implementation (or a later spec) applies to a field, its edge is probed.

import fc from 'fast-check';
import { FIELD_MODULUS } from '../core/params.js';

/** 2^k + d; k = 0 means "near zero" (just d), k = -1 means "near p" (p + d). */
export interface Near {
  k: number;
  d: number;
}

/** The widths integer rules commonly use; drawn more often than the other powers of two. */
const COMMON = [8, 16, 32, 48, 53, 63, 64, 128, 252, 253, 254];

/**
 * An arbitrary boundary recipe for a field of `bits` bits (`field`: a field element, so p is an
 * edge too). Offsets -3..3 put values on both sides and let later increments cross the edge.
 */
export function nearArb(bits: number, field = false): fc.Arbitrary<Near> {
  const common = COMMON.filter((k) => k <= bits);
  const ks: fc.WeightedArbitrary<number>[] = [
    { weight: 4, arbitrary: fc.constantFrom(...common) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: bits }) },
  ];
  if (field) ks.push({ weight: 2, arbitrary: fc.constant(-1) });
  return fc.record({ k: fc.oneof(...ks), d: fc.integer({ min: -3, max: 3 }) });
}

/** The value of a recipe, clamped into [lo, hi]. */
export function nearValue(n: Near, lo: bigint, hi: bigint): bigint {
  const base = n.k === -1 ? FIELD_MODULUS : n.k === 0 ? 0n : 1n << BigInt(n.k);
  const v = base + BigInt(n.d);
  return v < lo ? lo : v > hi ? hi : v;
}

export const U32_MAX = 0xffff_ffffn;
export const U64_MAX = (1n << 64n) - 1n;
