// The indexed trees' ordered key set (trees/sorted-keys.ts) against a plain sorted array, past the
// 256-key chunk size: the `small` profile's trees never hold that many keys, so the differential
// suites do not reach chunk splitting or the search across chunks.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SortedKeySet } from '../src/trees/sorted-keys.js';

/** Largest element <= k of a sorted array, by the definition. */
const floorOf = (sorted: bigint[], k: bigint): bigint | undefined => sorted.filter((x) => x <= k).at(-1);

describe('SortedKeySet', () => {
  it('answers floor queries and size like a sorted array, for up to 1,500 keys in any order', () => {
    const lengths: number[] = [];
    fc.assert(
      fc.property(
        // (fast-check's default size would keep arrays short: ask for the whole range)
        fc.uniqueArray(fc.bigInt({ min: 0n, max: (1n << 254n) - 1n }), { minLength: 0, maxLength: 1500, size: 'max' }),
        fc.array(fc.bigInt({ min: -1n, max: 1n << 254n }), { maxLength: 40 }),
        fc.boolean(),
        (keys, queries, ascending) => {
          const set = new SortedKeySet();
          // ascending inserts always land in the last chunk; random ones split chunks in the middle
          const order = ascending ? [...keys].sort((a, b) => (a < b ? -1 : 1)) : keys;
          for (const k of order) set.insert(k);
          const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          expect(set.size).toBe(keys.length);
          lengths.push(keys.length);
          expect([...set.values()]).toEqual(sorted);
          for (const q of [...queries, ...keys.slice(0, 20), ...keys.slice(0, 20).map((k) => k - 1n), ...keys.slice(0, 20).map((k) => k + 1n)]) {
            expect(set.floor(q)).toBe(floorOf(sorted, q));
          }
        },
      ),
      { numRuns: 40 },
    );
    expect(lengths.filter((n) => n > 512).length).toBeGreaterThan(10); // several chunks, many times
  });

  it('keeps a copy independent (clone)', () => {
    const a = new SortedKeySet();
    for (let i = 0; i < 600; i++) a.insert(BigInt((i * 7919) % 1000));
    const b = a.clone();
    b.insert(100_000n);
    expect(a.size).toBe(600);
    expect(b.size).toBe(601);
    expect(a.floor(200_000n)).toBe(999n);
    expect(b.floor(200_000n)).toBe(100_000n);
  });
});
